"""A track at a glance: every section of its state, as `tracker status` and `tracker brief` show
them (tracker.present defines which, in what order, under which title, in which words), then its
schedule drawn as a chart (schedule_chart); this module only styles them, as Rich `Text` built
from plain strings, never from markup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from projections.state import TrackState
from tracker import present
from tracker.present import Line, Section, Span
from tui.widgets.text import CLAIM_STYLES, PROGRESS_STYLES, clean, stance, track_status, trend
from tui.widgets.track.schedule_chart import ScheduleChart


class Names(present.Names):
    """The shared names (tracker.present.Names), terminal-safe: every pane of a track puts them
    straight into a Text; an empty list reads '—'."""

    def __call__(self, actor: str) -> str:
        return clean(super().__call__(actor))

    def short(self, actor: str) -> str:
        return clean(super().short(actor))

    def many(self, actors: Iterable[str], empty: str = "—") -> str:
        return super().many(actors, empty)


STYLES: dict[str, str] = {
    "date": "dim",
    "mark": "bold yellow",
    "subject": "bold",
    "quote": "italic",
    "absent": "dim",
}
# Who is kept out or asks in stands out from who sits at the table.
SUBJECT_STYLES: dict[str, str] = {"excluded": "bold red", "seat_demands": "bold yellow", "mediators": "bold cyan"}


def render_span(section: Section, span: Span) -> Text:
    """One span as Text: the words of tracker.present, with the TUI's glyphs and colours."""
    if span.kind == "status":
        return track_status(span.text)
    if span.kind == "trend":
        return trend(span.text)
    if span.kind == "stance":
        return stance(span.text, with_word=True)
    if span.kind == "claim":
        return Text(clean(span.text), style=CLAIM_STYLES.get(span.text.lower(), ""))
    if span.kind == "progress":
        return Text(clean(span.text), style=PROGRESS_STYLES.get(span.text, ""))
    style = SUBJECT_STYLES.get(section.key, "bold") if span.kind == "subject" else STYLES.get(span.kind, "")
    return Text(clean(span.text), style=style)


def render_line(section: Section, ln: Line) -> Text | Padding:
    text = Text()
    for span in ln.spans:
        text.append_text(render_span(section, span))
    # A detail (a stance under its issue, a commitment under its agreement) is indented as a
    # block, so that its wrapped lines stay under it.
    return Padding(text, (0, 0, 0, 2 * ln.level)) if ln.level else text


def render_lines(section: Section, lines: list[Line]) -> Group:
    return Group(*(render_line(section, ln) for ln in lines))


def render_overview(state: TrackState, names: present.Names,
                    backing: Mapping[tuple[str, ...], present.Backs] | None = None) -> Group:
    """The overview; with `backing` (Tracker.backing), each fact says what stands behind it, and
    one that rests only on reported or unverified events says so. The schedule's chart comes after
    the one-line sections (status, trend, last activity...), before the long ones."""
    shown = list(present.sections(state, names, present.backed_by(backing)))
    width = max([18, *(len(section.title) for section, _ in shown)])
    # the one-line sections lead SECTIONS: the chart goes where the first longer one begins
    split = next((i for i, (section, _) in enumerate(shown) if not section.inline), len(shown))
    grids = []
    for part in (shown[:split], shown[split:]):
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(style="bold", no_wrap=True, min_width=width)  # the same in both grids
        grid.add_column(ratio=1)
        for section, lines in part:
            grid.add_row(Text(section.title), render_lines(section, lines))
        grids.append(grid)

    head = Text(clean(state.title), style="bold")
    head.append(f"  {clean(state.track)}", style="dim")
    parts: list[RenderableType] = [head]
    if state.description:
        parts.append(Text(clean(state.description, single_line=False), style="italic"))
    parts += [Text(), grids[0]]
    chart = ScheduleChart(state)  # its meetings and deadlines, each move an arrow
    if chart.rows:
        parts += [Text(), chart]
    parts += [Text(), grids[1]]
    return Group(*parts)


class TrackOverview(Static):
    """The overview pane of a track."""

    def show(self, state: TrackState, names: present.Names,
             backing: Mapping[tuple[str, ...], present.Backs] | None = None) -> None:
        self.update(render_overview(state, names, backing))

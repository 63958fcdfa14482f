"""Who stands where: actors × issues, a stance glyph and colour in each cell, and an arrow when
the stance changed (↑ towards support, ↓ away from it: tracker.present.SHIFT_ARROWS).

A stance that rests on a claim not confirmed (reported, unverified, disputed ...) reads in brackets,
"(✘)", in the claim's colour: never as plain fact.

Selecting a cell shows the statement behind it: who said it, the quote, what it shifted from, and
(`StanceDetail`, fetched with `Tracker.provenance`) every event behind it, each with its role (sets,
corroborates, superseded, bears on) and its sources with their grades ('B2'), under the support line
("3 sources, 2 independent (B2, C3)").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.widgets import DataTable, Static

from projections.state import Stance
from tracker.present import SHIFT_ARROWS, Names
from tracker.service import Provenance, ProvenanceEntry, StoredEvent, Tracker, UnknownFact
from tui.widgets.text import CLAIM_STYLES, STANCE_GLYPHS, claim, clean, day, quotation, stance

# The roles of the events behind a fact (projections.provenance.Role), as the detail shows them.
ROLE_STYLES: dict[str, str] = {"sets": "bold green", "corroborates": "green", "superseded": "dim",
                               "bears on": "yellow"}
ROLE_WIDTH = len("corroborates")


def legend() -> Columns:
    """What the glyphs mean: on one line if it fits, else in aligned columns, each meaning whole
    (wrapped as text, '? date may lie after this moment' broke after 'date' at 80 columns)."""
    items = [Text(f"{glyph} {word}", style=style) for word, (glyph, style) in STANCE_GLYPHS.items()]
    # Each short enough for two columns at 80 (four lines, not eight, above the matrix).
    items += [Text("· no statement", style="dim"),
              Text(f"{SHIFT_ARROWS['up']}{SHIFT_ARROWS['down']} shift towards / away from support", style="magenta"),
              Text("? date may lie after this moment", style="yellow"),
              Text("( ) claim not confirmed", style=CLAIM_STYLES["reported"])]
    return Columns(items, padding=(0, 3))


def stance_cell(s: Stance | None) -> Text:
    """A cell of the matrix: the glyph, the direction of the last change, '?' for a date that may
    lie after the moment; in brackets of the claim's colour when the claim is not confirmed."""
    cell = stance(s.stance if s else None)
    if s is not None and s.claim_status != "confirmed":
        style = CLAIM_STYLES.get(s.claim_status, "dim")
        cell = Text("(", style=style) + cell + Text(")", style=style)
    if s is not None and s.direction:
        cell.append(SHIFT_ARROWS[s.direction], style="magenta")
    if s is not None and s.uncertain:
        cell.append("?", style="yellow")
    cell.justify = "center"
    return cell


def _indented(text: Text, by: int) -> Padding:
    return Padding(text, (0, 0, 0, by))  # wrapped lines stay under the first


def render_entry(entry: ProvenanceEntry) -> list[RenderableType]:
    """One event behind a fact: its role, date, position, type and claim; its summary; each of its
    sources with its grade."""
    e = entry.event
    head = Text()
    head.append(f"{entry.role:<{ROLE_WIDTH}}", style=ROLE_STYLES.get(entry.role, ""))
    head.append(f"  {clean(e.occurred.label())}  #{entry.position} {e.type.replace('_', ' ')}", style="dim")
    if entry.claim_status != "confirmed":
        head.append("  ")
        head.append_text(claim(entry.claim_status))
    if entry.corrected:
        head.append("  corrected", style="yellow")
    lines: list[RenderableType] = [head, _indented(Text(clean(e.summary)), 3)]
    grades = entry.grades or ("",) * len(e.sources)
    for src, grade in zip(e.sources, grades, strict=False):
        line = Text(clean(src.outlet), style="bold")
        if src.via:
            line.append(f"  via {clean(src.via)}", style="dim")
        if src.published:
            line.append(f"  {day(src.published)}", style="dim")
        if grade:
            line.append(f"  grade {grade}", style="bold cyan")
        lines.append(_indented(line, 3))
        if src.url:
            lines.append(_indented(Text(clean(src.url), style="underline"), 5))
        if src.quote:
            lines.append(_indented(quotation(src.quote, single_line=False), 5))
    if not e.sources:
        lines.append(_indented(Text("no source", style="dim italic"), 3))
    return lines


def render_why(why: Provenance) -> list[RenderableType]:
    """Every event behind the cell's stance, by date: the support line, then each with its role."""
    support = Text("Support: ", style="bold")
    support.append(clean(str(why.support)), style="" if why.support.sources else "yellow")
    lines: list[RenderableType] = [Text("Why", style="bold underline"), support]
    for entry in why.entries:
        lines += render_entry(entry)
    return lines


def render_stance(s: Stance, names: Names, sources: Sequence[StoredEvent] | None = None, *,
                  why: Provenance | None = None, loading: bool = False) -> Group:
    """The statement behind one cell, and where it comes from: with `why` (Tracker.provenance),
    every event behind it with its role and its sources' grades; else the sources of the events
    behind it, if given."""
    head = Text()
    head.append(names(s.actor), style="bold")
    head.append(" on ")
    head.append(clean(s.issue), style="bold")
    head.append(": ")
    head.append_text(stance(s.stance, with_word=True))
    if s.previous and s.direction:
        head.append(f"  {SHIFT_ARROWS[s.direction]} was ", style="magenta")
        head.append_text(stance(s.previous, with_word=True))
    lines: list[RenderableType] = [head]
    said = Text()
    said.append("Said by ", style="dim")
    said.append(names(s.speaker))
    if s.occurred:
        said.append(f", {clean(s.occurred.label())}", style="dim")
        if s.uncertain:
            said.append(" (may be later than the moment shown)", style="yellow")
    said.append("  ·  claim ", style="dim")
    said.append_text(claim(s.claim_status))
    if s.claim_status != "confirmed":
        said.append(" (not confirmed)", style=CLAIM_STYLES.get(s.claim_status, "dim"))
    if len(s.history) > 1:
        said.append(f"  ·  the latest of {len(s.history)} statements ('tracker stances' lists them)", style="dim")
    lines.append(said)
    if s.summary:
        lines += [Text(), Text(clean(s.summary, single_line=False))]
    if s.quote:
        lines += [Text(), quotation(s.quote, single_line=False)]
    if why is not None:
        return Group(*lines, Text(), *render_why(why))
    lines += [Text(), Text("Sources", style="bold underline")]
    if sources is None or loading:
        lines.append(Text("loading…", style="dim"))
    elif not sources:
        lines.append(Text("none recorded", style="dim italic"))
    else:
        n = 0
        for stored in sources:
            for src in stored.event.sources:
                n += 1
                line = Text(f"{n}. ")
                line.append(clean(src.outlet), style="bold")
                if src.published:
                    line.append(f"  {day(src.published)}", style="dim")
                if src.via:
                    line.append(f"  via {clean(src.via)}", style="dim")
                if src.credibility:
                    line.append(f"  credibility {src.credibility}", style="dim")  # the report's half of a grade
                line.append(f"  (event #{stored.position})", style="dim")
                lines.append(line)
                if src.url:
                    lines.append(Text("   ") + Text(clean(src.url), style="underline"))
                if src.quote:
                    lines.append(Text("   ") + quotation(src.quote, single_line=False))
        if n == 0:
            lines.append(Text("the events behind this carry no sources", style="dim italic"))
    return Group(*lines)


def two_lines(issue: str) -> str:
    """'european-peacekeepers' -> 'european\npeacekeepers': narrow columns, whole words."""
    words = issue.replace("-", " ").split()
    if len(words) < 2:
        return issue
    best = min(range(1, len(words)), key=lambda i: max(len(" ".join(words[:i])), len(" ".join(words[i:]))))
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


class PositionsMatrix(DataTable[Any]):
    """Rows are actors, columns are issues; the cursor is a cell."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=False, header_height=2)
        self.cells: dict[tuple[str, str], Stance] = {}
        self.actors: list[str] = []
        self.issues: list[str] = []

    def show(self, stances: Sequence[Stance], agenda: Sequence[str], names: Names) -> None:
        keep = self.selected_key
        self.cells = {(s.actor, s.issue): s for s in stances}
        issues = list(dict.fromkeys([*(a for a in agenda if any(s.issue == a for s in stances)),
                                     *sorted({s.issue for s in stances})]))
        actors = sorted({s.actor for s in stances}, key=lambda a: names(a).lower())
        self.clear(columns=True)
        self.actors, self.issues = actors, issues
        for issue in issues:
            label = two_lines(clean(issue))
            self.add_column(Text(label, style="bold", justify="center"), key=issue,
                            width=max(7, max(len(line) for line in label.splitlines())))
        for actor in actors:
            cells = []
            for issue in issues:
                cells.append(stance_cell(self.cells.get((actor, issue))))
            self.add_row(*cells, key=actor, label=Text(names(actor), style="bold"))
        if keep is not None and keep[0] in actors and keep[1] in issues:
            self.move_cursor(row=actors.index(keep[0]), column=issues.index(keep[1]), animate=False)

    @property
    def selected_key(self) -> tuple[str, str] | None:
        if not self.row_count or not self.columns:
            return None
        row, col = self.cursor_coordinate
        if row >= len(self.actors) or col >= len(self.issues):
            return None
        return self.actors[row], self.issues[col]

    @property
    def selected(self) -> Stance | None:
        key = self.selected_key
        return self.cells.get(key) if key else None

    def select(self, actor: str, issue: str) -> bool:
        if actor in self.actors and issue in self.issues:
            self.move_cursor(row=self.actors.index(actor), column=self.issues.index(issue), animate=False)
            return True
        return False


class StanceDetail(Static):
    """The detail of the selected cell: the statement at once, then (fetched in a worker through
    `Tracker.provenance`, as known at the moment viewed) every event behind it with its role and
    its sources' grades."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stance: Stance | None = None

    def show(self, s: Stance, names: Names, track_id: str) -> None:
        self.stance = s
        self.update(render_stance(s, names, loading=True))
        moment = self.app.moment  # type: ignore[attr-defined]
        path = ["stances", s.actor, s.issue]

        def work() -> None:
            try:
                why = self.app.project(Tracker.provenance, track_id, path, moment)  # type: ignore[attr-defined]
            except UnknownFact:  # the cell's stance is not the track's at that moment (cannot happen): its sources
                why = None
            if why is None:
                ids = list(s.event_ids) or ([s.event_id] if s.event_id else [])
                sources = self.app.project(Tracker.why, ids)  # type: ignore[attr-defined]
                self.app.call_from_thread(self._shown, s, render_stance(s, names, sources))
                return
            self.app.call_from_thread(self._shown, s, render_stance(s, names, why=why))

        self.run_worker(work, thread=True, exit_on_error=False, exclusive=True, group=f"stance-{id(self)}")

    def _shown(self, s: Stance, rendered: Group) -> None:
        if self.stance is s:
            self.update(rendered)

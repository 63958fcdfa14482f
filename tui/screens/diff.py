"""What changed on a track between two days (as known now; with k, each as known on its day)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Input, Select, Static

from events.dates import DateParseError, bound_day
from projections.state import Change
from tracker.present import plural
from tracker.service import Moment, StoredEvent, TrackDiff, Tracker, TrackState
from tui.screens.base import ViewScreen
from tui.widgets.date_field import DateField
from tui.widgets.text import CLAIM_STYLES, clean, day, fit_table, quotation

KIND_STYLES = {
    "status": "bold", "party_joined": "green", "party_left": "red", "excluded": "red", "readmitted": "green",
    "seat_demand": "yellow", "mediator": "cyan", "stance_new": "cyan", "stance_changed": "bold yellow",
    "proposal_new": "cyan", "proposal_status": "yellow", "agreement_new": "bold green",
    "commitment_progress": "green", "meeting_new": "cyan", "meeting_postponed": "yellow",
    "meeting_held": "green", "meeting_cancelled": "red", "denied": "bold red",
}


HEADERS = {"kind": "Change", "subject": "About", "description": "What changed"}
# What changed asks for this much at first, then takes what room is left. Narrower, what a change is
# about gives up width first, then what changed (both cut with an ellipsis, and whole in the pane
# beside or under the table); the kind of change is never cut.
DESCRIPTION_WANT = 48
LEAST = {"subject": 12, "description": 20}
COMPACT_BELOW = 30  # rows of the terminal under which the form's fields go without borders


def kind_text(change: Change) -> Text:
    return Text(change.kind.replace("_", " "), style=KIND_STYLES.get(change.kind, ""))


def described(change: Change) -> Text:
    """What changed, and, if the events behind it are not confirmed, their claim status (dim):
    a change resting on a report reads as one."""
    text = Text(clean(change.description))
    if change.claim_status != "confirmed":
        text.append(f" [{change.claim_status}]", style=CLAIM_STYLES.get(change.claim_status, "dim"))
    return text


def render_sources(change: Change, events: list[StoredEvent]) -> Group:
    head = kind_text(change)
    if change.subject:
        head.append(f"  {clean(change.subject)}", style="dim")
    lines: list[RenderableType] = [head, Text(clean(change.description, single_line=False), style="bold")]
    if change.claim_status != "confirmed":
        lines.append(Text(f"claim {change.claim_status}: no confirmed event stands behind this change",
                          style=CLAIM_STYLES.get(change.claim_status, "dim")))
    lines.append(Text())
    if not events:
        lines.append(Text("no events recorded behind this change", style="dim italic"))
    for stored in events:
        e = stored.event
        line = Text(f"#{stored.position} ", style="bold")
        line.append(f"{clean(e.occurred.label())}  ", style="cyan")
        line.append(clean(e.summary))
        lines.append(line)
        for src in e.sources:
            s = Text("    ")
            s.append(clean(src.outlet), style="bold")
            if src.published:
                s.append(f"  {day(src.published)}", style="dim")
            if src.url:
                s.append(f"  {clean(src.url)}", style="underline")
            lines.append(s)
            if src.quote:
                lines.append(Text("    ") + quotation(src.quote))
    return Group(*lines)


class DiffTable(DataTable[Any]):
    """One row per change; its columns follow its width."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.cells: dict[str, dict[str, Text]] = {}

    def on_mount(self) -> None:
        # A scroll bar coming or going changes the room for the columns, without a resize.
        self.watch(self, "show_vertical_scrollbar", lambda _: self.refit(), init=False)
        self.refit(force=True)

    def on_resize(self) -> None:
        self.refit()

    def show(self, changes: list[Change]) -> None:
        self.cells = {str(i): {"kind": kind_text(c), "subject": Text(clean(c.subject)),
                               "description": described(c)} for i, c in enumerate(changes)}
        self.refit(force=True)

    def refit(self, *, force: bool = False) -> None:
        fit_table(self, HEADERS, self.cells, least=LEAST, grow=["description"], ask={"description": DESCRIPTION_WANT},
                  force=force)


class DiffScreen(ViewScreen):
    """Pick a track and two days; see every change between them and the events behind each.

    Below 100 columns the track goes on a row of its own above the two days and Compare; below 140
    the changes are listed above the events behind the highlighted one, not beside them: beside,
    what changed would get a column too narrow to read."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (140, "-wide")]

    BINDINGS = [
        Binding("ctrl+r", "compare", "Compare"),
        Binding("f", "focus_form", "Change dates"),
    ]

    def __init__(self) -> None:
        super().__init__(id="diff-screen")
        self.changes: list[Change] = []
        self._defaults_set = False
        self._tracks: list[str] = []  # the tracks the form offers
        self._followed: str | None = None  # the track last shown (app.last_track) the form took

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="diff-form"):
            yield Select([], prompt="track", id="diff-track")
            with Horizontal(id="diff-days"):
                yield DateField("", placeholder="from (e.g. 17 Feb 2025)", input_id="diff-from",
                                id="diff-from-field")
                yield DateField("", placeholder="to (e.g. 18 Feb 2025)", input_id="diff-to", id="diff-to-field")
                yield Button("Compare", variant="primary", id="diff-go")
        yield Static(id="diff-status", classes="view-status")
        with Horizontal(id="diff-body"):
            yield DiffTable(id="diff-table")
            with VerticalScroll(id="diff-why-scroll"):
                yield Static(Text("Select a change to see the events and sources behind it.", style="dim italic"),
                             id="diff-why")

    def on_resize(self, event: events.Resize) -> None:
        # In a short terminal the form's fields go without borders: three rows instead of seven,
        # left to the changes.
        compact = event.size.height < COMPACT_BELOW
        self.query_one("#diff-track", Select).compact = compact
        self.query_one("#diff-go", Button).compact = compact
        for field in self.query("#diff-form Input").results(Input):
            field.compact = compact

    def reload(self) -> None:
        self.load_choices()

    @work(thread=True, exit_on_error=False, exclusive=True, group="diff-choices")
    def load_choices(self) -> None:
        states = self.app.project(Tracker.tracks, Moment())
        days = self.app.project(Tracker.dated_days)
        self.app.call_from_thread(self.set_choices, states, days)

    def set_choices(self, states: list[TrackState], days: list[date]) -> None:
        select = self.query_one("#diff-track", Select)
        current = select.value
        select.set_options([(Text(clean(s.title)), s.track) for s in states])
        tracks = self._tracks = [s.track for s in states]
        preferred = self.app.last_track
        if preferred in tracks and preferred != self._followed:
            select.value, self._followed = preferred, preferred
        elif current is not Select.NULL and current in tracks:
            select.value = current
        elif tracks:
            select.value = tracks[0]
        if not self._defaults_set and days:
            self._defaults_set = True
            to = self.moment.as_of or max(days)
            earlier = [d for d in days if d < to]
            self.query_one("#diff-to", Input).value = to.isoformat()
            if earlier:
                self.query_one("#diff-from", Input).value = max(earlier).isoformat()
            self.action_compare()

    def set_track(self, track: str) -> None:
        self.query_one("#diff-track", Select).value = track

    def on_screen_resume(self) -> None:
        # (ViewScreen's handler runs too.) Opened from a track (4), the form takes that track, once:
        # a track chosen here afterwards stays until another track is shown.
        track = self.app.last_track
        if track is not None and track != self._followed and track in self._tracks:
            self._followed = track
            self.set_track(track)
            if self._defaults_set:
                self.action_compare()

    def _day(self, selector: str) -> date | None:
        text = self.query_one(selector, Input).value.strip()
        if not text:
            return None
        return bound_day(text, "as_of")

    @on(Button.Pressed, "#diff-go")
    @on(Input.Submitted)
    def action_compare(self) -> None:
        track = self.query_one("#diff-track", Select).value
        status = self.query_one("#diff-status", Static)
        if track is Select.NULL:
            status.update(Text("Choose a track.", style="yellow"))
            return
        try:
            d1, d2 = self._day("#diff-from"), self._day("#diff-to")
        except DateParseError as exc:
            status.update(Text(clean(str(exc)), style="bold red"))
            return
        if d1 is None or d2 is None:
            status.update(Text("Type both days (e.g. '17 Feb 2025' and '18 Feb 2025').", style="yellow"))
            return
        if d2 < d1:
            d1, d2 = d2, d1
        status.update(Text("comparing…", style="dim"))
        self.compute(str(track), d1, d2)

    @work(thread=True, exit_on_error=False, exclusive=True, group="diff-compute")
    def compute(self, track: str, d1: date, d2: date) -> None:
        try:
            result = self.app.project(Tracker.diff, track, self.app.moment_on(d1), self.app.moment_on(d2))
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.query_one("#diff-status", Static).update,
                                      Text(f"Could not compare: {clean(str(exc))}", style="bold red"))
            return
        self.app.call_from_thread(self.show_diff, result)

    def show_diff(self, result: TrackDiff) -> None:
        self.changes = list(result.changes)
        self.query_one(DiffTable).show(self.changes)
        status = Text(plural(len(self.changes), "change"), style="bold")
        status.append(f" on {clean(result.track)}: {clean(result.before)}  →  {clean(result.after)}", style="dim")
        self.query_one("#diff-status", Static).update(status)
        if self.changes:
            self._show_why()
        else:
            self.query_one("#diff-why", Static).update(Text("Nothing changed between these moments.",
                                                            style="dim italic"))

    @on(DataTable.RowHighlighted, "#diff-table")
    def _show_why(self) -> None:
        table = self.query_one("#diff-table", DataTable)
        if not self.changes or table.cursor_row >= len(self.changes):
            return
        change = self.changes[table.cursor_row]
        self.query_one("#diff-why", Static).update(render_sources(change, []))
        self.load_why(change)

    @work(thread=True, exit_on_error=False, exclusive=True, group="diff-why")
    def load_why(self, change: Change) -> None:
        events = self.app.project(Tracker.why, list(change.event_ids))
        self.app.call_from_thread(self.query_one("#diff-why", Static).update, render_sources(change, events))

    def action_focus_form(self) -> None:
        self.query_one("#diff-from", Input).focus()

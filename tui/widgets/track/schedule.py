"""A track's schedule: its meetings (held, scheduled, postponed with every postponement, cancelled)
and its deadlines (due, extended, met, missed), each shown as what it is: a deadline is never "held"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import DataTable

from events.occurred import Occurred
from projections.state import Deadline, DeadlineExtension, Meeting, Postponement
from tracker.present import Names
from tui.widgets.event_list import when_label
from tui.widgets.text import claim, clean, fit_table, table_widths, widest

MEETING_STYLES = {"held": "green", "scheduled": "bold cyan", "postponed": "yellow", "cancelled": "red"}
DEADLINE_STYLES = {"pending": "bold magenta", "extended": "yellow", "met": "green", "missed": "red", "passed": "yellow"}
DEADLINE_MARK = "⚑ "  # before a deadline's title in the schedule: not a meeting


# A schedule too narrow for its titles gives its dates the event log's short form, at most this many
# cells and never cut inside a word ("10–16 Feb 2025" for "week of 10 Feb 2025"): the detail under
# or beside it says them whole.
SHORT_DATE = 14


def date_text(when: Occurred | None, *, short: bool = False) -> str:
    if when is None:
        return "date unknown"
    return when_label(when, SHORT_DATE) if short else clean(when.label())


def meeting_when(m: Meeting, *, short: bool = False) -> Text:
    when = m.held or m.planned or m.occurred
    text = Text(date_text(when, short=short))
    if m.uncertain:
        text.append(" ?", style="yellow")
    return text


def meeting_status(m: Meeting, *, moves: bool = False) -> Text:
    text = Text(clean(m.status), style=MEETING_STYLES.get(m.status, ""))
    if moves and m.postponements:
        text.append(f" ×{len(m.postponements)}", style="yellow")  # how many times it was moved
    if m.upcoming:
        text.append(" · upcoming", style="bold")
    elif m.date_passed:
        text.append(" · past", style="yellow")  # the detail says what that means
    return text


def _status_line(state: Text, claim_status: str) -> Text:
    line = Text("Status: ")
    line.append_text(state)
    if claim_status != "confirmed":
        line.append("  claim ")
        line.append_text(claim(claim_status))
    return line


def _moves(word: str, moves: Sequence[Postponement | DeadlineExtension], names: Names, open_end: str) -> list[Text]:
    """One line per postponement of a meeting or extension of a deadline, each with its reason."""
    lines = []
    for i, x in enumerate(moves, start=1):
        line = Text(f"{word} ({i}): ", style="yellow")
        line.append(f"{clean(x.from_date.label()) if x.from_date else '?'} → "
                    f"{clean(x.to_date.label()) if x.to_date else open_end}")
        if x.by:
            line.append(f" by {names.many(x.by)}")
        if x.occurred:
            line.append(f" (announced {clean(x.occurred.label())})", style="dim")
        lines.append(line)
        if x.reason:
            lines.append(Text(f"   {clean(x.reason)}", style="italic dim"))
    return lines


def render_meeting(m: Meeting, names: Names) -> Group:
    """The full story of one meeting, postponements included."""
    head = Text(clean(m.title), style="bold")
    head.append(f"  {clean(m.meeting)}", style="dim")
    lines: list[RenderableType] = [head, _status_line(meeting_status(m), m.claim_status)]
    if m.held:
        lines.append(Text(f"Held: {clean(m.held.label())}"))
    if m.planned:
        lines.append(Text(f"Planned: {clean(m.planned.label())}"))
    if m.first_planned and m.first_planned != m.planned:
        lines.append(Text(f"First announced for: {clean(m.first_planned.label())}", style="dim"))
    lines += _moves("Postponed", m.postponements, names, "sine die")
    if m.participants:
        lines.append(Text(f"Participants: {names.many(m.participants)}"))
    if m.host:
        lines.append(Text(f"Host: {names(m.host)}"))
    if m.location:
        lines.append(Text(f"Location: {clean(m.location)}"))
    if m.cancelled_by:
        lines.append(Text(f"Cancelled by {names.many(m.cancelled_by)}", style="red"))
    if m.reason:
        lines.append(Text(f"Reason: {clean(m.reason)}", style="italic"))
    if m.outcome:
        lines.append(Text(f"Outcome: {clean(m.outcome, single_line=False)}"))
    if m.date_passed:
        lines.append(Text("Its date has passed: nothing logged says it was held, postponed again or cancelled.",
                          style="yellow"))
    if m.status in ("scheduled", "postponed"):
        lines.append(Text("h logs this meeting as held", style="dim italic"))
    return Group(*lines)


def deadline_when(d: Deadline, *, short: bool = False) -> Text:
    when = d.closed if d.status in ("met", "missed") else d.due
    text = Text("due ", style="magenta") if d.status not in ("met", "missed") else Text()
    text.append(date_text(when, short=short))
    if d.uncertain:
        text.append(" ?", style="yellow")
    return text


def deadline_status(d: Deadline, *, moves: bool = False) -> Text:
    text = Text(clean(d.status), style=DEADLINE_STYLES.get(d.status, ""))
    if moves and d.extensions:
        text.append(f"{'' if d.status == 'extended' else ', extended'} ×{len(d.extensions)}", style="yellow")  # "met ×5" misread
    if d.upcoming:
        text.append(" · upcoming", style="bold")
    return text


def render_deadline(d: Deadline, names: Names) -> Group:
    """The full story of one deadline: its due date, every extension, what met it."""
    head = Text(DEADLINE_MARK + "Deadline: ", style="bold magenta")
    head.append(clean(d.title), style="bold")
    head.append(f"  {clean(d.deadline)}", style="dim")
    lines: list[RenderableType] = [head, _status_line(deadline_status(d, moves=True), d.claim_status)]
    if d.due:
        lines.append(Text(f"Due: {clean(d.due.label())}"))
    if d.original_due and d.original_due != d.due:
        lines.append(Text(f"First due: {clean(d.original_due.label())}", style="dim"))
    lines += _moves("Extended", d.extensions, names, "?")
    if d.set_by:
        lines.append(Text(f"Set by: {names.many(d.set_by)}"))
    if d.consequence:
        lines.append(Text(f"If missed: {clean(d.consequence)}", style="italic"))
    if d.status == "met":
        line = Text(f"Met {clean(d.closed.label()) if d.closed else ''}", style="green")
        if d.met_by_title:
            line.append(f" by {clean(d.met_by_title)} ({clean((d.met_by_type or 'event').replace('_', ' '))})")
        elif d.met_by:
            line.append(f" by event {clean(d.met_by)}")
        lines.append(line)
    if d.status == "missed":
        lines.append(Text(f"Missed{' (' + clean(d.closed.label()) + ')' if d.closed else ''}", style="red"))
    if d.note:
        lines.append(Text(f"Note: {clean(d.note, single_line=False)}"))
    if d.status == "passed":
        lines.append(Text("Its due date has passed: nothing logged says it was met, missed or extended.",
                          style="yellow"))
    if d.status in ("pending", "extended", "passed"):
        lines.append(Text("n logs an event: deadline met, extended or missed", style="dim italic"))
    return Group(*lines)


def render_item(item: Meeting | Deadline, names: Names) -> Group:
    """A row of the schedule in full: a meeting or a deadline."""
    return render_deadline(item, names) if isinstance(item, Deadline) else render_meeting(item, names)


HEADERS = {"when": "When", "title": "Meeting", "status": "Status"}
WITH_DEADLINES = {**HEADERS, "title": "Meeting or ⚑ deadline"}
# The date and the status (a word, a count of moves and "· upcoming" or "· past") are never cut; the
# title takes what room is left, cut with an ellipsis, and reads whole in the meeting's detail.
LEAST = {"title": 12}


def claimed(status: Text, claim_status: str) -> Text:
    """A row's status, and its claim when that is not confirmed ('held · unverified'): a meeting
    only reported is never listed as plain fact."""
    if claim_status == "confirmed":
        return status
    return status + Text(" · ") + claim(claim_status)


def meeting_cells(m: Meeting, *, short: bool = False) -> dict[str, Text]:
    return {"when": meeting_when(m, short=short), "title": Text(clean(m.title)),
            "status": claimed(meeting_status(m, moves=True), m.claim_status)}


def deadline_cells(d: Deadline, *, short: bool = False) -> dict[str, Text]:
    title = Text(DEADLINE_MARK, style="bold magenta")
    title.append(clean(d.title))
    return {"when": deadline_when(d, short=short), "title": title,
            "status": claimed(deadline_status(d, moves=True), d.claim_status)}


def cells_of(item: Meeting | Deadline, *, short: bool = False) -> dict[str, Text]:
    """A row's cells; `short`: its date in its short form (SHORT_DATE)."""
    return deadline_cells(item, short=short) if isinstance(item, Deadline) else meeting_cells(item, short=short)


def _day(item: Meeting | Deadline) -> date:
    """Where a row sorts: its date's first day (as the state sorts meetings), undated ones first."""
    when: Occurred | None = (item.due or item.occurred) if isinstance(item, Deadline) else (item.occurred or item.planned)
    return when.earliest if when is not None else date.min


DEADLINE_KEY = "deadline:"  # row keys of deadlines (a meeting's key is its id)


class ScheduleTable(DataTable[Any]):
    """One row per meeting and per deadline (marked ⚑, its date "due ..."), by date; its columns
    follow its width."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.meetings: dict[str, Meeting] = {}
        self.items: dict[str, Meeting | Deadline] = {}

    def on_mount(self) -> None:
        # A scroll bar coming or going changes the room for the columns, without a resize.
        self.watch(self, "show_vertical_scrollbar", lambda _: self.refit(), init=False)
        self.refit(force=True)

    def on_resize(self) -> None:
        self.refit()

    def show(self, meetings: Sequence[Meeting], deadlines: Sequence[Deadline] = ()) -> None:
        self.meetings = {m.meeting: m for m in meetings}
        both: list[tuple[str, Meeting | Deadline]] = [*self.meetings.items(),
                                                      *((DEADLINE_KEY + d.deadline, d) for d in deadlines)]
        both.sort(key=lambda kv: (_day(kv[1]), kv[0]))
        self.items = dict(both)
        self.refit(force=True)

    def refit(self, *, force: bool = False) -> None:
        rows = {key: cells_of(item) for key, item in self.items.items()}
        headers = WITH_DEADLINES if any(isinstance(i, Deadline) for i in self.items.values()) else HEADERS
        # Titles too long for the room left: the dates give up what their long forms take.
        title = table_widths(self, headers, rows, least=LEAST, grow=["title"]).get("title", 0)
        if title < widest(row["title"] for row in rows.values()):
            rows = {key: cells_of(item, short=True) for key, item in self.items.items()}
        fit_table(self, headers, rows, least=LEAST, grow=["title"], force=force)

    @property
    def selected_item(self) -> Meeting | Deadline | None:
        """The meeting or deadline on the cursor's row."""
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.items.get(str(key))

    @property
    def selected(self) -> Meeting | None:
        """The meeting on the cursor's row (None on a deadline's)."""
        item = self.selected_item
        return item if isinstance(item, Meeting) else None

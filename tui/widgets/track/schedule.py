"""A track's meetings: held, scheduled, postponed (with every postponement), cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import DataTable

from projections.state import Meeting
from tracker.present import Names
from tui.widgets.text import claim, clean, fit_table

MEETING_STYLES = {"held": "green", "scheduled": "bold cyan", "postponed": "yellow", "cancelled": "red"}


def meeting_when(m: Meeting) -> Text:
    when = m.held or m.planned or m.occurred
    text = Text(clean(when.label()) if when else "date unknown")
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


def render_meeting(m: Meeting, names: Names) -> Group:
    """The full story of one meeting, postponements included."""
    head = Text(clean(m.title), style="bold")
    head.append(f"  {clean(m.meeting)}", style="dim")
    lines: list[RenderableType] = [head]
    status = Text("Status: ")
    status.append_text(meeting_status(m))
    if m.claim_status != "confirmed":
        status.append("  claim ")
        status.append_text(claim(m.claim_status))
    lines.append(status)
    if m.held:
        lines.append(Text(f"Held: {clean(m.held.label())}"))
    if m.planned:
        lines.append(Text(f"Planned: {clean(m.planned.label())}"))
    if m.first_planned and m.first_planned != m.planned:
        lines.append(Text(f"First announced for: {clean(m.first_planned.label())}", style="dim"))
    for i, p in enumerate(m.postponements, start=1):
        line = Text(f"Postponed ({i}): ", style="yellow")
        line.append(f"{clean(p.from_date.label()) if p.from_date else '?'} → "
                    f"{clean(p.to_date.label()) if p.to_date else 'sine die'}")
        if p.by:
            line.append(f" by {names.many(p.by)}")
        if p.occurred:
            line.append(f" (announced {clean(p.occurred.label())})", style="dim")
        lines.append(line)
        if p.reason:
            lines.append(Text(f"   {clean(p.reason)}", style="italic dim"))
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


HEADERS = {"when": "When", "title": "Meeting", "status": "Status"}
# The date and the status (a word, a count of moves and "· upcoming" or "· past") are never cut; the
# title takes what room is left, cut with an ellipsis, and reads whole in the meeting's detail.
LEAST = {"title": 12}


def meeting_cells(m: Meeting) -> dict[str, Text]:
    return {"when": meeting_when(m), "title": Text(clean(m.title)), "status": meeting_status(m, moves=True)}


class ScheduleTable(DataTable[Any]):
    """One row per meeting, by date; its columns follow its width."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.meetings: dict[str, Meeting] = {}

    def on_mount(self) -> None:
        # A scroll bar coming or going changes the room for the columns, without a resize.
        self.watch(self, "show_vertical_scrollbar", lambda _: self.refit(), init=False)
        self.refit(force=True)

    def on_resize(self) -> None:
        self.refit()

    def show(self, meetings: Sequence[Meeting]) -> None:
        self.meetings = {m.meeting: m for m in meetings}
        self.refit(force=True)

    def refit(self, *, force: bool = False) -> None:
        rows = {key: meeting_cells(m) for key, m in self.meetings.items()}
        fit_table(self, HEADERS, rows, least=LEAST, grow=["title"], force=force)

    @property
    def selected(self) -> Meeting | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.meetings.get(str(key))

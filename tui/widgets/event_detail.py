"""One event's full record: envelope, type fields, sources, hash and position, later amendments."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from events import Occurred
from events.types import Commitment, type_fields
from tracker.present import joined
from tracker.service import EventRow, Grades, StoredEvent
from tui.widgets.event_list import claim_mark
from tui.widgets.text import claim, clean, day, quotation, safe, stance


def _value(name: str, value: Any) -> Text | None:
    """A type-specific field's value as inert text (None: nothing to show)."""
    if value is None or value == [] or value == {} or value == "":
        return None
    if name == "stance":
        return stance(value, with_word=True)
    if name == "new_status":
        return claim(value)
    if isinstance(value, Occurred):
        return safe(value.label())
    if isinstance(value, list) and value and isinstance(value[0], Commitment):
        out = Text()
        for i, c in enumerate(value):
            if i:
                out.append("\n")
            out.append(f"{clean(c.id)}: ", style="bold")
            out.append(clean(c.text))
            if c.owners:
                out.append(f" ({clean(', '.join(c.owners))})", style="dim")
        return out
    if isinstance(value, list):
        return safe(joined(str(v) for v in value), single_line=False)  # findings are sentences: no ", " after a full stop
    if isinstance(value, dict):
        return safe(json.dumps(value, ensure_ascii=False, default=str), single_line=False)
    if isinstance(value, float) and value.is_integer():
        return safe(int(value))
    return safe(value, single_line=False)


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    grid.add_column(style="bold", no_wrap=True, min_width=10)
    grid.add_column(ratio=1)
    return grid


def render_event(row: EventRow, later: list[StoredEvent] | None = None, grades: Grades | None = None) -> Group:
    """The renderable for one event as known at the moment viewed (corrected, retracted and
    claim status marked): every string from the log goes in as `Text`. With `grades` (the
    outlets' reliability at that moment), each source shows its grade ('B2')."""
    stored, e = row.stored, row.event
    head = Text()
    head.append(f"#{stored.position}  ", style="bold")
    head.append(e.type.replace("_", " "), style="bold")
    head.append("  ·  ")
    # The marks too: a narrow list shows only the mark, and here is what it stands for.
    head.append_text(claim_mark(row.claim_status) + " " + claim(row.claim_status))
    if row.retracted:
        head.append("  ·  ")
        head.append_text(claim_mark(row.claim_status, retracted=True) + " ")
        head.append("RETRACTED", style="bold red")
    if row.corrected:
        head.append("  ·  ")
        head.append("corrected", style="bold yellow")
    parts: list[Any] = [head, safe(e.summary, "bold", single_line=False), Text()]
    if row.retracted:
        parts.insert(2, Text("Retracted: it stays in the log, but no view counts it.", style="italic red"))
    if row.corrected:
        parts.insert(2, Text(f"Shown as corrected; as logged: {clean(stored.event.summary)}", style="italic yellow"))

    grid = _grid()
    grid.add_row("When", safe(e.occurred.label()))
    if e.recorded_at:
        grid.add_row("Logged", Text(f"{day(e.recorded_at)}  by {clean(row.recorded_by)}", style="dim"))
    grid.add_row("Tracks", safe(", ".join(e.tracks)))
    if e.actors:
        grid.add_row("Actors", safe(", ".join(e.actors)))
    if e.location:
        grid.add_row("Location", safe(e.location))
    for name in type_fields(e.type):
        if name == "type":
            continue
        shown = _value(name, getattr(e, name, None))
        if shown is not None:
            grid.add_row(name.replace("_", " ").capitalize(), shown)
    if e.tags:
        grid.add_row("Tags", safe(", ".join(e.tags)))
    parts.append(grid)
    if e.details:
        parts += [Text(), Text("Details", style="bold underline"), safe(e.details, single_line=False)]

    parts += [Text(), Text(f"Sources ({len(e.sources)})", style="bold underline")]
    if not e.sources:
        parts.append(Text("none given", style="dim italic"))
    for i, src in enumerate(e.sources, start=1):
        line = Text(f"{i}. ")
        line.append(clean(src.outlet), style="bold")
        if src.published:
            line.append(f"  published {day(src.published)}", style="dim")
        if src.via:
            line.append(f"  via {clean(src.via)}", style="dim")
        grade = grades.of(src) if grades is not None else ""
        if grade:
            line.append(f"  grade {grade}", style="bold cyan")
        elif src.credibility:
            line.append(f"  credibility {src.credibility}", style="dim")  # the report's half of a grade
        parts.append(line)
        if src.url:
            parts.append(Text("   ") + safe(src.url, "underline"))
        if src.quote:
            parts.append(Text("   ") + quotation(src.quote, single_line=False))

    parts += [Text(), Text("Record", style="bold underline")]
    record = _grid()
    record.add_row("Position", Text(str(stored.position)))
    record.add_row("Id", Text(e.id))
    record.add_row("Hash", Text(stored.hash, style="dim"))
    record.add_row("Schema", Text(f"v{e.schema_version}", style="dim"))
    parts.append(record)

    if later:
        parts += [Text(), Text("Later in the log", style="bold underline")]
        for amend in later:
            a = amend.event
            line = Text(f"#{amend.position} ", style="bold")
            line.append(a.type.replace("_", " "), style="bold yellow")
            line.append(f" ({clean(a.occurred.label())}): ", style="dim")
            line.append(clean(a.summary))
            parts.append(line)
    return Group(*parts)


class EventDetail(VerticalScroll, can_focus=True):
    """Shows one event; fetches what later amended it in a worker."""

    DEFAULT_CSS = """
    EventDetail {
        height: 1fr;
        padding: 0 1;
    }
    """

    def __init__(self, *, placeholder: str = "Select an event to see its full record.",
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.placeholder = placeholder
        self.row: EventRow | None = None
        self._timer: Timer | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(self.placeholder, style="dim italic"), id="event-detail-body")

    def show(self, row: EventRow | None) -> None:
        self.row = row
        body = self.query_one("#event-detail-body", Static)
        if row is None:
            body.update(Text(self.placeholder, style="dim italic"))
            return
        body.update(render_event(row))
        self.scroll_home(animate=False)
        # Look for later amendments once the cursor rests, not for every row it passes over.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, lambda: self._fetch_amendments(row))

    def _fetch_amendments(self, row: EventRow) -> None:
        if self.row is not row:
            return

        moment = self.app.moment  # type: ignore[attr-defined]

        def work() -> None:
            later = self.app.browse(lambda tracker: tracker.amendments_of(row.id), "scan")  # type: ignore[attr-defined]
            grades = (self.app.browse(lambda tracker: tracker.grades(moment), "scan")  # type: ignore[attr-defined]
                      if row.event.sources else None)
            if later or (grades and grades.reliability):
                self.app.call_from_thread(self._show_later, row, later, grades)

        self.run_worker(work, thread=True, exit_on_error=False, exclusive=True, group=f"detail-{id(self)}")

    def _show_later(self, row: EventRow, later: list[StoredEvent], grades: Grades | None = None) -> None:
        if self.row is row:
            self.query_one("#event-detail-body", Static).update(render_event(row, later, grades))

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
from tracker.store import EventFilter, StoredEvent
from tui.widgets.text import claim, clean, day, safe, stance

AMENDING_TYPES = ("correction", "retraction", "claim_status_changed")


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
        return safe(", ".join(str(v) for v in value), single_line=False)
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


def render_event(stored: StoredEvent, later: list[StoredEvent] | None = None) -> Group:
    """The renderable for one event: every string from the log goes in as `Text`."""
    e = stored.event
    head = Text()
    head.append(f"#{stored.position}  ", style="bold")
    head.append(e.type.replace("_", " "), style="bold")
    head.append("  ·  ")
    head.append_text(claim(e.status))
    parts: list[Any] = [head, safe(e.summary, "bold", single_line=False), Text()]

    grid = _grid()
    grid.add_row("When", safe(e.occurred.label()))
    if e.recorded_at:
        grid.add_row("Logged", Text(day(e.recorded_at), style="dim"))
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
        parts.append(line)
        if src.url:
            parts.append(Text("   ") + safe(src.url, "underline"))
        if src.quote:
            parts.append(Text("   “", style="italic") + safe(src.quote, "italic", single_line=False)
                         + Text("”", style="italic"))

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


def amendments(store: Any, stored: StoredEvent) -> list[StoredEvent]:
    """Corrections, retractions and claim-status changes that name this event."""
    rows = store.query(EventFilter(types=AMENDING_TYPES, text=stored.id), limit=50, newest_first=False)
    return [r for r in rows if getattr(r.event, "target", None) == stored.id]


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
        self.stored: StoredEvent | None = None
        self._timer: Timer | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(Text(self.placeholder, style="dim italic"), id="event-detail-body")

    def show(self, stored: StoredEvent | None) -> None:
        self.stored = stored
        body = self.query_one("#event-detail-body", Static)
        if stored is None:
            body.update(Text(self.placeholder, style="dim italic"))
            return
        body.update(render_event(stored))
        self.scroll_home(animate=False)
        # Look for later amendments once the cursor rests, not for every row it passes over.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(0.15, lambda: self._fetch_amendments(stored))

    def _fetch_amendments(self, stored: StoredEvent) -> None:
        if self.stored is not stored:
            return

        def work() -> None:
            later = self.app.browse(lambda store: amendments(store, stored), "scan")  # type: ignore[attr-defined]
            if later:
                self.app.call_from_thread(self._show_later, stored, later)

        self.run_worker(work, thread=True, exit_on_error=False, exclusive=True, group=f"detail-{id(self)}")

    def _show_later(self, stored: StoredEvent, later: list[StoredEvent]) -> None:
        if self.stored is stored:
            self.query_one("#event-detail-body", Static).update(render_event(stored, later))

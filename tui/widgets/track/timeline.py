"""A track's timeline: the service's `Tracker.timeline`, row for row, as `tracker timeline` prints it.

Each entry is an event as known at the moment viewed (corrections applied, retracted events left
out, claim status as amended); actor descriptions and record keeping are not happenings and are
not listed. '~' marks a date that may lie after the moment viewed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from projections.state import TimelineEntry
from tui.widgets.text import claim, clean

# The latest entries a track's tab shows; `tracker timeline --limit 0` prints every one.
TIMELINE_LIMIT = 1000


def when_text(entry: TimelineEntry) -> Text:
    text = Text("~" if entry.uncertain else " ", style="bold yellow")
    text.append(clean(entry.occurred.label()), style="cyan")
    return text


def summary_text(entry: TimelineEntry) -> Text:
    text = Text()
    if entry.corrected:
        text.append("corrected ", style="bold yellow")
    text.append(clean(entry.summary))
    return text


class TimelineTable(DataTable[Any]):
    """The entries of a track's timeline, newest or oldest first; keyed by event id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entries: list[TimelineEntry] = []  # as shown, top to bottom

    def on_mount(self) -> None:
        self.add_column("When", key="when", width=26)
        self.add_column("Type", key="type", width=20)
        self.add_column("Claim", key="claim", width=11)
        self.add_column("Summary", key="summary")

    def show(self, entries: list[TimelineEntry], newest_first: bool) -> None:
        """Show `entries` (in the service's order: oldest first), keeping the cursor on the same
        event if it is still there."""
        current = self.selected
        self.clear()
        self.entries = list(reversed(entries)) if newest_first else list(entries)
        for e in self.entries:
            self.add_row(when_text(e), Text(e.type.replace("_", " ")), claim(e.claim_status), summary_text(e),
                         key=e.event_id)
        if current is not None:
            for i, e in enumerate(self.entries):
                if e.event_id == current.event_id:
                    self.move_cursor(row=i, animate=False)
                    break

    @property
    def selected(self) -> TimelineEntry | None:
        if self.entries and 0 <= self.cursor_row < len(self.entries):
            return self.entries[self.cursor_row]
        return None

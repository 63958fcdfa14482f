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
        self._columns: tuple[str, ...] = ()
        self._width = 0  # the width the columns were laid out for

    def _wanted_columns(self) -> tuple[str, ...]:
        # Narrow panes (an 80-column terminal gives this table about 48) keep the date, the claim
        # and the summary; the type is in the detail pane beside it.
        width = self.size.width or 120
        if width >= 100:
            return ("when", "type", "claim", "summary")
        if width >= 56:
            return ("when", "claim", "summary")
        return ("when", "summary")

    def _fill(self) -> None:
        columns, width = self._wanted_columns(), self.size.width or 120
        if (columns, width) != (self._columns, self._width):
            self.clear(columns=True)
            self._columns, self._width = columns, width
            widths = {"when": 19, "type": 20, "claim": 10}
            used = sum(widths.get(c, 0) for c in columns) + 2 * len(columns)
            for key in columns:
                self.add_column(key.capitalize(), key=key, width=widths.get(key, max(20, width - used)))
        else:
            self.clear()
        cells = {
            "when": when_text, "type": lambda e: Text(e.type.replace("_", " ")),
            "claim": lambda e: claim(e.claim_status), "summary": summary_text,
        }
        for e in self.entries:
            self.add_row(*(cells[c](e) for c in self._columns), key=e.event_id)

    def on_resize(self) -> None:
        if (self._wanted_columns(), self.size.width) != (self._columns, self._width):
            current = self.cursor_row
            self._fill()
            if self.entries:
                self.move_cursor(row=min(current, len(self.entries) - 1), animate=False)

    def show(self, entries: list[TimelineEntry], newest_first: bool) -> None:
        """Show `entries` (in the service's order: oldest first), keeping the cursor on the same
        event if it is still there."""
        current = self.selected
        self.entries = list(reversed(entries)) if newest_first else list(entries)
        self._fill()
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

"""A track's timeline: the service's `Tracker.timeline`, row for row, as `tracker timeline` prints it.

Each entry is an event as known at the moment viewed (corrections applied, retracted events left
out, claim status as amended); actor descriptions and record keeping are not happenings and are
not listed. '~' marks a date that may lie after the moment viewed.

The cells are the event log's (widgets.event_list): a date never cut inside a word, a short type
and a claim mark in a narrow table, a summary ended at a word with an ellipsis; the record beside
or below shows them whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from projections.state import TimelineEntry
from tui.widgets.event_list import (
    Columns,
    CursorTarget,
    claim_cell,
    claim_legend,
    fit,
    type_label,
    when_label,
)
from tui.widgets.text import clean

# The latest entries a track's tab shows; `tracker timeline --limit 0` prints every one.
TIMELINE_LIMIT = 1000
PADDING = 2  # the table's cell padding, one cell either side of each column


@dataclass(frozen=True)
class Layout:
    """The timeline's columns for a table `width` cells wide: the event log's choice for that width
    (`Columns`), without the position and tracks (the tab is one track's; the record has both)."""

    when: int
    type: int
    claim: int
    summary: int

    @classmethod
    def for_width(cls, width: int) -> Layout:
        # The table pads its cells where the list leaves a trailing space; the date's is taken by
        # the '~' mark.
        cols = Columns.for_width(width)
        when, type_, claim = cols.occurred, max(0, cols.type - 1), cols.status - 1
        used = when + type_ + claim + PADDING * (3 + bool(type_))
        return cls(when, type_, claim, max(10, width - used))

    @property
    def keys(self) -> tuple[str, ...]:
        return ("when", "type", "claim", "summary") if self.type else ("when", "claim", "summary")

    @property
    def marks(self) -> bool:
        return self.claim == 1


def when_text(entry: TimelineEntry, width: int) -> Text:
    text = Text("~" if entry.uncertain else " ", style="bold yellow")
    text.append(when_label(entry.occurred, width - 1), style="cyan")
    return text


def summary_text(entry: TimelineEntry, width: int) -> Text:
    text = Text()
    if entry.corrected:
        text.append("corrected ", style="bold yellow")
        width -= len("corrected ")
    text.append(fit(clean(entry.summary), width))
    return text


class TimelineTable(DataTable[Any]):
    """The entries of a track's timeline, newest or oldest first; keyed by event id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.entries: list[TimelineEntry] = []  # as shown, top to bottom
        self._layout: Layout | None = None  # what the columns were laid out for
        self._cursor_target: CursorTarget | None = None

    def on_mount(self) -> None:
        self._cursor_target = CursorTarget(self.app)

    def _wanted_layout(self) -> Layout:
        return Layout.for_width(self.scrollable_content_region.width or 120)

    def _fill(self) -> None:
        layout = self._wanted_layout()
        if layout != self._layout:
            self.clear(columns=True)
            self._layout = layout
            for key in layout.keys:
                label = "" if key == "claim" and layout.marks else key.capitalize()
                self.add_column(label, key=key, width=getattr(layout, key))
            # Claim marks are explained on the table's bottom edge (the CSS draws one for "-marks").
            self.set_class(layout.marks, "-marks")
            self.border_subtitle = claim_legend(retracted=False) if layout.marks else None
        else:
            self.clear()
        cells = {
            "when": lambda e: when_text(e, layout.when),
            "type": lambda e: Text(type_label(e.type, layout.type)),
            "claim": lambda e: claim_cell(e.claim_status, layout.claim),
            "summary": lambda e: summary_text(e, layout.summary),
        }
        for e in self.entries:
            self.add_row(*(cells[c](e) for c in layout.keys), key=e.event_id)

    def on_resize(self) -> None:
        if self._wanted_layout() != self._layout:
            current = self.cursor_row
            self._fill()
            if self.entries:
                self.move_cursor(row=min(current, len(self.entries) - 1), animate=False)

    def on_show(self) -> None:
        # Moved while its tab was hidden (an event logged from the overview): show the cursor's row.
        self.move_cursor(row=self.cursor_row, animate=False)

    def show(self, entries: list[TimelineEntry], newest_first: bool) -> None:
        """Show `entries` (in the service's order: oldest first). The cursor goes to the event we
        just logged or amended, if listed (`CursorTarget`); else it stays on the same event, or,
        if that one went (retracted), on the entry that took its place."""
        current, index = self.selected, self.cursor_row
        self.entries = list(reversed(entries)) if newest_first else list(entries)
        self._fill()
        wanted = self._cursor_target.take(self.app) if self._cursor_target else ()
        ids = wanted + ((current.event_id,) if current is not None else ())
        rows = {e.event_id: i for i, e in enumerate(self.entries)}
        row = next((rows[i] for i in ids if i in rows), min(index, len(self.entries) - 1))
        if row >= 0:
            self.move_cursor(row=row, animate=False)

    @property
    def selected(self) -> TimelineEntry | None:
        if self.entries and 0 <= self.cursor_row < len(self.entries):
            return self.entries[self.cursor_row]
        return None

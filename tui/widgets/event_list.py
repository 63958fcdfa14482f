"""A window onto the log that stays instant on a million events.

Nothing here loads the whole log. The widget keeps a buffer of a few pages of rows, fetched from
SQLite with keyset paging on `position` (`EventStore.query(before=/after=)`), and renders only the
lines that are on screen (Textual's line API). Moving near either end of the buffer fetches the
next page in a thread worker; Home/End (g/G) fetch the first/last page directly, so jumping to the
end of a 1M-row log costs one indexed query. Rows are immutable (the log is append-only), so a
refresh only ever has to fetch what is newer than the buffer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tracker.store import EventFilter, StoredEvent
from tui.widgets.text import CLAIM_STYLES, clean

PAGE = 200  # rows per fetch
KEEP = 4 * PAGE  # rows kept in the buffer before the far end is trimmed


@dataclass(frozen=True)
class Columns:
    position: int
    occurred: int
    type: int
    status: int
    tracks: int

    @classmethod
    def for_width(cls, width: int) -> Columns:
        if width >= 150:
            return cls(8, 25, 21, 11, 26)
        if width >= 88:
            return cls(7, 25, 20, 11, 0)
        if width >= 60:
            return cls(7, 19, 0, 11, 0)
        return cls(7, 13, 0, 0, 0)

    def header(self) -> Text:
        text = Text(style="bold")
        text.append("#".rjust(self.position - 1) + " ")
        text.append("When".ljust(self.occurred))
        if self.type:
            text.append("Type".ljust(self.type))
        if self.status:
            text.append("Claim".ljust(self.status))
        if self.tracks:
            text.append("Tracks".ljust(self.tracks))
        text.append("Summary")
        return text


def _cell(value: str, width: int) -> str:
    if len(value) >= width:
        return value[: max(0, width - 2)] + "… "
    return value.ljust(width)


def row_text(stored: StoredEvent, cols: Columns) -> Text:
    """One event as one line: every part of it is log data, so it is built as plain Text."""
    e = stored.event
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{stored.position}".rjust(cols.position - 1) + " ", style="dim")
    text.append(_cell(clean(e.occurred.label()), cols.occurred), style="cyan")
    if cols.type:
        text.append(_cell(e.type.replace("_", " "), cols.type), style="bold" if e.type in ("correction", "retraction") else "")
    if cols.status:
        text.append(_cell(e.status, cols.status), style=CLAIM_STYLES.get(e.status, ""))
    if cols.tracks:
        text.append(_cell(clean(", ".join(e.tracks)), cols.tracks), style="dim")
    text.append(clean(e.summary))
    return text


class EventList(Widget, can_focus=True):
    """The rows of a filtered log, paged from SQLite by position."""

    DEFAULT_CSS = """
    EventList {
        height: 1fr;
        width: 1fr;
    }
    """
    COMPONENT_CLASSES = {"event-list--cursor", "event-list--cursor-blurred", "event-list--message"}
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
        Binding("home,g", "first", "First", key_display="g"),
        Binding("end,G", "last", "Last", key_display="G"),
        Binding("enter", "select", "Open", show=False),
    ]

    loading_rows: reactive[bool] = reactive(False, repaint=True)

    class Highlighted(Message):
        """The row under the cursor changed (None: the list is empty)."""

        def __init__(self, event_list: EventList, stored: StoredEvent | None) -> None:
            super().__init__()
            self.event_list = event_list
            self.stored = stored

        @property
        def control(self) -> EventList:
            return self.event_list

    class Selected(Message):
        """Enter (or a click on the highlighted row) on a row."""

        def __init__(self, event_list: EventList, stored: StoredEvent) -> None:
            super().__init__()
            self.event_list = event_list
            self.stored = stored

        @property
        def control(self) -> EventList:
            return self.event_list

    class PageLoaded(Message):
        """Internal: a worker fetched a page of rows."""

        def __init__(self, generation: int, kind: str, rows: list[StoredEvent], keep: int | None = None,
                     error: str | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.kind = kind  # reset | tail | head | last | newer
            self.rows = rows
            self.keep = keep  # position to keep the cursor on after a reset
            self.error = error

    def __init__(self, *, empty_message: str = "No events match.", name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.filter = EventFilter()
        self.newest_first = True
        self.empty_message = empty_message
        self.rows: list[StoredEvent] = []
        self.top = 0
        self.cursor = 0
        self.at_start = False
        self.at_end = False
        self._generation = 0
        self._busy = False
        self._pending = 0  # cursor moves waiting for the next page
        self._loaded_once = False
        self._error: str | None = None
        self._line_cache: dict[tuple[int, int, bool, int], Strip] = {}

    # -- public -----------------------------------------------------------------------------
    @property
    def highlighted(self) -> StoredEvent | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def columns(self) -> Columns:
        return Columns.for_width(self.size.width or 120)

    def set_query(self, f: EventFilter, newest_first: bool | None = None, *, keep: int | None = None) -> None:
        """Show the events matching `f` from the start (newest or oldest first)."""
        self.filter = f
        if newest_first is not None:
            self.newest_first = newest_first
        self._generation += 1
        self._pending = 0
        self._busy = False
        self._fetch("reset", keep=keep, exclusive=True)

    def refresh_data(self) -> None:
        """The log grew: fetch what is newer than the buffer, if the buffer reaches that far."""
        if not self._loaded_once:
            return
        if not self.rows:
            self._generation += 1
            self._fetch("reset", exclusive=True)
        elif self.newest_first and self.at_start:
            self._fetch("newer")
        elif not self.newest_first and self.at_end:
            self._fetch("tail")

    # -- fetching ---------------------------------------------------------------------------
    def _fetch(self, kind: str, *, keep: int | None = None, exclusive: bool = False) -> None:
        if self._busy and not exclusive:
            return
        self._busy = True
        self.loading_rows = True
        generation = self._generation
        f, newest = self.filter, self.newest_first
        first = self.rows[0].position if self.rows else None
        last = self.rows[-1].position if self.rows else None

        def work() -> None:
            try:
                rows = self.app.browse(lambda store: self._query(store, kind, f, newest, first, last))  # type: ignore[attr-defined]
                self.post_message(self.PageLoaded(generation, kind, rows, keep))
            except Exception as exc:  # noqa: BLE001 - shown in the list, never a crash
                self.post_message(self.PageLoaded(generation, kind, [], keep, error=str(exc)))

        self.run_worker(work, thread=True, exit_on_error=False, group=f"event-list-{id(self)}", exclusive=exclusive,
                        name=f"event-list {kind}")

    @staticmethod
    def _query(store: Any, kind: str, f: EventFilter, newest: bool, first: int | None,
               last: int | None) -> list[StoredEvent]:
        if kind == "reset":
            return store.query(f, limit=PAGE, newest_first=newest)
        if kind == "last":
            return list(reversed(store.query(f, limit=PAGE, newest_first=not newest)))
        if kind == "tail":
            # rows beyond the last one in display order
            if last is None:
                return store.query(f, limit=PAGE, newest_first=newest)
            if newest:
                return store.query(f, limit=PAGE, before=last, newest_first=True)
            return store.query(f, limit=PAGE, after=last, newest_first=False)
        if kind in ("head", "newer"):
            # rows before the first one in display order, nearest first, returned in display order
            if first is None:
                return []
            limit = PAGE if kind == "head" else PAGE * 5
            if newest:
                page = store.query(f, limit=limit, after=first, newest_first=False)
            else:
                page = store.query(f, limit=limit, before=first, newest_first=True)
            return list(reversed(page))
        raise ValueError(kind)

    def on_event_list_page_loaded(self, message: EventList.PageLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._busy = False
        self.loading_rows = False
        self._error = message.error
        self._loaded_once = True
        before = self.highlighted
        rows, kind = message.rows, message.kind
        height = max(1, self.size.height)
        if kind == "reset":
            self.rows = rows
            self.at_start = True
            self.at_end = len(rows) < PAGE
            self.top = self.cursor = 0
            if message.keep is not None:
                for i, row in enumerate(rows):
                    if row.position == message.keep:
                        self.cursor = i
                        break
        elif kind == "last":
            self.rows = rows
            self.at_end = True
            self.at_start = len(rows) < PAGE
            self.cursor = max(0, len(rows) - 1)
            self.top = max(0, len(rows) - height)
            self._pending = 0
        elif kind == "tail":
            self.rows.extend(rows)
            self.at_end = len(rows) < PAGE
            if len(self.rows) > KEEP:
                drop = min(len(self.rows) - KEEP, max(0, self.top - PAGE))
                if drop > 0:
                    del self.rows[:drop]
                    self.top -= drop
                    self.cursor -= drop
                    self.at_start = False
        elif kind in ("head", "newer"):
            n = len(rows)
            self.rows[:0] = rows
            if kind == "head":
                self.at_start = n < PAGE
            elif n >= PAGE * 5:
                self.at_start = False
            if kind == "newer" and self.top == 0:
                self.cursor += n  # stay on the same event, but show the new rows above it
            else:
                self.top += n
                self.cursor += n
            if len(self.rows) > KEEP:
                keep_until = max(self.top + height + PAGE, KEEP)
                if len(self.rows) > keep_until:
                    del self.rows[keep_until:]
                    self.at_end = False
        if self._pending:
            pending, self._pending = self._pending, 0
            self._move(pending)
        else:
            self._scroll_to_cursor()
            self.refresh()
        if self.highlighted is not before or kind == "reset":
            self.post_message(self.Highlighted(self, self.highlighted))
        self._maybe_prefetch()

    def _maybe_prefetch(self) -> None:
        height = max(1, self.size.height)
        if not self.at_end and len(self.rows) - (self.top + height) < PAGE // 2:
            self._fetch("tail")
        elif not self.at_start and self.top < PAGE // 2 and self.rows:
            self._fetch("head")

    # -- moving -----------------------------------------------------------------------------
    def _scroll_to_cursor(self) -> None:
        height = max(1, self.size.height)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.top = max(0, min(self.top, max(0, len(self.rows) - 1)))

    def _move(self, delta: int) -> None:
        if not self.rows:
            return
        before = self.cursor
        target = self.cursor + delta
        if target >= len(self.rows) and not self.at_end:
            self._pending = target - (len(self.rows) - 1)
            self._fetch("tail")
        elif target < 0 and not self.at_start:
            self._pending = target
            self._fetch("head")
        self.cursor = max(0, min(target, len(self.rows) - 1))
        self._scroll_to_cursor()
        self.refresh()
        if self.cursor != before:
            self.post_message(self.Highlighted(self, self.highlighted))
        self._maybe_prefetch()

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        self._move(-max(1, self.size.height - 1))

    def action_page_down(self) -> None:
        self._move(max(1, self.size.height - 1))

    def action_first(self) -> None:
        if self.at_start:
            self._pending = 0
            self._move(-self.cursor)
        else:
            self._generation += 1
            self._fetch("reset", exclusive=True)

    def action_last(self) -> None:
        if self.at_end:
            self._pending = 0
            self._move(len(self.rows) - 1 - self.cursor)
        else:
            self._generation += 1
            self._fetch("last", exclusive=True)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))

    def select_position(self, position: int) -> bool:
        """Move the cursor to the row at `position` if it is in the buffer."""
        for i, row in enumerate(self.rows):
            if row.position == position:
                self._move(i - self.cursor)
                return True
        return False

    # -- mouse ------------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.top + offset.y
        if 0 <= index < len(self.rows):
            if index == self.cursor or event.chain > 1:
                self._move(index - self.cursor)
                self.action_select()
            else:
                self._move(index - self.cursor)

    def _scroll(self, delta: int) -> None:
        height = max(1, self.size.height)
        if not self.rows:
            return
        self.top = max(0, min(self.top + delta, max(0, len(self.rows) - height)))
        if self.cursor < self.top:
            self._move(self.top - self.cursor)
        elif self.cursor >= self.top + height:
            self._move(self.top + height - 1 - self.cursor)
        else:
            self.refresh()
            self._maybe_prefetch()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._scroll(3)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._scroll(-3)

    def on_resize(self, event: events.Resize) -> None:
        self._line_cache.clear()
        self._scroll_to_cursor()
        self._maybe_prefetch()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- rendering --------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._line_cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        index = self.top + y
        if index < len(self.rows):
            stored = self.rows[index]
            is_cursor = index == self.cursor
            key = (stored.position, width, is_cursor, int(self.has_focus))
            cached = self._line_cache.get(key)
            if cached is not None:
                return cached
            text = row_text(stored, Columns.for_width(width))
            strip = self._strip(text, width, base)
            if is_cursor:
                name = "event-list--cursor" if self.has_focus else "event-list--cursor-blurred"
                strip = strip.apply_style(self.get_component_rich_style(name))
            if len(self._line_cache) > 2000:
                self._line_cache.clear()
            self._line_cache[key] = strip
            return strip
        message = ""
        if y == 0 and not self.rows:
            if self._error:
                message = f"Could not read the log: {clean(self._error)}"
            elif self.loading_rows or not self._loaded_once:
                message = "Loading…"
            else:
                message = self.empty_message
        elif index == len(self.rows) and self.loading_rows:
            message = "Loading…"
        if message:
            return self._strip(Text(message), width, base + self.get_component_rich_style("event-list--message"))
        return Strip.blank(width, base)

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.no_wrap = True
        text.overflow = "ellipsis"
        text.truncate(width, overflow="ellipsis")
        segments = [Segment(s.text, base + s.style if s.style else base) for s in text.render(self.app.console)
                    if s.text != "\n"]
        return Strip(segments).crop_extend(0, width, base)

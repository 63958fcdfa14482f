"""A window onto the log that stays instant on a million events.

Nothing here loads the whole log. The widget keeps a buffer of a few pages of rows, fetched through
the service with keyset paging on `position` (`Tracker.events(before=/after=)`), and renders only the
lines that are on screen (Textual's line API). Moving near either end of the buffer fetches the
next page in a thread worker; Home/End (g/G) fetch the first/last page directly, so jumping to the
end of a 1M-row log costs one indexed query. Rows are immutable (the log is append-only), so a
refresh only ever has to fetch what is newer than the buffer. Each row is the event as the record
stood at the moment viewed: corrected text marked, retractions marked.
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

from tracker.service import EventFilter, EventRow, Moment, Tracker
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


def row_text(row: EventRow, cols: Columns) -> Text:
    """One event as one line, as known at the moment viewed: every part of it is log data, so it
    is built as plain Text. A retracted event reads "retracted" where its claim would be, and is
    struck through; corrected text starts with a "corrected" mark."""
    e = row.event
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{row.position}".rjust(cols.position - 1) + " ", style="dim")
    text.append(_cell(clean(e.occurred.label()), cols.occurred), style="cyan")
    if cols.type:
        text.append(_cell(e.type.replace("_", " "), cols.type), style="bold" if e.type in ("correction", "retraction") else "")
    if row.retracted:
        claim, claim_style = "retracted", "bold red"
    else:
        claim, claim_style = row.claim_status, CLAIM_STYLES.get(row.claim_status, "")
    if cols.status:
        text.append(_cell(claim, cols.status), style=claim_style)
    elif row.retracted:
        text.append("retracted ", style=claim_style)
    if cols.tracks:
        text.append(_cell(clean(", ".join(e.tracks)), cols.tracks), style="dim")
    if row.corrected:
        text.append("corrected ", style="bold yellow")
    text.append(clean(e.summary), style="strike dim" if row.retracted else "")
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

        def __init__(self, event_list: EventList, row: EventRow | None) -> None:
            super().__init__()
            self.event_list = event_list
            self.row = row

        @property
        def control(self) -> EventList:
            return self.event_list

    class Selected(Message):
        """Enter (or a click on the highlighted row) on a row."""

        def __init__(self, event_list: EventList, row: EventRow) -> None:
            super().__init__()
            self.event_list = event_list
            self.row = row

        @property
        def control(self) -> EventList:
            return self.event_list

    class PageLoaded(Message):
        """Internal: a worker fetched a page of rows."""

        def __init__(self, generation: int, kind: str, rows: list[EventRow], keep: int | None = None,
                     error: str | None = None) -> None:
            super().__init__()
            self.generation = generation
            self.kind = kind  # reset | tail | head | last | newer
            self.rows = rows
            self.keep = keep  # position to keep the cursor on after a reset
            self.error = error

    class Reknown(Message):
        """Internal: the buffer's rows read again after the log grew."""

        def __init__(self, generation: int, rows: list[EventRow]) -> None:
            super().__init__()
            self.generation = generation
            self.rows = rows

    def __init__(self, *, empty_message: str = "No events match.", name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.filter = EventFilter()
        self.moment = Moment()
        self.newest_first = True
        self.empty_message = empty_message
        self.rows: list[EventRow] = []
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
    def highlighted(self) -> EventRow | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def columns(self) -> Columns:
        return Columns.for_width(self.size.width or 120)

    def set_query(self, f: EventFilter, moment: Moment, newest_first: bool | None = None, *,
                  keep: int | None = None) -> None:
        """Show the events matching `f` at `moment` from the start (newest or oldest first)."""
        self.filter, self.moment = f, moment
        self._line_cache.clear()  # the same position may read differently at another moment
        if newest_first is not None:
            self.newest_first = newest_first
        self._generation += 1
        self._pending = 0
        self._busy = False
        self._fetch("reset", keep=keep, exclusive=True)

    def refresh_data(self) -> None:
        """The log grew: fetch what is newer than the buffer, if the buffer reaches that far, and
        read the rows already shown again (a new correction or retraction may bear on them)."""
        if not self._loaded_once:
            return
        self._reknow()
        if not self.rows:
            self._generation += 1
            self._fetch("reset", exclusive=True)
        elif self.newest_first and self.at_start:
            self._fetch("newer")
        elif not self.newest_first and self.at_end:
            self._fetch("tail")

    # -- fetching ---------------------------------------------------------------------------
    def _reknow(self) -> None:
        """The buffer's rows as the record stands now (same events, perhaps newly amended)."""
        if not self.rows:
            return
        generation, moment = self._generation, self.moment
        logged = [row.stored for row in self.rows]

        def work() -> None:
            try:
                rows = self.app.browse(lambda tracker: tracker.as_known(logged, moment))  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - the rows shown stay as they were
                return
            self.post_message(self.Reknown(generation, rows))

        self.run_worker(work, thread=True, exit_on_error=False, group=f"event-list-reknow-{id(self)}",
                        exclusive=True, name="event-list reknow")

    def on_event_list_reknown(self, message: EventList.Reknown) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        fresh = {row.position: row for row in message.rows}
        changed = False
        for i, row in enumerate(self.rows):
            new = fresh.get(row.position)
            if new is not None and new != row:
                self.rows[i] = new
                changed = True
        if changed:
            self._line_cache.clear()
            self.refresh()
            self.post_message(self.Highlighted(self, self.highlighted))

    def _fetch(self, kind: str, *, keep: int | None = None, exclusive: bool = False) -> None:
        if self._busy and not exclusive:
            return
        self._busy = True
        self.loading_rows = True
        generation = self._generation
        f, moment, newest = self.filter, self.moment, self.newest_first
        first = self.rows[0].position if self.rows else None
        last = self.rows[-1].position if self.rows else None

        def work() -> None:
            try:
                rows = self.app.browse(lambda tracker: self._query(tracker, kind, f, moment, newest, first, last))  # type: ignore[attr-defined]
                self.post_message(self.PageLoaded(generation, kind, rows, keep))
            except Exception as exc:  # noqa: BLE001 - shown in the list, never a crash
                self.post_message(self.PageLoaded(generation, kind, [], keep, error=str(exc)))

        self.run_worker(work, thread=True, exit_on_error=False, group=f"event-list-{id(self)}", exclusive=exclusive,
                        name=f"event-list {kind}")

    @staticmethod
    def _query(tracker: Tracker, kind: str, f: EventFilter, moment: Moment, newest: bool, first: int | None,
               last: int | None) -> list[EventRow]:
        def query(**kw: Any) -> list[EventRow]:
            return tracker.events(f, moment, **kw)

        if kind == "reset":
            return query(limit=PAGE, newest_first=newest)
        if kind == "last":
            return list(reversed(query(limit=PAGE, newest_first=not newest)))
        if kind == "tail":
            # rows beyond the last one in display order
            if last is None:
                return query(limit=PAGE, newest_first=newest)
            if newest:
                return query(limit=PAGE, before=last, newest_first=True)
            return query(limit=PAGE, after=last, newest_first=False)
        if kind in ("head", "newer"):
            # rows before the first one in display order, nearest first, returned in display order
            if first is None:
                return []
            limit = PAGE if kind == "head" else PAGE * 5
            if newest:
                page = query(limit=limit, after=first, newest_first=False)
            else:
                page = query(limit=limit, before=first, newest_first=True)
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
            row = self.rows[index]
            is_cursor = index == self.cursor
            key = (row.position, width, is_cursor, int(self.has_focus))
            cached = self._line_cache.get(key)
            if cached is not None:
                return cached
            text = row_text(row, Columns.for_width(width))
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

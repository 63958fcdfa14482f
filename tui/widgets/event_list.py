"""A window onto the log that stays instant on a million events.

Nothing here loads the whole log. The widget keeps a buffer of a few pages of rows, fetched through
the service with keyset paging on `position` (`Tracker.events(before=/after=)`), and renders only the
lines that are on screen (Textual's line API). Moving near either end of the buffer fetches the
next page in a thread worker; Home/End (g/G) fetch the first/last page directly, so jumping to the
end of a 1M-row log costs one indexed query. Rows are immutable (the log is append-only), so a
refresh only ever has to fetch what is newer than the buffer. Each row is the event as the record
stood at the moment viewed: corrected text marked, retractions marked.

The cells of a row (date, type, claim, summary) fit their column whole or end in an ellipsis at a
word boundary, never mid-word; the detail pane beside or below shows every one of them whole. The
track's timeline (widgets.track.timeline) builds its cells with the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from events import Occurred
from tracker.service import EventFilter, EventRow, Moment, Tracker
from tui.widgets.text import CLAIM_MARKS, CLAIM_STYLES, clean

PAGE = 200  # rows per fetch
KEEP = 4 * PAGE  # rows kept in the buffer before the far end is trimmed

# -- cells ---------------------------------------------------------------------------------------
# A type's name in a narrow column: one word that still tells the types apart (the meeting types by
# what happened to the meeting); the detail pane names it in full.
SHORT_TYPES: dict[str, str] = {
    "actor_described": "actor",
    "agreement_reached": "agreement",
    "agreement_ratified": "ratified",
    "agreement_signed": "signed",
    "agreement_withdrawn": "withdrawal",
    "ceasefire_declared": "ceasefire",
    "ceasefire_ended": "truce over",
    "ceasefire_violated": "violation",
    "deadline_extended": "extended",
    "deadline_met": "met",
    "deadline_missed": "missed",
    "deadline_set": "deadline",
    "delegation_appointed": "delegation",
    "party_joined": "joined",
    "party_left": "left",
    "proposal_answered": "answer",
    "red_line_stated": "red line",
    "sanctions_changed": "sanctions",
    "analysis_published": "analysis",
    "claim_status_changed": "claim",
    "commitment_progress": "progress",
    "correction": "correction",
    "mediation_offered": "mediation",
    "meeting_cancelled": "cancelled",
    "meeting_held": "meeting",
    "meeting_postponed": "postponed",
    "meeting_scheduled": "scheduled",
    "party_excluded": "excluded",
    "proposal_tabled": "proposal",
    "retraction": "retraction",
    "seat_demanded": "seat",
    "statement_made": "statement",
    "track_opened": "new track",
    "track_status_changed": "status",
}
SHORT_TYPE_WIDTH = max(len(v) for v in SHORT_TYPES.values())
RETRACTED_STYLE = "bold red"
# Dates whose year is the same at both ends, and that still name a day or a month without it.
_YEARLESS = {"day", "around", "week", "weekend", "range"}


def fit(text: str, width: int) -> str:
    """`text` in at most `width` cells: whole, or cut at a word boundary and ended with an ellipsis
    (mid-word only when a single word fills more than half the width)."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…" if width == 1 else ""
    head = Text(text)
    head.truncate(width - 1)
    cut = head.plain
    space = cut.rfind(" ")
    if space >= width // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def when_label(occurred: Occurred, width: int) -> str:
    """The date in at most `width` cells, never cut inside a word: its label ("10–18 Feb 2025");
    if that is too long, a week or weekend as its days ("10–16 Feb 2025"); then without the year
    when both ends share it ("14 Feb – 2 Mar"); a timed day without its time ("18 Feb 2025", never
    a time cut before its zone); else its first words and an ellipsis. The detail
    pane shows the label whole."""
    candidates = [clean(occurred.label())]
    if occurred.precision in ("week", "weekend"):
        days = Occurred.between(occurred.earliest, occurred.latest)
        candidates.append(clean(days.qualified(approximate=occurred.approximate, uncertain=occurred.uncertain).label()))
    candidates += [_yearless(occurred, label) for label in candidates]
    if occurred.time is not None:  # then the day alone: the detail pane shows its time (and zone)
        candidates.append(clean(Occurred.day(occurred.earliest).qualified(
            approximate=occurred.approximate, uncertain=occurred.uncertain).label()))
    return next((label for label in candidates if cell_len(label) <= width), fit(candidates[-1], width))


def _yearless(occurred: Occurred, label: str) -> str:
    same_month = occurred.earliest.month == occurred.latest.month
    if occurred.precision not in _YEARLESS and not (occurred.precision == "part" and same_month):
        return label
    ends = [d for d, is_open in ((occurred.earliest, occurred.open_start), (occurred.latest, occurred.open_end))
            if not is_open]
    years = {d.year for d in ends}
    return label.replace(f" {years.pop()}", "") if len(years) == 1 else label


def type_label(event_type: str, width: int) -> str:
    """The type's name ("statement made"), or its one-word form (`SHORT_TYPES`) if that is too long."""
    full = event_type.replace("_", " ")
    if len(full) <= width:
        return full
    return fit(SHORT_TYPES.get(event_type, full.split()[0]), width)


def claim_mark(status: str, *, retracted: bool = False) -> Text:
    """The claim status's mark (`CLAIM_MARKS`); a retracted event's is "retracted"'s."""
    if retracted:
        return Text(CLAIM_MARKS["retracted"], style=RETRACTED_STYLE)
    return Text(CLAIM_MARKS.get(status, "·"), style=CLAIM_STYLES.get(status, ""))


def claim_cell(status: str, width: int, *, retracted: bool = False) -> Text:
    """The claim status as a word, or as its mark in a column too narrow for one; a retracted event
    reads "retracted"."""
    word = "retracted" if retracted else status
    if len(word) > width:
        return claim_mark(status, retracted=retracted)
    return Text(clean(word), style=RETRACTED_STYLE if retracted else CLAIM_STYLES.get(status, ""))


def claim_legend(*, retracted: bool = True) -> Text:
    """What each claim mark means (the timeline leaves retracted events out: `retracted=False`)."""
    text = Text()
    for word in CLAIM_MARKS:
        if word == "retracted" and not retracted:
            continue
        if text:
            text.append(" ")
        text.append_text(claim_mark(word, retracted=word == "retracted"))
        text.append(f" {word}")
    return text


class CursorTarget:
    """Where a view puts its cursor after we logged, corrected or retracted an event: the ids the
    app names in `cursor_to` (set by `TrackerApp.appended`), most wanted first. Each request is
    taken once, and only by a view that was showing when it was made."""

    def __init__(self, app: App[Any]) -> None:
        self._seen = self._asked(app)

    @staticmethod
    def _asked(app: App[Any]) -> tuple[str, ...]:
        return tuple(getattr(app, "cursor_to", ()))  # App[Any]: the TrackerApp, not imported here (it imports us)

    def take(self, app: App[Any]) -> tuple[str, ...]:
        """The ids asked for since the last call (or since this view opened), else ()."""
        asked = self._asked(app)
        if asked == self._seen:
            return ()
        self._seen = asked
        return asked


# -- rows ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Columns:
    """The width of each column of a list `width` cells wide, its trailing space included (0: not
    shown); the summary takes the rest. Narrow lists keep the date, a short type and the claim as a
    one-cell mark; wide ones name the type and claim in full and add the tracks."""

    width: int
    position: int
    occurred: int
    type: int
    status: int
    tracks: int

    @classmethod
    def for_width(cls, width: int, digits: int = 3) -> Columns:
        position = max(3, digits) + 1
        short_type = SHORT_TYPE_WIDTH + 1
        if width >= 150:
            return cls(width, position, 20, 21, 11, 26)
        if width >= 110:
            return cls(width, position, 15, 21, 11, 0)
        if width >= 85:
            return cls(width, position, 15, short_type, 11, 0)
        if width >= 60:
            return cls(width, position, 15, short_type, 2, 0)
        return cls(width, position, 15, 0, 2, 0)

    @property
    def marks(self) -> bool:
        """Claim statuses as marks: the list needs `claim_legend()` beside it."""
        return self.status < len("unverified") + 1

    @property
    def summary(self) -> int:
        return max(0, self.width - self.position - self.occurred - self.type - self.status - self.tracks)

    def header(self) -> Text:
        text = Text(style="bold")
        text.append("#".rjust(self.position - 1) + " ")
        text.append("When".ljust(self.occurred))
        if self.type:
            text.append("Type".ljust(self.type))
        text.append(("" if self.marks else "Claim").ljust(self.status))
        if self.tracks:
            text.append("Tracks".ljust(self.tracks))
        text.append("Summary")
        return text


def _cell(value: str, width: int) -> str:
    """`value` fitted to a column of `width` cells, the last one a space before the next column."""
    return fit(value, width - 1).ljust(width - 1) + " "


def row_text(row: EventRow, cols: Columns) -> Text:
    """One event as one line, as known at the moment viewed: every part of it is log data, so it
    is built as plain Text. A retracted event reads "retracted" (or its mark) where its claim would
    be, and is struck through; corrected text starts with a "corrected" mark."""
    e = row.event
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{row.position}".rjust(cols.position - 1) + " ", style="dim")
    text.append(_cell(when_label(e.occurred, cols.occurred - 1), cols.occurred), style="cyan")
    if cols.type:
        text.append(_cell(type_label(e.type, cols.type - 1), cols.type),
                    style="bold" if e.type in ("correction", "retraction") else "")
    claim = claim_cell(row.claim_status, cols.status - 1, retracted=row.retracted)
    text.append_text(claim)
    text.append(" " * (cols.status - claim.cell_len))
    if cols.tracks:
        text.append(_cell(clean(", ".join(e.tracks)), cols.tracks), style="dim")
    room = cols.summary
    if row.corrected:
        text.append("corrected ", style="bold yellow")
        room -= len("corrected ")
    text.append(fit(clean(e.summary), room), style="strike dim" if row.retracted else "")
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

    class ColumnsChanged(Message):
        """The columns the rows are laid out in changed (the list was resized, or its positions
        grew a digit): a header above the list follows them."""

        def __init__(self, event_list: EventList, columns: Columns) -> None:
            super().__init__()
            self.event_list = event_list
            self.columns = columns

        @property
        def control(self) -> EventList:
            return self.event_list

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
        self._line_cache: dict[tuple[int, Columns, bool, int], Strip] = {}
        self._widest = 0  # the highest position listed so far: the position column fits it
        self._columns: Columns | None = None
        self._refit_asked = False  # a render found the columns laid out for another width
        self._follow: tuple[str, ...] = ()  # ids to put the cursor on once the page being fetched comes

    # -- public -----------------------------------------------------------------------------
    @property
    def highlighted(self) -> EventRow | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    @property
    def columns(self) -> Columns:
        """The columns for the list's width as it is now: those laid out last (`_update_columns`)
        if they were laid out for this width, else the ones this width wants."""
        width = self.size.width
        if self._columns is not None and (self._columns.width == width or not width):
            return self._columns
        return Columns.for_width(width or 120, len(str(self._widest)))

    def _update_columns(self) -> None:
        """Lay the rows out for the list's width and its widest position; say so if that changed."""
        self._refit_asked = False
        if not self.size.width:
            return
        columns = Columns.for_width(self.size.width, len(str(self._widest)))
        if columns == self._columns:
            return
        self._columns = columns
        self._line_cache.clear()
        # Claim marks are explained on the list's bottom edge (the CSS draws one for "-marks").
        self.set_class(columns.marks, "-marks")
        self.border_subtitle = claim_legend() if columns.marks else None
        self.refresh()
        self.post_message(self.ColumnsChanged(self, columns))

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
        self._follow = ()
        self._fetch("reset", keep=keep, exclusive=True)

    def refresh_data(self, follow: tuple[str, ...] = ()) -> None:
        """The log grew: fetch what is newer than the buffer, if the buffer reaches that far, and
        read the rows already shown again (a new correction or retraction may bear on them).

        `follow`: ids of events we just logged or amended, most wanted first (`CursorTarget`): the
        cursor goes to the first one listed, and the list scrolls to it. One already in the buffer
        (an amended event) is taken at once; otherwise it is the newest event, and the end of the
        log it is at is fetched (jumping there if the buffer does not reach it)."""
        if not self._loaded_once:
            return
        self._reknow()
        if follow and self._select_first(follow):
            follow = ()
        if not self.rows:
            self._generation += 1
            self._fetch("reset", exclusive=True)
        elif self.newest_first and self.at_start:
            self._fetch("newer", exclusive=bool(follow))
        elif not self.newest_first and self.at_end:
            self._fetch("tail", exclusive=bool(follow))
        elif follow:
            self._generation += 1
            self._fetch("reset" if self.newest_first else "last", exclusive=True)
        self._follow = follow

    def _select_first(self, ids: tuple[str, ...]) -> bool:
        """Move the cursor to the row of the first of `ids` in the buffer, if any."""
        index = {row.id: i for i, row in enumerate(self.rows)}
        for event_id in ids:
            if event_id in index:
                self._move(index[event_id] - self.cursor)
                return True
        return False

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
        if rows:
            self._widest = max(self._widest, rows[0].position, rows[-1].position)
            self._update_columns()
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
        if self._follow:
            follow, self._follow = self._follow, ()
            self._select_first(follow)
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

    # The columns follow the list's width as it is laid out, not only as a Resize says: Textual can
    # lay a widget out again without sending it one (a new screen is first laid out before its
    # breakpoint class, at 80 columns the list 48 wide beside the detail pane, then again under it;
    # that second Resize was seen lost once, leaving the event log without its Type column). So
    # also when it is shown, once it is first laid out, and whenever a render finds the width changed.
    def on_resize(self, event: events.Resize) -> None:
        self._line_cache.clear()
        self._update_columns()
        self._scroll_to_cursor()
        self._maybe_prefetch()

    def on_mount(self) -> None:
        self.call_after_refresh(self._update_columns)

    def on_show(self) -> None:
        self.call_after_refresh(self._update_columns)

    def _check_columns(self, columns: Columns) -> None:
        """A render is laying rows out in `columns`: if they are not those laid out last, lay them
        out for this width (the header follows), once the render is done."""
        if columns != self._columns and self.size.width and not self._refit_asked:
            self._refit_asked = True
            self.call_after_refresh(self._update_columns)

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
            columns = self.columns
            self._check_columns(columns)
            key = (row.position, columns, is_cursor, int(self.has_focus))
            cached = self._line_cache.get(key)
            if cached is not None:
                return cached
            text = row_text(row, columns)
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

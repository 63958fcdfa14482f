"""The event log: every event, newest or oldest first, searched and filtered, with its full record."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tracker.service import EventFilter
from tui.screens.base import ViewScreen
from tui.widgets.event_detail import EventDetail
from tui.widgets.event_list import CursorTarget, EventList
from tui.widgets.filter_bar import FilterBar, Filters


def event_filter(filters: Filters) -> EventFilter:
    """The user's filters (the service limits them to the moment shown)."""
    return EventFilter(
        tracks=(filters.track,) if filters.track else (),
        actors=(filters.actor,) if filters.actor else (),
        types=(filters.type,) if filters.type else (),
        statuses=(filters.status,) if filters.status else (),
        occurred_from=filters.date_from,
        occurred_to=filters.date_to,
        text=filters.text or None,
    )


class EventLogScreen(ViewScreen):
    """Every event in the log.

    Below 150 columns the detail pane goes under the list rather than beside it: the list then has
    the whole width for its date, type, claim and summary, and the record reads in long lines."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]

    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("o", "toggle_order", "Order"),
        Binding("escape", "clear_filters", "Clear filters"),
        Binding("c", "correct", "Correct"),
        Binding("x", "retract", "Retract"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="events-screen")
        self.filters = Filters()
        self.newest_first = True
        self._choices_version = -1
        self._cursor_target: CursorTarget | None = None

    def compose_body(self) -> ComposeResult:
        yield FilterBar(id="filters")
        yield Static(id="log-status")
        with Horizontal(id="log-body"):
            with Vertical(id="log-left"):
                yield Static(id="log-header")
                yield EventList(id="log-list")
            yield EventDetail(id="log-detail")

    def on_mount(self) -> None:
        self._cursor_target = CursorTarget(self.app)
        self.query_one(EventList).focus()

    # -- loading ----------------------------------------------------------------------------
    @property
    def event_filter(self) -> EventFilter:
        return event_filter(self.filters)

    def reload(self) -> None:
        if self._cursor_target is not None:
            # Shown afresh from the top (where a new event is, newest first): an append made
            # meanwhile is not followed later, when the cursor may have moved on.
            self._cursor_target.take(self.app)
        self.query_one(EventList).set_query(self.event_filter, self.moment, self.newest_first)
        self.count_matching()
        self.load_choices()

    def log_changed(self) -> None:
        follow = self._cursor_target.take(self.app) if self._cursor_target else ()
        self.query_one(EventList).refresh_data(follow)
        self.count_matching()
        self.load_choices()

    @work(thread=True, exit_on_error=False, exclusive=True, group="log-count")
    def count_matching(self) -> None:
        f, moment = self.event_filter, self.moment
        self.app.call_from_thread(self._show_status, None)
        n = self.app.browse(lambda tracker: tracker.count_events(f, moment), "count")
        self.app.call_from_thread(self._show_status, n)

    @work(thread=True, exit_on_error=False, exclusive=True, group="log-choices")
    def load_choices(self) -> None:
        tracks, actors = self.app.browse(lambda tracker: (tracker.track_ids(), tracker.actor_ids()), "scan")
        self.app.call_from_thread(self.query_one(FilterBar).set_choices, tracks, actors)

    def _show_status(self, count: int | None) -> None:
        text = Text()
        text.append("counting…" if count is None else f"{count:,} event{'s' if count != 1 else ''}",
                    style="bold")
        text.append(f"  ·  {'newest' if self.newest_first else 'oldest'} first", style="dim")
        described = self.filters.describe()
        if described:
            text.append(f"  ·  {described}", style="dim")
        if self.moment.as_of or self.moment.known_at:
            text.append(f"  ·  {self.moment.label()}", style="dim")
        self.query_one("#log-status", Static).update(text)

    # -- events -----------------------------------------------------------------------------
    @on(FilterBar.Changed)
    def _filters_changed(self, event: FilterBar.Changed) -> None:
        self.filters = event.filters
        self.query_one(EventList).set_query(self.event_filter, self.moment, self.newest_first)
        self.count_matching()

    @on(FilterBar.Done)
    def _search_done(self) -> None:
        self.query_one(EventList).focus()

    @on(EventList.ColumnsChanged)
    def _columns_changed(self, event: EventList.ColumnsChanged) -> None:
        self.query_one("#log-header", Static).update(event.columns.header())

    @on(EventList.Highlighted)
    def _highlighted(self, event: EventList.Highlighted) -> None:
        self.query_one(EventDetail).show(event.row)

    @on(EventList.Selected)
    def _selected(self, event: EventList.Selected) -> None:
        self.query_one(EventDetail).focus()

    # -- actions ----------------------------------------------------------------------------
    def action_search(self) -> None:
        self.query_one(FilterBar).focus_search()

    def action_toggle_order(self) -> None:
        self.newest_first = not self.newest_first
        self.query_one(EventList).set_query(self.event_filter, self.moment, self.newest_first)
        self.count_matching()

    def action_clear_filters(self) -> None:
        if self.filters != Filters():
            self.query_one(FilterBar).clear()
        self.query_one(EventList).focus()

    def show_track(self, track: str | None) -> None:
        self.query_one(FilterBar).set_track(track)

    def action_correct(self) -> None:
        row = self.query_one(EventList).highlighted
        if row is not None:
            self.app.amend(row.stored, "correct")

    def action_retract(self) -> None:
        row = self.query_one(EventList).highlighted
        if row is not None:
            self.app.amend(row.stored, "retract")

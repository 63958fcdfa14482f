"""Every negotiation track: status, trend, last activity, next scheduled meeting."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from tracker.service import Moment, Tracker, TrackState
from tui.screens.base import ViewScreen
from tui.widgets.text import clean, track_status, trend


def next_meeting_text(state: TrackState) -> Text:
    m = state.next_meeting
    if m is None:
        return Text("—", style="dim")
    when = m.planned or m.occurred
    text = Text()
    text.append(clean(when.label()) if when else "date unknown", style="bold")
    text.append("  ")
    text.append(clean(m.title))
    if m.postponements:
        n = len(m.postponements)
        text.append(f"  (postponed{'' if n == 1 else f' ×{n}'})", style="yellow")
    if m.uncertain:
        text.append(" ?", style="yellow")
    return text


def track_row(state: TrackState) -> list[Text]:
    title = Text(clean(state.title), style="bold")
    title.append(f"\n{clean(state.track)}", style="dim")
    status = track_status(state.status)
    if state.status_since is not None:
        status.append(f"\nsince {clean(state.status_since.label())}", style="dim")
    tr = trend(state.trend.direction if state.trend else None)
    if state.trend and (state.trend.recent_events or state.trend.previous_events):
        tr.append(f"\n{state.trend.recent:+.1f} vs {state.trend.previous:+.1f}", style="dim")
    last = Text(clean(state.last_activity.label()) if state.last_activity else "—")
    events = Text(f"{state.event_count}", justify="right")
    if state.uncertain_count:
        events.append(f"\n{state.uncertain_count} uncertain", style="yellow")
    return [title, status, tr, last, next_meeting_text(state), events]


class TracksTable(DataTable[Any]):
    """The list of tracks; its own enter binding keeps "Open track" in the Footer while it has focus
    (DataTable's own enter binding is hidden)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open track")]


class TracksScreen(ViewScreen):
    """The first screen: one row per track."""

    BINDINGS = [
        Binding("enter", "open", "Open track"),
        Binding("e", "events", "Its events"),
    ]

    def __init__(self) -> None:
        super().__init__(id="tracks-screen")
        self.states: list[TrackState] = []

    def compose_body(self) -> ComposeResult:
        yield Static(id="tracks-status", classes="view-status")
        table = TracksTable(id="tracks-table", cursor_type="row", zebra_stripes=True)
        yield table

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key, width in (("Track", "track", 34), ("Status", "status", 20), ("Trend", "trend", 15),
                                  ("Last activity", "last", 24), ("Next meeting", "next", 56),
                                  ("Events", "events", 12)):
            table.add_column(label, key=key, width=width)
        table.focus()
        super().on_mount()

    def reload(self) -> None:
        table = self.query_one(DataTable)
        if not self.states:
            table.loading = True  # the first fold of a big log takes a while
        else:
            # So may another moment's (3 s on the 1M benchmark log): say which one is coming.
            moment = self.moment
            self.loading_soon(table, lambda: self.query_one("#tracks-status", Static).update(
                Text(f"folding every track {moment.label()}…", style="dim")))
        self.load_states()

    @work(thread=True, exit_on_error=False, exclusive=True, group="tracks-load")
    def load_states(self) -> None:
        moment = self.moment
        try:
            # As known now, the list is usually kept in the read model: read it here, at once; only
            # if it is not (a new day, new events) is it folded in the projection process.
            states = self.app.browse(Tracker.kept_tracks, "scan") if not moment else None
            if states is None:
                states = self.app.project(Tracker.tracks, moment)
        except Exception as exc:  # noqa: BLE001 - shown, not a crash
            self.app.call_from_thread(self.show_error, exc)
            return
        self.app.call_from_thread(self.show_states, states, moment)

    def show_error(self, exc: Exception) -> None:
        self.app.start_verify()
        self.loaded(self.query_one(DataTable))
        self.query_one("#tracks-status", Static).update(
            Text(f"Could not load the tracks: {clean(type(exc).__name__)}: {clean(str(exc))}", style="bold red"))

    def show_states(self, states: list[TrackState], moment: Moment) -> None:
        if moment != self.moment:
            return
        self.states = states
        self.app.start_verify()  # now that the first screen shows something (see TrackerApp.on_mount)
        table = self.query_one(DataTable)
        self.loaded(table)
        if self.focused is None:
            table.focus()  # the loading indicator took focus away on the first load
        self.app.track_titles = {s.track: s.title for s in states}
        current = None
        if table.row_count and table.cursor_row < table.row_count:
            current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        # the busiest tracks first: latest activity, then the most events
        states = sorted(states, key=lambda s: (s.last_activity.latest if s.last_activity else date.min,
                                               s.event_count), reverse=True)
        for state in states:
            table.add_row(*track_row(state), key=state.track, height=2)
        if current is not None and current in {s.track for s in states}:
            table.move_cursor(row=table.get_row_index(current), animate=False)
        n = len(states)
        status = Text(f"{n} track{'s' if n != 1 else ''}", style="bold")
        status.append(f"  ·  {moment.label()}" if moment.as_of or moment.known_at else "", style="dim")
        status.append("  ·  enter opens a track", style="dim")
        if not states:
            status.append("  ·  nothing yet: log an event with n", style="dim")
        self.query_one("#tracks-status", Static).update(status)

    @property
    def selected(self) -> str | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        from tui.screens.track import TrackScreen

        track = self.selected
        if track is not None:
            self.app.push_screen(TrackScreen(track))

    async def action_events(self) -> None:
        track = self.selected
        if track is None:
            return
        await self.app.show_events(track)

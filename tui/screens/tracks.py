"""Every negotiation track: status, trend, last activity, next scheduled meeting.

The columns follow the terminal's width (`TracksTable.refit`); the lines under the list say all of
the highlighted track, so whatever a narrow terminal cuts or leaves out can be read whole there,
and draw its events per week over half a year. Every track's weeks end in the same week
(`present.activity_until`): the day viewed, or the latest activity of any track."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Sparkline, Static

from tracker.present import activity_until, day, plural
from tracker.service import Moment, Tracker, TrackState
from tui.screens.base import ViewScreen
from tui.widgets.event_list import when_label
from tui.widgets.text import clean, fit_table, sparkline, table_widths, track_status, trend, widest

HEADERS = {"track": "Track", "status": "Status", "trend": "Trend", "last": "Last activity",
           "activity": "Per week", "next": "Next meeting", "events": "Events"}
# When the list is narrower than its columns want, the count of events, the weekly activity and
# then the trend go (the lines under the list have them), then the next meeting's title, the status
# and last the track's title give up width, cut with an ellipsis; the last activity, a date, is
# never cut.
LEAST = {"next": 14, "status": 17, "track": 18}
OPTIONAL = ("events", "activity", "trend")
# Weeks in the list's sparkline column; the lines under the list draw every week a track keeps.
COLUMN_WEEKS = 12
# A next meeting's title can be long: beyond this many cells, it gets only the room left over.
NEXT_WANT = 32


def next_meeting_text(state: TrackState, sep: str = "  ") -> Text:
    """When the next meeting is, whether it was moved, and its title after `sep`."""
    m = state.next_meeting
    if m is None:
        return Text("—", style="dim")
    when = m.planned or m.occurred
    text = Text()
    text.append(clean(when.label()) if when else "date unknown", style="bold")
    if m.postponements:
        n = len(m.postponements)
        text.append(f"  (postponed{'' if n == 1 else f' ×{n}'})", style="yellow")
    if m.uncertain:
        text.append(" ?", style="yellow")
    text.append(sep)
    text.append(clean(m.title))
    return text


def trend_figures(state: TrackState) -> str:
    """The trend's score over the recent window against the one before, if any event counted."""
    t = state.trend
    return f"{t.recent:+.1f} vs {t.previous:+.1f}" if t.recent_events or t.previous_events else ""


def weekly(state: TrackState, until: date | None, weeks: int) -> tuple[int, ...]:
    """The track's events per week, the `weeks` weeks to the week starting `until`."""
    return state.activity.until(until, weeks) if until else (0,) * weeks


SINCE = "since "


def track_cells(state: TrackState, until: date | None = None, status_width: int | None = None) -> dict[str, Text]:
    """The list's cells of one track, two lines each, by column key; its weekly activity to the
    week starting `until` (every track of the list to the same week). In a status column
    `status_width` cells wide, the day since which the track has its status takes a shorter form
    if it must ('since 10–16 Feb' for 'since week of 10 Feb 2025'), never cut inside a word; the
    line under the list says it whole."""
    title = Text(clean(state.title), style="bold")
    title.append(f"\n{clean(state.track)}", style="dim")
    status = track_status(state.status, state.status_claim, short=True)
    if state.status_since is not None:
        since = clean(state.status_since.label())
        if status_width is not None:
            since = when_label(state.status_since, status_width - len(SINCE))
        status.append(f"\n{SINCE}{since}", style="dim")
    tr = trend(state.trend.direction if state.trend else None)
    if figures := trend_figures(state):
        tr.append(f"\n{figures}", style="dim")
    last = Text(clean(state.last_activity.label()) if state.last_activity else "—")
    counts = weekly(state, until, COLUMN_WEEKS)
    activity = sparkline(counts)
    activity.append(f"\n{sum(counts)} in {COLUMN_WEEKS} wk", style="dim")
    events = Text(f"{state.event_count}", justify="right")
    if state.uncertain_count:
        events.append(f"\n{state.uncertain_count} uncertain", style="yellow")
    return {"track": title, "status": status, "trend": tr, "last": last, "activity": activity,
            "next": next_meeting_text(state, sep="\n"), "events": events}


def track_detail(state: TrackState) -> Text:
    """All the list says of one track, in full: what its columns cut or leave out."""
    text = Text(clean(state.title), style="bold")
    text.append(f"  {clean(state.track)}\n", style="dim")
    text.append_text(track_status(state.status, state.status_claim))
    if state.status_since is not None:
        text.append(f" since {clean(state.status_since.label())}")
    text.append("  ·  ")
    text.append_text(trend(state.trend.direction if state.trend else None))
    if figures := trend_figures(state):
        text.append(f" ({figures})", style="dim")
    # a line for each pair of facts: wrapped, a line would break a date in two at 80 columns
    text.append(f"\nlast activity {clean(state.last_activity.label()) if state.last_activity else '—'}")
    text.append(f"  ·  {plural(state.event_count, 'event')}")
    if state.uncertain_count:
        text.append(f", {state.uncertain_count} uncertain", style="yellow")
    text.append("\nNext meeting: ")
    text.append_text(next_meeting_text(state) if state.next_meeting else Text("none scheduled", style="dim"))
    return text


def activity_caption(counts: tuple[int, ...], until: date | None) -> Text:
    """What the detail's sparkline draws: over which weeks, and its busiest week."""
    if until is None or not any(counts):
        return Text(" no dated events", style="dim")
    # "w/c": week commencing, so that the line fits beside the sparkline at 80 columns
    return Text(f" events/week, {len(counts)} wk to w/c {day(until)} · most {max(counts)}", style="dim")


class TracksTable(DataTable[Any]):
    """The list of tracks, its columns fitted to its width; its own enter binding keeps "Open track"
    in the Footer while it has focus (DataTable's own enter binding is hidden)."""

    BINDINGS = [Binding("enter", "select_cursor", "Open track")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.states: list[TrackState] = []
        self.until: date | None = None  # the last week of every row's activity

    def on_mount(self) -> None:
        # A scroll bar coming or going changes the room for the columns, without a resize.
        self.watch(self, "show_vertical_scrollbar", lambda _: self.refit(), init=False)
        self.refit(force=True)

    def on_resize(self) -> None:
        self.refit()

    def show(self, states: Sequence[TrackState]) -> None:
        self.states = list(states)
        self.until = activity_until(self.states)
        self.refit(force=True)

    def refit(self, *, force: bool = False) -> None:
        fit: dict[str, Any] = {"least": LEAST, "optional": OPTIONAL, "grow": ["next"], "ask": {"next": NEXT_WANT}}
        rows = {s.track: track_cells(s, self.until) for s in self.states}
        # A status column too narrow for a 'since' date gets the dates in a form that fits it.
        status = table_widths(self, HEADERS, rows, **fit).get("status")
        if status is not None and status < widest(row["status"] for row in rows.values()):
            rows = {s.track: track_cells(s, self.until, status) for s in self.states}
        fit_table(self, HEADERS, rows, **fit, height=2, force=force)

    @property
    def selected(self) -> str | None:
        if not self.row_count:
            return None
        return str(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)

    @property
    def selected_state(self) -> TrackState | None:
        track = self.selected
        return next((s for s in self.states if s.track == track), None)


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
        yield TracksTable(id="tracks-table")
        with Vertical(id="tracks-detail-pane"):
            yield Static(id="tracks-detail")
            with Horizontal(id="tracks-activity-line"):
                yield Sparkline([], id="tracks-activity")
                yield Static(id="tracks-activity-caption")

    def on_mount(self) -> None:
        self.query_one(TracksTable).focus()
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
        table = self.query_one(TracksTable)
        self.loaded(table)
        if self.focused is None:
            table.focus()  # the loading indicator took focus away on the first load
        self.app.track_titles = {s.track: s.title for s in states}
        # the busiest tracks first: latest activity, then the most events
        table.show(sorted(states, key=lambda s: (s.last_activity.latest if s.last_activity else date.min,
                                                 s.event_count), reverse=True))
        self._show_detail()
        n = len(states)
        status = Text(plural(n, "track"), style="bold")
        status.append(f"  ·  {moment.label()}" if moment.as_of or moment.known_at else "", style="dim")
        if not states and (moment.as_of or moment.known_at):
            # The log is not empty: nothing in it had happened, or been logged, by then.
            status.append(f"  ·  nothing had {'been logged' if moment.known_at else 'happened'} by then: "
                          "T returns to now", style="dim")
        elif not states:
            status.append("  ·  nothing yet: log an event with n", style="dim")
        else:
            status.append("  ·  enter opens a track", style="dim")
        self.query_one("#tracks-status", Static).update(status)

    @property
    def selected(self) -> str | None:
        return self.query_one(TracksTable).selected

    @on(DataTable.RowHighlighted, "#tracks-table")
    def _show_detail(self) -> None:
        table = self.query_one(TracksTable)
        state = table.selected_state
        self.query_one("#tracks-detail", Static).update(track_detail(state) if state else "")
        counts = weekly(state, table.until, len(state.activity.weeks)) if state else ()
        spark = self.query_one("#tracks-activity", Sparkline)
        spark.data = counts
        spark.styles.width = max(1, len(counts))  # one cell a week
        self.query_one("#tracks-activity-line").display = state is not None
        self.query_one("#tracks-activity-caption", Static).update(activity_caption(counts, table.until))

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

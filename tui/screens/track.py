"""One track in detail: overview and schedule, positions matrix, proposals, agreements, timeline."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from projections.state import Meeting
from tracker.present import plural
from tracker.service import Backing, EventRow, Moment, TimelineEntry, Tracker, TrackState
from tracker.textsafe import printable
from tui.dialogs.log_event import Prefill
from tui.screens.base import ViewScreen
from tui.widgets.event_detail import EventDetail
from tui.widgets.text import clean, track_status
from tui.widgets.track.agreements import AgreementsView
from tui.widgets.track.overview import Names, TrackOverview
from tui.widgets.track.positions import PositionsMatrix, StanceDetail, legend
from tui.widgets.track.proposals import ProposalsTable, render_proposal
from tui.widgets.track.schedule import ScheduleTable, render_item
from tui.widgets.track.timeline import TIMELINE_LIMIT, TimelineTable

TABS = ("overview", "positions", "proposals", "agreements", "timeline")
# What `g` steps through: every fact, then only those backed by a source from an outlet graded
# A, B ... or better (Tracker.track's min_grade; the grades as they stood at the moment viewed).
GRADE_STEPS: tuple[str | None, ...] = (None, "A", "B", "C", "D", "E", "F")


def held_prefill(track: str, meeting: Meeting) -> Prefill:
    """'Log this meeting as held', with what the schedule already says about it."""
    when = meeting.planned or meeting.occurred
    fields = {"meeting": meeting.meeting, "title": printable(meeting.title)}
    if meeting.participants:
        fields["participants"] = ", ".join(meeting.participants)
    if meeting.host:
        fields["host"] = meeting.host
    return Prefill(
        type="meeting_held",
        when=when.earliest.isoformat() if when is not None and when.precision == "day" else "",
        summary=printable(f"{meeting.title}: held")[:500],
        tracks=[track],
        fields=fields,
    )


class TrackScreen(ViewScreen):
    """Pushed over the tracks view; escape goes back."""

    BINDINGS = [
        Binding("escape,backspace", "back", "Back"),
        Binding("v", "tab('overview')", "Overview", show=False),
        Binding("p", "tab('positions')", "Positions", show=False),
        Binding("r", "tab('proposals')", "Proposals", show=False),
        Binding("a", "tab('agreements')", "Agreements", show=False),
        Binding("l", "tab('timeline')", "Timeline", show=False),
        Binding("h", "log_held", "Log meeting held"),
        Binding("o", "toggle_order", "Order"),
        Binding("g", "cycle_grade", "Hide weaker sources (A, B ... F, all)", show=False),
        Binding("c", "correct", "Correct"),
        Binding("x", "retract", "Retract"),
    ]

    # Below 150 columns the overview and the schedule are stacked, not side by side: the schedule's
    # dates and statuses, never cut, take 44 columns (ScheduleTable), which would leave meeting
    # titles a few letters in half of a narrower terminal; and halves of an 80-column terminal wrap
    # every line of the overview after a word or two.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (150, "-wide")]

    def __init__(self, track_id: str) -> None:
        super().__init__(id=None)
        self.track_id = track_id
        self.state: TrackState | None = None
        self.names = Names()
        self.newest_first = True
        self.min_grade: str | None = None  # hide facts with weaker support (g; GRADE_STEPS)
        self.timeline: list[TimelineEntry] = []
        self.retracted = 0  # events of the track the timeline leaves out as retracted, at the moment shown
        self.timeline_row: EventRow | None = None  # the highlighted entry's event, for its detail

    def compose_body(self) -> ComposeResult:
        yield Static(Text(clean(self.track_id), style="bold"), id="track-title", classes="view-status")
        with TabbedContent(initial="overview", id="track-tabs"):
            with TabPane("Overview  v", id="overview"):
                with Horizontal(id="overview-split"):
                    with VerticalScroll(id="overview-scroll"):
                        yield TrackOverview(id="overview-body")
                    with Vertical(id="schedule-pane") as pane:
                        # stacked (narrow), the title goes in the pane's top border: a row more for meetings
                        pane.border_title = "Schedule"
                        yield Static(Text("Schedule", style="bold"), classes="pane-title")
                        yield ScheduleTable(id="schedule")
                        with VerticalScroll(id="meeting-scroll"):
                            yield Static(id="meeting-detail")
            with TabPane("Positions  p", id="positions"):
                with Vertical():
                    yield Static(legend(), id="positions-legend")
                    yield PositionsMatrix(id="positions-matrix")
                    with VerticalScroll(id="stance-scroll"):
                        yield StanceDetail(Text("Select a cell to see the statement and its sources.",
                                                style="dim italic"), id="stance-detail")
            with TabPane("Proposals  r", id="proposals"):
                with Vertical():
                    yield ProposalsTable(id="proposals-table")
                    with VerticalScroll(id="proposal-scroll"):
                        yield Static(id="proposal-detail")
            with TabPane("Agreements  a", id="agreements"):
                with VerticalScroll(id="agreements-scroll"):
                    yield AgreementsView(id="agreements-body")
            with TabPane("Timeline  l", id="timeline"):
                with Horizontal():
                    with Vertical(id="timeline-left"):
                        yield Static(id="timeline-status", classes="view-status")
                        yield TimelineTable(id="timeline-list")
                    yield EventDetail(id="timeline-detail")

    def on_mount(self) -> None:
        self.query_one("#schedule", ScheduleTable).focus()

    def on_screen_resume(self) -> None:
        # (ViewScreen's handler runs too.) The diff view, 4, opens on the track last shown.
        self.app.last_track = self.track_id

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        tabs = self.query_one("#track-tabs")
        if self.state is None:
            tabs.loading = True
        else:
            self.loading_soon(tabs)
        self.load_state()

    def log_changed(self) -> None:
        self.load_state()

    @work(thread=True, exit_on_error=False, exclusive=True, group="track-load")
    def load_state(self) -> None:
        moment = self.moment
        try:
            state = self.app.project(Tracker.track, self.track_id, moment, min_grade=self.min_grade)
            names = Names(self.app.project(Tracker.actors))  # descriptions: people go by surname
            timeline = self.app.project(Tracker.timeline, self.track_id, moment, limit=TIMELINE_LIMIT)
            retracted = len(self.app.browse(lambda tracker: tracker.timeline_retracted(self.track_id, moment), "scan"))
        except Exception as exc:  # noqa: BLE001 - shown, not a crash
            self.app.call_from_thread(self.loaded, self.query_one("#track-tabs"))
            self.app.call_from_thread(
                self.query_one("#track-title", Static).update,
                Text(f"Could not load {clean(self.track_id)}: {clean(type(exc).__name__)}: {clean(str(exc))}",
                     style="bold red"))
            return
        self.app.call_from_thread(self.show_state, state, names, moment, timeline, retracted)
        if state is not None:  # then what stands behind each fact: slower, so shown after
            try:
                backing = self.app.project(Tracker.backing, state, moment)
            except Exception:  # noqa: BLE001 - the overview stays as shown, without support
                return
            self.app.call_from_thread(self._show_backing, state, names, moment, backing)

    def _show_backing(self, state: TrackState, names: Names, moment: Moment,
                      backing: dict[tuple[str, ...], Backing]) -> None:
        if moment == self.moment and state is self.state:
            self.query_one("#overview-body", TrackOverview).show(state, names, backing)

    def show_state(self, state: TrackState | None, names: Names, moment: Moment, timeline: list[TimelineEntry],
                   retracted: int = 0) -> None:
        if moment != self.moment:
            return
        self.state, self.names = state, names
        self.retracted = retracted
        self.show_timeline(timeline)
        self.loaded(self.query_one("#track-tabs"))
        title = self.query_one("#track-title", Static)
        if state is None:
            title.update(Text(f"{clean(self.track_id)}: nothing known about this track at this moment "
                              f"({clean(moment.label())})", style="bold yellow"))
            self.query_one("#overview-body", TrackOverview).update("")
            self.query_one("#schedule", ScheduleTable).show([])
            self.query_one("#positions-matrix", PositionsMatrix).show([], [], names)
            self.query_one("#proposals-table", ProposalsTable).show([], names)
            self.query_one("#agreements-body", AgreementsView).show([], names)
            return
        head = Text(clean(state.title), style="bold")
        head.append("  ")
        head.append_text(track_status(state.status, state.status_claim))
        if self.min_grade:
            head.append(f"  ·  only sources graded {self.min_grade} or better (g)", style="bold magenta")
        if state.next_meeting is not None:
            nm = state.next_meeting
            when = nm.planned or nm.occurred
            head.append(f"  ·  next: {clean(nm.title)}, {clean(when.label()) if when else 'date unknown'}",
                        style="dim")
        title.update(head)
        matrix = self.query_one("#positions-matrix", PositionsMatrix)
        for section, show in (
            ("overview", lambda: self.query_one("#overview-body", TrackOverview).show(state, names)),
            ("schedule", lambda: self.query_one("#schedule", ScheduleTable).show(state.meetings, state.deadlines)),
            ("meeting", self._show_meeting),
            ("positions", lambda: matrix.show(state.stances, state.agenda, names)),
            ("stance", self._show_stance),
            ("proposals", lambda: self.query_one("#proposals-table", ProposalsTable).show(state.proposals, names)),
            ("proposal", self._show_proposal),
            ("agreements", lambda: self.query_one("#agreements-body", AgreementsView).show(state.agreements, names)),
        ):
            try:
                show()
            except Exception as exc:  # noqa: BLE001 - one part failing must not blank the others
                self.notify(f"Could not show the {section}: {type(exc).__name__}: {clean(str(exc))}",
                            severity="error", markup=False)

    # -- selection details --------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#schedule")
    def _show_meeting(self) -> None:
        item = self.query_one("#schedule", ScheduleTable).selected_item
        detail = self.query_one("#meeting-detail", Static)
        if item is None:
            detail.update(Text("No meetings recorded on this track at this moment.", style="dim italic"))
        else:
            detail.update(render_item(item, self.names))

    @on(DataTable.RowHighlighted, "#proposals-table")
    def _show_proposal(self) -> None:
        proposal = self.query_one("#proposals-table", ProposalsTable).selected
        detail = self.query_one("#proposal-detail", Static)
        if proposal is None:
            detail.update(Text("No proposals on this track at this moment.", style="dim italic"))
        else:
            detail.update(render_proposal(proposal, self.names))

    @on(DataTable.CellHighlighted, "#positions-matrix")
    def _show_stance(self) -> None:
        stance = self.query_one("#positions-matrix", PositionsMatrix).selected
        detail = self.query_one("#stance-detail", Static)
        if stance is None:
            matrix = self.query_one("#positions-matrix", PositionsMatrix)
            key = matrix.selected_key
            if key is None:
                detail.update(Text("No stated positions on this track at this moment.", style="dim italic"))
            else:
                detail.update(Text(f"{self.names(key[0])} has made no statement on {clean(key[1])} "
                                   "at this moment.", style="dim italic"))
            return
        self.query_one("#stance-detail", StanceDetail).show(stance, self.names, self.track_id)

    # -- timeline ---------------------------------------------------------------------------
    def show_timeline(self, timeline: list[TimelineEntry]) -> None:
        self.timeline = timeline
        self.query_one("#timeline-list", TimelineTable).show(timeline, self.newest_first)
        status = Text(f"{len(timeline):,} entr{'y' if len(timeline) == 1 else 'ies'}", style="bold")
        if len(timeline) >= TIMELINE_LIMIT:
            status.append(f" (the latest {TIMELINE_LIMIT:,}; the event log has every event)", style="dim")
        left_out = f"{plural(self.retracted, 'retracted event')} left out" if self.retracted else "none retracted"
        status.append(f" · {'newest' if self.newest_first else 'oldest'} first · corrections applied, {left_out}",
                      style="dim")
        self.query_one("#timeline-status", Static).update(status)
        self._timeline_highlighted()

    @on(DataTable.RowHighlighted, "#timeline-list")
    def _timeline_highlighted(self) -> None:
        entry = self.query_one("#timeline-list", TimelineTable).selected
        if entry is None:
            self.timeline_row = None
            self.query_one("#timeline-detail", EventDetail).show(None)
            return
        self.load_timeline_event(entry.event_id, self.moment)

    @work(thread=True, exit_on_error=False, exclusive=True, group="timeline-event")
    def load_timeline_event(self, event_id: str, moment: Moment) -> None:
        row = self.app.browse(lambda tracker: tracker.event(event_id, moment), "scan")
        self.app.call_from_thread(self._show_timeline_event, row)

    def _show_timeline_event(self, row: EventRow | None) -> None:
        entry = self.query_one("#timeline-list", TimelineTable).selected
        if row is None or entry is None or entry.event_id != row.id:
            return
        self.timeline_row = row
        self.query_one("#timeline-detail", EventDetail).show(row)

    @on(DataTable.RowSelected, "#timeline-list")
    def _timeline_selected(self) -> None:
        self.query_one("#timeline-detail", EventDetail).focus()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        focus = {"overview": "#schedule", "positions": "#positions-matrix", "proposals": "#proposals-table",
                 "agreements": "#agreements-scroll", "timeline": "#timeline-list"}.get(event.pane.id or "")
        if focus:
            self.query_one(focus).focus()
        self.refresh_bindings()

    # -- actions ----------------------------------------------------------------------------
    @property
    def active_tab(self) -> str:
        return self.query_one("#track-tabs", TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tab = self.active_tab if self.is_mounted else "overview"
        if action in ("correct", "retract", "toggle_order"):
            return tab == "timeline"
        if action == "log_held":
            return tab == "overview"
        return True

    def action_tab(self, tab: str) -> None:
        self.query_one("#track-tabs", TabbedContent).active = tab

    def action_back(self) -> None:
        self.dismiss()

    def action_log_held(self) -> None:
        schedule = self.query_one("#schedule", ScheduleTable)
        meeting = schedule.selected
        if meeting is None and schedule.selected_item is not None:  # a deadline: met or missed, never held
            self.notify("A deadline is not held: n logs it as met, extended or missed.", severity="warning")
            return
        if meeting is None:
            self.notify("Select a meeting in the schedule first.", severity="warning")
            return
        if meeting.status == "held":
            self.notify("This meeting is already recorded as held.", severity="warning")
            return
        self.app.action_log_event(held_prefill(self.track_id, meeting))

    def action_cycle_grade(self) -> None:
        """Hide the facts with weaker support, one grade at a time (g), back to every fact."""
        self.min_grade = GRADE_STEPS[(GRADE_STEPS.index(self.min_grade) + 1) % len(GRADE_STEPS)]
        self.reload()

    def action_toggle_order(self) -> None:
        self.newest_first = not self.newest_first
        self.show_timeline(self.timeline)

    def action_correct(self) -> None:
        if self.timeline_row is not None:
            self.app.amend(self.timeline_row.stored, "correct")

    def action_retract(self) -> None:
        if self.timeline_row is not None:
            self.app.amend(self.timeline_row.stored, "retract")

    def log_prefill(self) -> Prefill | None:
        """'n' here logs an event on this track."""
        return Prefill(tracks=[self.track_id])

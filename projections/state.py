"""The immutable state the views show: one `TrackState` per negotiation track, and actors.

Every fact carries `event_ids`: the events that established it (provenance), so any view can
answer "why does it say that?" with `tracker.queries.why(store, fact.event_ids)`.

`uncertain` on a dated fact means: the event's date is imprecise and the interval it stands for
reaches past the moment being viewed (occurred.latest > as_of), so it *may* not have happened yet
on that day. See `projections.replay` for the rule.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from events.occurred import Occurred

TrendDirection = Literal["improving", "deteriorating", "unchanged"]
MeetingStatus = Literal["scheduled", "held", "postponed", "cancelled"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def fast(cls: type[M], **values: Any) -> M:
        """An instance from values already known to be valid (built from validated events):
        what `model_construct` does, without its per-call overhead (views build thousands)."""
        defaults = _DEFAULTS.get(cls)
        if defaults is None:
            defaults = _DEFAULTS[cls] = {n: f.get_default(call_default_factory=True) for n, f in cls.model_fields.items()
                                         if not f.is_required()}
        obj = cls.__new__(cls)
        data = {**defaults, **values}
        object.__setattr__(obj, "__dict__", data)
        object.__setattr__(obj, "__pydantic_fields_set__", set(values))
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


M = TypeVar("M", bound=Frozen)
_DEFAULTS: dict[type, dict[str, Any]] = {}


class Sourced(Frozen):
    """A projected fact and the events behind it (the last one is the latest to contribute)."""

    event_ids: tuple[str, ...] = ()


class Dated(Sourced):
    occurred: Occurred | None = None
    uncertain: bool = False  # the date interval reaches past the moment viewed


class Participant(Dated):
    """A side at the table (took part in a meeting held, or is party to an agreement)."""

    actor: str
    delegates: tuple[str, ...] = ()  # people and bodies affiliated with the side who took part


class Observer(Dated):
    """An actor that speaks about the track without being at the table or mediating."""

    actor: str


class Mediator(Dated):
    actor: str
    role: str  # mediator / host / facilitator / guarantor; "host" also covers would-be hosts
    venue: str | None = None
    between: tuple[str, ...] = ()
    offered: bool = True  # True: an offer (would-be mediator/host); False: actually hosted a meeting


class SeatDemand(Dated):
    claimant: str
    seat_for: tuple[str, ...]
    summary: str = ""
    claim_status: str = "confirmed"


class Exclusion(Dated):
    actor: str
    by: tuple[str, ...]
    reason: str | None = None


class Stance(Dated):
    """An actor's latest stance on one issue, and the statement it comes from."""

    actor: str  # whose position (on_behalf_of, else the speaker)
    issue: str
    stance: str  # supports / opposes / conditional / neutral
    speaker: str
    quote: str | None = None
    summary: str = ""
    claim_status: str = "confirmed"
    event_id: str = ""


class ClaimChange(Dated):
    status: str
    by: tuple[str, ...] = ()
    reason: str | None = None
    summary: str = ""


class Proposal(Dated):
    proposal: str
    title: str
    proposer: tuple[str, ...]
    stages: tuple[str, ...] = ()
    claim_status: str = "confirmed"
    claim_history: tuple[ClaimChange, ...] = ()  # in date order; the first is the original report
    first_seen: Occurred | None = None


class Commitment(Sourced):
    id: str
    text: str
    owners: tuple[str, ...] = ()
    progress: str = "not_started"  # not_started / partial / done / broken
    note: str | None = None
    progress_occurred: Occurred | None = None


class Agreement(Dated):
    agreement: str
    title: str
    parties: tuple[str, ...]
    commitments: tuple[Commitment, ...] = ()
    claim_status: str = "confirmed"
    first_seen: Occurred | None = None


class Postponement(Dated):
    from_date: Occurred | None = None
    to_date: Occurred | None = None  # None: postponed sine die
    by: tuple[str, ...] = ()
    reason: str | None = None


class Meeting(Dated):
    """`occurred` is when the meeting took (or takes) place as far as is known: held, else planned."""

    meeting: str
    title: str
    status: MeetingStatus
    planned: Occurred | None = None  # the current planned date (after postponements)
    first_planned: Occurred | None = None  # as first announced
    participants: tuple[str, ...] = ()
    host: str | None = None
    location: str | None = None
    postponements: tuple[Postponement, ...] = ()  # in date order
    held: Occurred | None = None
    outcome: str | None = None
    cancelled_by: tuple[str, ...] = ()
    reason: str | None = None
    upcoming: bool = False  # planned on or after the reference day and not held/cancelled
    # Still scheduled or postponed, but its planned date is over by the reference day: nothing
    # logged by then says whether it was held, moved again or called off.
    date_passed: bool = False
    claim_status: str = "confirmed"
    first_seen: Occurred | None = None  # date of its first event

    @property
    def precision(self) -> str | None:
        when = self.held or self.planned
        return when.precision if when else None


class DeniedClaim(Dated):
    """A claim that was denied: shown as denied, never as a fact."""

    target: str  # the event id of the claim
    summary: str  # what the claim said (or the denial's summary if the claim is unknown here)
    by: tuple[str, ...] = ()
    status: str = "denied"


class Trend(Frozen):
    direction: TrendDirection = "unchanged"
    recent: int = 0  # cooperative minus conflictual score over the recent window
    previous: int = 0  # the same over the window before it
    window_days: int = 30
    window_end: date | None = None
    recent_events: int = 0
    previous_events: int = 0


class TrackState(Frozen):
    track: str
    title: str
    description: str | None = None
    status: str = "exploratory"
    status_since: Occurred | None = None
    status_reason: str | None = None
    status_event_ids: tuple[str, ...] = ()
    status_claim: str = "confirmed"  # claim status of the event that set the status
    parties: tuple[Participant, ...] = ()
    observers: tuple[Observer, ...] = ()
    mediators: tuple[Mediator, ...] = ()
    seat_demands: tuple[SeatDemand, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    agenda: tuple[str, ...] = ()
    agenda_event_ids: tuple[str, ...] = ()
    stances: tuple[Stance, ...] = ()  # sorted by (issue, actor)
    proposals: tuple[Proposal, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    meetings: tuple[Meeting, ...] = ()  # by date
    next_meeting: Meeting | None = None
    denied: tuple[DeniedClaim, ...] = ()
    last_activity: Occurred | None = None
    last_activity_event_ids: tuple[str, ...] = ()
    trend: Trend = Trend()
    event_count: int = 0
    uncertain_count: int = 0  # facts whose date may lie after the moment viewed
    as_of: date | None = None
    moment: str = "now"
    detail: bool = True  # False: a row of the list of tracks (see `list_row`)

    def list_row(self) -> TrackState:
        """The state cut down to its row of the list of tracks: the fields in LIST_FIELDS, and
        the next meeting as the only meeting; every other field back to its default. A new field
        is detail unless listed there."""
        update: dict[str, Any] = {name: info.get_default(call_default_factory=True)
                                  for name, info in TrackState.model_fields.items() if name not in LIST_FIELDS}
        update.update(meetings=(self.next_meeting,) if self.next_meeting else (), detail=False)
        return self.model_copy(update=update)

    def stance(self, actor: str, issue: str) -> Stance | None:
        return next((s for s in self.stances if s.actor == actor and s.issue == issue), None)

    def meeting(self, meeting_id: str) -> Meeting | None:
        return next((m for m in self.meetings if m.meeting == meeting_id), None)

    def proposal(self, proposal_id: str) -> Proposal | None:
        return next((p for p in self.proposals if p.proposal == proposal_id), None)


# What a row of the list of tracks keeps of a TrackState (TrackState.list_row).
LIST_FIELDS = frozenset({
    "track", "title", "description", "status", "status_since", "status_reason", "status_event_ids",
    "status_claim", "next_meeting", "last_activity", "last_activity_event_ids", "trend", "event_count",
    "as_of", "moment",
})


# -- timeline, actors, diffs ------------------------------------------------------------------
class TimelineEntry(Frozen):
    position: int
    event_id: str
    type: str
    occurred: Occurred
    uncertain: bool = False  # imprecise date reaching past the moment viewed
    tracks: tuple[str, ...]
    actors: tuple[str, ...] = ()
    summary: str
    claim_status: str = "confirmed"  # effective, after claim status changes known at the moment
    corrected: bool = False  # shown in its corrected form
    sources: tuple[str, ...] = ()  # outlet names


class ActorInfo(Frozen):
    id: str
    name: str
    kind: str = "other"
    role: str | None = None
    affiliation: str | None = None
    event_ids: tuple[str, ...] = ()


class ActorStatement(Dated):
    """One statement the actor made or that was made for it: once, however many tracks it was
    filed on."""

    tracks: tuple[str, ...]
    issue: str
    stance: str
    speaker: str
    quote: str | None = None
    summary: str = ""
    claim_status: str = "confirmed"


class ActorState(Frozen):
    info: ActorInfo
    tracks: tuple[str, ...] = ()
    statements: tuple[ActorStatement, ...] = ()  # who said what, in date order
    # The latest per (track, issue), flattened as Stance with actor=id; a statement that is the
    # latest on several tracks is one entry, with those tracks in `stance_tracks`.
    stances: tuple[Stance, ...] = ()
    stance_tracks: tuple[tuple[str, ...], ...] = ()  # the tracks of each entry in `stances`
    event_count: int = 0


ChangeKind = Literal[
    "status", "party_joined", "party_left", "observer", "mediator", "seat_demand", "excluded",
    "readmitted", "agenda", "stance_new", "stance_changed", "proposal_new", "proposal_status",
    "agreement_new", "commitment_progress", "meeting_new", "meeting_postponed", "meeting_held",
    "meeting_cancelled", "meeting_changed", "denied", "title",
]


class Change(Sourced):
    kind: ChangeKind
    description: str
    subject: str = ""  # the actor / issue / meeting / proposal concerned


class TrackDiff(Frozen):
    track: str
    before: str  # moment labels
    after: str
    changes: tuple[Change, ...] = ()

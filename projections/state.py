"""The immutable state the views show: one `TrackState` per negotiation track, and actors.

Every fact carries `event_ids`: the events that established it (provenance), so any view can
answer "why does it say that?" with `tracker.queries.why(store, fact.event_ids)`.

`uncertain` on a dated fact means: the event's date is imprecise and the interval it stands for
reaches past the moment being viewed (occurred.latest > as_of), so it *may* not have happened yet
on that day. See `projections.replay` for the rule.
"""

from __future__ import annotations

import typing
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, field_validator

from events import EVENT_TYPES
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
    """A side at the table as a party (joined, took part in talks held, or is party to an agreement;
    see projections.families.table)."""

    actor: str
    delegates: tuple[str, ...] = ()  # people and bodies affiliated with the side who took part
    reason: str | None = None  # why it joined, when it joined explicitly (party_joined)
    # When it joined: the first seat of its current stretch at the table (`occurred` is its latest
    # seat); None when that is not known (back at the table after leaving or being excluded).
    since: Occurred | None = None
    since_event_ids: tuple[str, ...] = ()  # the event of that first seat


class Observer(Dated):
    """A side at the table as an observer: it took part in talks held on the track, or joined the
    table, in the role of observer (speaking about the track makes no one an observer)."""

    actor: str
    role: str | None = None  # "observer" (kept in the JSON scripts read; no one is an observer without it)


class Departure(Dated):
    """A side that left the table of its own accord: party_left, a withdrawal from the agreement
    that seated it, or a legacy party_excluded naming itself as the excluder."""

    actor: str
    reason: str | None = None
    agreement: str | None = None  # the agreement it withdrew from (None: it left the talks)


class Mediator(Dated):
    actor: str
    role: str  # mediator / host / facilitator / guarantor; "host" also covers would-be hosts
    venue: str | None = None
    between: tuple[str, ...] = ()
    # True: an offer (would-be mediator/host); False: actually hosted talks (role "host"), or took
    # part in them as a mediator, or joined the table as one (role "mediator")
    offered: bool = True


class SeatDemand(Dated):
    claimant: str
    seat_for: tuple[str, ...]
    summary: str = ""
    claim_status: str = "confirmed"


class Exclusion(Dated):
    actor: str
    by: tuple[str, ...]
    reason: str | None = None


# Stances from furthest from agreement to closest: a shift up this scale moves towards support.
STANCE_RANK: dict[str, int] = {"opposes": 0, "neutral": 1, "conditional": 2, "supports": 3}


def shift_direction(before: str | None, after: str) -> str | None:
    """'up' (towards support), 'down' (away from it), 'across' (an unranked stance), or None (no shift)."""
    if before is None or before == after:
        return None
    a, b = STANCE_RANK.get(before), STANCE_RANK.get(after)
    if a is None or b is None:
        return "across"
    return "up" if b > a else "down"


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
    previous: str | None = None  # the stance before the last change (None: it never changed)
    history: tuple[str, ...] = ()  # the statements of this actor on this issue, in date order (event ids)

    @property
    def direction(self) -> str | None:
        """How the last change moved: 'up' (towards support), 'down', 'across', or None."""
        return shift_direction(self.previous, self.stance)


class StanceStep(Dated):
    """One dated statement in an actor's history on an issue (Tracker.stance_history)."""

    stance: str
    speaker: str
    previous: str | None = None  # the stance before this one, when this one changed it
    quote: str | None = None
    summary: str = ""
    claim_status: str = "confirmed"
    event_id: str = ""
    sources: tuple[tuple[str, str | None], ...] = ()  # (outlet, via) of each source
    grades: tuple[str, ...] = ()  # of each source, in order ('B2', '?3', '': projections.grades)

    @property
    def direction(self) -> str | None:
        return shift_direction(self.previous, self.stance)


class StanceHistory(Frozen):
    """Every statement of one actor on one issue, at the moment viewed (oldest first)."""

    track: str
    actor: str
    issue: str
    steps: tuple[StanceStep, ...] = ()


class Voice(Dated):
    """What one speaker last said for one actor on an issue (a member of a Contradiction)."""

    actor: str  # on_behalf_of, else the speaker
    speaker: str
    stance: str
    claim_status: str = "confirmed"


class Contradiction(Sourced):
    """Voices of one side (projections.family.side_of) whose latest statements on one issue differ."""

    side: str
    issue: str
    voices: tuple[Voice, ...] = ()  # by actor, then speaker


class ClaimChange(Dated):
    status: str
    by: tuple[str, ...] = ()
    reason: str | None = None
    summary: str = ""


class ProposalAnswer(Dated):
    """A party's answer to a proposal: accepted, rejected or countered (with the counter-proposal)."""

    responder: str
    response: str  # accepted / rejected / countered
    counter: str | None = None  # the counter-proposal's id
    reason: str | None = None
    claim_status: str = "confirmed"


class Proposal(Dated):
    proposal: str
    title: str
    proposer: tuple[str, ...]
    stages: tuple[str, ...] = ()
    claim_status: str = "confirmed"
    claim_history: tuple[ClaimChange, ...] = ()  # in date order; the first is the original report
    first_seen: Occurred | None = None
    revises: str | None = None  # the proposal this one answers or replaces (its previous version)
    revised_by: tuple[str, ...] = ()  # the proposals that revise it or counter it (its next versions)
    agreed_stages: tuple[int, ...] = ()  # 1-based numbers of the stages agreed so far
    answers: tuple[ProposalAnswer, ...] = ()  # in date order; each responder's latest counts
    accepted_by: tuple[str, ...] = ()  # by each responder's latest answer
    rejected_by: tuple[str, ...] = ()
    countered_by: tuple[str, ...] = ()
    orphan: bool = False  # only answered: never logged as tabled (on this track), known by its id


class Commitment(Sourced):
    id: str
    text: str
    owners: tuple[str, ...] = ()
    progress: str = "not_started"  # not_started / partial / done / broken
    note: str | None = None
    progress_occurred: Occurred | None = None


class AgreementAct(Dated):
    """A step in an agreement's life after it was reached: signed, ratified, withdrawn from."""

    act: str  # signed / ratified / withdrawn
    parties: tuple[str, ...]  # the signatories; the party that ratified or withdrew
    detail: str | None = None  # where it was signed; the body that ratified it
    reason: str | None = None  # why a party withdrew
    effective: Occurred | None = None  # when a withdrawal takes effect, if later
    claim_status: str = "confirmed"


class Agreement(Dated):
    agreement: str
    title: str
    parties: tuple[str, ...]
    commitments: tuple[Commitment, ...] = ()
    claim_status: str = "confirmed"
    first_seen: Occurred | None = None
    acts: tuple[AgreementAct, ...] = ()  # signed, ratified, withdrawn: in date order
    signatories: tuple[str, ...] = ()
    ratified_by: tuple[str, ...] = ()
    withdrawn: tuple[str, ...] = ()  # parties that withdrew (or announced their withdrawal)
    orphan: bool = False  # never logged as reached or signed (on this track): only ratified, withdrawn from ...

    def tally(self) -> dict[str, int]:
        """How many commitments stand at each progress: done, partial, broken, not_started."""
        out = {"done": 0, "partial": 0, "broken": 0, "not_started": 0}
        for c in self.commitments:
            out[c.progress] = out.get(c.progress, 0) + 1
        return out


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
    format: str | None = None  # in_person / phone / video (as last said)
    round: int | None = None  # "round 3"

    @property
    def precision(self) -> str | None:
        when = self.held or self.planned
        return when.precision if when else None


class Violation(Dated):
    """A ceasefire violated: by whom, per the source."""

    by: tuple[str, ...] = ()
    details: str | None = None
    claim_status: str = "confirmed"


CeasefireStatus = Literal["announced", "in_force", "violated", "ended", "expired"]


class Ceasefire(Dated):
    """`occurred` is when it was declared. `status`: announced (starts later), in force, violated
    (in force, with violations reported), ended (by an event), expired (its end date passed)."""

    ceasefire: str
    parties: tuple[str, ...] = ()
    scope: str | None = None
    starts: Occurred | None = None
    ends: Occurred | None = None
    status: CeasefireStatus = "in_force"
    violations: tuple[Violation, ...] = ()  # in date order
    ended: Occurred | None = None
    ended_by: tuple[str, ...] = ()
    reason: str | None = None
    claim_status: str = "confirmed"
    orphan: bool = False  # never logged as declared (on this track): only reported violated or ended

    def violated_by(self) -> dict[str, int]:
        """Who violated it, per the sources, and how many times (in order of first violation)."""
        counts: dict[str, int] = {}
        for v in self.violations:
            for actor in v.by:
                counts[actor] = counts.get(actor, 0) + 1
        return counts


class SanctionsStep(Dated):
    action: str  # imposed / threatened / eased / lifted
    by: tuple[str, ...] = ()
    on: tuple[str, ...] = ()
    measure: str | None = None
    claim_status: str = "confirmed"


class Sanctions(Dated):
    """A sanctions measure and where it stands: its latest action (`occurred` is that action's date)."""

    sanctions: str
    action: str  # imposed / threatened / eased / lifted
    by: tuple[str, ...] = ()
    on: tuple[str, ...] = ()
    measure: str | None = None
    history: tuple[SanctionsStep, ...] = ()  # in date order
    claim_status: str = "confirmed"


class Team(Dated):
    """One appointment of negotiators for a side (`role`: "high-level team" ...)."""

    negotiators: tuple[str, ...] = ()
    lead: str | None = None
    role: str | None = None
    claim_status: str = "confirmed"


class Delegation(Dated):
    """A side's negotiators: every team appointed for it (a later appointment in the same role
    replaces the earlier one). `occurred`: the latest appointment."""

    side: str
    negotiators: tuple[str, ...] = ()  # everyone on its teams, leads first
    teams: tuple[Team, ...] = ()  # in date order


class RedLine(Dated):
    """A red line or precondition an actor stated on an issue (a restatement keeps the latest)."""

    actor: str  # whose (on_behalf_of, else the speaker)
    issue: str
    kind: str = "red_line"  # red_line / precondition
    demand: str = ""
    speaker: str = ""
    quote: str | None = None
    claim_status: str = "confirmed"


DeadlineStatus = Literal["pending", "extended", "met", "missed", "passed"]


class DeadlineExtension(Dated):
    """A deadline moved to a later date (`occurred`: when the extension was announced)."""

    from_date: Occurred | None = None
    to_date: Occurred | None = None
    by: tuple[str, ...] = ()
    reason: str | None = None


class Deadline(Dated):
    """A deadline and where it stands. `occurred`: its due date (as extended), or when it was met or
    missed. `status`: pending; extended (pending again on a later date, `extensions` says how often);
    met; missed; passed (due before the reference day, and nothing logged says it was met or missed)."""

    deadline: str
    title: str
    status: DeadlineStatus = "pending"
    due: Occurred | None = None  # the current due date, after extensions
    original_due: Occurred | None = None  # as first set
    extensions: tuple[DeadlineExtension, ...] = ()  # in date order
    set_by: tuple[str, ...] = ()
    consequence: str | None = None  # what was said would happen if it is missed
    met_by: str | None = None  # the id of the event that met it
    met_by_title: str | None = None  # that event's title (or summary), when it is one of this track's
    met_by_type: str | None = None  # and its type: "agreement_reached"
    closed: Occurred | None = None  # when it was met or missed
    note: str | None = None
    upcoming: bool = False  # pending or extended, due on or after the reference day
    claim_status: str = "confirmed"
    first_seen: Occurred | None = None
    orphan: bool = False  # never logged as set (on this track): only extended, met or missed


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


class Activity(Frozen):
    """Events per ISO week (Monday to Sunday) over the weeks up to and including the week of the
    trend's reference day, oldest first: what the list of tracks draws as a sparkline. Each event
    counts in the week of the first day it may have happened, as for the trend."""

    weeks: tuple[int, ...] = ()
    last_week: date | None = None  # the Monday of the last week counted

    def until(self, monday: date, n: int) -> tuple[int, ...]:
        """The `n` weeks up to and including the week starting `monday`, oldest first: the same
        window for every track of a list, whatever each one's last week (no events fall after it)."""
        if self.last_week is None:
            return (0,) * n
        shift = (monday - self.last_week).days // 7
        # A window ending before this track's last week takes its weeks up to then; after it, the
        # weeks since are empty.
        weeks = self.weeks[:len(self.weeks) + shift] if shift < 0 else self.weeks + (0,) * shift
        weeks = weeks[-n:] if n else ()
        return (0,) * (n - len(weeks)) + weeks


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
    left: tuple[Departure, ...] = ()  # sides that left the table (not excluded, not back since)
    agenda: tuple[str, ...] = ()
    agenda_event_ids: tuple[str, ...] = ()
    stances: tuple[Stance, ...] = ()  # sorted by (issue, actor)
    contradictions: tuple[Contradiction, ...] = ()  # sorted by (issue, side)
    proposals: tuple[Proposal, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    meetings: tuple[Meeting, ...] = ()  # by date
    ceasefires: tuple[Ceasefire, ...] = ()  # by date declared
    sanctions: tuple[Sanctions, ...] = ()  # by date of their latest action
    delegations: tuple[Delegation, ...] = ()  # by side
    red_lines: tuple[RedLine, ...] = ()  # by actor, issue, then latest first
    next_meeting: Meeting | None = None
    deadlines: tuple[Deadline, ...] = ()  # by due date
    next_deadline: Deadline | None = None
    denied: tuple[DeniedClaim, ...] = ()
    last_activity: Occurred | None = None
    last_activity_event_ids: tuple[str, ...] = ()
    trend: Trend = Trend()
    activity: Activity = Activity()
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
    "status_claim", "next_meeting", "last_activity", "last_activity_event_ids", "trend", "activity",
    "event_count", "as_of", "moment",
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
    "deadline_set", "deadline_extended", "deadline_met", "deadline_missed", "deadline_passed", "deadline_changed",
    "proposal_answered", "proposal_stages", "agreement_signed", "agreement_ratified", "agreement_withdrawn",
    "ceasefire_declared", "ceasefire_violated", "ceasefire_ended", "sanctions_changed", "delegation_appointed",
    "red_line_new",
]


# What a Change may be called: a ChangeKind, or the type of the event that made it, so that a new event
# type's change can be named after the type without an entry above.
CHANGE_KINDS: frozenset[str] = frozenset(typing.get_args(ChangeKind)) | frozenset(EVENT_TYPES)


class Change(Sourced):
    kind: str  # one of CHANGE_KINDS
    description: str
    subject: str = ""  # the actor / issue / meeting / proposal concerned
    claim_status: str = "confirmed"  # the firmest of its events' at the later moment (Tracker.diff)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in CHANGE_KINDS:
            raise ValueError(f"{kind!r} is no kind of change: name it after its event type, or add it to ChangeKind")
        return kind


class TrackDiff(Frozen):
    track: str
    before: str  # moment labels
    after: str
    changes: tuple[Change, ...] = ()


def sourced_fields(state: TrackState) -> dict[str, tuple[list[str], tuple[Sourced, ...]]]:
    """Each field of TrackState that holds sourced facts, with the names of its items' own fields
    (an item is found by its leading ones: an actor, a meeting id, an actor and an issue ...).
    Derived from the state's types, so a new family of facts is traceable without a change here."""
    out: dict[str, tuple[list[str], tuple[Sourced, ...]]] = {}
    for name, info in TrackState.model_fields.items():
        args = typing.get_args(info.annotation)
        if typing.get_origin(info.annotation) is tuple and args and isinstance(args[0], type) \
                and issubclass(args[0], Sourced):
            own = [f for f in args[0].model_fields if f not in Dated.model_fields]
            out[name] = (own, getattr(state, name))
    return out

"""One model per event type; `Event` is their union, discriminated on `type`.

Actors and tracks are described by events too (`actor_described`, `track_opened`), so the log
alone rebuilds everything a view shows.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, field_validator

from events.base import (
    SCHEMA_VERSION,
    ClaimStatus,
    EventBase,
    Line,
    Slug,
    Stance,
    Strict,
    Text,
    added,
)
from events.canonical import register_fast_types
from events.occurred import Occurred

TrackStatus = Literal["exploratory", "active", "stalled", "suspended", "concluded", "collapsed"]
TRACK_STATUSES: tuple[str, ...] = ("exploratory", "active", "stalled", "suspended", "concluded", "collapsed")
ActorKind = Literal["state", "person", "organisation", "bloc", "media", "think_tank", "other"]
Progress = Literal["not_started", "partial", "done", "broken"]
PROGRESS: tuple[str, ...] = ("not_started", "partial", "done", "broken")
MediationRole = Literal["mediator", "host", "facilitator", "guarantor"]
TableRole = Literal["party", "mediator", "observer"]
MeetingFormat = Literal["in_person", "phone", "video"]
# What a meeting was, for the table: only talks seat their participants at the table of the track;
# a consultation among one side's allies, a conference panel, or a contact about talks (a leaders'
# call agreeing that their teams will negotiate) does not.
MeetingKind = Literal["talks", "consultation", "conference", "contact"]
ProposalResponse = Literal["accepted", "rejected", "countered"]
RedLineKind = Literal["red_line", "precondition"]
SanctionsAction = Literal["imposed", "threatened", "eased", "lifted"]
# The Admiralty (NATO) grading of a source's reliability: A completely reliable ... F cannot be judged.
Reliability = Literal["A", "B", "C", "D", "E", "F"]


class ActorRef:
    """Field metadata: the field names actors. Their ids join the event's `actors`, so a filter on
    an actor finds the event, and forms offer actor ids there (see `actor_fields`)."""


ACTOR_REF = ActorRef()
ActorId = Annotated[Slug, ACTOR_REF]
Actors = Annotated[list[Slug], Field(max_length=200), ACTOR_REF]


class Ahead:
    """Field metadata: the field is a planned date (a meeting's date, a postponement's dates). A date
    written without its year ("Thursday", "14 Feb", "March") takes the first place that is not over,
    not the last that has begun (events.dates, `ahead=True`); forms read it so (see `ahead_fields`).
    Metadata only: the stored JSON and the hashes are those of a plain `Occurred`."""


AHEAD = Ahead()
Planned = Annotated[Occurred, AHEAD]


# -- tracks and actors --------------------------------------------------------------------
class TrackOpened(EventBase):
    """A track is opened. Its title, agenda and first status (exploratory unless said)."""

    type: Literal["track_opened"] = "track_opened"
    track: Slug
    """The track's id: lowercase, digits, '.', '_' and '-', e.g. 'ukraine-settlement'."""
    title: Line
    """The track's name as readers know it, e.g. 'Ukraine settlement'."""
    description: Text | None = None
    """What the track covers, in a sentence or two."""
    initial_status: TrackStatus = "exploratory"
    """Its status when opened."""
    agenda: Annotated[list[Slug], Field(max_length=100)] = Field(default_factory=list)
    """The issues on the table, as ids: 'territory', 'sanctions', 'nato-membership'."""


class TrackStatusChanged(EventBase):
    """A track's status changes. Exploratory, active, stalled, suspended, concluded or collapsed."""

    type: Literal["track_status_changed"] = "track_status_changed"
    track: Slug
    """The track whose status changes."""
    new_status: TrackStatus
    """Its status from now on."""
    reason: Text | None = None
    """Why, as the source gives it."""


class ActorDescribed(EventBase):
    """Who an actor is. Name, kind, role, and the state or body it belongs to."""

    type: Literal["actor_described"] = "actor_described"
    actor: ActorId
    """The actor's id, e.g. 'rubio', 'usa'."""
    name: Line
    """The name as written in full, e.g. 'Marco Rubio'."""
    kind: ActorKind
    """What sort of actor it is."""
    role: Line | None = None
    """Their office or function, e.g. 'US Secretary of State'."""
    affiliation: Slug | None = None
    """The actor's state or body, by id: rubio -> usa."""
    aliases: Annotated[list[Line], Field(max_length=50)] = Field(default_factory=list)
    """Other names the actor goes by, e.g. 'Russian Federation'."""


# -- meetings -----------------------------------------------------------------------------
class MeetingScheduled(EventBase):
    """A meeting is announced for a planned date."""

    type: Literal["meeting_scheduled"] = "meeting_scheduled"
    meeting: Slug
    """The meeting's id, used again when it is held, postponed or cancelled."""
    title: Line
    """The meeting's name, e.g. 'US-Russia talks in Riyadh'."""
    planned: Planned
    """When it is to take place (--when is when it was announced)."""
    participants: Actors = Field(default_factory=list)
    """Who is to take part, by actor id."""
    host: ActorId | None = None
    """Who hosts it, by actor id."""
    format: MeetingFormat | None = added()
    """In person, by phone or by video."""
    round: Annotated[int, Field(ge=1, le=1000)] | None = added()
    """The round's number, for 'the third round'."""


class MeetingHeld(EventBase):
    """A meeting took place. Who took part, who hosted, what came of it."""

    type: Literal["meeting_held"] = "meeting_held"
    meeting: Slug
    """The meeting's id: the same as when it was scheduled, if it was."""
    title: Line
    """The meeting's name, e.g. 'US-Russia talks in Riyadh'."""
    participants: Actors = Field(default_factory=list)
    """Who took part as parties, by actor id."""
    host: ActorId | None = None
    """Who hosted it, by actor id."""
    duration_hours: Annotated[float, Field(gt=0, le=1000)] | None = None
    """How long it lasted, in hours."""
    outcome: Text | None = None
    """What came of it, as the source gives it."""
    format: MeetingFormat | None = added()
    """In person, by phone or by video."""
    round: Annotated[int, Field(ge=1, le=1000)] | None = added()
    """The round's number, for 'the third round'."""
    kind: MeetingKind | None = added()
    """Talks seat their participants at the table of the track; a consultation among allies, a conference panel or a contact about talks (agreeing to negotiate) does not. Unset: talks."""
    mediators: Actors = added([])
    """Who took part as mediators: not parties."""
    observers: Actors = added([])
    """Who took part as observers: not parties."""


class MeetingPostponed(EventBase):
    """A meeting is moved to a new date, or sine die."""

    type: Literal["meeting_postponed"] = "meeting_postponed"
    meeting: Slug
    """The meeting that is moved, by id."""
    from_date: Planned | None = None
    """The date it was to take place."""
    to_date: Planned | None = None
    """Its new date; unset: postponed sine die."""
    by: Actors = Field(default_factory=list)
    """Who postponed it, by actor id."""
    reason: Text | None = None
    """Why, as the source gives it."""


class MeetingCancelled(EventBase):
    """A meeting is called off."""

    type: Literal["meeting_cancelled"] = "meeting_cancelled"
    meeting: Slug
    """The meeting called off, by id."""
    by: Actors = Field(default_factory=list)
    """Who called it off, by actor id."""
    reason: Text | None = None
    """Why, as the source gives it."""


# -- positions ----------------------------------------------------------------------------
class StatementMade(EventBase):
    """Someone takes a stance on an issue. Supports, opposes, conditional or neutral."""

    type: Literal["statement_made"] = "statement_made"
    speaker: ActorId
    """Who spoke, by actor id."""
    on_behalf_of: ActorId | None = None
    """The side the speaker spoke for: lavrov speaks for rus."""
    quote: Text | None = None
    """The words as quoted, kept exactly."""
    issue: Slug
    """The issue, by id: 'nato-membership', 'ceasefire'."""
    stance: Stance
    """Where the speaker stands on the issue."""
    towards: Actors = Field(default_factory=list)
    """Whom the statement is addressed to or about, by actor id."""


class SeatDemanded(EventBase):
    """Someone demands a seat at the table. For themselves or for others."""

    type: Literal["seat_demanded"] = "seat_demanded"
    claimant: ActorId
    """Who demands the seat, by actor id."""
    seat_for: Actors
    """Whose seat: zelensky demands one for ukr (and eu, gbr, tur)."""


class PartyExcluded(EventBase):
    """Parties are kept out of the talks, and by whom."""

    type: Literal["party_excluded"] = "party_excluded"
    excluded: Actors
    """Who is kept out, by actor id."""
    by: Actors
    """Who keeps them out, by actor id (a party leaving of its own accord is party-left)."""
    reason: Text | None = None
    """Why, as the source gives it."""


class PartyJoined(EventBase):
    """A party joins the talks. As a party, a mediator or an observer."""

    type: Literal["party_joined"] = "party_joined"
    parties: Actors
    """Who joins, by actor id."""
    role: TableRole = "party"
    """At the table as a party, a mediator or an observer."""
    reason: Text | None = None
    """Why, as the source gives it."""


class PartyLeft(EventBase):
    """A party leaves the talks of its own accord.

    A party kept out by others is `party_excluded`."""

    type: Literal["party_left"] = "party_left"
    parties: Actors
    """Who leaves, by actor id."""
    reason: Text | None = None
    """Why, as the source gives it."""


class DelegationAppointed(EventBase):
    """A side names its negotiators. Who, for which side, in which role."""

    type: Literal["delegation_appointed"] = "delegation_appointed"
    side: ActorId
    """The state or bloc they negotiate for, by actor id."""
    negotiators: Actors
    """The negotiators, by actor id."""
    lead: ActorId | None = None
    """The head of the delegation, by actor id."""
    role: Line | None = None
    """What the delegation is, e.g. 'high-level team', 'technical working group'."""


class RedLineStated(EventBase):
    """A red line or a precondition is stated. By whom, on which issue, what it demands."""

    type: Literal["red_line_stated"] = "red_line_stated"
    speaker: ActorId
    """Who stated it, by actor id."""
    on_behalf_of: ActorId | None = None
    """The side the speaker spoke for, by actor id."""
    issue: Slug
    """The issue, by id: 'nato-membership', 'ceasefire'."""
    kind: RedLineKind = "red_line"
    """A red line (never) or a precondition (not before)."""
    demand: Line
    """What must or must not happen: 'no NATO membership for Ukraine'."""
    quote: Text | None = None
    """The words as quoted, kept exactly."""


class MediationOffered(EventBase):
    """An offer to mediate or to host. In which role (mediator, host, facilitator, guarantor), between whom, where."""

    type: Literal["mediation_offered"] = "mediation_offered"
    mediator: ActorId
    """Who offers, by actor id."""
    role: MediationRole = "mediator"
    """To mediate, host, facilitate or guarantee."""
    between: Actors = Field(default_factory=list)
    """Between whom, by actor id."""
    venue: Line | None = None
    """Where, e.g. 'Riyadh'."""


# -- proposals and agreements -------------------------------------------------------------
class ProposalTabled(EventBase):
    """A proposal is put forward. How sure the report is goes in --status."""

    type: Literal["proposal_tabled"] = "proposal_tabled"
    proposal: Slug
    """The proposal's id, used again when it is answered or revised."""
    proposer: Actors
    """Who puts it forward, by actor id."""
    title: Line
    """The proposal's name, e.g. 'Three-step plan'."""
    stages: Annotated[list[Line], Field(max_length=50)] = Field(default_factory=list)
    """Its steps, in order."""
    revises: Slug | None = added()
    """The proposal this one answers or replaces (a counter-proposal), by id."""
    agreed_stages: Annotated[list[int], Field(max_length=50)] = added([])
    """The steps agreed so far, by number (1 is the first)."""


class ProposalAnswered(EventBase):
    """A party answers a proposal. Accepted, rejected or countered (the counter is a new proposal)."""

    type: Literal["proposal_answered"] = "proposal_answered"
    proposal: Slug
    """The proposal answered, by id."""
    responder: ActorId
    """Who answers, by actor id."""
    response: ProposalResponse
    """Accepted, rejected or countered."""
    counter: Slug | None = None
    """For 'countered': the counter-proposal's id (tabled with --revises set to this proposal)."""
    reason: Text | None = None
    """Why, as the source gives it."""


class ClaimStatusChanged(EventBase):
    """A claim is confirmed, disputed or denied. The claim is an earlier event, named by --target."""

    type: Literal["claim_status_changed"] = "claim_status_changed"
    target: str
    """The event whose claim is now confirmed, disputed or denied."""
    new_status: ClaimStatus
    """How sure the claim is from now on."""
    by: Actors = Field(default_factory=list)
    """Who confirmed, disputed or denied it, by actor id."""
    reason: Text | None = None
    """Why, as the source gives it."""


class Commitment(Strict):
    id: Slug
    """The commitment's id within the agreement."""
    text: Line
    """What was committed to."""
    owners: Actors = Field(default_factory=list)
    """Who must deliver it, by actor id."""


class AgreementReached(EventBase):
    """An agreement is reached. Its parties and the commitments it holds."""

    type: Literal["agreement_reached"] = "agreement_reached"
    agreement: Slug
    """The agreement's id, used again when it is signed, ratified or left."""
    title: Line
    """The agreement's name."""
    parties: Actors
    """Who agreed, by actor id."""
    commitments: Annotated[list[Commitment], Field(max_length=200)] = Field(default_factory=list)
    """What it commits its parties to, as 'id=text'."""

    @field_validator("commitments")
    @classmethod
    def _unique(cls, value: list[Commitment]) -> list[Commitment]:
        ids = [c.id for c in value]
        if len(ids) != len(set(ids)):
            raise ValueError("commitment ids must be unique within an agreement")
        return value


class AgreementSigned(EventBase):
    """An agreement is signed. By whom, where."""

    type: Literal["agreement_signed"] = "agreement_signed"
    agreement: Slug
    """The agreement signed, by id."""
    signatories: Actors
    """Who signed, by actor id."""
    venue: Line | None = None
    """Where, e.g. 'Geneva'."""


class AgreementRatified(EventBase):
    """A party ratifies an agreement. By which body: its parliament, its government."""

    type: Literal["agreement_ratified"] = "agreement_ratified"
    agreement: Slug
    """The agreement ratified, by id."""
    party: ActorId
    """The party that ratifies, by actor id."""
    ratified_by: Line | None = None
    """The body that ratified it: 'State Duma', 'US Senate'."""


class AgreementWithdrawn(EventBase):
    """A party withdraws from an agreement, and why."""

    type: Literal["agreement_withdrawn"] = "agreement_withdrawn"
    agreement: Slug
    """The agreement left, by id."""
    party: ActorId
    """The party that withdraws, by actor id."""
    reason: Text | None = None
    """Why, as the source gives it."""
    effective: Planned | None = None
    """When the withdrawal takes effect, if later."""


class CommitmentProgress(EventBase):
    """A commitment advances or breaks. Not started, partial, done or broken."""

    type: Literal["commitment_progress"] = "commitment_progress"
    agreement: Slug
    """The agreement that holds the commitment, by id."""
    commitment: Slug
    """The commitment, by its id within the agreement."""
    progress: Progress
    """Not started, partial, done or broken."""
    note: Text | None = None
    """What was done or not, as the source gives it."""


# -- deadlines ----------------------------------------------------------------------------
class DeadlineSet(EventBase):
    """A deadline is set: what is due, by when.

    `deadline` names it, for its extensions and for what meets it; `set_by`: who set it."""

    type: Literal["deadline_set"] = "deadline_set"
    deadline: Slug
    """The deadline's id, used again when it is extended, met or missed."""
    title: Line
    """What is due, e.g. 'Comprehensive agreement'."""
    due: Planned
    """By when."""
    set_by: Actors = Field(default_factory=list)
    """Who set it, by actor id."""
    consequence: Text | None = None
    """What was said would happen if it is missed."""


class DeadlineExtended(EventBase):
    """A deadline is moved to a later date."""

    type: Literal["deadline_extended"] = "deadline_extended"
    deadline: Slug
    """The deadline moved, by id."""
    to_date: Planned
    """Its new date."""
    by: Actors = Field(default_factory=list)
    """Who extended it, by actor id."""
    reason: Text | None = None
    """Why, as the source gives it."""


class DeadlineMet(EventBase):
    """A deadline is met, by an event in the log.

    `met_by`: the event that met it (an agreement reached, a meeting held), already logged."""

    type: Literal["deadline_met"] = "deadline_met"
    deadline: Slug
    """The deadline met, by id."""
    met_by: str | None = None
    """The event that met it (an agreement reached, a meeting held), already logged."""
    note: Text | None = None
    """How it was met, as the source gives it."""


class DeadlineMissed(EventBase):
    """A deadline passes without what it asked for."""

    type: Literal["deadline_missed"] = "deadline_missed"
    deadline: Slug
    """The deadline missed, by id."""
    note: Text | None = None
    """What happened instead, as the source gives it."""


# -- ceasefires and sanctions -------------------------------------------------------------
class CeasefireDeclared(EventBase):
    """A ceasefire is declared. Between whom, on what, from when (and until when)."""

    type: Literal["ceasefire_declared"] = "ceasefire_declared"
    ceasefire: Slug
    """The ceasefire's id, used again when it is violated or ends."""
    parties: Actors
    """Between whom, by actor id."""
    scope: Line | None = None
    """What it covers: 'energy infrastructure', 'Black Sea', 'full'."""
    starts: Planned | None = None
    """When it takes effect."""
    ends: Planned | None = None
    """When it ends, for a ceasefire declared for a fixed time."""


class CeasefireViolated(EventBase):
    """A ceasefire is violated, by whom (per the source)."""

    type: Literal["ceasefire_violated"] = "ceasefire_violated"
    ceasefire: Slug
    """The ceasefire violated, by id."""
    by: Actors = Field(default_factory=list)
    """Who violated it, per the source, by actor id."""
    details: Text | None = None
    """What happened, as the source gives it."""


class CeasefireEnded(EventBase):
    """A ceasefire ends: it expires, or a party ends it."""

    type: Literal["ceasefire_ended"] = "ceasefire_ended"
    ceasefire: Slug
    """The ceasefire that ends, by id."""
    by: Actors = Field(default_factory=list)
    """Who ended it, by actor id; none if it expired."""
    reason: Text | None = None
    """Why, as the source gives it."""


class SanctionsChanged(EventBase):
    """Sanctions change. Imposed, threatened, eased or lifted: by whom, on whom, which."""

    type: Literal["sanctions_changed"] = "sanctions_changed"
    sanctions: Slug
    """The measure's id, so a later easing or lifting names the same one."""
    action: SanctionsAction
    """Imposed, threatened, eased or lifted."""
    by: Actors
    """Who imposes, threatens, eases or lifts them, by actor id."""
    on: Actors
    """Whom they target, by actor id."""
    measure: Line | None = None
    """What they are: 'oil price cap', 'SWIFT access of Rosselkhozbank'."""


# -- sources ----------------------------------------------------------------------------------
class SourceGraded(EventBase):
    """An outlet is graded for reliability, A to F.

    The grade holds for every source from that outlet, on every track, from this event's date
    until the outlet is graded again (projections.grades). It needs no track: a grade is the team's
    own judgment of an outlet, for every track."""

    type: Literal["source_graded"] = "source_graded"
    tracks: Annotated[list[Slug], Field(max_length=50)] = Field(default_factory=list)
    outlet: Line
    """The outlet as sources name it, e.g. 'Reuters' (case and spacing do not matter)."""
    reliability: Reliability
    """A completely reliable, B usually, C fairly, D not usually, E unreliable, F cannot be judged."""
    reason: Text | None = None
    """Why this grade: its record, its access, its owners."""


# -- analysis and record-keeping ----------------------------------------------------------
class AnalysisPublished(EventBase):
    """A think tank or analyst publishes findings."""

    type: Literal["analysis_published"] = "analysis_published"
    authors: Actors = Field(default_factory=list)
    """Who wrote it, by actor id."""
    publisher: ActorId
    """The think tank or outlet, by actor id."""
    title: Line
    """The analysis' title."""
    url: Annotated[str, Field(max_length=2000)] | None = None
    """Where it is published."""
    findings: Annotated[list[Text], Field(max_length=100)] = Field(default_factory=list)
    """Its findings, one per value."""


class Correction(EventBase):
    """Replaces fields of an earlier event. The earlier event stays in the log as it was."""

    type: Literal["correction"] = "correction"
    target: str
    """The event corrected."""
    changes: dict[str, Any]
    """The fields replaced, with their new values."""
    reason: Text
    """Why the event was wrong."""

    @field_validator("changes")
    @classmethod
    def _not_identity(cls, value: dict[str, Any]) -> dict[str, Any]:
        protected = {"id", "type", "schema_version", "recorded_at"} & set(value)
        if protected:
            raise ValueError(f"cannot correct {sorted(protected)}: these identify the event")
        if not value:
            raise ValueError("a correction must change at least one field")
        if _too_deep(value, MAX_CHANGES_DEPTH):
            raise ValueError(f"changes are nested more than {MAX_CHANGES_DEPTH} levels deep")
        return value


MAX_CHANGES_DEPTH = 32  # far beyond any real event; deeper values cannot even be serialised


def _too_deep(value: Any, limit: int) -> bool:
    """Whether lists/objects nest deeper than `limit` (iterative: no recursion on hostile input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return False


class Retraction(EventBase):
    """Withdraws an earlier event from every view."""

    type: Literal["retraction"] = "retraction"
    target: str
    """The event withdrawn."""
    reason: Text
    """Why it is withdrawn."""


Event = Annotated[
    TrackOpened | TrackStatusChanged | ActorDescribed
    | MeetingScheduled | MeetingHeld | MeetingPostponed | MeetingCancelled
    | StatementMade | SeatDemanded | PartyExcluded | PartyJoined | PartyLeft | DelegationAppointed
    | RedLineStated | MediationOffered
    | ProposalTabled | ProposalAnswered | ClaimStatusChanged
    | AgreementReached | AgreementSigned | AgreementRatified | AgreementWithdrawn | CommitmentProgress
    | DeadlineSet | DeadlineExtended | DeadlineMet | DeadlineMissed
    | CeasefireDeclared | CeasefireViolated | CeasefireEnded | SanctionsChanged | SourceGraded
    | AnalysisPublished | Correction | Retraction,
    Field(discriminator="type"),
]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

# The registry, derived from the union: a new type is added in one place, `Event` above.
EVENT_TYPES: dict[str, type[EventBase]] = {
    cls.model_fields["type"].default: cls for cls in typing.get_args(typing.get_args(Event)[0])
}


def corrected(target: Mapping[str, Any], changes: Mapping[str, Any]) -> Event:
    """`target` (an event body in the current schema) as a correction's `changes` would leave it.

    The one rule that a correction must leave its target a valid event: the form that builds a
    correction, the store that accepts one and the projections that apply one all ask here, and
    get a ValidationError for a correction that would not."""
    return EVENT_ADAPTER.validate_python({**target, **changes})

# Fields each type adds to the envelope, for forms and `tracker log` flags.
ENVELOPE_FIELDS = frozenset(EventBase.model_fields)


def describe(event_type: str) -> str:
    """What an event of the type records, in a line (its class's docstring; for help texts)."""
    doc = (EVENT_TYPES[event_type].__doc__ or "").strip()
    return " ".join(doc.split("\n\n")[0].split()) or event_type.replace("_", " ")


def _names_actors(annotation: Any, metadata: Sequence[Any] = ()) -> bool:
    if any(isinstance(m, ActorRef) for m in metadata):
        return True
    if typing.get_origin(annotation) is Annotated:
        return _names_actors(typing.get_args(annotation)[0], typing.get_args(annotation)[1:])
    return any(_names_actors(a) for a in typing.get_args(annotation) if typing.get_origin(annotation) is not list)


def actor_fields(event_type: str) -> tuple[str, ...]:
    """The type's own fields that name actors (marked ActorId / Actors), in declaration order."""
    return tuple(name for name, info in type_fields(event_type).items()
                 if _names_actors(info.annotation, info.metadata))


def _looks_ahead(annotation: Any, metadata: Sequence[Any] = ()) -> bool:
    if any(isinstance(m, Ahead) for m in metadata):
        return True
    if typing.get_origin(annotation) is Annotated:
        return _looks_ahead(typing.get_args(annotation)[0], typing.get_args(annotation)[1:])
    return any(_looks_ahead(a) for a in typing.get_args(annotation))


def ahead_fields(event_type: str) -> tuple[str, ...]:
    """The type's own date fields that are planned dates (marked `Planned`), in declaration order."""
    return tuple(name for name, info in type_fields(event_type).items()
                 if _looks_ahead(info.annotation, info.metadata))


def type_fields(event_type: str) -> dict[str, Any]:
    cls = EVENT_TYPES[event_type]
    return {k: v for k, v in cls.model_fields.items() if k not in ENVELOPE_FIELDS}


# -- which bodies the fast canonical encoder may write (events.canonical) ------------------------
_PLAIN = (str, int, bool, type(None))


def _float_free(annotation: Any, seen: set[type] | None = None) -> bool:
    """Whether a value of `annotation`, dumped to JSON, can only hold text, integers, booleans,
    null, lists and objects: no float, and nothing free-form (Any) that might be one."""
    seen = set() if seen is None else seen
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _float_free(typing.get_args(annotation)[0], seen)
    if origin is Literal:
        return all(isinstance(v, _PLAIN) for v in typing.get_args(annotation))
    if origin is not None:  # list[...], tuple[...], dict[...], unions
        return all(a is Ellipsis or _float_free(a, seen) for a in typing.get_args(annotation))
    if annotation in _PLAIN or annotation in (date, datetime, time):  # dates and times: text
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return True
        seen.add(annotation)
        return all(_float_free(f.annotation, seen) for f in annotation.model_fields.values())
    return False  # float, Any, or anything this does not know: the reference encoder


def float_free_types() -> list[str]:
    """The event types (in the current schema) whose bodies never hold a float."""
    return [t for t, cls in EVENT_TYPES.items() if _float_free(cls)]


register_fast_types(SCHEMA_VERSION, float_free_types())

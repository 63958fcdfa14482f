"""Event data: one PLOVER record per event, so event-data researchers can join the log to their sets.

PLOVER (Political Language Ontology for Verifiable Event Records, the Open Event Data Alliance's
successor to CAMEO; https://github.com/openeventdata/PLOVER, PLOVER_MANUAL) names its JSON fields;
its manual suggests JSON Lines, one record a line. Each record has the required `id`, `date`,
`actor` and `event`, and where known `time`, `enddate`, `recipient`, `mode`, `quad_code`,
`has_event` and `cite_info`; beyond them (the manual lets a provider add named fields) our own:
`tracker_type`, `tracks`, `summary`, `url` (the first source's), `sources`, `claim_status`,
`corrected` and `date_edtf` (the date at its real precision: `date`/`enddate` are its first and
last possible day). An actor or recipient is the manual's entity object ("Information object for
entities"): `entity_text` (the name), `identifier_id` and `identifier_text` (the manual's unique
identifier of an entity and its canonical name: here our actor id and the name it is logged
under; the manual suggests Wikidata ids, so a user joining data sets maps ours to theirs),
`office` (a person's role) and `code` (ISO 3166 alpha-3, for a state whose id is one, or a person
affiliated to one).

The records are the events of `tracker timeline` (what had happened by the moment, as known then),
each once. That leaves out, by design, what is not an event in the world but an amendment of the
record or a note about an actor: corrections and retractions (a corrected event is written as
corrected, `"corrected": true`; a retracted one not at all) and actor descriptions.

`MAPPING` is the one table of our types onto PLOVER's categories. A type with no PLOVER category
(record-keeping, plain comment: PLOVER dropped CAMEO's 'make public statement') is `NONE`: its
record is still written, with `"event": []` and `"has_event": false`. The three types above have a
line too (every type has one), though no record of theirs is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from events.types import Event
from projections.state import ActorInfo, TimelineEntry
from tracker.publish import Scope, json_text, publisher
from tracker.publish.timelinejs import scoped_events
from tracker.service import EventRow, Tracker

JsonObject = dict[str, Any]
CODEBOOK = "plover-base (PLOVER_MANUAL, openeventdata/PLOVER); diplomacy-tracker mapping"

# PLOVER's quad categories, numbered as in the manual's summary table (1 verbal cooperation,
# 2 material cooperation, 3 verbal conflict, 4 material conflict).
QUAD = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
        "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "SANCTION": 3,
        "PROTEST": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}


@dataclass(frozen=True)
class Code:
    """One PLOVER coding: the category (None: no PLOVER event), a mode, and the fields of our event
    that name who acts (`actor`; none named: the event's actors) and to whom (`recipient`)."""

    event: str | None
    mode: str | None = None
    actor: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()


@dataclass(frozen=True)
class By:
    """A coding that depends on one field's value (a statement's stance, an answer's response)."""

    key: str
    codes: dict[str, Code]


NONE = Code(None)

# Our event types -> PLOVER. Every type in events.EVENT_TYPES has an entry (tests/views/test_publish_json.py
# fails when a new type comes without one).
# Reasons, where the choice is not obvious, follow the PLOVER manual's own guidance.
MAPPING: dict[str, Code | By] = {
    # record-keeping: the tracker's own file on a negotiation, who an actor is (actor_described is
    # no event of the timeline: no record of it is written)
    "track_opened": NONE,
    "track_status_changed": NONE,
    "actor_described": NONE,
    # meetings. The manual: references to future meetings are AGREE; cancellations are REJECT.
    # CONSULT's modes (phone, third-party, multilateral) come from the meeting's format and host.
    "meeting_scheduled": Code("AGREE", None, ("participants", "host")),
    "meeting_held": Code("CONSULT", None, ("participants", "mediators", "host")),
    "meeting_postponed": Code("REJECT", "meet", ("by",)),  # the meeting at its date is turned down
    "meeting_cancelled": Code("REJECT", "meet", ("by",)),
    # positions. A plain or hedged statement is no PLOVER event (CAMEO 01 was dropped).
    "statement_made": By("stance", {
        "supports": Code("SUPPORT", None, ("speaker", "on_behalf_of"), ("towards",)),
        "opposes": Code("ACCUSE", "disapprove", ("speaker", "on_behalf_of"), ("towards",)),
        "conditional": NONE,
        "neutral": NONE,
    }),
    "seat_demanded": Code("REQUEST", "meet", ("claimant",)),
    "party_excluded": Code("REJECT", "meet", ("by",), ("excluded",)),
    "party_joined": Code("CONSULT", None, ("parties",)),
    "party_left": Code("SANCTION", "withdraw", ("parties",)),  # withdraw from a mediation activity
    "delegation_appointed": NONE,  # a side's own staffing: no act towards another
    "red_line_stated": By("kind", {
        "red_line": Code("REJECT", None, ("speaker", "on_behalf_of")),
        "precondition": Code("REQUEST", None, ("speaker", "on_behalf_of")),
    }),
    "mediation_offered": Code("AGREE", None, ("mediator",), ("between",)),  # an offer to cooperate
    # proposals and agreements. An offer is AGREE; signing and ratifying are SUPPORT.
    "proposal_tabled": Code("AGREE", None, ("proposer",)),
    "proposal_answered": By("response", {
        "accepted": Code("AGREE", None, ("responder",)),
        "rejected": Code("REJECT", None, ("responder",)),
        "countered": Code("REJECT", None, ("responder",)),  # the counter-proposal is tabled on its own
    }),
    "claim_status_changed": NONE,  # about our record: a claim confirmed, disputed or denied
    "agreement_reached": Code("AGREE", None, ("parties",)),
    "agreement_signed": Code("SUPPORT", None, ("signatories",)),
    "agreement_ratified": Code("SUPPORT", None, ("party",)),
    "agreement_withdrawn": Code("SANCTION", "discontinue", ("party",)),
    "commitment_progress": By("progress", {
        "done": Code("COOPERATE"),
        "partial": Code("COOPERATE"),
        "not_started": NONE,
        "broken": NONE,
    }),
    # deadlines. Setting one demands; extending one eases it (CONCEDE).
    "deadline_set": Code("REQUEST", None, ("set_by",)),
    "deadline_extended": Code("CONCEDE", None, ("by",)),
    "deadline_met": NONE,  # the event that met it is coded on its own
    "deadline_missed": NONE,
    # ceasefires and sanctions. The manual: a declared ceasefire is CONCEDE; a violation is force used.
    "ceasefire_declared": Code("CONCEDE", None, ("parties",)),
    "ceasefire_violated": Code("ASSAULT", None, ("by",)),
    "ceasefire_ended": NONE,  # an expiry is no act; a party's attack is logged as a violation
    "sanctions_changed": By("action", {
        "imposed": Code("SANCTION", "discontinue", ("by",), ("on",)),
        "threatened": Code("THREATEN", None, ("by",), ("on",)),
        "eased": Code("CONCEDE", None, ("by",), ("on",)),
        "lifted": Code("CONCEDE", None, ("by",), ("on",)),
    }),
    # sources and analysis: the team's judgment of an outlet, commentary
    "source_graded": NONE,
    "analysis_published": NONE,
    # amendments to the record: applied to the events they amend, never records of their own
    "correction": NONE,
    "retraction": NONE,
}


def code_of(event: Event) -> Code:
    """The PLOVER coding of one event (by `MAPPING`)."""
    rule = MAPPING.get(event.type, NONE)  # a type missing here is still exported (tests catch it)
    if isinstance(rule, By):
        return rule.codes.get(str(getattr(event, rule.key)), NONE)
    return rule


def _ids(event: Event, fields: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in fields:
        value = getattr(event, name, None)
        for i in ([value] if isinstance(value, str) else value or []):
            if i not in out:
                out.append(i)
    return out


def _consult_modes(event: Event) -> list[str]:
    fmt = getattr(event, "format", None)
    participants = getattr(event, "participants", [])
    host = getattr(event, "host", None)
    modes = ["phone"] if fmt in ("phone", "video") else []
    if getattr(event, "mediators", None) or (host is not None and host not in participants):
        modes.append("third-party")
    if len(participants) > 2:
        modes.append("multilateral")
    return modes


def _entity(actor_id: str, actors: dict[str, ActorInfo]) -> JsonObject:
    info = actors.get(actor_id)
    name = info.name if info else actor_id
    out: JsonObject = {"entity_text": name, "identifier_id": actor_id, "identifier_text": name}
    state = actor_id if info is None or info.kind == "state" else info.affiliation
    country = actors.get(state) if state else None
    if state and len(state) == 3 and state.isalpha() and (country is None or country.kind == "state"):
        out["code"] = state.upper()  # our ids for states are ISO 3166 alpha-3 ('usa', 'rus')
    if info is not None and info.kind == "person" and info.role:
        out["office"] = info.role
    return out


def record(entry: TimelineEntry, row: EventRow, actors: dict[str, ActorInfo]) -> JsonObject:
    """One event as a PLOVER record."""
    ev, occ = row.event, entry.occurred
    code = code_of(ev)
    actor_ids = _ids(ev, code.actor) or list(entry.actors)
    recipient_ids = [i for i in _ids(ev, code.recipient) if i not in actor_ids]
    out: JsonObject = {"id": ev.id, "date": occ.earliest.isoformat()}
    if occ.time is not None:
        out["time"] = occ.time.isoformat()
    if occ.latest != occ.earliest:
        out["enddate"] = occ.latest.isoformat()
    out["date_edtf"] = occ.edtf()
    out["actor"] = [_entity(i, actors) for i in actor_ids]
    if recipient_ids:
        out["recipient"] = [_entity(i, actors) for i in recipient_ids]
    out["event"] = [code.event] if code.event else []
    out["has_event"] = code.event is not None
    modes = [code.mode] if code.mode else _consult_modes(ev) if code.event == "CONSULT" else []
    if modes:
        out["mode"] = modes
    if code.event:
        out["quad_code"] = QUAD[code.event]
    else:
        out["comment"] = f"no PLOVER category for {ev.type}" + (f" ({_branch(ev)})" if _branch(ev) else "")
    if ev.location:
        out["event_loc"] = {"extracted_place": ev.location}
    sources = [s.model_dump(mode="json", exclude_none=True) for s in ev.sources]
    first = ev.sources[0] if ev.sources else None
    cite: JsonObject = {"corpus": "diplomacy-tracker", "codebook": CODEBOOK}
    if first is not None:
        cite |= {"publication": first.outlet} | ({"url": first.url} if first.url else {})
    out |= {"cite_info": cite, "coder": "diplomacy-tracker", "tracker_type": ev.type, "tracks": list(entry.tracks),
            "summary": ev.summary, "url": first.url if first else None, "sources": sources,
            "claim_status": entry.claim_status, "corrected": entry.corrected}
    return out


def _branch(event: Event) -> str | None:
    rule = MAPPING.get(event.type, NONE)
    return f"{rule.key} {getattr(event, rule.key)}" if isinstance(rule, By) else None


@publisher("plover", "event data in PLOVER's JSON shape, one record per event per line (JSON Lines).", ".jsonl")
def render(tracker: Tracker, scope: Scope) -> str:
    actors = {a.id: a for a in tracker.actors()}
    lines = [json_text(record(entry, row, actors)) for entry, row in scoped_events(tracker, scope)]
    return "".join(line + "\n" for line in lines)


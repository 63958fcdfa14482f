"""Things with a life of their own on a track: meetings, proposals, agreements, disputed claims.

Each is folded from *all* of its own events (sorted by (occurred.earliest, position), so the
order they arrive in does not matter), when a view needs it. A track with ten years of history
has thousands of them; a view shows the `LIMITS[kind]` with the latest dates (an upcoming meeting's
planned date counts, so upcoming meetings always come first), and the read model fetches only
those, so the cost of a view does not grow with the log.

Claim status: an event's effective status is that of the latest claim_status_changed targeting it
(by sort key), else the status it was logged with. Events whose effective status is "denied" do
not decide anything (a denied "meeting held" does not make the meeting held); they stay visible
as denied in the claim history and in the track's list of denied claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from events.occurred import Occurred
from projections.fold import occ_dict
from projections.records import Body, Ev
from projections.state import (
    ActorInfo,
    Agreement,
    ClaimChange,
    Commitment,
    DeniedClaim,
    Meeting,
    MeetingStatus,
    Postponement,
    Proposal,
)

Claims = Mapping[str, Sequence[Ev]]  # target event id -> claim_status_changed events
LIMITS = {"meeting": 40, "proposal": 30, "agreement": 30, "claim": 30}
MEETING_TYPES = ("meeting_scheduled", "meeting_held", "meeting_postponed", "meeting_cancelled")
# The status a meeting's deciding (latest live) event gives it.
_MEETING_STATUS: dict[str, MeetingStatus] = {
    "meeting_scheduled": "scheduled", "meeting_held": "held", "meeting_postponed": "postponed",
    "meeting_cancelled": "cancelled"}


def entity_of(body: Body) -> tuple[str, str] | None:
    """(kind, id) of the entity an event belongs to, if any."""
    t = body["type"]
    if t in MEETING_TYPES:
        return "meeting", body["meeting"]
    if t == "proposal_tabled":
        return "proposal", body["proposal"]
    if t in ("agreement_reached", "commitment_progress"):
        return "agreement", body["agreement"]
    if t == "claim_status_changed":
        return "claim", body["target"]
    if t == "actor_described":
        return "actor", body["actor"]
    return None


def relevant_day(body: Body) -> str:
    """The day an event makes its entity current: its date, or the date a meeting is planned for."""
    day = body["occurred"]["earliest"]
    planned = body.get("planned") if body["type"] == "meeting_scheduled" else (
        body.get("to_date") if body["type"] == "meeting_postponed" else None)
    if planned and planned["earliest"] > day:
        return planned["earliest"]
    return day


def select(groups: Mapping[str, Sequence[Ev]], kind: str) -> list[str]:
    """The entity ids a view shows: the LIMITS[kind] with the latest relevant day (ties: by id)."""
    ranked = sorted(((max(relevant_day(e.body) for e in evs), eid) for eid, evs in groups.items() if evs),
                    key=lambda t: (_neg(t[0]), t[1]))
    return [eid for _, eid in ranked[: LIMITS[kind]]]


def _neg(day: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in day)


# -- claim status -------------------------------------------------------------------------------
def _sorted(evs: Iterable[Ev]) -> list[Ev]:
    return sorted(evs, key=lambda e: (e.body["occurred"]["earliest"], e.position))


def claim_status(ev_id: str, own: str, claims: Claims) -> str:
    changes = claims.get(ev_id)
    if not changes:
        return own
    return max(changes, key=lambda e: (e.body["occurred"]["earliest"], e.position)).body["new_status"]


_OCCURRED: dict[tuple[Any, ...], Occurred] = {}


def _occ(data: Mapping[str, Any] | None) -> Occurred | None:
    """An Occurred from its JSON form; shared instances (they are immutable, and few are distinct)."""
    if not data:
        return None
    key = (data["earliest"], data["latest"], data["precision"], data.get("time"),
           data.get("approximate", False), data.get("uncertain", False))
    found = _OCCURRED.get(key)
    if found is None:
        if len(_OCCURRED) > 100_000:
            _OCCURRED.clear()
        found = _OCCURRED[key] = Occurred.model_validate(data)
    return found


_BY_TEXT: dict[str, Occurred] = {}


def occ_of(text: str | None) -> Occurred | None:
    """An Occurred from the accumulator's compact text form (projections.fold.occ_text)."""
    if not text:
        return None
    found = _BY_TEXT.get(text)
    if found is None:
        if len(_BY_TEXT) > 100_000:
            _BY_TEXT.clear()
        found = _BY_TEXT[text] = Occurred.model_validate(occ_dict(text))
    return found


def uncertain(occurred: Mapping[str, Any] | None, as_of: date | None) -> bool:
    """Counted as of `as_of` because it may have happened by then, but may also have happened later."""
    return bool(as_of is not None and occurred and occurred["latest"] > as_of.isoformat())


def claim_history(ev: Ev, claims: Claims, as_of: date | None) -> tuple[ClaimChange, ...]:
    b = ev.body
    first = ClaimChange(status=b.get("status", "confirmed"), by=tuple(b.get("proposer") or b.get("actors") or ())[:5],
                        summary=b["summary"], occurred=_occ(b["occurred"]),
                        uncertain=uncertain(b["occurred"], as_of), event_ids=(b["id"],))
    rest = [
        ClaimChange(status=c.body["new_status"], by=tuple(c.body.get("by") or ()), reason=c.body.get("reason"),
                    summary=c.body["summary"], occurred=_occ(c.body["occurred"]),
                    uncertain=uncertain(c.body["occurred"], as_of), event_ids=(c.body["id"],))
        for c in _sorted(claims.get(b["id"], ()))
    ]
    return (first, *rest)


# -- meetings -----------------------------------------------------------------------------------
def meeting(meeting_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None, today: date | None) -> Meeting | None:
    ordered = _sorted(evs)
    live = [e for e in ordered if claim_status(e.id, e.body.get("status", "confirmed"), claims) != "denied"]
    if not ordered:
        return None
    deciding = live[-1] if live else ordered[-1]
    title = next((e.body["title"] for e in reversed(ordered) if e.body.get("title")), meeting_id)
    participants: tuple[str, ...] = ()
    host = location = None
    first_planned = planned = held = None
    outcome = reason = None
    cancelled_by: tuple[str, ...] = ()
    postponements: list[Postponement] = []
    for e in live:
        b = e.body
        t = b["type"]
        if b.get("participants"):
            participants = tuple(b["participants"])
        host = b.get("host") or host
        location = b.get("location") or location
        if t == "meeting_scheduled":
            planned = b["planned"]
            first_planned = first_planned or b["planned"]
        elif t == "meeting_postponed":
            postponements.append(Postponement(
                from_date=_occ(b.get("from_date") or planned), to_date=_occ(b.get("to_date")),
                by=tuple(b.get("by") or ()), reason=b.get("reason"), occurred=_occ(b["occurred"]),
                uncertain=uncertain(b["occurred"], as_of), event_ids=(b["id"],)))
            planned = b.get("to_date")
        elif t == "meeting_held":
            held = b["occurred"]
            outcome = b.get("outcome") or outcome
        elif t == "meeting_cancelled":
            cancelled_by = tuple(b.get("by") or ())
            reason = b.get("reason")
    status: MeetingStatus = _MEETING_STATUS[deciding.type] if live else "scheduled"
    if status == "held" and held is None:
        status = "scheduled"
    when = held if status == "held" else planned
    upcoming = date_passed = False
    if status in ("scheduled", "postponed") and planned is not None and today is not None:
        upcoming = planned["latest"] >= today.isoformat()
        date_passed = not upcoming
    return Meeting(
        meeting=meeting_id, title=title, status=status, planned=_occ(planned), first_planned=_occ(first_planned),
        participants=participants, host=host, location=location, postponements=tuple(postponements),
        held=_occ(held) if status == "held" else None, outcome=outcome, cancelled_by=cancelled_by, reason=reason,
        upcoming=upcoming, date_passed=date_passed, claim_status=claim_status(deciding.id, deciding.body.get("status", "confirmed"), claims),
        first_seen=_occ(ordered[0].body["occurred"]),
        occurred=_occ(when), uncertain=uncertain(deciding.body["occurred"], as_of),
        event_ids=tuple(e.id for e in ordered),
    )


# -- proposals ----------------------------------------------------------------------------------
def proposal(proposal_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> Proposal | None:
    ordered = _sorted(evs)
    if not ordered:
        return None
    latest = ordered[-1]
    b = latest.body
    history: list[ClaimChange] = []
    for e in ordered:
        history.extend(claim_history(e, claims, as_of))
    ids = [e.id for e in ordered] + [c.body["id"] for e in ordered for c in _sorted(claims.get(e.id, ()))]
    return Proposal(
        proposal=proposal_id, title=b["title"], proposer=tuple(b.get("proposer") or ()), stages=tuple(b.get("stages") or ()),
        claim_status=claim_status(latest.id, b.get("status", "confirmed"), claims), claim_history=tuple(history),
        first_seen=_occ(ordered[0].body["occurred"]),
        occurred=_occ(b["occurred"]), uncertain=uncertain(b["occurred"], as_of), event_ids=tuple(ids),
    )


# -- agreements ---------------------------------------------------------------------------------
def agreement(agreement_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> Agreement | None:
    ordered = _sorted(evs)
    reached = [e for e in ordered if e.type == "agreement_reached"]
    if not ordered:
        return None
    base = reached[-1].body if reached else None
    commitments: dict[str, dict[str, Any]] = {}
    if base is not None:
        for c in base.get("commitments") or ():
            commitments[c["id"]] = {"id": c["id"], "text": c["text"], "owners": tuple(c.get("owners") or ()),
                                    "event_ids": [base["id"]]}
    for e in ordered:
        b = e.body
        if e.type != "commitment_progress":
            continue
        if claim_status(e.id, b.get("status", "confirmed"), claims) == "denied":
            continue
        slot = commitments.setdefault(b["commitment"], {"id": b["commitment"], "text": b["commitment"], "owners": (),
                                                        "event_ids": []})
        slot.update(progress=b["progress"], note=b.get("note"), progress_occurred=_occ(b["occurred"]))
        slot["event_ids"].append(b["id"])
    anchor = base or ordered[0].body
    return Agreement(
        agreement=agreement_id, title=(base or {}).get("title", agreement_id), parties=tuple((base or {}).get("parties") or ()),
        commitments=tuple(Commitment(**{**c, "event_ids": tuple(c["event_ids"])}) for c in commitments.values()),
        claim_status=claim_status(anchor["id"], anchor.get("status", "confirmed"), claims),
        first_seen=_occ(ordered[0].body["occurred"]), occurred=_occ(anchor["occurred"]), uncertain=uncertain(anchor["occurred"], as_of),
        event_ids=tuple(e.id for e in ordered),
    )


# -- denied claims ------------------------------------------------------------------------------
def denied_claim(target: str, changes: Sequence[Ev], targets: Mapping[str, Ev], as_of: date | None) -> DeniedClaim | None:
    if not changes:
        return None
    last = max(changes, key=lambda e: (e.body["occurred"]["earliest"], e.position))
    if last.body["new_status"] != "denied":
        return None
    original = targets.get(target)
    summary = original.body["summary"] if original else last.body["summary"]
    ids = [c.id for c in _sorted(changes)] + ([target] if original else [])
    return DeniedClaim(target=target, summary=summary, by=tuple(last.body.get("by") or ()),
                       occurred=_occ(last.body["occurred"]), uncertain=uncertain(last.body["occurred"], as_of),
                       event_ids=tuple(ids))


# -- actors -------------------------------------------------------------------------------------
def actor_info(actor_id: str, evs: Sequence[Ev]) -> ActorInfo | None:
    ordered = _sorted(evs)
    if not ordered:
        return None
    b = ordered[-1].body
    return ActorInfo.fast(id=actor_id, name=b["name"], kind=b.get("kind") or "other", role=b.get("role"),
                                     affiliation=b.get("affiliation"), event_ids=(b["id"],))


def group(events: Iterable[Ev]) -> dict[str, dict[str, list[Ev]]]:
    """kind -> entity id -> its events."""
    out: dict[str, dict[str, list[Ev]]] = {}
    for ev in events:
        ent = entity_of(ev.body)
        if ent:
            out.setdefault(ent[0], {}).setdefault(ent[1], []).append(ev)
    return out

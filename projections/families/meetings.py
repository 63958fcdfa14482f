"""Meetings: scheduled, held, postponed, cancelled. Each folded from all of its own events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from projections.facts import Acc, Claims, by_key, event_claim, occ, uncertain
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed, when
from projections.records import Ev
from projections.state import Change, ChangeKind, Meeting, MeetingStatus, Postponement, TrackState

# The status a meeting's deciding (latest live) event gives it.
_STATUS: dict[str, MeetingStatus] = {
    "meeting_scheduled": "scheduled", "meeting_held": "held", "meeting_postponed": "postponed",
    "meeting_cancelled": "cancelled"}
ENTITY = Entity("meeting", ids=dict.fromkeys(_STATUS, "meeting"), limit=40,
                planned={"meeting_scheduled": "planned", "meeting_postponed": "to_date"})


def meeting(meeting_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None, today: date | None) -> Meeting | None:
    ordered = by_key(evs)
    live = [e for e in ordered if event_claim(e, claims) != "denied"]
    if not ordered:
        return None
    deciding = live[-1] if live else ordered[-1]
    title = next((e.body["title"] for e in reversed(ordered) if e.body.get("title")), meeting_id)
    participants: tuple[str, ...] = ()
    host = location = None
    first_planned = planned = held = None
    outcome = reason = None
    cancelled_by: tuple[str, ...] = ()
    fmt: str | None = None
    round_no: int | None = None
    postponements: list[Postponement] = []
    for e in live:
        b = e.body
        t = b["type"]
        if b.get("participants"):
            participants = tuple(b["participants"])
        host = b.get("host") or host
        location = b.get("location") or location
        fmt = b.get("format") or fmt
        round_no = b.get("round") or round_no
        if t == "meeting_scheduled":
            planned = b["planned"]
            first_planned = first_planned or b["planned"]
        elif t == "meeting_postponed":
            postponements.append(Postponement.fast(
                from_date=occ(b.get("from_date") or planned), to_date=occ(b.get("to_date")),
                by=tuple(b.get("by") or ()), reason=b.get("reason"), occurred=occ(b["occurred"]),
                uncertain=uncertain(b["occurred"], as_of), event_ids=(b["id"],)))
            planned = b.get("to_date")
        elif t == "meeting_held":
            held = b["occurred"]
            outcome = b.get("outcome") or outcome
        elif t == "meeting_cancelled":
            cancelled_by = tuple(b.get("by") or ())
            reason = b.get("reason")
    status: MeetingStatus = _STATUS[deciding.type] if live else "scheduled"
    if status == "held" and held is None:
        status = "scheduled"
    at = held if status == "held" else planned
    upcoming = date_passed = False
    if status in ("scheduled", "postponed") and planned is not None and today is not None:
        upcoming = planned["latest"] >= today.isoformat()
        date_passed = not upcoming
    return Meeting.fast(
        meeting=meeting_id, title=title, status=status, planned=occ(planned), first_planned=occ(first_planned),
        participants=participants, host=host, location=location, postponements=tuple(postponements),
        held=occ(held) if status == "held" else None, outcome=outcome, cancelled_by=cancelled_by, reason=reason,
        upcoming=upcoming, date_passed=date_passed, format=fmt, round=round_no,
        claim_status=event_claim(deciding, claims),
        first_seen=occ(ordered[0].body["occurred"]),
        occurred=occ(at), uncertain=uncertain(deciding.body["occurred"], as_of),
        event_ids=tuple(e.id for e in ordered),
    )


def _freeze(acc: Acc, ctx: Context) -> Part:
    meetings = [m for mid, evs in ctx.chosen(ENTITY) if (m := meeting(mid, evs, ctx.claims, ctx.as_of, ctx.today))]
    meetings.sort(key=lambda m: (first_day(m.occurred or m.planned), m.meeting))
    upcoming = sorted((m for m in meetings if m.upcoming), key=lambda m: (m.planned.earliest, m.meeting))  # type: ignore[union-attr]
    return Part({"meetings": tuple(meetings), "next_meeting": upcoming[0] if upcoming else None}, meetings)


# The change a meeting's status makes: for a meeting new in view, and for one whose status moved.
_NEW: dict[MeetingStatus, ChangeKind] = {
    "held": "meeting_held", "cancelled": "meeting_cancelled", "postponed": "meeting_postponed"}
_NOW: dict[MeetingStatus, ChangeKind] = {"held": "meeting_held", "cancelled": "meeting_cancelled"}


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.meetings, lambda mt: mt.meeting)
    new = appeared(ENTITY, {mt.meeting for mt in b.meetings}, set(before))
    for mt in b.meetings:
        old = before.get(mt.meeting)
        if old is None:
            if new(mt.meeting):
                kind: ChangeKind = _NEW.get(mt.status, "meeting_new")
                yield Change(kind=kind, subject=mt.meeting, description=f"{mt.title}: {mt.status}"
                             f" ({when(mt.held or mt.planned)})", event_ids=mt.event_ids)
            continue
        if len(mt.postponements) > len(old.postponements):
            for pp in mt.postponements[len(old.postponements):]:
                yield Change(kind="meeting_postponed", subject=mt.meeting,
                             description=f"{mt.title} postponed from {when(pp.from_date)} to "
                             f"{when(pp.to_date) if pp.to_date else 'no new date'}"
                             + (f" by {', '.join(pp.by)}" if pp.by else ""), event_ids=pp.event_ids)
        if old.status != mt.status and mt.status != "postponed":
            kind = _NOW.get(mt.status, "meeting_changed")
            yield Change(kind=kind, subject=mt.meeting, description=f"{mt.title}: {old.status} -> {mt.status}"
                         f" ({when(mt.held or mt.planned)})", event_ids=mt.event_ids)
        elif old.status == mt.status and old.planned != mt.planned and len(mt.postponements) == len(old.postponements):
            yield Change(kind="meeting_changed", subject=mt.meeting,
                         description=f"{mt.title}: planned {when(old.planned)} -> {when(mt.planned)}",
                         event_ids=mt.event_ids)
        # A call that becomes a meeting in person, or talks that reach a new round.
        moved = [f"{name} {_said(getattr(old, name))} -> {_said(getattr(mt, name))}"
                 for name in ("format", "round") if getattr(old, name) != getattr(mt, name)]
        if moved:
            yield Change(kind="meeting_changed", subject=mt.meeting, description=f"{mt.title}: {'; '.join(moved)}",
                         event_ids=mt.event_ids)


def _said(value: object) -> str:
    return "not given" if value is None else str(value).replace("_", " ")


FAMILY = Family("meetings", entity=ENTITY, freeze=_freeze, diff=_diff, scores={
    "meeting_held": 2, "meeting_scheduled": 1, "meeting_cancelled": -2, "meeting_postponed": -1})

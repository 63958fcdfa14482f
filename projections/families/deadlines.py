"""Deadlines: set, extended, met (by an event that met it), missed. Each folded from all of its own events.

A deadline is not a meeting: it is never "held". Its status is that of its deciding (latest live)
event: set -> pending, extended -> extended, met, missed; a pending or extended deadline whose due
date is over by the reference day (nothing logged says it was met or missed) is "passed".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from projections.facts import Acc, Claims, by_key, event_claim, occ, uncertain
from projections.families import agreements, meetings, proposals
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed, when
from projections.records import Ev
from projections.state import (
    Change,
    ChangeKind,
    Deadline,
    DeadlineExtension,
    DeadlineStatus,
    TrackState,
)

_STATUS: dict[str, DeadlineStatus] = {
    "deadline_set": "pending", "deadline_extended": "extended", "deadline_met": "met", "deadline_missed": "missed"}
ENTITY = Entity("deadline", ids=dict.fromkeys(_STATUS, "deadline"), limit=30,
                planned={"deadline_set": "due", "deadline_extended": "to_date"})
# The event that brings a deadline into the log: an extension, meeting or missing of it names one that
# must be there already (checked when logging; one named without it is an orphan, said so in every view).
OPENED_BY = ("deadline_set",)
ORPHAN = "a deadline not logged as set"

# What met a deadline, when it is on the track: (type, title or summary) by event id.
MetBy = Mapping[str, tuple[str, str]]


def deadline(deadline_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None, today: date | None,
             met_by: MetBy | None = None) -> Deadline | None:
    ordered = by_key(evs)
    if not ordered:
        return None
    live = [e for e in ordered if event_claim(e, claims) != "denied"]
    deciding = live[-1] if live else ordered[-1]
    title = next((e.body["title"] for e in reversed(ordered) if e.body.get("title")), deadline_id)
    due: dict[str, Any] | None = None
    original: dict[str, Any] | None = None
    set_by: tuple[str, ...] = ()
    consequence = None
    extensions: list[DeadlineExtension] = []
    for e in live:
        b = e.body
        if e.type == "deadline_set":
            due = b["due"]
            original = original or b["due"]
            set_by = tuple(b.get("set_by") or ()) or set_by
            consequence = b.get("consequence") or consequence
        elif e.type == "deadline_extended":
            extensions.append(DeadlineExtension.fast(
                from_date=occ(due), to_date=occ(b["to_date"]), by=tuple(b.get("by") or ()), reason=b.get("reason"),
                occurred=occ(b["occurred"]), uncertain=uncertain(b["occurred"], as_of), event_ids=(b["id"],)))
            due = b["to_date"]
    status: DeadlineStatus = _STATUS[deciding.type] if live else "pending"
    closed = met = note = None
    if status in ("met", "missed"):
        closed = deciding.body["occurred"]
        note = deciding.body.get("note")
        met = deciding.body.get("met_by") if status == "met" else None
    upcoming = False
    if status in ("pending", "extended") and due is not None and today is not None:
        upcoming = due["latest"] >= today.isoformat()
        if not upcoming:
            status = "passed"
    found = (met_by or {}).get(met) if met else None
    return Deadline.fast(
        deadline=deadline_id, title=title, status=status, due=occ(due), original_due=occ(original),
        extensions=tuple(extensions), set_by=set_by, consequence=consequence, met_by=met,
        met_by_type=found[0] if found else None, met_by_title=found[1] if found else None,
        closed=occ(closed), note=note, upcoming=upcoming,
        claim_status=event_claim(deciding, claims),
        first_seen=occ(ordered[0].body["occurred"]), occurred=occ(closed or due),
        uncertain=uncertain(deciding.body["occurred"], as_of),
        # What met it is behind the fact too (`why deadlines ID` lists it), when it is on the track.
        event_ids=tuple(e.id for e in ordered) + ((met,) if found and met else ()),
        orphan=not any(e.type in OPENED_BY for e in ordered),
    )


def _met_by(ctx: Context, wanted: set[str]) -> dict[str, tuple[str, str]]:
    """The events that met deadlines, among the agreements, meetings and proposals the view shows."""
    out: dict[str, tuple[str, str]] = {}
    if not wanted:
        return out
    for entity in (agreements.ENTITY, meetings.ENTITY, proposals.ENTITY):
        for _, evs in ctx.chosen(entity):
            for e in evs:
                if e.id in wanted:
                    out[e.id] = (e.type, e.body.get("title") or e.body["summary"])
    return out


def _freeze(acc: Acc, ctx: Context) -> Part:
    chosen = ctx.chosen(ENTITY)
    wanted = {e.body["met_by"] for _, evs in chosen for e in evs if e.type == "deadline_met" and e.body.get("met_by")}
    found = _met_by(ctx, wanted)
    deadlines = [d for did, evs in chosen if (d := deadline(did, evs, ctx.claims, ctx.as_of, ctx.today, found))]
    deadlines.sort(key=lambda d: (first_day(d.due or d.occurred), d.deadline))
    upcoming = [d for d in deadlines if d.upcoming]
    return Part({"deadlines": tuple(deadlines), "next_deadline": upcoming[0] if upcoming else None}, deadlines)


def met_by_text(d: Deadline) -> str:
    """What met a deadline, in words: its title and type, else its event id."""
    if d.met_by_title:
        return f"{d.met_by_title} ({(d.met_by_type or 'event').replace('_', ' ')})"
    return f"event {d.met_by}" if d.met_by else "an event not named"


_NOW: dict[DeadlineStatus, ChangeKind] = {"met": "deadline_met", "missed": "deadline_missed", "passed": "deadline_passed"}


def _closed(d: Deadline) -> str:
    orphan = f" ({ORPHAN})" if d.orphan else ""
    if d.status == "met":
        return f"{d.title}: deadline met by {met_by_text(d)} ({when(d.closed)}){orphan}"
    if d.status == "missed":
        return f"{d.title}: deadline missed ({f'due {when(d.due)}; ' if d.due else ''}said {when(d.closed)}){orphan}"
    return f"{d.title}: deadline passed (due {when(d.due)}); nothing logged says it was met or missed{orphan}"


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.deadlines, lambda d: d.deadline)
    new = appeared(ENTITY, {d.deadline for d in b.deadlines}, set(before))
    for d in b.deadlines:
        old = before.get(d.deadline)
        if old is None:
            if new(d.deadline):
                if not d.orphan:
                    yield Change(kind="deadline_set", subject=d.deadline,
                                 description=f"{d.title}: deadline set, due {when(d.original_due or d.due)}",
                                 event_ids=d.event_ids)
                for x in d.extensions:
                    yield _extended(d, x)
                if d.status in _NOW:
                    yield Change(kind=_NOW[d.status], subject=d.deadline, description=_closed(d), event_ids=d.event_ids)
            continue
        for x in d.extensions[len(old.extensions):]:
            yield _extended(d, x)
        if old.status != d.status:
            if d.status in _NOW:
                yield Change(kind=_NOW[d.status], subject=d.deadline, description=_closed(d), event_ids=d.event_ids)
            elif not (d.status == "extended" and len(d.extensions) > len(old.extensions)):
                yield Change(kind="deadline_changed", subject=d.deadline,
                             description=f"{d.title}: deadline {old.status} -> {d.status} (due {when(d.due)})",
                             event_ids=d.event_ids)
        elif old.due != d.due and len(d.extensions) == len(old.extensions):
            yield Change(kind="deadline_changed", subject=d.deadline,
                         description=f"{d.title}: deadline due {when(old.due)} -> {when(d.due)}", event_ids=d.event_ids)


def _extended(d: Deadline, x: DeadlineExtension) -> Change:
    return Change(kind="deadline_extended", subject=d.deadline,
                  description=f"{d.title}: deadline extended "
                  + (f"from {when(x.from_date)} " if x.from_date else "") + f"to {when(x.to_date)}"
                  + (f" by {', '.join(x.by)}" if x.by else "") + (f" ({ORPHAN})" if d.orphan else ""),
                  event_ids=x.event_ids)


FAMILY = Family("deadlines", entity=ENTITY, freeze=_freeze, diff=_diff, scores={
    "deadline_set": 1, "deadline_extended": -1, "deadline_met": 2, "deadline_missed": -2})

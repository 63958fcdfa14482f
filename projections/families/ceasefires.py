"""Ceasefires: declared (parties, scope, start, end), violated (by whom, per the source) and ended.
Each folded from all of its own events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from projections.facts import Acc, Claims, by_key, event_claim, occ, uncertain
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed, when
from projections.records import Ev
from projections.state import Ceasefire, CeasefireStatus, Change, TrackState, Violation

ENTITY = Entity("ceasefire", ids=dict.fromkeys(("ceasefire_declared", "ceasefire_violated", "ceasefire_ended"),
                                               "ceasefire"), limit=20)
# The events that bring a ceasefire into the log: a violation or an end names one that must be there
# already (checked when logging; one named without it is an orphan, said so in every view).
OPENED_BY = ("ceasefire_declared",)
ORPHAN = "a ceasefire not logged as declared"


def _status(e: Ev, claims: Claims) -> str:
    return event_claim(e, claims)


def ceasefire(ceasefire_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None,
              today: date | None) -> Ceasefire | None:
    """The ceasefire as its events tell it; a denied event decides nothing. `today`: the day its
    start and end dates are measured against (announced, expired)."""
    ordered = by_key(evs)
    if not ordered:
        return None
    live = [e for e in ordered if _status(e, claims) != "denied"]
    declared = [e for e in live if e.type == "ceasefire_declared"]
    base = (declared or [e for e in ordered if e.type == "ceasefire_declared"] or ordered)[-1]
    b = base.body
    is_declaration = b["type"] == "ceasefire_declared"
    violations = tuple(
        Violation(by=tuple(e.body.get("by") or ()), details=e.body.get("details"), claim_status=_status(e, claims),
                  occurred=occ(e.body["occurred"]), uncertain=uncertain(e.body["occurred"], as_of), event_ids=(e.id,))
        for e in live if e.type == "ceasefire_violated")
    ended = next((e for e in reversed(live) if e.type == "ceasefire_ended"), None)
    starts = occ(b.get("starts")) if is_declaration else None
    ends = occ(b.get("ends")) if is_declaration else None
    ref = today.isoformat() if today else None
    status: CeasefireStatus
    if ended is not None:
        status = "ended"
    elif ends is not None and ref is not None and ends.latest.isoformat() < ref:
        status = "expired"
    elif starts is not None and ref is not None and starts.earliest.isoformat() > ref:
        status = "announced"
    else:
        status = "violated" if violations else "in_force"
    anchor = base if is_declaration else ordered[0]
    return Ceasefire.fast(
        ceasefire=ceasefire_id, parties=tuple(b.get("parties") or ()) if is_declaration else (),
        scope=b.get("scope") if is_declaration else None, starts=starts, ends=ends, status=status,
        violations=violations, ended=occ(ended.body["occurred"]) if ended else None,
        ended_by=tuple(ended.body.get("by") or ()) if ended else (), reason=ended.body.get("reason") if ended else None,
        claim_status=_status(anchor, claims), occurred=occ(anchor.body["occurred"]),
        uncertain=uncertain(anchor.body["occurred"], as_of), event_ids=tuple(e.id for e in ordered),
        orphan=not any(e.type in OPENED_BY for e in ordered),
    )


def _freeze(acc: Acc, ctx: Context) -> Part:
    found = [c for cid, evs in ctx.chosen(ENTITY) if (c := ceasefire(cid, evs, ctx.claims, ctx.as_of, ctx.today))]
    found.sort(key=lambda c: (first_day(c.occurred), c.ceasefire))
    dated: list[Ceasefire | Violation] = [*found, *(v for c in found for v in c.violations)]
    return Part({"ceasefires": tuple(found)}, dated)


def label(c: Ceasefire) -> str:
    return c.ceasefire + (f" ({c.scope})" if c.scope else "")


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.ceasefires, lambda c: c.ceasefire)
    new = appeared(ENTITY, {c.ceasefire for c in b.ceasefires}, set(before))
    for c in b.ceasefires:
        old = before.get(c.ceasefire)
        if old is None:
            if not new(c.ceasefire):
                continue
            if not c.orphan:
                yield Change(kind="ceasefire_declared", subject=c.ceasefire,
                             description=f"ceasefire {label(c)} declared {when(c.occurred)}"
                             + (f" between {', '.join(c.parties)}" if c.parties else ""), event_ids=c.event_ids)
            fresh: Sequence[Violation] = c.violations
        else:
            fresh = c.violations[len(old.violations):] if len(c.violations) > len(old.violations) else ()
        orphan = f" ({ORPHAN})" if c.orphan else ""
        for v in fresh:
            yield Change(kind="ceasefire_violated", subject=c.ceasefire,
                         description=f"ceasefire {label(c)} violated {when(v.occurred)}"
                         + (f" by {', '.join(v.by)}" if v.by else "") + orphan, event_ids=v.event_ids)
        if c.status in ("ended", "expired") and (old is None or old.status != c.status):
            yield Change(kind="ceasefire_ended", subject=c.ceasefire,
                         description=f"ceasefire {label(c)} {c.status} {when(c.ended or c.ends)}"
                         + (f" by {', '.join(c.ended_by)}" if c.ended_by else "") + orphan, event_ids=c.event_ids)


FAMILY = Family("ceasefires", entity=ENTITY, freeze=_freeze, diff=_diff, scores={
    "ceasefire_declared": 3, "ceasefire_violated": -2, "ceasefire_ended": -2})

"""Claims confirmed, disputed or denied (claim_status_changed). Every family looks a claim's status
up (facts.claim_status); this one lists the denied claims of a track: shown as denied, never as facts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from projections.facts import Acc, by_key, occ, uncertain
from projections.family import Context, Entity, Family, Part, first_day
from projections.records import Ev
from projections.state import Change, DeniedClaim, TrackState

ENTITY = Entity("claim", ids={"claim_status_changed": "target"}, limit=30)


def denied_claim(target: str, changes: Sequence[Ev], targets: Mapping[str, Ev], as_of: date | None) -> DeniedClaim | None:
    if not changes:
        return None
    last = max(changes, key=lambda e: (e.body["occurred"]["earliest"], e.position))
    if last.body["new_status"] != "denied":
        return None
    original = targets.get(target)
    summary = original.body["summary"] if original else last.body["summary"]
    ids = [c.id for c in by_key(changes)] + ([target] if original else [])
    return DeniedClaim.fast(target=target, summary=summary, by=tuple(last.body.get("by") or ()),
                       occurred=occ(last.body["occurred"]), uncertain=uncertain(last.body["occurred"], as_of),
                       event_ids=tuple(ids))


def _freeze(acc: Acc, ctx: Context) -> Part:
    denied = [d for target, evs in ctx.chosen(ENTITY) if (d := denied_claim(target, evs, ctx.targets, ctx.as_of))]
    denied.sort(key=lambda d: (first_day(d.occurred), d.target))
    return Part({"denied": tuple(denied)})  # not counted as uncertain: they are not facts


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = {d.target for d in a.denied}
    for dc in b.denied:
        if dc.target not in before:
            yield Change(kind="denied", subject=dc.target, description="denied"
                         + (f" by {', '.join(dc.by)}" if dc.by else "") + f": {dc.summary}", event_ids=dc.event_ids)


_CLAIM = {"denied": -1, "disputed": -1}

FAMILY = Family("claims", entity=ENTITY, freeze=_freeze, diff=_diff,
                scores={"claim_status_changed": lambda b: _CLAIM.get(b.get("new_status", ""), 0)})

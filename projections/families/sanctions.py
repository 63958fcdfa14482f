"""Sanctions: imposed, threatened, eased or lifted, by whom, on whom. One entity per measure (its
`sanctions` id), folded from all of its steps: where it stands is its latest live step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from projections.facts import Acc, Claims, by_key, dated
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed, when
from projections.records import Ev
from projections.state import Change, Sanctions, SanctionsStep, TrackState

ENTITY = Entity("sanctions", ids={"sanctions_changed": "sanctions"}, limit=30)


def sanctions(sanctions_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> Sanctions | None:
    ordered = by_key(evs)
    if not ordered:
        return None
    steps = [SanctionsStep.fast(action=b["action"], by=tuple(b.get("by") or ()), on=tuple(b.get("on") or ()),
                           measure=b.get("measure"), **dated(e, claims, as_of))
             for e in ordered for b in (e.body,)]
    live = [s for s in steps if s.claim_status != "denied"]
    latest = (live or steps)[-1]
    # Who and on whom carry over from earlier steps when a later one does not say (a lifting names the measure only).
    by = next((s.by for s in reversed(live) if s.by), latest.by)
    on = next((s.on for s in reversed(live) if s.on), latest.on)
    measure = next((s.measure for s in reversed(live) if s.measure), latest.measure)
    return Sanctions.fast(sanctions=sanctions_id, action=latest.action, by=by, on=on, measure=measure, history=tuple(steps),
                     claim_status=latest.claim_status, occurred=latest.occurred, uncertain=latest.uncertain,
                     event_ids=tuple(e.id for e in ordered))


def _freeze(acc: Acc, ctx: Context) -> Part:
    found = [s for sid, evs in ctx.chosen(ENTITY) if (s := sanctions(sid, evs, ctx.claims, ctx.as_of))]
    found.sort(key=lambda s: (first_day(s.occurred), s.sanctions))
    return Part({"sanctions": tuple(found)}, found)


def label(s: Sanctions) -> str:
    return s.measure or s.sanctions


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.sanctions, lambda s: s.sanctions)
    new = appeared(ENTITY, {s.sanctions for s in b.sanctions}, set(before))
    for s in b.sanctions:
        old = before.get(s.sanctions)
        if (old is None and new(s.sanctions)) or (old is not None and (old.action, old.occurred) != (s.action, s.occurred)):
            was = f" (was {old.action})" if old is not None and old.action != s.action else ""
            yield Change(kind="sanctions_changed", subject=s.sanctions,
                         description=f"sanctions {label(s)} {s.action}{was}"
                         + (f" by {', '.join(s.by)}" if s.by else "") + (f" on {', '.join(s.on)}" if s.on else "")
                         + f" ({when(s.occurred)})", event_ids=s.history[-1].event_ids)


_ACTION = {"imposed": -2, "threatened": -1, "eased": 1, "lifted": 2}

FAMILY = Family("sanctions", entity=ENTITY, freeze=_freeze, diff=_diff, scores={
    "sanctions_changed": lambda b: _ACTION.get(b.get("action", ""), 0)})

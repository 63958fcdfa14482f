"""Delegations: the negotiators each side appoints, their lead and role (delegation_appointed).
One entity per side; an appointment in a role a side already filled replaces that team."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from projections.facts import Acc, Claims, by_key, dated
from projections.family import Context, Entity, Family, Part, keyed
from projections.records import Ev
from projections.state import Change, Delegation, Team, TrackState

ENTITY = Entity("delegation", ids={"delegation_appointed": "side"}, limit=20)


def delegation(side: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> Delegation | None:
    stand: dict[str, tuple[Ev, dict[str, Any]]] = {}
    for e in by_key(evs):
        step = dated(e, claims, as_of)
        if step["claim_status"] == "denied":
            continue
        role = e.body.get("role") or ""
        stand.pop(role, None)  # re-appointed: now in date order at its latest
        stand[role] = (e, step)
    # Made once per role that stands, from validated events (`fast`): a busy side has hundreds.
    teams = {role: Team.fast(negotiators=tuple(e.body.get("negotiators") or ()), lead=e.body.get("lead"),
                             role=e.body.get("role"), **step) for role, (e, step) in stand.items()}
    if not teams:
        return None
    chosen = list(teams.values())
    leads = [t.lead for t in reversed(chosen) if t.lead]
    people = list(dict.fromkeys([*leads, *(n for t in chosen for n in t.negotiators)]))
    latest = chosen[-1]
    return Delegation.fast(side=side, negotiators=tuple(people), teams=tuple(chosen), occurred=latest.occurred,
                      uncertain=latest.uncertain, event_ids=tuple(i for t in chosen for i in t.event_ids))


def _freeze(acc: Acc, ctx: Context) -> Part:
    found = [d for side, evs in ctx.chosen(ENTITY) if (d := delegation(side, evs, ctx.claims, ctx.as_of))]
    found.sort(key=lambda d: d.side)
    return Part({"delegations": tuple(found)}, [t for d in found for t in d.teams])


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.delegations, lambda d: d.side)
    for d in b.delegations:
        old = before.get(d.side)
        known = {t.event_ids for t in old.teams} if old else set()
        for t in d.teams:
            if t.event_ids in known:
                continue
            yield Change(kind="delegation_appointed", subject=d.side,
                         description=f"{d.side} appointed {', '.join(t.negotiators) or 'negotiators'}"
                         + (f" (lead {t.lead})" if t.lead else "") + (f" as {t.role}" if t.role else ""),
                         event_ids=t.event_ids)


FAMILY = Family("delegations", entity=ENTITY, freeze=_freeze, diff=_diff, scores={"delegation_appointed": 1})

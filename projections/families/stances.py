"""Stances: who supports, opposes or sets conditions on which issue (statement_made)."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from projections.facts import (
    EID,
    OCCURRED,
    SEP,
    STATUS,
    VALUES,
    Acc,
    Key,
    claim_status,
    occ_of,
    put,
)
from projections.family import Context, Family, Part
from projections.records import Body
from projections.state import Change, Stance, TrackState

_STANCES: dict[tuple[Any, ...], Stance] = {}


def _statement(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    # actor SEP issue -> [.., stance, speaker, quote, summary if no quote]  latest
    quote = b.get("quote")
    put(acc["stances"], (b.get("on_behalf_of") or b["speaker"]) + SEP + b["issue"], key, head, b["stance"],
        b["speaker"], quote, None if quote else b["summary"])


def _freeze(acc: Acc, ctx: Context) -> Part:
    claims, unsure = ctx.claims, ctx.unsure
    stances = []
    for name, slot in acc["stances"].items():
        # The same statement seen the same way is the same (immutable) Stance: reuse it, so a
        # track with thousands of positions is frozen quickly again and again. The key holds the
        # content too: a correction changes it under the same event id.
        eid = slot[EID]
        own = slot[STATUS] or "confirmed"  # (slot_status, inlined: a busy track has thousands)
        claim, unsure_now = claim_status(eid, own, claims) if eid in claims else own, unsure(slot)
        key = (name, eid, claim, unsure_now, slot[OCCURRED], *slot[VALUES:VALUES + 4])
        found = _STANCES.get(key)
        if found is None:
            actor, issue = name.split(SEP, 1)
            if len(_STANCES) > 200_000:
                _STANCES.clear()
            found = _STANCES[key] = Stance.fast(
                actor=actor, issue=issue, stance=slot[VALUES], speaker=slot[VALUES + 1], quote=slot[VALUES + 2],
                summary=slot[VALUES + 3] or "", claim_status=claim, event_id=slot[EID],
                occurred=occ_of(slot[OCCURRED]), uncertain=unsure_now, event_ids=(slot[EID],),
            )
        stances.append(found)
    stances.sort(key=attrgetter("issue", "actor"))
    return Part({"stances": tuple(stances)}, stances)


def _claim_ids(acc: Acc) -> Iterable[str]:
    return [slot[EID] for slot in acc["stances"].values()]


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = {(s.actor, s.issue): s for s in a.stances}
    for s in b.stances:
        old = before.get((s.actor, s.issue))
        quote = f": \u201c{s.quote}\u201d" if s.quote else ""
        if old is None:
            yield Change(kind="stance_new", subject=f"{s.actor}/{s.issue}",
                         description=f"{s.actor} {s.stance} {s.issue}{quote}", event_ids=s.event_ids)
        elif old.stance != s.stance:
            yield Change(kind="stance_changed", subject=f"{s.actor}/{s.issue}",
                         description=f"{s.actor} on {s.issue}: {old.stance} -> {s.stance}{quote}",
                         event_ids=(*old.event_ids, *s.event_ids))


_STANCE = {"supports": 1, "opposes": -1}

FAMILY = Family(
    "stances",
    slots={"stances": dict},
    folds={"statement_made": _statement},
    freeze=_freeze, diff=_diff, claim_ids=_claim_ids,
    scores={"statement_made": lambda b: _STANCE.get(b.get("stance", ""), 0)},
)

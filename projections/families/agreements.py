"""Agreements: reached by their parties, and the progress of each commitment they hold."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from projections.facts import Acc, Claims, by_key, claim_status, occ, uncertain
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed
from projections.records import Ev
from projections.state import Agreement, Change, Commitment, TrackState

ENTITY = Entity("agreement", ids={"agreement_reached": "agreement", "commitment_progress": "agreement"}, limit=30)


def agreement(agreement_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> Agreement | None:
    ordered = by_key(evs)
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
        slot.update(progress=b["progress"], note=b.get("note"), progress_occurred=occ(b["occurred"]))
        slot["event_ids"].append(b["id"])
    anchor = base or ordered[0].body
    return Agreement(
        agreement=agreement_id, title=(base or {}).get("title", agreement_id), parties=tuple((base or {}).get("parties") or ()),
        commitments=tuple(Commitment(**{**c, "event_ids": tuple(c["event_ids"])}) for c in commitments.values()),
        claim_status=claim_status(anchor["id"], anchor.get("status", "confirmed"), claims),
        first_seen=occ(ordered[0].body["occurred"]), occurred=occ(anchor["occurred"]), uncertain=uncertain(anchor["occurred"], as_of),
        event_ids=tuple(e.id for e in ordered),
    )


def _freeze(acc: Acc, ctx: Context) -> Part:
    agreements = [a for aid, evs in ctx.chosen(ENTITY) if (a := agreement(aid, evs, ctx.claims, ctx.as_of))]
    agreements.sort(key=lambda a: (first_day(a.occurred), a.agreement))
    return Part({"agreements": tuple(agreements)}, agreements)


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.agreements, lambda g: g.agreement)
    new = appeared(ENTITY, {g.agreement for g in b.agreements}, set(before))
    for g in b.agreements:
        old = before.get(g.agreement)
        if old is None and new(g.agreement):
            yield Change(kind="agreement_new", subject=g.agreement, description=f"agreement: {g.title} "
                         f"({', '.join(g.parties)}; {len(g.commitments)} commitments)", event_ids=g.event_ids)
            continue
        before_c = {c.id: c for c in old.commitments} if old else {}
        for c in g.commitments:
            prev = before_c.get(c.id)
            if prev is not None and prev.progress != c.progress:
                yield Change(kind="commitment_progress", subject=f"{g.agreement}/{c.id}",
                             description=f"{c.text}: {prev.progress} -> {c.progress}", event_ids=c.event_ids)


_PROGRESS = {"done": 2, "partial": 1, "broken": -3}

FAMILY = Family("agreements", entity=ENTITY, freeze=_freeze, diff=_diff, scores={
    "agreement_reached": 3, "commitment_progress": lambda b: _PROGRESS.get(b.get("progress", ""), 0)})

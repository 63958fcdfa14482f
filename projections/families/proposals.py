"""Proposals: tabled, and how sure the report of each is (its claim history)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from projections.facts import Acc, Claims, by_key, claim_history, claim_status, occ, uncertain
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed
from projections.records import Ev
from projections.state import Change, ClaimChange, Proposal, TrackState

ENTITY = Entity("proposal", ids={"proposal_tabled": "proposal"}, limit=30)


def proposal(proposal_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> Proposal | None:
    ordered = by_key(evs)
    if not ordered:
        return None
    latest = ordered[-1]
    b = latest.body
    history: list[ClaimChange] = []
    for e in ordered:
        history.extend(claim_history(e, claims, as_of))
    ids = [e.id for e in ordered] + [c.body["id"] for e in ordered for c in by_key(claims.get(e.id, ()))]
    return Proposal(
        proposal=proposal_id, title=b["title"], proposer=tuple(b.get("proposer") or ()), stages=tuple(b.get("stages") or ()),
        claim_status=claim_status(latest.id, b.get("status", "confirmed"), claims), claim_history=tuple(history),
        first_seen=occ(ordered[0].body["occurred"]),
        occurred=occ(b["occurred"]), uncertain=uncertain(b["occurred"], as_of), event_ids=tuple(ids),
    )


def _freeze(acc: Acc, ctx: Context) -> Part:
    proposals = [p for pid, evs in ctx.chosen(ENTITY) if (p := proposal(pid, evs, ctx.claims, ctx.as_of))]
    proposals.sort(key=lambda p: (first_day(p.occurred), p.proposal))
    return Part({"proposals": tuple(proposals)}, proposals)


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.proposals, lambda p: p.proposal)
    new = appeared(ENTITY, {p.proposal for p in b.proposals}, set(before))
    for p in b.proposals:
        old = before.get(p.proposal)
        if old is None and new(p.proposal):
            yield Change(kind="proposal_new", subject=p.proposal, description=f"proposal tabled: {p.title} "
                         f"[{p.claim_status}]", event_ids=p.event_ids)
        elif old is not None and old.claim_status != p.claim_status:
            last = p.claim_history[-1]
            yield Change(kind="proposal_status", subject=p.proposal,
                         description=f"{p.title}: {old.claim_status} -> {p.claim_status}"
                         + (f" (by {', '.join(last.by)})" if last.by else ""), event_ids=last.event_ids)


FAMILY = Family("proposals", entity=ENTITY, freeze=_freeze, diff=_diff, scores={"proposal_tabled": 1})

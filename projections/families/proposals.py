"""Proposals: tabled, how sure the report of each is (its claim history), how the parties answered
it (accepted, rejected, countered) and which of its stages are agreed. A counter-proposal is a new
proposal that `revises` the old one, so a proposal's history reads as a chain of versions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from projections.facts import (
    Acc,
    Claims,
    by_key,
    claim_history,
    claim_status,
    dated,
    occ,
    uncertain,
)
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed
from projections.records import Ev
from projections.state import Change, ClaimChange, Proposal, ProposalAnswer, TrackState

ENTITY = Entity("proposal", ids={"proposal_tabled": "proposal", "proposal_answered": "proposal"}, limit=30)
# The events that bring a proposal into the log: an answer names one that must be there already, and
# so does a proposal's `revises` (checked when logging; one only answered is an orphan, said so).
OPENED_BY = ("proposal_tabled",)
NAMED_BY = {"proposal_tabled": "revises"}  # fields of other events that name an existing proposal
ORPHAN = "a proposal not logged as tabled"


def _answer(e: Ev, claims: Claims, as_of: date | None) -> ProposalAnswer:
    b = e.body
    return ProposalAnswer.fast(
        responder=b["responder"], response=b["response"], counter=b.get("counter"), reason=b.get("reason"),
        **dated(e, claims, as_of))


def _latest_by_responder(answers: Sequence[ProposalAnswer]) -> dict[str, tuple[str, ...]]:
    """accepted / rejected / countered -> the responders whose latest answer (in date order) it is."""
    latest: dict[str, str] = {}
    for a in answers:
        latest[a.responder] = a.response
    out: dict[str, tuple[str, ...]] = {}
    for response in ("accepted", "rejected", "countered"):
        out[response] = tuple(r for r, said in latest.items() if said == response)
    return out


def proposal(proposal_id: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> Proposal | None:
    ordered = by_key(evs)
    if not ordered:
        return None
    tabled = [e for e in ordered if e.type == "proposal_tabled"]
    # A denied answer is no answer (the claims family lists denied claims).
    answers = [_answer(e, claims, as_of) for e in ordered if e.type == "proposal_answered"]
    answers = [a for a in answers if a.claim_status != "denied"]
    history: list[ClaimChange] = []
    for e in tabled:
        history.extend(claim_history(e, claims, as_of))
    ids = [e.id for e in ordered] + [c.body["id"] for e in tabled for c in by_key(claims.get(e.id, ()))]
    said = _latest_by_responder(answers)
    latest = tabled[-1] if tabled else ordered[0]  # answered but never tabled here: known by its id only
    b: Mapping[str, Any] = latest.body
    stages = tuple(b.get("stages") or ()) if tabled else ()
    return Proposal.fast(
        proposal=proposal_id, title=b["title"] if tabled else proposal_id, proposer=tuple(b.get("proposer") or ()) if tabled else (),
        stages=stages, claim_status=claim_status(latest.id, b.get("status", "confirmed"), claims) if tabled else "confirmed",
        claim_history=tuple(history), first_seen=occ(ordered[0].body["occurred"]),
        occurred=occ(b["occurred"]), uncertain=uncertain(b["occurred"], as_of), event_ids=tuple(ids),
        revises=b.get("revises") if tabled else None,
        agreed_stages=tuple(sorted({n for n in b.get("agreed_stages") or () if 1 <= n <= len(stages)})) if tabled else (),
        answers=tuple(answers), accepted_by=said["accepted"], rejected_by=said["rejected"], countered_by=said["countered"],
        orphan=not tabled,
    )


def _chain(proposals: list[Proposal]) -> list[Proposal]:
    """Each proposal with the proposals that revise it: tabled with `revises` naming it, or named as
    the counter in an answer to it (the next versions, in the order they appear); and a counter-proposal
    tabled without `revises` revises the proposal it was the counter to (the chain reads both ways)."""
    nxt: dict[str, list[str]] = {}
    countered: dict[str, str] = {}  # counter-proposal -> the proposal it answered (the first such answer)
    for p in proposals:
        if p.revises and p.revises != p.proposal:
            nxt.setdefault(p.revises, []).append(p.proposal)
        for a in p.answers:
            if a.counter and a.counter != p.proposal:
                nxt.setdefault(p.proposal, []).append(a.counter)
                countered.setdefault(a.counter, p.proposal)
    out = []
    for p in proposals:
        update: dict[str, Any] = {}
        if p.proposal in nxt:
            update["revised_by"] = tuple(dict.fromkeys(nxt[p.proposal]))
        if not p.revises and p.proposal in countered:
            update["revises"] = countered[p.proposal]
        out.append(p.model_copy(update=update) if update else p)
    return out


def _freeze(acc: Acc, ctx: Context) -> Part:
    proposals = [p for pid, evs in ctx.chosen(ENTITY) if (p := proposal(pid, evs, ctx.claims, ctx.as_of))]
    proposals.sort(key=lambda p: (first_day(p.occurred), p.proposal))
    proposals = _chain(proposals)
    return Part({"proposals": tuple(proposals)}, [*proposals, *(a for p in proposals for a in p.answers)])


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.proposals, lambda p: p.proposal)
    new = appeared(ENTITY, {p.proposal for p in b.proposals}, set(before))
    title = {p.proposal: p.title for p in b.proposals}.get
    for p in b.proposals:
        old = before.get(p.proposal)
        fresh = old is None and new(p.proposal)
        if fresh and not p.orphan:
            # New in the window: tabled, and how it was answered since (in the window too).
            yield Change(kind="proposal_new", subject=p.proposal, description=f"proposal tabled: {p.title} "
                         f"[{p.claim_status}]" + (f" (revises {title(p.revises, p.revises)})" if p.revises else ""),
                         event_ids=p.event_ids)
        if old is not None and old.claim_status != p.claim_status:
            last = p.claim_history[-1] if p.claim_history else None
            yield Change(kind="proposal_status", subject=p.proposal,
                         description=f"{p.title}: {old.claim_status} -> {p.claim_status}"
                         + (f" (by {', '.join(last.by)})" if last and last.by else ""),
                         event_ids=last.event_ids if last else p.event_ids)
        seen = {a.event_ids for a in old.answers} if old is not None else set()
        for ans in p.answers:
            if ans.event_ids not in seen:
                yield Change(kind="proposal_answered", subject=p.proposal,
                             description=f"{p.title}: {ans.response} by {ans.responder}"
                             + (f" (counter-proposal {title(ans.counter, ans.counter)})" if ans.counter else "")
                             + (f" ({ORPHAN})" if p.orphan else ""), event_ids=ans.event_ids)
        if (old.agreed_stages if old is not None else ()) != p.agreed_stages and (old is not None or fresh):
            agreed = ", ".join(str(n) for n in p.agreed_stages) or "none"
            yield Change(kind="proposal_stages", subject=p.proposal,
                         description=f"{p.title}: stages agreed {agreed}", event_ids=p.event_ids)


_ANSWER = {"accepted": 2, "rejected": -2, "countered": 0}

FAMILY = Family("proposals", entity=ENTITY, freeze=_freeze, diff=_diff, scores={
    "proposal_tabled": 1, "proposal_answered": lambda b: _ANSWER.get(b.get("response", ""), 0)})

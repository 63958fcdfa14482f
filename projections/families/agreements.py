"""Agreements: reached by their parties, signed, ratified and withdrawn from, and the progress of
each commitment they hold. (Who is at the table after a withdrawal is the table family's.)"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from projections.facts import Acc, Claims, by_key, claim_status, dated, event_claim, occ, uncertain
from projections.family import Context, Entity, Family, Part, appeared, first_day, keyed
from projections.records import Ev
from projections.state import Agreement, AgreementAct, Change, ChangeKind, Commitment, TrackState

ACTS = {"agreement_signed": "signed", "agreement_ratified": "ratified", "agreement_withdrawn": "withdrawn"}
# The events that bring an agreement into the log: any other names one that must be there already
# (checked when logging; one named without them is an orphan, said so in every view).
OPENED_BY = ("agreement_reached", "agreement_signed")
ENTITY = Entity("agreement", ids={"agreement_reached": "agreement", "commitment_progress": "agreement",
                                  **dict.fromkeys(ACTS, "agreement")}, limit=30)

_CHANGE: dict[str, ChangeKind] = {"signed": "agreement_signed", "ratified": "agreement_ratified",
                                  "withdrawn": "agreement_withdrawn"}


def _act(e: Ev, claims: Claims, as_of: date | None) -> AgreementAct:
    b = e.body
    kind = ACTS[e.type]
    parties = tuple(b.get("signatories") or ()) if kind == "signed" else (b["party"],)
    return AgreementAct.fast(
        act=kind, parties=parties, detail=b.get("venue") if kind == "signed" else b.get("ratified_by"),
        reason=b.get("reason"), effective=occ(b.get("effective")), **dated(e, claims, as_of))


def _who(acts: Sequence[AgreementAct], kind: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for a in acts if a.act == kind for p in a.parties))


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
        if event_claim(e, claims) == "denied":
            continue
        slot = commitments.setdefault(b["commitment"], {"id": b["commitment"], "text": b["commitment"], "owners": (),
                                                        "event_ids": []})
        slot.update(progress=b["progress"], note=b.get("note"), progress_occurred=occ(b["occurred"]))
        slot["event_ids"].append(b["id"])
    # A denied act (a signing the parties deny) is no act: the claims family lists denied claims.
    acts = [a for e in ordered if e.type in ACTS if (a := _act(e, claims, as_of)).claim_status != "denied"]
    signatories = _who(acts, "signed")
    anchor = base or ordered[0].body
    return Agreement.fast(
        agreement=agreement_id, title=(base or {}).get("title", agreement_id),
        parties=tuple((base or {}).get("parties") or ()) or signatories,
        acts=tuple(acts), signatories=signatories, ratified_by=_who(acts, "ratified"), withdrawn=_who(acts, "withdrawn"),
        commitments=tuple(Commitment.fast(**{**c, "event_ids": tuple(c["event_ids"])}) for c in commitments.values()),
        claim_status=claim_status(anchor["id"], anchor.get("status", "confirmed"), claims),
        first_seen=occ(ordered[0].body["occurred"]), occurred=occ(anchor["occurred"]), uncertain=uncertain(anchor["occurred"], as_of),
        event_ids=tuple(e.id for e in ordered),
        orphan=not any(e.type in OPENED_BY for e in ordered),
    )


def _freeze(acc: Acc, ctx: Context) -> Part:
    agreements = [a for aid, evs in ctx.chosen(ENTITY) if (a := agreement(aid, evs, ctx.claims, ctx.as_of))]
    agreements.sort(key=lambda a: (first_day(a.occurred), a.agreement))
    return Part({"agreements": tuple(agreements)}, [*agreements, *(x for a in agreements for x in a.acts)])


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = keyed(a.agreements, lambda g: g.agreement)
    new = appeared(ENTITY, {g.agreement for g in b.agreements}, set(before))
    for g in b.agreements:
        old = before.get(g.agreement)
        if old is None and new(g.agreement) and not g.orphan:
            # New in the window: reached, and whatever happened to it since (in the window too).
            yield Change(kind="agreement_new", subject=g.agreement, description=f"agreement: {g.title} "
                         f"({', '.join(g.parties)}; {tally_text(g)})", event_ids=g.event_ids)
        seen = {x.event_ids for x in old.acts} if old else set()
        for x in g.acts:
            if x.event_ids not in seen:
                yield Change(kind=_CHANGE[x.act], subject=g.agreement,
                             description=f"{g.title}: {x.act} by {', '.join(x.parties)}"
                             + (f" ({x.detail})" if x.detail else "") + (f": {x.reason}" if x.reason else "")
                             + (f" ({ORPHAN})" if g.orphan else ""), event_ids=x.event_ids)
        before_c = {c.id: c for c in old.commitments} if old else {}
        for c in g.commitments:
            was = prev.progress if (prev := before_c.get(c.id)) is not None else "not_started"
            if was != c.progress:
                yield Change(kind="commitment_progress", subject=f"{g.agreement}/{c.id}",
                             description=f"{c.text}: {was} -> {c.progress}", event_ids=c.event_ids)


ORPHAN = "an agreement not logged as reached or signed"


def tally_text(g: Agreement) -> str:
    """'8 commitments: 2 done, 0 partial, 1 broken (restore-embassies)': every count, even a zero,
    and the broken ones by name (as tracker.present.commitment_tally shows them)."""
    if not g.commitments:
        return "0 commitments"
    t = g.tally()
    broken = [c.id for c in g.commitments if c.progress == "broken"]
    return (f"{len(g.commitments)} commitment{'' if len(g.commitments) == 1 else 's'}: "
            + ", ".join(f"{t[k]} {k}" for k in ("done", "partial", "broken"))
            + (f" ({', '.join(broken)})" if broken else ""))


_PROGRESS = {"done": 2, "partial": 1, "broken": -3}

FAMILY = Family("agreements", entity=ENTITY, freeze=_freeze, diff=_diff, scores={
    "agreement_reached": 3, "commitment_progress": lambda b: _PROGRESS.get(b.get("progress", ""), 0),
    "agreement_signed": 2, "agreement_ratified": 2, "agreement_withdrawn": -3})

"""Actors: who said what, on which tracks, and their stances over time (a pure fold)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from events.occurred import Occurred
from projections.entities import Claims, claim_status, uncertain
from projections.records import Ev
from projections.state import ActorInfo, ActorState, ActorStatement, Stance


def actor_state(actor: str, facts: Iterable[Ev], claims: Claims, info: ActorInfo | None,
                as_of: date | None = None) -> ActorState | None:
    """From prepared facts that involve the actor (any order)."""
    mine = [e for e in facts if actor in (e.body.get("actors") or ())
            or actor in (e.body.get("speaker"), e.body.get("on_behalf_of"))]
    if not mine and info is None:
        return None
    mine.sort(key=lambda e: (e.body["occurred"]["earliest"], e.position))
    tracks: dict[str, None] = {}
    statements: list[ActorStatement] = []
    latest: dict[tuple[str, str], tuple[str, Ev]] = {}
    for e in mine:
        b = e.body
        for t in b["tracks"]:
            tracks[t] = None
        if b["type"] != "statement_made" or actor not in (b["speaker"], b.get("on_behalf_of")):
            continue
        status = claim_status(b["id"], b.get("status", "confirmed"), claims)
        for t in b["tracks"]:
            statements.append(ActorStatement(
                track=t, issue=b["issue"], stance=b["stance"], speaker=b["speaker"], quote=b.get("quote"),
                summary=b["summary"], claim_status=status, occurred=Occurred.model_validate(b["occurred"]),
                uncertain=uncertain(b["occurred"], as_of), event_ids=(b["id"],)))
            latest[(t, b["issue"])] = (t, e)  # sorted: the last one wins
    stances = []
    stance_tracks = []
    for (t, issue), (_, e) in sorted(latest.items()):
        b = e.body
        stances.append(Stance(
            actor=b.get("on_behalf_of") or b["speaker"], issue=issue, stance=b["stance"], speaker=b["speaker"],
            quote=b.get("quote"), summary=b["summary"],
            claim_status=claim_status(b["id"], b.get("status", "confirmed"), claims), event_id=b["id"],
            occurred=Occurred.model_validate(b["occurred"]), uncertain=uncertain(b["occurred"], as_of),
            event_ids=(b["id"],)))
        stance_tracks.append(t)
    return ActorState(info=info or ActorInfo(id=actor, name=actor), tracks=tuple(sorted(tracks)),
                      statements=tuple(statements), stances=tuple(stances), stance_tracks=tuple(stance_tracks),
                      event_count=len(mine))

"""Actors: who said what, on which tracks, and their stances over time (a pure fold); and the one
rule of which events name an actor, which also says which actors are still in the record."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from events.occurred import Occurred
from projections.entities import Claims, claim_status, uncertain
from projections.records import Body, Ev
from projections.state import ActorInfo, ActorState, ActorStatement, Stance


def named_by(body: Body) -> set[str]:
    """The actors an event names: its actors (every actor field is merged into them when it is
    logged), its speaker and the side it speaks for."""
    found = set(body.get("actors") or ())
    found.update(a for a in (body.get("speaker"), body.get("on_behalf_of")) if a)
    return found


def names(actor: str, body: Body) -> bool:
    return actor in named_by(body)


def speaks_for(actor: str, body: Body) -> bool:
    """A statement the actor made, or that was made on its behalf."""
    return body["type"] == "statement_made" and actor in (body["speaker"], body.get("on_behalf_of"))


def actor_state(actor: str, facts: Iterable[Ev], claims: Claims, info: ActorInfo | None,
                as_of: date | None = None) -> ActorState | None:
    """From prepared facts that involve the actor (any order)."""
    mine = [e for e in facts if names(actor, e.body)]
    if not mine and info is None:
        return None
    mine.sort(key=lambda e: (e.body["occurred"]["earliest"], e.position))
    tracks = sorted({t for e in mine for t in e.body["tracks"]})
    said = [e for e in mine if speaks_for(actor, e.body)]
    stances, stance_tracks = _latest_stances(said, claims, as_of)
    return ActorState(info=info or ActorInfo(id=actor, name=actor), tracks=tuple(tracks),
                      statements=tuple(_statement(e, claims, as_of) for e in said), stances=stances,
                      stance_tracks=stance_tracks, event_count=len(mine))


def _statement(e: Ev, claims: Claims, as_of: date | None) -> ActorStatement:
    b = e.body
    return ActorStatement(
        tracks=tuple(b["tracks"]), issue=b["issue"], stance=b["stance"], speaker=b["speaker"], quote=b.get("quote"),
        summary=b["summary"], claim_status=claim_status(b["id"], b.get("status", "confirmed"), claims),
        occurred=Occurred.model_validate(b["occurred"]), uncertain=uncertain(b["occurred"], as_of), event_ids=(b["id"],))


def _latest_stances(said: list[Ev], claims: Claims,
                    as_of: date | None) -> tuple[tuple[Stance, ...], tuple[tuple[str, ...], ...]]:
    """The latest statement per (track, issue), from statements in date order; one statement that
    is the latest on several tracks is one stance, held on those tracks."""
    latest: dict[tuple[str, str], Ev] = {}
    for e in said:
        for t in e.body["tracks"]:
            latest[(t, e.body["issue"])] = e  # in date order: the last one wins
    held: dict[tuple[str, int], list[str]] = {}  # (issue, position) -> tracks, by issue then track
    chosen: dict[tuple[str, int], Ev] = {}
    for (t, issue), e in sorted(latest.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        held.setdefault((issue, e.position), []).append(t)
        chosen[(issue, e.position)] = e
    stances = []
    for key, e in chosen.items():
        b = e.body
        stances.append(Stance(
            actor=b.get("on_behalf_of") or b["speaker"], issue=key[0], stance=b["stance"], speaker=b["speaker"],
            quote=b.get("quote"), summary=b["summary"],
            claim_status=claim_status(b["id"], b.get("status", "confirmed"), claims), event_id=b["id"],
            occurred=Occurred.model_validate(b["occurred"]), uncertain=uncertain(b["occurred"], as_of),
            event_ids=(b["id"],)))
    return tuple(stances), tuple(tuple(held[k]) for k in chosen)

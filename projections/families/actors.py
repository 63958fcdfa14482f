"""Actors described (actor_described): who they are, and which side they count for (family.side_of).
Not shown per track: the registry every track's freeze looks sides up in."""

from __future__ import annotations

from collections.abc import Sequence

from projections.facts import by_key
from projections.family import Entity, Family
from projections.records import Ev
from projections.state import ActorInfo

ENTITY = Entity("actor", ids={"actor_described": "actor"})


def actor_info(actor_id: str, evs: Sequence[Ev]) -> ActorInfo | None:
    ordered = by_key(evs)
    if not ordered:
        return None
    b = ordered[-1].body
    return ActorInfo.fast(id=actor_id, name=b["name"], kind=b.get("kind") or "other", role=b.get("role"),
                          affiliation=b.get("affiliation"), event_ids=(b["id"],))


FAMILY = Family("actors", entity=ENTITY)

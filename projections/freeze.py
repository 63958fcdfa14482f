"""Freezing: an accumulator (projections.fold) and a track's entities -> an immutable TrackState.

Each family (projections.families) freezes its own slots and entities into its fields of the
TrackState (who sits where: families.table; stances: families.stances; meetings ...); this module
gives them what they share (projections.family.Context: claims, sides, the moment) and adds what
every track has: the last activity, the trend, the count of events and of uncertain facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from projections.facts import EID, OCCURRED, Acc, occ_of
from projections.facts import Claims as Claims
from projections.families import FAMILIES
from projections.family import Context, Groups, side_of
from projections.records import Ev
from projections.state import ActorInfo, TrackState
from projections.trend import activity, trend

__all__ = ["Groups", "freeze", "needed_ids", "side_of"]

_PARTS = tuple(f.freeze for f in FAMILIES if f.freeze)
_CLAIM_IDS = tuple(f.claim_ids for f in FAMILIES if f.claim_ids)
_ACTORS = tuple(f.actors for f in FAMILIES if f.actors)


def freeze(
    acc: Acc,
    groups: Groups,
    claims: Claims,
    registry: Mapping[str, ActorInfo],
    *,
    as_of: date | None = None,
    today: date | None = None,
    label: str = "now",
    targets: Mapping[str, Ev] | None = None,
) -> TrackState:
    """The state of one track. `groups` holds (at least) the entities `entities.select` picks.

    `today` decides which meetings are upcoming (default: `as_of`); the trend is measured up to
    `as_of`, or up to the last activity when viewing "now".
    """
    track = acc["track"]
    ctx = Context(track, groups, claims, registry, as_of, today or as_of, targets or {})
    fields: dict[str, Any] = {}
    uncertain_count = 0
    for part_of in _PARTS:
        part = part_of(acc, ctx)
        fields.update(part.fields)
        uncertain_count += sum(1 for f in part.dated if f.uncertain)
    last = acc["last"]
    ref = as_of or (date.fromisoformat(last[OCCURRED][:10]) if last else None)
    return TrackState.fast(
        track=track, **fields,
        last_activity=occ_of(last[OCCURRED]) if last else None, last_activity_event_ids=(last[EID],) if last else (),
        trend=trend(acc["days"], ref), activity=activity(acc["days"], ref),
        event_count=acc["n"], uncertain_count=uncertain_count,
        as_of=as_of, moment=label,
    )


def needed_ids(acc: Acc) -> set[str]:
    """Event ids whose claim status the frozen state will show."""
    ids: set[str] = set()
    for claim_ids in _CLAIM_IDS:
        ids.update(claim_ids(acc))
    return ids


def acc_actors(acc: Acc) -> set[str]:
    """The actors the accumulator names (whose sides freezing looks up in the registry)."""
    actors: set[str] = set()
    for actors_of in _ACTORS:
        actors.update(actors_of(acc))
    return actors

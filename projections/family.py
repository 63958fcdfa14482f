"""A fact family: the one place that says how a group of event types reaches every view.

A `Family` (one module of projections.families each) holds, together:
- `slots` and `folds`: the parts of the accumulator it owns, and how each event type it cares
  about folds into them (projections.fold runs them, order-insensitively: see facts.put / first);
- `entity`: or, for things with a life of their own (meetings, proposals ...), which event types
  belong to one and by which field, folded per entity when a view needs it;
- `freeze`: how its slots and entities become its fields of the TrackState (projections.freeze);
- `diff`: how two states differ in those fields (projections.diff);
- `scores`: how each of its event types counts for the track's trend (projections.trend).

The generic modules (fold, entities, freeze, diff) only iterate over `projections.families.FAMILIES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, TypeVar

from events.occurred import Occurred
from projections.facts import EID, OCCURRED, Acc, Claims, Key, claim_status, slot_status
from projections.records import Body, Ev
from projections.state import ActorInfo, Change, Dated, TrackState

Groups = Mapping[str, Mapping[str, Sequence[Ev]]]  # entity kind -> entity id -> its events
T = TypeVar("T")
Fold = Callable[[Acc, Body, Key, list[Any]], None]  # (accumulator, event body, sort key, slot head)
Score = int | Callable[[Mapping[str, Any]], int]  # cooperative (+) or conflictual (-) weight of an event (projections.trend)


@dataclass(frozen=True)
class Entity:
    """Events that make up one thing with a life of its own, folded from all of its events."""

    kind: str  # "meeting"
    ids: Mapping[str, str]  # event type -> the field that names the entity
    limit: int | None = None  # views show the `limit` with the latest relevant day (None: not shown per track)
    planned: Mapping[str, str] = field(default_factory=dict)  # event type -> its field holding a planned date

    def relevant_day(self, body: Body) -> str:
        """The day an event makes its entity current: its date, or a later date it is planned for."""
        day: str = body["occurred"]["earliest"]
        name = self.planned.get(body["type"])
        when = body.get(name) if name else None
        if when and when["earliest"] > day:
            return str(when["earliest"])
        return day

    def select(self, groups: Mapping[str, Sequence[Ev]]) -> list[str]:
        """The entity ids a view shows: the `limit` with the latest relevant day (ties: by id)."""
        ranked = newest_first((max(self.relevant_day(e.body) for e in evs), eid) for eid, evs in groups.items() if evs)
        return [eid for _, eid in ranked[: self.limit]]


def newest_first(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(day, id) pairs, the latest day first, ties by id. Two stable sorts (a reversed sort keeps
    ties in order) rather than a key built for each pair: a busy track ranks thousands."""
    out = sorted(pairs, key=itemgetter(1))
    out.sort(key=itemgetter(0), reverse=True)
    return out


@dataclass(frozen=True, slots=True)
class Part:
    """What a family puts in a TrackState: its fields, and its dated facts (counted in `uncertain_count`)."""

    fields: dict[str, Any]
    dated: Sequence[Dated] = ()


def side_of(actor: str, registry: Mapping[str, ActorInfo]) -> str:
    """A person or organisation with an affiliation (rubio -> usa) counts for its affiliation;
    everyone else is their own side."""
    info = registry.get(actor)
    if info is not None and info.affiliation and info.kind != "state":
        return info.affiliation
    return actor


class _Sides(dict[str, str]):
    """actor -> side_of(actor), filled in as actors are asked for."""

    def __init__(self, registry: Mapping[str, ActorInfo]) -> None:
        super().__init__()
        self.registry = registry

    def __missing__(self, actor: str) -> str:
        found = self[actor] = side_of(actor, self.registry)
        return found


class Context:
    """What freezing one track at one moment knows, for every family's `freeze`."""

    def __init__(self, track: str, groups: Groups, claims: Claims, registry: Mapping[str, ActorInfo],
                 as_of: date | None, today: date | None, targets: Mapping[str, Ev]) -> None:
        self.track, self.groups, self.claims, self.registry = track, groups, claims, registry
        self.as_of, self.today, self.targets = as_of, today, targets
        self.as_of_text = as_of.isoformat() if as_of else None
        # A busy track names the same few hundred actors in thousands of slots: decide each side once.
        self.side: Callable[[str], str] = _Sides(registry).__getitem__

    def unsure(self, slot: Sequence[Any]) -> bool:
        """The slot's date may lie after the moment viewed (see state.Dated.uncertain)."""
        if self.as_of_text is None:
            return False
        # The compact date's latest day is its second part ('E~L~P'), else the day itself.
        text = slot[OCCURRED]
        return (text.split("~")[1] if "~" in text else text[:10]) > self.as_of_text

    def status_of(self, slot: Sequence[Any]) -> str:
        """The slot's event's effective claim status."""
        return claim_status(slot[EID], slot_status(slot), self.claims)

    def chosen(self, entity: Entity) -> list[tuple[str, Sequence[Ev]]]:
        """The entities of that kind a view shows, with their events."""
        found = self.groups.get(entity.kind, {})
        return [(eid, found[eid]) for eid in entity.select(found)]


@dataclass(frozen=True)
class Family:
    name: str
    slots: Mapping[str, Callable[[], Any]] = field(default_factory=dict)  # accumulator part -> its empty value
    folds: Mapping[str, Fold] = field(default_factory=dict)  # event type -> how it folds into `slots`
    list_slots: tuple[str, ...] = ()  # of `slots`, those a row of the list of tracks shows
    entity: Entity | None = None
    freeze: Callable[[Acc, Context], Part] | None = None
    diff: Callable[[TrackState, TrackState], Iterable[Change]] | None = None
    claim_ids: Callable[[Acc], Iterable[str]] | None = None  # events whose claim status `freeze` shows
    actors: Callable[[Acc], Iterable[str]] | None = None  # actors its slots name (their sides are looked up)
    scores: Mapping[str, Score] = field(default_factory=dict)  # event type -> its score for the trend (else 0)


# -- for the families' diffs --------------------------------------------------------------------------
def first_day(occurred: Occurred | None) -> date:
    """The sort key of a dated entity: its earliest possible day, undated ones first."""
    return occurred.earliest if occurred is not None else date.min


def when(occurred: Occurred | None) -> str:
    return occurred.label() if occurred else "no date"


def keyed(items: Iterable[T], key: Callable[[T], str]) -> dict[str, T]:
    return {key(i): i for i in items}


def appeared(entity: Entity, after_ids: set[str], before_ids: set[str]) -> Callable[[str], bool]:
    """Whether an entity in the later state is new. Views show the most recent `entity.limit`; an
    older one missing from a full "before" list may just be out of view, so it is only called new
    if "before" was not full."""
    full = entity.limit is not None and len(before_ids) >= entity.limit
    return lambda key: key not in before_ids and (not full or key in after_ids)

"""Provenance: every event behind one fact of a track, and what each did to it.

The fold keeps one slot per key, the latest fact (facts.put): enough to show the state, not to
say which earlier events stood behind it too. Tracing a fact replays the track's facts of the
moment once more, on demand, with slot tables that note every fact put under each key (`record`):
the hot path (projections.fold) stays as it is. The facts are the same the fold reads (prepared
for the moment: corrections applied, retractions dropped, filtered on both axes; see
projections.replay.prepare), folded in the order of facts, so every `put` replaces and every event
that put a fact under a key is noted (a `first` slot notes its first mention only).

A fact's events each get a role (`trace`):
- "sets": an event the state names for the fact (its `event_ids`): it sets the current value;
- "corroborates": an earlier event that said the same (the same stance, another seat of the side);
- "superseded": an earlier event that said something else (an earlier, different stance);
- "bears on": a correction, retraction or claim status change of one of them (the service adds these).

Facts of entities (meetings, proposals, agreements ...) are folded from all their events, which
the state names already: the latest sets, earlier ones of the same type corroborate, the others
(a meeting scheduled, then held) are superseded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from events import Event
from projections.entities import entity_of
from projections.facts import EID, SEP, VALUES, by_key
from projections.families import FAMILIES
from projections.fold import Acc, apply, empty
from projections.grades import Support
from projections.records import Ev
from projections.state import TrackState, sourced_fields


# -- paths: which fact of a track a `why` path names ------------------------------------------
class UnknownFact(ValueError):
    """A `why` path that names no fact of the track at the moment viewed."""


class UnknownField(UnknownFact):
    """A `why` path that names no field of a track at all (a usage error)."""


# Facts held as one value, traced by the ids of the events behind them.
_SINGLE_FACTS: dict[str, str] = {
    "status": "status_event_ids", "status_since": "status_event_ids", "title": "status_event_ids",
    "agenda": "agenda_event_ids", "last_activity": "last_activity_event_ids",
}


def sources_of(state: TrackState, path: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """(what, event ids) for a fact of the track: 'status', 'agenda', 'parties usa',
    'stances rus european-peacekeepers', 'meetings ID', 'proposals ID', 'excluded ACTOR', ...
    (a field of TrackState, then the values of its items' leading fields)."""
    parts = [p for item in path for p in item.replace(".", " ").replace("/", " ").split()]
    if not parts:
        raise UnknownField("name a field, e.g. 'status' or 'stances rus european-peacekeepers'")
    head, rest = parts[0].replace("-", "_"), parts[1:]
    if head in _SINGLE_FACTS and not rest:
        return head, tuple(getattr(state, _SINGLE_FACTS[head]))
    families = sourced_fields(state)
    if head not in families:
        raise UnknownField(f"unknown field {parts[0]!r}; try one of: {', '.join([*_SINGLE_FACTS, *families])}")
    keys, items = families[head]
    chosen = [i for i in items if all(getattr(i, k) == v for k, v in zip(keys, rest, strict=False))]
    if not chosen:
        which = f" {' '.join(rest)!r}" if rest else ""
        raise UnknownFact(f"no {head}{which} on {state.track} ({state.moment})")
    return " ".join([head, *rest]), tuple(dict.fromkeys(i for item in chosen for i in item.event_ids))


Role = Literal["sets", "corroborates", "superseded", "bears on"]
Notes = dict[tuple[str, str], list[list[Any]]]  # (accumulator part, key) -> every slot put there, in order of facts

# Parts of the accumulator that are one slot rather than a table of them (the key noted is "").
_SINGLE_PARTS = frozenset({*(name for f in FAMILIES for name, make in f.slots.items() if make() is None)})
_TABLE_PARTS = frozenset(name for f in FAMILIES for name, make in f.slots.items() if isinstance(make(), dict))


class _NotingTable(dict[str, Any]):
    """A slot table that notes every slot put under each key."""

    def __init__(self, part: str, notes: Notes) -> None:
        super().__init__()
        self.part, self.notes = part, notes

    def __setitem__(self, key: str, value: Any) -> None:
        self.notes.setdefault((self.part, key), []).append(value)
        super().__setitem__(key, value)


class _NotingAcc(dict[str, Any]):
    """An accumulator that notes every slot set in its single-slot parts."""

    def __init__(self, notes: Notes) -> None:
        super().__init__()
        self.notes = notes

    def __setitem__(self, key: str, value: Any) -> None:
        if key in _SINGLE_PARTS and value is not None:
            self.notes.setdefault((key, ""), []).append(value)
        super().__setitem__(key, value)


def record(facts: Iterable[Ev], track: str) -> Notes:
    """Every slot each part of the track's accumulator was given, folding `facts` (prepared for
    the moment) in the order of facts."""
    notes: Notes = {}
    acc: Acc = _NotingAcc(notes)
    for name, value in empty(track).items():
        dict.__setitem__(acc, name, _NotingTable(name, notes) if name in _TABLE_PARTS else value)
    apply(acc, by_key(e for e in facts if track in e.body["tracks"]))
    return notes


# -- which slots make a fact ------------------------------------------------------------------------
Side = Callable[[str], str]  # actor -> its side (projections.family.side_of)
# (part, key, slot, side) -> the fact's leading fields this slot speaks for (an actor, an actor and
# an issue ...), or None if it is not part of the fact
Pick = Callable[[str, str, Sequence[Any], Side], "tuple[str, ...] | None"]


def _by_side(part: str, key: str, slot: Sequence[Any], side: Side) -> tuple[str, ...] | None:
    return (side(key.split(SEP, 1)[0]),)


def _left(part: str, key: str, slot: Sequence[Any], side: Side) -> tuple[str, ...] | None:
    actor, other = key.split(SEP, 1)
    if part == "excluded" and not (other and side(other) == side(actor)):
        return None  # excluded by others, not left (see table's legacy self-exclusion)
    return (side(actor),)


def _excluded(part: str, key: str, slot: Sequence[Any], side: Side) -> tuple[str, ...] | None:
    actor, excluder = key.split(SEP, 1)
    return None if excluder and side(excluder) == side(actor) else (side(actor),)


def _claimant(part: str, key: str, slot: Sequence[Any], side: Side) -> tuple[str, ...] | None:
    return (key.split(SEP, 1)[0],)


def _mediator(part: str, key: str, slot: Sequence[Any], side: Side) -> tuple[str, ...] | None:
    return None if part == "roles" and slot[VALUES] != "mediator" else (key,)


def _observer(part: str, key: str, slot: Sequence[Any], side: Side) -> tuple[str, ...] | None:
    return None if part == "roles" and slot[VALUES] != "observer" else (side(key),)


def _whole(part: str, key: str, slot: Sequence[Any], side: Side) -> tuple[str, ...] | None:
    return tuple(key.split(SEP)) if key else ()


# A why path's field -> the accumulator parts its facts are put in, and how a slot names its fact.
# Fields not here are entities (meetings, proposals ...): the state names all of their events.
FIELDS: dict[str, tuple[tuple[str, ...], Pick]] = {
    "parties": (("presence",), _by_side),
    "left": (("left", "excluded"), _left),
    "excluded": (("excluded",), _excluded),
    "seat_demands": (("seats", "claimants"), _claimant),
    "mediators": (("offers", "roles", "hosted"), _mediator),
    "observers": (("roles",), _observer),  # observers by role only (families.table), not who spoke
    "stances": (("stances",), _whole),
    "status": (("opened", "status"), _whole),
    "status_since": (("opened", "status"), _whole),
    "title": (("opened", "status"), _whole),  # the state names the status event for it (tracker.present)
    "agenda": (("agenda",), lambda part, key, slot, side: ()),
}


def _says(part: str, slot: Sequence[Any]) -> Any:
    """What a slot says, for telling a corroboration from a superseded fact (None: every slot of
    the part says the same, e.g. any seat at the table)."""
    if part in ("stances", "status", "roles", "offers"):
        return slot[VALUES]  # the stance; the new status; the role
    if part == "opened":
        return slot[VALUES + 2]  # the initial status
    return None


@dataclass(frozen=True)
class Traced:
    role: Role
    event: Ev


def trace(field: str, rest: Sequence[str], event_ids: Sequence[str], facts: Iterable[Ev], notes: Notes,
          side: Side) -> list[Traced]:
    """The events behind the fact(s) a why path names, with their roles, ordered by date then
    position. `field` and `rest` are the path (a field of TrackState, then the values of its
    items' leading fields); `event_ids` those the state names for it; `facts` the track's
    prepared facts; `notes` what `record` noted from them."""
    by_id = {e.id: e for e in facts}
    setting = set(event_ids)
    found: dict[str, Traced] = {}
    if field in FIELDS:
        parts, pick = FIELDS[field]
        groups: dict[tuple[str, ...], list[tuple[str, list[Any]]]] = {}
        for (part, key), slots in notes.items():
            if part not in parts:
                continue
            for slot in slots:
                names = pick(part, key, slot, side)
                if names is not None and all(a == b for a, b in zip(names, rest, strict=False)):
                    groups.setdefault(names, []).append((part, slot))
        for noted in groups.values():
            _roles(noted, setting, by_id, found)
    else:  # entities: in each, the latest sets; earlier events of its type corroborate, the rest were superseded
        entities: dict[tuple[str, str] | None, list[Ev]] = {}
        for e in by_key(by_id[i] for i in dict.fromkeys(event_ids) if i in by_id):
            entities.setdefault(entity_of(e.body), []).append(e)
        for events in entities.values():
            for e in events:
                role: Role = ("sets" if e is events[-1] else "corroborates" if e.type == events[-1].type
                              else "superseded")
                found[e.id] = Traced(role, e)
    for eid in event_ids:  # a fact the state names but no slot noted (cannot happen; never hide one)
        if eid not in found and eid in by_id:
            found[eid] = Traced("sets", by_id[eid])
    return sorted(found.values(), key=lambda t: t.event.key)


_RANK: Mapping[Role, int] = {"sets": 0, "corroborates": 1, "superseded": 2, "bears on": 3}


def _roles(noted: list[tuple[str, list[Any]]], setting: set[str], by_id: Mapping[str, Ev],
           found: dict[str, Traced]) -> None:
    """Roles within one fact (one side's seat, one actor's stance on one issue): those the state
    names set it; the others corroborate it if they said what the latest of those said."""
    deciding = [(part, slot) for part, slot in noted if slot[EID] in setting]
    if not deciding:
        return  # slots of an item the state does not show (a side no longer at the table ...)
    part, slot = max(deciding, key=lambda ps: by_id[ps[1][EID]].key if ps[1][EID] in by_id else ("", 0))
    says = _says(part, slot)
    for p, s in noted:
        ev = by_id.get(s[EID])
        if ev is None:
            continue
        role: Role = ("sets" if s[EID] in setting else "corroborates" if _says(p, s) == says
                      else "superseded")
        old = found.get(ev.id)
        if old is None or _RANK[role] < _RANK[old.role]:
            found[ev.id] = Traced(role, ev)


# -- the result views show --------------------------------------------------------------------------
@dataclass(frozen=True)
class ProvenanceEntry:
    """One event behind a fact, as known at the moment viewed."""

    role: Role
    position: int
    event: Event  # corrections known at the moment applied
    corrected: bool = False
    claim_status: str = "confirmed"  # after the claim status changes known at the moment
    grades: tuple[str, ...] = ()  # of each of the event's sources, in order ('B2', '?3', ''; projections.grades)
    recorded_by: str = "unknown"  # who logged it (filled by the service, from the store)


@dataclass(frozen=True)
class Provenance:
    """Every event behind a fact of a track at a moment, by date then position."""

    track: str
    fact: str  # the path as read: "parties usa", "stances rus european-peacekeepers"
    moment: str  # the moment's label
    event_ids: tuple[str, ...]  # those the state names for the fact (the entries that set it)
    entries: tuple[ProvenanceEntry, ...]
    # The sources of the events that set or corroborate the fact: "3 sources, 2 independent (B2, C3)".
    support: Support = field(default_factory=lambda: Support(0, 0))

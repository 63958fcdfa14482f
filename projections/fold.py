"""The fold: events of one track -> an accumulator of keyed facts (plain JSON-able dicts).

ORDER-INSENSITIVE by construction: every fact is stored under a key (an actor, an issue, ...)
with the sort key (occurred.earliest, log position) of the event that established it, and a new
event replaces the fact only if its sort key is greater ("the latest wins"); first mentions keep
the smallest key; counters are sums. So folding the same set of events in any order gives the same
accumulator, and a snapshot plus the remaining events equals a fold from scratch, even when the
remaining events include back-dated ones logged later.

This module is the generic part: the counters every track has (events, types, last activity,
days for the trend). The slots for facts, and how each event type folds into them, belong to the
fact families (projections.families, each a `projections.family.Family`); `apply` runs, for each
event, the folds the families registered for its type.

What the accumulator holds is bounded by the number of distinct actors and issues on a track, not
by the number of events: meetings, proposals, agreements and claim status changes, which grow
with the log, are folded per entity when a view needs them (projections.entities). One exception:
the stances' dated history keeps six compact values per statement (projections.families.stances).

Claim status (reported / disputed / denied) never changes what the fold keeps: it is looked up
when the state is frozen for a view, so a denial logged later marks the fact as denied instead of
silently replacing it with an older one ("denied claims stay visible as denied, never as facts").
"""

from __future__ import annotations

from collections.abc import Iterable

from projections.facts import (
    EID,
    OCCURRED,
    POS,
    SEP,
    STATUS,
    VALUES,
    Acc,
    newer,
    occ_dict,
    occ_text,
    slot_key,
    slot_status,
)
from projections.families import FAMILIES
from projections.family import Fold
from projections.records import Ev
from projections.trend import score

FOLD_VERSION = 6  # bump when the accumulator's layout changes: stored read models are then rebuilt

# Event types that are not activity on the track (descriptions of the cast).
NOT_ACTIVITY = ("actor_described",)
# The parts of the accumulator a list of tracks needs (the rest is detail: who said what).
LIST_PARTS = ("track", "n", "types", *(name for f in FAMILIES for name in f.list_slots), "last", "days")

# event type -> the families' folds for it
_FOLDS: dict[str, tuple[Fold, ...]] = {}
for _family in FAMILIES:
    for _type, _fold in _family.folds.items():
        _FOLDS[_type] = (*_FOLDS.get(_type, ()), _fold)

__all__ = ["EID", "OCCURRED", "POS", "SEP", "STATUS", "VALUES", "Acc", "occ_dict", "occ_text", "slot_key",
           "slot_status"]


def empty(track: str) -> Acc:
    acc: Acc = {
        "track": track,
        "n": 0,  # events folded (facts, not record-keeping acts)
        "types": {},  # event type -> count
    }
    for family in FAMILIES:  # each family's slots (projections.families)
        for name, make in family.slots.items():
            acc[name] = make()
    acc["last"] = None  # [..]  latest activity
    acc["days"] = {}  # occurred.earliest day -> [score sum, events]  (for the trend)
    return acc


def apply(acc: Acc, events: Iterable[Ev]) -> Acc:
    """Fold `events` (amended, already filtered to the moment and to this track) into `acc`.

    Mutates and returns `acc`; callers that keep a snapshot pass a copy.
    """
    types = acc["types"]
    days = acc["days"]
    folds = _FOLDS
    for ev in events:
        b = ev.body
        t = b["type"]
        occ = b["occurred"]
        earliest = occ["earliest"]
        key = (earliest, ev.position)
        status = b.get("status", "confirmed")
        head = [ev.position, b["id"], "" if status == "confirmed" else status, occ_text(occ)]
        acc["n"] += 1
        types[t] = types.get(t, 0) + 1
        if t not in NOT_ACTIVITY:
            if newer(acc["last"], key):
                acc["last"] = head
            day = days.get(earliest)
            if day is None:
                day = days[earliest] = [0, 0]
            day[0] += score(b)
            day[1] += 1
        for fold_one in folds.get(t, ()):
            fold_one(acc, b, key, head)
    return acc


# What LIST_PARTS take from an event, for every type but those folded into a family's list slots
# (the track's title, status and reason are in the body): kept beside each fact in the read
# model's index, so a list of tracks folds without parsing events.
LIST_NEEDS_BODY = tuple(t for f in FAMILIES if f.list_slots for t in f.folds)
ListFact = tuple[int, str, str, str, str, str, int]  # position, earliest, type, id, status, occurred, score


def list_fact(ev: Ev) -> ListFact:
    b = ev.body
    occ = b["occurred"]
    status = b.get("status", "confirmed")
    return (ev.position, occ["earliest"], b["type"], b["id"], "" if status == "confirmed" else status,
            occ_text(occ), score(b))


def apply_list_facts(acc: Acc, facts: Iterable[ListFact]) -> Acc:
    """What `apply` does to the LIST_PARTS of `acc`, from the `list_fact`s of events of a type not
    in LIST_NEEDS_BODY (amended, filtered, as for `apply`). The other parts are untouched."""
    types = acc["types"]
    days = acc["days"]
    for position, earliest, t, eid, status, occ, points in facts:
        acc["n"] += 1
        types[t] = types.get(t, 0) + 1
        if t not in NOT_ACTIVITY:
            if newer(acc["last"], (earliest, position)):
                acc["last"] = [position, eid, status, occ]
            day = days.get(earliest)
            if day is None:
                day = days[earliest] = [0, 0]
            day[0] += points
            day[1] += 1
    return acc


def fold(track: str, events: Iterable[Ev]) -> Acc:
    return apply(empty(track), events)

"""The reference replay: a whole log folded to a track's state at a moment.

The rule of the two time axes is projections.moment's; this module applies it to a log in memory,
and every faster path (the read model's snapshots and indexes) must give the same states.

Order of facts: by (occurred.earliest, log position); see projections.fold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from projections import amend as am
from projections import entities as ent
from projections.fold import Acc, apply, empty
from projections.freeze import freeze
from projections.moment import Moment
from projections.records import AMENDMENT_TYPES, Ev
from projections.state import ActorInfo, TrackState


def prepare(events: Iterable[Ev], moment: Moment = Moment()) -> list[Ev]:
    """The facts as they stand at `moment`: amended, retractions dropped, filtered on both axes."""
    facts, acts = am.split(events)
    return prepare_with(facts, am.resolve(acts, moment.known_text), moment)


def prepare_with(events: Iterable[Ev], amendments: am.Amendments, moment: Moment) -> list[Ev]:
    """`prepare` with the amendments already resolved at the moment (the read model fetches only
    those that bear on the events it reads); record-keeping acts among `events` are left out."""
    out = []
    for ev in events:
        if ev.body["type"] in AMENDMENT_TYPES or not moment.known(ev):
            continue
        fixed = am.amend(ev, amendments)
        if fixed is not None and moment.happened(fixed):
            out.append(fixed)
    return out


def claims_index(facts: Iterable[Ev]) -> dict[str, list[Ev]]:
    out: dict[str, list[Ev]] = {}
    for ev in facts:
        if ev.body["type"] == "claim_status_changed":
            out.setdefault(ev.body["target"], []).append(ev)
    return out


def registry(facts: Iterable[Ev]) -> dict[str, ActorInfo]:
    groups = ent.group(e for e in facts if e.body["type"] == "actor_described").get("actor", {})
    return {aid: info for aid, evs in groups.items() if (info := ent.actor_info(aid, evs))}


def tracks_of(facts: Iterable[Ev]) -> list[str]:
    return sorted({t for ev in facts for t in ev.body["tracks"]})


def fold_track(facts: Iterable[Ev], track: str, acc: Acc | None = None) -> Acc:
    return apply(acc if acc is not None else empty(track), (e for e in facts if track in e.body["tracks"]))


def state_from_facts(facts: Sequence[Ev], track: str, moment: Moment = Moment(), today: date | None = None,
                     acc: Acc | None = None) -> TrackState | None:
    """A track's state from prepared facts (see `prepare`); the reference every fast path equals."""
    mine = [e for e in facts if track in e.body["tracks"]]
    if not mine and acc is None:
        return None
    acc = fold_track(mine, track, acc)
    by_id = {e.id: e for e in facts}
    return freeze(acc, ent.group(mine), claims_index(facts), registry(facts), as_of=moment.as_of,
                  today=today or moment.as_of, label=moment.label(), targets=by_id)


def replay_track(events: Iterable[Ev], track: str, moment: Moment = Moment(), today: date | None = None) -> TrackState | None:
    """Fold a whole log (any order) to one track's state at `moment`. Pure; no snapshots."""
    return state_from_facts(prepare(events, moment), track, moment, today)

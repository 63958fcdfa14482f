"""Replay on two time axes: as it stood on D (valid time), as we knew it on K (transaction time).

VALID TIME, `as_of` = D: an event counts once the earliest day it may have happened has come,
i.e. occurred.earliest <= D. An event dated imprecisely ("week of 10 Feb", "Feb 2025", a range)
whose interval reaches past D (occurred.latest > D) is counted but flagged `uncertain` in the
view: it may have happened by D, or only later. So "week of 10 Feb" counts from Monday 10 Feb on,
flagged until Sunday 16 Feb, and is certain from 17 Feb on. The same rule everywhere: states,
timelines, diffs, trends.

TRANSACTION TIME, `known_at` = K: only events recorded by K (recorded_at <= K) count, and only
the corrections and retractions recorded by K are honoured (projections.amend). Corrections and
retractions are record-keeping acts, not events in the world: they are not filtered by D.

Both axes combine: Moment(as_of=15 Feb, known_at=18 Feb) is "as it stood on 15 Feb, as we knew
it on 18 Feb". Moment() is "now": everything logged, whatever its date.

Order of facts: by (occurred.earliest, log position); see projections.fold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from projections import amend as am
from projections import entities as ent
from projections.fold import Acc, apply, empty
from projections.freeze import freeze
from projections.records import Ev, recorded_text
from projections.state import ActorInfo, TrackState


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


@dataclass(frozen=True)
class Moment:
    """A point on both axes: as it stood on `as_of` (valid time), as known at `known_at`."""

    as_of: date | None = None
    known_at: datetime | None = None

    def label(self) -> str:
        parts = []
        if self.as_of is not None:
            parts.append(f"as of {_fmt(self.as_of)}")
        if self.known_at is not None:
            parts.append(f"as known on {_fmt(self.known_at.date())}")
        return ", ".join(parts) or "now"

    @property
    def as_of_text(self) -> str | None:
        return self.as_of.isoformat() if self.as_of is not None else None

    @property
    def known_text(self) -> str | None:
        return recorded_text(self.known_at) if self.known_at is not None else None

    def __bool__(self) -> bool:  # Moment() is "now"
        return self.as_of is not None or self.known_at is not None


def known(ev: Ev, known_text: str | None) -> bool:
    return known_text is None or ev.recorded_at <= known_text


def happened(ev: Ev, as_of_text: str | None) -> bool:
    return as_of_text is None or ev.body["occurred"]["earliest"] <= as_of_text


def prepare(events: Iterable[Ev], moment: Moment = Moment()) -> list[Ev]:
    """The facts as they stand at `moment`: amended, retractions dropped, filtered on both axes."""
    facts, acts = am.split(events)
    k, d = moment.known_text, moment.as_of_text
    amendments = am.resolve(acts, k)
    out = []
    for ev in facts:
        if not known(ev, k):
            continue
        fixed = am.amend(ev, amendments)
        if fixed is not None and happened(fixed, d):
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


def replay_all(events: Iterable[Ev], moment: Moment = Moment(), today: date | None = None) -> list[TrackState]:
    facts = prepare(events, moment)
    return [s for t in tracks_of(facts) if (s := state_from_facts(facts, t, moment, today))]

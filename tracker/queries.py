"""Application entry points for the views (command line and terminal UI).

Every function takes the store and a `Moment` (projections.replay): Moment() is now,
Moment(as_of=D) is "as it stood on D", Moment(known_at=K) is "as we knew it at K", and both
combine. The read model (tracker.readmodel) is caught up first when the file is writable; on a
read-only file that is behind, everything is folded in memory from the log.

The queries run with the cyclic garbage collector paused (tracker.gcpause): they allocate in
bulk, and its full collections made the slowest as-of queries twice as slow.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from datetime import date, datetime

from projections.actors import actor_state as fold_actor
from projections.diff import diff as diff_states
from projections.records import Ev
from projections.replay import Moment, claims_index, prepare, registry, tracks_of
from projections.state import ActorInfo, ActorState, TimelineEntry, TrackDiff, TrackState
from projections.timeline import NOT_HAPPENINGS, in_range
from projections.timeline import timeline as timeline_of
from tracker.gcpause import paused_collector
from tracker.readmodel import FAR_DAY, ReadModel, prepare_some, summary
from tracker.store import EventStore, StoredEvent

_models: weakref.WeakKeyDictionary[EventStore, ReadModel] = weakref.WeakKeyDictionary()


def read_model(store: EventStore) -> ReadModel:
    """The store's read model, caught up (when the file is writable)."""
    rm = _models.get(store)
    if rm is None:
        rm = _models[store] = ReadModel(store)
    rm.catch_up()
    return rm


def _today(moment: Moment) -> date:
    # Which meetings are "upcoming": as of D, those after D; now, those after today.
    return moment.as_of or date.today()


# -- tracks ---------------------------------------------------------------------------------------
@paused_collector
def track_states(store: EventStore, moment: Moment = Moment(), *, detail: bool = False) -> list[TrackState]:
    """Every track at `moment`, by id. Without `detail`, summaries for lists (TrackState.detail is
    False): title, status and since when, trend, last activity, next meeting, event count."""
    rm = read_model(store)
    if not rm.current():
        facts = prepare(rm.all_events(), moment)
        from projections.replay import state_from_facts

        states = [state_from_facts(facts, t, moment, _today(moment)) for t in tracks_of(facts)]
        return [s if detail else summary(s) for s in states if s is not None]
    if not moment and not detail:
        return rm.list_states(_today(moment))
    out = []
    for track in rm.tracks(moment):
        state = rm.state(track, moment, _today(moment), detail=detail)
        if state is not None:
            out.append(state)
    return out


def kept_track_states(store: EventStore) -> list[TrackState] | None:
    """The list of tracks as known now if the read model is current and holds every row of it
    already; else None. Reads only (no catch-up, no fold): cheap enough for the UI's first paint."""
    rm = ReadModel(store)
    if not rm.current():
        return None
    return rm.kept_list_states(_today(Moment()))


@paused_collector
def track_state(store: EventStore, track_id: str, moment: Moment = Moment()) -> TrackState | None:
    """One track at `moment`, in full; None if nothing is known about it then."""
    return read_model(store).state(track_id, moment, _today(moment))


def tracks(store: EventStore) -> list[str]:
    """Every track id in the log."""
    return store.distinct("track")


# -- timeline -------------------------------------------------------------------------------------
@paused_collector
def timeline(store: EventStore, track_id: str | None, moment: Moment = Moment(), date_from: date | None = None,
             date_to: date | None = None, limit: int | None = None) -> list[TimelineEntry]:
    """What happened, in order (occurred.earliest, then log position); `limit` keeps the latest."""
    rm = read_model(store)
    if not rm.current():
        facts = prepare(rm.all_events(), moment)
        return timeline_of(facts, claims_index(facts), track_id, moment.as_of, date_from, date_to, limit)
    upper = min(moment.as_of_text or FAR_DAY, date_to.isoformat() if date_to else FAR_DAY)
    k = moment.known_text or "~"
    if track_id is None:
        base = ("SELECT position FROM events WHERE occurred_earliest <= ? AND recorded_at <= ? "
                "AND type NOT IN ('actor_described', 'correction', 'retraction')")
        order = " ORDER BY occurred_earliest DESC, position DESC LIMIT ? OFFSET ?"
        args: list[object] = [upper, k]
    else:
        base = "SELECT position FROM rm_track_events WHERE track = ? AND earliest <= ? AND recorded_at <= ?"
        order = " ORDER BY earliest DESC, position DESC LIMIT ? OFFSET ?"
        args = [track_id, upper, k]
    # Newest first in pages until `limit` entries are in range; corrections that moved an event
    # are judged on the corrected form, so moved events are fetched on their own.
    moved = set(rm.moved_positions(moment.known_text))
    picked: dict[int, Ev] = {}
    page, offset = 500, 0
    lower = date_from.isoformat() if date_from else ""
    while True:
        rows = [r[0] for r in rm.conn.execute(base + order, (*args, page, offset))]
        offset += page
        evs = rm._fetch_positions([p for p in rows if p not in moved])
        for ev in _amended(rm, evs, moment):
            if _wanted(ev, track_id, date_from, date_to):
                picked[ev.position] = ev
        if not rows or (limit is not None and len(picked) >= limit):
            break
        if lower and evs and min(e.earliest for e in evs) < _minus_days(lower, MAX_SPAN_DAYS):
            break  # events dated this long before date_from cannot reach into it
    for ev in _amended(rm, rm._fetch_positions(sorted(moved)), moment):
        if _wanted(ev, track_id, date_from, date_to):
            picked[ev.position] = ev
    facts = list(picked.values())
    claims = rm.claims_for([e.id for e in facts], moment)
    return timeline_of(facts, claims, track_id, moment.as_of, date_from, date_to, limit)


MAX_SPAN_DAYS = 366  # the longest date interval the paged timeline looks back for


def _minus_days(day: str, n: int) -> str:
    from datetime import timedelta

    return (date.fromisoformat(day) - timedelta(days=n)).isoformat()


def _amended(rm: ReadModel, evs: Sequence[Ev], moment: Moment) -> list[Ev]:
    amendments = rm._amendments_for([e.id for e in evs], moment.known_text)
    return prepare_some(evs, amendments, moment)


def _wanted(ev: Ev, track: str | None, date_from: date | None, date_to: date | None) -> bool:
    return (ev.body["type"] not in NOT_HAPPENINGS and (track is None or track in ev.body["tracks"])
            and in_range(ev, date_from, date_to))


# -- actors ---------------------------------------------------------------------------------------
@paused_collector
def actors(store: EventStore) -> list[ActorInfo]:
    """Every described actor (as described now), by id; actors never described come with their id."""
    rm = read_model(store)
    if not rm.current():
        found = registry(prepare(rm.all_events()))
    else:
        found = rm.registry_for(store.distinct("actor") + [r[0] for r in rm.conn.execute(
            "SELECT DISTINCT entity FROM rm_entities WHERE kind = 'actor'")], Moment())
    ids = sorted(set(found) | set(store.distinct("actor")))
    return [found.get(a) or ActorInfo(id=a, name=a) for a in ids]


@paused_collector
def actor_state(store: EventStore, actor_id: str, moment: Moment = Moment()) -> ActorState | None:
    """Who said what, on which tracks; the actor's latest stance per track and issue."""
    rm = read_model(store)
    if not rm.current():
        facts = prepare(rm.all_events(), moment)
        return fold_actor(actor_id, facts, claims_index(facts), registry(facts).get(actor_id), moment.as_of)
    positions = [r[0] for r in rm.conn.execute("SELECT position FROM event_actors WHERE actor = ?", (actor_id,))]
    positions += rm.moved_positions(moment.known_text)
    facts = _amended(rm, rm._fetch_positions(sorted(set(positions))), moment)
    info = rm.registry_for([actor_id], moment).get(actor_id)
    claims = rm.claims_for([e.id for e in facts], moment)
    return fold_actor(actor_id, facts, claims, info, moment.as_of)


# -- diffs and provenance -------------------------------------------------------------------------
@paused_collector
def diff(store: EventStore, track_id: str, d1: Moment, d2: Moment) -> TrackDiff:
    """What changed on a track from d1 to d2: parties, stances, status, meetings, proposals..."""
    before = track_state(store, track_id, d1)
    after = track_state(store, track_id, d2)
    return diff_states(before, after, track_id, d1.label(), d2.label())


@paused_collector
def why(store: EventStore, event_ids: Sequence[str]) -> list[StoredEvent]:
    """The events behind a fact, then what bears on them: corrections, retractions, claim status
    changes (each with its sources), in log order."""
    rm = read_model(store)
    first = [e for eid in dict.fromkeys(event_ids) if (e := store.get(eid)) is not None]
    seen = {e.id for e in first}
    related: list[StoredEvent] = []
    frontier = [e.id for e in first]
    while frontier:
        marks = ",".join("?" * len(frontier))
        if rm.current():
            q = (f"SELECT position FROM rm_amendments WHERE target IN ({marks}) UNION "
                 f"SELECT position FROM rm_entities WHERE kind = 'claim' AND entity IN ({marks})")
            args = [*frontier, *frontier]
        else:
            q = ("SELECT position FROM events WHERE type IN ('correction', 'retraction', 'claim_status_changed') "
                 f"AND json_extract(body, '$.target') IN ({marks})")
            args = frontier
        found = [store.at(r[0]) for r in store.conn.execute(q, args)]
        frontier = []
        for e in found:
            if e is not None and e.id not in seen:
                seen.add(e.id)
                related.append(e)
                frontier.append(e.id)
    return first + sorted(related, key=lambda e: e.position)


def dated_event_days(store: EventStore, moment_known_at: datetime | None = None) -> list[date]:
    """Sorted distinct days on which something may first have happened (occurred.earliest), for
    stepping a view from one dated event to the next."""
    acts = "('actor_described', 'correction', 'retraction')"  # record keeping, not happenings
    if moment_known_at is not None:
        rows = store.conn.execute(
            f"SELECT DISTINCT occurred_earliest FROM events WHERE type NOT IN {acts} AND recorded_at <= ? ORDER BY 1",
            (Moment(known_at=moment_known_at).known_text,))
        return [date.fromisoformat(r[0]) for r in rows]
    # Every day, from the covering index alone, less the few days on which only record keeping is
    # dated: 0.16 s on the 1M benchmark log, against 0.7-1.5 s filtering every row by its type
    # (and a step in time pays it each time).
    every = [r[0] for r in store.conn.execute("SELECT DISTINCT occurred_earliest FROM events ORDER BY 1")]
    only_acts = {r[0] for r in store.conn.execute(
        f"SELECT d FROM (SELECT DISTINCT occurred_earliest AS d FROM events WHERE type IN {acts}) "
        f"WHERE NOT EXISTS (SELECT 1 FROM events h WHERE h.occurred_earliest = d AND h.type NOT IN {acts})")}
    return [date.fromisoformat(d) for d in every if d not in only_acts]


@paused_collector
def rebuild(store: EventStore) -> ReadModel:
    """Recreate every read model from the log."""
    rm = _models.get(store) or ReadModel(store)
    _models[store] = rm
    rm.rebuild()
    return rm


__all__ = [
    "Moment", "actor_state", "actors", "dated_event_days", "diff", "read_model", "rebuild",
    "timeline", "track_state", "track_states", "tracks", "why",
]

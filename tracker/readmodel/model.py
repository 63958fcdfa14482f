"""Read models in the log's SQLite file: folded state kept current, indexes, snapshots.

Tables (all prefixed `rm_`, ordinary tables beside the append-only log; `rebuild` drops and
recreates them from the log):

- `rm_checkpoint(name, position)`: the last log position applied. Every change to the read model
  happens in the same transaction as the checkpoint update, so a crash leaves both as they were.
- `rm_meta`: layout version and the highest recorded_at seen so far.
- `rm_track_state(track, acc, list_parts, max_day, since_snapshot)`: each track's accumulator
  (projections.fold) over everything logged: "now"; `list_parts` is its fold.LIST_PARTS alone.
- `rm_track_events(track, earliest, position, recorded_at, backdated, ...)`: the facts of each
  track by date, for replay deltas; `rm_entities(kind, entity, track, day, ...)`: events by meeting,
  proposal, agreement, claim target and actor, so a view fetches only the entities it shows;
  `rm_amendments`: corrections and retractions with the event they ultimately amend (the root).
- `rm_snapshots(track, kind, day, position, recorded, list_parts, acc)`: folded accumulators at cut
  points.
- `rm_list_rows(track, today, state)`: each track's list row (`TrackState.list_row`) as known now, the row of
  the list of tracks, kept from the first time it is asked for until an event touches the track.

A snapshot (D_s, P_s, R_s) holds the fold of the track's facts with occurred.earliest <= D_s and
position <= P_s, amended by the corrections and retractions at positions <= P_s; R_s is the
highest recorded_at among positions <= P_s. It serves a query (D, K) when D_s <= D and R_s <= K
and no correction or retraction logged after P_s (and known by K) amends an event of the track
logged by P_s. The rest is the events with earliest in (D_s, D], or recorded in (R_s, K], or logged
after P_s with an earlier recorded_at (back-dated): three index range scans. Since the fold is
order-insensitive, folding those into the snapshot gives the same accumulator as a fold from
scratch. Two series of snapshots are kept per track: by valid time with everything known
("valid": P_s = the log's head when built), and along the diagonal ("diag": as it stood on D_s as
known at the end of D_s), for known-at queries.

When the file is read-only, nothing is written: the read model is used if it is current, else
everything is folded in memory from the log.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic_core import from_json, to_json

from projections import amend as am
from projections import entities as ent
from projections.families import FAMILIES
from projections.fold import (
    FOLD_VERSION,
    LIST_NEEDS_BODY,
    LIST_PARTS,
    Acc,
    ListFact,
    apply,
    apply_list_facts,
    empty,
    list_fact,
)
from projections.freeze import acc_actors, freeze, needed_ids
from projections.moment import FAR_DAY, Moment
from projections.records import AMENDMENT_TYPES, Ev, normalise
from projections.replay import (
    claims_index,
    fold_track,
    prepare,
    prepare_with,
    registry,
    state_from_facts,
)
from projections.state import ActorInfo, TrackState
from tracker.gcpause import paused_collector
from tracker.readmodel.progress import LIST_CHECK_PROGRESS, STRIDE, Meter, Progress
from tracker.readmodel.snapshots import SnapshotWriter, insert_snapshot, pack
from tracker.store import EventStore, ReadOnlyStore, StoreError

LAYOUT = f"11.{FOLD_VERSION}"  # bump when the rm_ tables change: the read model is then rebuilt
SNAPSHOT_EVERY = 1000  # facts of a track between two snapshots of a series
REFRESH_AFTER = 8 * SNAPSHOT_EVERY  # facts appended to a track before its snapshots are redone
# `list_rows_disagreeing` folds the whole log in memory up to this many events (a fold costs about
# 7 s and 280 MB per 100,000 events, more than the walk of the chain it follows), and above it
# compares with the read model's own state of each track instead (0.4 s for 100,000 events).
LIST_REFOLD_MAX = 20_000
BULK_AFTER = 10_000  # a catch-up of more new events than this, and than the log held, is a rebuild
CHUNK = 500
# The first page of a kind's latest entities (_latest_entities): rows per entity wanted, and some.
PAGE_ROWS_PER_ENTITY, PAGE_EXTRA_ROWS = 3, 16
BODIES_KEPT = 100_000  # event bodies a server log's read model keeps in memory (~50 MB at most)
PARSED_KEPT = 50_000  # parsed events a read model keeps for its states' reads (~1.4 KB each: 70 MB)
# Correction fields that move an event in the indexes (date, tracks, which entity it belongs to, a
# planned date that ranks it): taken from the families' entities, so a new entity cannot miss it.
RANKING_FIELDS = frozenset({"occurred", "tracks", "target", "actor", "type"}
                           | {f for fam in FAMILIES if fam.entity for f in fam.entity.ids.values()}
                           | {f for fam in FAMILIES if fam.entity for f in fam.entity.planned.values()})
WHEN_FIELDS = frozenset({"occurred", "tracks"})
ACTOR_FIELDS = frozenset({"name", "kind", "role", "affiliation"})  # what rm_actor_info copies

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS rm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS rm_checkpoint (name TEXT PRIMARY KEY, position INTEGER NOT NULL)",
    ("CREATE TABLE IF NOT EXISTS rm_track_state (track TEXT PRIMARY KEY, acc TEXT NOT NULL, "
    "list_parts TEXT NOT NULL, max_day TEXT NOT NULL, since_snapshot INTEGER NOT NULL DEFAULT 0)"),
    # type .. score: the event's fold.list_fact, so a list of tracks as of D folds without
    # parsing the events since the snapshot (134k of them for every track of the 1M log).
    ("CREATE TABLE IF NOT EXISTS rm_track_events (track TEXT NOT NULL, earliest TEXT NOT NULL, "
    "position INTEGER NOT NULL, recorded_at TEXT NOT NULL, known_day TEXT NOT NULL, "
    "backdated INTEGER NOT NULL DEFAULT 0, type TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL, "
    "occurred TEXT NOT NULL, score INTEGER NOT NULL, PRIMARY KEY (track, earliest, position)) WITHOUT ROWID"),
    "CREATE INDEX IF NOT EXISTS rm_track_events_recorded ON rm_track_events (track, recorded_at)",
    "CREATE INDEX IF NOT EXISTS rm_track_events_backdated ON rm_track_events (track, position) WHERE backdated = 1",
    ("CREATE TABLE IF NOT EXISTS rm_entities (kind TEXT NOT NULL, entity TEXT NOT NULL, track TEXT NOT NULL, "
    "day TEXT NOT NULL, earliest TEXT NOT NULL, position INTEGER NOT NULL, recorded_at TEXT NOT NULL, "
    "retracted_at TEXT, reranked_at TEXT, PRIMARY KEY (kind, entity, track, position)) WITHOUT ROWID"),
    "CREATE INDEX IF NOT EXISTS rm_entities_day ON rm_entities (track, kind, day)",
    "CREATE INDEX IF NOT EXISTS rm_entities_position ON rm_entities (position)",
    "CREATE INDEX IF NOT EXISTS rm_entities_reranked ON rm_entities (kind, reranked_at) WHERE reranked_at IS NOT NULL",
    # What actor_described events say, so a view's cast is read without parsing event bodies.
    ("CREATE TABLE IF NOT EXISTS rm_actor_info (position INTEGER PRIMARY KEY, id TEXT NOT NULL, name TEXT NOT NULL, "
    "kind TEXT NOT NULL, role TEXT, affiliation TEXT)"),
    ("CREATE TABLE IF NOT EXISTS rm_amendments (position INTEGER PRIMARY KEY, id TEXT NOT NULL, "
    "type TEXT NOT NULL, target TEXT NOT NULL, root TEXT NOT NULL, root_position INTEGER NOT NULL, "
    "root_earliest TEXT NOT NULL, recorded_at TEXT NOT NULL, touches_when INTEGER NOT NULL, reranks INTEGER NOT NULL)"),
    "CREATE INDEX IF NOT EXISTS rm_amendments_rootpos ON rm_amendments (root_position)",
    "CREATE INDEX IF NOT EXISTS rm_amendments_recorded ON rm_amendments (recorded_at)",
    "CREATE INDEX IF NOT EXISTS rm_amendments_target ON rm_amendments (target)",
    "CREATE INDEX IF NOT EXISTS rm_amendments_root ON rm_amendments (root)",
    # An amendment of an amendment finds its target's root by id: without this, a scan per amendment.
    "CREATE INDEX IF NOT EXISTS rm_amendments_id ON rm_amendments (id)",
    "CREATE INDEX IF NOT EXISTS rm_amendments_when ON rm_amendments (recorded_at) WHERE touches_when = 1",
    # A rowid table, not WITHOUT ROWID: its rows run to a megabyte, and a WITHOUT ROWID table keeps
    # whole rows in its B-tree's interior cells, so even listing a track's snapshots read every
    # blob (54 ms for one busy track of the 1M benchmark log). Queries pick a snapshot from the
    # covering index, then read one row.
    ("CREATE TABLE IF NOT EXISTS rm_snapshots (track TEXT NOT NULL, kind TEXT NOT NULL, day TEXT NOT NULL, "
    "position INTEGER NOT NULL, recorded TEXT NOT NULL, horizon INTEGER NOT NULL, list_parts TEXT NOT NULL, "
    "acc BLOB NOT NULL, deferred TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (track, kind, day, position))"),
    "CREATE INDEX IF NOT EXISTS rm_snapshots_pick ON rm_snapshots (track, day, recorded, kind, position, horizon)",
    # For each day, the last position whose running max of recorded_at falls on that day.
    "CREATE TABLE IF NOT EXISTS rm_runmax (day TEXT PRIMARY KEY, position INTEGER NOT NULL, recorded TEXT NOT NULL)",
    # Each track's row in the list of tracks as known now, for the day it was made on (which meeting is
    # "next" depends on it): the JSON of its list row, or 'null' for a track with no state.
    "CREATE TABLE IF NOT EXISTS rm_list_rows (track TEXT PRIMARY KEY, today TEXT NOT NULL, state TEXT NOT NULL)",
]
TABLES = ("rm_meta", "rm_checkpoint", "rm_track_state", "rm_track_events", "rm_entities", "rm_amendments",
          "rm_snapshots", "rm_runmax", "rm_actor_info", "rm_list_rows")


def dumps(acc: Acc) -> str:
    # Sorted keys: the same accumulator is the same text, whatever order it was built in.
    return json.dumps(acc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _list_parts_text(acc: Acc) -> str:
    return to_json({k: acc[k] for k in LIST_PARTS}).decode("utf-8")


def _unpack(blob: bytes) -> Acc:
    return _parse_acc(zlib.decompress(blob))


def _parse_acc(text: bytes | str) -> Acc:
    # A busy track's accumulator holds thousands of distinct strings: pydantic-core's string cache
    # only slows its parse down (6.4 ms instead of 8.6 for the 2.3 MB of the 1M benchmark's busiest).
    return from_json(text, cache_strings=False)


def _fetch_all(conn: Any, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
    """Every row of each statement: on a server in one round trip (tracker.store.pgsql)."""
    together = getattr(conn, "fetch_all", None)
    if together is not None:
        return together(statements)  # type: ignore[no-any-return]
    return [conn.execute(q, args).fetchall() for q, args in statements]


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True)
class Snapshot:
    kind: str  # "valid", "diag", "now" (the current accumulator) or "empty"
    day: str  # D_s
    position: int  # P_s
    recorded: str  # R_s
    horizon: int  # the corrections and retractions applied are those at positions <= horizon


class ReadModel:
    """The read model of one store. Cheap to create; `catch_up` before reading."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.conn: sqlite3.Connection = store.conn
        self._memory: tuple[int, list[Ev]] | None = None  # read-only fallback: (head, every event)
        self._caches: dict[str, tuple[int | None, Any]] = {}  # name -> (checkpoint, value)
        self._writer: SnapshotWriter | None = None  # while a rebuild or catch-up writes snapshots
        self.progress: Progress | None = None  # told how far a long build has got (readmodel.progress)
        self._tables_seen = False  # every rm_ table was there, in this layout, when last looked at
        self._pin: tuple[int | None, dict[str, str]] | None = None  # see _pinned()
        # A server log's event bodies by position, as fetched: a log position's body never
        # changes, and each fetch is a round trip (a third of an as-of query's time on a server).
        self._bodies: dict[int, str] | None = {} if store.shared else None
        self._parsed: dict[int, Ev] = {}  # see fetch_positions

    def _cached(self, name: str, load: Any) -> Any:
        """A value derived from the rm_ tables, kept while the checkpoint stays where it is."""
        cp = self.checkpoint()
        hit = self._caches.get(name)
        if hit is None or hit[0] != cp:
            hit = self._caches[name] = (cp, load())
        return hit[1]

    def moved_positions(self, moment: Moment) -> list[int]:
        """Positions of events a correction known by K moved in time or between tracks."""
        rows = self._cached("moved", lambda: self.conn.execute(
            "SELECT root_position, recorded_at FROM rm_amendments INDEXED BY rm_amendments_when "
            "WHERE touches_when = 1").fetchall())
        k = moment.known_bound
        return sorted({p for p, r in rows if r <= k})

    # -- status -------------------------------------------------------------------------------
    def _tables(self) -> set[str]:
        return self.store.table_names("rm_")

    @contextmanager
    def _pinned(self) -> Iterator[None]:
        """Within one read (a track's state, which writes nothing), the checkpoint and rm_meta are
        read once, not at every step: each read was a round trip on a server, 30 of a query's 94."""
        if self._pin is not None:
            yield
            return
        cp = self.checkpoint()
        self._pin = (cp, dict(self.conn.execute("SELECT key, value FROM rm_meta").fetchall()) if cp is not None else {})
        try:
            yield
        finally:
            self._pin = None

    def _meta(self, key: str) -> str | None:
        if self._pin is not None:
            return self._pin[1].get(key)
        row = self.conn.execute("SELECT value FROM rm_meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def checkpoint(self) -> int | None:
        """The last log position applied, or None if there is no usable read model."""
        if self._pin is not None:
            return self._pin[0]
        # Asked a dozen times a query: the tables are listed until seen once (on a server, listing
        # them was a third of an as-of query's round trips), then only the two rows are read.
        if not self._tables_seen and not set(TABLES) <= self._tables():
            return None
        layout, cp = self.conn.execute("SELECT (SELECT value FROM rm_meta WHERE key='layout'), "
                                       "(SELECT position FROM rm_checkpoint WHERE name='log')").fetchone()
        self._tables_seen = layout == LAYOUT
        return int(cp) if layout == LAYOUT and cp is not None else None

    def current(self) -> bool:
        """True if the read model is usable and has applied every event in the log."""
        cp = self.checkpoint()
        return cp is not None and cp == self.store.head()[0]

    # -- keeping current ----------------------------------------------------------------------
    @paused_collector
    def catch_up(self) -> int:
        """Apply the events logged since the checkpoint; returns how many. No-op when read-only."""
        if self.store.readonly:
            return 0
        cp = self.checkpoint()
        if cp is None:
            self.rebuild()
            return self.store.head()[0]
        head = self.store.head()[0]
        if head == cp:
            return 0
        if head - cp > max(cp, BULK_AFTER):
            # More new events than folded ones (a big import): the one-pass rebuild is faster than
            # applying them, and holds a fraction of the memory (1M events onto an empty read
            # model: 94 s and 1.9 GB caught up, 77 s and 452 MB rebuilt). Same read model.
            self.rebuild()
            return head - cp
        with self.store._write_transaction():
            cp = self.checkpoint() or 0  # again, under the write lock: someone may have caught up
            head = self.store.head()[0]
            if head == cp:
                return 0
            self._caches.clear()
            try:
                with self._writing_snapshots():
                    self._apply_new(cp, head)
                self._set_checkpoint(head)
            finally:
                self._caches.clear()  # what was read mid-write: a rollback would leave it wrong
            return head - cp

    @paused_collector
    def rebuild(self) -> None:
        """Drop and recreate every read model from the log, in one transaction."""
        if self.store.readonly:
            raise ReadOnlyStore(f"{self.store.location} is read-only: the read model cannot be rebuilt in it")
        self._caches.clear()
        self._tables_seen = False
        with self.store._write_transaction():
            if self.store.shared and self.checkpoint() is not None:
                # Others may be reading them on the server: emptied, not dropped, they wait for the
                # commit and then read the new rows, where a dropped table would fail their query.
                for table in TABLES:
                    self.conn.execute(f"DELETE FROM {table}")
            else:
                for table in TABLES:
                    self.conn.execute(f"DROP TABLE IF EXISTS {table}")
                for stmt in SCHEMA:
                    self.conn.execute(stmt)
            self.conn.execute("INSERT INTO rm_meta(key, value) VALUES ('layout', ?), ('runmax', ''), ('lead', '0'), "
                              "('plan_lead', '0')", (LAYOUT,))
            self.conn.execute("INSERT INTO rm_checkpoint(name, position) VALUES ('log', 0)")
            head = self.store.head()[0]
            try:
                with self._writing_snapshots():
                    self._bulk_build(head)
                self._set_checkpoint(head)
            finally:
                self._caches.clear()  # what was read mid-write: a rollback would leave it wrong
        self.store.refresh_statistics()
        # A rebuild is the long wait after a big import: make the list of tracks for today too, so
        # the first screen opened next shows at once instead of folding every track again.
        self.list_states(date.today())

    def _set_checkpoint(self, position: int) -> None:
        self.conn.execute("UPDATE rm_checkpoint SET position = ? WHERE name = 'log'", (position,))

    def _runmax(self) -> str:
        return self._meta("runmax") or ""

    def _lead(self) -> int:
        """How many days after the day it was recorded an event's date may lie (logged in
        advance): events known at K are dated by K + lead, which bounds a known-at replay."""
        return int(self._meta("lead") or 0)

    def _plan_lead(self) -> int:
        """How many days after its own date an event may make its entity current (a meeting
        planned for later): bounds the search for the entities a view shows."""
        return int(self._meta("plan_lead") or 0)

    def _valid_bound(self, moment: Moment) -> str:
        """The latest occurred.earliest a fact at the moment can have (amended dates aside)."""
        d = moment.valid_bound
        if moment.known_text is not None:
            reach = (date.fromisoformat(moment.known_text[:10]) + timedelta(days=self._lead())).isoformat()
            d = min(d, reach)
        return d

    def _apply_new(self, cp: int, head: int) -> None:
        """Inside the write transaction: index the new events and fold them into the tracks."""
        new_facts: dict[str, list[Ev]] = {}
        amended_roots: list[tuple[str, int]] = []
        meter = Meter(self.progress, head - cp, "events")
        touched = self._index(self.store.iter_bodies(cp), self._scan(cp), new_facts=new_facts,
                              amended_roots=amended_roots, meter=meter)
        meter.finish()
        # Corrections and retractions of events folded before: those tracks are folded again,
        # and their snapshots redone (the old ones did not know the amendment).
        refold: set[str] = set()
        for root, root_pos in amended_roots:
            if root_pos <= cp:
                refold.update(self._tracks_of_root(root, root_pos))
        unique = list({e.position: e for evs in new_facts.values() for e in evs}.values())
        amendments = self.amendments_for([e.id for e in unique])
        # By their amended form: a correction in the same batch may have moved a fact to another track.
        fixed = [f for e in unique if (f := am.amend(e, amendments)) is not None]
        self._forget_list_rows(touched | refold, everything=bool(amended_roots) or any(
            e.body["type"] == "claim_status_changed" for e in unique))
        build: _Build | None = None
        tracks = sorted(touched | refold)
        meter = Meter(self.progress, len(tracks), "tracks updated")
        for done, track in enumerate(tracks):
            meter.at(done)
            if track not in refold and self._has_state(track):
                acc, max_day, since = self._load_state(track)
                facts = [f for f in fixed if track in f.body["tracks"]]
                apply(acc, facts)
                max_day = max([max_day, *(f.earliest for f in facts)])
                since += len(facts)
                if since < REFRESH_AFTER:
                    self._save_state(track, acc, max_day, since)
                    continue
            build = build or _Build(self, head)
            self._refold(track, build)
        meter.finish()

    # -- indexing -----------------------------------------------------------------------------
    def _scan(self, after: int) -> _Scan:
        """Pass over (position, recorded_at) after `after`, in log order: the running max of
        recorded_at (rm_runmax), which events were back-dated, which are amendments."""
        runmax = self._runmax()
        scan = _Scan(after)
        days: dict[str, tuple[int, str]] = {}
        interned: dict[str, str] = {}
        for position, recorded, etype in self.conn.execute(
                "SELECT position, recorded_at, type FROM events WHERE position > ? ORDER BY position", (after,)):
            # Back-dated: logged after an event with a later transaction time.
            scan.backdated.append(1 if recorded <= runmax else 0)
            if recorded > runmax:
                runmax = recorded
            day = runmax[:10]
            scan.known_day.append(interned.setdefault(day, day))
            days[day] = (position, runmax)
            if etype in AMENDMENT_TYPES:
                scan.acts.append(position)
        self.conn.executemany("INSERT OR REPLACE INTO rm_runmax(day, position, recorded) VALUES (?, ?, ?)",
                              [(d, p, r) for d, (p, r) in days.items()])
        self.conn.execute("UPDATE rm_meta SET value = ? WHERE key = 'runmax'", (runmax,))
        return scan

    def _index(self, bodies: Iterable[tuple[int, str]], scan: _Scan, *, visit: Any = None,
               acts: Sequence[Ev] | None = None, new_facts: dict[str, list[Ev]] | None = None,
               amended_roots: list[tuple[str, int]] | None = None, meter: Meter | None = None) -> set[str]:
        """Index the events in `bodies` (any order; amendments among them are indexed last, in log
        order, or given as `acts`); `visit` sees every fact. Returns the tracks with facts. `meter`
        is told how many events (facts and amendments) are done, every STRIDE events."""
        lead = self._lead()
        plan_lead = self._plan_lead()
        tracks: set[str] = set()
        te_rows: list[tuple[Any, ...]] = []
        en_rows: list[tuple[Any, ...]] = []
        ai_rows: list[tuple[Any, ...]] = []
        pending_acts: list[Ev] = list(acts or ())
        done = 0
        look_at = STRIDE if meter is not None else -1  # the count at which to tell the meter next

        def flush() -> None:
            self.conn.executemany("INSERT OR IGNORE INTO rm_track_events(track, earliest, position, recorded_at, "
                                  "known_day, backdated, type, id, status, occurred, score) "
                                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", te_rows)
            self.conn.executemany("INSERT OR IGNORE INTO rm_entities(kind, entity, track, day, earliest, position, "
                                  "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", en_rows)
            self.conn.executemany("INSERT OR IGNORE INTO rm_actor_info(position, id, name, kind, role, affiliation) "
                                  "VALUES (?, ?, ?, ?, ?, ?)", ai_rows)
            te_rows.clear()
            en_rows.clear()
            ai_rows.clear()

        for position, text in bodies:
            body = normalise(from_json(text))
            ev = Ev(position, body)
            if body["type"] in AMENDMENT_TYPES:
                pending_acts.append(ev)
                continue
            done += 1
            if done == look_at and meter is not None:
                meter.at(done)
                look_at += STRIDE
            recorded = body.get("recorded_at") or ""
            earliest = body["occurred"]["earliest"]
            if recorded and earliest > recorded[:10]:
                lead = max(lead, _days(recorded[:10], earliest))
            known_day, backdated = scan.at(position)
            entity = ent.entity_of(body)
            if body["type"] == "actor_described":
                ai_rows.append((position, body["id"], body["name"], body.get("kind") or "other", body.get("role"),
                                body.get("affiliation")))
            day = ent.relevant_day(body) if entity else earliest
            if day > earliest:
                plan_lead = max(plan_lead, _days(earliest, day))
            listed = list_fact(ev)  # what the list of tracks takes from it, kept beside each track row
            for track in dict.fromkeys(body["tracks"]):
                tracks.add(track)
                te_rows.append((track, earliest, position, recorded, known_day, backdated, *listed[2:]))
                if entity:
                    en_rows.append((entity[0], entity[1], track, day, earliest, position, recorded))
                if new_facts is not None:
                    new_facts.setdefault(track, []).append(ev)
            if visit is not None:
                visit(ev)
            if len(te_rows) >= 5000:
                flush()
        flush()
        pending_acts.sort(key=lambda e: e.position)
        for ev in pending_acts:  # in log order: an amendment of an amendment finds its target's root
            done += 1
            if done >= look_at and meter is not None:
                meter.at(done)
                look_at = done + STRIDE
            if ev.body["type"] == "correction":
                tracks.update(ev.body["changes"].get("tracks") or ())  # moved to a track of its own
            root = self._index_amendment(ev)
            if amended_roots is not None and root is not None:
                amended_roots.append(root)
        self.conn.execute("UPDATE rm_meta SET value = ? WHERE key = 'lead'", (str(lead),))
        self.conn.execute("UPDATE rm_meta SET value = ? WHERE key = 'plan_lead'", (str(plan_lead),))
        return tracks

    def _bulk_build(self, head: int) -> None:
        """The whole read model in one pass over the log in occurred order: index every event and
        fold every track at once (snapshots of the "valid" series on the way); then the "diag"
        series of the busy tracks."""
        scan = self._scan(0)
        acts = self.fetch_positions(scan.acts)
        amendments = am.resolve(acts)
        moved_ids = {a.body["target"] for a in acts if a.type == "correction"
                     and set(a.body.get("changes") or ()) & WHEN_FIELDS}
        moved = sorted((f for e in self._fetch_ids(sorted(moved_ids)) if e.type not in AMENDMENT_TYPES
                        if (f := am.amend(e, amendments)) is not None), key=lambda e: e.key)
        folder = _BulkFold(self, head, amendments, moved, {e.position for e in self._fetch_ids(sorted(moved_ids))})
        stream = self.conn.execute(
            "SELECT position, body FROM events WHERE type NOT IN ('correction', 'retraction') "
            "ORDER BY occurred_earliest, position")
        meter = Meter(self.progress, head, "events")
        tracks = self._index(stream, scan, visit=folder.visit, acts=acts, meter=meter)
        folder.finish(tracks)
        meter.finish()
        build = _Build(self, head)
        busy = [(track, n) for track, n in sorted(folder.sizes.items()) if n > SNAPSHOT_EVERY]
        # The snapshots "as known then" of the busy tracks: a fold of each again, in another order.
        meter = Meter(self.progress, sum(n for _, n in busy), "events, as known then")
        done = 0
        for track, n in busy:
            meter.at(done)
            rows = build.rows(track)
            self._diag_series(track, rows, build)
            done += n
        meter.finish()

    def _index_amendment(self, ev: Ev) -> tuple[str, int] | None:
        b = ev.body
        target = b["target"]
        recorded = b.get("recorded_at") or ""
        changes = set(b.get("changes") or ()) if b["type"] == "correction" else set()
        prior = self.conn.execute("SELECT root, root_position, root_earliest FROM rm_amendments WHERE id = ?",
                                  (target,)).fetchone()
        if prior:
            root, root_pos, root_earliest = prior
        else:
            found = self.conn.execute("SELECT position, occurred_earliest FROM events WHERE id = ?", (target,)).fetchone()
            if not found:
                return None
            root, (root_pos, root_earliest) = target, found
        touches = 1 if changes & WHEN_FIELDS else 0
        # Which index entries of the root can no longer be trusted as stored: a retraction removes
        # it; a correction of a date, a track or an entity id moves it; an amendment of an
        # amendment may undo either; any correction of an actor's description changes rm_actor_info.
        described = changes & ACTOR_FIELDS and self.conn.execute(
            "SELECT 1 FROM rm_actor_info WHERE position = ?", (root_pos,)).fetchone()
        reranks = 1 if prior or changes & RANKING_FIELDS or described else 0
        self.conn.execute(
            "INSERT OR IGNORE INTO rm_amendments(position, id, type, target, root, root_position, root_earliest, "
            "recorded_at, touches_when, reranks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ev.position, b["id"], b["type"], target, root, root_pos, root_earliest, recorded, touches, reranks),
        )
        column = "reranked_at" if reranks else "retracted_at" if b["type"] == "retraction" else None
        if column:
            self.conn.execute(f"UPDATE rm_entities SET {column} = ? WHERE position = ? AND ({column} IS NULL "
                              f"OR {column} > ?)", (recorded, root_pos, recorded))
        return root, root_pos

    def _tracks_of_root(self, root: str, root_pos: int) -> set[str]:
        tracks = {r[0] for r in self.conn.execute("SELECT track FROM event_tracks WHERE position = ?", (root_pos,))}
        # A correction may have moved the event to other tracks.
        for fix in self.fetch_positions([r[0] for r in self.conn.execute(
                "SELECT position FROM rm_amendments WHERE root = ? AND touches_when = 1", (root,))]):
            tracks.update(fix.body.get("changes", {}).get("tracks") or ())
        return tracks

    # -- accumulators and snapshots -------------------------------------------------------------
    def _has_state(self, track: str) -> bool:
        return self.conn.execute("SELECT 1 FROM rm_track_state WHERE track = ?", (track,)).fetchone() is not None

    def _load_state(self, track: str) -> tuple[Acc, str, int]:
        row = self.conn.execute("SELECT acc, max_day, since_snapshot FROM rm_track_state WHERE track = ?",
                                (track,)).fetchone()
        if row is None:
            return empty(track), "", 0
        return _parse_acc(row[0]), row[1], row[2]

    def _save_state(self, track: str, acc: Acc, max_day: str, since: int) -> None:
        self.conn.execute("INSERT OR REPLACE INTO rm_track_state(track, acc, list_parts, max_day, since_snapshot) "
                          "VALUES (?, ?, ?, ?, ?)", (track, dumps(acc), _list_parts_text(acc), max_day, since))

    def _refold(self, track: str, build: _Build) -> None:
        """Fold a track from scratch (everything known now) and redo its two snapshot series."""
        if self._writer is not None:
            self._writer.flush()  # none of the track's snapshots may be inserted after the delete
        self.conn.execute("DELETE FROM rm_snapshots WHERE track = ?", (track,))
        rows = build.rows(track)  # (earliest, position, known_day) of its facts, by their amended form
        # Series "valid": by occurred date, everything known. The last fold is the track's "now".
        rows.sort(key=lambda r: (r[0], r[1]))
        acc = empty(track)
        for day, _ in self._cuts(rows, lambda r: r[0], build, track, acc):
            self._snapshot(track, "valid", day, build.head, build.runmax, build.head, acc)
        self._save_state(track, acc, max((r[0] for r in rows), default=""), 0)
        if len(rows) > SNAPSHOT_EVERY:
            self._diag_series(track, rows, build)

    def _diag_series(self, track: str, rows: list[tuple[str, int, str, str]], build: _Build) -> None:
        # Series "diag": as it stood on D as known at the end of D. A fact counts from the later of
        # its date and the day the log (by position) had reached it. A fact corrected or retracted
        # later is folded only from the day its last amendment was known; in the snapshots before
        # that it is listed as deferred, and each query judges it by what was known at K.
        def reached(r: tuple[str, int, str, str]) -> str:
            return max(min(r[0], r[3]), r[2])

        def settled(r: tuple[str, int, str, str]) -> str:
            last = build.last_amend.get(r[1])
            return max(r[0], r[2], build.day_of(last)) if last else max(r[0], r[2])

        rows.sort(key=lambda r: (settled(r), r[1]))
        pending = [(reached(r), settled(r), r[1]) for r in rows if r[1] in build.last_amend]
        diag = empty(track)
        for day, _ in self._cuts(rows, settled, build, track, diag):
            position, recorded = build.cut(day)
            if position is not None:
                deferred = sorted(p for lo, hi, p in pending if lo <= day < hi)
                self._snapshot(track, "diag", day, position, recorded, build.head, diag, deferred)

    def _cuts(self, rows: Sequence[tuple[Any, ...]], day_of: Any, build: _Build, track: str,
              acc: Acc) -> Iterator[tuple[str, int]]:
        """Fold `rows` (in order) into `acc`, yielding (day, n) every SNAPSHOT_EVERY facts at the end
        of a day, so that a snapshot holds every fact up to its day and none after it."""
        since = 0
        for start in range(0, len(rows), CHUNK * 4):
            chunk = rows[start : start + CHUNK * 4]
            by_pos = {e.position: e for e in self.fetch_positions([r[1] for r in chunk])}
            for i, row in enumerate(chunk):
                ev = am.amend(by_pos[row[1]], build.amendments)
                if ev is not None and track in ev.body["tracks"]:
                    apply(acc, (ev,))
                since += 1
                j = start + i
                if since >= SNAPSHOT_EVERY and j + 1 < len(rows) and day_of(rows[j + 1]) > day_of(row):
                    since = 0
                    yield day_of(row), j + 1

    def _snapshot(self, track: str, kind: str, day: str, position: int, recorded: str, horizon: int, acc: Acc,
                  deferred: Sequence[int] = ()) -> None:
        row = (track, kind, day, position, recorded, horizon, _list_parts_text(acc), json.dumps(list(deferred)))
        # pydantic-core's encoder writes the same compact JSON as json.dumps, about 3x as fast.
        raw = to_json(acc)  # now: the fold goes on changing `acc`
        if self._writer is not None:
            self._writer.put(row, raw)
        else:
            insert_snapshot(self.conn, row, pack(raw))

    @contextmanager
    def _writing_snapshots(self) -> Iterator[None]:
        """Snapshots taken in the block are compressed on a second thread (readmodel.snapshots)
        and all inserted by the end of it."""
        writer = self._writer = SnapshotWriter(self.conn)
        try:
            yield
            writer.flush()
        finally:
            self._writer = None
            writer.close()

    # -- fetching -----------------------------------------------------------------------------
    def fetch_positions(self, positions: Sequence[int]) -> list[Ev]:
        """The events at these positions, in log order."""
        wanted = sorted(set(positions))
        # Within a state's read (pinned), parsed events are kept: folding and freezing never
        # change a body, and a busy track's view parses a thousand, most of them again at the
        # next date viewed (parsing was the largest cost of the slowest as-of queries). Every
        # other caller gets bodies of its own, to do with as it likes.
        kept = self._parsed if self._pin is not None else None
        if kept is None:
            return self._parse_positions(wanted)
        missing = [p for p in wanted if p not in kept]
        if missing:
            if len(kept) + len(missing) > PARSED_KEPT:
                kept.clear()
            kept.update((e.position, e) for e in self._parse_positions(missing))
        return [kept[p] for p in wanted if p in kept]

    def _parse_positions(self, wanted: list[int]) -> list[Ev]:
        if self._bodies is not None:  # a server's log: what was fetched before is not asked again
            kept = self._bodies
            missing = [p for p in wanted if p not in kept]
            if len(kept) + len(missing) > BODIES_KEPT:
                kept.clear()
            for chunk in _chunks(missing):
                q = f"SELECT position, body FROM events WHERE position IN ({','.join('?' * len(chunk))})"
                kept.update(self.conn.execute(q, list(chunk)).fetchall())
            return [Ev(p, normalise(from_json(kept[p]))) for p in wanted if p in kept]
        out: list[Ev] = []
        for chunk in _chunks(wanted):
            q = f"SELECT position, body FROM events WHERE position IN ({','.join('?' * len(chunk))})"
            out.extend(Ev(p, normalise(from_json(b))) for p, b in self.conn.execute(q, list(chunk)))
        out.sort(key=lambda e: e.position)
        return out

    def _fetch_ids(self, ids: Sequence[str]) -> list[Ev]:
        out: list[Ev] = []
        for chunk in _chunks(list(ids)):
            q = f"SELECT position, body FROM events WHERE id IN ({','.join('?' * len(chunk))})"
            out.extend(Ev(p, normalise(from_json(b))) for p, b in self.conn.execute(q, list(chunk)))
        return out

    def _amendments_by_target(self) -> dict[str, list[tuple[int, str]]]:
        """target id -> (position, id) of each amendment naming it, as of the checkpoint."""
        def load() -> dict[str, list[tuple[int, str]]]:
            out: dict[str, list[tuple[int, str]]] = {}
            for target, position, aid in self.conn.execute("SELECT target, position, id FROM rm_amendments"):
                out.setdefault(target, []).append((position, aid))
            return out

        return self._cached("amendments_by_target", load)  # type: ignore[no-any-return]

    def amendments_for(self, ids: Sequence[str], known_text: str | None = None) -> am.Amendments:
        """The amendments (known by K) bearing on these events, following chains."""
        found: dict[int, None] = {}
        frontier = list(dict.fromkeys(ids))
        if self._pin is not None:
            # In a read, the amendments are looked up in memory, all of them read once while the
            # checkpoint stays (they are few; each look-up was a round trip on a server). Not in
            # a catch-up: it writes them as it goes.
            by_target = self._amendments_by_target()
            while frontier:
                nxt: list[str] = []
                for target in frontier:
                    for pos, aid in by_target.get(target, ()):
                        if pos not in found:
                            found[pos] = None
                            nxt.append(aid)
                frontier = nxt
            return am.resolve(self.fetch_positions(list(found)), known_text)
        while frontier:
            nxt = []
            for chunk in _chunks(frontier):
                q = f"SELECT position, id FROM rm_amendments WHERE target IN ({','.join('?' * len(chunk))})"
                for pos, aid in self.conn.execute(q, list(chunk)):
                    if pos not in found:
                        found[pos] = None
                        nxt.append(aid)
            frontier = nxt
        return am.resolve(self.fetch_positions(list(found)), known_text)

    # -- look-ups for the service ------------------------------------------------------------
    def timeline_page_positions(self, track: str | None, upper: str, moment: Moment,
                                page: int = 500) -> Iterator[list[int]]:
        """Positions of the events that may be on a timeline (of `track`, or of every track),
        newest first by (stored) occurred.earliest <= `upper`, known at the moment, in pages."""
        if track is None:
            q = ("SELECT position FROM events WHERE occurred_earliest <= ? AND recorded_at <= ? "
                 "AND type NOT IN ('actor_described', 'correction', 'retraction') "
                 "ORDER BY occurred_earliest DESC, position DESC LIMIT ? OFFSET ?")
            args: tuple[object, ...] = (upper, moment.known_bound)
        else:
            q = ("SELECT position FROM rm_track_events WHERE track = ? AND earliest <= ? AND recorded_at <= ? "
                 "ORDER BY earliest DESC, position DESC LIMIT ? OFFSET ?")
            args = (track, upper, moment.known_bound)
        offset = 0
        while True:
            rows = [r[0] for r in self.conn.execute(q, (*args, page, offset))]
            if not rows:
                return
            offset += page
            yield rows

    def described_actor_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT entity FROM rm_entities WHERE kind = 'actor'")]

    def bearing_on(self, ids: Sequence[str]) -> list[int]:
        """Positions of the corrections, retractions and claim status changes that name these events."""
        if not self.current():
            return self.store.targeting(ids)
        out: list[int] = []
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            out.extend(r[0] for r in self.conn.execute(
                f"SELECT position FROM rm_amendments WHERE target IN ({marks}) UNION "
                f"SELECT position FROM rm_entities WHERE kind = 'claim' AND entity IN ({marks})", [*chunk, *chunk]))
        return out

    def sizes(self) -> dict[str, int]:
        return {"tracks": self.conn.execute("SELECT count(*) FROM rm_track_state").fetchone()[0],
                "snapshots": self.conn.execute("SELECT count(*) FROM rm_snapshots").fetchone()[0]}

    # -- replay -------------------------------------------------------------------------------
    def tracks(self, moment: Moment = Moment()) -> list[str]:
        """Tracks with at least one fact at the moment (by their stored form; a track whose every
        fact was retracted or moved shows up with no state)."""
        if not moment:
            return [r[0] for r in self.conn.execute("SELECT track FROM rm_track_state ORDER BY track")]
        d, k = moment.valid_bound, moment.known_bound
        found = {r[0] for r in self.conn.execute(
            "SELECT track FROM rm_track_state s WHERE EXISTS (SELECT 1 FROM rm_track_events e WHERE e.track = s.track "
            "AND e.earliest <= ? AND e.recorded_at <= ?)", (d, k))}
        # A correction may have moved an event to a track of its own.
        moved = self.moved_positions(moment)
        if moved:
            evs = self.fetch_positions(moved)
            amendments = self.amendments_for([e.id for e in evs], moment.known_text)
            found.update(t for e in prepare_with(evs, amendments, moment) for t in e.body["tracks"])
        return sorted(found)

    def _snapshots(self, track: str, moment: Moment) -> list[Snapshot]:
        d, k = self._valid_bound(moment), moment.known_bound
        out = [Snapshot(*r) for r in self.conn.execute(
            "SELECT kind, day, position, recorded, horizon FROM rm_snapshots WHERE track = ? AND day <= ? AND recorded <= ?",
            (track, d, k))]  # (deferred facts are read only for the snapshot chosen)
        state = self.conn.execute("SELECT max_day FROM rm_track_state WHERE track = ?", (track,)).fetchone()
        cp = self.checkpoint() or 0
        runmax = self._runmax()
        if state is not None and state[0] <= d and runmax <= k:
            out.append(Snapshot("now", state[0], cp, runmax, cp))
        return out

    def _valid(self, track: str, snap: Snapshot, moment: Moment) -> bool:
        """The snapshot applied exactly the corrections and retractions known at the moment, as far
        as the events it holds are concerned."""
        k = moment.known_bound
        # A root some correction moved (in time or between tracks) may be in the snapshot whatever
        # its stored date and tracks say.
        moved = "EXISTS (SELECT 1 FROM rm_amendments m WHERE m.root = a.root AND m.touches_when = 1)"
        on_track = (f"AND ({moved} OR EXISTS (SELECT 1 FROM event_tracks t WHERE t.track = ? "
                    "AND t.position = a.root_position)) LIMIT 1")
        held = f"a.root_position <= ? AND (a.root_earliest <= ? OR {moved})"
        # Valid unless an amendment is known by K but not applied: logged after the snapshot's
        # horizon. (Diagonal snapshots leave out (defer) every fact amended after P_s, so what
        # they hold was amended only by acts logged by P_s, all of them known at K >= R_s.)
        unapplied = self.conn.execute(
            f"SELECT 1 FROM rm_amendments a WHERE a.position > ? AND a.recorded_at <= ? AND {held} " + on_track,
            (snap.horizon, k, snap.position, snap.day, track)).fetchone()
        return unapplied is None

    def acc_at(self, track: str, moment: Moment, list_only: bool = False) -> Acc:
        """The track's accumulator at `moment`: the nearest valid snapshot plus the facts since.
        With `list_only`, only the parts a list of tracks shows are right (fold.LIST_PARTS)."""
        d = self._valid_bound(moment)
        k = moment.known_text
        last_day = self._runmax()[:10]
        kday = k[:10] if k else last_day

        def cost(s: Snapshot) -> tuple[int, int]:
            gap_d = _days(s.day, d if d != FAR_DAY else max(s.day, last_day))
            gap_k = _days(s.recorded[:10] or "0001-01-01", kday)
            return gap_d + gap_k, -s.position

        for snap in sorted(self._snapshots(track, moment), key=cost):
            if self._valid(track, snap, moment):
                return self._fold_from(track, snap, moment, list_only)
        return self._fold_from(track, Snapshot("empty", "", 0, "", 0), moment, list_only)

    def _load_snapshot(self, track: str, snap: Snapshot, list_only: bool = False) -> Acc:
        column = "list_parts" if list_only else "acc"
        if snap.kind == "empty":
            return empty(track)
        if snap.kind == "now":
            row = self.conn.execute(f"SELECT {column} FROM rm_track_state WHERE track = ?", (track,)).fetchone()
            if row is None:
                return empty(track)
            found = _parse_acc(row[0])
        else:
            row = self.conn.execute(f"SELECT {column} FROM rm_snapshots WHERE track = ? AND kind = ? AND day = ? "
                                    "AND position = ?", (track, snap.kind, snap.day, snap.position)).fetchone()
            found = from_json(row[0]) if list_only else _unpack(row[0])
        return {**empty(track), **found} if list_only else found

    def _fold_from(self, track: str, snap: Snapshot, moment: Moment, list_only: bool = False) -> Acc:
        d = self._valid_bound(moment)
        k = moment.known_bound
        acc = self._load_snapshot(track, snap, list_only)
        # The facts of the moment not in the snapshot: dated after D_s, recorded after R_s, or
        # logged after P_s with an earlier transaction time (back-dated). Index range scans only,
        # sent together (one round trip on a server).
        queries = [
            ("SELECT position FROM rm_track_events WHERE track = ? AND earliest > ? AND earliest <= ? AND recorded_at <= ?",
             (track, snap.day, d, k)),
            (("SELECT position FROM rm_track_events INDEXED BY rm_track_events_recorded WHERE track = ? "
             "AND recorded_at > ? AND recorded_at <= ? AND earliest <= ?"), (track, snap.recorded, k, d)),
            (("SELECT position FROM rm_track_events INDEXED BY rm_track_events_backdated WHERE track = ? "
             "AND backdated = 1 AND position > ? AND recorded_at <= ? AND recorded_at <= ? AND earliest <= ?"),
             (track, snap.position, snap.recorded, k, d)),
        ]
        if snap.kind == "empty":
            # Every fact dated by D and recorded by K is in the first range: the other two would
            # only walk the whole track again (12 ms on the 1M benchmark's busiest track).
            del queries[1:]
        if snap.kind == "diag":  # and the facts the snapshot left for later
            queries.append(("SELECT deferred FROM rm_snapshots WHERE track = ? AND kind = ? AND day = ? AND position = ?",
                            (track, snap.kind, snap.day, snap.position)))
        ranges = _fetch_all(self.conn, queries)
        deferred: set[int] = set(json.loads(ranges.pop()[0][0])) if snap.kind == "diag" else set()
        positions: dict[int, None] = dict.fromkeys(deferred)
        for rows in ranges:
            positions.update((r[0], None) for r in rows)
        # Events a correction moved (date or tracks) are judged by their corrected form.
        positions.update((p, None) for p in self.moved_positions(moment))
        as_of = moment.valid_bound
        listed: list[ListFact] = []
        if list_only:
            # The list parts take what they need of a fact from its index row, unless the fact is
            # amended as known at K or of a type whose list parts need the body.
            found = self._list_facts(track, list(positions))
            amended = self.amendments_for([fact[3] for fact, _ in found.values()], moment.known_text).targets()
            for position, (fact, recorded) in found.items():
                if fact[2] in LIST_NEEDS_BODY or fact[3] in amended:
                    continue
                del positions[position]
                if fact[2] in AMENDMENT_TYPES or recorded > k or fact[1] > as_of:
                    continue
                if fact[1] <= snap.day and position <= snap.position and position not in deferred:
                    continue  # already in the snapshot
                listed.append(fact)
        candidates = self.fetch_positions(sorted(positions))
        amendments = self.amendments_for([e.id for e in candidates], moment.known_text)
        facts = []
        for ev in candidates:
            if ev.body["type"] in AMENDMENT_TYPES or ev.recorded_at > k:
                continue
            fixed = am.amend(ev, amendments)
            if fixed is None or track not in fixed.body["tracks"] or fixed.earliest > as_of:
                continue
            if fixed.earliest <= snap.day and fixed.position <= snap.position and fixed.position not in deferred:
                continue  # already in the snapshot
            facts.append(fixed)
        return apply_list_facts(apply(acc, facts), listed)

    def _list_facts(self, track: str, positions: Sequence[int]) -> dict[int, tuple[ListFact, str]]:
        """position -> (fold.list_fact, recorded_at) of the track's facts among `positions`, by
        their stored form (a fact not filed under the track has none)."""
        out: dict[int, tuple[ListFact, str]] = {}
        for chunk in _chunks(sorted(positions)):
            for position, earliest, t, eid, status, occurred, points, recorded in self.conn.execute(
                    "SELECT position, earliest, type, id, status, occurred, score, recorded_at FROM rm_track_events "
                    f"WHERE track = ? AND position IN ({','.join('?' * len(chunk))})", (track, *chunk)):
                out[position] = ((position, earliest, t, eid, status, occurred, points), recorded)
        return out

    # -- entities, claims, actors at a moment ---------------------------------------------------
    def _amended_at(self, positions: Iterable[int], moment: Moment) -> list[Ev]:
        """The events at these positions as the record stands at the moment (corrected, the
        retracted left out), those dated by D, in log order."""
        d = moment.valid_bound
        evs = self.fetch_positions(sorted(set(positions)))
        amendments = self.amendments_for([e.id for e in evs], moment.known_text)
        return [f for e in evs if (f := am.amend(e, amendments)) is not None and f.earliest <= d]

    def _reranked(self, kind: str, moment: Moment, track: str | None = None) -> list[Ev]:
        """Entity events of a kind whose index entries a correction (known by K) may have changed."""
        return self._reranked_kinds((kind,), moment, track)[kind]

    def _reranked_kinds(self, kinds: Sequence[str], moment: Moment, track: str | None = None) -> dict[str, list[Ev]]:
        """`_reranked` of each kind, in one look-up: an event counts for a kind if it is indexed
        under it (or a correction moved it) and its corrected form is of it."""
        k = moment.known_bound
        # The few rows a correction re-ranked, read once while the checkpoint stays (each view
        # asked three times, a round trip each on a server), by their own index: left to itself,
        # SQLite walked every entity row of a busy track instead (9 ms of each view of it).
        rows = self._cached("reranked", lambda: self.conn.execute(
            "SELECT kind, position, track, reranked_at FROM rm_entities INDEXED BY rm_entities_reranked "
            "WHERE reranked_at IS NOT NULL").fetchall())
        indexed: dict[int, set[str]] = {}
        for kind, position, on, reranked in rows:
            if kind in kinds and reranked <= k and (track is None or on == track):
                indexed.setdefault(position, set()).add(kind)
        moved = set(self.moved_positions(moment))
        out: dict[str, list[Ev]] = {kind: [] for kind in kinds}
        for fixed in self._amended_at(set(indexed) | moved, moment):
            if fixed.recorded_at > k or (track is not None and track not in fixed.body["tracks"]):
                continue
            kind = (ent.entity_of(fixed.body) or ("",))[0]
            if kind in out and (fixed.position in moved or kind in indexed.get(fixed.position, ())):
                out[kind].append(fixed)
        return out

    def _chosen_events(self, track: str, chosen: dict[str, list[str]], moment: Moment) -> dict[str, list[Ev]]:
        """The events of the chosen entities of every kind (`_amended_at`), in one look-up: per
        kind, the events indexed under one of its chosen entities, in log order."""
        d, k = moment.valid_bound, moment.known_bound
        # One statement a kind (each a look-up by the primary key, kind and entity first), all
        # sent together: one asking for every kind at once made the server scan the whole track.
        asked = [(kind, chunk) for kind, ids in chosen.items() for chunk in _chunks(ids)]
        found = _fetch_all(self.conn, [
            ((f"SELECT position FROM rm_entities WHERE kind = ? AND track = ? AND entity IN ({','.join('?' * len(chunk))}) "
              "AND earliest <= ? AND recorded_at <= ?"), (kind, track, *chunk, d, k)) for kind, chunk in asked])
        by_kind: dict[str, set[int]] = {}
        for (kind, _), rows in zip(asked, found, strict=True):
            by_kind.setdefault(kind, set()).update(r[0] for r in rows)
        fixed = {e.position: e for e in self._amended_at(set().union(*by_kind.values()), moment)}
        return {kind: [fixed[p] for p in sorted(ps) if p in fixed] for kind, ps in by_kind.items()}

    def entity_groups(self, track: str, moment: Moment, kinds: Sequence[str] = tuple(ent.LIMITS)) -> dict[str, dict[str, list[Ev]]]:
        """The events of the entities a view of the track shows (entities.select), per kind."""
        d, k = moment.valid_bound, moment.known_bound
        top = self._valid_bound(moment)
        if top != FAR_DAY:
            top = (date.fromisoformat(top) + timedelta(days=self._plan_lead())).isoformat()
        explicit = self._reranked_kinds(kinds, moment, track)
        # Newest first along (track, kind, day), until `limit` entities (and their ties) are
        # found: the first row of an entity carries its latest day.
        latest = self._latest_entities(track, {kind: ent.LIMITS[kind] for kind in kinds}, (top, d, k))
        chosen: dict[str, list[str]] = {}
        for kind in kinds:
            limit = ent.LIMITS[kind]
            best: dict[str, str] = {}
            for e in explicit[kind]:
                eid = ent.entity_of(e.body)[1]  # type: ignore[index]
                best[eid] = max(best.get(eid, ""), ent.relevant_day(e.body))
            for entity, day in latest[kind].items():
                best[entity] = max(best.get(entity, ""), day)
            ranked = ent.newest_first((day, eid) for eid, day in best.items())[: limit]
            if ranked:
                chosen[kind] = [eid for _, eid in ranked]
        fetched = self._chosen_events(track, chosen, moment) if chosen else {}
        out: dict[str, dict[str, list[Ev]]] = {}
        for kind, ids in chosen.items():
            groups: dict[str, list[Ev]] = {}
            seen: set[int] = set()
            for e in fetched.get(kind, ()):
                got = ent.entity_of(e.body)
                if got and got[0] == kind and track in e.body["tracks"] and e.position not in seen:
                    seen.add(e.position)
                    groups.setdefault(got[1], []).append(e)
            for e in explicit[kind]:
                got = ent.entity_of(e.body)
                if got and got[1] in ids and e.position not in seen:
                    seen.add(e.position)
                    groups.setdefault(got[1], []).append(e)
            # Re-rank on what was actually fetched (a correction may have moved an event away).
            out[kind] = {eid: groups[eid] for eid in ent.select(groups, kind)} if groups else {}
        return out

    def _latest_entities(self, track: str, limits: dict[str, int], bounds: tuple[str, str, str]) -> dict[str, dict[str, str]]:
        """Per kind, the `limits[kind]` entities with the latest days on the track (and those tied
        with the last), each with its latest day. Read newest first until they are found. A server
        sends every row a query selects, so rows are asked for a page at a time; the first page of
        every kind (enough for all but the busiest) goes in one round trip (`_fetch_all`)."""
        q = ("SELECT entity, day FROM rm_entities INDEXED BY rm_entities_day WHERE track = ? AND kind = ? "
             "AND day <= ? AND earliest <= ? AND recorded_at <= ? AND (retracted_at IS NULL OR retracted_at > ?) "
             "AND (reranked_at IS NULL OR reranked_at > ?) ORDER BY day DESC, entity DESC, position DESC LIMIT ? OFFSET ?")
        # (The same text whatever the moment, K a parameter. A server plans it each time, for its
        # values: see tracker.store.pgsql.prepared.)
        args = (track, "", *bounds, bounds[2], bounds[2])
        pages = {kind: limit * PAGE_ROWS_PER_ENTITY + PAGE_EXTRA_ROWS for kind, limit in limits.items()}
        firsts = _fetch_all(self.conn, [(q, (*args[:1], kind, *args[2:], pages[kind], 0)) for kind in limits])
        out: dict[str, dict[str, str]] = {}
        for (kind, limit), rows in zip(limits.items(), firsts, strict=True):
            found: dict[str, str] = {}
            boundary = None
            page, offset = pages[kind], 0
            while True:
                for entity, day in rows:
                    if entity in found:
                        continue
                    if boundary is not None and day < boundary:
                        break
                    found[entity] = day
                    if len(found) == limit:
                        boundary = day
                else:
                    if len(rows) == page:  # more rows may follow
                        offset += page
                        page *= 4
                        rows = self.conn.execute(q, (*args[:1], kind, *args[2:], page, offset)).fetchall()
                        continue
                break
            out[kind] = found
        return out

    def _claim_rows(self) -> dict[str, list[tuple[int, str, str]]]:
        """Every id a claim status change names by its stored form (corrected ones: `_reranked`),
        with the (position, earliest, recorded_at) of each change: few, so read once while the
        checkpoint stays (a look-up a view was a round trip on a server)."""
        def load() -> dict[str, list[tuple[int, str, str]]]:
            out: dict[str, list[tuple[int, str, str]]] = {}
            for entity, position, earliest, recorded in self.conn.execute(
                    "SELECT entity, position, earliest, recorded_at FROM rm_entities WHERE kind = 'claim'"):
                out.setdefault(entity, []).append((position, earliest, recorded))
            return out

        return self._cached("claim_rows", load)  # type: ignore[no-any-return]

    def claims_for(self, ids: Iterable[str], moment: Moment) -> dict[str, list[Ev]]:
        # A busy track asks about thousands of ids, few of which any claim names: look up only those.
        wanted = set(ids)
        d, k = moment.valid_bound, moment.known_bound
        rows = self._claim_rows()
        positions = [p for target in wanted if target in rows for p, earliest, recorded in rows[target]
                     if earliest <= d and recorded <= k]
        found = {e.position: e for e in self._amended_at(positions, moment)}
        for e in self._reranked("claim", moment):  # a correction may have changed what a claim names
            found[e.position] = e
        return {t: v for t, v in claims_index(found.values()).items() if t in wanted}

    def _actor_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every description of every actor, latest first, each with its ActorInfo: the cast is
        small, so it is kept (and a busy track's view names hundreds of actors)."""
        def load() -> dict[str, list[tuple[Any, ...]]]:
            out: dict[str, list[tuple[Any, ...]]] = {}
            for row in self.conn.execute(
                    "SELECT DISTINCT e.entity, e.earliest, e.position, e.recorded_at, e.retracted_at, e.reranked_at, "
                    "i.id, i.name, i.kind, i.role, i.affiliation FROM rm_entities e JOIN rm_actor_info i "
                    "ON i.position = e.position WHERE e.kind = 'actor'"):
                actor = row[0]
                info = ActorInfo.fast(id=actor, name=row[7], kind=row[8], role=row[9], affiliation=row[10],
                                      event_ids=(row[6],))
                out.setdefault(actor, []).append((*row[1:6], info))
            for rows in out.values():
                rows.sort(key=lambda r: (r[0], r[1]), reverse=True)  # (earliest, position)
            return out

        return self._cached("actors", load)

    def registry_for(self, actors: Iterable[str], moment: Moment) -> dict[str, ActorInfo]:
        """The latest description (by sort key) of each actor at the moment."""
        d, k = moment.valid_bound, moment.known_bound
        table = self._actor_rows()
        wanted = set(actors)
        latest: dict[str, tuple[tuple[str, int], ActorInfo]] = {}
        for actor in wanted:
            for earliest, pos, recorded, retracted, reranked, info in table.get(actor, ()):
                if earliest > d or recorded > k or (retracted and retracted <= k) or (reranked and reranked <= k):
                    continue
                latest[actor] = ((earliest, pos), info)
                break
        for ev in self._reranked("actor", moment):
            b = ev.body
            if b["actor"] in wanted and (b["actor"] not in latest or ev.key > latest[b["actor"]][0]):
                info = ent.actor_info(b["actor"], [ev])
                if info is not None:
                    latest[b["actor"]] = (ev.key, info)
        return {a: info for a, (_, info) in latest.items()}

    def targets(self, ids: Iterable[str], moment: Moment) -> dict[str, Ev]:
        evs = self._fetch_ids(list(dict.fromkeys(ids)))
        amendments = self.amendments_for([e.id for e in evs], moment.known_text)
        return {f.id: f for f in prepare_with(evs, amendments, moment)}

    # -- states -------------------------------------------------------------------------------
    def state(self, track: str, moment: Moment = Moment(), today: date | None = None,
              detail: bool = True) -> TrackState | None:
        """The track at `moment`; without `detail`, its row of the list of tracks (`TrackState.list_row`)."""
        with self._pinned():
            return self._state(track, moment, today, detail)

    def _state(self, track: str, moment: Moment, today: date | None, detail: bool) -> TrackState | None:
        if not self.current():
            return self._memory_state(track, moment, today, detail)
        if moment:
            acc = self.acc_at(track, moment, list_only=not detail)
        else:
            acc = self._load_snapshot(track, Snapshot("now", "", 0, "", 0), list_only=not detail)
        if acc["n"] == 0:
            return None
        if not detail:
            for name in acc:
                if name not in LIST_PARTS:
                    acc[name] = {}  # detail folded from the delta only: not shown in a list row
            groups = self.entity_groups(track, moment, ("meeting",))
            ids = needed_ids(acc) | {e.id for evs in groups.get("meeting", {}).values() for e in evs}
            state = freeze(acc, groups, self.claims_for(ids, moment), {}, as_of=moment.as_of,
                           today=today or moment.as_of, label=moment.label())
            return state.list_row()
        groups = self.entity_groups(track, moment)
        ids = needed_ids(acc)
        for kind, found in groups.items():  # every entity's events show their claim status
            if kind != "claim":
                for evs in found.values():
                    ids.update(e.id for e in evs)
        claims = self.claims_for(ids, moment)
        denied_targets = list(groups.get("claim", {}))
        return freeze(acc, groups, claims, self.registry_for(acc_actors(acc), moment), as_of=moment.as_of,
                      today=today or moment.as_of, label=moment.label(), targets=self.targets(denied_targets, moment))

    # -- the list of tracks ----------------------------------------------------------------------
    def list_states(self, today: date) -> list[TrackState]:
        """Every track's list row as known now (`state(track, Moment(), today, detail=False)`), in
        track order. Call when `current()`.

        Each row is kept in rm_list_rows once made, until an event touches its track, so the list
        of a big log opens by reading one row per track instead of folding each.
        """
        day = today.isoformat()
        kept = self._kept_rows(day)
        cp = self.checkpoint()
        out: list[TrackState] = []
        made: list[tuple[str, str, str]] = []
        tracks = self.tracks()
        meter = Meter(self.progress, sum(1 for t in tracks if t not in kept), "tracks listed")
        for track in tracks:
            text = kept.get(track)
            if text is None:
                meter.at(len(made))
                state = self.state(track, Moment(), today, detail=False)
                made.append((track, day, state.model_dump_json() if state is not None else "null"))
            else:
                state = _parse_list_row(text)
            if state is not None:
                out.append(state)
        meter.finish()
        if made and not self.store.readonly:
            self._keep_list_rows(cp, made)
        return out

    def kept_list_states(self, today: date) -> list[TrackState] | None:
        """`list_states` if every row of it is kept, else None: reads only, never folds (for a
        caller that must not wait, like the UI's first paint)."""
        kept = self._kept_rows(today.isoformat())
        tracks = self.tracks()
        if any(t not in kept for t in tracks):
            return None
        return [s for t in tracks if (s := _parse_list_row(kept[t])) is not None]

    def _kept_rows(self, day: str) -> dict[str, str]:
        return dict(self.conn.execute("SELECT track, state FROM rm_list_rows WHERE today = ?", (day,)).fetchall())

    def _keep_list_rows(self, cp: int | None, rows: list[tuple[str, str, str]]) -> None:
        try:
            with self.store._write_transaction():
                if self.checkpoint() != cp:
                    return  # events were applied while these were made: they may be stale
                self.conn.executemany("INSERT OR REPLACE INTO rm_list_rows(track, today, state) VALUES (?, ?, ?)",
                                      rows)
        except (StoreError, sqlite3.OperationalError):
            pass  # no write lock to be had just now: they are made again next time

    def _forget_list_rows(self, tracks: Iterable[str], *, everything: bool = False) -> None:
        """Inside the write transaction of new events: drop the list rows they may change. An
        amendment or a claim status change can change a track it is not filed under (that of the
        event it targets), so either drops every row."""
        if everything:
            self.conn.execute("DELETE FROM rm_list_rows")
            return
        for chunk in _chunks(sorted(tracks)):
            self.conn.execute(f"DELETE FROM rm_list_rows WHERE track IN ({','.join('?' * len(chunk))})", list(chunk))

    def list_rows_disagreeing(self) -> list[str]:
        """The tracks whose kept list row (rm_list_rows, what `status` shows) is not what the log
        gives: for `verify`, since the read model is derived and ordinary tables, editable by hand
        with no trace in the chain. Up to LIST_REFOLD_MAX events, each row is compared with a fold
        of the log in memory, the reference replay (projections.replay): an edit of any table it
        was made from shows. On a bigger log, with the read model's own state of the track: an
        edited list row shows, an edited accumulator or snapshot would not ('tracker rebuild'
        makes every table afresh). Nothing to compare (no rows kept, a read model not current): []."""
        cp = self.checkpoint()
        if cp is None:
            return []
        rows = self.conn.execute("SELECT track, today, state FROM rm_list_rows ORDER BY track").fetchall()
        if not rows:
            return []
        meter = Meter(self.progress, len(rows), LIST_CHECK_PROGRESS)
        wrong: list[str] = []
        if cp > LIST_REFOLD_MAX:
            if not self.current():
                return []  # its state would be folded in memory anyway: nothing kept is read
            for n, (track, day, text) in enumerate(rows):
                meter.at(n)
                if self.state(track, Moment(), date.fromisoformat(day), detail=False) != _parse_list_row(text):
                    wrong.append(track)
            meter.finish()
            return wrong
        now = Moment()
        facts = prepare((e for e in self.all_events() if e.position <= cp), now)
        # projections.replay.state_from_facts, its indexes over every fact built once, not per track.
        by_id = {e.id: e for e in facts}
        claims, actors = claims_index(facts), registry(facts)
        mine: dict[str, list[Ev]] = {}
        for ev in facts:
            for track in dict.fromkeys(ev.body["tracks"]):
                mine.setdefault(track, []).append(ev)
        for n, (track, day, text) in enumerate(rows):
            meter.at(n)
            found = mine.get(track)
            fresh = freeze(fold_track(found, track), ent.group(found), claims, actors, as_of=None,
                           today=date.fromisoformat(day), label=now.label(), targets=by_id).list_row() if found else None
            if fresh != _parse_list_row(text):
                wrong.append(track)
        meter.finish()
        return wrong

    # -- read-only fallback ---------------------------------------------------------------------
    def all_events(self) -> list[Ev]:
        head = self.store.head()[0]
        if self._memory is None or self._memory[0] != head:
            self._memory = (head, [Ev(p, normalise(from_json(b))) for p, b in self.store.iter_bodies(0)])
        return self._memory[1]

    def _memory_state(self, track: str, moment: Moment, today: date | None, detail: bool = True) -> TrackState | None:
        facts = prepare(self.all_events(), moment)
        state = state_from_facts(facts, track, moment, today)
        return state if state is None or detail else state.list_row()


def _parse_list_row(text: str) -> TrackState | None:
    return None if text == "null" else TrackState.model_validate_json(text)


class _Scan:
    """Per position after `after`: the day the log had reached, whether it was back-dated."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.known_day: list[str] = []
        self.backdated = bytearray()
        self.acts: list[int] = []

    def at(self, position: int) -> tuple[str, int]:
        i = position - self.after - 1
        return self.known_day[i], self.backdated[i]


class _BulkFold:
    """Folds every track at once from a stream of facts in (occurred.earliest, position) order."""

    def __init__(self, rm: ReadModel, head: int, amendments: am.Amendments, moved: list[Ev],
                 moved_positions: set[int]) -> None:
        self.rm = rm
        self.head = head
        self.runmax = rm._runmax()
        self.amendments = amendments
        self.moved = moved  # amended, by their amended sort key: folded at their corrected place
        self.moved_positions = moved_positions
        self.accs: dict[str, Acc] = {}
        self.since: dict[str, int] = {}
        self.sizes: dict[str, int] = {}
        self.max_day: dict[str, str] = {}
        self.pending: set[str] = set()
        self.day = ""

    def visit(self, ev: Ev) -> None:
        key = ev.key
        while self.moved and self.moved[0].key < key:
            self._fold(self.moved.pop(0))
        for track in ev.body["tracks"]:
            self.sizes[track] = self.sizes.get(track, 0) + 1
        if ev.position in self.moved_positions:
            return
        fixed = am.amend(ev, self.amendments)
        if fixed is not None:
            self._fold(fixed)

    def _fold(self, ev: Ev) -> None:
        day = ev.earliest
        if day > self.day:
            # Every fact up to the previous day is folded: take the snapshots due.
            for track in sorted(self.pending):
                self.rm._snapshot(track, "valid", self.day, self.head, self.runmax, self.head, self.accs[track])
            self.pending.clear()
            self.day = day
        for track in dict.fromkeys(ev.body["tracks"]):
            acc = self.accs.get(track)
            if acc is None:
                acc = self.accs[track] = empty(track)
            apply(acc, (ev,))
            if day > self.max_day.get(track, ""):
                self.max_day[track] = day
            n = self.since[track] = self.since.get(track, 0) + 1
            if n >= SNAPSHOT_EVERY:
                self.pending.add(track)
                self.since[track] = 0

    def finish(self, tracks: Iterable[str]) -> None:
        while self.moved:
            self._fold(self.moved.pop(0))
        for track in sorted(set(tracks) | set(self.accs)):
            self.rm._save_state(track, self.accs.get(track) or empty(track), self.max_day.get(track, ""), 0)


class _Build:
    """What a rebuild or a refold needs once, not once per track."""

    def __init__(self, rm: ReadModel, head: int) -> None:
        self.rm = rm
        self.head = head
        self.runmax = rm._runmax()
        positions = [r[0] for r in rm.conn.execute("SELECT position FROM rm_amendments")]
        self.amendments = am.resolve(rm.fetch_positions(positions))
        self._moved: list[tuple[Ev, set[str], str]] | None = None
        # root position -> position of its last amendment (corrections, retractions, chains)
        self.last_amend: dict[int, int] = dict(rm.conn.execute(
            "SELECT root_position, MAX(position) FROM rm_amendments GROUP BY root_position"))
        marks = rm.conn.execute("SELECT day, position, recorded FROM rm_runmax ORDER BY day").fetchall()
        self._days = [m[0] for m in marks]
        self._positions = [m[1] for m in marks]
        self._recorded = [m[2] for m in marks]

    def day_of(self, position: int) -> str:
        """The day the log had reached (running max of recorded_at) when `position` was logged."""
        i = bisect.bisect_left(self._positions, position)
        return self._days[min(i, len(self._days) - 1)] if self._days else ""

    def cut(self, day: str) -> tuple[int | None, str]:
        """(P, R): the last position logged by the end of `day`, and the latest recorded_at up to it."""
        i = bisect.bisect_right(self._days, day) - 1
        return (self._positions[i], self._recorded[i]) if i >= 0 else (None, "")

    def moved(self) -> list[tuple[Ev, set[str], str]]:
        """Events a correction moved in time or between tracks: (event, every track any of its
        forms was on, the earliest date any of its forms had). As known at an earlier K it may
        stand anywhere in between."""
        if self._moved is None:
            rows = self.rm.conn.execute(
                "SELECT root_position, position FROM rm_amendments WHERE touches_when = 1").fetchall()
            fixes: dict[int, list[Ev]] = {}
            by_pos = {e.position: e for e in self.rm.fetch_positions(sorted({p for _, p in rows}))}
            for root, pos in rows:
                fixes.setdefault(root, []).append(by_pos[pos])
            self._moved = []
            for ev in self.rm.fetch_positions(sorted(fixes)):
                tracks = set(ev.body["tracks"])
                earliest = ev.earliest
                for fix in fixes[ev.position]:
                    changes = fix.body.get("changes") or {}
                    tracks.update(changes.get("tracks") or ())
                    if isinstance(changes.get("occurred"), dict) and changes["occurred"].get("earliest"):
                        earliest = min(earliest, str(changes["occurred"]["earliest"]))
                self._moved.append((ev, tracks, earliest))
        return self._moved

    def rows(self, track: str) -> list[tuple[str, int, str, str]]:
        """(earliest by the amended form, position, known day, earliest any form had) of the facts
        that are, or ever were, on the track."""
        rows = [(e, p, k, e) for e, p, k in self.rm.conn.execute(
            "SELECT earliest, position, known_day FROM rm_track_events WHERE track = ?", (track,))]
        moved = self.moved()
        if not moved:
            return rows
        movers = {e.position for e, _, _ in moved}
        out = [r for r in rows if r[1] not in movers]
        for ev, tracks, lowest in moved:
            if track in tracks:
                fixed = am.amend(ev, self.amendments)
                out.append((fixed.earliest if fixed else ev.earliest, ev.position, self.day_of(ev.position), lowest))
        return out


def _days(a: str, b: str) -> int:
    try:
        return max(0, (date.fromisoformat(b[:10]) - date.fromisoformat(a[:10])).days)
    except ValueError:
        return 10**6


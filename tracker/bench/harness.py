"""How fast the tracker is, as ratios against baselines measured in the same run.

    python -m tracker.bench --events 100000        # or: tracker bench --events 100000

Generates a realistic synthetic log (`tracker.bench.synthetic`) as JSON Lines, then measures, each
heavy phase in a child process of its own (so each has its own peak resident memory, read from
/proc/self/status VmHWM in the child):

- import: `tracker import` of the file (validate, hash-chain, store) against raw
  `sqlite3.executemany` of the very same row tuples into a plain table (same columns, same PRAGMAs)
  in a fresh file, one transaction; and against the `eventsourcing` library's SQLite recorder
  (optional extra `bench`) storing the same events;
- append: one event logged durably (`EventStore.append([event])`, synchronous=FULL), median and p99,
  interleaved with a raw single-row INSERT + COMMIT under the same PRAGMAs;
- rebuild: the full read-model rebuild against plain `sqlite3` + `json.loads` over the same rows,
  and against replaying `eventsourcing` aggregates;
- as-of: the state of a track at random dates, on both time axes;
- TUI: time to first paint and to reach the end of the event log, headless;
- peak resident memory of import, rebuild and the TUI.

Machines are noisy, so every figure comes with its baseline from the same run; nothing here is a
test assertion. The optional baseline (eventsourcing) shows as "n/a" with how to install it when it
is not installed.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as TimeOfDay
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.bench.names import DEFAULT_EVENTS, PHASES

if TYPE_CHECKING:
    from tui.app import TrackerApp
    from tui.widgets.event_list import EventList

RESULT_TAG = "BENCH-RESULT "

TARGETS = {
    # issue 21's targets
    "import_vs_raw": 0.5,  # at least this fraction of the raw executemany rate
    "import_vs_es": 3.0,  # at least this multiple of eventsourcing's rate
    "append_median_ms": 1.0,
    "rebuild_vs_es": 2.0,
    "asof_ms": 100.0,
    "tui_first_paint_s": 1.0,
    "tui_end_ms": 200.0,
    "tui_rss_mb": 300.0,
}


# == measuring helpers ================================================================================
def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (VmHWM; ru_maxrss where there is no /proc)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident set size of the largest child process that has ended (the import's workers,
    the TUI's projection processes), in MB; 0 if none."""
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank: p99 of 500 samples is the 495th smallest."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered) - 1e-9)))
    return ordered[rank - 1]


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    try:
        with open("/proc/meminfo") as fh:
            info["memory_gb"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    for dist in ("pydantic", "textual", "eventsourcing"):
        try:
            from importlib.metadata import version

            info[dist] = version(dist)
        except Exception:  # noqa: BLE001 - not installed
            info[dist] = None
    try:
        info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    return info


def _profiled(fn: Callable[[], Any], top: int = 15) -> tuple[Any, str]:
    prof = cProfile.Profile()
    result = prof.runcall(fn)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    text = out.getvalue()
    lines = [ln for ln in text.splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if "ncalls" in ln), 0)
    return result, "\n".join(lines[start:])


def _fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def _unavailable(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:160]


# == phases (each runs in a child process: `python -m tracker.bench --phase NAME`) =====================
def phase_generate(a: dict[str, Any]) -> dict[str, Any]:
    from tracker.bench.synthetic import sizes, write_jsonl

    t0 = time.perf_counter()
    size = write_jsonl(a["jsonl"], a["events"], a["seed"])
    tracks, actors = sizes(a["events"])
    return {"seconds": time.perf_counter() - t0, "bytes": size, "bytes_per_event": size / max(a["events"], 1),
            "tracks": tracks, "actors": actors}


def phase_import(a: dict[str, Any]) -> dict[str, Any]:
    from tracker.service import Tracker
    from tracker.store.jsonl import default_workers

    db = Path(a["db"])
    _fresh(db)
    tracker = Tracker.open(db)
    # As `tracker import` does it: worker processes validate a big file (tracker.store.jsonl).
    workers = default_workers(a["jsonl"])

    def run() -> Any:
        return tracker.import_file(a["jsonl"])

    t0, c0 = time.perf_counter(), time.process_time()
    report, profile = _profiled(run) if a.get("profile") else (run(), None)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    tracker.close()
    return {"events": report.appended, "seconds": seconds, "cpu_seconds": cpu, "rate": report.appended / seconds,
            "db_bytes": db.stat().st_size, "profile": profile, "workers": workers}


def _raw_connection(path: Path) -> sqlite3.Connection:
    """The same PRAGMAs as the store: WAL, synchronous=FULL, autocommit with explicit BEGIN."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def _event_rows(db: Path, batch: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
    from tracker.store import EVENT_COLUMNS

    src = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cur = src.execute(f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY position")
        while rows := cur.fetchmany(batch):
            yield rows
    finally:
        src.close()


def phase_raw(a: dict[str, Any]) -> dict[str, Any]:
    """Raw executemany of the stored row tuples into a plain table with the same columns.

    Rows are read from the tracker's database in batches (to keep memory flat on a big log); only
    the executemany calls and the COMMIT are timed, all in one transaction. With `schema`, the
    same rows also go into a copy of the tracker's own schema (indexes, triggers, track and actor
    tables), which says how much of the import is SQLite keeping those up to date.
    """
    from tracker.store import EVENT_COLUMNS

    src_db = Path(a["db"])
    out: dict[str, Any] = {}
    raw_db = Path(a["raw_db"])
    _fresh(raw_db)
    conn = _raw_connection(raw_db)
    conn.execute(
        "CREATE TABLE events (position INTEGER PRIMARY KEY, "
        + ", ".join(f"{c} {'INTEGER' if c == 'schema_version' else 'TEXT'} NOT NULL" for c in EVENT_COLUMNS[1:])
        + ")"
    )
    insert = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
    timed = cpu = 0.0
    n = 0
    conn.execute("BEGIN")
    for rows in _event_rows(src_db):
        t0, c0 = time.perf_counter(), time.process_time()
        conn.executemany(insert, rows)
        timed += time.perf_counter() - t0
        cpu += time.process_time() - c0
        n += len(rows)
    t0, c0 = time.perf_counter(), time.process_time()
    conn.execute("COMMIT")
    timed += time.perf_counter() - t0
    cpu += time.process_time() - c0
    conn.close()
    out.update(events=n, seconds=timed, cpu_seconds=cpu, rate=n / timed if timed else float("nan"))

    if a.get("schema"):
        # The same rows into the tracker's schema: what SQLite alone costs for our indexes.
        schema_db = Path(a["raw_db"] + ".schema")
        _fresh(schema_db)
        src = sqlite3.connect(f"file:{src_db}?mode=ro", uri=True)
        ddl = [r[0] for r in src.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name IN ("
            "SELECT name FROM sqlite_master WHERE tbl_name IN ('events', 'event_tracks', 'event_actors')) "
            "ORDER BY type = 'table' DESC, type = 'index' DESC")]
        conn = _raw_connection(schema_db)
        for stmt in ddl:
            conn.execute(stmt)
        timed = 0.0
        conn.execute("BEGIN")
        for rows in _event_rows(src_db):
            lo, hi = rows[0][0], rows[-1][0]
            between = "WHERE position BETWEEN ? AND ?"
            tracks = src.execute(f"SELECT track, position FROM event_tracks {between}", (lo, hi)).fetchall()
            actors = src.execute(f"SELECT actor, position FROM event_actors {between}", (lo, hi)).fetchall()
            t0 = time.perf_counter()
            conn.executemany(insert, rows)
            conn.executemany("INSERT OR IGNORE INTO event_tracks(track, position) VALUES (?, ?)", tracks)
            conn.executemany("INSERT OR IGNORE INTO event_actors(actor, position) VALUES (?, ?)", actors)
            timed += time.perf_counter() - t0
        t0 = time.perf_counter()
        conn.execute("COMMIT")
        timed += time.perf_counter() - t0
        conn.close()
        src.close()
        _fresh(schema_db)
        out.update(schema_seconds=timed, schema_rate=n / timed if timed else float("nan"))
    return out


# -- eventsourcing ---------------------------------------------------------------------------------------
_ES_MODEL: dict[str, Any] = {}


def _es_model() -> dict[str, Any]:
    """An eventsourcing aggregate per track whose events carry the same bodies, and a small fold."""
    if _ES_MODEL:
        return _ES_MODEL
    from eventsourcing.domain import Aggregate
    from eventsourcing.utils import get_topic

    class TrackLog(Aggregate):
        def __init__(self, track: str) -> None:
            self.track = track
            self.status = "exploratory"
            self.events = 0
            self.last_occurred: Any = None
            self.stances: dict[tuple[str, str], str] = {}
            self.meetings: dict[str, str] = {}
            self.proposals: dict[str, str] = {}
            self.retracted: set[str] = set()

        class Recorded(Aggregate.Event):
            body: dict  # type: ignore[type-arg]

            def apply(self, agg: Any) -> None:
                b = self.body
                kind = b["type"]
                agg.events += 1
                agg.last_occurred = b["occurred"]
                if kind == "track_status_changed":
                    agg.status = b["new_status"]
                elif kind == "statement_made":
                    agg.stances[(b.get("on_behalf_of") or b["speaker"], b["issue"])] = b["stance"]
                elif kind.startswith("meeting_"):
                    agg.meetings[b["meeting"]] = kind
                elif kind == "proposal_tabled":
                    agg.proposals[b["proposal"]] = b.get("status", "confirmed")
                elif kind == "claim_status_changed":
                    agg.proposals[b["target"]] = b["new_status"]
                elif kind == "retraction":
                    agg.retracted.add(b["target"])

    # Topics of classes defined in a function resolve from this cache (same process, registered here).
    for cls in (TrackLog, TrackLog.Created, TrackLog.Recorded):
        get_topic(cls)
    _ES_MODEL.update(TrackLog=TrackLog)
    return _ES_MODEL


def _es_app(path: Path) -> Any:
    from eventsourcing.application import Application

    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path), "CREATE_TABLE": "y"}
    return Application(env=env)


def phase_eventsourcing(a: dict[str, Any]) -> dict[str, Any]:
    """The same lines, each decoded and stored as an eventsourcing domain event, per track aggregate.

    What is timed: reading and decoding each line (as our import does), building the domain event,
    mapping it to a stored event (its JSON transcoder) and inserting through its SQLite application
    recorder, 5000 events per transaction. It does not validate or hash: that is its usual path.
    """
    from uuid import NAMESPACE_URL, uuid5

    try:
        model = _es_model()
    except ImportError as exc:
        return {"unavailable": _unavailable(exc)}
    TrackLog = model["TrackLog"]
    path = Path(a["es_db"])
    _fresh(path)
    app = _es_app(path)
    mapper, recorder = app.mapper, app.recorder
    from eventsourcing.utils import get_topic

    created_topic = get_topic(TrackLog)
    versions: dict[str, int] = {}
    ids: dict[str, Any] = {}
    n = 0

    def run() -> None:
        nonlocal n
        batch: list[Any] = []
        now = datetime.now(UTC)
        with open(a["jsonl"], "rb") as fh:
            for raw in fh:
                body = json.loads(raw)
                track = body["tracks"][0]
                version = versions.get(track)
                if version is None:
                    ids[track] = uuid5(NAMESPACE_URL, track)
                    batch.append(mapper.to_stored_event(TrackLog.Created(
                        originator_id=ids[track], originator_version=1, timestamp=now,
                        originator_topic=created_topic, track=track)))
                    version = 1
                version += 1
                versions[track] = version
                batch.append(mapper.to_stored_event(TrackLog.Recorded(
                    originator_id=ids[track], originator_version=version, timestamp=now, body=body)))
                n += 1
                if len(batch) >= 5000:
                    recorder.insert_events(batch)
                    batch = []
        if batch:
            recorder.insert_events(batch)

    t0, c0 = time.perf_counter(), time.process_time()
    profile: str | None = None
    if a.get("profile"):
        _, profile = _profiled(run)
    else:
        run()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    app.close()
    return {"events": n, "seconds": seconds, "cpu_seconds": cpu, "rate": n / seconds, "aggregates": len(ids),
            "profile": profile}


def phase_es_rebuild(a: dict[str, Any]) -> dict[str, Any]:
    """Replay every track aggregate from the eventsourcing database (its repository, no snapshots)."""
    try:
        _es_model()
    except ImportError as exc:
        return {"unavailable": _unavailable(exc)}
    path = Path(a["es_db"])
    if not path.exists():
        return {"unavailable": "no eventsourcing database (its import did not run)"}
    app = _es_app(path)
    conn = sqlite3.connect(path)
    agg_ids = [r[0] for r in conn.execute("SELECT DISTINCT originator_id FROM stored_events")]
    n = conn.execute("SELECT count(*) FROM stored_events").fetchone()[0]
    conn.close()
    from uuid import UUID

    def run() -> int:
        total = 0
        for raw_id in agg_ids:
            agg = app.repository.get(UUID(raw_id))
            total += agg.events
        return total

    t0, c0 = time.perf_counter(), time.process_time()
    folded, profile = _profiled(run) if a.get("profile") else (run(), None)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    app.close()
    return {"events": n, "folded": folded, "aggregates": len(agg_ids), "seconds": seconds, "cpu_seconds": cpu,
            "rate": n / seconds, "profile": profile}


# -- rebuild -------------------------------------------------------------------------------------------
def phase_rebuild(a: dict[str, Any]) -> dict[str, Any]:
    """The full read-model rebuild, in the imported database itself (the read model lives beside
    the log; the as-of and TUI phases then use it, as they would on a user's file)."""
    db = Path(a["db"])
    out: dict[str, Any] = {}
    # Baseline first (it also warms the OS page cache for both): plain sqlite3 + json.loads.
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    t0 = time.perf_counter()
    n = 0
    loads = json.loads
    for (body,) in conn.execute("SELECT body FROM events ORDER BY position"):
        loads(body)
        n += 1
    out["raw_seconds"] = time.perf_counter() - t0
    out["raw_rate"] = n / out["raw_seconds"]
    out["events"] = n
    conn.close()
    out["rss_before_mb"] = peak_rss_mb()
    from tracker.service import Tracker

    tracker = Tracker.open(db)
    t0 = time.perf_counter()
    c0 = time.process_time()
    _, profile = _profiled(tracker.rebuild) if a.get("profile") else (tracker.rebuild(), None)
    out["seconds"] = time.perf_counter() - t0
    out["cpu_seconds"] = time.process_time() - c0
    out["rate"] = n / out["seconds"]
    out["function"] = "Tracker.rebuild()"
    out["profile"] = profile
    tracker.close()
    return out


# -- as-of ---------------------------------------------------------------------------------------------
def phase_asof(a: dict[str, Any]) -> dict[str, Any]:
    from projections.moment import Moment
    from tracker.service import Tracker

    # Writable, as the TUI opens it: the read model catches up if behind. On a server log
    # (`tracker`, from phase_server), the same dates and tracks are picked from the file log.
    tracker = a.get("tracker") or Tracker.open(a["db"])
    rng = random.Random(a["seed"] + 7)
    conn = sqlite3.connect(f"file:{a['db']}?mode=ro", uri=True)  # the harness's own look at the data
    lo, hi = conn.execute("SELECT min(occurred_earliest), max(occurred_latest) FROM events").fetchone()
    first, last = date.fromisoformat(lo), date.fromisoformat(hi)
    # The busiest tracks, as a user would look at them; a different one each time.
    tracks = [r[0] for r in conn.execute(
        "SELECT track, count(*) AS n FROM event_tracks GROUP BY track ORDER BY n DESC LIMIT 20")]
    days = [first + timedelta(days=rng.randrange((last - first).days + 1)) for _ in range(a["queries"])]
    picks = [tracks[rng.randrange(len(tracks))] for _ in days]
    conn.close()
    out: dict[str, Any] = {"queries": len(days)}

    def timed(label: str, call: Callable[[date, str], Any]) -> None:
        call(days[0], picks[0])  # first call may build indexes or caches: reported separately
        samples = []
        for d, track in zip(days, picks, strict=True):
            t0 = time.perf_counter()
            call(d, track)
            samples.append((time.perf_counter() - t0) * 1000)
        out[label] = {"median_ms": statistics.median(samples), "p99_ms": percentile(samples, 99),
                      "max_ms": max(samples)}

    def end_of(d: date) -> datetime:
        return datetime.combine(d, TimeOfDay.max, tzinfo=UTC)

    if a.get("profile"):  # a profiling run only profiles (the timed run is another one)
        tracker.track(picks[0], Moment(as_of=days[0]))
        _, out["profile"] = _profiled(lambda: [tracker.track(t, Moment(as_of=d, known_at=end_of(d)))
                                               for d, t in list(zip(days, picks, strict=True))[:20]])
        tracker.close()
        return out
    first_call = time.perf_counter()
    try:
        tracker.track(picks[0], Moment(as_of=days[0]))
        out["first_call_ms"] = (time.perf_counter() - first_call) * 1000
    except Exception as exc:  # noqa: BLE001 - report, do not crash the harness
        tracker.close()
        return {"unavailable": _unavailable(exc)}
    timed("valid", lambda d, t: tracker.track(t, Moment(as_of=d)))
    timed("transaction", lambda d, t: tracker.track(t, Moment(known_at=end_of(d))))
    timed("both", lambda d, t: tracker.track(t, Moment(as_of=d, known_at=end_of(d))))
    sample = days[: max(1, min(len(days), a.get("all_tracks_queries", 5)))]
    samples = []
    for d in sample:
        t0 = time.perf_counter()
        tracker.tracks(Moment(as_of=d, known_at=end_of(d)))
        samples.append((time.perf_counter() - t0) * 1000)
    out["all_tracks"] = {"median_ms": statistics.median(samples), "p99_ms": percentile(samples, 99),
                         "queries": len(sample)}
    tracker.close()
    return out


# -- TUI -----------------------------------------------------------------------------------------------
# Textual and the TUI are imported inside these functions: every `tracker` command imports this module.
def phase_tui(a: dict[str, Any]) -> dict[str, Any]:
    import asyncio

    if a.get("profile"):
        return {"profile": _profile_tracks_view(a["db"])}
    rss_before = peak_rss_mb()
    # As `tracker tui` opens it (run(path) -> TrackerApp(path)): the startup hash-chain verify and
    # the change poll included. Then once more without the verify, to show what it costs.
    out = asyncio.run(_drive_tui(a, rss_before))
    if not _na(out):
        quick = asyncio.run(_drive_tui(a, peak_rss_mb(), verify=False, end=False))
        out["no_verify"] = {k: quick.get(k) for k in ("first_frame_s", "first_paint_s", "unavailable") if k in quick}
    return out


def _profile_tracks_view(db: str) -> str:
    """The UI's own time is spread over worker threads, which cProfile does not follow: profile what
    the first screen waits for, the state of every track, on its own."""
    from projections.moment import Moment
    from tracker.service import Tracker

    with Tracker.open(db) as tracker:
        tracker.tracks(Moment())  # catch up first, outside the profile
        _, text = _profiled(lambda: tracker.tracks(Moment()))
    return "Tracker.tracks(Moment()), what the tracks view loads:\n" + text


async def _until(cond: Callable[[], bool], timeout: float) -> bool:
    import asyncio

    deadline = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.002)
    return True


async def _quiet(app: TrackerApp, frames: list[tuple[float, bool]], quiet: float = 0.25,
                 timeout: float = 60) -> None:
    """Until no worker runs and no frame has been drawn for `quiet` seconds."""
    import asyncio

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        busy = [w for w in app.workers if not w.is_finished]
        last = frames[-1][0] if frames else 0.0
        if not busy and time.perf_counter() - last >= quiet:
            return
        await asyncio.sleep(0.01)


def _tracks_shown(app: TrackerApp) -> bool:
    """The first screen (the list of tracks) shows data: its table has rows."""
    from textual.widgets import DataTable

    try:
        return any(t.row_count for t in app.screen.query(DataTable))
    except Exception:  # noqa: BLE001 - not mounted yet
        return False


def _screen_text(app: TrackerApp) -> str:
    """What the screen says, briefly (for a figure that could not be taken)."""
    from textual.widgets import Static

    texts = []
    try:
        for w in app.screen.query(Static):
            text = str(w.render()).strip()
            if text and any(word in text.lower() for word in ("error", "could not", "cannot", "failed")):
                texts.append(text)
    except Exception:  # noqa: BLE001
        pass
    return "; ".join(texts)[:200] or "nothing to say"


def _event_list(app: TrackerApp) -> EventList | None:
    from tui.widgets.event_list import EventList

    try:
        found = list(app.screen.query(EventList))
    except Exception:  # noqa: BLE001
        return None
    return found[0] if found else None


def _events_shown(app: TrackerApp) -> bool:
    lst = _event_list(app)
    return bool(lst is not None and lst.rows)


def _at_end(app: TrackerApp) -> bool:
    lst = _event_list(app)
    if lst is None or not lst.rows:
        return False
    return lst.at_end and lst.cursor == len(lst.rows) - 1


async def _drive_tui(a: dict[str, Any], rss_before: float, *, verify: bool = True,
                     end: bool = True) -> dict[str, Any]:
    """Frames are timed where Textual draws them (App.post_display_hook, called after every
    display, headless too), each with whether the view then showed what was asked for."""
    import inspect

    from tui.app import TrackerApp

    out: dict[str, Any] = {"rss_before_mb": rss_before}
    frames: list[tuple[float, bool]] = []
    probe: dict[str, Callable[[TrackerApp], bool]] = {"fn": _tracks_shown}

    class TimedApp(TrackerApp):
        # Textual finds CSS_PATH next to the module defining the class: keep the original's.
        CSS_PATH = str(Path(inspect.getfile(TrackerApp)).with_name(TrackerApp.CSS_PATH))

        def post_display_hook(self) -> None:
            super().post_display_hook()
            frames.append((time.perf_counter(), bool(probe["fn"](self))))

    def first_ok(since: int) -> float | None:
        return next((t for t, ok in frames[since:] if ok), None)

    t0 = time.perf_counter()
    app = TimedApp(a["db"], verify=verify)
    async with app.run_test(size=(160, 48)):
        idle_since = [time.perf_counter()]

        def stuck() -> bool:
            """Crashed, or nothing running for 5 s and still no data (an error shown instead)."""
            if app._exception is not None or not app.is_running:
                return True
            if any(not w.is_finished for w in app.workers):
                idle_since[0] = time.perf_counter()
            return time.perf_counter() - idle_since[0] > 5

        if not await _until(lambda: first_ok(0) is not None or stuck(), a.get("tui_timeout", 600)) \
                or first_ok(0) is None:
            error = app._exception
            out["unavailable"] = _unavailable(error) if error else f"no data on the first screen: {_screen_text(app)}"
            return out
        out["first_frame_s"] = frames[0][0] - t0
        out["first_paint_s"] = first_ok(0) - t0  # type: ignore[operator]
        out["first_screen"] = type(app.screen).__name__
        if not end:
            return out
        await _quiet(app, frames)
        out["settled_s"] = time.perf_counter() - t0  # every startup worker (the verify too) done
        try:
            # The event log view ("2"), then its far end (End).
            probe["fn"] = _events_shown
            mark, t1 = len(frames), time.perf_counter()
            await app._press_keys(["2"])
            if await _until(lambda: first_ok(mark) is not None, 60):
                out["events_view_ms"] = (first_ok(mark) - t1) * 1000  # type: ignore[operator]
            await _quiet(app, frames)
            lst = _event_list(app)
            if lst is None:
                raise LookupError("no EventList on the events view")
            probe["fn"] = _at_end
            mark, t2 = len(frames), time.perf_counter()
            await app._press_keys(["end"])
            if await _until(lambda: first_ok(mark) is not None, 60):
                out["end_ms"] = (first_ok(mark) - t2) * 1000  # type: ignore[operator]
                row = lst.highlighted
                where = f"cursor on event #{row.position if row is not None else '?'}"
                out["end_check"] = (f"{where} of {a.get('head')} (the oldest: the list is newest first)"
                                    if lst.newest_first else where)
            else:
                out["end_unavailable"] = "the end of the log was not reached within 60 s"
            await _quiet(app, frames)
        except Exception as exc:  # noqa: BLE001
            out["end_unavailable"] = _unavailable(exc)
    out["frames"] = len(frames)
    out["rss_mb"] = peak_rss_mb()
    return out


# -- durable single appends ----------------------------------------------------------------------------
def phase_append(a: dict[str, Any]) -> dict[str, Any]:
    """`EventStore.append([event])` N times (validated dict in, durable commit out), interleaved
    with a raw single-row INSERT + COMMIT into the raw baseline's file under the same PRAGMAs."""
    from tracker.bench.synthetic import generate
    from tracker.store import EVENT_COLUMNS, EventStore

    count = a["appends"]
    warmup = 10
    bodies = [b for b in generate(count * 2 + warmup * 2 + 800, seed=a["seed"] + 1_000_003) if "target" not in b]
    bodies = bodies[-(count + warmup):]  # past the opening descriptions: a typical mix
    store = EventStore(a["db"])
    assert store.conn.execute("PRAGMA synchronous").fetchone()[0] == 2, "the store must default to FULL"
    raw = _raw_connection(Path(a["raw_db"]))
    raw_row = list(store.conn.execute(
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM events ORDER BY position DESC LIMIT 1").fetchone())
    raw_insert = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
    raw_pos = raw.execute("SELECT coalesce(max(position), 0) FROM events").fetchone()[0]
    ours: list[float] = []
    base: list[float] = []
    for i, body in enumerate(bodies):
        t0 = time.perf_counter()
        store.append([body])
        t1 = time.perf_counter()
        raw_pos += 1
        raw_row[0], raw_row[1] = raw_pos, body["id"]
        t2 = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(raw_insert, raw_row)
        raw.execute("COMMIT")
        t3 = time.perf_counter()
        if i >= warmup:
            ours.append((t1 - t0) * 1000)
            base.append((t3 - t2) * 1000)
    profile = None
    if a.get("profile"):
        more = [b for b in generate(400, seed=a["seed"] + 2_000_003) if "target" not in b][-100:]
        _, profile = _profiled(lambda: [store.append([b]) for b in more])
    store.close()
    raw.close()
    return {"appends": len(ours), "median_ms": statistics.median(ours), "p99_ms": percentile(ours, 99),
            "raw_median_ms": statistics.median(base), "raw_p99_ms": percentile(base, 99), "profile": profile}


def phase_server(a: dict[str, Any]) -> dict[str, Any]:
    """The same log on a PostgreSQL server: copied there (`tracker copy`, which also builds the
    read models on the server), opened by a new machine, as-of queries against the server's read
    models, and single appends through the server. The server at `a["server"]` gets a throwaway
    database of its own, dropped afterwards."""
    import uuid

    import psycopg

    from tracker.bench.synthetic import generate
    from tracker.service import Tracker
    from tracker.store.postgres import init_server

    url = a["server"]
    name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
    parts = urllib.parse.urlsplit(url)
    bench_url = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    try:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 ENCODING UTF8')  # type: ignore[arg-type]
    except psycopg.Error as exc:
        return {"unavailable": f"cannot make a database on the server ({str(exc).strip()[:120]})"}
    out: dict[str, Any] = {}
    try:
        init_server(bench_url)
        t0 = time.perf_counter()
        with Tracker.open(a["db"], readonly=True) as source, Tracker.open(bench_url) as target:
            out["copied"] = source.copy_to(target).events
        out["copy_s"] = time.perf_counter() - t0
        out["copy_rate"] = out["copied"] / out["copy_s"]
        t0 = time.perf_counter()  # a colleague's machine: nothing of the log is kept on it
        tracker = Tracker.open(bench_url)
        out["open_s"] = time.perf_counter() - t0
        out["asof"] = phase_asof(dict(a, tracker=tracker, profile=False))
        tracker = Tracker.open(bench_url)
        bodies = [b for b in generate(a["appends"] * 2 + 820, seed=a["seed"] + 1_000_003) if "target" not in b]
        samples = []
        for body in bodies[-a["appends"]:]:
            t1 = time.perf_counter()
            tracker.store.append([body])
            samples.append((time.perf_counter() - t1) * 1000)
        tracker.close()
        out["append"] = {"median_ms": statistics.median(samples), "p99_ms": percentile(samples, 99),
                         "appends": len(samples)}
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    return out


PHASE_FUNCTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "generate": phase_generate, "import": phase_import, "raw": phase_raw, "eventsourcing": phase_eventsourcing,
    "rebuild": phase_rebuild, "es_rebuild": phase_es_rebuild, "asof": phase_asof, "tui": phase_tui,
    "append": phase_append, "server": phase_server,
}


def child_main(name: str, args: dict[str, Any]) -> None:
    t0 = time.perf_counter()
    try:
        result = PHASE_FUNCTIONS[name](args)
    except Exception as exc:  # noqa: BLE001 - the parent reports it in the table
        import traceback

        traceback.print_exc()
        result = {"error": _unavailable(exc)}
    result["peak_rss_mb"] = peak_rss_mb()
    children = children_peak_rss_mb()
    if children:
        result["children_peak_rss_mb"] = children
    result["wall_s"] = time.perf_counter() - t0
    try:
        result["load_avg_1m"] = round(os.getloadavg()[0], 2)  # how busy the machine was meanwhile
    except OSError:
        pass
    sys.stdout.flush()
    print(RESULT_TAG + json.dumps(result, default=str), flush=True)


# == the parent: run phases, print the table ===========================================================
@dataclass
class Options:
    events: int = DEFAULT_EVENTS
    server: str | None = None  # a PostgreSQL URL: the same figures for a server log (phase_server)
    seed: int = 1
    workdir: str | None = None
    keep: bool = False
    appends: int = 500
    queries: int = 100
    skip: tuple[str, ...] = ()
    profile: tuple[str, ...] = ()
    schema_baseline: bool = True
    json_path: str | None = None
    markdown_path: str | None = None
    quiet: bool = False
    repeat: int = 1
    timeout: float = 4 * 3600


@dataclass
class Run:
    options: Options
    machine: dict[str, Any]
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    started: str = ""
    seconds: float = 0.0
    command: str = ""


def run_phase(name: str, args: dict[str, Any], timeout: float, log: Callable[[str], None]) -> dict[str, Any]:
    log(f"[bench] {name} ...")
    t0 = time.perf_counter()
    env = dict(os.environ)
    env.setdefault("PYTHONHASHSEED", "0")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "tracker.bench", "--phase", name, "--phase-args", json.dumps(args)],
            capture_output=True, text=True, timeout=timeout, env=env,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    result: dict[str, Any] | None = None
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG):])
            break
    if result is None:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        result = {"error": f"phase {name} exited with {proc.returncode}: {' | '.join(tail)[:300]}"}
    elif proc.returncode != 0 or "error" in result:
        result.setdefault("error", f"exit status {proc.returncode}")
        result["stderr"] = proc.stderr.strip().splitlines()[-5:]
    log(f"[bench] {name} done in {time.perf_counter() - t0:.1f} s")
    return result


# Phases run one after the other in this order; within a group, --repeat runs the whole group again
# (interleaved, so a noisy spell hits both a figure and its baseline) and keeps each phase's best.
GROUPS: tuple[tuple[str, ...], ...] = (
    ("generate",), ("import", "raw", "eventsourcing"), ("rebuild", "es_rebuild"), ("asof",), ("tui",), ("append",),
    ("server",),
)


def run_benchmark(opts: Options, log: Callable[[str], None] | None = None) -> Run:
    log = log or (lambda s: None if opts.quiet else print(s, file=sys.stderr, flush=True))
    made_workdir = opts.workdir is None
    workdir = Path(opts.workdir or tempfile.mkdtemp(prefix="tracker-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    run = Run(opts, machine(), started=datetime.now(UTC).isoformat(timespec="seconds"))
    paths = {"jsonl": str(workdir / "log.jsonl"), "db": str(workdir / "tracker.db"),
             "raw_db": str(workdir / "raw.db"), "es_db": str(workdir / "eventsourcing.db")}
    common = {**paths, "events": opts.events, "seed": opts.seed}
    t0 = time.perf_counter()

    def args_for(name: str) -> dict[str, Any]:
        args = dict(common, profile=False)
        if name == "raw":
            args["schema"] = opts.schema_baseline
        if name == "append":
            args["appends"] = opts.appends
        if name == "asof":
            args["queries"] = opts.queries
        if name == "tui":
            args["head"] = run.results.get("import", {}).get("events")
        if name == "server":
            args.update(server=opts.server, appends=min(opts.appends, 200), queries=opts.queries)
        return args

    try:
        for group in GROUPS:
            todo = []
            for name in group:
                if name in opts.skip and name not in ("generate", "import"):
                    run.results[name] = {"skipped": True}
                elif name == "server" and not opts.server:
                    run.results[name] = {"unavailable": "no server given (--db postgresql://...)", "not_installed": True}
                elif name in ("eventsourcing", "es_rebuild") and not _has_eventsourcing():
                    run.results[name] = {"unavailable": "pip install -e '.[bench]'", "not_installed": True}
                else:
                    todo.append(name)
            repeat = max(1, opts.repeat) if len(todo) and todo[0] in ("import", "rebuild") else 1
            runs: dict[str, list[dict[str, Any]]] = {name: [] for name in todo}
            for i in range(repeat):
                for name in todo:
                    if i and name == "raw":
                        args = dict(args_for(name), schema=False)  # the schema-only figure once is enough
                    else:
                        args = args_for(name)
                    runs[name].append(run_phase(name, args, opts.timeout, log))
            for name in todo:
                run.results[name] = _best(runs[name])
            # Profiles come from one more run under cProfile, never from the timed ones.
            for name in todo:
                if name in opts.profile and name != "generate":
                    log(f"[bench] {name} again, under cProfile")
                    profiled = run_phase(name, dict(args_for(name), profile=True, schema=False), opts.timeout, log)
                    run.results[name]["profile"] = profiled.get("profile") or profiled.get("error")
            if any("error" in run.results.get(n, {}) for n in ("generate", "import") if n in todo):
                log("[bench] cannot go on without the synthetic log and its import")
                break
    finally:
        run.seconds = time.perf_counter() - t0
        if made_workdir and not opts.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        elif not opts.quiet:
            log(f"[bench] files kept in {workdir}")
    return run


def _best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the highest rate (fastest), with every run's rate and the highest peak memory."""
    if len(results) == 1:
        return results[0]
    rated = [r for r in results if isinstance(r.get("rate"), (int, float))]
    best = dict(max(rated, key=lambda r: r["rate"]) if rated else results[-1])
    best["runs"] = [r.get("rate") for r in results]
    for key in ("schema_rate", "schema_seconds"):
        found = [r[key] for r in results if r.get(key) is not None]
        if found and key not in best:
            best[key] = found[0]
    for key in ("peak_rss_mb", "children_peak_rss_mb"):
        peaks = [r[key] for r in results if r.get(key) is not None]
        if peaks:
            best[key] = max(peaks)
    return best


def _has_eventsourcing() -> bool:
    import importlib.util

    return importlib.util.find_spec("eventsourcing") is not None


# -- the table -----------------------------------------------------------------------------------------
def _rate(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f} ev/s"


def _ms(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.3f} ms" if x < 1 else f"{x:.1f} ms" if x < 100 else f"{x:,.0f} ms"


def _na(result: dict[str, Any] | None, *keys: str) -> str | None:
    """The n/a text for a figure whose phase did not give it, or None if it did."""
    if result is None:
        return "n/a (not run)"
    if result.get("skipped"):
        return "n/a (skipped)"
    if result.get("not_installed"):
        return "n/a (pip install -e '.[bench]')"
    if "unavailable" in result:
        return f"n/a (not available: {result['unavailable']})"
    if "error" in result:
        return f"n/a (error: {result['error']})"
    for k in keys:
        if result.get(k) is None:
            return f"n/a (not measured: {k})"
    return None


def table_rows(run: Run) -> list[tuple[str, str, str, str, str, str]]:
    """(figure, tracker, baseline, ratio, target, verdict) per row."""
    r = run.results
    n = run.options.events
    rows: list[tuple[str, str, str, str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "**missed**")

    imp, raw = r.get("import"), r.get("raw")
    na = _na(imp, "rate") or _na(raw, "rate")
    if na:
        rows.append((f"import of {n:,} events vs raw executemany", na, "", "", f"≥ {TARGETS['import_vs_raw']}× raw", "n/a"))
    else:
        assert imp is not None and raw is not None  # _na gave no reason, so both phases ran
        ratio = imp["rate"] / raw["rate"]
        helpers = f"; validated by {imp['workers']} worker processes" if imp.get("workers") else ""
        rows.append((f"import of {n:,} events (validate, hash-chain, store{helpers}) vs raw `sqlite3.executemany`",
                     f"{_rate(imp['rate'])} ({imp['seconds']:.2f} s)", f"{_rate(raw['rate'])} ({raw['seconds']:.2f} s)",
                     f"{ratio:.2f}×", f"≥ {TARGETS['import_vs_raw']}× raw", verdict(ratio >= TARGETS["import_vs_raw"])))
    es = r.get("eventsourcing")
    na = _na(imp, "rate") or _na(es, "rate")
    if na:
        rows.append(("same import vs eventsourcing's SQLite recorder", na, "", "", "≥ 3× its rate", "n/a"))
    else:
        assert imp is not None and es is not None  # _na gave no reason, so both phases ran
        ratio = imp["rate"] / es["rate"]
        rows.append(("same import vs eventsourcing's SQLite recorder", _rate(imp["rate"]),
                     f"{_rate(es['rate'])} ({es['seconds']:.2f} s)", f"{ratio:.2f}×", "≥ 3× its rate",
                     verdict(ratio >= TARGETS["import_vs_es"])))
    ap = r.get("append")
    na = _na(ap, "median_ms")
    if na:
        rows.append(("one logged event, validated, hashed, committed durably", na, "", "", "< 1 ms median", "n/a"))
    else:
        assert ap is not None  # _na gave no reason, so the phase ran
        rows.append((f"one logged event, validated, hashed, committed durably (synchronous=FULL, {ap['appends']}×)",
                     f"median {_ms(ap['median_ms'])}, p99 {_ms(ap['p99_ms'])}",
                     f"raw INSERT+COMMIT: median {_ms(ap['raw_median_ms'])}, p99 {_ms(ap['raw_p99_ms'])}",
                     f"{ap['median_ms'] / ap['raw_median_ms']:.1f}× raw time", "< 1 ms median",
                     verdict(ap["median_ms"] < TARGETS["append_median_ms"])))
    rb = r.get("rebuild")
    na = _na(rb, "rate")
    base = f"{_rate(rb['raw_rate'])} ({rb['raw_seconds']:.2f} s)" if rb and rb.get("raw_rate") else ""
    if na:
        rows.append(("full projection rebuild vs plain `sqlite3` + `json.loads`", na, base, "",
                     "report the ratio", "n/a"))
    else:
        assert rb is not None  # _na gave no reason, so the phase ran
        rows.append((f"full projection rebuild (`{rb.get('function', 'rebuild')}`) vs plain `sqlite3` + `json.loads`",
                     f"{_rate(rb['rate'])} ({rb['seconds']:.2f} s)", base,
                     f"{rb['rate'] / rb['raw_rate']:.2f}× the raw read rate", "report the ratio", "reported"))
    esr = r.get("es_rebuild")
    na = _na(rb, "rate") or _na(esr, "rate")
    if na:
        rows.append(("full projection rebuild vs eventsourcing aggregate replay", na, "", "",
                     f"≥ {TARGETS['rebuild_vs_es']:g}× its rate", "n/a"))
    else:
        assert rb is not None and esr is not None  # _na gave no reason, so both phases ran
        ratio = rb["rate"] / esr["rate"]
        rows.append(("full projection rebuild vs eventsourcing aggregate replay", _rate(rb["rate"]),
                     f"{_rate(esr['rate'])} ({esr['seconds']:.2f} s, {esr['aggregates']} aggregates)",
                     f"{ratio:.2f}×", f"≥ {TARGETS['rebuild_vs_es']:g}× its rate", verdict(ratio >= TARGETS["rebuild_vs_es"])))
    asof = r.get("asof")
    for label, key in (("valid time (as of D)", "valid"), ("transaction time (as known at D)", "transaction"),
                       ("both axes (as of D, as known at D)", "both")):
        sub = (asof or {}).get(key) if asof and not _na(asof) else None
        na = _na(asof) or (_na(sub, "median_ms") if sub is not None else "n/a (not measured)")
        fig = f"as-of query, {label}: `Tracker.track` at {run.options.queries} random dates"
        if na:
            rows.append((fig, na, "", "", "< 100 ms each", "n/a"))
        else:
            assert sub is not None  # na is falsy only when the sub-figure was measured
            rows.append((fig, f"median {_ms(sub['median_ms'])}, p99 {_ms(sub['p99_ms'])}", "", "",
                         "< 100 ms each", verdict(sub["p99_ms"] < TARGETS["asof_ms"])))
    tui = r.get("tui")
    na = _na(tui, "first_paint_s")
    if na:
        rows.append(("TUI: time to first paint (headless pilot)", na, "", "", "< 1 s", "n/a"))
        rows.append(("TUI: time to reach the end of the event log", na, "", "", "< 200 ms", "n/a"))
    else:
        assert tui is not None  # _na gave no reason, so the phase ran
        rows.append(("TUI: time to first paint (headless pilot)", f"{tui['first_paint_s']:.2f} s", "", "", "< 1 s",
                     verdict(tui["first_paint_s"] < TARGETS["tui_first_paint_s"])))
        end = tui.get("end_ms")
        rows.append(("TUI: time to reach the end of the event log (End in the events view)",
                     _ms(end) if end is not None else f"n/a ({tui.get('end_unavailable', 'not measured')})", "", "",
                     "< 200 ms", verdict(None if end is None else end < TARGETS["tui_end_ms"])))
    rows.extend(_server_rows(r))
    mem = []
    for label, key in (("import", "import"), ("rebuild", "rebuild"), ("TUI", "tui")):
        res = r.get(key)
        if res and "peak_rss_mb" in res and not _na(res):
            child = res.get("children_peak_rss_mb")
            mem.append(f"{label} {res['peak_rss_mb']:,.0f} MB"
                       + (f" (child processes: {child:,.0f} MB each at most)" if child else ""))
        else:
            mem.append(f"{label} {(_na(res) or 'n/a')}")
    tui_ok = None if (not tui or _na(tui)) else tui["peak_rss_mb"] < TARGETS["tui_rss_mb"]
    rows.append(("peak resident memory (VmHWM of each phase's process)", "; ".join(mem), "", "", "TUI < 300 MB",
                 verdict(tui_ok)))
    return rows


def _server_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str, str, str]]:
    """The PostgreSQL figures beside the file log's from the same run (`--db postgresql://...`)."""
    srv = r.get("server")
    if not srv or srv.get("not_installed"):
        return []
    na = _na(srv, "copy_rate")
    if na:
        return [("the same log on PostgreSQL (`--db postgresql://...`)", na, "", "", "report", "n/a")]
    rows = []
    imp = r.get("import") or {}
    base = f"file import: {_rate(imp['rate'])}" if imp.get("rate") else ""
    ratio = f"{srv['copy_rate'] / imp['rate']:.2f}× the file import" if imp.get("rate") else ""
    figure = (f"PostgreSQL: `tracker copy` of the file log to a server ({srv['copied']:,} events, chain walked on "
              "both ends, read models built there)")
    rows.append((figure, f"{_rate(srv['copy_rate'])} ({srv['copy_s']:.2f} s)", base, ratio, "report",
                 "reported"))
    rows.append(("PostgreSQL: a new machine's first open (the read models are on the server)", f"{srv['open_s']:.2f} s",
                 "", "", "report", "reported"))
    asof, file_asof = srv.get("asof") or {}, r.get("asof") or {}
    for label, key in (("as of D", "valid"), ("as known at D", "transaction"), ("both", "both")):
        sub, base_sub = asof.get(key), file_asof.get(key)
        if not sub:
            continue
        base = f"file: median {_ms(base_sub['median_ms'])}, p99 {_ms(base_sub['p99_ms'])}" if base_sub else ""
        rows.append((f"PostgreSQL: as-of query, {label} (the server's read models)",
                     f"median {_ms(sub['median_ms'])}, p99 {_ms(sub['p99_ms'])}", base, "", "< 100 ms each",
                     verdict_of(sub["p99_ms"] < TARGETS["asof_ms"])))
    ap, file_ap = srv.get("append") or {}, r.get("append") or {}
    if ap:
        base = f"file: median {_ms(file_ap['median_ms'])}" if file_ap.get("median_ms") else ""
        rows.append((f"PostgreSQL: one logged event, through the server's lock ({ap['appends']}×)",
                     f"median {_ms(ap['median_ms'])}, p99 {_ms(ap['p99_ms'])}", base, "", "report", "reported"))
    return rows


def verdict_of(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def render(run: Run) -> str:
    o, m, r = run.options, run.machine, run.results
    out = []
    gen = r.get("generate", {})
    out.append(f"## tracker bench: {o.events:,} events (seed {o.seed})\n")
    out.append(f"- machine: {m['cpu']}, {m['cores']} cores, {m.get('memory_gb', '?')} GB; "
               f"Python {m['python']}, SQLite {m['sqlite']}; pydantic {m.get('pydantic')}, "
               f"textual {m.get('textual')}, eventsourcing {m.get('eventsourcing') or 'not installed'}")
    out.append(f"- platform: {m['platform']}; load average at start {m.get('load_average')}")
    if run.command:
        out.append(f"- command: `{run.command}`")
    if gen and "bytes_per_event" in gen:
        out.append(f"- synthetic log: {gen['bytes'] / 1e6:,.1f} MB of JSON Lines, {gen['bytes_per_event']:.0f} bytes "
                   f"per event, {gen['tracks']} tracks, {gen['actors']} actors, all 18 event types "
                   f"(generated in {gen['seconds']:.1f} s)")
    out.append(f"- started {run.started}, total {run.seconds:.0f} s\n")
    out.append("| figure | tracker | baseline (same run) | ratio | target | |")
    out.append("|---|---|---|---|---|---|")
    for row in table_rows(run):
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    notes = []
    raw = r.get("raw", {})
    if raw.get("schema_rate"):
        notes.append(f"SQLite alone, inserting the same rows into the tracker's own schema (4 indexes, the "
                     f"gap-free trigger, track and actor tables): {_rate(raw['schema_rate'])}, "
                     f"{raw['schema_rate'] / raw['rate']:.2f}× the plain table's rate")
    imp = r.get("import", {})
    if imp.get("db_bytes"):
        notes.append(f"tracker database after import: {imp['db_bytes'] / 1e6:,.0f} MB")
    loads = [f"{name} {r[name]['load_avg_1m']}" for name in PHASES if isinstance(r.get(name), dict)
             and r[name].get("load_avg_1m") is not None]
    if loads:
        notes.append(f"machine load (1-min load average at the end of each phase; {m['cores']} cores): "
                     + ", ".join(loads))
    cpu = [f"{label} {r[name]['cpu_seconds']:.2f} s" for label, name in
           (("import", "import"), ("raw", "raw"), ("eventsourcing import", "eventsourcing"),
            ("rebuild", "rebuild"), ("eventsourcing rebuild", "es_rebuild"))
           if isinstance(r.get(name), dict) and r[name].get("cpu_seconds") is not None]
    if cpu:
        notes.append("CPU time of the timed sections (the ratios above use wall time): " + ", ".join(cpu))
    repeated = [f"{name} " + ", ".join(_rate(x) for x in r[name]["runs"]) for name in PHASES
                if isinstance(r.get(name), dict) and r[name].get("runs")]
    if repeated:
        notes.append(f"best of {o.repeat} interleaved runs shown; every run: " + "; ".join(repeated))
    asof = r.get("asof", {})
    if asof.get("first_call_ms") is not None:
        notes.append(f"as-of: first call {_ms(asof['first_call_ms'])} (caches, indexes), not in the figures")
    if isinstance(asof.get("all_tracks"), dict) and "median_ms" in asof["all_tracks"]:
        at = asof["all_tracks"]
        notes.append(f"as-of, every track at once (`Tracker.tracks`, both axes, {at['queries']} dates): "
                     f"median {_ms(at['median_ms'])}, p99 {_ms(at['p99_ms'])}")
    tui = r.get("tui", {})
    if isinstance(tui.get("no_verify"), dict) and tui["no_verify"].get("first_paint_s") is not None:
        notes.append("TUI first paint is measured as `tracker tui` starts (its hash-chain verify starting once the "
                     "first screen has data); "
                     f"without the startup verify: {tui['no_verify']['first_paint_s']:.2f} s; first frame of any "
                     f"kind after {tui.get('first_frame_s', float('nan')):.2f} s; everything settled after "
                     f"{tui.get('settled_s', float('nan')):.1f} s")
    if tui.get("end_check"):
        notes.append(f"TUI end of log: {tui['end_check']}; first screen {tui.get('first_screen')}, "
                     f"events view opened in {_ms(tui.get('events_view_ms'))}")
    for name in PHASES:
        res = r.get(name, {})
        if res.get("error") and res.get("stderr"):
            notes.append(f"{name} failed: {res['error']} — " + " / ".join(res["stderr"])[-300:])
    if notes:
        out.append("")
        out.extend(f"- {n}" for n in notes)
    for name in PHASES:
        prof = r.get(name, {}).get("profile")
        if prof:
            out.append(f"\n<details><summary>profile: {name} (cProfile, by own time; a separate, untimed run)"
                       f"</summary>\n\n```\n{prof}\n```\n</details>")
    return "\n".join(out) + "\n"


def to_json(run: Run) -> dict[str, Any]:
    return {"options": run.options.__dict__, "machine": run.machine, "results": run.results,
            "started": run.started, "seconds": run.seconds, "command": run.command,
            "table": [list(r) for r in table_rows(run)]}


def finish(run: Run) -> str:
    text = render(run)
    if run.options.json_path:
        Path(run.options.json_path).write_text(json.dumps(to_json(run), indent=2, default=str))
    if run.options.markdown_path:
        Path(run.options.markdown_path).write_text(text)
    return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tracker.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="events in the synthetic log (default 100000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", help="where to put the files (default: a temporary directory, removed after)")
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument("--appends", type=int, default=500, help="durable single appends to time")
    p.add_argument("--queries", type=int, default=100, help="as-of dates to query")
    p.add_argument("--skip", action="append", default=[], choices=PHASES[2:], help="skip a phase (repeatable)")
    p.add_argument("--profile", action="append", default=[], choices=PHASES[1:],
                   help="run a phase under cProfile and print its top lines (repeatable)")
    p.add_argument("--no-schema-baseline", action="store_true",
                   help="do not also time SQLite alone inserting into the tracker's schema")
    p.add_argument("--json", dest="json_path", help="also write every measurement as JSON to this file")
    p.add_argument("--markdown", dest="markdown_path", help="also write the table to this file")
    p.add_argument("--repeat", type=int, default=1,
                   help="run import/raw/eventsourcing and the rebuilds this many times, interleaved; keep the best")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--phase", help=argparse.SUPPRESS)
    p.add_argument("--phase-args", help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.phase:
        child_main(args.phase, json.loads(args.phase_args))
        return 0
    opts = Options(events=args.events, seed=args.seed, workdir=args.workdir, keep=args.keep,
                   appends=args.appends, queries=args.queries, skip=tuple(args.skip), profile=tuple(args.profile),
                   schema_baseline=not args.no_schema_baseline, json_path=args.json_path,
                   markdown_path=args.markdown_path, quiet=args.quiet, repeat=args.repeat)
    run = run_benchmark(opts)
    run.command = "python -m tracker.bench " + " ".join(argv if argv is not None else sys.argv[1:])
    print(finish(run), end="")
    return 0

"""Crash safety: a writer killed with SIGKILL at any moment leaves a database that opens, verifies,
and holds whole transactions only.

- `tracker import` of a 100k-line file is one transaction: after a kill the log holds either all
  100k events or none of them, on top of what was there before.
- A loop of `store.append` batches (one transaction each) killed midway: every batch is complete or
  absent, and every batch whose append had returned is there.

Kill moments are random; set CRASH_SEED to replay a run.
"""

# The assertions here read a Popen's stdout/stderr pipes (always set: they are opened with PIPE)
# and s.at(position).hash straight off Optional types; a None fails the test right there. Narrowing
# each one would rewrite the assertions, so this file's only relaxed check is union-attr.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gen import event_id, statements, write_jsonl
from tracker.readmodel import ReadModel
from tracker.store import EventStore
from tracker.store.jsonl import import_file

BIG = 100_000
BASE = 300  # events in the log before each import
HELPERS_DIR = Path(__file__).resolve().parents[1] / "helpers"  # where `gen` is, for the child
SEED = int(os.environ.get("CRASH_SEED", random.SystemRandom().randrange(1 << 30)))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


@pytest.fixture(scope="module")
def big_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("crash") / "big.jsonl", "crash", BIG)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A closed database with BASE events and its read model caught up to them (its WAL
    checkpointed away), and its head hash."""
    path = tmp_path_factory.mktemp("base") / "base.db"
    with EventStore(path) as s:
        s.append(list(statements("base", BASE)))
        ReadModel(s).catch_up()
        head = s.head()
        BASE_SCHEMA[:] = _schema(s.conn)
    assert head[0] == BASE and not Path(f"{path}-wal").exists()
    return path, head[1]


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()


BASE_SCHEMA: list[tuple[str, str, str]] = []


def _copy_db(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def _import_cmd(db: Path, jsonl: Path) -> list[str]:
    return [sys.executable, "-m", "tracker", "--db", str(db), "import", str(jsonl)]


def _check_after_kill(db: Path, base_head: str, label: str, catch_up: bool = False) -> int:
    """Open (which recovers the WAL), check integrity and verify; return how many events it holds."""
    with EventStore(db) as s:
        assert s.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok", label
        assert _schema(s.conn) == BASE_SCHEMA, f"{label}: tables, indexes or triggers differ after the kill"
        result = s.verify()
        count = s.count()
        assert result.ok, f"{label}: verify failed at {result.first_bad_position}: {result.reason}"
        assert result.checked == count, label
        assert s.at(BASE).hash == base_head, f"{label}: the events before the import changed"
        rows = s.conn.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone()
        assert rows == (count, count), label
        assert count in (BASE, BASE + BIG), f"{label}: partial import: {count - BASE} of {BIG} events"
        if count == BASE + BIG:
            ids = [r[0] for r in s.conn.execute("SELECT id FROM events WHERE position > ? ORDER BY position", (BASE,))]
            assert ids == [event_id("crash", n) for n in range(BIG)], f"{label}: events missing or out of order"
        tracks = s.conn.execute("SELECT count(DISTINCT position) FROM event_tracks").fetchone()[0]
        assert tracks == count, f"{label}: the track index does not match the log"
        # The read model was not touched by the import: still at its checkpoint, never ahead.
        rm = ReadModel(s)
        assert rm.checkpoint() == BASE <= count, label
        if catch_up or count == BASE:
            rm.catch_up()
            assert rm.checkpoint() == count and rm.current(), label
    return count


def _run_and_kill(db: Path, jsonl: Path, delay: float) -> None:
    proc = subprocess.Popen(_import_cmd(db, jsonl), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _run_and_kill_after_commit(db: Path, jsonl: Path) -> float:
    """Kill the import the instant another reader sees its commit: that lands in the checkpoint
    SQLite runs right after a large commit (or just after it). Returns the import's duration."""
    started = time.monotonic()
    proc = subprocess.Popen(_import_cmd(db, jsonl), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        while proc.poll() is None:
            if reader.execute("SELECT max(position) FROM events").fetchone()[0] == BASE + BIG:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        reader.close()
    proc.wait()
    assert proc.returncode in (0, -signal.SIGKILL), proc.stderr.read().decode()
    return time.monotonic() - started


def _discard(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def test_sigkill_during_100k_import_leaves_all_or_nothing(tmp_path, big_jsonl, base_db):
    base, base_head = base_db
    rng = random.Random(SEED)
    outcomes: list[tuple[str, int]] = []

    # Kill 1: early, at a random moment in the first seconds (reading and validating lines).
    db = _copy_db(base, tmp_path / "run1.db")
    delay = rng.uniform(0.5, 2.5)
    _run_and_kill(db, big_jsonl, delay)
    label = f"kill 1 (seed {SEED}, after {delay:.2f}s)"
    outcomes.append((label, _check_after_kill(db, base_head, label)))

    # The same import run again on the crashed file completes; it is killed right after its
    # commit, which must not lose it either. Its duration sets the moments of the next kills.
    duration = _run_and_kill_after_commit(db, big_jsonl)
    label = "re-run after kill 1, killed after its commit"
    outcomes.append((label, _check_after_kill(db, base_head, label, catch_up=True)))
    assert outcomes[-1][1] == BASE + BIG
    _discard(db)

    # Kills 2-4: at a random moment within each third of the import's duration.
    for run in range(2, 5):
        delay = rng.uniform(duration * (run - 2) / 3, duration * (run - 1) / 3)
        label = f"kill {run} (seed {SEED}, after {delay:.2f}s of ~{duration:.1f}s)"
        db = _copy_db(base, tmp_path / f"run{run}.db")
        _run_and_kill(db, big_jsonl, delay)
        outcomes.append((label, _check_after_kill(db, base_head, label)))
        _discard(db)
    print(f"\n100k import: {len(outcomes)} SIGKILLs survived: " + "; ".join(f"{label} -> {c}" for label, c in outcomes))


APPEND_LOOP = r"""
import sys
sys.path.insert(0, sys.argv[3])
from gen import statement
from tracker.store import EventStore

db, run = sys.argv[1], int(sys.argv[2])
store = EventStore(db)
k = 0
while True:
    size = 1 + (k * 7) % 40
    batch = [statement(f"r{run}b{k}", j, summary=f"run {run} batch {k} item {j} of {size}") for j in range(size)]
    result = store.append(batch)
    print(f"ack {k} {result.head}", flush=True)
    k += 1
"""


def _parse_summary(summary: str) -> tuple[int, int, int, int]:
    _, run, _, batch, _, item, _, size = summary.split()
    return int(run), int(batch), int(item), int(size)


def test_sigkill_during_a_loop_of_append_batches_keeps_every_batch_whole(tmp_path):
    rng = random.Random(SEED + 1)
    db = tmp_path / "loop.db"
    EventStore(db).close()
    head = 0
    acked_total = 0
    for run in range(4):
        proc = subprocess.Popen([sys.executable, "-c", APPEND_LOOP, str(db), str(run), str(HELPERS_DIR)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        acks: list[tuple[int, int]] = []

        def read(p: subprocess.Popen = proc, out: list = acks) -> None:
            for line in p.stdout:
                _, k, h = line.split()
                out.append((int(k), int(h)))

        reader = threading.Thread(target=read)
        reader.start()
        # Wait for the first commit so every run is killed mid-loop, not during start-up.
        deadline = time.monotonic() + 30
        while not acks and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert acks, f"the append loop never committed: {proc.stderr.read() if proc.poll() is not None else ''}"
        time.sleep(rng.uniform(0.05, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join()
        assert proc.returncode == -signal.SIGKILL, proc.stderr.read()

        with EventStore(db) as s:
            result = s.verify()
            assert result.ok, f"run {run}: verify failed at {result.first_bad_position}: {result.reason}"
            rows = [_parse_summary(e.event.summary) for e in s.iter_events(after=head)]
            new_head = s.count()
        # The new events are batches 0..n-1 of this run, each whole and in order.
        expected: list[tuple[int, int, int, int]] = []
        k = 0
        while len(expected) < len(rows):
            size = 1 + (k * 7) % 40
            expected.extend((run, k, j, size) for j in range(size))
            k += 1
        assert rows == expected, f"run {run}: the log ends inside a batch (seed {SEED})"
        batches = k
        # Everything acknowledged is there; at most one batch committed but not yet acknowledged.
        assert batches >= len(acks) and batches - len(acks) <= 1, (batches, len(acks))
        assert acks[-1][1] <= new_head
        acked_total += len(acks)
        head = new_head
    print(f"\nappend loop: 4 kills survived, {acked_total} acknowledged batches, {head} events")


CATCH_UP = r"""
import sys
from tracker.readmodel import ReadModel
from tracker.store import EventStore

rm = ReadModel(EventStore(sys.argv[1]))
print("start", flush=True)
rm.catch_up()
print("caught up", flush=True)
"""


def _start_catch_up(db: Path) -> tuple[subprocess.Popen, float]:
    """Start a catch-up in another process; return it once it is about to begin, and when."""
    proc = subprocess.Popen([sys.executable, "-c", CATCH_UP, str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "start\n", proc.stderr.read()
    return proc, time.monotonic()


def test_sigkill_during_read_model_catch_up_leaves_it_at_its_checkpoint(tmp_path):
    """The read model and its checkpoint change in one transaction: a kill leaves both as they were,
    and the next catch-up brings it level with the log, equal to a read model built from scratch."""
    rng = random.Random(SEED + 2)
    db = tmp_path / "rm.db"
    with EventStore(db) as s:
        s.append(list(statements("rm-base", 200)))
        ReadModel(s).catch_up()
        import_file(s, write_jsonl(tmp_path / "more.jsonl", "rm-more", 20_000))
        head = s.count()
    # How long a catch-up of these 20,000 events takes here (on a copy), to kill inside it.
    timing = Path(shutil.copyfile(db, tmp_path / "timing.db"))
    proc, began = _start_catch_up(timing)
    assert proc.stdout.readline() == "caught up\n" and proc.wait() == 0, proc.stderr.read()
    duration = time.monotonic() - began
    outcomes = []
    for kill in range(3):
        proc, began = _start_catch_up(db)
        delay = rng.uniform(0.05, 0.9) * duration
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        with EventStore(db) as s:
            cp = ReadModel(s).checkpoint()
            assert s.verify().ok and s.count() == head
        finished = "caught up" in out
        assert cp == (head if finished else 200), f"kill {kill} after {delay:.2f}s (seed {SEED}): checkpoint {cp}"
        outcomes.append((round(delay, 2), cp))
        if finished:
            break
    with EventStore(db) as s:
        rm = ReadModel(s)
        rm.catch_up()
        assert rm.checkpoint() == head
        tracks = rm.tracks()
        states = {t: rm.state(t) for t in tracks}
    fresh = Path(shutil.copyfile(db, tmp_path / "fresh.db"))
    with EventStore(fresh) as s:
        rebuilt = ReadModel(s)
        rebuilt.rebuild()
        assert rebuilt.tracks() == tracks and {t: rebuilt.state(t) for t in tracks} == states
    print(f"\nread-model catch-up ({duration:.2f}s) kills (delay s, checkpoint): {outcomes}")

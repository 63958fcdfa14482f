"""An import prepared by a worker process writes what a single-process import writes, and fails
the same way: same rows and hashes, same problems (line and field), same duplicate handling."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tracker.bench.synthetic import generate
from tracker.store import EventStore, IdConflict, InvalidEvents, StoreError, jsonl
from tracker.store.jsonl import import_file, import_lines
from tracker.workers import worker_pool


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Chunks are cut by the importing process: small ones spread a small file over many tasks.
    monkeypatch.setattr(jsonl, "CHUNK", 150)
    yield


def lines_of(bodies: list[dict[str, Any]]) -> list[bytes]:
    return [json.dumps(b).encode() + b"\n" for b in bodies]


def rows(store: EventStore) -> list[tuple[Any, ...]]:
    tables = ("SELECT * FROM events ORDER BY position", "SELECT * FROM event_tracks ORDER BY 1, 2",
              "SELECT * FROM event_actors ORDER BY 1, 2")
    return [tuple(store.conn.execute(q).fetchall()) for q in tables]


def imported(path: Path, lines: list[bytes], workers: int | None) -> EventStore:
    store = EventStore(path, durable=False)
    import_lines(store, lines, workers=workers)
    return store


def test_a_worker_prepared_import_writes_the_same_rows_and_hashes(tmp_path: Path) -> None:
    bodies = list(generate(1200, seed=3))  # every type, corrections of earlier chunks among them
    assert any(b["type"] == "correction" for b in bodies)
    lines = lines_of(bodies)
    lines.insert(400, b"   \n")  # a blank line: skipped, still counted as a line number
    one = imported(tmp_path / "one.db", lines, workers=0)
    two = imported(tmp_path / "two.db", lines, workers=1)
    assert one.head()[0] == 1200
    assert rows(one) == rows(two)
    assert two.verify().ok


def test_a_worker_prepared_import_reports_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    bodies = list(generate(700, seed=4))
    lines = lines_of(bodies)
    lines[10] = b'{"type": "statement_made"\n'  # malformed, first chunk
    broken = dict(bodies[320])
    broken["occurred"] = {"earliest": "2025-02-30", "latest": "2025-02-30", "precision": "day"}
    lines[320] = json.dumps(broken).encode()  # invalid date, third chunk
    lines[650] = b"[1, 2]\n"  # not an object, last chunk
    found = {}
    for workers in (0, 1):
        store = EventStore(tmp_path / f"log{workers}.db", durable=False)
        store.append(bodies[:5])
        before = rows(store)
        with pytest.raises(InvalidEvents) as err:
            import_lines(store, lines, workers=workers)
        assert rows(store) == before  # nothing written
        found[workers] = [str(p) for p in err.value.problems]
    assert found[1] == found[0]
    assert [p.split(":")[0] for p in found[1]][:1] == ["line 11"]
    assert any(p.startswith("line 321: field 'occurred") for p in found[1]), found[1]
    assert found[1][-1].startswith("line 651:")


def test_a_worker_prepared_import_stops_at_the_problem_limit(tmp_path: Path) -> None:
    lines = [b"not json\n"] * (jsonl.MAX_PROBLEMS * 3)
    store = EventStore(tmp_path / "log.db", durable=False)
    with pytest.raises(InvalidEvents) as err:
        import_lines(store, lines, workers=1)
    assert len(err.value.problems) == jsonl.MAX_PROBLEMS
    assert store.head()[0] == 0


def test_duplicates_across_chunks_are_skipped_or_refused_naming_the_line(tmp_path: Path) -> None:
    bodies = list(generate(400, seed=5))
    again = lines_of(bodies) + lines_of(bodies[:50])  # the same events once more, chunks later
    store = imported(tmp_path / "log.db", again, workers=1)
    assert store.head()[0] == 400
    changed = dict(bodies[7], summary="a different summary under the same id")
    conflicting = lines_of(bodies[:300]) + lines_of([changed])
    other = EventStore(tmp_path / "other.db", durable=False)
    with pytest.raises(IdConflict, match=r"line 301: event id .* already in the log at position 8"):
        import_lines(other, conflicting, workers=1)
    assert other.head()[0] == 0


def test_a_big_file_is_prepared_by_a_worker_and_a_small_one_here(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"".join(lines_of(list(generate(300, seed=6)))))
    asked: list[int] = []
    real = jsonl._prepared

    def spy(raw_lines: Any, workers: int) -> Any:
        asked.append(workers)
        return real(raw_lines, workers)

    monkeypatch.setattr(jsonl, "_prepared", spy)
    monkeypatch.setattr(jsonl.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(jsonl, "PARALLEL_FROM_BYTES", path.stat().st_size + 1)
    import_file(EventStore(tmp_path / "small.db", durable=False), path)
    monkeypatch.setattr(jsonl, "PARALLEL_FROM_BYTES", path.stat().st_size)
    report = import_file(EventStore(tmp_path / "big.db", durable=False), path)
    assert asked == [0, 2] and report.appended == 300


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads process states from /proc")
def test_a_worker_ends_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    """SIGKILL the parent of a pool from tracker.workers: its worker does not wait forever."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from tracker.workers import worker_pool\n"
        "if __name__ == '__main__':\n"
        "    pool = worker_pool(1)\n"
        "    print(pool.submit(os.getpid).result(), flush=True)\n"
        "    time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert _alive(worker)
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker)
    finally:
        parent.kill()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")
def test_ctrl_c_during_a_parallel_import_writes_nothing_and_prints_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: the import stops, the log stays empty, and the
    workers do not each print a KeyboardInterrupt traceback."""
    source = tmp_path / "big.jsonl"
    source.write_bytes(b"".join(lines_of(list(generate(60_000, seed=8)))))
    db = tmp_path / "log.db"
    # Started as a shell starts a command: Ctrl-C neither blocked nor ignored, whatever this test
    # process inherited (a signal mask and an ignored disposition both pass through exec).
    start = ("import os, signal, sys; signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT}); "
             "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.executable, sys.argv[1:])")
    proc = subprocess.Popen([sys.executable, "-c", start, sys.executable, "-m", "tracker", "--db", str(db),
                             "import", str(source)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            cwd=Path(__file__).resolve().parents[2])
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None and len(children.read_text().split()) < 2:
        time.sleep(0.05)  # the resource tracker and the workers
    time.sleep(0.5)
    assert proc.poll() is None, "the import finished before it could be interrupted"
    masks = [ln for ln in Path(f"/proc/{proc.pid}/status").read_text().splitlines() if ln.startswith(("SigBlk", "SigIgn"))]
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    with EventStore(db) as store:
        head = store.head()[0]
    assert proc.returncode != 0, (head, out, err, masks)
    assert "Traceback" not in err, err
    assert head == 0


def _ignores_ctrl_c() -> bool:
    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN


def test_workers_leave_ctrl_c_to_the_process_that_started_them() -> None:
    # An idle worker interrupted in its queue read would print a traceback of its own; whether one
    # is idle when Ctrl-C comes is a matter of timing, so the disposition itself is checked here.
    with worker_pool(1) as pool:
        assert pool.submit(_ignores_ctrl_c).result(timeout=30)


@pytest.mark.parametrize("chunks", [2, 5])
def test_a_stream_starts_workers_only_once_it_proves_long(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          chunks: int) -> None:
    started: list[int] = []
    real_pool = jsonl.worker_pool

    def pool(n: int) -> Any:
        started.append(n)
        return real_pool(n)

    monkeypatch.setattr(jsonl, "worker_pool", pool)
    monkeypatch.setattr(jsonl, "auto_workers", lambda: 2)
    lines = lines_of(list(generate(jsonl.CHUNK * chunks, seed=9)))
    streamed = imported(tmp_path / "streamed.db", lines, workers=None)
    here = imported(tmp_path / "here.db", lines, workers=0)
    assert started == ([] if chunks <= jsonl.AUTO_AFTER_CHUNKS else [2])
    assert rows(streamed) == rows(here)



def _die() -> None:
    os._exit(1)  # as the OOM killer would end a worker


class _DyingPool:
    """A worker pool whose third task ends its worker process."""

    def __init__(self, workers: int) -> None:
        self.pool = worker_pool(workers)
        self.tasks = 0

    def __enter__(self) -> _DyingPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, fn: Any, *args: Any) -> Any:
        self.tasks += 1
        return self.pool.submit(_die) if self.tasks == 3 else self.pool.submit(fn, *args)


def test_a_worker_that_dies_fails_the_import_clearly_and_writes_nothing(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "worker_pool", _DyingPool)
    store = EventStore(tmp_path / "log.db", durable=False)
    with pytest.raises(StoreError, match="worker process preparing the import ended abruptly"):
        import_lines(store, lines_of(list(generate(jsonl.CHUNK * 6, seed=10))), workers=1)
    assert store.head()[0] == 0

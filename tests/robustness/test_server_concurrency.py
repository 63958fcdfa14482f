"""Concurrent writers on a server log: 5 processes x 1,000 appends (single appends, CLI imports
and CLI logs mixed) end gap-free, chained, each event exactly once; a writer killed with SIGKILL
mid-batch leaves whole batches only. Against a real PostgreSQL server (tests/helpers/pgserver.py)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from gen import event_id, write_jsonl
from tracker.store.postgres import ServerStore

HELPERS_DIR = Path(__file__).resolve().parents[1] / "helpers"
TRACKER = [sys.executable, "-m", "tracker"]
PER_PROCESS = 1000
APPENDERS = 4
IMPORT_CHUNKS = 5
CLI_LOGS = 10

APPENDER = r"""
import sys, json
sys.path.insert(0, sys.argv[4])
from gen import statement
from tracker.service import Tracker

with Tracker.open(sys.argv[1]) as tracker:
    size = int(sys.argv[5])
    positions = []
    for n in range(0, int(sys.argv[3]), size):
        result = tracker.store.append([statement(sys.argv[2], k) for k in range(n, n + size)])
        positions.extend(e.position for e in result.appended)
        print(len(positions), flush=True)
print(json.dumps(positions))
"""


def _server_rows(url: str) -> list[tuple[int, str]]:
    with psycopg.connect(url) as conn:
        return [(int(p), str(i)) for p, i in conn.execute("SELECT position, id FROM tracker.events ORDER BY position")]


def _appender(url: str, prefix: str, count: int, batch: int = 1) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", APPENDER, url, prefix, str(count), str(HELPERS_DIR), str(batch)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_five_processes_appending_at_once_lose_nothing_and_duplicate_nothing(pg_url: str, tmp_path: Path) -> None:
    chunk = PER_PROCESS // IMPORT_CHUNKS
    files = [write_jsonl(tmp_path / f"chunk{i}.jsonl", "imported", chunk, start=i * chunk) for i in range(IMPORT_CHUNKS)]
    results: list[subprocess.CompletedProcess[str]] = []

    def importer() -> None:
        for f in files:
            results.append(subprocess.run([*TRACKER, "--db", pg_url, "import", str(f)], capture_output=True,
                                          text=True, timeout=600))

    def cli_logger() -> None:
        for n in range(CLI_LOGS):
            results.append(subprocess.run([
                *TRACKER, "--db", pg_url, "log", "statement-made", "--when", "2025-02-18", "--track",
                "ukraine-settlement", "--speaker", "lavrov", "--issue", "sanctions", "--stance", "opposes",
                "--summary", f"cli statement {n}", "--id", event_id("cli", n), "--source", "TASS"],
                capture_output=True, text=True, timeout=600))

    started = time.monotonic()
    appenders = [_appender(pg_url, f"single{k}", PER_PROCESS) for k in range(APPENDERS)]
    threads = [threading.Thread(target=importer), threading.Thread(target=cli_logger)]
    for t in threads:
        t.start()
    outputs = [p.communicate(timeout=900) for p in appenders]
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started

    for p, (_, err) in zip(appenders, outputs, strict=True):
        assert p.returncode == 0, err
    for r in results:
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    rows = _server_rows(pg_url)
    total = (APPENDERS + 1) * PER_PROCESS + CLI_LOGS
    assert [p for p, _ in rows] == list(range(1, total + 1))  # gap-free
    expected = ([event_id(f"single{k}", n) for k in range(APPENDERS) for n in range(PER_PROCESS)]
                + [event_id("imported", n) for n in range(PER_PROCESS)] + [event_id("cli", n) for n in range(CLI_LOGS)])
    assert sorted(i for _, i in rows) == sorted(expected)  # each exactly once
    position = {i: p for p, i in rows}
    for k, (out, _) in enumerate(outputs):  # each appender was told the positions its events hold
        told = json.loads(out.splitlines()[-1])
        assert told == [position[event_id(f"single{k}", n)] for n in range(PER_PROCESS)]
    inside = range(min(json.loads(outputs[0][0].splitlines()[-1])), max(json.loads(outputs[0][0].splitlines()[-1])))
    assert any(position[event_id("single1", n)] in inside for n in range(PER_PROCESS)), "the writers never interleaved"
    for i in range(IMPORT_CHUNKS):  # an import is one transaction: its events are contiguous
        ps = [position[event_id("imported", n)] for n in range(i * chunk, (i + 1) * chunk)]
        assert ps == list(range(ps[0], ps[0] + chunk))
    with ServerStore(pg_url) as store:
        assert store.verify().ok and store.head()[0] == total
    print(f"\nserver concurrency: {total} events from {APPENDERS + 1 + CLI_LOGS + IMPORT_CHUNKS} processes in "
          f"{elapsed:.1f}s = {total / elapsed:.0f} events/s")


def test_a_writer_killed_mid_batch_leaves_whole_batches_and_the_log_goes_on(pg_url: str, body: Any) -> None:
    batch = 50
    proc = _appender(pg_url, "killed", 100_000, batch)
    assert proc.stdout is not None
    for _ in range(4):  # a few batches in: it is appending now
        proc.stdout.readline()
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    rows = _server_rows(pg_url)
    assert rows and len(rows) % batch == 0, len(rows)  # whole batches: the one cut short left nothing
    assert [p for p, _ in rows] == list(range(1, len(rows) + 1))
    with ServerStore(pg_url) as store:  # the lock died with it: the next writer appends at once
        assert store.append([body()]).head == len(rows) + 1
        assert store.verify().ok

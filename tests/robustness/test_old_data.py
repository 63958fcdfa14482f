"""Old data, newer data, read-only data.

- tests/fixtures/v1_log.db, a checked-in log written under event schema version 1 (single `date`,
  single `source`; rebuilt from v1_log.jsonl by tests/fixtures/make_v1_log.py), opens, reads upcast
  (dates and sources right), verifies, and round-trips through export/import with its hashes.
- A file from a newer tracker (higher meta.format_version, or an event_schemas row with a higher
  version) is refused by every command with a clear message and left byte for byte as it was.
- A read-only file can be listed, verified and exported; writing to it fails with a clear message.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from events import SCHEMA_VERSION, canonical_json
from gen import statement, statements
from tracker.cli import cli
from tracker.store import EventStore, IncompatibleDatabase, ReadOnlyStore
from tracker.store.jsonl import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
V1_DB = FIXTURES / "v1_log.db"
V1_JSONL = FIXTURES / "v1_log.jsonl"
V1_LINES = [json.loads(line) for line in V1_JSONL.read_text(encoding="utf-8").splitlines()]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(db: Path, *args: str, input: bytes | None = None):
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        f"crashed: {result.exception!r}\n{result.output}"
    return result


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    return Path(shutil.copyfile(V1_DB, tmp_path / "v1.db"))


# -- the v1 fixture ---------------------------------------------------------------------------------
def test_the_fixture_is_small_and_holds_version_1_bodies_verbatim():
    assert V1_DB.stat().st_size < 100_000
    raw = sqlite3.connect(f"file:{V1_DB}?mode=ro", uri=True)
    bodies = [json.loads(b) for (b,) in raw.execute("SELECT body FROM events ORDER BY position")]
    versions = dict(raw.execute("SELECT type, version FROM event_schemas"))
    raw.close()
    assert bodies == V1_LINES  # stored exactly as the prototype wrote them: never rewritten
    assert all(b["schema_version"] == 1 and "date" in b and "occurred" not in b for b in bodies)
    assert set(versions.values()) == {1}


def test_v1_events_read_upcast_with_their_dates_and_sources():
    before = sha(V1_DB)
    with EventStore(V1_DB, readonly=True) as s:  # in place, read-only
        events = [e.event for e in s.iter_events()]
        assert s.verify().ok and s.count() == len(V1_LINES)
    assert sha(V1_DB) == before and not Path(f"{V1_DB}-wal").exists()
    for event, line in zip(events, V1_LINES, strict=True):
        assert event.schema_version == SCHEMA_VERSION
        day = date.fromisoformat(line["date"])
        assert (event.occurred.earliest, event.occurred.latest, event.occurred.precision) == (day, day, "day")
        if "source" in line:
            assert [s.outlet for s in event.sources] == [line["source"]]
        else:
            assert event.sources == []
        assert event.summary == line["summary"] and event.id == line["id"]
    assert events[3].quote == "Это, конечно, неприемлемо" and events[3].status == "reported"
    assert events[2].duration_hours == 4.5


def test_v1_log_through_the_cli_lists_filters_and_verifies(v1_copy):
    listed = json.loads(invoke(v1_copy, "events", "--json", "--oldest-first").stdout)
    assert [e["occurred"]["earliest"] for e in listed] == [line["date"] for line in V1_LINES]
    assert listed[3]["sources"][0]["outlet"] == "TASS" and listed[1]["sources"] == []
    in_range = json.loads(invoke(v1_copy, "events", "--json", "--from", "2025-02-18", "--to", "2025-02-20").stdout)
    assert sorted(e["id"] for e in in_range) == sorted(line["id"] for line in V1_LINES[2:5])
    assert json.loads(invoke(v1_copy, "events", "--json", "--text", "НЕПРИЕМЛЕМО").stdout)[0]["id"] == V1_LINES[3]["id"]
    verified = invoke(v1_copy, "verify")
    assert verified.exit_code == 0 and f"ok: {len(V1_LINES)} events" in verified.stdout


def test_v1_log_export_import_round_trips_its_hashes(v1_copy, tmp_path):
    exported = invoke(v1_copy, "export")
    assert exported.exit_code == 0
    lines = exported.stdout_bytes.decode("utf-8").splitlines()
    # Still version 1, byte for byte, each line with its hash (and the head on the last line).
    with sqlite3.connect(v1_copy) as raw:
        stored = [h for (h,) in raw.execute("SELECT hash FROM events ORDER BY position")]
    assert lines[:-1] == [canonical_json(line)[:-1] + f',"hash":"{h}"}}' for line, h in zip(V1_LINES, stored, strict=True)]
    assert json.loads(lines[-1])["tracker_export"]["head"] == f"{len(V1_LINES)}:{stored[-1]}"
    again = tmp_path / "again.db"
    assert invoke(again, "import", "-", input=exported.stdout_bytes).exit_code == 0
    # The fixture is also exactly what importing its source file gives.
    from_source = tmp_path / "from_source.db"
    with EventStore(from_source) as s:
        import_file(s, V1_JSONL)
    q = "SELECT position, id, body, hash FROM events ORDER BY position"
    with sqlite3.connect(v1_copy) as a, sqlite3.connect(again) as b, sqlite3.connect(from_source) as c:
        assert a.execute(q).fetchall() == b.execute(q).fetchall() == c.execute(q).fetchall()
    assert invoke(again, "export").stdout_bytes == exported.stdout_bytes


def test_new_events_append_after_old_ones(v1_copy):
    with EventStore(v1_copy) as s:
        s.append([statement("after-v1", 0)])
        assert s.verify().ok and s.count() == len(V1_LINES) + 1
        kinds = [json.loads(b).get("schema_version") for _, b in s.iter_bodies()]
    assert kinds == [1] * len(V1_LINES) + [SCHEMA_VERSION]


# -- a file from a newer tracker ---------------------------------------------------------------------
def _newer(path: Path, how: str) -> None:
    with EventStore(path) as s:
        s.append(list(statements("newer", 3)))
    raw = sqlite3.connect(path)
    if how == "format_version":
        raw.execute("UPDATE meta SET value = '2' WHERE key = 'format_version'")
    else:
        raw.execute("INSERT OR REPLACE INTO event_schemas(type, version) VALUES ('summit_held', ?)", (SCHEMA_VERSION + 1,))
    raw.commit()
    raw.close()


def _snapshot(directory: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(directory.iterdir())}


COMMANDS = [
    ("events",), ("events", "--json"), ("verify",), ("export",), ("import", "-"),
    ("log", "statement-made", "--when", "2025-02-18", "--track", "t", "--speaker", "x", "--issue", "y",
     "--stance", "neutral", "--summary", "s"),
]


@pytest.mark.parametrize("how", ["format_version", "event_schema"])
def test_a_file_from_a_newer_tracker_is_refused_by_every_command_and_left_untouched(tmp_path, how):
    db = tmp_path / "newer" / "log.db"
    db.parent.mkdir()
    _newer(db, how)
    before = _snapshot(db.parent)
    assert set(before) == {"log.db"}  # no -wal or -shm beside it
    for command in COMMANDS:
        stdin = statement("x", 1) if command[0] == "import" else None
        result = invoke(db, *command, input=json.dumps(stdin).encode() if stdin else None)
        assert result.exit_code == 1, (command, result.output)
        assert "newer" in result.stderr and "upgrade the tracker" in result.stderr and "untouched" in result.stderr
        assert _snapshot(db.parent) == before, f"{command} changed the files"
    with pytest.raises(IncompatibleDatabase, match="summit_held v3" if how == "event_schema" else "format 2"):
        EventStore(db)
    assert _snapshot(db.parent) == before


def test_a_newer_file_with_its_wal_still_beside_it_is_left_untouched(tmp_path):
    db = tmp_path / "wal" / "log.db"
    db.parent.mkdir()
    _newer(db, "format_version")
    holder = sqlite3.connect(db)  # the newer tracker, still running: its WAL is not checkpointed
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("PRAGMA wal_autocheckpoint=0")
    holder.execute("INSERT INTO meta(key, value) VALUES ('newer_feature', 'on')")
    holder.commit()
    try:
        before = _snapshot(db.parent)
        assert "log.db-wal" in before
        for command in COMMANDS[:4]:
            result = invoke(db, *command)
            assert result.exit_code == 1 and "newer tracker" in result.stderr
        # The -shm is the WAL's shared-memory index that every reader updates; the data is untouched.
        after = _snapshot(db.parent)
        assert {k: v for k, v in after.items() if k != "log.db-shm"} == \
            {k: v for k, v in before.items() if k != "log.db-shm"}
    finally:
        holder.close()


def test_an_event_body_from_a_newer_schema_is_reported_not_crashed_on(v1_copy):
    raw = sqlite3.connect(v1_copy)
    raw.execute("DROP TRIGGER events_no_update")
    body = json.loads(raw.execute("SELECT body FROM events WHERE position = 2").fetchone()[0])
    raw.execute("UPDATE events SET body = ? WHERE position = 2", (canonical_json({**body, "schema_version": 9}),))
    raw.commit()
    raw.close()
    result = invoke(v1_copy, "events")
    assert result.exit_code == 1 and "position 2" in result.stderr and "newer than this program" in result.stderr


# -- read-only -----------------------------------------------------------------------------------
def test_the_read_only_flag_reads_and_refuses_writes_clearly(v1_copy):
    before = sha(v1_copy)
    with EventStore(v1_copy, readonly=True) as s:
        assert s.count() == len(V1_LINES) and s.verify().ok
        with pytest.raises(ReadOnlyStore, match="read-only: it can be browsed, but nothing can be logged"):
            s.append([statement("ro", 0)])
    assert sha(v1_copy) == before


@pytest.fixture
def read_only_dir(tmp_path: Path):
    """A normal (WAL-mode) log as a 0444 file in a 0555 directory."""
    directory = tmp_path / "ro"
    directory.mkdir()
    db = directory / "log.db"
    shutil.copyfile(V1_DB, db)
    with EventStore(db) as s:  # as the tracker leaves it: WAL mode, checkpointed
        s.append([statement("ro-base", 0)])
    db.chmod(0o444)
    directory.chmod(0o555)
    yield db
    directory.chmod(0o755)
    db.chmod(0o644)


def test_the_cli_reads_a_read_only_file_and_refuses_to_write_to_it(read_only_dir):
    db = read_only_dir
    before = sha(db)
    assert len(json.loads(invoke(db, "events", "--json").stdout)) == len(V1_LINES) + 1
    assert invoke(db, "verify").exit_code == 0
    exported = invoke(db, "export")
    assert exported.exit_code == 0 and len(exported.stdout.splitlines()) == len(V1_LINES) + 2  # and the head
    # Writing fails clearly, for root too: the file's mode says read-only.
    logged = invoke(db, *COMMANDS[-1])
    assert logged.exit_code == 1 and "read-only" in logged.stderr, logged.output
    imported = invoke(db, "import", "-", input=json.dumps(statement("ro", 1)).encode())
    assert imported.exit_code == 1 and "read-only" in imported.stderr
    assert sha(db) == before


def test_the_real_program_on_a_read_only_file(read_only_dir):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tracker", "--db", str(read_only_dir), *args],
                              capture_output=True, text=True, env=env, timeout=120)

    assert run("verify").returncode == 0
    assert "Lavrov disputes the reported plan" in run("events").stdout
    refused = run(*COMMANDS[-1])
    assert refused.returncode == 1 and "read-only" in refused.stderr and "Traceback" not in refused.stderr

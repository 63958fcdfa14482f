"""A log written by an earlier release can hold an event this release refuses: before years were
bounded to 1800-2200, a date in 9999 was accepted and logged. Such a log is sound (its chain holds),
so nothing may crash on it: the views that need the event stop with one line naming its position
and what is wrong (and 'tracker verify' to see every such event), `verify` lists them, the other
commands keep working, and new input in 9999 is still refused.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dbcopy import copy_db
from events import canonical_json, chain_hash
from gen import event_id, statement, write_jsonl
from run_cli import tracker

N = 12
FAR = "9999-01-01"


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture(scope="module")
def old_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """N statements, then one dated 9999 appended as an earlier release did: through SQLite with
    the triggers in place, correctly chained and indexed."""
    tmp = tmp_path_factory.mktemp("old-release")
    db = tmp / "log.db"
    assert tracker("import", str(write_jsonl(tmp / "in.jsonl", "old", N)), db=db).returncode == 0
    raw = sqlite3.connect(db)
    prev = raw.execute("SELECT hash FROM events WHERE position = ?", (N,)).fetchone()[0]
    body = json.loads(raw.execute("SELECT body FROM events WHERE position = 1").fetchone()[0])
    body.update(id=event_id("far", 1), summary="dated in the year 9999",
                occurred={**body["occurred"], "earliest": FAR, "latest": FAR})
    text = canonical_json(body)
    raw.execute(
        "INSERT INTO events (position, id, type, schema_version, occurred_earliest, occurred_latest, precision, "
        "recorded_at, tracks, actors, status, summary, body, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (N + 1, body["id"], body["type"], body["schema_version"], FAR, FAR, body["occurred"]["precision"],
         body["recorded_at"], json.dumps(body["tracks"]), json.dumps(body["actors"]), body["status"],
         body["summary"], text, chain_hash(prev, text)))
    raw.executemany("INSERT INTO event_tracks VALUES (?, ?)", [(t, N + 1) for t in body["tracks"]])
    raw.executemany("INSERT INTO event_actors VALUES (?, ?)", [(a, N + 1) for a in body["actors"]])
    raw.commit()
    raw.close()
    return db


@pytest.fixture
def db(old_log: Path, tmp_path: Path) -> Path:
    return copy_db(old_log, tmp_path / "log.db")


@pytest.mark.parametrize("command", [("status",), ("timeline",), ("rebuild",), ("brief",),
                                     ("status", statement("old", 0)["tracks"][0])])
def test_a_view_that_needs_the_event_stops_with_one_line_naming_it(db, command):
    run = tracker(*command, db=db)
    assert run.returncode == 1, run.stdout
    assert "Traceback" not in run.stderr and "ValidationError" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, run.stderr
    assert f"position {N + 1}" in errors[0] and FAR in errors[0] and "tracker verify" in errors[0], errors[0]
    assert len(run.stderr.strip().splitlines()) <= 2, run.stderr  # and at most the warning on opening


def test_verify_lists_the_event_and_says_the_chain_holds(db):
    run = tracker("verify", db=db)
    assert "chain intact" in run.stdout
    assert f"position {N + 1}" in run.stdout and FAR in run.stdout and event_id("far", 1) in run.stdout, run.stdout
    data = json.loads(tracker("verify", "--json", db=db).stdout)
    assert data["ok"] and [u["position"] for u in data["unreadable"]] == [N + 1]


def test_the_rest_of_the_log_can_still_be_read_exported_and_added_to(db, tmp_path):
    listed = tracker("events", "--oldest-first", "--limit", str(N), db=db)
    assert listed.returncode == 0 and "old statement 11" in listed.stdout, listed.stderr
    exported = tracker("export", "-o", str(tmp_path / "out.jsonl"), db=db)
    assert exported.returncode == 0, exported.stderr
    logged = tracker("log", "statement-made", "--when", "2025-03-01", "--track", "t", "--speaker", "x",
                     "--issue", "y", "--stance", "opposes", "--summary", "after the old event", db=db)
    assert logged.returncode == 0 and f"position {N + 2}" in logged.stdout, logged.stderr


def test_new_input_in_9999_is_still_refused(db):
    run = tracker("log", "statement-made", "--when", FAR, "--track", "t", "--speaker", "x", "--issue", "y",
                  "--stance", "opposes", "--summary", "far", db=db)
    assert run.returncode == 1 and "1800" in run.stderr and "2200" in run.stderr, run.stderr

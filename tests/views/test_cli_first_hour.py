"""Issue 22, the first hour at the command line: an event is named by the position `tracker events`
shows (or its id) wherever a command takes one; `--limit` says when it cut a list and 0 means all;
a reversed --from/--to range is a usage error. Through the real `tracker` command, on demo copies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from run_cli import tracker
from tui_helpers import DEMO_EVENTS

TRACK = "ukraine-settlement"


def _rows(db: Path) -> dict[int, dict[str, Any]]:
    r = tracker("events", "--json", "--limit", "0", db=db)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # nothing cut, nothing said
    return {row["position"]: row for row in json.loads(r.stdout)}


def _correct(db: Path, target: str, summary: str) -> Any:
    return tracker("log", "correction", "--target", target, "--when", "today", "--summary", "fix",
                   "--track", TRACK, "--changes", json.dumps({"summary": summary}), "--reason", "typo", db=db)


# -- 1. an event by its position -----------------------------------------------------------------
@pytest.mark.parametrize("ref", ["111", "#111"])
def test_correct_by_position(demo_db: Path, ref: str) -> None:
    r = _correct(demo_db, ref, "Putin, corrected")
    assert r.returncode == 0, r.stderr
    rows = _rows(demo_db)
    assert rows[111]["summary"] == "Putin, corrected" and rows[111]["corrected"]
    assert rows[DEMO_EVENTS + 1]["type"] == "correction" and rows[DEMO_EVENTS + 1]["target"] == rows[111]["id"]


def test_retract_by_position_and_by_id(demo_db: Path) -> None:
    before = _rows(demo_db)
    r = tracker("log", "retraction", "--target", "110", "--when", "today", "--summary", "withdrawn",
                "--track", TRACK, "--reason", "wrong", db=demo_db)
    assert r.returncode == 0, r.stderr
    r = tracker("log", "retraction", "--target", before[109]["id"], "--when", "today", "--summary", "withdrawn",
                "--track", TRACK, "--reason", "wrong", db=demo_db)
    assert r.returncode == 0, r.stderr
    rows = _rows(demo_db)
    assert rows[110]["retracted"] and rows[109]["retracted"] and not rows[111]["retracted"]
    timeline = tracker("timeline", TRACK, "--limit", "0", db=demo_db)
    assert before[110]["summary"] not in timeline.stdout  # the retracted event is gone from the timeline


def test_claim_status_by_position(demo_db: Path) -> None:
    r = tracker("log", "claim-status-changed", "--target", "#111", "--new-status", "confirmed", "--when", "today",
                "--summary", "now confirmed", "--track", TRACK, db=demo_db)
    assert r.returncode == 0, r.stderr
    assert _rows(demo_db)[111]["claim_status"] == "confirmed"


@pytest.mark.parametrize("ref, said", [
    ("999", f"no event at position 999; the log has {DEMO_EVENTS} events"),
    ("#0", f"no event at position 0; the log has {DEMO_EVENTS} events"),
    ("01JZZZZZZZZZZZZZZZZZZZZZZZ", "no event with id '01JZZZZZZZZZZZZZZZZZZZZZZZ'"),
])
def test_unknown_event_is_a_usage_error(demo_db: Path, ref: str, said: str) -> None:
    r = _correct(demo_db, ref, "x")
    assert r.returncode == 2
    assert "--target" in r.stderr and said in r.stderr
    assert "Traceback" not in r.stderr
    assert max(_rows(demo_db)) == DEMO_EVENTS  # nothing written


# -- 2. --limit: said when it cuts, 0 means all ----------------------------------------------------
def test_events_says_when_it_stopped_at_the_limit(demo_db: Path) -> None:
    r = tracker("events", db=demo_db)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert len(lines) == 51 and f"50 of {DEMO_EVENTS} matching events shown; --limit 0 shows all" in lines[-1]
    r = tracker("events", "--json", db=demo_db)
    assert len(json.loads(r.stdout)) == 50  # the JSON stays a plain list
    assert f"50 of {DEMO_EVENTS}" in r.stderr
    r = tracker("events", "--limit", "0", db=demo_db)
    assert len(r.stdout.splitlines()) == DEMO_EVENTS and "shown" not in r.stdout


def test_limit_zero_means_all_everywhere(demo_db: Path) -> None:
    assert len(_rows(demo_db)) == DEMO_EVENTS
    every = tracker("timeline", "--json", "--limit", "0", db=demo_db)
    some = tracker("timeline", "--json", "--limit", "3", db=demo_db)
    assert len(json.loads(some.stdout)) == 3 < len(json.loads(every.stdout))


def _timeline_note(r: Any) -> str:
    return next((line for line in (r.stdout + r.stderr).splitlines() if "shown; --limit 0 shows all" in line), "")


def test_timeline_says_when_it_stopped_at_the_limit(demo_db: Path) -> None:
    every = json.loads(tracker("timeline", "--json", "--limit", "0", db=demo_db).stdout)
    r = tracker("timeline", "--limit", "5", db=demo_db)
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and len(lines) == 6
    assert lines[-1] == f"(5 of {len(every)} entries shown; --limit 0 shows all)" and r.stderr == ""
    r = tracker("timeline", "--json", "--limit", "5", db=demo_db)
    assert len(json.loads(r.stdout)) == 5  # the JSON stays a plain list
    assert r.stderr.strip() == f"(5 of {len(every)} entries shown; --limit 0 shows all)"
    for whole in (["--limit", "0"], ["--limit", str(len(every))]):
        r = tracker("timeline", *whole, db=demo_db)
        assert len(r.stdout.splitlines()) == len(every) and "shown" not in r.stdout + r.stderr


@pytest.mark.parametrize("args", [
    [], [TRACK], ["european-role"], [TRACK, "--as-of", "17 Feb 2025"], ["--as-of", "2025-02-15"],
    [TRACK, "--known-at", "2025-02-18"], [TRACK, "--from", "2025-02-17", "--to", "2025-02-18"],
    ["--from", "18 Feb 2025"],
])
def test_the_timeline_count_is_the_whole_timeline_after_retractions_and_corrections(demo_db: Path, args: list[str]) -> None:
    """The count is taken from the log's index, not by reading the whole timeline: it must come to
    what --limit 0 lists, retracted events and an event moved to another day included."""
    rows = _rows(demo_db)
    assert tracker("log", "retraction", "--target", "110", "--when", "today", "--summary", "withdrawn",
                   "--track", TRACK, "--reason", "wrong", db=demo_db).returncode == 0
    moved = tracker("log", "correction", "--target", "111", "--when", "today", "--summary", "fix", "--track", TRACK,
                    "--changes", json.dumps({"occurred": "2025-01-05"}), "--reason", "misdated", db=demo_db)
    assert moved.returncode == 0, moved.stderr
    assert _rows(demo_db)[110]["retracted"] and rows[110]["tracks"]
    every = json.loads(tracker("timeline", *args, "--json", "--limit", "0", db=demo_db).stdout)
    assert len(every) > 2
    note = _timeline_note(tracker("timeline", *args, "--limit", "2", db=demo_db))
    assert note == f"(2 of {len(every)} entries shown; --limit 0 shows all)", args


# -- 3. a reversed date range --------------------------------------------------------------------
@pytest.mark.parametrize("command", ["timeline", "events"])
def test_reversed_range_is_an_error(demo_db: Path, command: str) -> None:
    r = tracker(command, "--from", "2025-02-20", "--to", "2025-02-10", db=demo_db)
    assert r.returncode == 2, r.stdout
    assert r.stdout == ""
    for text in ("--from", "--to", "2025-02-20", "2025-02-10", "reversed"):
        assert text in r.stderr


def test_one_month_range_is_not_reversed(demo_db: Path) -> None:
    r = tracker("events", "--from", "Feb 2025", "--to", "Feb 2025", "--limit", "0", db=demo_db)
    assert r.returncode == 0 and "matching" not in r.stdout and len(r.stdout.splitlines()) > 50


def test_a_json_error_in_an_import_points_at_the_real_line_and_column(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"id": "x", "type": \n{"b": 2, "c"  3}\r\n')
    run = tracker("import", str(source), db=tmp_path / "log.db")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "line 1: malformed JSON: Expecting value at the end of the line (is it cut short?)" in run.stderr
    assert "line 2: malformed JSON: Expecting ':' delimiter at column 15" in run.stderr

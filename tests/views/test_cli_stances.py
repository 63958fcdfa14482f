"""`tracker stances`: the dated history behind each stance, with its sources (on the demo data)."""

from __future__ import annotations

import json
from pathlib import Path

from run_cli import tracker

TRACK = "ukraine-settlement"


def test_russia_on_european_peacekeepers_with_every_statement_and_its_sources(demo_db: Path) -> None:
    result = tracker("stances", TRACK, "--actor", "rus", "--issue", "european-peacekeepers", db=demo_db)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Russia on european-peacekeepers: opposes" in out
    # Each statement: its day, stance, speaker, quote and every source with the outlet it came via.
    assert "18 Feb 2025  opposes  (Lavrov)" in out
    assert "18 Feb 2025  opposes  (Grushko)" in out
    assert "“categorically opposed”" in out
    assert "source: NYT via Russia Matters" in out and "source: FT via Russia Matters" in out
    assert "France" not in out and "talks-process" not in out  # the filters hold


def test_json_and_the_shift_in_a_history_and_in_status(demo_db: Path) -> None:
    result = tracker("stances", TRACK, "--issue", "ukraine-participation", "--as-of", "18 Feb 2025", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    histories = {h["actor"]: h for h in json.loads(result.stdout)}
    steps = histories["usa"]["steps"]
    # Waltz said the United States supports Ukraine at the table, then the US said: in due course.
    assert [(s["speaker"], s["stance"], s["previous"]) for s in steps][-2:] == [
        ("waltz", "supports", None), ("usa", "conditional", "supports")]
    assert all(s["sources"] and s["event_id"] for s in steps)
    status = tracker("status", TRACK, db=demo_db).stdout
    assert "United States: conditional ↓ was supports" in status
    # The same two voices of one side are a contradiction.
    contradictions = status.split("\nContradictions\n", 1)[1]
    assert "United States on ukraine-participation:" in contradictions
    assert "Waltz: supports" in contradictions


def test_unknown_track_or_nothing_matching_is_a_clear_error(demo_db: Path) -> None:
    missing = tracker("stances", "no-such-track", db=demo_db)
    assert missing.returncode == 1 and "nothing is known about track 'no-such-track'" in missing.stderr
    assert "Traceback" not in missing.stderr
    none = tracker("stances", TRACK, "--actor", "rus", "--issue", "no-such-issue", db=demo_db)
    assert none.returncode == 1 and "no stances by 'rus' on 'no-such-issue'" in none.stderr

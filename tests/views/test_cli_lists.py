"""The command line's lists, run as a user runs them: columns that hold whatever the length of a
value, counts in agreement with their number, quotations marked once, people named whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from run_cli import tracker

LONG_TRACK = "black-sea-grain-corridor-and-maritime-security-talks"


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def log_status(db: Path, track: str, when: str, status: str, *extra: str) -> None:
    ok("log", "track-status-changed", "--when", when, "--reported-on", "2025-02-20", "--track", track,
       "--new-status", status, "--summary", f"{track} is {status}", *extra, db=db)


@pytest.fixture
def long_values(tmp_path: Path) -> Path:
    """Tracks whose ids, statuses, 'since' dates and next meetings are long, and one short of each."""
    db = tmp_path / "long.db"
    log_status(db, LONG_TRACK, "14-16 Feb 2025", "stalled", "--source", "Reuters",
               "--source-quote", '"We are not moving," an official said')
    log_status(db, "gaza", "around 10 Feb 2025", "active")
    log_status(db, "iran", "31 Jan - 2 Feb 2025?", "exploratory")
    log_status(db, "x", "week of 3 Feb 2025", "suspended")
    ok("log", "meeting-scheduled", "--when", "2025-02-18", "--reported-on", "2025-02-20", "--track", "gaza",
       "--meeting", "cairo-round", "--title", "Cairo round of proximity talks on the second phase",
       "--planned", "early March 2025", "--summary", "Cairo round announced", db=db)
    return db


def starts(line: str) -> list[int]:
    """Where each column of a line starts (columns are two or more spaces apart)."""
    return [0] + [m.end() for m in re.finditer(r" {2,}", line.rstrip())]


def test_status_columns_hold_with_a_long_since(long_values: Path) -> None:
    lines = ok("status", "--as-of", "2025-02-20", db=long_values).splitlines()
    assert lines[0] == "4 tracks, as of 20 Feb 2025"
    header, rows = lines[1], lines[2:]
    assert header.split("  ")[0] == "track" and "since" in header and "next meeting" in header
    columns = starts(header)
    for row in rows:
        assert starts(row)[:5] == columns[:5], row  # every value under its heading, whatever its length
    by_track = {row.split()[0]: row for row in rows}
    assert "14–16 Feb 2025" in by_track[LONG_TRACK] and "31 Jan – 2 Feb 2025?" in by_track["iran"]
    assert by_track["gaza"].endswith("Cairo round of proximity talks on the second phase early Mar 2025")
    assert by_track["x"][columns[1]:].startswith("suspended [unverified]  ") and by_track["x"][columns[2]:].startswith("week of")


def test_the_event_list_shows_every_track_whole_in_line(long_values: Path) -> None:
    ok("log", "statement-made", "--when", "2025-02-19", "--reported-on", "2025-02-20", "--track", LONG_TRACK,
       "--track", "gaza", "--speaker", "lavrov", "--issue", "grain", "--stance", "opposes",
       "--summary", "Lavrov on grain", db=long_values)
    lines = ok("events", db=long_values).splitlines()
    assert f"{LONG_TRACK},gaza" in lines[0]  # not cut at 30 characters
    summaries = [line.index(summary) for line, summary in
                 zip(lines, ["Lavrov on grain", "Cairo round announced", "x is suspended"], strict=False)]
    assert len(set(summaries)) == 1, lines


def test_counts_say_one_event_not_one_events(long_values: Path) -> None:
    why = ok("why", LONG_TRACK, "status", db=long_values)
    assert f"{LONG_TRACK} status (now): 1 event (1 sets); support: 1 source\n" in why
    assert "5 events, chain intact" in ok("verify", db=long_values)
    one = long_values.parent / "one.db"
    log_status(one, "gaza", "2025-02-18", "active")
    assert "ok: 1 event, chain intact" in ok("verify", db=one)
    assert ok("status", db=one).startswith("1 track, now\n")


def test_a_source_quote_with_its_own_marks_is_not_quoted_again(long_values: Path) -> None:
    why = ok("why", LONG_TRACK, "status", db=long_values).splitlines()
    assert '      "We are not moving," an official said' in why
    assert not any("\u201c\"" in line for line in why)


def test_people_are_named_as_they_are_named(demo_db: Path) -> None:
    status = ok("status", "ukraine-settlement", db=demo_db)
    assert "European Union (von der Leyen)" in status and "(Leyen)" not in status

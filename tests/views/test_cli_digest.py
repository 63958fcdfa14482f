"""`tracker digest`: the morning note, run as a user runs it, on the demo."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from run_cli import tracker


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_the_digest_since_17_february_names_the_riyadh_talks(demo_db: Path) -> None:
    out = ok("digest", "--since", "17 Feb 2025", db=demo_db)
    assert out.startswith("# Digest: logged since 17 Feb 2025")
    assert "## Ukraine war settlement (ukraine-settlement)" in out
    assert "Riyadh" in out and "**What changed**" in out
    assert "rus joined the table as a party" in out  # the state's change, as diff gives it
    assert "**Date passed, no outcome logged**" in out and "Macron" in out  # the 19 Feb meeting


def test_coming_meetings_and_nothing_new(demo_db: Path) -> None:
    soon = (date.today() + timedelta(days=3)).isoformat()
    ok("log", "meeting-scheduled", "--when", "today", "--summary", "Talks set for Geneva", "--track",
       "ukraine-settlement", "--meeting", "geneva", "--title", "Geneva round", "--planned", soon,
       "--source", "Reuters", db=demo_db)
    out = ok("digest", "--since", "today", "--text", db=demo_db)
    assert "Coming up (next 7 days)" in out and "Geneva round" in out
    assert "Logged since (1 event)" in out and "Riyadh" not in out.split("Coming up")[0]
    later = ok("digest", "--since", "today", "--days", "1", "--text", db=demo_db)
    assert "Geneva round" in later and "Coming up" not in later  # only as logged, not as coming


def test_text_from_the_log_is_escaped_in_markdown(demo_db: Path) -> None:
    ok("log", "statement-made", "--when", "today", "--track", "ukraine-settlement", "--speaker", "rus",
       "--issue", "sanctions", "--stance", "opposes", "--source", "TASS",
       "--summary", "[click](http://evil.example) <script>alert(1)</script> # heading", db=demo_db)
    out = ok("digest", "--since", "today", db=demo_db)
    assert "[click](http" not in out and "<script>" not in out
    assert "\\[click\\]" in out


def test_a_date_that_cannot_be_read_is_a_usage_error(demo_db: Path) -> None:
    run = tracker("digest", "--since", "the other day", db=demo_db)
    assert run.returncode == 2 and "--since" in run.stderr and "Traceback" not in run.stderr

"""`tracker digest`: the morning note, run as a user runs it, on the demo."""

from __future__ import annotations

import json
import re
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


def positions(digest: str) -> set[int]:
    return {int(n) for n in re.findall(r"\(#(\d+), logged by", digest)}


def test_known_at_is_the_note_as_it_read_then(demo_db: Path) -> None:
    """As known at the end of 18 Feb: only what was logged by then, each event as it stood then
    (the ECFR author's name not yet corrected), the change up to then."""
    then = ok("digest", "--since", "17 Feb 2025", "--known-at", "18 Feb 2025", db=demo_db)
    now = ok("digest", "--since", "17 Feb 2025", db=demo_db)
    assert then.startswith("# Digest: logged since 17 Feb 2025 00:00 UTC (as known on 18 Feb 2025)")
    known = {e["position"] for e in json.loads(ok("events", "--known-at", "18 Feb 2025", "--limit", "0", "--json",
                                                  db=demo_db))}
    assert positions(then) and positions(then) <= known and not positions(now) <= known
    assert "analysis published: Camile Grant" in then and "analysis published: Camille Grand" in now


def test_as_of_counts_the_coming_week_from_that_day(demo_db: Path) -> None:
    out = ok("digest", "--since", "17 Feb 2025", "--as-of", "17 Feb 2025", db=demo_db)
    assert out.startswith("# Digest: logged since 17 Feb 2025 00:00 UTC (as of 17 Feb 2025)")
    coming = out.split("**Coming up (next 7 days)**")[1].split("\n\n")[0]
    assert "Erdogan’s trip to Saudi Arabia: scheduled for 19 Feb 2025" in coming  # not yet postponed then
    now = ok("digest", "--since", "17 Feb 2025", db=demo_db)  # postponed to 10 Mar since: long past today
    assert "Erdogan’s trip to Saudi Arabia: scheduled for 19 Feb 2025" not in now


def test_an_unknown_track_is_a_usage_error(demo_db: Path) -> None:
    run = tracker("digest", "--since", "17 Feb 2025", "--track", "ukraine-setlement", db=demo_db)
    assert run.returncode == 2 and "no track ukraine-setlement" in run.stderr and not run.stdout


def test_since_after_known_at_is_a_usage_error(demo_db: Path) -> None:
    run = tracker("digest", "--since", "20 Feb 2025", "--known-at", "18 Feb 2025", db=demo_db)
    assert run.returncode == 2 and "--since" in run.stderr and "--known-at" in run.stderr
    for bad in (("--as-of", "the other day"), ("--known-at", "the other day")):
        run = tracker("digest", "--since", "17 Feb 2025", *bad, db=demo_db)
        assert run.returncode == 2 and bad[0] in run.stderr and "Traceback" not in run.stderr

"""Issue 18: an event's sources on the command line. Each --source starts a source and the flags
after it (--source-url/--url, --published, --via, --source-quote) are that source's; an event
logged with no source and no --status is stored 'unverified'; 'confirmed' without a source is
stored only when stated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from run_cli import tracker

TRACK = "ukraine-settlement"
STATEMENT = ("log", "statement-made", "--when", "2025-02-18", "--track", TRACK, "--speaker", "lavrov",
             "--issue", "european-peacekeepers", "--stance", "opposes")


def events(db: Path) -> list[dict[str, Any]]:
    run = tracker("events", "--json", db=db)
    assert run.returncode == 0, run.stderr
    return list(json.loads(run.stdout))


def test_two_sources_are_logged_in_order_each_with_its_own_via_and_quote(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    run = tracker(*STATEMENT, "--summary", "Lavrov rules out European troops",
                  "--source", "TASS", "--via", "Russia Matters", "--source-quote", "It is unacceptable",
                  "--source", "Reuters", "--url", "https://reuters.com/1", "--published", "19 Feb 2025",
                  "--source-quote", "Moscow said no", db=db)
    assert run.returncode == 0, run.stderr
    assert "claim status: confirmed" in run.stdout
    assert "source 1: TASS (via Russia Matters; quote 'It is unacceptable')" in run.stdout
    assert "source 2: Reuters (url https://reuters.com/1; published 2025-02-19; quote 'Moscow said no')" in run.stdout
    [event] = events(db)
    assert event["sources"] == [
        {"outlet": "TASS", "url": None, "published": None, "via": "Russia Matters", "quote": "It is unacceptable"},
        {"outlet": "Reuters", "url": "https://reuters.com/1", "published": "2025-02-19", "via": None,
         "quote": "Moscow said no"},
    ]
    assert event["status"] == "confirmed"


def test_without_a_source_or_a_status_the_event_is_unverified(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    dry = tracker(*STATEMENT, "--summary", "Heard somewhere", "--dry-run", db=db)
    assert dry.returncode == 0, dry.stderr
    assert "claim status: unverified (no source)" in dry.stdout
    assert tracker(*STATEMENT, "--summary", "Heard somewhere", db=db).returncode == 0
    run = tracker(*STATEMENT, "--summary", "Seen with our own eyes", "--status", "confirmed", db=db)
    assert run.returncode == 0, run.stderr
    stored = {e["summary"]: e for e in events(db)}
    assert (stored["Heard somewhere"]["status"], stored["Heard somewhere"]["sources"]) == ("unverified", [])
    assert stored["Seen with our own eyes"]["status"] == "confirmed"  # stated: the analyst's call
    listed = {line.split("statement_made")[1].split()[0] for line in tracker("events", db=db).stdout.splitlines()
              if "statement_made" in line}
    assert listed == {"unverified", "confirmed"}  # the plain list shows each one's status


def test_a_source_flag_before_any_source_is_a_usage_error_and_nothing_is_logged(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    assert tracker(*STATEMENT, "--summary", "First", "--source", "TASS", db=db).returncode == 0
    run = tracker(*STATEMENT, "--summary", "Second", "--via", "Russia Matters", "--source", "TASS", db=db)
    assert run.returncode == 2
    assert "--via 'Russia Matters' comes before any --source" in run.stderr
    assert "Traceback" not in run.stderr
    assert [e["summary"] for e in events(db)] == ["First"]


def test_a_wrong_source_is_named_by_its_place_and_outlet(tmp_path: Path) -> None:
    run = tracker(*STATEMENT, "--summary", "Two sources", "--source", "TASS", "--source", "Reuters",
                  "--published", "Feb 2025", "--dry-run", db=tmp_path / "log.db")
    assert run.returncode == 1
    assert "field 'sources.1.published': source 2 (--source 'Reuters'): a published date is one day" in run.stderr


def test_an_analysis_keeps_its_own_url_beside_its_sources_url(tmp_path: Path) -> None:
    run = tracker("log", "analysis-published", "--when", "2025-02-18", "--track", TRACK, "--publisher", "ecfr",
                  "--title", "Act with unity", "--summary", "ECFR commentary", "--url", "https://ecfr.eu/a",
                  "--source", "ECFR", "--source-url", "https://ecfr.eu/press", "--dry-run", "--json",
                  db=tmp_path / "log.db")
    assert run.returncode == 0, run.stderr
    event = json.loads(run.stdout)
    assert event["url"] == "https://ecfr.eu/a" and event["sources"][0]["url"] == "https://ecfr.eu/press"

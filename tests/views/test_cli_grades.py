"""Grading sources on the command line (issue 18): an outlet graded with `source-graded`, a report's
credibility with `--credibility`, and `why` showing each source's grade and the fact's support, as
the grades stood at the moment viewed."""

from __future__ import annotations

import json
import time
from pathlib import Path

from run_cli import tracker
from tui_helpers import async_test, screen_text, settle


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_why_shows_grades_and_support_as_they_stood(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    ok("log", "statement-made", "--when", "2025-02-18", "--summary", "Lavrov: no European troops", "--track", "t",
       "--speaker", "lavrov", "--on-behalf-of", "rus", "--issue", "peacekeepers", "--stance", "opposes",
       "--source", "NYT", "--via", "Russia Matters", "--credibility", "2",
       "--source", "NYT", "--via", "Twitter", "--source", "TASS", "--credibility", "3", db=db)
    ok("log", "source-graded", "--when", "2025-02-20", "--summary", "NYT graded", "--track", "t",
       "--outlet", "nyt", "--reliability", "B", "--status", "confirmed", db=db)
    now = ok("why", "t", "stances", "rus", "peacekeepers", db=db)
    assert "support: 3 sources, 2 independent (B2, ?3)" in now.splitlines()[0]
    assert "source: NYT, via Russia Matters [B2]" in now and "source: TASS [?3]" in now
    before = ok("why", "t", "stances", "rus", "peacekeepers", "--as-of", "2025-02-19", db=db)
    assert "(?2, ?3)" in before.splitlines()[0]  # the outlet was not graded yet
    data = json.loads(ok("why", "t", "stances", "rus", "peacekeepers", "--json", db=db))
    assert data["support"] == {"sources": 3, "independent": 2, "grades": ["B2", "?3"],
                               "text": "3 sources, 2 independent (B2, ?3)"}
    assert data["events"][0]["source_grades"] == ["B2", "B?", "?3"]
    history = ok("stances", "t", db=db)
    assert "source: NYT via Russia Matters [B2]" in history and "source: TASS [?3]" in history


def test_a_credibility_outside_one_to_six_is_refused_and_nothing_is_logged(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    run = tracker("log", "statement-made", "--when", "2025-02-18", "--summary", "s", "--track", "t",
                  "--speaker", "lavrov", "--issue", "i", "--stance", "opposes", "--source", "TASS",
                  "--credibility", "7", db=db)
    assert run.returncode == 2 and "--credibility" in run.stderr and "Traceback" not in run.stderr
    assert not db.exists() or "no events" in tracker("events", db=db).stdout + tracker("events", db=db).stderr


def test_the_tui_event_detail_shows_a_reports_credibility(tmp_path: Path) -> None:
    from rich.console import Console

    from tracker.service import Tracker
    from tui.widgets.event_detail import render_event

    db = tmp_path / "log.db"
    ok("log", "statement-made", "--when", "2025-02-18", "--summary", "s", "--track", "t", "--speaker", "lavrov",
       "--issue", "i", "--stance", "opposes", "--source", "TASS", "--credibility", "4", db=db)
    with Tracker.open(db) as service:
        (row,) = service.events()
        console = Console(record=True, width=100)
        console.print(render_event(row))
    assert "TASS  credibility 4" in console.export_text()


def test_status_min_grade_keeps_only_facts_backed_by_a_well_graded_outlet(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    for speaker, issue, outlet in (("rubio", "ceasefire", "NYT"), ("lavrov", "territory", "TASS"),
                                   ("waltz", "sanctions", "Unnamed blog")):
        ok("log", "statement-made", "--when", "2025-02-18", "--summary", f"{speaker} on {issue}", "--track", "t",
           "--speaker", speaker, "--issue", issue, "--stance", "opposes", "--source", outlet, db=db)
    for outlet, grade in (("NYT", "B"), ("TASS", "D")):
        ok("log", "source-graded", "--when", "2025-02-19", "--summary", f"{outlet} graded", "--track", "t",
           "--outlet", outlet, "--reliability", grade, "--status", "confirmed", db=db)

    def issues(*args: str) -> set[str]:
        return {s["issue"] for s in json.loads(ok("status", "t", *args, "--json", db=db))["stances"]}

    assert issues() == {"ceasefire", "territory", "sanctions"}
    assert issues("--min-grade", "B") == {"ceasefire"}
    assert issues("--min-grade", "D") == {"ceasefire", "territory"}  # an ungraded outlet never passes
    assert issues("--min-grade", "B", "--as-of", "2025-02-18") == set()  # graded only on the 19th
    shown = ok("status", "t", "--min-grade", "B", db=db)
    assert shown.startswith("Only facts backed by a source graded B or better (usually reliable)")
    refused = tracker("status", "--min-grade", "B", db=db)
    assert refused.returncode == 2 and "needs a TRACK" in refused.stderr


@async_test
async def test_the_tui_event_log_shows_each_sources_grade(tmp_path: Path) -> None:
    from tui.app import TrackerApp
    from tui.widgets.event_detail import EventDetail
    from tui.widgets.event_list import EventList

    db = tmp_path / "log.db"
    ok("log", "statement-made", "--when", "2025-02-18", "--summary", "Lavrov on troops", "--track", "t",
       "--speaker", "lavrov", "--issue", "i", "--stance", "opposes", "--source", "TASS", "--credibility", "4",
       "--source", "Reuters", db=db)
    ok("log", "source-graded", "--when", "2025-02-19", "--summary", "TASS graded", "--track", "t",
       "--outlet", "tass", "--reliability", "D", "--status", "confirmed", db=db)
    app = TrackerApp(db, poll=False)
    async with app.run_test(size=(150, 44)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        events = app.screen.query_one(EventList)
        assert events.select_position(1)
        deadline = time.monotonic() + 10  # the grades are fetched once the cursor rests
        while time.monotonic() < deadline and "grade D4" not in screen_text(app):
            await settle(pilot)
        text = screen_text(app)
        assert "TASS  grade D4" in text and "Reuters" in text and "grade ?" not in text
        assert app.screen.query_one(EventDetail).row is not None


@async_test
async def test_g_on_a_track_hides_facts_without_a_well_graded_source(demo_db: Path) -> None:
    from tracker.service import Tracker
    from tui.app import TrackerApp
    from tui.screens.track import TrackScreen

    ok("log", "source-graded", "--when", "2025-02-18", "--summary", "FT graded", "--track", "ukraine-settlement",
       "--outlet", "FT", "--reliability", "B", "--status", "confirmed", db=demo_db)
    with Tracker.open(demo_db, readonly=True) as service:
        everything = service.track("ukraine-settlement")
        assert everything is not None
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=(150, 44)) as pilot:
        await settle(pilot)
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrackScreen) and screen.state is not None
        assert len(screen.state.stances) == len(everything.stances)
        for _ in range(2):  # all -> A -> B
            await pilot.press("g")
            await settle(pilot)
        shown = screen.state
        assert shown is not None and "only sources graded B or better (g)" in screen_text(app)
        cells = {(s.actor, s.issue) for s in shown.stances}
        assert ("rus", "european-peacekeepers") in cells  # Grushko, in the FT
        assert 0 < len(cells) < len(everything.stances)
        for _ in range(5):  # C, D, E, F, then every fact again
            await pilot.press("g")
            await settle(pilot)
        assert screen.state is not None and len(screen.state.stances) == len(everything.stances)
        assert "sources graded" not in screen_text(app)

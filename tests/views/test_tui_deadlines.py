"""The track's schedule shows a deadline as a deadline, not a meeting: marked ⚑, "due" its date,
"extended ×N", and `h` (log a meeting as held) refuses it. On an 80x24 terminal."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from projections.state import Deadline
from tracker.present import Names
from tracker.service import Tracker
from tui.app import TrackerApp
from tui.screens.track import TrackScreen
from tui.widgets.track.schedule import DEADLINE_KEY, ScheduleTable, deadline_status, render_item
from tui_helpers import async_test, screen_text, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_deadlines import DEADLINE, state, story, the

TRACK = "iran-nuclear"


@async_test
async def test_the_schedule_shows_a_deadline_as_a_deadline_at_80x24(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    with Tracker.open(db) as tracker:
        tracker.import_lines([json.dumps(e.body).encode() for e in story()])
    app = TrackerApp(db, poll=False, verify=False, isolate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.travel_to(date(2015, 7, 1))
        await settle(pilot)
        await app.open_track(TRACK)
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)
        schedule = app.screen.query_one("#schedule", ScheduleTable)
        key = DEADLINE_KEY + DEADLINE
        assert str(schedule.get_cell(key, "when")) == "due 7 Jul 2015"
        assert str(schedule.get_cell(key, "status")) == "extended ×3 · upcoming"
        assert str(schedule.get_cell(key, "title")).startswith("⚑ Comprehensive deal")
        schedule.focus()
        schedule.move_cursor(row=schedule.get_row_index(key))
        await settle(pilot)
        text = screen_text(app)
        assert "⚑ Comprehensive" in text and "due 7 Jul 2015" in text and "extended ×3" in text
        assert "h logs this meeting as held" not in text
        item = schedule.selected_item
        assert isinstance(item, Deadline) and schedule.selected is None
        detail = "\n".join(str(r) for r in render_item(item, Names()).renderables)
        assert "Deadline: Comprehensive deal" in detail and "Extended (3)" in detail
        assert "held" not in detail
        head = app.tracker.head()[0]
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)  # no "meeting held" form for a deadline
        assert app.tracker.head()[0] == head
        assert any("A deadline is not held" in str(n.message) for n in app._notifications)


def test_a_deadline_met_after_extensions_reads_extended_not_met_so_many_times() -> None:
    """'met ×5' read as met five times: the count is of the extensions, and says so."""
    met = the(state(story(), "2016-01-01"))
    assert met is not None and met.status == "met"
    assert str(deadline_status(met, moves=True)) == "met, extended ×5"
    pending = the(state(story(), "2015-07-01"))
    assert pending is not None and str(deadline_status(pending, moves=True)) == "extended ×3 · upcoming"

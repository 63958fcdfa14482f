"""Activity at a glance (issue 20): the list of tracks draws each track's events per week as a
sparkline, over the same weeks for every track, and follows time travel. Read from the screen and
from the Sparkline widget, checked against what the service's timeline lists week by week."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Sparkline

from projections.trend import ACTIVITY_WEEKS
from tracker.service import Moment, Tracker
from tui.app import TrackerApp
from tui.screens.tracks import COLUMN_WEEKS, TracksTable
from tui.widgets.text import BARS
from tui_helpers import async_test, screen_text, settle

TRACK = "ukraine-settlement"


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def timeline_weeks(db: Path, track: str, moment: Moment, last_week: date, n: int) -> list[int]:
    """What `tracker timeline` lists for the track in each of the `n` weeks to `last_week`."""
    with Tracker.open(db) as tracker:
        listed = Counter(monday(e.occurred.earliest) for e in tracker.timeline(track, moment))
    return [listed[last_week - timedelta(weeks=i)] for i in reversed(range(n))]


def latest_week(db: Path, moment: Moment) -> date:
    """The week the list draws to: that of the day viewed, or of the latest activity of any track."""
    if moment.as_of:
        return monday(moment.as_of)
    with Tracker.open(db) as tracker:
        return max(monday(e.occurred.earliest) for e in tracker.timeline(None, moment))


async def highlight(pilot: Any, track: str) -> None:
    table = pilot.app.screen.query_one(TracksTable)
    table.move_cursor(row=table.get_row_index(track))
    await settle(pilot)


@pytest.mark.parametrize("as_of", [None, date(2025, 2, 14)])
@async_test
async def test_the_detail_sparkline_counts_what_the_timeline_lists_each_week(demo_db: Path, as_of: date | None):
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=(150, 44)) as pilot:
        await settle(pilot)
        if as_of:
            app.travel_to(as_of)
            await settle(pilot)
            await pilot.pause(0.3)
            await settle(pilot)
        moment = app.moment
        last = latest_week(demo_db, moment)
        for track in ("ukraine-settlement", "transatlantic-defence"):
            await highlight(pilot, track)
            data = list(app.screen.query_one("#tracks-activity", Sparkline).data or [])
            assert data == timeline_weeks(demo_db, track, moment, last, ACTIVITY_WEEKS), track
            assert any(data)
            text = screen_text(app)
            assert f"events/week, {ACTIVITY_WEEKS} wk to w/c {last.day} {last:%b %Y} · most {max(data)}" in text


@async_test
async def test_each_row_draws_its_weeks_and_says_how_many_events_they_hold(demo_db: Path):
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=(150, 44)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Track" in line and "Status" in line)
        assert "Per week" in header
        last = latest_week(demo_db, Moment())
        for state in app.screen.query_one(TracksTable).states:
            weeks = timeline_weeks(demo_db, state.track, Moment(), last, COLUMN_WEEKS)
            row = next(i for i, line in enumerate(lines) if state.title in line)
            bars = "".join(ch for ch in lines[row] if ch in BARS)
            assert len(bars) == COLUMN_WEEKS, state.track
            # an empty week is the baseline, any other stands above it; the busiest is the highest
            assert [b != BARS[0] for b in bars] == [n > 0 for n in weeks], state.track
            assert bars[weeks.index(max(weeks))] == BARS[-1]
            assert f"{sum(weeks)} in {COLUMN_WEEKS} wk" in lines[row + 1]


@async_test
async def test_at_80_by_24_the_column_goes_and_the_sparkline_under_the_list_stays_whole(demo_db: Path):
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await highlight(pilot, TRACK)
        text = screen_text(app)
        assert "Per week" not in text
        spark = app.screen.query_one("#tracks-activity", Sparkline)
        assert spark.region.width == ACTIVITY_WEEKS and spark.region.bottom <= 23
        caption = next(line for line in text.splitlines() if "events/week" in line)
        assert caption.rstrip().endswith(f"most {max(spark.data or [0])}")  # on one line, not wrapped


# -- the schedule chart of a track's overview ----------------------------------------------------
def chart_row(app: TrackerApp, title: str) -> str:
    """The chart's row of the meeting `title` (as cut on screen), the overview's half of it."""
    lines = screen_text(app).splitlines()
    start = next(i for i, line in enumerate(lines) if "Schedule at a glance" in line)
    return next(half for line in lines[start:] if title in (half := line.split("▏")[0]))


@async_test
async def test_the_overview_draws_a_postponement_as_an_arrow_once_it_is_known(demo_db: Path):
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=(150, 44)) as pilot:
        await settle(pilot)
        await app.open_track(TRACK)
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        moved = chart_row(app, "Erdogan’s trip")
        assert "○" in moved and "▶" in moved and moved.index("○") < moved.index("▶") < moved.index("◆")
        held = chart_row(app, "US–Russia talks")
        assert "●" in held and "○" not in held
        # the Riyadh talks were held on the day the trip was moved from
        assert held.index("●") <= moved.index("○")
        assert "postponed" in screen_text(app)
        for day, postponed in ((date(2025, 2, 17), False), (date(2025, 2, 18), True)):
            app.travel_to(day)
            await settle(pilot)
            await pilot.pause(0.3)
            await settle(pilot)
            row = chart_row(app, "Erdogan’s trip")
            assert ("○" in row) is postponed and ("▶" in row) is postponed, day
            assert "◆" in row and f"as of {day.day} Feb 2025" in screen_text(app)

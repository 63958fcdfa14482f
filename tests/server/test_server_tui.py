"""The terminal UI on a team's server log: another analyst's event shows within a second."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from run_cli import tracker
from tracker.service import Tracker
from tui.app import TrackerApp
from tui_helpers import SIZE, async_test, screen_text, settle

LIVE_SECONDS = 1.0


@async_test
async def test_another_analysts_event_shows_within_a_second(demo_db: Path, pg_url: str) -> None:
    with Tracker.open(demo_db, readonly=True) as demo, Tracker.open(pg_url) as server:
        events = demo.copy_to(server).events
    app = TrackerApp(pg_url, poll=True, verify=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert f"{events} events" in screen_text(app)
        assert "127.0.0.1" in str(app.sub_title) and "postgres" in str(app.sub_title)
        # Another process logs while the UI runs (in a thread: the app's loop keeps polling).
        logged = await asyncio.to_thread(tracker, "log", "statement-made", "--track", "ukraine-settlement", "--actor", "ukr", "--speaker", "ukr",
                         "--issue", "ukraine-participation", "--stance", "supports", "--when", "2025-02-18",
                         "--summary", "A colleague's entry from another desk", "--source", "Ukrinform", db=pg_url)
        assert logged.returncode == 0, logged.stderr
        committed = time.monotonic()
        while "A colleague's entry" not in screen_text(app) and time.monotonic() - committed < 5:
            await asyncio.sleep(0.02)
            await pilot.pause()
        shown = time.monotonic() - committed
        assert "A colleague's entry" in screen_text(app)
        assert shown < LIVE_SECONDS, f"shown {shown:.2f} s after the commit"
        # The count above the list is its own query, a moment after the rows (flaky under load if
        # read in the same frame as the new row).
        while f"{events + 1} events" not in screen_text(app) and time.monotonic() - committed < 5:
            await asyncio.sleep(0.02)
            await pilot.pause()
        assert f"{events + 1} events" in screen_text(app)
        await pilot.press("home")  # the newest event, on top: its record says who logged it
        await settle(pilot)
        assert "by postgres" in screen_text(app)

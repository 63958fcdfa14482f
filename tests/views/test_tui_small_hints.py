"""The hints at the top and bottom of every view fit an 80x24 terminal (issue 22): the time bar says
how to move in time in as many words as it has room for, and the footer leaves out whole keys rather
than clip the last one (it ended in `n▏`, "Log event" cut off; the time bar in `· T now · k`).
Driven with Textual's pilot on the demo data, read from what is on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets._footer import FooterKey, FooterLabel

from tui.app import TrackerApp
from tui.widgets.footer import TrackerFooter
from tui.widgets.time_bar import HINTS, TimeBar
from tui_helpers import async_test, screen_text, settle, travel

SIZES = [(80, 24), (120, 40), (150, 44)]


async def open_view(pilot: Any, view: str) -> None:
    await settle(pilot)
    if view == "overview":
        await pilot.app.open_track("ukraine-settlement")
    elif view == "timeline":
        await pilot.app.open_track("ukraine-settlement")
        await settle(pilot)
        await pilot.press("l")
    elif view != "tracks":
        await pilot.press({"events": "2", "actors": "3", "diff": "4"}[view])
    await settle(pilot)
    await pilot.pause(0.1)
    await settle(pilot)


def line_of(app: TrackerApp, widget: Any) -> str:
    region = widget.region
    return screen_text(app).splitlines()[region.y][region.x:region.right]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", ["tracks", "overview", "timeline", "events", "actors", "diff"])
@async_test
async def test_the_footer_shows_whole_keys_and_always_help(demo_db: Path, size: tuple[int, int], view: str) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=size) as pilot:
        await open_view(pilot, view)
        footer = app.screen.query_one(TrackerFooter)
        line = line_of(app, footer)
        palette = line.rindex("▏")
        shown = [key for key in footer.query(FooterKey) if key.display and getattr(key.parent, "display", True)
                 and not key.has_class("-command-palette")]
        assert shown
        for key in shown:  # inside the footer, left of the palette's key, whole
            assert key.region.x >= footer.region.x and key.region.right <= footer.region.x + palette, key.description
            if key.description:
                assert f"{key.key_display} {key.description}" in line[:palette]
        for label in footer.query(FooterLabel):
            if label.display:
                assert str(label.render()) in line[:palette]
        assert "? Help" in line[:palette] and "^p palette" in line[palette:]
        if view == "tracks":
            assert "n Log event" in line  # where it ended in "n▏"
        if size[0] >= 150 and view in ("tracks", "overview"):
            assert "Time travel" in line and "q Quit" in line  # everything, where there is room


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("as_of", [None, "17 Feb 2025"])
@async_test
async def test_the_time_bar_ends_in_a_whole_hint(demo_db: Path, size: tuple[int, int], as_of: str | None) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if as_of:
            await travel(pilot, as_of)
        bar = app.screen.query_one(TimeBar)
        line = line_of(app, bar).rstrip()
        assert ("as of 17 Feb 2025" if as_of else "◷ now") in line
        hint = next(h for h in HINTS if h and line.endswith(h))  # one of them, whole
        if size[0] >= 120:
            assert hint == HINTS[0]
        if as_of:
            assert "T now" in line  # the way back, whenever it fits

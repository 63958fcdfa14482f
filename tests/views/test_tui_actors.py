"""The actors view at the sizes people use: what the list hides it says, and a key shows it; names
whole or visibly cut; an actor's page that says each thing once and counts right."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import make_body
from rich.console import Console
from textual.widgets import OptionList, Static

from tracker.service import Tracker
from tui.app import TrackerApp
from tui_helpers import async_test, screen_text, settle

SIZES = [(80, 24), (120, 40), (160, 50)]


def app_for(path: Path) -> TrackerApp:
    return TrackerApp(path, poll=False)


async def open_actors(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)


async def find(pilot: Any, text: str) -> None:
    await pilot.press("slash", *text, "enter")
    await settle(pilot)


def listed(app: TrackerApp) -> list[str]:
    options = app.screen.query_one("#actor-list", OptionList)
    return [str(options.get_option_at_index(i).id) for i in range(options.option_count)]


def note(app: TrackerApp) -> str:
    """The list's note, read as one line (it wraps between its phrases in a narrow pane)."""
    return " · ".join(str(app.screen.query_one("#actor-note", Static).content).split("\n"))


def page(app: TrackerApp) -> str:
    """The selected actor's page as its pane shows it, wrapped to its width, then read as one line."""
    detail = app.screen.query_one("#actor-detail", Static)
    console = Console(width=detail.content_region.width, file=io.StringIO(), record=True)
    console.print(detail.content)
    return " ".join(console.export_text().split())


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_retracted_actor_is_hidden_counted_and_shown_on_h(demo_db: Path, size: tuple[int, int]) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_actors(pilot)
        assert "camile-grant" not in listed(app) and "grand" in listed(app)
        assert "Camile Grant" not in screen_text(app)
        assert note(app) == "40 actors · 1 hidden: retracted · h shows it"
        assert "h shows it" in screen_text(app)
        await pilot.press("h")
        await settle(pilot)
        assert "camile-grant" in listed(app)
        assert note(app) == "41 actors · 1 retracted shown · h hides it"
        await find(pilot, "camile")
        assert "Camile Grant" in screen_text(app)
        assert page(app).startswith("Camile Grant camile-grant · person retracted")
        assert "no event names this actor" in page(app)  # its page says why, not "Nothing known"
        await pilot.press("escape", "h")
        await settle(pilot)
        assert "camile-grant" not in listed(app)


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_names_are_whole_or_cut_with_an_ellipsis(demo_db: Path, size: tuple[int, int]) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_actors(pilot)
        options = app.screen.query_one("#actor-list", OptionList)
        room = options.scrollable_content_region.width
        names = {info.id: info.name for info in app.screen.infos}  # type: ignore[attr-defined]
        for i in range(options.option_count):
            option = options.get_option_at_index(i)
            shown = str(option.prompt)
            name = names[str(option.id)]
            assert len(shown) <= room, shown  # one line each: nothing for the list to wrap
            assert shown.startswith(name) or (shown.split("…")[0] and name.startswith(shown.split("…")[0])), shown
        assert "Alexander Grushko  " in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_a_statement_on_two_tracks_is_listed_once(demo_db: Path, size: tuple[int, int]) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_actors(pilot)
        await find(pilot, "grushko")
        text = page(app)
        assert "Statements (1, in date order)" in text
        assert "[ukraine-settlement, european-role]" in text
        assert text.count("Moscow “categorically opposed”") == 1
        assert "2 events" in text


@async_test
async def test_one_event_is_one_event(tmp_path: Path) -> None:
    db = tmp_path / "one.db"
    with Tracker.open(db) as tracker:
        tracker.import_lines([json.dumps(make_body(summary="Lavrov speaks once")).encode()])
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_actors(pilot)
        assert "1 event " in page(app) and "1 events" not in page(app)
        assert note(app) == "1 actor"


def test_the_actors_view_at_80_by_24(snap_compare: Any, demo_db: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await open_actors(pilot)
        await pilot.pause(0.3)
        await settle(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=(80, 24), run_before=run_before)

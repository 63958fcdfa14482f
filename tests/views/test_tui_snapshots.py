"""SVG snapshots of the main screens on the demo data (pytest-textual-snapshot).

Regenerate with `pytest tests/test_tui_snapshots.py --snapshot-update` and look at the report.
Nothing in them depends on the clock: the header has no clock, the demo data is dated 2025, and
no event is logged (a new event's "logged" time would be today).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from textual.widgets import Input, Select

from tui.app import TrackerApp
from tui.widgets.track.positions import PositionsMatrix
from tui_helpers import settle

SIZE = (150, 44)


def make_app(path: Any) -> TrackerApp:
    return TrackerApp(path, poll=False)


async def settled(pilot: Any) -> None:
    await settle(pilot)
    await pilot.pause(0.3)  # debounced look-ups (later amendments of the selected event)
    await settle(pilot)


def test_tracks(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=settled)


def test_tracks_as_of_18_february(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        pilot.app.travel_to(__import__("datetime").date(2025, 2, 18))
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def _open_track(tab: str | None = None, select: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.app.open_track("ukraine-settlement")
        await settle(pilot)
        if tab:
            await pilot.press(tab)
            await settle(pilot)
        if select:
            pilot.app.screen.query_one(PositionsMatrix).select(*select)
        await settled(pilot)

    return run_before


def test_track_overview(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=_open_track())


def test_track_overview_in_an_80_by_24_terminal(snap_compare, demo_db):
    # The classic terminal size: the overview and the schedule stacked, each line readable.
    assert snap_compare(make_app(demo_db), terminal_size=(80, 24), run_before=_open_track())


def test_track_positions_with_the_source_of_a_stance(snap_compare, demo_db):
    run_before = _open_track("p", ("rus", "european-peacekeepers"))
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_track_proposals(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=_open_track("r"))


def test_track_agreements(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=_open_track("a"))


def test_track_timeline(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=_open_track("l"))


def test_event_log(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_event_log_searched_and_filtered(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        pilot.app.screen.query_one("#f-type", Select).value = "statement_made"
        await pilot.press("slash", *"peacekeep", "enter")
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_actors(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("slash", *"lavrov", "enter")
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_diff_17_to_18_february(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#diff-track", Select).value = "ukraine-settlement"
        screen.query_one("#diff-from", Input).value = "17 Feb 2025"
        screen.query_one("#diff-to", Input).value = "18 Feb 2025"
        screen.action_compare()
        await settled(pilot)
        screen.query_one("#diff-table").focus()
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_log_form_with_problems(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#f-when", Input).value = "week of 10 Feb 2025"
        form.query_one("#f-summary", Input).value = "Lavrov: [bold]no[/] European troops"
        for field in form.query(Input):
            field.cursor_blink = False  # focus moves to a field with a problem: no blink phase in the picture
        await pilot.press("ctrl+s")
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=run_before)


def test_tampered_log_banner(snap_compare, demo_db):
    conn = sqlite3.connect(demo_db)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET body = replace(body, 'Riyadh', 'Geneva') WHERE position = 50")
    conn.commit()
    conn.close()
    assert snap_compare(make_app(demo_db), terminal_size=SIZE, run_before=settled)

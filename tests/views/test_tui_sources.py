"""Issue 18 in the log form: more than one source, a block each (ctrl+o adds one, its button
removes it); a status left 'from the sources' follows them; 'confirmed' chosen for an event with
no source is asked about, and 'no' logs nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Button, Input, Select

from tracker.service import EventFilter, Tracker
from tui.app import TrackerApp
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.log_event import FieldRow, LogEventScreen, SourceBlock
from tui_helpers import DEMO_EVENTS, async_test, screen_text, settle

SMALL = (80, 24)


async def open_form(app: TrackerApp, pilot: Any) -> LogEventScreen:
    """The log form from the track's screen, with a right statement in it but no source."""
    await settle(pilot)
    await app.open_track("ukraine-settlement")
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, LogEventScreen)
    for selector, value in {"#f-when": "18 Feb 2025", "#f-summary": "Lavrov: no European troops",
                            "#t-speaker": "lavrov", "#t-issue": "european-peacekeepers"}.items():
        form.query_one(selector, Input).value = value
    form.query_one("#t-stance", Select).value = "opposes"
    await settle(pilot)
    return form


def newest(db: Path) -> Any:
    with Tracker.open(db) as tracker:
        return tracker.events(EventFilter(), limit=1)[0].stored.event


def logged(db: Path) -> int:
    with Tracker.open(db) as tracker:
        return tracker.head()[0]


@async_test
async def test_two_source_blocks_are_logged_in_order(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-source_outlet", Input).value = "TASS"
        form.query_one("#f-source_via", Input).value = "Russia Matters"
        await pilot.press("ctrl+o")  # a second block, its outlet focused and in view
        await pilot.press("ctrl+o")  # and a third, removed again below
        await settle(pilot)
        _first, second, third = form.query(SourceBlock).results(SourceBlock)
        assert form.focused is form.query_one(f"#{third.input_id('outlet')}", Input)
        assert "Source 3 outlet" in screen_text(app)
        form.query_one(f"#{second.input_id('outlet')}", Input).value = "Reuters"
        form.query_one(f"#{second.input_id('quote')}", Input).value = "Moscow said no"
        form.query_one(f"#{second.input_id('published')}", Input).value = "Feb 2025"  # not one day
        form.query_one(f"#{third.input_id('outlet')}", Input).value = "Gone"
        await settle(pilot)
        third.query_one(".remove-source", Button).press()
        await settle(pilot)
        assert len(form.query(SourceBlock)) == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        # The problem is said under the second block's date, not the first's.
        row = form.query_one(f"#row-source_published{second.suffix}", FieldRow)
        assert row.has_class("-invalid") and not form.query_one("#row-source_published").has_class("-invalid")
        form.query_one(f"#{second.input_id('published')}", Input).value = "19 Feb 2025"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)
    event = newest(demo_db)
    assert [(s.outlet, s.via, s.quote) for s in event.sources] == [
        ("TASS", "Russia Matters", None), ("Reuters", None, "Moscow said no")]
    assert str(event.sources[1].published) == "2025-02-19" and event.status == "confirmed"


@async_test
async def test_confirmed_without_a_source_is_asked_no_logs_nothing_yes_logs_it(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-status", Select).value = "confirmed"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Confirmed without a source?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and logged(demo_db) == DEMO_EVENTS
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, (LogEventScreen, ConfirmScreen))
    event = newest(demo_db)
    assert (event.status, event.sources, logged(demo_db)) == ("confirmed", [], DEMO_EVENTS + 1)


@async_test
async def test_no_status_chosen_and_no_source_is_logged_unverified_without_asking(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot)
        assert form.query_one("#f-status", Select).value is Select.NULL  # '(from the sources)'
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, (LogEventScreen, ConfirmScreen))
    event = newest(demo_db)
    assert (event.status, event.sources) == ("unverified", [])

"""Issue 18 in the TUI: a source's credibility in the log form, each source's grade and every
event behind a stance (its role, the support line) in the positions detail, and a fact that rests
only on a report or on nothing shown as such, never as plain fact (pilots, on the demo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from textual.widgets import Input, Select, Static

from run_cli import tracker as run_tracker
from tracker.service import EventFilter, Tracker
from tui.app import TrackerApp
from tui.dialogs.log_event import FieldRow, LogEventScreen, SourceBlock
from tui.screens.track import TrackScreen
from tui.widgets.track.positions import PositionsMatrix, StanceDetail
from tui.widgets.track.schedule import ScheduleTable
from tui_helpers import SIZE, async_test, open_form, screen_text, settle

SMALL = (80, 24)
TRACK = "ukraine-settlement"


def newest(db: Path) -> Any:
    with Tracker.open(db) as service:
        return service.events(EventFilter(), limit=1)[0].stored.event


def logged(db: Path) -> int:
    with Tracker.open(db) as service:
        return service.head()[0]


def cli(db: Path, *args: str) -> None:
    run = run_tracker(*args, db=db)
    assert run.returncode == 0, run.stderr


def plain(renderable: Any) -> str:
    console = Console(width=200, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


async def open_positions(app: TrackerApp, pilot: Any, actor: str, issue: str) -> str:
    """The track's positions tab, a cell selected; what its detail says once fetched."""
    await settle(pilot)
    await app.open_track(TRACK)
    await settle(pilot)
    assert isinstance(app.screen, TrackScreen)
    await pilot.press("p")
    await settle(pilot)
    matrix = app.screen.query_one(PositionsMatrix)
    assert matrix.select(actor, issue)
    await settle(pilot, 6)
    return plain(app.screen.query_one("#stance-detail", Static).content)


@async_test
async def test_a_sources_credibility_is_checked_in_its_field_and_stored(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)
    before = logged(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot, TRACK)
        # In the 80x24 form the credibility is on screen with the rest of the first source.
        assert "Source credibility" in screen_text(app)
        for selector, value in {"#f-when": "18 Feb 2025", "#f-summary": "Lavrov: no European troops",
                                "#t-speaker": "lavrov", "#t-issue": "european-peacekeepers",
                                "#f-source_outlet": "TASS", "#f-source_credibility": "7"}.items():
            form.query_one(selector, Input).value = value
        form.query_one("#t-stance", Select).value = "opposes"
        await pilot.press("ctrl+o")
        await settle(pilot)
        second = form.query(SourceBlock).results(SourceBlock)
        block = list(second)[1]
        form.query_one(f"#{block.input_id('outlet')}", Input).value = "Reuters"
        form.query_one(f"#{block.input_id('credibility')}", Input).value = "3"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        row = form.query_one("#row-source_credibility", FieldRow)
        assert row.has_class("-invalid")
        assert not form.query_one(f"#row-source_credibility{block.suffix}", FieldRow).has_class("-invalid")
        said = plain(row.query_one(".field-error").content)  # type: ignore[attr-defined]
        assert "Source credibility: at most 6; got 7" in " ".join(said.split())
        assert logged(demo_db) == before
        form.query_one("#f-source_credibility", Input).value = "2"
        await settle(pilot)
        assert not row.has_class("-invalid")  # gone as soon as it is right
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)
    event = newest(demo_db)
    assert [(s.outlet, s.credibility) for s in event.sources] == [("TASS", 2), ("Reuters", 3)]


@async_test
async def test_the_positions_detail_shows_each_sources_grade_and_why(demo_db: Path) -> None:
    # FT graded B: the Grushko statement's FT source reads "grade B?" (no credibility given).
    cli(demo_db, "log", "source-graded", "--when", "2025-02-18", "--summary", "FT graded", "--track", TRACK,
        "--outlet", "FT", "--reliability", "B", "--status", "confirmed")
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_positions(app, pilot, "rus", "european-peacekeepers")
        assert isinstance(app.screen.query_one("#stance-detail"), StanceDetail)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "Support: 3 sources (B?)" in lines
    ft = next(line for line in lines if line.startswith("FT"))
    assert "via Russia Matters" in ft and ft.endswith("grade B?")
    # Every event behind the stance, by date, each with its role: two corroborate, the latest sets it.
    roles = [line.split()[0] for line in lines if line.split()[:1] in (["sets"], ["corroborates"])]
    assert roles == ["corroborates", "corroborates", "sets"]
    assert any("#77 statement made" in line for line in lines if line.startswith("sets"))


@async_test
async def test_a_superseded_statement_is_shown_as_such(demo_db: Path) -> None:
    # The US went from supports (Waltz) to conditional: the earlier statement was superseded.
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_positions(app, pilot, "usa", "ukraine-participation")
    roles = {line.split()[0] for line in text.splitlines() if line.strip()}
    assert {"sets", "superseded"} <= roles


@async_test
async def test_a_reported_stance_is_marked_in_the_matrix_and_its_detail(demo_db: Path) -> None:
    # The US stance on elections rests on one Fox News report (claim: reported).
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_positions(app, pilot, "usa", "elections")
        matrix = app.screen.query_one(PositionsMatrix)
        assert str(matrix.get_cell_at(matrix.cursor_coordinate)) == "(\u2718)"
        assert "( ) claim not confirmed" in screen_text(app)  # the legend says what brackets mean
        assert matrix.select("rus", "european-peacekeepers")  # confirmed: no brackets
        await settle(pilot)
        assert str(matrix.get_cell_at(matrix.cursor_coordinate)) == "\u2718"
    assert "claim reported (not confirmed)" in text


@async_test
async def test_an_unsourced_meeting_and_stance_read_unverified_in_the_track_views(demo_db: Path) -> None:
    cli(demo_db, "log", "meeting-held", "--when", "2025-02-18", "--summary", "Secret meeting", "--track", TRACK,
        "--meeting", "secret-meeting", "--title", "A secret meeting", "--participants", "witkoff,dmitriev")
    cli(demo_db, "log", "statement-made", "--when", "2025-02-18", "--summary", "Witkoff on sanctions",
        "--track", TRACK, "--speaker", "witkoff", "--on-behalf-of", "usa", "--issue", "nuclear-talks",
        "--stance", "supports")
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_positions(app, pilot, "usa", "nuclear-talks")
        matrix = app.screen.query_one(PositionsMatrix)
        assert str(matrix.get_cell_at(matrix.cursor_coordinate)) == "(\u2714)"
        assert "claim unverified (not confirmed)" in text and "Support: no source" in text
        await pilot.press("v")
        await settle(pilot)
        schedule = app.screen.query_one(ScheduleTable)
        row = next(i for i, key in enumerate(schedule.items) if key == "secret-meeting")
        assert str(schedule.get_row_at(row)[-1]) == "held \u00b7 unverified"


@async_test
async def test_the_overview_marks_a_seat_resting_on_an_unsourced_meeting_and_gives_the_support(demo_db: Path) -> None:
    cli(demo_db, "log", "meeting-held", "--when", "2025-02-19", "--summary", "China sits in", "--track", TRACK,
        "--meeting", "china-talks", "--title", "China talks", "--participants", "chn", "--participants", "rus")
    app = TrackerApp(demo_db, poll=False, verify=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.open_track(TRACK)
        await settle(pilot)
        await settle(pilot)
        text = screen_text(app)
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if "chn" in line and "last 19 Feb 2025" in line)
        china = " ".join(line.split("▏")[0].strip() for line in lines[at:at + 2])  # it may wrap once
        assert "unverified" in china and "no source" in china
        overview = " ".join(" ".join(line.split("▏")[0].split()) for line in lines)  # its lines, wrapped or not
        assert "11 sources, 7 independent" in overview  # the US seat's support, as `why` counts it


@async_test
async def test_the_diff_view_marks_a_change_resting_only_on_unverified_events(demo_db: Path) -> None:
    cli(demo_db, "log", "meeting-held", "--when", "2025-02-19", "--summary", "China sits in", "--track", TRACK,
        "--meeting", "china-talks", "--title", "China talks", "--participants", "chn", "--participants", "rus")
    app = TrackerApp(demo_db, poll=False, verify=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#diff-track", Select).value = TRACK
        screen.query_one("#diff-from", Input).value = "18 Feb 2025"
        screen.query_one("#diff-to", Input).value = "20 Feb 2025"
        screen.action_compare()  # type: ignore[attr-defined]
        await settle(pilot)
        rows = [ln for ln in screen_text(app).splitlines() if "China talks" in ln or "chn joined" in ln]
        assert rows and all("[unverified]" in ln for ln in rows), rows


@async_test
async def test_grading_an_outlet_in_the_form_needs_no_track_and_no_summary(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    Tracker.open(db).close()
    app = TrackerApp(db, poll=False, verify=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot)
        assert "Tracks *" in screen_text(app)
        form.query_one("#f-type", Select).value = "source_graded"
        await settle(pilot)
        text = screen_text(app)
        assert "Tracks *" not in text and "Summary *" not in text  # neither is asked for
        form.query_one("#f-when", Input).value = "18 Feb 2025"
        form.query_one("#t-outlet", Input).value = "Reuters"
        form.query_one("#t-reliability", Select).value = "B"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen), screen_text(app)
    event = newest(db)
    assert (event.type, event.tracks, event.summary, event.status) == ("source_graded", [], "Reuters graded B", "confirmed")


@async_test
async def test_a_status_resting_on_an_unverified_event_is_marked_in_the_list_and_the_track_title(
        demo_db: Path) -> None:
    cli(demo_db, "log", "track-status-changed", "--when", "2025-02-19", "--summary", "Talks said to stall",
        "--track", TRACK, "--new-status", "stalled")
    app = TrackerApp(demo_db, poll=False, verify=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        row = next(line for line in screen_text(app).splitlines() if "stalled" in line)
        assert "stalled ?" in row  # the mark in the narrow column...
        await pilot.press("end")  # ...the claim in words in the line under the list (the last track)
        await settle(pilot)
        assert "stalled [unverified]" in screen_text(app)
        await app.open_track(TRACK)
        await settle(pilot)
        assert "stalled [unverified]" in plain(app.screen.query_one("#track-title", Static).content)

"""The event log and a track's timeline in small terminals (issue 22: every screen readable at 80x24).

At 80x24, 120x40 and 160x50 each row keeps what a user scans for: its position, a whole date (never
cut inside a word), a type and a claim status (as a one-cell mark explained on screen where the
list is narrow), and the start of its summary, cut at a word with an ellipsis; the record beside or
below shows the summary whole. After logging, correcting or retracting an event, the cursor is on
the row that shows it, and that row is on screen. Driven with Textual's pilot on the demo data.
"""

from __future__ import annotations

import re
from datetime import UTC, date, time
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widget import Widget
from textual.widgets import Input, Select
from textual.widgets.data_table import ColumnKey

from events import Occurred
from run_cli import tracker
from tracker.service import EventFilter, EventRow, Tracker
from tui.app import TrackerApp
from tui.screens.track import TrackScreen
from tui.widgets.event_detail import EventDetail
from tui.widgets.event_list import CLAIM_MARKS, SHORT_TYPES, EventList, when_label
from tui.widgets.filter_bar import FilterBar
from tui.widgets.track.timeline import TimelineTable
from tui_helpers import async_test, screen_text, settle, travel

SIZES = [(80, 24), (120, 40), (160, 50)]
NARROW = (80, 24)
LEGEND = "● confirmed ○ reported ? unverified ! disputed ✘ denied"


def app_for(path: Path) -> TrackerApp:
    return TrackerApp(path, poll=False)


def region_text(app: TrackerApp, widget: Widget) -> list[str]:
    """The lines of the screen that `widget`'s content covers (inside its border and scrollbars), as shown."""
    region = app.screen.find_widget(widget).visible_region.intersection(widget.scrollable_content_region)
    lines = screen_text(app).splitlines()
    return [line[region.x:region.right] for line in lines[region.y:region.bottom]]


def words(text: str) -> list[str]:
    return re.split(r"[\s–]+", text.strip())


def whole_date(shown: str, occurred: Occurred) -> bool:
    """`shown` is the date whole, or a shorter form of whole words (its days, without the year, or
    its first words and an ellipsis): nothing is cut inside a word."""
    days = Occurred.between(occurred.earliest, occurred.latest).label()
    known = set(words(occurred.label())) | set(words(days))
    return all(word in known for word in words(shown.removesuffix("…")) if word)


def type_shown(line: str, event_type: str) -> bool:
    return event_type.replace("_", " ") in line or re.search(rf"\b{SHORT_TYPES[event_type]}\b", line) is not None


def claim_shown(line: str, row: EventRow) -> bool:
    word = "retracted" if row.retracted else row.claim_status
    return word in line or f" {CLAIM_MARKS[word]} " in line


async def open_log(app: TrackerApp, pilot: Any) -> EventList:
    await settle(pilot)
    await pilot.press("2")
    await settle(pilot)
    return app.screen.query_one(EventList)


async def open_timeline(app: TrackerApp, pilot: Any, track: str = "ukraine-settlement") -> TimelineTable:
    await settle(pilot)
    await app.open_track(track)
    await settle(pilot)
    await pilot.press("l")
    await settle(pilot)
    return app.screen.query_one("#timeline-list", TimelineTable)


def longest_summary(path: Path) -> EventRow:
    with Tracker.open(path, readonly=True) as tracker:
        rows = tracker.events(EventFilter(), limit=1000)
    return max(rows, key=lambda row: len(row.event.summary))


def shown_whole(app: TrackerApp, detail: EventDetail, text: str) -> bool:
    """`text` is in the record pane, whole (wrapped over as many lines as it needs)."""
    return " ".join(" ".join(region_text(app, detail)).split()).find(" ".join(text.split())) >= 0


# -- what each row shows ---------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@async_test
async def test_event_log_rows_show_position_whole_date_type_and_claim(demo_db: Path, size: tuple[int, int]) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        lst = await open_log(app, pilot)
        lines = region_text(app, lst)
        cols = lst.columns
        visible = lst.rows[lst.top:lst.top + lst.size.height]
        assert len(visible) >= 8
        for row, line in zip(visible, lines, strict=False):
            assert line.split()[0] == str(row.position)
            start = cols.position
            date = line[start:start + cols.occurred].strip()
            assert whole_date(date, row.event.occurred), (date, row.event.occurred.label())
            assert type_shown(line, row.event.type), line
            assert claim_shown(line, row), line
        text = screen_text(app)
        for row in visible:  # a date range fits whole where it fits at all
            label = row.event.occurred.label()
            if "–" in label and len(label) <= cols.occurred:
                assert label in text, label
        if cols.marks:  # the marks are explained on screen
            assert LEGEND + " ⊘ retracted" in text
        else:
            assert "Claim" in text


@pytest.mark.parametrize("lose_resizes", [False, True], ids=["resized", "resize-lost"])
@async_test
async def test_event_log_opened_after_another_screen_lays_its_columns_out_for_its_width(
        demo_db: Path, lose_resizes: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new screen is laid out first without its breakpoint class (at 80 columns the list 48 wide,
    beside the detail pane), then again under it. Seen once: the list kept its first columns, no
    Type column and summaries of 22 letters. Textual can lay a widget out again without a Resize
    (`resize-lost` drops every one after the first): the list follows its width anyway."""
    if lose_resizes:
        post = EventList.post_message
        sizes: list[Any] = []

        def losing(self: EventList, message: Any) -> bool:
            if isinstance(message, events.Resize):
                sizes.append(message.size)
                if len(sizes) > 1:
                    return True
            return post(self, message)

        monkeypatch.setattr(EventList, "post_message", losing)
    app = app_for(demo_db)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        lst = await open_log(app, pilot)
        await settle(pilot)
        if lose_resizes:
            assert sizes and sizes[0].width < 60  # the first layout, beside the detail pane
        assert lst.size.width >= 78 and lst.columns.width == lst.size.width and lst.columns.type
        header = region_text(app, app.screen.query_one("#log-header"))[0]
        assert header.split() == ["#", "When", "Type", "Summary"]
        for row, line in zip(lst.rows[lst.top:], region_text(app, lst), strict=False):
            assert type_shown(line, row.event.type), line


def test_a_timed_day_too_long_for_its_column_drops_its_time_never_cuts_its_zone() -> None:
    in_utc = Occurred.day(date(2025, 2, 18), time(14, 0, tzinfo=UTC))
    assert when_label(in_utc, 30) == "18 Feb 2025 14:00 UTC"
    assert when_label(in_utc, 16) == "18 Feb 14:00 UTC"
    assert when_label(in_utc, 14) == "18 Feb 2025"  # the detail pane gives the time, with its zone
    assert when_label(Occurred.day(date(2025, 2, 18), time(14, 0)), 14) == "18 Feb 14:00"  # as written


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@async_test
async def test_event_log_detail_shows_a_long_summary_whole(demo_db: Path, size: tuple[int, int]) -> None:
    target = longest_summary(demo_db)
    assert len(target.event.summary) > 100
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        lst = await open_log(app, pilot)
        assert lst.select_position(target.position)
        await settle(pilot)
        cols = lst.columns
        shown = region_text(app, lst)[lst.cursor - lst.top][cols.width - cols.summary:].strip()
        assert shown.endswith("…") and target.event.summary.startswith(shown[:-1].rstrip())
        assert target.event.summary[len(shown) - 1] == " "  # cut between two words
        detail = app.screen.query_one(EventDetail)
        assert shown_whole(app, detail, target.event.summary)
        assert target.event.occurred.label() in " ".join(region_text(app, detail))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@async_test
async def test_event_log_filter_fields_are_each_wide_enough_to_use(demo_db: Path, size: tuple[int, int]) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_log(app, pilot)
        bar = app.screen.query_one(FilterBar)
        fields = [*bar.query(Input), *bar.query(Select)]
        assert len(fields) == 7
        for field in fields:
            assert field.region.width >= 14, (field.id, field.region)
            assert app.screen.region.contains_region(field.region)
        text = screen_text(app)
        for prompt in ("/ search text", "track", "actor", "type", "claim", "from date", "to date"):
            assert prompt in text
        # a chosen value reads whole in its field
        for field, value in (("#f-track", "us-russia-normalization"), ("#f-type", "track_status_changed")):
            bar.query_one(field, Select).value = value
            await settle(pilot)
            assert value in " ".join(region_text(app, bar.query_one(field, Select)))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@async_test
async def test_timeline_rows_show_whole_date_type_claim_and_the_summary_whole_below(
        demo_db: Path, size: tuple[int, int]) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        table = await open_timeline(app, pilot)
        lines = region_text(app, table)[1:]  # under the column titles
        top = round(table.scroll_y)
        shown = table.entries[top:top + len(lines)]
        assert len(shown) >= 7
        for entry, line in zip(shown, lines, strict=False):
            date = line[:table.columns[ColumnKey("when")].get_render_width(table)].strip().lstrip("~")
            assert whole_date(date, entry.occurred), (date, entry.occurred.label())
            assert type_shown(line, entry.type), line
            assert entry.claim_status in line or f" {CLAIM_MARKS[entry.claim_status]} " in line, line
        if app.size.width < 110:
            assert LEGEND in screen_text(app)
        target = max(table.entries, key=lambda e: len(e.summary))
        assert len(target.summary) > 90
        table.move_cursor(row=table.entries.index(target))
        await settle(pilot)
        line = timeline_cursor_line(app, table)
        assert target.summary not in line and "…" in line  # too long for its cell
        await pilot.pause(0.3)
        await settle(pilot)
        assert shown_whole(app, app.screen.query_one("#timeline-detail", EventDetail), target.summary)


@async_test
async def test_at_150_columns_the_timeline_summaries_take_the_room(demo_db: Path) -> None:
    """Side by side at 150 columns the summaries were cut at 45 cells while the record beside them
    had 60: the timeline now has two thirds of the width, a summary column of 55 cells or more."""
    app = app_for(demo_db)
    async with app.run_test(size=(150, 44)) as pilot:
        table = await open_timeline(app, pilot)
        lines = region_text(app, table)[1:]
        top = round(table.scroll_y)
        shown = table.entries[top:top + len(lines)]
        assert len(shown) >= 20
        start = lines[0].index(shown[0].summary[:12]) if not shown[0].corrected else None
        for entry, line in zip(shown, lines, strict=False):
            summary = entry.summary
            if entry.corrected:
                continue
            cell = line[start:].strip() if start is not None else line
            assert summary.startswith(cell.removesuffix("…")), (cell, summary)
            cut = cell.removesuffix("…")
            assert cell == summary or summary[len(cut)] in " ,;:", cell  # whole, or cut at a word
        assert table.columns[ColumnKey("summary")].width >= 55
        detail = app.screen.query_one("#timeline-detail", EventDetail)
        assert detail.region.width >= 45  # the record still reads in lines of a few words


@async_test
async def test_the_timeline_counts_the_retracted_events_it_leaves_out(demo_db: Path) -> None:
    """It said "retracted events left out" whatever it left out; now how many, at the moment shown
    (one retracted in the TUI too), on one line at 80 columns."""
    track = "ukraine-settlement"
    with Tracker.open(demo_db, readonly=True) as log:
        rows = [r for r in log.events(EventFilter(tracks=(track,), types=("statement_made",)), limit=30)
                if r.event.occurred.earliest == date(2025, 2, 18)][:3]
    assert len(rows) == 3
    for row in rows[:2]:
        r = tracker("log", "retraction", "--target", row.id, "--when", "today", "--summary", "withdrawn",
                    "--track", track, "--reason", "never said", db=demo_db)
        assert r.returncode == 0, r.stderr
    app = app_for(demo_db)
    async with app.run_test(size=NARROW) as pilot:
        table = await open_timeline(app, pilot, track)
        status = " ".join(region_text(app, app.screen.query_one("#timeline-status")))
        assert "corrections applied, 2 retracted events left out" in status
        assert len(status.strip()) <= 78  # one line
        assert all(e.event_id not in {r.id for r in rows[:2]} for e in table.entries)
        table.move_cursor(row=next(i for i, e in enumerate(table.entries) if e.event_id == rows[2].id))
        await pilot.pause(0.3)
        await settle(pilot)
        await amend(app, pilot, "x")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "3 retracted events left out" in " ".join(region_text(app, app.screen.query_one("#timeline-status")))
        await travel(pilot, "17 Feb 2025")  # they had not happened yet
        assert "none retracted" in " ".join(region_text(app, app.screen.query_one("#timeline-status")))


# -- as it looks (SVG snapshots; nothing logged in them, so nothing depends on the clock) ----------
async def settled(pilot: Any) -> None:
    await settle(pilot)
    await pilot.pause(0.3)  # debounced look-ups (later amendments of the selected event)
    await settle(pilot)


def test_event_log_in_an_80_by_24_terminal(snap_compare: Any, demo_db: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await open_log(pilot.app, pilot)
        for _ in range(5):  # a corrected row, a retracted one and a range of days in view
            await pilot.press("down")
        await settled(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=NARROW, run_before=run_before)


def test_track_timeline_in_an_80_by_24_terminal(snap_compare: Any, demo_db: Path) -> None:
    async def run_before(pilot: Any) -> None:
        await open_timeline(pilot.app, pilot)
        await settled(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=NARROW, run_before=run_before)


# -- the cursor follows what was just logged -------------------------------------------------------
async def log_statement(app: TrackerApp, pilot: Any, summary: str) -> str:
    """Log a statement through the form (n), as a user would; its id."""
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    form.query_one("#f-type", Select).value = "statement_made"
    await settle(pilot)
    form.query_one("#f-when", Input).value = "18 Feb 2025"
    form.query_one("#f-reported_on", Input).value = "19 Feb 2025"
    form.query_one("#f-summary", Input).value = summary
    form.query_one("#f-tracks", Input).value = "ukraine-settlement"
    form.query_one("#f-source_outlet", Input).value = "TASS"
    form.query_one("#t-speaker", Input).value = "lavrov"
    form.query_one("#t-issue", Input).value = "european-peacekeepers"
    form.query_one("#t-stance", Select).value = "opposes"
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    last = app.tracker.events(EventFilter(), limit=1)[0]
    assert last.event.summary == summary
    return last.id


async def amend(app: TrackerApp, pilot: Any, key: str, value: str | None = None) -> None:
    """Correct the summary of (c) or retract (x) the selected event, through its dialog."""
    await pilot.press(key)
    await settle(pilot)
    if key == "c":
        app.screen.query_one("#c-value", Input).value = value or ""
        app.screen.query_one("#c-reason", Input).value = "a typo"
    else:
        app.screen.query_one("#r-reason", Input).value = "never happened"
    await pilot.press("ctrl+s")
    await settle(pilot)


def list_cursor_line(app: TrackerApp, lst: EventList) -> str:
    """The highlighted row's line as shown (it is within the list's lines: on screen)."""
    assert lst.top <= lst.cursor < lst.top + lst.size.height
    return region_text(app, lst)[lst.cursor - lst.top]


def timeline_cursor_line(app: TrackerApp, table: TimelineTable) -> str:
    top = round(table.scroll_y)
    lines = region_text(app, table)[1:]  # under the column titles
    assert top <= table.cursor_row < top + len(lines), (table.cursor_row, top)
    return lines[table.cursor_row - top]


@async_test
async def test_logging_from_the_timeline_puts_the_cursor_on_the_new_row_in_view(demo_db: Path) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=NARROW) as pilot:
        table = await open_timeline(app, pilot)
        for _ in range(20):  # the newest rows are above the viewport
            await pilot.press("down")
        await settle(pilot)
        assert table.scroll_y > 0
        new = await log_statement(app, pilot, "Lavrov rules out peacekeepers once more")
        await pilot.pause(0.3)
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)
        assert table.selected is not None and table.selected.event_id == new
        assert "Lavrov rules out" in timeline_cursor_line(app, table)
        assert "Lavrov rules out peacekeepers once more" in screen_text(app)  # and its record below
        # The event log, opened next, lists it first, under its cursor.
        lst = await open_log(app, pilot)
        assert lst.highlighted is not None and lst.highlighted.id == new


@async_test
async def test_logging_from_the_event_log_puts_the_cursor_on_the_new_row_in_view(demo_db: Path) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=NARROW) as pilot:
        lst = await open_log(app, pilot)
        for _ in range(3):
            await pilot.press("pagedown")
        await settle(pilot)
        assert lst.top > 0
        new = await log_statement(app, pilot, "Lavrov rules out peacekeepers again")
        await settle(pilot)
        assert lst.highlighted is not None and lst.highlighted.id == new
        assert "Lavrov rules out" in list_cursor_line(app, lst)


@async_test
async def test_logging_in_the_oldest_first_event_log_puts_the_cursor_on_the_new_last_row(demo_db: Path) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=NARROW) as pilot:
        lst = await open_log(app, pilot)
        await pilot.press("o")  # oldest first: the new event comes last, far below the viewport
        await settle(pilot)
        new = await log_statement(app, pilot, "Lavrov rules out peacekeepers at the end")
        await settle(pilot)
        assert lst.highlighted is not None and lst.highlighted.id == new
        assert "Lavrov rules out" in list_cursor_line(app, lst)


@async_test
async def test_correcting_and_retracting_in_the_event_log_keep_the_cursor_on_the_amended_row(demo_db: Path) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=NARROW) as pilot:
        lst = await open_log(app, pilot)
        for _ in range(12):  # below the first screenful: the list has scrolled
            await pilot.press("down")
        await settle(pilot)
        while lst.highlighted is not None and (lst.highlighted.retracted or lst.highlighted.corrected):
            await pilot.press("down")  # an event as logged, not one amended already
            await settle(pilot)
        target = lst.highlighted
        assert target is not None and lst.top > 0
        await amend(app, pilot, "c", "A corrected summary")
        assert app.tracker.events(EventFilter(), limit=1)[0].event.type == "correction"
        assert lst.highlighted is not None and lst.highlighted.id == target.id
        line = list_cursor_line(app, lst)
        assert "corrected A corrected summary" in line
        await amend(app, pilot, "x")
        assert app.tracker.events(EventFilter(), limit=1)[0].event.type == "retraction"
        assert lst.highlighted is not None and lst.highlighted.id == target.id and lst.highlighted.retracted
        assert f" {CLAIM_MARKS['retracted']} " in list_cursor_line(app, lst)


@async_test
async def test_correcting_and_retracting_in_the_timeline_keep_the_cursor_in_place(demo_db: Path) -> None:
    app = app_for(demo_db)
    async with app.run_test(size=NARROW) as pilot:
        table = await open_timeline(app, pilot)
        for _ in range(15):
            await pilot.press("down")
        await pilot.pause(0.3)  # the record of the selected entry (what c and x amend)
        await settle(pilot)
        target, index = table.selected, table.cursor_row
        assert target is not None and table.scroll_y > 0
        await amend(app, pilot, "c", "A corrected summary")
        assert table.selected is not None and table.selected.event_id == target.event_id
        assert "corrected A corrected summary" in timeline_cursor_line(app, table)
        await pilot.pause(0.3)
        await settle(pilot)
        # Retracted events leave the timeline: the cursor stays where it was, on the entry after it.
        await amend(app, pilot, "x")
        assert all(e.event_id != target.event_id for e in table.entries)
        assert table.cursor_row == index
        assert table.selected is not None
        timeline_cursor_line(app, table)


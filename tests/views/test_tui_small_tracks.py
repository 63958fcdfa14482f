"""The list of tracks, a track's tabs and the diff view in the classic 80x24 terminal and in larger
ones (issue 22): what a user reads there must be whole on screen, or cut with an ellipsis and whole
in the pane beside or under it. Read from what is on screen, as the user would.

SVG snapshots at 80x24: regenerate with
`pytest tests/views/test_tui_small_tracks.py --snapshot-update -p no:cacheprovider` and look at them.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Select

from events import Occurred
from tui.app import TrackerApp
from tui.screens.tracks import TracksTable
from tui.widgets.track.positions import PositionsMatrix
from tui.widgets.track.proposals import ProposalsTable
from tui.widgets.track.schedule import ScheduleTable, meeting_status, meeting_when
from tui_helpers import async_test, screen_text, settle, travel

SIZES = [(80, 24), (120, 40), (160, 50)]
SMALL = (80, 24)
TRACK = "ukraine-settlement"


def make_app(path: Path) -> TrackerApp:
    return TrackerApp(path, poll=False)


def region_lines(app: TrackerApp, widget: Widget) -> list[str]:
    """What is on screen inside `widget`, line by line."""
    region = widget.region
    return [line[region.x:region.right] for line in screen_text(app).splitlines()[region.y:region.bottom]]


def region_text(app: TrackerApp, widget: Widget) -> str:
    """What is on screen inside `widget`, its lines joined by spaces: a wrapped phrase reads whole."""
    return " ".join(" ".join(line.split()) for line in region_lines(app, widget))


def whole_or_cut(line: str, text: str) -> bool:
    """`text` is on `line` whole, or its start is, cut with an ellipsis."""
    if text in line:
        return True
    return any(f"{text[:n]}…" in line for n in range(4, len(text)))


async def settled(pilot: Any) -> None:
    await settle(pilot)
    await pilot.pause(0.3)  # debounced look-ups
    await settle(pilot)


async def open_track(pilot: Any, tab: str | None = None) -> None:
    await settle(pilot)
    await pilot.app.open_track(TRACK)
    await settle(pilot)
    if tab:
        await pilot.press(tab)
    await settled(pilot)


async def open_diff(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    screen.query_one("#diff-track", Select).value = TRACK
    screen.query_one("#diff-from", Input).value = "17 Feb 2025"
    screen.query_one("#diff-to", Input).value = "18 Feb 2025"
    screen.action_compare()
    await settled(pilot)
    screen.query_one("#diff-table").focus()
    await settled(pilot)


async def list_as_of_18_february(pilot: Any) -> None:
    """The list on the day of the Riyadh talks: two tracks have a next meeting."""
    await settle(pilot)
    pilot.app.travel_to(date(2025, 2, 18))
    await settled(pilot)


# -- the list of tracks ------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_every_track_shows_its_title_status_last_activity_and_next_meeting_whole(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await list_as_of_18_february(pilot)
        states = app.screen.query_one(TracksTable).states
        assert len(states) == 5
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Track" in line and "Status" in line)
        assert "Last activity" in header and "Next meeting" in header
        for state in states:
            row = next(i for i, line in enumerate(lines) if state.title in line)  # the title, whole
            first, second = lines[row], lines[row + 1]
            assert state.last_activity is not None and state.last_activity.label() in first
            assert state.status in first and state.track in second
            if state.next_meeting is not None:
                when = state.next_meeting.planned or state.next_meeting.occurred
                assert when is not None and when.label() in first
                assert whole_or_cut(second, state.next_meeting.title)
        assert any(s.next_meeting for s in states)  # the day was chosen for it


def whole_words_of(shown: str, occurred: Occurred) -> bool:
    """`shown` is `occurred`'s label, or a shorter form of its whole words ('10–16 Feb' for
    'week of 10 Feb 2025'): no ellipsis, nothing cut inside a word."""
    words = set(re.split(r"[\s–]+", occurred.label()))
    words |= set(re.split(r"[\s–]+", Occurred.between(occurred.earliest, occurred.latest).label()))
    return "…" not in shown and all(word in words for word in re.split(r"[\s–]+", shown.strip()) if word)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("as_of", ["17 Feb 2025", "18 Feb 2025"])
@async_test
async def test_the_date_since_a_track_has_its_status_is_never_cut_inside_a_word(demo_db, size, as_of):
    """At 80 columns a long 'since' ('week of 10 Feb 2025', as of 17 Feb) takes a shorter form
    ('10–16 Feb'), where it was cut ('since week of 10…', 'since 14–16 Feb 2…'); the line under
    the list says it whole."""
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await travel(pilot, as_of)
        await settled(pilot)
        table = app.screen.query_one(TracksTable)
        lines = screen_text(app).splitlines()
        assert any(s.status_since and len(s.status_since.label()) > 17 for s in table.states) or as_of != "17 Feb 2025"
        for state in table.states:
            assert state.status_since is not None
            row = next(i for i, line in enumerate(lines) if line.startswith(f" {state.track[:18]}"))  # its id, or its start
            shown = lines[row].split("since ", 1)[1].split("  ")[0]
            assert whole_words_of(shown, state.status_since), (size, state.track, shown)
            if size[0] >= 120:
                assert shown == state.status_since.label()
            table.move_cursor(row=table.get_row_index(state.track))
            await settle(pilot)
            detail = region_text(app, app.screen.query_one("#tracks-detail"))
            assert f"{state.status} since {state.status_since.label()}" in detail


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_line_under_the_list_says_all_of_the_highlighted_track(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await list_as_of_18_february(pilot)
        table = app.screen.query_one(TracksTable)
        table.move_cursor(row=table.get_row_index(TRACK))
        await settle(pilot)
        detail = region_text(app, app.screen.query_one("#tracks-detail"))
        state = table.selected_state
        assert state is not None and state.next_meeting is not None
        for words in (state.title, f"{state.status} since 18 Feb 2025", "last activity 18 Feb 2025",
                      f"{state.event_count} events", f"Next meeting: 19 Feb 2025 {state.next_meeting.title}"):
            assert words in detail
        assert "improving" in detail  # the trend, whatever the list had room for


# -- a track -----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_every_meeting_shows_its_date_and_status_whole(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_track(pilot)
        schedule = app.screen.query_one("#schedule", ScheduleTable)
        assert schedule.meetings
        for key, meeting in schedule.meetings.items():
            schedule.move_cursor(row=schedule.get_row_index(key))  # scrolled into view
            await settle(pilot)
            status = meeting_status(meeting, moves=True).plain
            # its date whole, or in its short form when the titles need the room ('10–16 Feb 2025')
            whens = (meeting_when(meeting).plain, meeting_when(meeting, short=True).plain)
            lines = [line for line in screen_text(app).splitlines()
                     if any(when in line for when in whens) and status in line]
            assert any(whole_or_cut(line, meeting.title) for line in lines), (size, key)
            detail = region_text(app, app.screen.query_one("#meeting-detail"))
            assert meeting.title in detail  # whole under the schedule, however narrow its column
        assert any(m.status == "postponed" for m in schedule.meetings.values())


@async_test
async def test_at_150_columns_the_schedule_and_its_chart_give_titles_the_room(demo_db):
    """Side by side at 150 columns, as of 17 Feb 2025: the schedule's titles were cut at 29 cells
    ('Trump–Putin telephone conver…') and the chart's at 17 ('Kellogg–von der …'). The schedule
    pane is now the wider one, its dates take their short form when the titles need the room,
    and the chart gives its titles what a plot of 28 cells leaves."""
    app = make_app(demo_db)
    async with app.run_test(size=(150, 44)) as pilot:
        await settle(pilot)
        await travel(pilot, "17 Feb 2025")
        await open_track(pilot)
        schedule = app.screen.query_one("#schedule", ScheduleTable)
        table = " ".join(region_lines(app, schedule))
        titles = [item.title for item in schedule.items.values()]
        assert len(titles) == 4
        for title in titles:  # whole, or at least its first 40 cells (the detail says it whole)
            assert title in table or f"{title[:40]}" in table, title
        assert "Trump–Putin telephone conversation" in table and "Erdogan’s trip to Saudi Arabia" in table
        chart = region_lines(app, app.screen.query_one("#overview-body"))
        start = next(i for i, line in enumerate(chart) if "Schedule at a glance" in line)
        for line in chart[start + 2:start + 2 + len(titles)]:
            label = line.strip().split("  ")[0]
            cut = label.removesuffix("…")
            title = next(t for t in titles if t.startswith(cut))
            assert label == title or title[len(cut)] == " ", (label, title)  # cut at a word, if at all
            assert len(label) >= min(len(title), 22), label
        rows = chart[start + 2:start + 2 + len(titles)]
        assert any("Kellogg–von der Leyen meeting" in line for line in rows)


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_a_proposal_shows_its_claim_and_date_whole(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_track(pilot, "r")
        text = screen_text(app)
        header = next(line for line in text.splitlines() if "Proposal" in line and "Proposer" in line)
        assert "Claim" in header and "Tabled" in header
        row = next(line for line in text.splitlines() if "disputed" in line and "18 Feb 2025" in line)
        assert whole_or_cut(row, "Three-stage peace plan for Ukraine")
        table = app.screen.query_one("#proposals-table", ProposalsTable)
        table.move_cursor(row=table.get_row_index("three-stage-plan"))
        await settle(pilot)
        assert "Tabled by United States, Russia, 18 Feb 2025" in region_text(app, app.screen.query_one("#proposal-detail"))


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_commitments_wrap_beside_their_progress(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_track(pilot, "a")
        lines = screen_text(app).splitlines()
        start = next(i for i, line in enumerate(lines) if "○ not started" in line)
        column = lines[start].index("Restore embassy staffing")
        # the first commitment's wrapped lines start under its text, not under the progress
        following = lines[start + 1]
        assert following[:column].strip() == "" and following[column:column + 1].strip()


@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_positions_legend_is_whole(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_track(pilot, "p")
        legend = region_text(app, app.screen.query_one("#positions-legend"))
        assert "? date may lie after this moment" in legend and "· no statement" in legend


# -- the diff view -----------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_diff_form_fits_and_every_change_is_readable(demo_db, size):
    app = make_app(demo_db)
    async with app.run_test(size=size) as pilot:
        await open_diff(pilot)
        screen = app.screen
        width, _ = size
        for widget in (screen.query_one("#diff-track"), screen.query_one("#diff-from"),
                       screen.query_one("#diff-to"), screen.query_one("#diff-go", Button)):
            assert 0 <= widget.region.x and widget.region.right <= width, widget.id
        form = region_text(app, screen.query_one("#diff-form"))
        assert "Compare" in form and "17 Feb 2025" in form and "18 Feb 2025" in form
        assert "Ukraine war settlement" in form
        table = screen.query_one("#diff-table", DataTable)
        lines = region_lines(app, table)
        assert "Change" in lines[0] and "About" in lines[0] and "What changed" in lines[0]
        changes = screen.changes  # type: ignore[attr-defined]
        assert table.row_count == len(changes) > 0
        first = changes[0]
        row = next(line for line in lines if first.kind.replace("_", " ") in line)
        assert whole_or_cut(row, first.description) and first.description[:20] in row
        why = region_text(app, screen.query_one("#diff-why"))
        assert " ".join(first.description.split()) in why and first.subject in why


# -- the pictures at 80x24 -------------------------------------------------------------------------
def test_tracks_at_80_by_24(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=list_as_of_18_february)


def test_track_overview_with_a_postponed_meeting_at_80_by_24(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await open_track(pilot)
        schedule = pilot.app.screen.query_one("#schedule", ScheduleTable)
        schedule.move_cursor(row=schedule.get_row_index("erdogan-saudi-visit-2025"))
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_track_positions_at_80_by_24(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await open_track(pilot, "p")
        pilot.app.screen.query_one(PositionsMatrix).select("rus", "european-peacekeepers")
        await settled(pilot)

    assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_track_proposals_at_80_by_24(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await open_track(pilot, "r")

    assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_track_agreements_at_80_by_24(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await open_track(pilot, "a")

    assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)


def test_diff_at_80_by_24(snap_compare, demo_db):
    assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=open_diff)


def test_whole_or_cut_reads_an_ellipsis_as_a_cut() -> None:
    assert whole_or_cut("  Macron’s meet…  ", "Macron’s meeting on Ukraine")
    assert not whole_or_cut("  Macron’s meet  ", "Macron’s meeting on Ukraine")

"""The terminal UI, driven with Textual's pilot on a copy of the demo data.

Each test reads what is on screen (the rendered text), not widget internals, where it can.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from textual import work
from textual.widgets import DataTable, Input, Select

from events import new_id
from tracker.service import EventFilter, Tracker
from tracker.store import EventStore
from tui.app import TrackerApp
from tui.dialogs.log_event import LogEventScreen
from tui.screens import base
from tui.screens.actors import ActorsScreen
from tui.screens.events import EventLogScreen
from tui.screens.track import TrackScreen
from tui.widgets.event_list import EventList
from tui.widgets.track.positions import PositionsMatrix
from tui.widgets.track.timeline import TimelineTable
from tui_helpers import DEMO_EVENTS, SIZE, async_test, open_form, screen_text, settle, travel

INJECTION = "[bold]pwned[/] [link=https://evil.example]click[/link] [/] \x1b[31mRED\x1b[0m \x1b]8;;x\x07"


def app_for(path: Path, **kwargs: object) -> TrackerApp:
    kwargs.setdefault("poll", False)
    return TrackerApp(path, **kwargs)  # type: ignore[arg-type]


def statement(summary: str, quote: str | None = None, day: str = "2025-02-18") -> dict:
    return {
        "id": new_id(), "type": "statement_made",
        "occurred": {"earliest": day, "latest": day, "precision": "day"},
        "tracks": ["ukraine-settlement"], "actors": ["lavrov"], "summary": summary,
        "speaker": "lavrov", "on_behalf_of": "rus", "issue": "european-peacekeepers", "stance": "opposes",
        "quote": quote, "sources": [{"outlet": "TASS", "quote": quote}],
    }


# -- browsing ---------------------------------------------------------------------------------
@async_test
async def test_opens_on_every_track_with_status_and_next_meeting(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for title in ("Ukraine war settlement", "US–Russia normalization", "Europe’s place at the table",
                      "Putin–Trump summit", "A European pillar in NATO"):
            assert title in text
        assert "◷ now" in text
        assert "active" in text


@async_test
async def test_track_detail_positions_show_who_opposes_peacekeepers_and_the_source(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)
        assert "Ukraine war settlement" in screen_text(app)
        await pilot.press("p")
        await settle(pilot)
        matrix = app.screen.query_one(PositionsMatrix)
        assert "european-peacekeepers" in matrix.issues
        assert matrix.select("rus", "european-peacekeepers")
        await settle(pilot)
        text = screen_text(app)
        assert "✘ opposes" in text
        assert "Why" in text and "Support: 3 sources" in text  # every statement behind the cell
        # the statement behind the cell, with its outlet
        assert any(outlet in text for outlet in ("FT", "NYT", "Unattributed news report"))


@async_test
async def test_track_tabs_overview_proposals_agreements_timeline(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        text = screen_text(app)
        assert "Schedule" in text and "Erdogan’s trip to Saudi Arabia" in text
        assert "Schedule at a glance" in text  # under the one-line sections, before the long ones
        app.screen.query_one("#overview-scroll").scroll_to(y=20, animate=False)
        await settle(pilot)
        text = screen_text(app)
        assert "Excluded" in text and "Demanding a seat" in text and "Mediators" in text
        await pilot.press("r")
        await settle(pilot)
        assert "three-stage" in screen_text(app).lower()
        await pilot.press("a")
        await settle(pilot)
        assert "done" in screen_text(app) or "No agreement" in screen_text(app)
        await pilot.press("l")
        await settle(pilot)
        timeline = app.screen.query_one("#timeline-list", TimelineTable)
        assert timeline.entries and all("ukraine-settlement" in e.tracks for e in timeline.entries)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TrackScreen)


@async_test
async def test_event_log_search_and_filters(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, EventLogScreen)
        assert f"{DEMO_EVENTS} events" in screen_text(app)
        await pilot.press("slash")
        await pilot.press(*"peacekeep")
        await pilot.press("enter")
        await settle(pilot)
        lst = app.screen.query_one(EventList)
        assert lst.rows and all("peacekeep" in r.event.model_dump_json().lower() for r in lst.rows)
        text = screen_text(app)
        assert f"{len(lst.rows)} events" in text
        app.screen.query_one("#f-type", Select).value = "statement_made"
        await settle(pilot)
        assert lst.rows and all(r.event.type == "statement_made" for r in lst.rows)
        app.screen.query_one("#f-status", Select).value = "reported"
        await settle(pilot)
        assert all(r.event.status == "reported" for r in lst.rows)
        await pilot.press("escape")  # clear every filter
        await settle(pilot)
        assert f"{DEMO_EVENTS} events" in screen_text(app)
        app.screen.query_one("#f-actor", Select).value = "erdogan"
        await settle(pilot)
        assert lst.rows and all("erdogan" in r.event.actors for r in lst.rows)
        app.screen.query_one("#f-track", Select).value = "european-role"
        await settle(pilot)
        assert lst.rows and all("european-role" in r.event.tracks and "erdogan" in r.event.actors
                                for r in lst.rows)


@async_test
async def test_event_log_dates_filter_and_order(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        screen = app.screen
        date_from = screen.query_one("#f-from", Input)
        date_from.value = "19 Feb 2025"
        await date_from.action_submit()
        await settle(pilot)
        lst = screen.query_one(EventList)
        assert lst.rows and all(r.event.occurred.latest.isoformat() >= "2025-02-19" for r in lst.rows)
        await pilot.press("escape")
        await settle(pilot)
        lst.focus()
        await pilot.press("o")  # oldest first
        await settle(pilot)
        assert lst.rows[0].position == 1
        assert "oldest first" in screen_text(app)
        await pilot.press("G")
        await settle(pilot)
        assert lst.highlighted.position == DEMO_EVENTS
        text = screen_text(app)
        assert f"#{DEMO_EVENTS}" in text and "Hash" in text and "Position" in text


@async_test
async def test_selected_event_shows_full_record_with_sources_hash_and_position(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lst = app.screen.query_one(EventList)
        target = next(r for r in lst.rows if r.event.summary.startswith("Grushko"))
        await pilot.press("pagedown", "down")
        assert lst.select_position(target.position)
        await settle(pilot)
        text = screen_text(app)
        stored = lst.highlighted
        assert stored.event.summary.startswith("Grushko")
        assert f"#{stored.position}" in text
        assert stored.hash[:40] in text
        assert "FT" in text and "Sources (1)" in text


@async_test
async def test_actors_view_shows_statements_and_stances_across_tracks(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"lavrov", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Sergei Lavrov" in text
        assert "Statements" in text and "european-peacekeepers" in text


@async_test
async def test_diff_between_17_and_18_february(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#diff-track", Select).value = "ukraine-settlement"
        screen.query_one("#diff-from", Input).value = "17 Feb 2025"
        screen.query_one("#diff-to", Input).value = "18 Feb 2025"
        screen.action_compare()
        await settle(pilot)
        text = screen_text(app)
        assert "change" in text and "17 Feb 2025" in text and "18 Feb 2025" in text
        assert screen.query_one("#diff-table", DataTable).row_count > 0


@async_test
async def test_diff_opened_from_a_track_compares_that_track(demo_db):
    """4 on a track opened from the list of tracks showed the diff of another track (the first, or
    the one last opened from the palette); it now shows that track's, and a track chosen in the
    diff stays chosen until another track is shown."""
    from tui.screens.diff import DiffScreen
    from tui.screens.tracks import TracksTable

    async def from_the_list(track: str) -> None:
        await pilot.press("1")
        await settle(pilot)
        while isinstance(app.screen, TrackScreen):
            await pilot.press("escape")
            await settle(pilot)
        table = app.screen.query_one(TracksTable)
        table.move_cursor(row=table.get_row_index(track))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen) and app.screen.track_id == track
        await pilot.press("4")
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)

    app = app_for(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = app.screen.query_one(TracksTable).selected
        for track in ("european-role", "us-russia-normalization"):
            assert track != first
            await from_the_list(track)
            assert app.screen.query_one("#diff-track", Select).value == track
            assert f"on {track}:" in screen_text(app)  # compared, not only chosen
        app.screen.query_one("#diff-track", Select).value = "ukraine-settlement"
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert app.screen.query_one("#diff-track", Select).value == "ukraine-settlement"


@async_test
async def test_help_shows_the_key_map(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app)
        for words in ("Keys", "Log event", "Earlier", "Go to date", "Open track", "Positions"):
            assert words in text
        await pilot.press("escape")
        await settle(pilot)
        assert "Keys" not in screen_text(app)


@async_test
async def test_command_palette_goes_to_a_track(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"go to track ukraine")
        await asyncio.sleep(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)
        assert app.screen.track_id == "ukraine-settlement"


# -- time travel ------------------------------------------------------------------------------
@async_test
async def test_time_travel_steps_jumps_and_every_view_follows(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")  # the last day with a dated event
        await settle(pilot)
        text = screen_text(app)
        assert "◷ as of 18 Feb 2025" in text and "as known now" in text
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "◷ as of 17 Feb 2025" in screen_text(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "◷ as of 18 Feb 2025" in screen_text(app)
        await pilot.press("right_square_bracket")  # nothing later: back to now
        await settle(pilot)
        assert "◷ now" in screen_text(app)

        # jump to a typed date: the Ukraine track as it stood on 17 Feb, then on 18 Feb
        await travel(pilot, as_of="17 Feb 2025")
        text = screen_text(app)
        assert "◷ as of 17 Feb 2025" in text
        row_17 = next(line for line in text.splitlines() if "Ukraine war settlement" in line)
        assert "exploratory" in row_17

        await travel(pilot, as_of="18 Feb 2025")
        text = screen_text(app)
        row_18 = next(line for line in text.splitlines() if "Ukraine war settlement" in line)
        assert "active" in row_18

        # the second axis: as known on the day shown
        await pilot.press("k")
        await settle(pilot)
        assert "as of 18 Feb 2025, as known on 18 Feb 2025" in screen_text(app)

        # the event log follows: nothing that happened after 18 Feb, nothing logged after it
        await pilot.press("2")
        await settle(pilot)
        rows = app.screen.query_one(EventList).rows
        assert rows and all(r.event.occurred.earliest.isoformat() <= "2025-02-18" for r in rows)
        assert all(r.event.recorded_at.date().isoformat() <= "2025-02-18" for r in rows)
        assert len(rows) < DEMO_EVENTS
        await pilot.press("T")
        await settle(pilot)
        assert "◷ now" in screen_text(app)
        assert len(app.screen.query_one(EventList).rows) == DEMO_EVENTS


@async_test
async def test_as_known_on_a_day_chosen_apart(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await travel(pilot, as_of="18 Feb 2025", known="19 Feb 2025")
        assert app.moment.as_of.isoformat() == "2025-02-18"
        assert app.moment.known_at.date().isoformat() == "2025-02-19"
        assert "as of 18 Feb 2025, as known on 19 Feb 2025" in screen_text(app)


@async_test
async def test_a_moment_before_anything_was_logged_says_so_and_how_to_come_back(demo_db, tmp_path):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await travel(pilot, known="17 Feb 2025")  # the demo was logged from 18 Feb
        text = screen_text(app)
        assert "0 tracks" in text and "nothing had been logged by then: T returns to now" in text
        assert "log an event with n" not in text
    empty = app_for(tmp_path / "new.db")
    async with empty.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "nothing yet: log an event with n" in screen_text(empty)


@async_test
async def test_as_known_on_a_day_alone_shows_everything_as_known_then(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await travel(pilot, as_of="now", known="18 Feb 2025")
        assert app.moment.as_of is None
        assert app.moment.known_at is not None and app.moment.known_at.date().isoformat() == "2025-02-18"
        assert "as known on 18 Feb 2025" in screen_text(app)
        await pilot.press("2")
        await settle(pilot)
        rows = app.screen.query_one(EventList).rows
        assert rows and all(r.event.recorded_at.date().isoformat() <= "2025-02-18" for r in rows)
        assert len(rows) < DEMO_EVENTS


# -- logging ----------------------------------------------------------------------------------
@async_test
async def test_log_form_shows_problems_next_to_fields_and_writes_nothing(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-when", Input).value = "03/04/2025"
        await settle(pilot)
        assert "ambiguous" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogEventScreen)
        text = screen_text(app)
        assert "nothing was logged" in text
        assert "required field is missing" in text or "List should have at least 1 item" in text
        assert form.query_one("#row-summary").has_class("-invalid")
        assert form.query_one("#row-when").has_class("-invalid")
        assert app.tracker.head()[0] == DEMO_EVENTS


async def open_schedule_row(app: TrackerApp, pilot: object, track: str, meeting: str) -> DataTable:
    """The track's overview, with the schedule's cursor on `meeting`."""
    await settle(pilot)
    await app.open_track(track)
    await settle(pilot)
    schedule = app.screen.query_one("#schedule", DataTable)
    schedule.move_cursor(row=schedule.get_row_index(meeting))
    await settle(pilot)
    return schedule


def type_in_one_burst(app: TrackerApp, text: str, then: str, then_char: str | None) -> None:
    """Queue the keys of `text` and then `then` at once, as a terminal delivers fast typing or a
    paste (the pilot's press() waits after each key, which hides ordering bugs)."""
    from textual import events as tev

    for ch in text:
        app.post_message(tev.Key("space" if ch == " " else ch, ch))
    app.post_message(tev.Key(then, then_char))


@async_test
async def test_log_erdogans_visit_as_held_and_every_view_updates(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        schedule = await open_schedule_row(app, pilot, "ukraine-settlement", "erdogan-saudi-visit-2025")
        # A two-day span reads as one, whole, in the narrow When column.
        when_cell = schedule.get_cell("kellogg-von-der-leyen-2025-02", "when")
        assert str(when_cell).startswith("17–18 Feb 2025")
        assert "postponed ×1 · past" == str(schedule.get_cell("erdogan-saudi-visit-2025", "status"))
        assert "Postponed (1)" in screen_text(app)
        assert "Its date has passed" in screen_text(app)  # 10 Mar 2025, and the demo says no more
        await pilot.press("h")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogEventScreen)
        assert form.query_one("#t-meeting", Input).value == "erdogan-saudi-visit-2025"
        when = form.query_one("#f-when", Input)
        when.value = "March 10th"
        form.query_one("#f-reported_on", Input).value = "11 March 2025"
        await settle(pilot)
        assert "= 10 Mar 2025" in screen_text(app)
        form.query_one("#f-summary", Input).value = "Erdogan visits Saudi Arabia"
        form.query_one("#f-source_outlet", Input).value = "Anadolu"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)
        assert app.tracker.head()[0] == DEMO_EVENTS + 1
        text = screen_text(app)
        held = app.screen.query_one("#schedule").meetings["erdogan-saudi-visit-2025"]
        assert held.status == "held"
        assert not held.date_passed and "Its date has passed" not in text
        # the event log and the timeline show it at once
        await pilot.press("l")
        await settle(pilot)
        timeline = app.screen.query_one("#timeline-list", TimelineTable)
        assert any(e.summary == "Erdogan visits Saudi Arabia" for e in timeline.entries)
        await pilot.press("2")
        await settle(pilot)
        assert "Erdogan visits Saudi Arabia" in screen_text(app)
        assert f"{DEMO_EVENTS + 1} events" in screen_text(app)
        del text


@async_test
async def test_statement_form_completes_tracks_and_actors(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert "Someone takes a stance on an issue." in screen_text(app)  # what the type records
        form.query_one("#f-type", Select).value = "seat_demanded"
        await settle(pilot)
        assert "Someone demands a seat at the table." in screen_text(app)
        assert "Someone takes a stance" not in screen_text(app)
        form.query_one("#f-type", Select).value = "statement_made"
        await settle(pilot)
        tracks = form.query_one("#f-tracks", Input)
        tracks.focus()
        await pilot.press(*"ukr")
        await settle(pilot)
        await pilot.press("right")  # accept the suggestion
        assert tracks.value == "ukraine-settlement"
        speaker = form.query_one("#t-speaker", Input)
        speaker.focus()
        await pilot.press(*"lavr")
        await settle(pilot)
        await pilot.press("right")
        assert speaker.value == "lavrov"
        form.query_one("#f-when", Input).value = "yesterday"
        form.query_one("#f-reported_on", Input).value = "2025-02-19"
        form.query_one("#t-issue", Input).value = "european-peacekeepers"
        form.query_one("#t-stance", Select).value = "opposes"
        form.query_one("#f-summary", Input).value = "Lavrov: European troops in Ukraine unacceptable"
        await settle(pilot)
        assert "= 18 Feb 2025" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)
        last = app.tracker.events(EventFilter(), limit=1)[0].stored.event
        assert last.occurred.earliest.isoformat() == "2025-02-18" and last.speaker == "lavrov"


@async_test
async def test_correct_and_retract_from_the_selected_event(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lst = app.screen.query_one(EventList)
        target = lst.highlighted
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#c-value", Input).value = "A corrected summary"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "required" in screen_text(app)  # no reason yet: nothing written
        assert app.tracker.head()[0] == DEMO_EVENTS
        app.screen.query_one("#c-reason", Input).value = "typo"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.tracker.head()[0] == DEMO_EVENTS + 1
        correction = app.tracker.events(EventFilter(), limit=1)[0].stored.event
        assert correction.type == "correction" and correction.target == target.id
        assert correction.changes == {"summary": "A corrected summary"}
        await pilot.press("x")
        await settle(pilot)
        app.screen.query_one("#r-reason", Input).value = "never happened"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.tracker.head()[0] == DEMO_EVENTS + 2
        assert app.tracker.events(EventFilter(), limit=1)[0].stored.event.type == "retraction"


@async_test
async def test_read_only_database_can_be_browsed_but_not_logged_to(demo_db):
    app = app_for(demo_db, readonly=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Ukraine war settlement" in screen_text(app)
        assert "read-only" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)
        messages = [n.message for n in app._notifications]
        assert any("read-only" in m and "nothing can be logged" in m for m in messages)


# -- live updates, safety, integrity --------------------------------------------------------
@async_test
async def test_refreshes_when_another_process_appends(demo_db):
    app = TrackerApp(demo_db, poll=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert f"{DEMO_EVENTS} events" in screen_text(app)
        with EventStore(demo_db) as other:  # a second connection, as `tracker log` would open
            other.append([statement("Colleague's entry")])
        deadline = time.monotonic() + 5
        while f"{DEMO_EVENTS + 1} events" not in screen_text(app) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            await settle(pilot, rounds=1)
        text = screen_text(app)
        assert f"{DEMO_EVENTS + 1} events" in text
        assert "Colleague's entry" in text
        await pilot.press("1")
        await settle(pilot)
        assert "Ukraine war settlement" in screen_text(app)


@async_test
async def test_log_text_with_markup_and_escapes_renders_literally(demo_db):
    with EventStore(demo_db) as store:
        store.append([statement(f"Summary {INJECTION}", quote=f"Quote {INJECTION}")])
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        text = screen_text(app)  # the new event is on top and highlighted: the list and its record
        assert "Summary [bold]pwned[/] [link" in text  # the list row (cut to its column)
        assert "[link=https://evil.example]click[/link] [/]" in text  # the record, wrapped
        assert "\\x1b[31mRED" in text  # the escape shown as text, not obeyed
        assert "\x1b" not in text and "\x07" not in text
        assert "Quote [bold]pwned[/]" in text
        # the positions matrix and the actor view show the same quote literally
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        matrix = app.screen.query_one(PositionsMatrix)
        matrix.select("rus", "european-peacekeepers")
        await settle(pilot)
        text = screen_text(app)
        assert "Quote [bold]pwned[/]" in text and "[link=https://evil.example]click[/link]" in text
        assert "\\x1b[31mRED" in text and "\x1b" not in text


@async_test
async def test_tampered_log_shows_a_warning_banner(demo_db):
    conn = sqlite3.connect(demo_db)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("UPDATE events SET body = replace(body, 'Riyadh', 'Geneva') WHERE position = 50")
    conn.commit()
    conn.close()
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "TAMPERED LOG" in text
        assert "position 50" in text


@async_test
async def test_the_list_of_tracks_opens_from_the_kept_rows_without_folding(demo_db):
    with Tracker.open(demo_db) as tracker:
        expected = tracker.tracks()  # folds once and keeps every row of the list
    app = app_for(demo_db)
    asked: list[object] = []
    fold = app.project
    app.project = lambda method, *a, **k: asked.append(method) or fold(method, *a, **k)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(expected) == 5
        assert Tracker.tracks not in asked  # read from the read model, not folded in the child
        assert "ukraine" in screen_text(app).lower()
        assert app.integrity is not None and app.integrity.ok  # the verify ran once the list showed


@async_test
async def test_intact_log_shows_no_banner(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.integrity is not None and app.integrity.ok
        assert "TAMPERED" not in screen_text(app)


# -- scale ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import json

    from tracker.bench.synthetic import generate
    from tracker.store.jsonl import import_lines

    path = tmp_path_factory.mktemp("big") / "big.db"
    store = EventStore(path, durable=False)
    import_lines(store, (json.dumps(b).encode() for b in generate(30_000, seed=7)))
    store.close()
    return path


@async_test
async def test_event_log_pages_and_jumps_to_the_end_without_loading_everything(big_db):
    app = app_for(big_db, verify=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lst = app.screen.query_one(EventList)
        assert lst.rows[0].position == 30_000
        assert len(lst.rows) <= 400
        started = time.perf_counter()
        await pilot.press("G")
        await settle(pilot)
        assert lst.highlighted.position == 1
        assert time.perf_counter() - started < 2
        assert len(lst.rows) <= 400
        await pilot.press("g")
        await settle(pilot)
        assert lst.highlighted.position == 30_000
        for _ in range(5):
            await pilot.press("pagedown")
        await settle(pilot)
        assert lst.highlighted.position < 30_000 - 100
        assert len(lst.rows) <= 1000
        # keep paging: rows come and go, never the whole log
        for _ in range(25):
            lst.action_page_down()
            await pilot.pause()
            await app.workers.wait_for_complete()
        await settle(pilot)
        assert len(lst.rows) <= 1000
        assert lst.highlighted.position < 30_000 - 1000


@async_test
async def test_a_slow_step_in_time_shows_the_list_loading_and_a_quick_one_does_not(demo_db, monkeypatch):
    """On a big log the list as of another day takes seconds: meanwhile the old rows must not pass
    for the new moment under its time bar. A quick load shows no indicator (no flicker)."""
    app = app_for(demo_db)
    real = TrackerApp.project
    slow = {"on": False}

    def project(self: TrackerApp, method: Any, *args: object, **kwargs: object) -> object:
        if method is Tracker.tracks and slow["on"]:
            time.sleep(2.0)
        return real(self, method, *args, **kwargs)

    monkeypatch.setattr(TrackerApp, "project", project)
    monkeypatch.setattr(base, "SLOW_LOAD_SECONDS", 0.8)  # generous: a loaded machine is no slow log
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        seen: list[bool] = []
        app.screen.set_interval(0.05, lambda: seen.append(table.loading))
        await pilot.press("left_square_bracket")  # quick: the demo's list as of 18 Feb
        await settle(pilot)
        assert "◷ as of 18 Feb 2025" in screen_text(app) and "as of 18 Feb 2025  ·" in screen_text(app)
        assert not any(seen)
        slow["on"] = True
        await pilot.press("left_square_bracket")  # slow: 17 Feb
        await asyncio.sleep(1.4)
        assert table.loading  # after SLOW_LOAD_SECONDS, while the fold goes on
        assert "folding every track as of 17 Feb 2025" in screen_text(app)
        await settle(pilot)
        assert not table.loading
        assert "as of 17 Feb 2025  ·" in screen_text(app)


@async_test
async def test_its_events_at_once_waits_for_the_track_choices_instead_of_crashing(demo_db, monkeypatch):
    """e on the list of tracks opens the event log on that track. Its track choices load in a
    worker: asked for before they came, the track used to be an invalid choice and crash the app."""
    from tui.screens.events import EventLogScreen as Log

    real = Log.load_choices.__wrapped__  # type: ignore[attr-defined]

    def slow_choices(self: Log) -> None:
        time.sleep(0.5)
        real(self)

    monkeypatch.setattr(Log, "load_choices", work(thread=True, exclusive=True, group="log-choices")(slow_choices))
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        track = app.screen.query_one(DataTable)
        row = track.coordinate_to_cell_key(track.cursor_coordinate).row_key.value
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EventLogScreen)
        assert screen.query_one("#f-track", Select).value == row
        rows = screen.query_one(EventList).rows
        assert rows and all(row in r.event.tracks for r in rows)


@async_test
async def test_a_date_typed_in_one_burst_and_entered_is_the_date_travelled_to(demo_db):
    # The jump must act on the whole text, not on what the input had processed when Enter came.
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        type_in_one_burst(app, "17 Feb 2025", "enter", "\r")
        await settle(pilot)
        assert "◷ as of 17 Feb 2025" in screen_text(app)


@async_test
async def test_text_typed_in_one_burst_before_ctrl_s_is_logged_whole(demo_db):
    # The event must hold every character typed, never what the input had processed at ctrl+s.
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_schedule_row(app, pilot, "ukraine-settlement", "erdogan-saudi-visit-2025")
        await pilot.press("h")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogEventScreen)
        form.query_one("#f-when", Input).value = "10 March 2025"
        form.query_one("#f-source_outlet", Input).value = "Anadolu"
        summary = form.query_one("#f-summary", Input)
        summary.value = ""
        summary.focus()
        await settle(pilot)
        type_in_one_burst(app, "Erdogan lands in Riyadh", "ctrl+s", None)
        await settle(pilot)
        assert app.tracker.head()[0] == DEMO_EVENTS + 1
        assert app.tracker.events(EventFilter(), limit=1)[0].stored.event.summary == "Erdogan lands in Riyadh"


@async_test
async def test_a_narrow_terminal_stacks_the_track_overview_above_the_schedule(demo_db):
    app = app_for(demo_db)
    for width in (80, 120):  # 120: side by side, the schedule's Status column fell off its half
        async with app.run_test(size=(width, 24)) as pilot:
            await settle(pilot)
            await app.open_track("ukraine-settlement")
            await settle(pilot)
            overview = app.screen.query_one("#overview-scroll")
            schedule = app.screen.query_one("#schedule-pane")
            assert overview.region.width == schedule.region.width == width
            assert schedule.region.y > overview.region.y
        app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:  # wide enough: side by side, as before
        await settle(pilot)
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        overview = app.screen.query_one("#overview-scroll")
        schedule = app.screen.query_one("#schedule-pane")
        assert schedule.region.x >= overview.region.right and schedule.region.y == overview.region.y


@async_test
async def test_each_view_loads_once_when_opened_and_once_a_time_travel(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads: dict[str, int] = {}
    for screen in (TrackScreen, EventLogScreen, ActorsScreen):
        def counted(self: Any, _reload: Any = screen.reload, _name: str = screen.__name__) -> None:
            loads[_name] = loads.get(_name, 0) + 1
            _reload(self)
        monkeypatch.setattr(screen, "reload", counted)
    app = app_for(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.open_track("ukraine-settlement")
        await settle(pilot)
        assert loads == {"TrackScreen": 1}
        await travel(pilot, "17 Feb 2025")
        assert loads == {"TrackScreen": 2}
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert (loads["EventLogScreen"], loads["ActorsScreen"]) == (1, 1)

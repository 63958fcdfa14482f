"""The log form (n) and the correction, retraction, jump and help dialogs, in the classic 80x24
terminal and in bigger ones: what is on screen without scrolling, what the form starts with, and
problems said once, in plain words, next to their field, gone as soon as the field is right.

The SVG snapshots are taken at 80x24 with nothing in them that depends on the clock: every date
field holds a written date, never 'today'. The dialogs other than the log form are pushed over a
blank screen, so that a change to a view does not change the pictures of the dialogs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from events import EVENT_ADAPTER
from projections.moment import Moment
from run_cli import tracker as run_tracker
from tracker.forms import (
    Draft,
    SourceDraft,
    build_event,
    field_label,
    plain_problem,
    plain_words,
    problems_in,
)
from tracker.service import EventFilter, InvalidEvents, Problem, Tracker
from tui.app import TrackerApp
from tui.dialogs.correction import CorrectionScreen
from tui.dialogs.help import HelpScreen
from tui.dialogs.jump import JumpScreen
from tui.dialogs.log_event import FieldRow, LogEventScreen
from tui.dialogs.retraction import RetractionScreen
from tui.screens.actors import ActorsScreen
from tui_helpers import DEMO_EVENTS, async_test, open_form, screen_text, settle

SIZES = [(80, 24), (120, 40), (160, 50)]
SMALL = (80, 24)
SOURCE_ROWS = ("source_outlet", "source_url", "source_published", "source_via", "source_quote")
BAD_TRACK = ("Track id: lower-case letters, digits, '-', '.', '_'; got 'Ukraine settlement' "
             "(as an id: 'ukraine-settlement')")


def app_for(path: Path) -> TrackerApp:
    return TrackerApp(path, poll=False)


def error_of(form: Any, name: str) -> str:
    """What the row of field `name` says is wrong ('' when nothing)."""
    row = form.query_one(f"#row-{name}", FieldRow)
    return str(row.query_one(".field-error", Static).render()) if row.has_class("-invalid") else ""


def on_screen(app: TrackerApp, widget: Any) -> bool:
    """The widget is drawn whole, inside the terminal and above the footer, without scrolling."""
    region = widget.region
    return region.height > 0 and region.y >= 0 and region.bottom <= app.size.height - 1


# -- what the form starts with and shows ------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
@async_test
async def test_the_source_fields_are_on_screen_when_the_form_opens(demo_db, size):
    app = app_for(demo_db)
    async with app.run_test(size=size) as pilot:
        form = await open_form(app, pilot, "ukraine-settlement")
        rows = [form.query_one(f"#row-{name}", FieldRow) for name in SOURCE_ROWS]
        assert all(on_screen(app, row) for row in rows), [(r.id, r.region) for r in rows]
        # ... and still there once the type is chosen and the first fields are filled in,
        # each date with the lines saying what it was read as.
        form.query_one("#f-type", Select).value = "statement_made"
        form.query_one("#f-when", Input).value = "yesterday"
        form.query_one("#f-reported_on", Input).value = "19 Feb 2025"
        form.query_one("#f-summary", Input).value = "Lavrov: European troops in Ukraine unacceptable"
        await settle(pilot)
        assert "= 18 Feb 2025" in screen_text(app)
        assert form.query_one("#form").scroll_y == 0
        assert all(on_screen(app, row) for row in rows), [(r.id, r.region) for r in rows]
        text = screen_text(app)
        for label in ("Source outlet", "Source URL", "Source published", "Source via", "Source quote"):
            assert label in text
        assert on_screen(app, form.query_one("#save")) and on_screen(app, form.query_one("#cancel"))


@async_test
async def test_n_on_a_track_fills_in_the_track(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot, "ukraine-settlement")
        assert form.query_one("#f-tracks", Input).value == "ukraine-settlement"
        assert "ukraine-settlement" in screen_text(app)


@async_test
async def test_n_on_the_actors_view_fills_in_the_selected_actor(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        actors = app.screen
        assert isinstance(actors, ActorsScreen)
        await pilot.press("down")
        await settle(pilot)
        selected = actors.current
        assert selected
        form = await open_form(app, pilot)
        assert form.query_one("#f-actors", Input).value == selected
        assert form.query_one("#f-tracks", Input).value == ""
        # and as the one who acts, where the type has such a field: on screen, not only below the fold
        assert form.query_one("#t-speaker", Input).value == selected
        speaker = next(line for line in screen_text(app).splitlines() if "Speaker *" in line)
        assert selected in speaker
        for etype, field in (("red_line_stated", "speaker"), ("seat_demanded", "claimant"),
                             ("proposal_answered", "responder")):
            form.query_one("#f-type", Select).value = etype
            await settle(pilot)
            assert form.query_one(f"#t-{field}", Input).value == selected, etype
        form.query_one("#f-type", Select).value = "meeting_scheduled"  # no one actor acts: nothing guessed
        await settle(pilot)
        assert all(not inp.value for inp in form.query("#type-fields Input").results(Input))


# -- problems, in plain words, once, gone when fixed ------------------------------------------
@async_test
async def test_a_bad_track_id_is_said_once_in_plain_words_and_goes_when_fixed(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot)
        tracks = form.query_one("#f-tracks", Input)
        tracks.focus()
        tracks.value = "Ukraine settlement"
        await settle(pilot)
        assert not error_of(form, "tracks")  # not while it is being typed
        form.query_one("#f-summary", Input).focus()  # leaving the field checks it
        await settle(pilot)
        assert error_of(form, "tracks") == BAD_TRACK
        assert [row.id for row in form.query("FieldRow.-invalid")] == ["row-tracks"]
        assert "String should match" not in screen_text(app) and "^[a-z0-9]" not in screen_text(app)
        tracks.value = "ukraine-settlement"  # fixed: the problem goes at once, before any ctrl+s
        await settle(pilot)
        assert not error_of(form, "tracks")
        assert not form.query("FieldRow.-invalid")
        assert "lower-case letters" not in screen_text(app)
        tracks.value = "Still Wrong"
        await pilot.press("escape")  # leaving the form from a wrong field: no check, no crash
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)


@async_test
async def test_problems_on_submit_are_each_said_once_next_to_their_field(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-when", Input).value = "18 Feb 2025"
        form.query_one("#f-summary", Input).value = "Lavrov rules out European troops"
        form.query_one("#f-tracks", Input).value = "Ukraine settlement"
        form.query_one("#t-speaker", Input).value = "Sergei Lavrov"  # an actor id is wanted
        form.query_one("#t-issue", Input).value = "european-peacekeepers"
        form.query_one("#t-stance", Select).value = "opposes"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LogEventScreen)
        assert error_of(form, "tracks") == BAD_TRACK
        assert error_of(form, "speaker").startswith("Speaker: lower-case letters")
        # The speaker joins the event's actors, but its problem is said under the speaker only.
        assert sorted(row.id for row in form.query("FieldRow.-invalid")) == ["row-speaker", "row-tracks"]
        assert screen_text(app).count("got 'Sergei Lavrov'") == 1
        assert "2 problems: nothing was logged." in screen_text(app)
        form.query_one("#t-speaker", Input).value = "lavrov"
        await settle(pilot)
        assert not error_of(form, "speaker") and error_of(form, "tracks") == BAD_TRACK
        assert "1 problem: nothing was logged." in screen_text(app)
        assert app.tracker.head()[0] == DEMO_EVENTS


@async_test
async def test_an_unreadable_date_is_said_once_under_the_date(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#f-when", Input).value = "03/04/2025"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert form.query_one("#row-when").has_class("-invalid")
        assert screen_text(app).count("ambiguous") == 1  # under the date, not again in the row
        form.query_one("#f-when", Input).value = "18 Feb 2025"
        await settle(pilot)
        assert not form.query_one("#row-when").has_class("-invalid")


# -- logging, end to end ----------------------------------------------------------------------
@async_test
async def test_an_event_logged_through_the_form_is_stored_with_its_source(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_form(app, pilot, "ukraine-settlement")
        values = {
            "#f-when": "18 Feb 2025", "#f-summary": "Lavrov: European troops in Ukraine unacceptable",
            "#f-source_outlet": "TASS", "#f-source_url": "https://tass.com/politics/1",
            "#f-source_published": "19 Feb 2025", "#f-source_via": "Russia Matters",
            "#f-source_quote": "It is of course unacceptable", "#t-speaker": "lavrov",
            "#t-issue": "european-peacekeepers",
        }
        for selector, value in values.items():
            form.query_one(selector, Input).value = value
        form.query_one("#t-stance", Select).value = "opposes"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)
    with Tracker.open(demo_db) as tracker:
        event = tracker.events(EventFilter(), limit=1)[0].stored.event
    assert event.type == "statement_made" and event.tracks == ["ukraine-settlement"]
    assert event.occurred.earliest.isoformat() == "2025-02-18" and event.speaker == "lavrov"
    [source] = event.sources
    assert (source.outlet, source.url, source.via) == ("TASS", "https://tass.com/politics/1", "Russia Matters")
    assert source.published is not None and source.published.isoformat() == "2025-02-19"
    assert source.quote == "It is of course unacceptable"


# -- every dialog at 80x24 ----------------------------------------------------------------------
async def over_blank(app: TrackerApp, pilot: Any, dialog: Screen[Any]) -> None:
    """`dialog` pushed over an empty screen: what is behind it does not change its picture."""
    await settle(pilot)
    await app.push_screen(Screen())
    await app.push_screen(dialog)
    await settle(pilot)


def dialogs(app: TrackerApp) -> list[tuple[Screen[Any], str, str]]:
    """Each dialog but the log form, with its confirming button and what that button says."""
    target = app.tracker.resolve_event("50")
    return [
        (CorrectionScreen(target), "#save", "Log correction"),
        (RetractionScreen(target), "#save", "Log retraction"),
        (JumpScreen(Moment()), "#go", "Go"),
    ]


@async_test
async def test_every_dialog_shows_its_buttons_at_80_by_24(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for dialog, save, label in dialogs(app):
            await over_blank(app, pilot, dialog)
            assert on_screen(app, dialog.query_one(save)) and on_screen(app, dialog.query_one("#cancel"))
            assert label in screen_text(app) and "Cancel" in screen_text(app)
            await pilot.click("#cancel")  # reachable by the mouse, too
            await settle(pilot)
            assert app.screen is not dialog
            app.pop_screen()
        form = await open_form(app, pilot, "ukraine-settlement")
        assert on_screen(app, form.query_one("#save")) and "Log it" in screen_text(app)


@async_test
async def test_the_help_fits_80_by_24_and_scrolls_to_its_last_keys(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "escape closes" in screen_text(app) and "Keys" in screen_text(app)
        assert "Logging form" not in screen_text(app)
        await pilot.press("end")
        await settle(pilot)
        assert "Logging form" in screen_text(app) and "escape closes" in screen_text(app)


@async_test
async def test_a_correction_says_its_problems_once_and_clears_them_as_they_are_fixed(demo_db):
    app = app_for(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        dialog = CorrectionScreen(app.tracker.resolve_event("50"))
        await over_blank(app, pilot, dialog)
        dialog.query_one("#c-when", Input).value = "19 Feb 2025"
        dialog.query_one("#c-value", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert error_of(dialog, "value") == "Summary: must not be empty"
        assert error_of(dialog, "reason").startswith("Reason: required")
        dialog.query_one("#c-reason", Input).value = "typo"
        await settle(pilot)
        assert not error_of(dialog, "reason") and error_of(dialog, "value")
        dialog.query_one("#c-value", Input).value = "A corrected summary"
        await settle(pilot)
        assert not dialog.query("FieldRow.-invalid")
        assert "Nothing was logged" not in screen_text(app)


# -- snapshots at 80x24 -------------------------------------------------------------------------
def no_blink(screen: Any) -> None:
    for field in screen.query(Input):
        field.cursor_blink = False  # no blink phase in the picture


async def settled(pilot: Any) -> None:
    await settle(pilot)
    no_blink(pilot.app.screen)
    await settle(pilot)


def test_snapshot_log_form_opened_from_a_track(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        await open_form(pilot.app, pilot, "ukraine-settlement")
        await settled(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=SMALL, run_before=run_before)


def test_snapshot_log_form_with_a_problem(snap_compare, demo_db):
    async def run_before(pilot: Any) -> None:
        form = await open_form(pilot.app, pilot)
        form.query_one("#f-when", Input).value = "18 Feb 2025"
        form.query_one("#f-summary", Input).value = "Lavrov rules out European troops"
        tracks = form.query_one("#f-tracks", Input)
        tracks.value = "Ukraine settlement"
        tracks.focus()
        await settle(pilot)
        form.query_one("#f-source_outlet", Input).focus()
        await settled(pilot)

    assert snap_compare(app_for(demo_db), terminal_size=SMALL, run_before=run_before)


def _over_blank(make: Any, **values: str) -> Any:
    async def run_before(pilot: Any) -> None:
        dialog = make(pilot.app)
        await over_blank(pilot.app, pilot, dialog)
        for selector, value in values.items():
            dialog.query_one(f"#{selector}", Input).value = value
        await settled(pilot)

    return run_before


def test_snapshot_correction(snap_compare, demo_db):
    run_before = _over_blank(lambda app: CorrectionScreen(app.tracker.resolve_event("50")), **{"c-when": "19 Feb 2025"})
    assert snap_compare(app_for(demo_db), terminal_size=SMALL, run_before=run_before)


def test_snapshot_retraction(snap_compare, demo_db):
    run_before = _over_blank(lambda app: RetractionScreen(app.tracker.resolve_event("50")), **{"r-when": "19 Feb 2025"})
    assert snap_compare(app_for(demo_db), terminal_size=SMALL, run_before=run_before)


def test_snapshot_jump(snap_compare, demo_db):
    run_before = _over_blank(lambda app: JumpScreen(Moment()), **{"j-as-of": "17 Feb 2025"})
    assert snap_compare(app_for(demo_db), terminal_size=SMALL, run_before=run_before)


def test_snapshot_help(snap_compare, demo_db):
    assert snap_compare(app_for(demo_db), terminal_size=SMALL, run_before=_over_blank(lambda app: HelpScreen()))


# -- plain words (tracker.forms) ----------------------------------------------------------------
def statement(**changes: Any) -> Draft:
    """A right statement, but for `changes` ('fields' changes some of the type's fields)."""
    fields = {"speaker": "lavrov", "issue": "european-peacekeepers", "stance": "opposes",
              **changes.pop("fields", {})}
    draft = Draft(type="statement_made", when="2025-02-18", summary="Lavrov speaks",
                  tracks=["ukraine-settlement"], fields={k: v for k, v in fields.items() if v is not None})
    return replace(draft, **changes)


def refused(draft: Draft) -> list[Problem]:
    with pytest.raises(InvalidEvents) as caught:
        build_event(draft)
    return caught.value.problems


def test_plain_words_for_an_id_say_what_is_allowed_and_what_was_given():
    [problem] = refused(statement(tracks=["Ukraine settlement"]))
    assert problem.field == "tracks.0"
    assert plain_problem(problem) == BAD_TRACK


@pytest.mark.parametrize(("draft", "field", "message"), [
    (statement(summary=""), "summary", "must not be empty"),
    (statement(summary="x" * 501), "summary", "at most 500 characters; got 501"),
    (statement(tracks=[]), "tracks", "at least one is required"),
    (statement(fields={"stance": "maybe"}), "stance",
     "one of 'supports', 'opposes', 'conditional' or 'neutral'; got 'maybe'"),
    (statement(fields={"issue": None}), "issue", "required field is missing"),
    (statement(location="Riyadh\x00"), "location", "text must not contain NUL bytes"),
    (statement(sources=[SourceDraft("TASS"), SourceDraft(url="https://x")]), "sources.1.outlet",
     "a source needs its outlet (e.g. 'Reuters')"),
    (statement(sources=[SourceDraft("TASS", published="Feb 2025")]), "sources.0.published",
     ("a published date is one day, and 'Feb 2025' means Feb 2025 (2025-02-01..2025-02-28, precision month): "
      "give the day the source was published, e.g. '18 Feb 2025' (leave it empty if unknown)")),
    (statement(when=""), "when", "required, e.g. 'yesterday', '2025-02-18'"),
])
def test_plain_words_for_every_kind_of_problem(draft, field, message):
    [problem] = refused(draft)
    assert (problem.field, problem.message) == (field, message)


@pytest.mark.parametrize(("sources", "stated", "stored"), [
    ([], None, "unverified"),  # no source, no status stated
    ([SourceDraft()], None, "unverified"),  # a form's blank source block is no source
    ([SourceDraft("TASS")], None, "confirmed"),
    ([], "confirmed", "confirmed"),  # stated: the person's call
    ([SourceDraft("TASS")], "reported", "reported"),
])
def test_the_status_not_stated_follows_the_sources(sources, stated, stored):
    event = build_event(replace(statement(), sources=sources, status=stated))
    assert event.status == stored and len(event.sources) == len([s for s in sources if s.outlet])


def test_sources_are_stored_in_order_and_blank_blocks_left_out():
    event = build_event(statement(sources=[SourceDraft("TASS", via="Russia Matters", quote=" as said "),
                                           SourceDraft(), SourceDraft("Reuters", published="19 Feb 2025")]))
    assert [(s.outlet, s.via, s.quote) for s in event.sources] == [("TASS", "Russia Matters", " as said "),
                                                                    ("Reuters", None, None)]
    assert str(event.sources[1].published) == "2025-02-19"
    # A problem in the third block is named by its place in the draft, not in the stored list.
    [problem] = refused(statement(sources=[SourceDraft("A"), SourceDraft(), SourceDraft("B", url="x" * 2001)]))
    assert problem.field == "sources.2.url" and field_label(problem.field) == "Source 3 URL"


def test_every_problem_is_found_at_once_and_none_twice():
    problems = refused(statement(when="someday soon", tracks=["Ukraine"], fields={"speaker": "Sergei Lavrov"}))
    assert [p.field for p in problems] == ["when", "tracks.0", "speaker"]  # not 'actors.0' again


def test_numbers_and_bounds_in_plain_words():
    draft = Draft(type="meeting_held", when="2025-02-18", summary="Met", tracks=["t"],
                  fields={"meeting": "m", "title": "T", "duration_hours": "-2"})
    [problem] = refused(draft)
    assert plain_problem(problem) == "Duration hours: more than 0; got -2.0"
    with pytest.raises(ValidationError) as caught:
        EVENT_ADAPTER.validate_python({"type": "statement_made", "extra": 1})
    messages = {p.field: p.message for p in problems_in(caught.value, "statement_made")}
    assert messages["extra"] == "not a field of this event type"
    assert messages["id"] == "required field is missing"
    assert not any("should" in m or "Field required" in m for m in messages.values())


@pytest.mark.parametrize(("path", "label"), [
    ("tracks.0", "Track id"), ("tracks", "Tracks"), ("actors.2", "Actor id"), ("occurred", "When it happened"),
    ("occurred.earliest", "When it happened"), ("sources.0.published", "Source published"),
    ("sources.0", "Source outlet"), ("changes.summary", "Summary"), ("on_behalf_of", "On behalf of"),
    ("commitments.1.text", "Commitment text"), ("source_via", "Source via"), (None, "The event"),
    ("sources.1.url", "Source 2 URL"), ("sources.2.published", "Source 3 published"),
])
def test_field_labels(path, label):
    assert field_label(path) == label


def test_the_command_line_says_the_same_plain_words_once(demo_db):
    run = run_tracker("log", "track-opened", "--track", "Big Track", "--when", "2025-02-18", "--summary", "Opened",
                  "--title", "A big track", db=demo_db)
    assert run.returncode == 1
    assert run.stderr.count("got 'Big Track'") == 1  # the first --track is the track opened: said once
    assert "field 'tracks.0': lower-case letters, digits, '-', '.', '_'; got 'Big Track'" in run.stderr
    assert "String should match" not in run.stderr and "nothing was written" in run.stderr


def test_plain_words_fall_back_to_the_models_words_with_what_was_given():
    assert plain_words({"type": "weird", "loc": ("x",), "msg": "Something odd", "input": "v"}) == "Something odd; got 'v'"

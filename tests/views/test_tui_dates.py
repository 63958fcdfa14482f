"""The log form's date fields show, under each, the interval the text means as it is typed: label,
days, precision, and whether it was read back (what happened) or forward (a planned date); or the
parser's reason for refusing it. Driven with Textual's pilot on a copy of the demo data."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select

from tui.app import TrackerApp
from tui.dialogs.log_event import LogEventScreen
from tui.widgets.date_field import DateField
from tui_helpers import SIZE, async_test, screen_text, settle


def preview(form: LogEventScreen, field: str) -> str:
    """The line under a date input, as rendered."""
    return str(form.query_one(f"#df-{field}", DateField).preview.render())


async def open_form(app: TrackerApp, pilot: object, etype: str) -> LogEventScreen:
    await settle(pilot)
    await pilot.press("n")  # type: ignore[attr-defined]
    await settle(pilot)
    form = app.screen
    assert isinstance(form, LogEventScreen)
    form.query_one("#f-type", Select).value = etype
    await settle(pilot)
    return form


async def type_into(pilot: object, form: LogEventScreen, input_id: str, text: str) -> None:
    """Type as a person would, a key at a time (the preview follows every keystroke)."""
    field = form.query_one(f"#{input_id}", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)  # type: ignore[attr-defined]
    await settle(pilot)


@async_test
async def test_planned_thursday_previews_the_thursday_ahead(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot, "meeting_scheduled")
        await type_into(pilot, form, "f-reported_on", "2025-02-18")  # a Tuesday
        await type_into(pilot, form, "t-planned", "Thursday")
        planned = preview(form, "planned")
        assert planned.startswith("= 20 Feb 2025  Thu 20 Feb 2025 · a day · EDTF 2025-02-20")
        assert "looked forward from the report day Tue 18 Feb 2025 (a planned date)" in planned
        assert "= 20 Feb 2025  Thu 20 Feb 2025" in screen_text(app)  # on screen, under the field
        # the same word for when it was announced (it happened) looks back
        await type_into(pilot, form, "f-when", "Thursday")
        when = preview(form, "when")
        assert when.startswith("= 13 Feb 2025") and "looked back from the report day" in when
        assert "= 13 Feb 2025  Thu 13 Feb 2025" in screen_text(app)
        # the preview follows the typing: a span, with its days and precision
        await type_into(pilot, form, "t-planned", "late February")
        planned = preview(form, "planned")
        assert planned.startswith("= late Feb 2025  Fri 21 – Fri 28 Feb 2025 · part of a month · EDTF 2025-02-21/2025-02-28")
        assert "looked forward" in planned
        # an absolute date is read as written
        await type_into(pilot, form, "t-planned", "2025-03-10")
        assert preview(form, "planned").endswith("· as written")
        # changing the report day re-reads it
        await type_into(pilot, form, "t-planned", "Thursday")
        await type_into(pilot, form, "f-reported_on", "2025-02-21")
        assert preview(form, "planned").startswith("= 27 Feb 2025")
        # and logging stores what the preview said
        form.query_one("#t-meeting", Input).value = "riyadh-2"
        form.query_one("#t-title", Input).value = "Riyadh, second round"
        form.query_one("#f-summary", Input).value = "A second round is set"
        form.query_one("#f-tracks", Input).value = "ukraine-settlement"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)
        last = app.tracker.events(limit=1)[0].stored.event
        assert last.planned.earliest.isoformat() == "2025-02-27"  # type: ignore[union-attr]


@async_test
async def test_a_postponements_dates_look_forward(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot, "meeting_postponed")
        await type_into(pilot, form, "f-reported_on", "2025-02-18")
        await type_into(pilot, form, "t-to_date", "14 Feb")
        to_date = preview(form, "to_date")
        assert to_date.startswith("= 14 Feb 2026") and "looked forward" in to_date


@async_test
async def test_a_bad_date_previews_the_parsers_reason(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(app, pilot, "meeting_scheduled")
        await type_into(pilot, form, "t-planned", "Dec 9999")
        field = form.query_one("#df-planned", DateField)
        assert field.preview.has_class("-error") and field.occurred is None
        assert "outside the years this tracker reads (1800 to 2200)" in preview(form, "planned")
        assert "outside the years this tracker reads" in screen_text(app)
        # fixed as the user types on: the error gives way to the reading
        await type_into(pilot, form, "t-planned", "Dec 2025")
        assert not field.preview.has_class("-error")
        assert preview(form, "planned").startswith("= Dec 2025")
        # a source's published date is one day: a month is refused, under the field
        await type_into(pilot, form, "f-source_published", "Feb 2025")
        published = form.query_one("#df-source_published", DateField)
        assert published.preview.has_class("-error")
        assert "a published date is one day" in preview(form, "source_published")
        await type_into(pilot, form, "f-source_published", "18 Feb 2025")
        assert preview(form, "source_published").startswith("= 18 Feb 2025")


def test_correcting_a_planned_date_reads_it_forward_like_the_log_form():
    from datetime import date

    from tui.dialogs.correction import convert

    today = date.today()
    back = convert("date", "Thursday")
    ahead = convert("date", "Thursday", ahead=True)
    assert back["earliest"] <= today.isoformat() <= ahead["earliest"]
    assert date.fromisoformat(ahead["earliest"]).weekday() == 3 == date.fromisoformat(back["earliest"]).weekday()

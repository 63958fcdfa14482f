"""The command line and the terminal UI tell the same story: both views of one log, side by side.

- The TUI's track Timeline is the service's timeline, row for row `tracker timeline --json`, on the
  demo and on a generated log full of corrections and retractions.
- A date option means one thing in every spelling: `--from "week of 10 Feb 2025"` is
  `--from 2025-02-10`.
- Every list of events shows each event as known at the moment viewed: corrected text marked,
  retracted events marked, claim status as amended (`tracker events` and the TUI's event log).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from events.dates import bound_day, known_at
from tracker.bench.synthetic import write_jsonl
from tracker.cli import cli
from tracker.cli.common import to_json
from tracker.service import EventFilter, Moment, Tracker
from tui.app import TrackerApp
from tui.widgets.event_list import EventList
from tui.widgets.track.timeline import TimelineTable
from tui_helpers import DEMO_EVENTS, SIZE, async_test, screen_text, settle

TRACK = "ukraine-settlement"


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def cli_json(db: Path, *args: str) -> Any:
    return json.loads(run(db, *args, "--json"))


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic log of every event type, with corrections and retractions, on a few tracks."""
    folder = tmp_path_factory.mktemp("generated")
    source = folder / "log.jsonl"
    write_jsonl(source, 1500, seed=5, tracks=4)
    db = folder / "log.db"
    with Tracker.open(db) as tracker:
        tracker.import_file(source)
    return db


def busiest_amended_track(db: Path) -> str:
    """The track with the most events that corrections or retractions bear on."""
    with Tracker.open(db) as tracker:
        amended = tracker.events(EventFilter(types=("correction", "retraction")), limit=10_000)
        counts: Counter[str] = Counter(t for row in amended for t in row.event.tracks)
    assert counts, "the generated log should hold corrections and retractions"
    return counts.most_common(1)[0][0]


async def tui_timeline(db: Path, track: str, moment: Moment = Moment()) -> list[dict[str, Any]]:
    """The rows of the TUI's Timeline tab for `track`, oldest first (as the CLI prints them)."""
    app = TrackerApp(db, poll=False, verify=False, isolate=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if moment:
            app.moment = moment
            await settle(pilot)
        await app.open_track(track)
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("o")  # oldest first, as `tracker timeline` prints them
        await settle(pilot)
        table = app.screen.query_one("#timeline-list", TimelineTable)
        shown = [to_json(entry) for entry in table.entries]  # as --json renders them (dates with EDTF)
        assert table.row_count == len(shown)
        return shown


@async_test
async def test_the_tui_track_timeline_is_tracker_timeline_on_the_demo(demo_db: Path) -> None:
    expected = cli_json(demo_db, "timeline", TRACK, "--limit", "0")
    # The retracted and the record-keeping events are not happenings.
    demo = [json.loads(line) for line in (Path(__file__).parents[2] / "tracker/data/demo.jsonl").open(encoding="utf-8")]
    retracted = {e["target"] for e in demo if e["type"] == "retraction"}
    assert expected and retracted and not retracted & {e["event_id"] for e in expected}
    assert not {e["type"] for e in expected} & {"correction", "retraction", "actor_described"}
    shown = await tui_timeline(demo_db, TRACK)
    assert shown == expected
    grand = [e for e in shown if "Camille Grand" in e["summary"]]
    assert grand and all(e["corrected"] for e in grand)  # the corrected name, marked
    assert not any("Camile Grant" in e["summary"] for e in shown)


@async_test
async def test_the_tui_track_timeline_is_tracker_timeline_as_known_then(demo_db: Path) -> None:
    """On 18 Feb, as known that evening: before the correction and the retraction of the 19th."""
    moment = Moment(as_of=date(2025, 2, 18), known_at=known_at("2025-02-18"))
    expected = cli_json(demo_db, "timeline", "european-role", "--limit", "0", "--as-of", "2025-02-18",
                        "--known-at", "2025-02-18")
    shown = await tui_timeline(demo_db, "european-role", moment)
    assert shown == expected
    assert not any(e["corrected"] for e in shown)


@async_test
async def test_the_tui_track_timeline_is_tracker_timeline_on_a_generated_log(generated_db: Path) -> None:
    track = busiest_amended_track(generated_db)
    expected = cli_json(generated_db, "timeline", track, "--limit", "0")
    assert any(e["corrected"] for e in expected)
    shown = await tui_timeline(generated_db, track)
    assert shown == expected


# -- dates ------------------------------------------------------------------------------------
def test_from_week_of_10_feb_and_from_10_feb_list_the_same_events(demo_db: Path) -> None:
    week = cli_json(demo_db, "events", "--from", "week of 10 Feb 2025", "--limit", "0")
    day = cli_json(demo_db, "events", "--from", "2025-02-10", "--limit", "0")
    assert [e["id"] for e in week] == [e["id"] for e in day]
    assert len(day) == DEMO_EVENTS
    later = cli_json(demo_db, "events", "--from", "week of 17 Feb 2025", "--limit", "0")
    assert [e["id"] for e in later] == [e["id"] for e in cli_json(demo_db, "events", "--from", "17 Feb 2025",
                                                                   "--limit", "0")]
    assert len(later) < len(day)


@pytest.mark.parametrize(("spellings", "first", "last"), [
    (("week of 10 Feb 2025", "2025-02-10..2025-02-16"), date(2025, 2, 10), date(2025, 2, 16)),
    (("Feb 2025", "February 2025"), date(2025, 2, 1), date(2025, 2, 28)),
    (("18 Feb 2025", "2025-02-18", "February 18, 2025"), date(2025, 2, 18), date(2025, 2, 18)),
])
def test_every_date_option_has_one_meaning_in_every_spelling(spellings: tuple[str, ...], first: date,
                                                               last: date) -> None:
    for text in spellings:
        assert bound_day(text, "from") == first, text
        assert bound_day(text, "to") == bound_day(text, "as_of") == last, text
        end = known_at(text)
        assert end.date() == last and (end.hour, end.minute, end.second) == (23, 59, 59), text


def test_to_and_as_of_take_the_last_day_of_a_phrase(demo_db: Path) -> None:
    through_week = cli_json(demo_db, "events", "--to", "week of 10 Feb 2025", "--limit", "0")
    through_sunday = cli_json(demo_db, "events", "--to", "2025-02-16", "--limit", "0")
    assert [e["id"] for e in through_week] == [e["id"] for e in through_sunday]
    week = run(demo_db, "status", TRACK, "--as-of", "week of 10 Feb 2025")
    sunday = run(demo_db, "status", TRACK, "--as-of", "16 Feb 2025")
    assert week == sunday


# -- lists of events as known ------------------------------------------------------------------
def test_tracker_events_shows_corrected_text_and_marks_retractions(demo_db: Path) -> None:
    rows = {e["id"]: e for e in cli_json(demo_db, "events", "--limit", "0")}
    corrected = [e for e in rows.values() if e["corrected"]]
    retracted = [e for e in rows.values() if e["retracted"]]
    assert corrected and all("Camile Grant" not in e["summary"] for e in corrected)
    assert any("Camille Grand" in e["summary"] for e in corrected)
    assert [e["summary"] for e in retracted] == ["Camile Grant: ECFR commentator"]
    text = run(demo_db, "events", "--limit", "0")
    line = next(line for line in text.splitlines() if "Camile Grant: ECFR commentator" in line)
    assert "RETRACTED" in line
    assert any("[corrected] Camille Grand" in line for line in text.splitlines())
    timeline = run(demo_db, "timeline", "ukraine-settlement", "--limit", "0")
    assert any("[corrected] Camille Grand" in line for line in timeline.splitlines())  # the same mark
    # as known before the correction and the retraction were logged (19 Feb): as logged then
    before = {e["id"]: e for e in cli_json(demo_db, "events", "--limit", "0", "--known-at", "2025-02-18")}
    assert not any(e["corrected"] or e["retracted"] for e in before.values())
    assert any("Camile Grant" in e["summary"] for e in before.values())


def test_tracker_events_shows_claim_status_as_amended(demo_db: Path) -> None:
    rows = cli_json(demo_db, "events", "--limit", "0")
    changed = [e for e in rows if e["claim_status"] != e["status"]]
    assert changed  # the demo disputes and denies claims after they were logged
    for e in changed:
        assert e["type"] != "claim_status_changed"


@async_test
async def test_the_tui_event_log_shows_corrected_text_and_marks_retractions(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=False, verify=False, isolate=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        rows = {row.id: row for row in app.screen.query_one(EventList).rows}
        cli_rows = {e["id"]: e for e in cli_json(demo_db, "events", "--limit", "0")}
        assert rows.keys() == cli_rows.keys()
        for eid, row in rows.items():
            assert (row.corrected, row.retracted, row.claim_status, row.event.summary) == (
                cli_rows[eid]["corrected"], cli_rows[eid]["retracted"], cli_rows[eid]["claim_status"],
                cli_rows[eid]["summary"]), eid
        text = screen_text(app)
        line = next(line for line in text.splitlines() if "Camile Grant: ECFR" in line)
        assert "retracted" in line
        assert "corrected Camille Grand" in text
        # the detail of the retracted event says so
        retracted = next(row for row in rows.values() if row.retracted)
        lst = app.screen.query_one(EventList)
        lst.select_position(retracted.position)
        await settle(pilot)
        assert "RETRACTED" in screen_text(app) and "no view counts it" in screen_text(app)


@async_test
async def test_a_retraction_logged_elsewhere_marks_the_row_already_on_screen(demo_db: Path) -> None:
    app = TrackerApp(demo_db, poll=True, verify=False, isolate=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lst = app.screen.query_one(EventList)
        target = next(row for row in lst.rows if row.event.type == "statement_made" and not row.retracted)
        result = CliRunner().invoke(cli, [
            "--db", str(demo_db), "log", "retraction", "--when", "2025-02-20", "--track", TRACK,
            "--summary", "Retracted: misattributed", "--target", target.id, "--reason", "misattributed"])
        assert result.exit_code == 0, result.output
        for _ in range(30):  # the poll notices within a second or two
            await pilot.pause(0.1)
            await app.workers.wait_for_complete()
            if any(row.retracted for row in lst.rows if row.id == target.id):
                break
        assert next(row for row in lst.rows if row.id == target.id).retracted


"""Dates at the very edges of the years the tracker reads (events.occurred: FLOOR 1 Jan 1800 to
CEILING 31 Dec 2200), and dates past them.

A log holding events dated, published and recorded at both edges (some imported, some logged
through the command line: a day at each edge, the whole span, open ranges stored with FLOOR and
CEILING, a meeting planned for the last day) is read by every view, now and at both edges on both
time axes, and by the terminal UI: each exits 0 with sane output, and the read model agrees with
the reference replay. Anything outside the years (an occurred, published or recorded_at date of
an imported line, a phrase such as "Dec 9999", an --as-of or --known-at option, a date typed in
the TUI's time-travel dialog) is refused with a clear message, and the log is left as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.widgets import Input, OptionList

from events.occurred import CEILING, FLOOR
from gen import event_id
from projections.moment import Moment
from projections.records import Ev, normalise
from projections.replay import replay_track
from tracker.cli import cli
from tracker.service import Tracker
from tui.app import TrackerApp
from tui.dialogs.jump import JumpScreen
from tui.screens.actors import ActorsScreen
from tui.screens.diff import DiffScreen
from tui.screens.events import EventLogScreen
from tui.screens.track import TrackScreen
from tui.widgets.event_list import EventList
from tui_helpers import SIZE, async_test, screen_text, settle, travel

pytestmark = pytest.mark.slow

LO, HI = FLOOR.isoformat(), CEILING.isoformat()  # 1800-01-01, 2200-12-31
FIRST_INSTANT = f"{LO}T00:00:00.000000Z"
LAST_INSTANT = f"{HI}T23:59:59.999999Z"
TRACK = "edge"
TRACKER_BIN = Path(sys.executable).with_name("tracker")

# Every moment a view is asked for: now, and each edge on each axis, alone and crossed.
MOMENTS: list[tuple[str, ...]] = [
    (),
    ("--as-of", LO), ("--as-of", HI),
    ("--known-at", LO), ("--known-at", HI),
    ("--as-of", LO, "--known-at", HI), ("--as-of", HI, "--known-at", LO),
]
KNOWN_ONLY: list[tuple[str, ...]] = [(), ("--known-at", LO), ("--known-at", HI)]


def day(d: str) -> dict[str, str]:
    return {"earliest": d, "latest": d, "precision": "day"}


def span(a: str, b: str) -> dict[str, str]:
    return {"earliest": a, "latest": b, "precision": "range"}


def imported_bodies() -> list[dict[str, Any]]:
    """Events dated, published and recorded at the edges, as an import file holds them."""
    ids = [event_id("extreme-dates", n) for n in range(10)]
    return [
        {"id": ids[0], "type": "track_opened", "occurred": day(LO), "recorded_at": FIRST_INSTANT,
         "tracks": [TRACK], "summary": "The edge track is opened on the first day", "track": TRACK,
         "title": "Edge of time", "agenda": ["peace"],
         "sources": [{"outlet": "Gazette", "published": LO}]},
        {"id": ids[1], "type": "actor_described", "occurred": day(LO), "recorded_at": FIRST_INSTANT,
         "tracks": [TRACK], "actors": ["lavrov"], "summary": "Sergei Lavrov", "actor": "lavrov",
         "name": "Sergei Lavrov", "kind": "person", "affiliation": "rus"},
        {"id": ids[2], "type": "statement_made", "occurred": span(LO, HI), "recorded_at": FIRST_INSTANT,
         "tracks": [TRACK], "actors": ["macron"], "summary": "Macron supports peace, some time or other",
         "speaker": "macron", "issue": "peace", "stance": "supports"},
        {"id": ids[3], "type": "meeting_scheduled", "occurred": day(LO), "recorded_at": FIRST_INSTANT,
         "tracks": [TRACK], "actors": ["usa", "rus"], "summary": "The last summit is set for the last day",
         "meeting": "last-summit", "title": "The last summit", "planned": day(HI),
         "participants": ["usa", "rus"]},
        {"id": ids[4], "type": "statement_made", "occurred": day(HI), "recorded_at": LAST_INSTANT,
         "tracks": [TRACK], "actors": ["lavrov"], "summary": "Lavrov opposes peace on the last day",
         "speaker": "lavrov", "issue": "peace", "stance": "opposes",
         "sources": [{"outlet": "TASS", "published": HI}]},
        {"id": ids[5], "type": "proposal_tabled", "occurred": day(LO), "recorded_at": "1800-01-02T12:00:00.000000Z",
         "tracks": [TRACK], "actors": ["usa"], "summary": "A plan is tabled", "proposal": "plan",
         "proposer": ["usa"], "title": "The plan"},
        {"id": ids[6], "type": "claim_status_changed", "occurred": day(HI), "recorded_at": LAST_INSTANT,
         "tracks": [TRACK], "summary": "The plan is disputed on the last day", "target": ids[5],
         "new_status": "disputed"},
        {"id": ids[7], "type": "correction", "occurred": day(HI), "recorded_at": LAST_INSTANT,
         "tracks": [TRACK], "summary": "The plan was tabled on the last day", "target": ids[5],
         "changes": {"occurred": day(HI)}, "reason": "misdated"},
        {"id": ids[8], "type": "statement_made", "occurred": span(LO, "2025-03-10"),
         "recorded_at": "2200-06-01T00:00:00.000000Z", "tracks": [TRACK], "actors": ["rubio"],
         "summary": "Rubio is wary, until 10 Mar 2025", "speaker": "rubio", "issue": "peace",
         "stance": "conditional"},
        {"id": ids[9], "type": "retraction", "occurred": day(HI), "recorded_at": LAST_INSTANT,
         "tracks": [TRACK], "summary": "Rubio's statement withdrawn", "target": ids[8],
         "reason": "never said"},
    ]


def jsonl(bodies: Sequence[dict[str, Any]]) -> str:
    return "".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies)


def run(db: Path, *args: str, code: int = 0, input: str | None = None) -> str:
    """A command in this process; an exception escaping it fails the test (no traceback allowed)."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=input, catch_exceptions=False)
    assert result.exit_code == code, f"{args}: exit {result.exit_code}\n{result.output}"
    return result.output


# The same events, logged through the command line as a user would type them.
LOGGED: list[tuple[str, ...]] = [
    ("statement-made", "--when", HI, "--speaker", "peskov", "--issue", "peace", "--stance", "opposes",
     "--summary", "Peskov opposes, on the last day", "--source", "TASS", "--published", HI),
    ("statement-made", "--when", LO, "--speaker", "peskov", "--issue", "truce", "--stance", "neutral",
     "--summary", "Peskov is neutral, on the first day", "--source", "Gazette", "--published", LO),
    ("statement-made", "--when", f"{LO}..{HI}", "--speaker", "witkoff", "--issue", "truce",
     "--stance", "supports", "--summary", "Witkoff supports a truce, some time or other"),
    ("statement-made", "--when", "until 2025-03-10", "--speaker", "erdogan", "--issue", "truce",
     "--stance", "conditional", "--summary", "Erdogan is wary, until 10 Mar 2025"),
    ("statement-made", "--when", "from 2025-03-10 on", "--speaker", "zelensky", "--issue", "truce",
     "--stance", "supports", "--summary", "Zelensky supports a truce from 10 Mar 2025 on"),
    ("meeting-scheduled", "--when", LO, "--meeting", "final-talks", "--title", "Final talks",
     "--planned", HI, "--participants", "usa,ukr", "--summary", "Final talks set for the last day"),
    ("meeting-scheduled", "--when", "30 Dec 2200", "--meeting", "late-talks", "--title", "Late talks",
     "--planned", "31 Dec 2200", "--summary", "Late talks set for the last day"),
    ("meeting-postponed", "--when", HI, "--meeting", "late-talks", "--from-date", HI,
     "--summary", "Late talks postponed sine die"),
    ("track-status-changed", "--when", "2200-12-31 23:59 UTC", "--new-status", "active",
     "--summary", "The track becomes active in its last minute"),
]

OUT_OF_YEARS = "outside the years this tracker reads (1800 to 2200)"


@pytest.fixture(scope="module")
def edge_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log of events at the edges: imported (dated, published and recorded there), then logged."""
    folder = tmp_path_factory.mktemp("extreme")
    db, data = folder / "edge.db", folder / "edge.jsonl"
    data.write_text(jsonl(imported_bodies()), encoding="utf-8")
    assert "imported 10 events" in run(db, "import", str(data))
    for args in LOGGED:
        # Stated: without a source and a --status an event is stored 'unverified' (issue 18).
        stated = () if "--source" in args else ("--status", "confirmed")
        out = run(db, "log", args[0], "--track", TRACK, *args[1:], *stated)
        assert "logged" in out, out
    assert "31 Dec 2200" in run(db, "status", TRACK)
    return db


def copy_of(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / db.name
    for suffix in ("", "-wal", "-shm"):
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copyfile(source, target.with_name(target.name + suffix))
    return target


def snapshot(db: Path) -> tuple[str, str]:
    """(head, the whole export): what must not change when a write is refused."""
    return run(db, "verify"), run(db, "export")


# -- storing: what is at the edges is kept exactly --------------------------------------------
def test_the_edges_are_stored_as_given(edge_log: Path) -> None:
    bodies = [json.loads(line) for line in run(edge_log, "export").splitlines()][:-1]  # the last gives the head
    assert len(bodies) == 10 + len(LOGGED)
    imported = {b["id"]: b for b in imported_bodies()}
    for body in bodies[:10]:  # an import keeps every date, and the recording time, as given
        given = imported[body["id"]]
        assert body["occurred"]["earliest"] == given["occurred"]["earliest"]
        assert body["occurred"]["latest"] == given["occurred"]["latest"]
        assert body["recorded_at"] == given["recorded_at"]
        assert [s.get("published") for s in body["sources"]] == [s.get("published") for s in given.get("sources", [])]
    logged = bodies[10:]
    assert [b["occurred"]["earliest"] for b in logged[:5]] == [HI, LO, LO, LO, "2025-03-10"]
    assert [b["occurred"]["latest"] for b in logged[:5]] == [HI, LO, HI, "2025-03-10", HI]
    assert [b["sources"][0]["published"] for b in logged[:2]] == [HI, LO]
    assert logged[5]["planned"]["earliest"] == HI and logged[6]["planned"]["latest"] == HI
    assert logged[8]["occurred"]["time"] == "23:59:00Z"  # given in UTC: kept so


def test_an_export_of_the_edges_reimports_with_the_same_hashes(edge_log: Path, tmp_path: Path) -> None:
    exported = tmp_path / "edge.jsonl"
    run(edge_log, "export", "-o", str(exported))
    again = tmp_path / "again.db"
    run(again, "import", str(exported))
    assert run(again, "verify") == run(edge_log, "verify")
    assert run(again, "export") == run(edge_log, "export")


# -- every view, at every moment --------------------------------------------------------------
VIEWS: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = [
    (("status",), MOMENTS),
    (("status", "--json"), MOMENTS),
    (("status", TRACK), MOMENTS),
    (("status", TRACK, "--json"), MOMENTS),
    (("timeline",), MOMENTS),
    (("timeline", TRACK, "--from", LO, "--to", HI, "--limit", "0"), MOMENTS),
    (("timeline", TRACK, "--from", HI, "--json"), MOMENTS),
    (("timeline", TRACK, "--to", LO), MOMENTS),
    (("events", "--limit", "0"), KNOWN_ONLY),
    (("events", "--from", LO, "--to", HI, "--oldest-first", "--limit", "0"), KNOWN_ONLY),
    (("events", "--from", HI, "--json"), KNOWN_ONLY),
    (("events", "--to", LO, "--track", TRACK), KNOWN_ONLY),
    (("events", "--from", HI, "--to", HI, "--text", "last"), KNOWN_ONLY),
    (("diff", TRACK, LO, HI), KNOWN_ONLY),
    (("diff", TRACK, HI, LO, "--json"), KNOWN_ONLY),
    (("diff", TRACK, "31 Dec 2200", "2200-12-30"), KNOWN_ONLY),
    (("why", TRACK, "stances"), MOMENTS),
    (("why", TRACK, "meetings"), MOMENTS),
    (("why", TRACK, "status", "--json"), MOMENTS),
    (("why", TRACK, "proposals"), [(), ("--as-of", HI), ("--known-at", HI)]),
    (("why", TRACK, "proposals", "plan"), [(), ("--as-of", HI), ("--known-at", HI)]),
    (("brief",), MOMENTS),
    (("brief", "--json"), MOMENTS),
]


@pytest.mark.parametrize(("command", "moments"), VIEWS, ids=[" ".join(c) for c, _ in VIEWS])
def test_every_view_reads_the_edges_at_every_moment(edge_log: Path, command: tuple[str, ...],
                                                     moments: list[tuple[str, ...]]) -> None:
    for moment in moments:
        out = run(edge_log, *command, *moment)
        assert out.strip(), (command, moment)
        assert "Traceback" not in out and "error" not in out.lower().split("\n")[0], (command, moment, out)
        if "--json" in command:
            json.loads(out)


def test_status_and_timeline_say_what_stood_at_each_edge(edge_log: Path) -> None:
    now = run(edge_log, "status", TRACK)
    assert "Edge of time" in now and "Status: active since 31 Dec 2200 23:59 UTC" in now
    assert "The last summit: scheduled for 31 Dec 2200" in now
    assert "Final talks: scheduled for 31 Dec 2200" in now
    assert "macron: supports until 31 Dec 2200" in now  # the whole span: open at both ends
    assert "erdogan: conditional until 10 Mar 2025" in now
    assert "zelensky: supports from 10 Mar 2025 on" in now
    assert "rubio" not in now  # retracted
    assert "The plan (usa): DISPUTED" in now

    first = run(edge_log, "status", TRACK, "--as-of", LO)
    assert "as of 1 Jan 1800" in first and "exploratory since 1 Jan 1800" in first
    assert "Lavrov: opposes" not in first and "peskov: opposes" not in first  # the last day is to come
    assert "peskov: neutral 1 Jan 1800" in first
    assert "macron: supports ~until 31 Dec 2200" in first  # it may have happened already: flagged
    assert "Final talks: scheduled for 31 Dec 2200" in first
    assert "The plan" not in first  # corrected to the last day

    last = run(edge_log, "status", TRACK, "--as-of", HI)
    assert "as of 31 Dec 2200" in last and "Sergei Lavrov: opposes 31 Dec 2200" in last
    assert "Status: active since 31 Dec 2200 23:59 UTC" in last

    # As known on the first day: only what was recorded then (imported with that recording time).
    known_first = run(edge_log, "status", TRACK, "--known-at", LO)
    assert "as known on 1 Jan 1800" in known_first
    assert "macron: supports" in known_first and "The last summit" in known_first
    assert "Lavrov: opposes" not in known_first and "peskov" not in known_first
    assert "The plan" not in known_first  # recorded on 2 Jan 1800

    known_last = run(edge_log, "status", TRACK, "--known-at", HI)
    assert "Sergei Lavrov: opposes 31 Dec 2200" in known_last and "rubio" not in known_last
    assert "The plan (usa): DISPUTED" in known_last
    assert "peskov: opposes 31 Dec 2200" in known_last  # logged today, which is before 2201

    timeline = run(edge_log, "timeline", TRACK, "--limit", "0").splitlines()
    assert timeline[0].lstrip().startswith("1 Jan 1800")
    assert "31 Dec 2200" in timeline[-1]
    text = "\n".join(timeline)
    for label in ("until 31 Dec 2200", "until 10 Mar 2025", "from 10 Mar 2025 on"):
        assert label in text

    events = run(edge_log, "events", "--limit", "0", "--json")
    assert len(json.loads(events)) == 10 + len(LOGGED)


def test_why_a_fact_not_yet_there_at_the_first_day_says_so(edge_log: Path) -> None:
    # The plan was corrected to the last day: on the first day there is none, and why says so.
    for moment in (("--as-of", LO), ("--known-at", LO), ("--as-of", HI, "--known-at", LO)):
        out = run(edge_log, "why", TRACK, "proposals", *moment, code=1)
        assert out.startswith("Error: no proposals on edge ("), out
    assert "A plan is tabled" in run(edge_log, "why", TRACK, "proposals", "plan")


def test_diff_across_the_whole_span(edge_log: Path) -> None:
    out = run(edge_log, "diff", TRACK, LO, HI)
    assert "as of 1 Jan 1800 -> as of 31 Dec 2200" in out
    assert "lavrov opposes peace" in out
    changes = json.loads(run(edge_log, "diff", TRACK, LO, HI, "--json"))
    assert changes


def test_the_read_model_agrees_with_the_replay_at_the_edges(edge_log: Path) -> None:
    tracker = Tracker.open_existing(edge_log)
    try:
        events = [Ev(position, normalise(json.loads(body))) for position, body in tracker.store.iter_bodies()]
        for as_of in (None, FLOOR, CEILING, date(2025, 3, 10)):
            for known in (None, datetime.fromisoformat(FIRST_INSTANT.replace("Z", "+00:00")),
                          datetime.fromisoformat(LAST_INSTANT.replace("Z", "+00:00"))):
                moment = Moment(as_of=as_of, known_at=known)
                today = as_of or CEILING
                assert tracker._read_model().state(TRACK, moment, today) == \
                    replay_track(events, TRACK, moment, today), moment
    finally:
        tracker.close()


def test_actors_and_each_actor_at_the_edges(edge_log: Path) -> None:
    tracker = Tracker.open_existing(edge_log)
    try:
        ids = {a.id for a in tracker.actors()}
        assert {"lavrov", "macron", "peskov", "zelensky"} <= ids
        for moment in (Moment(), Moment(as_of=FLOOR), Moment(as_of=CEILING),
                       Moment(known_at=datetime.fromisoformat(FIRST_INSTANT.replace("Z", "+00:00"))),
                       Moment(as_of=CEILING, known_at=datetime.fromisoformat(LAST_INSTANT.replace("Z", "+00:00")))):
            for actor in sorted(ids):
                tracker.actor(actor, moment)  # must not raise
        assert tracker.dated_days()[0] == FLOOR and tracker.dated_days()[-1] == CEILING
    finally:
        tracker.close()


def test_export_verify_rebuild_on_the_edges(edge_log: Path, tmp_path: Path) -> None:
    db = copy_of(edge_log, tmp_path)
    before = {m: run(db, "status", TRACK, *m) for m in MOMENTS}
    assert "chain intact" in run(db, "verify")
    assert "rebuilt the read model from" in run(db, "rebuild")
    assert json.loads(run(db, "rebuild", "--json"))
    assert {m: run(db, "status", TRACK, *m) for m in MOMENTS} == before
    assert len(run(db, "export").splitlines()) == 10 + len(LOGGED) + 1  # and the head


# -- the TUI on the edges -------------------------------------------------------------------------
def errors_on(text: str) -> list[str]:
    return [line for line in text.splitlines() if "Could not" in line or "Traceback" in line]


@async_test
async def test_the_tui_shows_the_edges_everywhere_and_travels_to_them(edge_log: Path, tmp_path: Path) -> None:
    app = TrackerApp(copy_of(edge_log, tmp_path), poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Edge of time" in text and not errors_on(text), text

        await app.open_track(TRACK)
        await settle(pilot)
        assert isinstance(app.screen, TrackScreen)
        text = screen_text(app)
        assert "Edge of time" in text and "31 Dec 2200" in text and not errors_on(text), text
        for key in ("p", "r", "a", "l", "o", "v"):  # every tab of the track screen, both orders
            await pilot.press(key)
            await settle(pilot)
            assert not errors_on(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, EventLogScreen)
        rows = app.screen.query_one(EventList).rows
        assert len(rows) == 10 + len(LOGGED)  # the record: amendments and the retracted event too
        text = screen_text(app)
        assert "1 Jan 1800" in text and "31 Dec 2200" in text and not errors_on(text), text

        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ActorsScreen)
        actors = app.screen.query_one(OptionList)
        for i in range(actors.option_count):
            actors.highlighted = i
            actors.action_select()
            await settle(pilot, rounds=1)
        assert not errors_on(screen_text(app))

        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, DiffScreen)
        app.screen.query_one("#diff-from", Input).value = LO
        app.screen.query_one("#diff-to", Input).value = HI
        app.screen.action_compare()
        await settle(pilot)
        text = screen_text(app)
        assert "lavrov" in text and not errors_on(text), text

        await pilot.press("1")
        await settle(pilot)
        # Travel to each edge, on both axes, and step past the last dated day.
        for as_of, known, shown in ((LO, "", "◷ as of 1 Jan 1800"), (HI, HI, "as known on 31 Dec 2200"),
                                    (HI, LO, "as of 31 Dec 2200, as known on 1 Jan 1800")):
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, JumpScreen)
            app.screen.query_one("#j-as-of", Input).value = as_of
            app.screen.query_one("#j-known", Input).value = known
            await pilot.press("enter")
            await settle(pilot)
            text = screen_text(app)
            assert shown in text and not errors_on(text), text
            for mode in ("2", "3", "1"):
                await pilot.press(mode)
                await settle(pilot)
                assert not errors_on(screen_text(app))
        # Stepping: nothing is dated after the last day (back to now), nothing before the first.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "◷ now" in screen_text(app)
        await travel(pilot, as_of=LO)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert "◷ as of 1 Jan 1800" in screen_text(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        text = screen_text(app)
        assert "◷ as of" in text and "1 Jan 1800" not in text.splitlines()[0] and not errors_on(text)


@async_test
async def test_the_time_travel_dialog_refuses_years_outside_with_a_message(edge_log: Path, tmp_path: Path) -> None:
    app = TrackerApp(copy_of(edge_log, tmp_path), poll=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for as_of, known, said in (("9999-01-01", "", "As of"), ("Dec 9999", "", "As of"),
                                   ("1700-01-01", "", "As of"), (HI, "9999-01-01", "As known on"),
                                   ("1 Jan 1800", "1799", "As known on"), ("winter 2200-01", "", "As of")):
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, JumpScreen)
            app.screen.query_one("#j-as-of", Input).value = as_of
            app.screen.query_one("#j-known", Input).value = known
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, JumpScreen), (as_of, known)  # still open, saying why
            text = screen_text(app)
            assert f"{said}:" in text and "outside the years" in text, text
            await pilot.press("escape")
            await settle(pilot)
            assert "◷ now" in screen_text(app)


# -- refused: dates outside the years -------------------------------------------------------------
def statement_line(n: int, **changes: Any) -> dict[str, Any]:
    """A valid statement for an import file (no recording time: the import stamps it)."""
    body = {k: v for k, v in imported_bodies()[4].items() if k != "recorded_at"}
    return {**body, "id": event_id("extreme-import", n), **changes}


MEETING = {k: v for k, v in imported_bodies()[3].items() if k not in ("recorded_at", "id")}
CORRECTION = {"type": "correction", "occurred": day(HI), "tracks": [TRACK], "summary": "Redated",
              "target": event_id("extreme-dates", 4), "reason": "a typo"}
PAST_YEARS: list[tuple[str, dict[str, Any], str]] = [
    ("occurred", {"occurred": day("9999-12-31")}, "9999-12-31"),
    ("occurred", {"occurred": span("1799-12-31", LO)}, "1799-12-31"),
    ("sources.0.published", {"sources": [{"outlet": "TASS", "published": "0001-01-01"}]}, "0001-01-01"),
    ("sources.0.published", {"sources": [{"outlet": "TASS", "published": "2201-01-01"}]}, "2201-01-01"),
    ("recorded_at", {"recorded_at": "9999-12-31T00:00:00.000000Z"}, "9999-12-31"),
    ("recorded_at", {"recorded_at": "2200-12-31T23:00:00-05:00"}, "2201-01-01"),  # in UTC
    ("recorded_at", {"recorded_at": "0001-01-01T00:30:00+01:00"}, "0001-01-01"),
    ("planned", {**MEETING, "planned": day("9999-12-31")}, "9999-12-31"),
    ("", {**CORRECTION, "changes": {"occurred": day("9999-12-31")}}, "9999-12-31"),
    ("", {**CORRECTION, "changes": {"sources": [{"outlet": "TASS", "published": "0001-01-01"}]}}, "0001-01-01"),
]


@pytest.mark.parametrize(("field", "changes", "shown"), PAST_YEARS, ids=[f"{f or 'changes'}={s}" for f, _, s in PAST_YEARS])
def test_an_import_with_a_date_outside_the_years_names_the_line_and_field_and_writes_nothing(
        edge_log: Path, tmp_path: Path, field: str, changes: dict[str, Any], shown: str) -> None:
    db = copy_of(edge_log, tmp_path)
    before = snapshot(db)
    bodies = [statement_line(n) for n in range(4)]
    bodies[2] = statement_line(2, **changes)
    if bodies[2]["type"] != "statement_made":
        for key in ("speaker", "issue", "stance", "actors", "sources"):
            bodies[2].pop(key, None)
    data = tmp_path / "bad.jsonl"
    data.write_text(jsonl(bodies), encoding="utf-8")
    for how in ("file", "stdin"):
        if how == "file":
            out = run(db, "import", str(data), code=1)
        else:
            out = run(db, "import", "-", code=1, input=data.read_text(encoding="utf-8"))
        assert "nothing was written" in out and "Traceback" not in out, out
        line = next((x for x in out.splitlines() if "line 3" in x), "")
        assert f"field '{field}" in line and shown in out and OUT_OF_YEARS in out, out
        assert "line 1" not in out and "line 2" not in out and "line 4" not in out
        assert snapshot(db) == before
    # The same lines without the bad one are imported.
    data.write_text(jsonl(bodies[:2] + bodies[3:]), encoding="utf-8")
    assert "imported 3 events" in run(db, "import", str(data))


def test_an_import_from_the_issue_line_3_dated_9999_12_31(tmp_path: Path) -> None:
    """The issue's case, on a new log: line 3 dated 9999-12-31 is refused by its number."""
    db = tmp_path / "new.db"
    bodies = [dict(b, id=event_id("issue-case", n)) for n, b in enumerate(imported_bodies()[:4])]
    bodies[2]["occurred"] = day("9999-12-31")
    data = tmp_path / "issue.jsonl"
    data.write_text(jsonl(bodies), encoding="utf-8")
    out = run(db, "import", str(data), code=1)
    assert "line 3: field 'occurred'" in out and "9999-12-31" in out and OUT_OF_YEARS in out, out
    assert not db.exists() or run(db, "events", "--json", "--limit", "0").strip() in ("[]", "")


@pytest.mark.parametrize("args", [
    ("--when", "Dec 9999"),
    ("--when", "9999-12-31"),
    ("--when", "1799-12-31"),
    ("--when", "winter 2200-01"),  # December 2200 to February 2201: runs past the last year
    ("--when", "tomorrow", "--reported-on", HI),
    ("--when", "around 31 Dec 2200"),
    ("--when", HI, "--source", "TASS", "--published", "0001-01-01"),
    ("--when", HI, "--source", "TASS", "--published", "Dec 9999"),
])
def test_logging_a_date_outside_the_years_is_refused_and_writes_nothing(
        edge_log: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    db = copy_of(edge_log, tmp_path)
    before = snapshot(db)
    result = CliRunner().invoke(cli, [
        "--db", str(db), "log", "statement-made", "--track", TRACK, "--speaker", "lavrov",
        "--issue", "peace", "--stance", "opposes", "--summary", "A typo", *args])
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "outside the years this tracker reads (1800 to 2200)" in result.output, result.output
    assert "Traceback" not in result.output
    assert snapshot(db) == before


def test_dec_9999_from_the_real_command_line(edge_log: Path, tmp_path: Path) -> None:
    """The issue's report, through the installed `tracker` script: a clear error, no traceback,
    the log unchanged, and every --known-at query still works."""
    db = copy_of(edge_log, tmp_path)
    before = snapshot(db)
    proc = subprocess.run(
        [str(TRACKER_BIN), "--db", str(db), "log", "statement-made", "--when", "Dec 9999", "--track", TRACK,
         "--speaker", "lavrov", "--issue", "peace", "--stance", "opposes", "--summary", "Typo"],
        capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode != 0
    assert "year 9999" in proc.stderr and OUT_OF_YEARS in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert snapshot(db) == before
    assert "as known on 31 Dec 2200" in run(db, "status", TRACK, "--known-at", HI)


@pytest.mark.parametrize("command", [("status",), ("status", TRACK), ("timeline",), ("why", TRACK, "stances"),
                                     ("brief",), ("events",), ("diff", TRACK, LO, HI)])
@pytest.mark.parametrize("option", [("--as-of", "9999-01-01"), ("--known-at", "9999-01-01"),
                                    ("--as-of", "1700-01-01"), ("--known-at", "1799-12-31"),
                                    ("--as-of", "Dec 9999"), ("--from", "9999-01-01"), ("--to", "0001-01-01")])
def test_a_moment_outside_the_years_is_a_clear_usage_error(edge_log: Path, command: tuple[str, ...],
                                                          option: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, ["--db", str(edge_log), *command, *option])
    if "No such option" in result.output:
        return  # the command does not take this option
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert f"Invalid value for {option[0]}" in result.output and OUT_OF_YEARS in result.output, result.output


@pytest.mark.parametrize("days", [("9999-01-01", HI), (LO, "1799-12-31")])
def test_diff_days_outside_the_years_are_a_clear_usage_error(edge_log: Path, days: tuple[str, str]) -> None:
    result = CliRunner().invoke(cli, ["--db", str(edge_log), "diff", TRACK, *days])
    assert result.exit_code == 2 and OUT_OF_YEARS in result.output, result.output

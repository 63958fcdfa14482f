"""Filtering the event list: on the record as it stood at the moment viewed, never on text a
correction replaced or a claim status a later event changed; and the one rule behind both the
stores' SQL and the service's check of amended events (tracker.store.base.matches)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from events import new_id
from events.dates import known_at
from run_cli import tracker as run_tracker
from tracker.service import EventFilter, Moment, Tracker
from tracker.store.base import matches


def _at(day: str) -> str:
    return f"{day}T12:00:00.000000Z"


def _log(path: Path, body: Callable[..., dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Statements, one corrected (summary on 20 Feb, track and date on 21 Feb) and one whose
    claim is confirmed later (22 Feb); enough plain ones around them to need several pages."""
    plain = [body(summary=f"Routine briefing {i}", recorded_at=_at("2025-02-18")) for i in range(12)]
    fixed = body(summary="Lavrov met Rubio in Riyadh", recorded_at=_at("2025-02-18"))
    rumour = body(summary="A summit is being prepared", status="reported", recorded_at=_at("2025-02-18"))
    later = [body(summary=f"Later briefing {i}", recorded_at=_at("2025-02-19")) for i in range(12)]
    acts = [
        {"id": new_id(), "type": "correction", "occurred": fixed["occurred"], "tracks": fixed["tracks"],
         "summary": "It was Witkoff, not Rubio", "target": fixed["id"], "reason": "misread",
         "changes": {"summary": "Lavrov met Witkoff in Riyadh"}, "recorded_at": _at("2025-02-20")},
        {"id": new_id(), "type": "correction", "occurred": fixed["occurred"], "tracks": fixed["tracks"],
         "summary": "Filed under the wrong track and day", "target": fixed["id"], "reason": "misfiled",
         "changes": {"tracks": ["gulf-mediation"],
                     "occurred": {"earliest": "2025-02-10", "latest": "2025-02-10", "precision": "day"}},
         "recorded_at": _at("2025-02-21")},
        {"id": new_id(), "type": "claim_status_changed", "occurred": rumour["occurred"], "tracks": rumour["tracks"],
         "summary": "Kremlin confirms", "target": rumour["id"], "new_status": "confirmed",
         "recorded_at": _at("2025-02-22")},
    ]
    with Tracker.open(path) as tracker:
        tracker.store.append([*plain, fixed, rumour, *later, *acts])
    return {"fixed": fixed, "rumour": rumour}


def _ids(tracker: Tracker, f: EventFilter, moment: Moment = Moment()) -> list[str]:
    rows = tracker.events(f, moment, limit=1000)
    assert tracker.count_events(f, moment) == len(rows), (f, moment)
    return [r.id for r in rows]


def test_a_search_finds_the_corrected_text_and_not_the_text_it_replaced(db_path: Path, body: Any) -> None:
    ev = _log(db_path, body)
    before = Moment(known_at=known_at("2025-02-19"))
    with Tracker.open(db_path) as tracker:
        assert ev["fixed"]["id"] in _ids(tracker, EventFilter(text="witkoff"))
        assert ev["fixed"]["id"] not in _ids(tracker, EventFilter(text="rubio"))
        # As known before the correction: the other way round.
        assert ev["fixed"]["id"] in _ids(tracker, EventFilter(text="rubio"), before)
        assert ev["fixed"]["id"] not in _ids(tracker, EventFilter(text="witkoff"), before)
        assert all(r.event.summary.count("Witkoff") for r in tracker.events(EventFilter(text="witkoff met")))


def test_a_claim_filter_reads_the_claim_as_it_stands(db_path: Path, body: Any) -> None:
    ev = _log(db_path, body)
    rumour = ev["rumour"]["id"]
    with Tracker.open(db_path) as tracker:
        assert rumour in _ids(tracker, EventFilter(statuses=("confirmed",)))
        assert rumour not in _ids(tracker, EventFilter(statuses=("reported",)))
        then = Moment(known_at=known_at("2025-02-21"))
        assert rumour in _ids(tracker, EventFilter(statuses=("reported",)), then)
        assert rumour not in _ids(tracker, EventFilter(statuses=("confirmed",)), then)
        assert all(r.claim_status == "reported" for r in tracker.events(EventFilter(statuses=("reported",)), then))


def test_a_track_and_a_date_moved_by_a_correction_are_filtered_where_they_now_are(db_path: Path, body: Any) -> None:
    ev = _log(db_path, body)
    fixed = ev["fixed"]["id"]
    with Tracker.open(db_path) as tracker:
        assert _ids(tracker, EventFilter(tracks=("gulf-mediation",))) == [fixed]
        assert fixed not in _ids(tracker, EventFilter(tracks=("ukraine-settlement",)))
        assert fixed in _ids(tracker, EventFilter(occurred_to=date(2025, 2, 12)))
        # As of 12 Feb, the event (now dated 10 Feb) had happened; as known on 20 Feb it had not.
        assert fixed in _ids(tracker, EventFilter(), Moment(as_of=date(2025, 2, 12)))
        assert fixed not in _ids(tracker, EventFilter(), Moment(as_of=date(2025, 2, 12),
                                                                known_at=known_at("2025-02-20")))


@pytest.mark.parametrize("newest_first", [True, False])
def test_pages_of_a_filtered_list_hold_every_match_once_in_order(db_path: Path, body: Any, newest_first: bool) -> None:
    _log(db_path, body)
    f = EventFilter(text="in")  # the plain "briefing"s, the corrected and the confirmed events
    with Tracker.open(db_path) as tracker:
        whole = _ids(tracker, f)
        assert len(whole) > 20
        seen: list[str] = []
        cursor: int | None = None
        while page := tracker.events(f, limit=4, newest_first=newest_first, before=cursor if newest_first else None,
                                     after=None if newest_first else cursor):
            seen += [r.id for r in page]
            cursor = page[-1].position
        assert seen == (whole if newest_first else whole[::-1])


def test_the_stores_sql_and_the_services_rule_agree_on_every_demo_event(demo_db: Path) -> None:
    """`matches` is the SQL filter's rule written again for amended events: held to the same
    answers on the stored form of every demo event, for every kind of criterion."""
    filters = [
        EventFilter(tracks=("european-role",)), EventFilter(actors=("lavrov", "rubio")),
        EventFilter(types=("meeting_held", "statement_made")), EventFilter(statuses=("reported",)),
        EventFilter(occurred_from=date(2025, 2, 17)), EventFilter(occurred_to=date(2025, 2, 12)),
        EventFilter(recorded_after=datetime(2025, 2, 18, 12, tzinfo=UTC)),
        EventFilter(recorded_until=datetime(2025, 2, 18, 9, tzinfo=UTC)),
        EventFilter(text="riyadh"), EventFilter(text="\u201c"), EventFilter(text="zelensky", tracks=("ukraine-settlement",)),
    ]
    with Tracker.open(demo_db) as tracker:
        stored = tracker.store.query(EventFilter(), limit=10_000)
        loggers = tracker.store.loggers([r.position for r in stored])
        for f in filters:
            by_sql = {r.id for r in tracker.store.query(f, limit=10_000)}
            by_rule = {r.id for r in stored if matches(f, r.event, r.event.status, loggers.get(r.position, "unknown"))}
            assert by_sql == by_rule, f
            assert 0 < len(by_sql) < len(stored), f  # each criterion tells events apart on the demo


def test_the_command_line_search_finds_a_corrected_name(demo_db: Path) -> None:
    found = run_tracker("--db", str(demo_db), "events", "--text", "Camille Grand")
    assert found.returncode == 0
    assert "[corrected] Camille Grand (ECFR)" in found.stdout

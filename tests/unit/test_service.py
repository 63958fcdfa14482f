"""The application service: the one door to the log, whatever state its read model is in."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from events.dates import known_at
from tracker.service import EventFilter, Moment, Tracker

MOMENTS = [Moment(), Moment(known_at=known_at("2025-02-18")), Moment(as_of=date(2025, 2, 17)),
           Moment(as_of=date(2025, 2, 18), known_at=known_at("2025-02-19"))]


def copy(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


def test_lists_of_events_read_the_same_with_the_read_model_behind_or_current(demo_template: Path,
                                                                              tmp_path: Path) -> None:
    """A read-only log whose read model is behind finds the amendments in the log itself; the
    answer is the one the caught-up read model gives."""
    behind = Tracker.open(copy(demo_template, tmp_path / "behind.db"), readonly=True)
    current = Tracker.open(copy(demo_template, tmp_path / "current.db"))
    current.rebuild()
    for moment in MOMENTS:
        for f in (EventFilter(), EventFilter(tracks=("european-role",)), EventFilter(types=("analysis_published",))):
            assert behind.events(f, moment, limit=500) == current.events(f, moment, limit=500), (f, moment)
            assert behind.count_events(f, moment) == current.count_events(f, moment)
    rows = current.events(limit=500)
    assert any(r.corrected for r in rows) and any(r.retracted for r in rows)
    assert any(r.claim_status != r.stored.event.status for r in rows)


def test_a_list_as_of_a_day_holds_what_had_happened_by_then(demo_db: Path) -> None:
    with Tracker.open(demo_db) as tracker:
        rows = tracker.events(EventFilter(), Moment(as_of=date(2025, 2, 16)), limit=500)
        assert rows and all(r.event.occurred.earliest <= date(2025, 2, 16) for r in rows)
        assert len(rows) < tracker.count_events()


def test_one_event_as_known_then_and_now(demo_db: Path) -> None:
    with Tracker.open(demo_db) as tracker:
        grant = next(r for r in tracker.events(EventFilter(text="Camile Grant: ECFR"), limit=5))
        assert tracker.event(grant.id) == grant and grant.retracted
        then = tracker.event(grant.id, Moment(known_at=known_at("2025-02-18")))
        assert then is not None and not then.retracted
        assert [a.event.type for a in tracker.amendments_of(grant.id)] == ["retraction"]

"""A track's events per week (TrackState.activity), what the list of tracks draws as sparklines:
it counts, week by week, what the track's timeline lists, at every moment, whatever state the
read model is in."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from events.dates import known_at
from projections.state import Activity, TrackState
from projections.trend import ACTIVITY_WEEKS, activity
from tracker.present import activity_until
from tracker.service import Moment, Tracker

MOMENTS = [Moment(), Moment(as_of=date(2025, 2, 14)), Moment(known_at=known_at("2025-02-18")),
           Moment(as_of=date(2025, 2, 16), known_at=known_at("2025-02-18"))]


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weeks_of_timeline(tracker: Tracker, track: str, moment: Moment) -> Counter[date]:
    """What `tracker timeline` lists for the track, counted by the week of each entry's first day."""
    return Counter(monday(e.occurred.earliest) for e in tracker.timeline(track, moment))


def counted(a: Activity) -> Counter[date]:
    assert a.last_week is not None
    return Counter({a.last_week - timedelta(weeks=i): n for i, n in enumerate(reversed(a.weeks)) if n})


@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: m.label())
def test_each_week_counts_what_the_timeline_lists_that_week(demo_db: Path, moment: Moment) -> None:
    with Tracker.open(demo_db) as tracker:
        states = tracker.tracks(moment)
        assert states
        for state in states:
            a = state.activity
            assert len(a.weeks) == ACTIVITY_WEEKS and a.last_week is not None and a.last_week.weekday() == 0
            listed = weeks_of_timeline(tracker, state.track, moment)
            first = a.last_week - timedelta(weeks=ACTIVITY_WEEKS - 1)
            assert counted(a) == Counter({w: n for w, n in listed.items() if w >= first}), state.track
            if moment.as_of:  # the weeks end in the week of the day viewed, the same for every track
                assert a.last_week == monday(moment.as_of)
            # the full state and the row of the list of tracks say the same
            full = tracker.track(state.track, moment)
            assert full is not None and full.activity == a


def test_the_activity_is_the_same_with_the_read_model_behind(demo_template: Path, tmp_path: Path) -> None:
    behind_path, current_path = tmp_path / "behind.db", tmp_path / "current.db"
    for dst in (behind_path, current_path):
        with sqlite3.connect(demo_template) as a, sqlite3.connect(dst) as b:
            a.backup(b)
    with Tracker.open(behind_path, readonly=True) as behind, Tracker.open(current_path) as current:
        current.rebuild()
        for moment in MOMENTS:
            assert ({s.track: s.activity for s in behind.tracks(moment)}
                    == {s.track: s.activity for s in current.tracks(moment)}), moment


def test_a_week_runs_monday_to_sunday_and_nothing_after_the_reference_day_counts() -> None:
    days = {"2025-02-09": [0, 4], "2025-02-10": [3, 1], "2025-02-16": [-1, 2], "2025-02-17": [0, 5],
            "2025-02-19": [0, 1], "2025-02-20": [0, 9]}
    a = activity(days, date(2025, 2, 19), weeks=3)
    assert a.last_week == date(2025, 2, 17)
    assert a.weeks == (4, 3, 6)  # w/c 3 Feb: the Sunday 9th; w/c 10 Feb: 10th and 16th; 17-19 Feb
    assert activity(days, None) == Activity()
    # events older than the window are left out
    assert activity(days, date(2025, 3, 10), weeks=2).weeks == (0, 0)


def test_every_track_of_a_list_is_drawn_over_the_same_weeks() -> None:
    quiet = Activity(weeks=(1, 0, 2), last_week=date(2025, 2, 3))
    busy = Activity(weeks=(0, 5, 7), last_week=date(2025, 2, 17))
    until = activity_until([TrackState(track="q", title="Q", activity=quiet),
                            TrackState(track="b", title="B", activity=busy), TrackState(track="e", title="E")])
    assert until == date(2025, 2, 17)
    # the quiet track went quiet two weeks before the busy one's last week: two empty weeks after its own
    assert quiet.until(until, 5) == (1, 0, 2, 0, 0)
    assert quiet.until(until, 2) == (0, 0)
    assert busy.until(until, 5) == (0, 0, 0, 5, 7)
    # a window that ends before a track's last week shows its weeks up to then
    assert busy.until(date(2025, 2, 10), 2) == (0, 5)
    assert Activity().until(until, 3) == (0, 0, 0)
    assert activity_until([]) is None

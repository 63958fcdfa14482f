"""Grades of sources (projections.grades): the Admiralty pair per source, and a fact's support,
where the same outlet read twice or through two relays counts once."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from test_projections_logs import PROFILE, TRACKS, as_evs, logs

from events.base import Source
from projections.facts import by_key, claim_status
from projections.grades import Grades, grades_from, keep_backed, support
from projections.moment import Moment
from projections.replay import claims_index, prepare
from tracker.service import Tracker

GRADED = grades_from([("Reuters", "C"), ("NYT", "B"), (" reuters ", "A")])  # the later Reuters grade wins


def test_a_grade_pairs_the_outlets_reliability_with_the_reports_credibility() -> None:
    assert GRADED.of(Source(outlet="REUTERS", credibility=2)) == "A2"
    assert GRADED.of(Source(outlet="NYT")) == "B?"
    assert GRADED.of(Source(outlet="TASS", credibility=4)) == "?4"
    assert GRADED.of(Source(outlet="TASS")) == ""


def test_support_counts_independent_outlets_once_with_their_best_grade() -> None:
    sources = [Source(outlet="NYT", via="Russia Matters", credibility=3), Source(outlet="nyt", via="Twitter", credibility=2),
               Source(outlet="TASS", credibility=5), Source(outlet="Unnamed wire")]
    backing = support(sources, GRADED)
    assert (backing.sources, backing.independent, backing.grades) == (4, 3, ("B2", "?5"))
    assert str(backing) == "4 sources, 3 independent (B2, ?5)"
    assert str(support([Source(outlet="Reuters", credibility=1)], GRADED)) == "1 source (A1)"
    assert str(support([], Grades())) == "no source"


# -- on generated logs: sources in three spellings of one outlet, grades given, corrected, retracted
@PROFILE
@given(logs(max_size=30), st.sampled_from("ABCDEF"))
def test_min_grade_keeps_exactly_the_facts_a_well_graded_outlet_stands_behind(
        bodies: list[dict[str, Any]], minimum: str) -> None:
    # The oracle folds the grades from the reference replay's facts at each moment: the latest
    # grade of an outlet by date wins, a denied or retracted grade counts for nothing. The moments
    # asked are those where a grade may just have changed: the day before a grading and its day,
    # and the instant before it was logged.
    evs = as_evs(bodies)
    moments = [Moment()]
    for b in [b for b in bodies if b["type"] == "source_graded"][:2]:
        day = date.fromisoformat(b["occurred"]["earliest"])
        logged = datetime.fromisoformat(b["recorded_at"].replace("Z", "+00:00"))
        moments += [Moment(as_of=day - timedelta(days=1)), Moment(as_of=day),
                    Moment(known_at=logged - timedelta(seconds=1))]
    with tempfile.TemporaryDirectory() as folder, Tracker.open(Path(folder) / "log.db") as tracker:
        tracker.store.append(bodies)
        for moment in moments:
            facts = prepare(evs, moment)
            claims = claims_index(facts)
            graded = grades_from((f.body["outlet"], f.body["reliability"]) for f in by_key(facts)
                                 if f.body["type"] == "source_graded"
                                 and claim_status(f.id, f.body["status"], claims) != "denied")
            backed = {f.id for f in facts
                      if any(graded.meets(Source.model_validate(s), minimum) for s in f.body["sources"])}
            for track in TRACKS:
                whole = tracker.track(track, moment)
                kept = tracker.track(track, moment, min_grade=minimum)
                assert kept == (keep_backed(whole, backed.__contains__) if whole is not None else None)

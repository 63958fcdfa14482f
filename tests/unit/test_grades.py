"""Grades of sources (projections.grades): the Admiralty pair per source, and a fact's support,
where the same outlet read twice or through two relays counts once."""

from __future__ import annotations

from events.base import Source
from projections.grades import Grades, grades_from, support

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

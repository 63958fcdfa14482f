"""Dates as written in news reports resolve to honest intervals."""

from __future__ import annotations

from datetime import date

import pytest

from events import DateParseError, Occurred, parse_occurred

REF = date(2025, 2, 18)  # a Tuesday: the day of the Riyadh talks


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision", "label"),
    [
        ("yesterday", "2025-02-17", "2025-02-17", "day", "17 Feb 2025"),
        ("last week", "2025-02-10", "2025-02-16", "week", "week of 10 Feb 2025"),
        ("next Tuesday", "2025-02-25", "2025-02-25", "day", "25 Feb 2025"),
        ("Monday", "2025-02-17", "2025-02-17", "day", "17 Feb 2025"),
        ("March 10th", "2024-03-10", "2024-03-10", "day", "10 Mar 2024"),  # it happened: looks back
        ("week of 10 Feb", "2025-02-10", "2025-02-16", "week", "week of 10 Feb 2025"),
        ("Feb 2025", "2025-02-01", "2025-02-28", "month", "Feb 2025"),
        ("early March", "2024-03-01", "2024-03-10", "part", "early Mar 2024"),
        ("early Feb", "2025-02-01", "2025-02-10", "part", "early Feb 2025"),
        ("2025-02-10..2025-02-14", "2025-02-10", "2025-02-14", "range", "10–14 Feb 2025"),
        ("3 days ago", "2025-02-15", "2025-02-15", "day", "15 Feb 2025"),
        ("2025-02-05", "2025-02-05", "2025-02-05", "day", "5 Feb 2025"),
    ],
)
def test_phrases_resolve_to_intervals(text, earliest, latest, precision, label):
    occ = parse_occurred(text, REF)
    assert (occ.earliest.isoformat(), occ.latest.isoformat(), occ.precision) == (earliest, latest, precision)
    assert occ.label() == label


@pytest.mark.parametrize(
    ("text", "message"),
    [("03/04/2025", "ambiguous"), ("2025-02-30", "impossible"), ("31/02/2025", "out of range"),
     ("the day after", "could not read"), ("", "empty"), ("2025-02-14..2025-02-10", "before it starts")],
)
def test_bad_dates_say_what_is_wrong(text, message):
    with pytest.raises(DateParseError, match=message):
        parse_occurred(text, REF)


@pytest.mark.parametrize(
    ("text", "label"),
    [("around 10 Feb 2025", "c. 10 Feb 2025"), ("2025-02~", "c. Feb 2025"), ("2025-02-14?", "14 Feb 2025?"),
     ("2025-01-28..2025-02-03", "28 Jan – 3 Feb 2025"), ("2024-12-30..2025-01-02", "30 Dec 2024 – 2 Jan 2025")],
)
def test_labels_mark_approximate_and_uncertain_not_imprecise(text, label):
    assert parse_occurred(text, REF).label() == label


def test_a_week_must_be_a_real_week():
    with pytest.raises(ValueError, match="Monday"):
        Occurred(earliest=date(2025, 2, 11), latest=date(2025, 2, 17), precision="week")

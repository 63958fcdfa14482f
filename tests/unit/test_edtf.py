"""EDTF (ISO 8601-2) read and written: the Library of Congress specification's examples.

The examples of level 0 and level 1 are those of https://www.loc.gov/standards/datetime/ (the
specification of 4 February 2019). Each is read to the interval it names, or refused with the reason
when it is outside what the tracker holds (years before 1800 or after 2200, negative years, years of
more than four digits). An unknown end (`1985/`) and an open one (`1985/..`) are both stored as the
tracker's bound: the stored shape does not tell them apart.
"""

from __future__ import annotations

from datetime import UTC, date, time

import pytest

from events import DateParseError, Occurred, parse_occurred
from events.edtf import EDTFError, parse_edtf
from events.occurred import CEILING, FLOOR

REF = date(2025, 2, 18)
OPEN_START, OPEN_END = FLOOR.isoformat(), CEILING.isoformat()


def read(text: str) -> Occurred:
    return parse_occurred(text, REF)


# (text, earliest, latest, precision, flags, time in UTC): "~" approximate, "?" uncertain.
LEVEL_0 = [
    # Date
    ("1985-04-12", "1985-04-12", "1985-04-12", "day", "", None),
    ("1985-04", "1985-04-01", "1985-04-30", "month", "", None),
    ("1985", "1985-01-01", "1985-12-31", "year", "", None),
    # Date and time: local time is kept as written; a shift is converted to UTC (the day may change)
    ("1985-04-12T23:20:30", "1985-04-12", "1985-04-12", "day", "", "23:20:30"),
    ("1985-04-12T23:20:30Z", "1985-04-12", "1985-04-12", "day", "", "23:20:30Z"),
    ("1985-04-12T23:20:30-04", "1985-04-13", "1985-04-13", "day", "", "03:20:30Z"),
    ("1985-04-12T23:20:30+04:30", "1985-04-12", "1985-04-12", "day", "", "18:50:30Z"),
    # Time interval
    ("1964/2008", "1964-01-01", "2008-12-31", "range", "", None),
    ("2004-06/2006-08", "2004-06-01", "2006-08-31", "range", "", None),
    ("2004-02-01/2005-02-08", "2004-02-01", "2005-02-08", "range", "", None),
    ("2004-02-01/2005-02", "2004-02-01", "2005-02-28", "range", "", None),
    ("2004-02-01/2005", "2004-02-01", "2005-12-31", "range", "", None),
    ("2005/2006-02", "2005-01-01", "2006-02-28", "range", "", None),
]

LEVEL_1 = [
    # Seasons: 21 spring, 22 summer, 23 autumn, 24 winter (northern, meteorological; winter 1999
    # runs from December 1999 into February 2000). The specification's own examples, 2001-21 to
    # 2001-24, also read as spans of years and are refused as ambiguous (see below).
    ("1999-21", "1999-03-01", "1999-05-31", "season", "", None),
    ("1999-22", "1999-06-01", "1999-08-31", "season", "", None),
    ("2024-23", "2024-09-01", "2024-11-30", "season", "", None),
    ("1999-24", "1999-12-01", "2000-02-29", "season", "", None),
    # Qualification of a date (complete); an approximate day is that day and three either side
    ("1984?", "1984-01-01", "1984-12-31", "year", "?", None),
    ("2004-06~", "2004-06-01", "2004-06-30", "month", "~", None),
    ("2004-06-11%", "2004-06-08", "2004-06-14", "around", "?", None),
    # Unspecified digits from the right: the span of every date they could be
    ("201X", "2010-01-01", "2019-12-31", "range", "", None),
    ("20XX", "2000-01-01", "2099-12-31", "range", "", None),
    ("2004-XX", "2004-01-01", "2004-12-31", "year", "", None),
    ("1985-04-XX", "1985-04-01", "1985-04-30", "month", "", None),
    ("1985-XX-XX", "1985-01-01", "1985-12-31", "year", "", None),
    # Extended interval: open ends, and unknown ones, run to the tracker's bounds
    ("1985-04-12/..", "1985-04-12", OPEN_END, "range", "", None),
    ("1985-04/..", "1985-04-01", OPEN_END, "range", "", None),
    ("1985/..", "1985-01-01", OPEN_END, "range", "", None),
    ("../1985-04-12", OPEN_START, "1985-04-12", "range", "", None),
    ("../1985-04", OPEN_START, "1985-04-30", "range", "", None),
    ("../1985", OPEN_START, "1985-12-31", "range", "", None),
    ("1985-04-12/", "1985-04-12", OPEN_END, "range", "", None),
    ("1985-04/", "1985-04-01", OPEN_END, "range", "", None),
    ("1985/", "1985-01-01", OPEN_END, "range", "", None),
    ("/1985-04-12", OPEN_START, "1985-04-12", "range", "", None),
    ("/1985-04", OPEN_START, "1985-04-30", "range", "", None),
    ("/1985", OPEN_START, "1985-12-31", "range", "", None),
]

# Beyond the examples: forms the reader also holds.
MORE = [
    ("2025-02-1X", "2025-02-10", "2025-02-19", "range", "", None),  # level 2's digit in the day
    ("2024-10/2024-12", "2024-10-01", "2024-12-31", "quarter", "", None),
    ("2025-01/2025-06", "2025-01-01", "2025-06-30", "half", "", None),
    ("2025-01~/2025-03~", "2025-01-01", "2025-03-31", "quarter", "~", None),
    ("2025-02-14?/2025-02-20", "2025-02-14", "2025-02-20", "range", "?", None),  # a hedged end hedges it all
    ("2025-02-18T14:00:00Z?", "2025-02-18", "2025-02-18", "day", "?", "14:00:00Z"),
    ("2025-02-18T14:00:00~", "2025-02-18", "2025-02-18", "day", "~", "14:00:00"),  # a time is not widened
    ("2025-02~/..", "2025-02-01", OPEN_END, "range", "~", None),
    ("1800-01-01/..", OPEN_START, OPEN_END, "range", "", None),
    ("2200", "2200-01-01", "2200-12-31", "year", "", None),
    ("1800-01", "1800-01-01", "1800-01-31", "month", "", None),
    ("Y2025", "2025-01-01", "2025-12-31", "year", "", None),  # the prefix, though a short year needs none
]


@pytest.mark.parametrize(("text", "earliest", "latest", "precision", "flags", "at"), LEVEL_0 + LEVEL_1 + MORE,
                         ids=[row[0] for row in LEVEL_0 + LEVEL_1 + MORE])
def test_the_specification_examples_are_read(text, earliest, latest, precision, flags, at):
    occ = read(text)
    assert (occ.earliest.isoformat(), occ.latest.isoformat(), occ.precision) == (earliest, latest, precision)
    assert (occ.approximate, occ.uncertain) == ("~" in flags or "%" in flags, "?" in flags or "%" in flags)
    assert occ.time == (time.fromisoformat(at) if at else None)
    assert parse_edtf(text) == occ  # the EDTF reader alone gives the same


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # level 1's examples outside the years the tracker holds
        ("Y170000002", "year 170000002 is outside the years this tracker reads (1800 to 2200)"),
        ("Y-170000002", "year -170000002 is outside the years"),
        ("-1985", "year -1985 is outside the years"),
        # level 2's exponent and significant digits: years far outside
        ("Y-17E7", "outside the years"),
        ("Y17E7S3", "outside the years"),
        # other years outside 1800-2200, however written
        ("1799", "year 1799 is outside"),
        ("2201-01", "year 2201 is outside"),
        ("0800-04-12", "year 800 is outside"),
        ("10000", "year 10000 is outside"),
        ("-0800-04-12", "outside the years"),
        ("1799-12-31/1800-01-05", "year 1799 is outside"),
        ("1XXX", "year 1000 is outside"),
        ("2200-24", "ambiguous"),  # 2200 to 2224, or winter 2200 (which ends in 2201)?
        ("2200-12-31T23:00:00-05:00", "2201-01-01 is outside"),  # in UTC, a day too late
        # dates that do not exist or say nothing
        ("2025-02-30", "impossible"),
        ("2025-13", "month 13"),
        ("2025-00", "month 00"),
        ("2025-29", "not a season (21-24)"),  # level 2's southern seasons are not held
        ("XXXX", "says nothing about when"),
        ("2025-XX-18", "known day in an unknown month"),
        ("2X25", "must come last"),
        ("../..", "at least one known end"),
        ("/", "at least one known end"),
        ("2025-02-14/2025-02-10", "before it starts"),
        ("2025-02-18T25:00:00", "hour must be in 0..23"),
        ("2025-02-18T14:00:00+15:00", "not a UTC offset"),
        ("2025-02-18T14:00:00+14:30", "not a UTC offset"),
        ("2025-02T14:00:00", "a time needs a complete day"),
    ],
)
def test_what_the_tracker_cannot_hold_is_refused_with_the_reason(text, reason):
    with pytest.raises(DateParseError) as err:
        read(text)
    assert reason in str(err.value)


@pytest.mark.parametrize("text", ["2001-21", "2001-24", "2023-24", "2025-26", "2024-25", "2025-33", "2025-40",
                                  "2001-41"])
def test_codes_that_read_as_years_are_refused_as_ambiguous(text):
    """'2023-24' is EDTF's winter 2023 but, to most readers, 2023 to 2024: refuse, never guess."""
    with pytest.raises(DateParseError, match="is ambiguous: the years"):
        read(text)


@pytest.mark.parametrize("year", [2001, 2019, 2020, 2021, 2022, 2023])
def test_a_season_whose_code_would_read_as_years_is_written_as_months(year):
    for name in ("spring", "summer", "autumn", "winter"):
        season = Occurred.season(year, name)
        assert read(season.edtf()) == season


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [("2025-25", "2025-03-01", "2025-05-31", "season"), ("1999-26", "1999-06-01", "1999-08-31", "season"),
     ("1985-33", "1985-01-01", "1985-03-31", "quarter"), ("1985-41", "1985-07-01", "1985-12-31", "half")],
)
def test_level_2_codes_that_cannot_be_years_are_read(text, earliest, latest, precision):
    occ = read(text)
    assert (occ.earliest.isoformat(), occ.latest.isoformat(), occ.precision) == (earliest, latest, precision)


@pytest.mark.parametrize("text", ["2023-2025", "18 Feb 2025", "2025-2-5", "Q4 2024", "14:00"])
def test_what_is_not_edtf_is_left_to_the_other_rules(text):
    assert parse_edtf(text.upper()) is None


def test_a_malformed_edtf_is_an_edtf_error():
    with pytest.raises(EDTFError):
        parse_edtf("2025-02-30")


# -- writing --------------------------------------------------------------------------------------
D = date(2025, 2, 18)


@pytest.mark.parametrize(
    ("occ", "written"),
    [
        (Occurred.day(D), "2025-02-18"),
        (Occurred.day(D, time(14, 0)), "2025-02-18T14:00:00"),
        (Occurred.day(D, time(14, 0, tzinfo=UTC)), "2025-02-18T14:00:00Z"),  # given with a zone: in UTC
        (Occurred.around(D), "2025-02-18~"),
        (Occurred.around(D).qualified(uncertain=True), "2025-02-18%"),
        (Occurred.month_of(D), "2025-02"),
        (Occurred.year(2025), "2025"),
        (Occurred.season(2024, "spring"), "2024-21"),
        (Occurred.season(2024, "summer"), "2024-22"),
        (Occurred.season(2024, "autumn"), "2024-23"),
        (Occurred.season(2024, "winter"), "2024-24"),
        (Occurred.quarter(2024, 4), "2024-10/2024-12"),
        (Occurred.half(2025, 1), "2025-01/2025-06"),
        (Occurred.year_part(2025, "early"), "2025-01/2025-04"),
        (Occurred.year_part(2024, "late"), "2024-09/2024-12"),
        (Occurred.month_part(D, "early"), "2025-02-01/2025-02-10"),
        (Occurred.month_part(D, "late"), "2025-02-21/2025-02-28"),
        (Occurred.week_of(D), "2025-02-17/2025-02-23"),
        (Occurred.weekend_of(D), "2025-02-22/2025-02-23"),
        (Occurred.between(date(2025, 2, 10), date(2025, 2, 14)), "2025-02-10/2025-02-14"),
        (Occurred.between(FLOOR, date(2025, 3, 10)), "../2025-03-10"),
        (Occurred.between(date(2025, 3, 10), CEILING), "2025-03-10/.."),
        (Occurred.between(FLOOR, CEILING), "1800-01-01/.."),
        (Occurred.month_of(D).qualified(approximate=True), "2025-02~"),
        (Occurred.day(date(2025, 2, 14)).qualified(uncertain=True), "2025-02-14?"),
        (Occurred.year(2024).qualified(approximate=True, uncertain=True), "2024%"),
        (Occurred.quarter(2025, 1).qualified(approximate=True), "2025-01~/2025-03~"),
        (Occurred.week_of(D).qualified(uncertain=True), "2025-02-17?/2025-02-23?"),
    ],
    ids=lambda v: v if isinstance(v, str) else v.precision,
)
def test_each_precision_is_written_as_documented(occ: Occurred, written: str):
    assert occ.edtf() == written
    back = read(written)
    assert (back.earliest, back.latest, back.approximate, back.uncertain, back.time) == (
        occ.earliest, occ.latest, occ.approximate, occ.uncertain, occ.time)


@pytest.mark.parametrize(
    ("text", "written"),
    [("2025-02~", "2025-02~"), ("2025-02-14?", "2025-02-14?"), ("2025-02-1X", "2025-02-10/2025-02-19"),
     ("2024-XX", "2024"), ("2024-23", "2024-23"), ("../2025-03-10", "../2025-03-10"),
     ("2025-02-14~", "2025-02-14~"), ("2024-24", "2024-24"), ("1985/..", "1985-01-01/..")],
)
def test_read_then_written_then_read_again_is_the_same(text: str, written: str):
    occ = read(text)
    assert occ.edtf() == written
    assert read(occ.edtf()) == occ

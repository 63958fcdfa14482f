"""Properties of the date reader, over generated dates and phrases.

(a) a complete date written in any supported format reads back as that day;
(b) every Occurred reads back from its label and from its EDTF form;
(c) a phrase is never read as a day far from the years written in it, and whatever the text, the
    reader returns a date within the tracker's years or refuses with DateParseError.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import DateParseError, Occurred, parse_occurred
from events.occurred import CEILING, FLOOR, SEASONS

REF = date(2025, 2, 18)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH_FULL = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]

days = st.dates(min_value=FLOOR, max_value=CEILING)


# -- (a) complete dates in every format ----------------------------------------------------------
FORMATS = {
    "iso": lambda d: d.isoformat(),
    "D Mon YYYY": lambda d: f"{d.day} {MONTH_ABBR[d.month - 1]} {d.year}",
    "D Month YYYY": lambda d: f"{d.day} {MONTH_FULL[d.month - 1]} {d.year}",
    "Mon D, YYYY": lambda d: f"{MONTH_ABBR[d.month - 1]} {d.day}, {d.year}",
    "Month D, YYYY": lambda d: f"{MONTH_FULL[d.month - 1]} {d.day}, {d.year}",
    "DD.MM.YYYY": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "weekday D Mon YYYY": lambda d: f"{d:%A} {d.day} {MONTH_ABBR[d.month - 1]} {d.year}",
    "YYYY/MM/DD": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
}


@FAST
@given(d=days, fmt=st.sampled_from(sorted(FORMATS)), ahead=st.booleans())
def test_a_complete_date_reads_back_as_that_day(d: date, fmt: str, ahead: bool):
    occ = parse_occurred(FORMATS[fmt](d), REF, ahead=ahead)
    assert (occ.earliest, occ.latest, occ.precision) == (d, d, "day")
    assert not occ.approximate and not occ.uncertain


@FAST
@given(d=days, q=st.sampled_from(["", "?"]))
def test_an_edtf_day_reads_back_with_its_flag(d: date, q: str):
    occ = parse_occurred(d.isoformat() + q, REF)
    assert (occ.earliest, occ.latest, occ.precision) == (d, d, "day")
    assert occ.uncertain == (q == "?")
    assert not occ.approximate


# -- (b) every Occurred reads back from its label and its EDTF form ------------------------------
inner_days = st.dates(min_value=FLOOR + timedelta(days=7), max_value=CEILING - timedelta(days=7))
years = st.integers(min_value=FLOOR.year, max_value=CEILING.year)
minutes = st.builds(time, st.integers(0, 23), st.integers(0, 59))
parts = st.sampled_from(["early", "mid", "late"])


def _between(a: date, b: date) -> Occurred:
    return Occurred.between(min(a, b), max(a, b))


occurreds = st.one_of(
    st.builds(Occurred.day, days),
    st.builds(Occurred.day, days, minutes),
    st.builds(Occurred.around, inner_days),
    st.builds(Occurred.week_of, inner_days),
    st.builds(Occurred.weekend_of, inner_days),
    st.builds(Occurred.month_of, days),
    st.builds(Occurred.month_part, days, parts),
    st.builds(Occurred.year_part, years, parts),
    st.builds(Occurred.quarter, years, st.integers(1, 4)),
    st.builds(Occurred.half, years, st.integers(1, 2)),
    st.builds(Occurred.season, years.filter(lambda y: y < CEILING.year), st.sampled_from(sorted(SEASONS.values()))),
    st.builds(Occurred.year, years),
    st.builds(_between, days, days),
    st.builds(lambda d: Occurred.between(FLOOR, d), days),  # open start: "until ..."
    st.builds(lambda d: Occurred.between(d, CEILING), days),  # open end: "from ... on"
    # whole months and years as a range: "Jan–Mar 2025", "2023–2025"
    st.builds(lambda a, b: _between(a, b).model_copy(update={
        "earliest": min(a, b).replace(day=1), "latest": Occurred.month_of(max(a, b)).latest,
    }), days, days).filter(lambda o: o.precision == "range"),
    st.builds(lambda a, b: Occurred.between(date(min(a, b), 1, 1), date(max(a, b), 12, 31)), years, years),
)


def _qualified(o: Occurred, approximate: bool, uncertain: bool) -> Occurred | None:
    try:  # an approximate day widens to three days either side, which may pass the bounds
        return o.qualified(approximate=approximate, uncertain=uncertain)
    except ValueError:
        return None


qualified = st.builds(_qualified, occurreds, st.booleans(), st.booleans()).filter(lambda o: o is not None)


@settings(max_examples=400, deadline=None)
@given(o=qualified, ahead=st.booleans())
def test_an_occurred_reads_back_from_its_label(o: Occurred, ahead: bool):
    back = parse_occurred(o.label(), REF, ahead=ahead)
    assert (back.earliest, back.latest, back.precision) == (o.earliest, o.latest, o.precision), o.label()
    assert (back.approximate, back.uncertain) == (o.approximate, o.uncertain), o.label()
    assert back.time == o.time, o.label()


@settings(max_examples=400, deadline=None)
@given(o=qualified, ahead=st.booleans())
def test_an_occurred_reads_back_from_its_edtf(o: Occurred, ahead: bool):
    back = parse_occurred(o.edtf(), REF, ahead=ahead)
    assert (back.earliest, back.latest) == (o.earliest, o.latest), o.edtf()
    assert (back.approximate, back.uncertain) == (o.approximate, o.uncertain), o.edtf()
    assert back.time == o.time, o.edtf()


# -- (c) phrases stay near their own years; nothing but DateParseError escapes -------------------
WORDS = [
    *MONTH_ABBR, *MONTH_FULL, "Monday", "Tue", "Wed", "Thursday", "Fri", "Sat", "Sunday",
    "early", "mid", "late", "mid-", "end of", "beginning of", "spring", "summer", "autumn", "fall",
    "winter", "Q1", "Q4", "H1", "H2", "week", "week of", "weekend", "weekend of", "first week of",
    "last week of", "first half of", "quarter", "of", "the", "to", "and", "between", "from", "on",
    "in", "until", "since", "around", "c.", "about", "probably", "?", "~", "-", "–", "/", "..", ".",
    ",", "th", "st", "1st", "2nd", "3rd", "XX", "X", "W", "T", "Z", "UTC", "+03:00", "14:00", "pm",
]
RELATIVE = ["today", "yesterday", "tomorrow", "last", "next", "this", "ago", "days", "weeks", "months",
            "years", "earlier", "later", "a", "two"]
year_tokens = st.integers(min_value=1750, max_value=2250).map(str)
number_tokens = st.integers(min_value=0, max_value=40).map(str)
tokens = st.one_of(st.sampled_from(WORDS), year_tokens, number_tokens)
separators = st.sampled_from([" ", " ", " ", "-", "/", ".", ""])


@st.composite
def phrases(draw: st.DrawFn, words: st.SearchStrategy[str]) -> str:
    """Tokens run together: mostly nonsense, which must be refused cleanly."""
    parts = draw(st.lists(words, min_size=1, max_size=6))
    out = parts[0]
    for p in parts[1:]:
        out += draw(separators) + p
    return out


@st.composite
def dates_written(draw: st.DrawFn) -> str:
    """One date as people write it, its parts drawn at random (so often impossible or partial)."""
    day = draw(st.integers(0, 33))
    mon = draw(st.sampled_from([*MONTH_ABBR, *MONTH_FULL, "février", "Februar", "febrero", "февраля"]))
    mm = draw(st.integers(0, 13))
    year = draw(year_tokens)
    yy = draw(st.integers(0, 99))
    wd = draw(st.sampled_from(["Monday", "Tue", "Wed", "Thursday", "Fri", "Sat", "Sunday"]))
    part = draw(st.sampled_from(["early", "mid", "late", "mid-", "end of", "beginning of"]))
    season = draw(st.sampled_from(["spring", "summer", "autumn", "fall", "winter"]))
    nth = draw(st.sampled_from(["first", "second", "last", "1st", "4th"]))
    templates = [
        f"{day} {mon} {year}", f"{mon} {day}, {year}", f"{day} {mon}", f"{mon} {day}", f"{mon} {year}",
        f"{mon}", f"{day}th", f"{wd} {day} {mon} {year}", f"{wd} {day} {mon}", f"{wd}",
        f"{year}-{mm:02d}-{day:02d}", f"{day:02d}.{mm:02d}.{year}", f"{day}/{mm}/{year}", f"{year}",
        f"{year}-{mm:02d}", f"{year}-{yy:02d}", f"{part} {mon}", f"{part} {mon} {year}", f"{part} {year}",
        f"{season} {year}", f"{season}", f"winter {year}-{yy:02d}", f"Q{day % 5} {year}", f"H{day % 3} {year}",
        f"{year}-W{day:02d}", f"week of {day} {mon}", f"week of {day} {mon} {year}", f"week {day}",
        f"{nth} week of {mon}", f"{nth} week of {mon} {year}", f"weekend of {day} {mon} {year}",
        f"{year}-{mm:02d}-{day:02d}T{day % 25:02d}:00:00Z", f"{day} {mon} {year} {day % 25}:{mm * 4:02d} +0{mm % 10}:00",
        f"{year[:3]}X", f"{year}-{mm:02d}-XX", f"{year}s",
    ]
    return draw(st.sampled_from(templates))


@st.composite
def date_phrases(draw: st.DrawFn) -> str:
    """Dates, ranges of two dates, and hedged dates, built from the forms people write."""
    one = draw(dates_written())
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return f"{one} - {draw(dates_written())}"
    if shape == 1:
        return f"{one}-{draw(dates_written())}"
    if shape == 2:
        return f"between {one} and {draw(dates_written())}"
    if shape == 3:
        return f"{one} to {draw(dates_written())}"
    if shape == 4:
        return f"{one}/{draw(dates_written())}"
    if shape == 5:
        return f"{draw(st.sampled_from(['around', 'c.', 'about', 'probably', 'until', 'since']))} {one}"
    if shape == 6:
        return f"{one}{draw(st.sampled_from(['?', '~', '%']))}"
    return one


def _years_in(text: str) -> list[int]:
    """The years written: '2025', and the first and last of '202X' and of '2020s'."""
    found = []
    for y in re.findall(r"(?<![\dX])[\dX]{4}(?![\dX])", text):
        if y[0].isdigit():
            found += [int(y.replace("X", "0")), int(y.replace("X", "9"))]
    found += [int(y) + 9 for y in re.findall(r"(?<!\d)(\d{3}0)s", text)]
    return found


@settings(max_examples=700, deadline=None)
@given(text=st.one_of(date_phrases(), phrases(tokens)), ahead=st.booleans())
def test_a_phrase_is_read_near_its_own_years(text: str, ahead: bool):
    try:
        occ = parse_occurred(text, REF, ahead=ahead)
    except DateParseError:
        return
    assert FLOOR <= occ.earliest <= occ.latest <= CEILING
    written = _years_in(text)
    if written:
        low, high = min(written) - 1, max(written) + 1
        if not occ.open_start:
            assert low <= occ.earliest.year <= high, (text, occ)
        if not occ.open_end:
            assert low <= occ.latest.year <= high, (text, occ)


@settings(max_examples=500, deadline=None)
@given(text=st.one_of(phrases(st.one_of(tokens, st.sampled_from(RELATIVE))), st.text(max_size=40),
                      phrases(st.one_of(tokens, st.text(max_size=6)))),
       ahead=st.booleans())
def test_any_text_is_read_within_bounds_or_refused(text: str, ahead: bool):
    try:
        occ = parse_occurred(text, REF, ahead=ahead)
    except DateParseError as exc:
        assert str(exc)
        return
    assert isinstance(occ, Occurred)
    assert FLOOR <= occ.earliest <= occ.latest <= CEILING


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(date_phrases(), phrases(st.one_of(tokens, st.sampled_from(RELATIVE)))), ref=days,
       ahead=st.booleans())
def test_any_report_day_is_read_within_bounds_or_refused(text: str, ref: date, ahead: bool):
    try:
        occ = parse_occurred(text, ref, ahead=ahead)
    except DateParseError:
        return
    assert FLOOR <= occ.earliest <= occ.latest <= CEILING


# -- (d) a date without its year falls where its direction says ----------------------------------
@st.composite
def yearless(draw: st.DrawFn) -> str:
    """A date written without its year (or month), as people write them, often impossible."""
    day, day2 = draw(st.integers(1, 31)), draw(st.integers(1, 31))
    mon, mon2 = draw(st.sampled_from(MONTH_ABBR + MONTH_FULL)), draw(st.sampled_from(MONTH_ABBR))
    wd, wd2 = draw(st.sampled_from(WEEKDAY_NAMES)), draw(st.sampled_from(WEEKDAY_NAMES))
    part = draw(st.sampled_from(["early", "mid", "late", "end of", "beginning of"]))
    templates = [
        f"{day} {mon}", f"{mon} {day}", f"{wd} {day} {mon}", f"{wd}, {mon} {day}", f"{wd} {day}th", f"{day}th",
        f"{wd}", f"{mon}", f"{part} {mon}", f"week {day % 54}", f"week of {wd} {day} {mon}",
        f"weekend of {day} {mon}", f"{day}-{day2} {mon}", f"{wd} {day} - {wd2} {day2} {mon}",
        f"{wd} {day} {mon} - {wd2} {day2} {mon2}", f"{day} {mon} - {day2} {mon2}",
        f"until {wd} {day} {mon}", f"from week {day % 54} on",
    ]
    return draw(st.sampled_from(templates))


WEEKDAY_NAMES = ["Monday", "Tue", "Wed", "Thursday", "Fri", "Sat", "Sunday"]
NEAR_AT_HAND = timedelta(days=14)  # a weekday may name a day this near against the direction
ABOUT_A_YEAR = timedelta(days=371)  # the most a week number moves in a year (53 weeks)


@settings(max_examples=600, deadline=None)
@given(text=yearless(), ref=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       ahead=st.booleans())
def test_a_date_without_its_year_falls_where_its_direction_says(text: str, ref: date, ahead: bool):
    """What happened begins by the report's day, what is planned has not ended, each within about a
    year (a leap day within four); a weekday written with a date never takes it to another year,
    and only a day near at hand may lie against the direction ("Monday 24 Feb" reported on the 18th)."""
    try:
        occ = parse_occurred(text, ref, ahead=ahead)
    except DateParseError:
        return
    if ahead:
        assert occ.latest >= ref - NEAR_AT_HAND, (text, ref, occ)
        assert occ.open_end or "29" in text or occ.earliest <= ref + ABOUT_A_YEAR, (text, ref, occ)
    else:
        assert occ.earliest <= ref + NEAR_AT_HAND, (text, ref, occ)
        assert occ.open_start or "29" in text or occ.earliest >= ref - ABOUT_A_YEAR, (text, ref, occ)

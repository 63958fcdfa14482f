"""Date phrases as an analyst reads them, in a report of Tuesday 18 February 2025.

Each row is a phrase, the direction it is read in (`back`: something that happened; `ahead`: something
planned) and what a careful reader means by it: the earliest and latest day and the precision, or a
refusal (with a fragment of the reason where the reason matters). The expected values were decided by
reading the phrase, not by running the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest

from events import DateParseError, Occurred, parse_occurred

REF = date(2025, 2, 18)  # a Tuesday
FLOOR, CEILING = "1800-01-01", "2200-12-31"


@dataclass(frozen=True)
class Row:
    phrase: str
    direction: str  # "back" or "ahead"
    earliest: str | None = None  # None: refused
    latest: str | None = None
    precision: str | None = None
    refusal: str = ""  # a fragment of the message, when refused
    at: str | None = None  # the stored (UTC) time of day
    flags: str = ""  # "~" approximate, "?" uncertain, "%" both

    @property
    def id(self) -> str:
        return f"{self.phrase} [{self.direction}]"


def ok(phrase: str, earliest: str, latest: str | None = None, precision: str = "day", *,
       ahead: bool = False, at: str | None = None, flags: str = "") -> Row:
    return Row(phrase, "ahead" if ahead else "back", earliest, latest or earliest, precision, at=at, flags=flags)


def no(phrase: str, refusal: str = "", *, ahead: bool = False) -> Row:
    return Row(phrase, "ahead" if ahead else "back", refusal=refusal)


def week(monday: str, phrase: str, *, ahead: bool = False) -> Row:
    d = date.fromisoformat(monday)
    return ok(phrase, monday, date.fromordinal(d.toordinal() + 6).isoformat(), "week", ahead=ahead)


ROWS = [
    # -- the first list ---------------------------------------------------------------
    ok("10-14 Feb 2025", "2025-02-10", "2025-02-14", "range"),
    ok("Feb 17-18", "2025-02-17", "2025-02-18", "range"),
    ok("2025/02/10", "2025-02-10"),
    ok("2025-02-10/2025-02-14", "2025-02-10", "2025-02-14", "range"),
    ok("between 10 and 14 Feb", "2025-02-10", "2025-02-14", "range"),
    ok("14th", "2025-02-14"),
    ok("Fri", "2025-02-14"),
    ok("2024", "2024-01-01", "2024-12-31", "year"),
    no("Dec 9999", "outside the years"),
    ok("Thursday", "2025-02-20", ahead=True),
    # -- the second list --------------------------------------------------------------
    ok("17–18 February 2025", "2025-02-17", "2025-02-18", "range"),
    ok("10 to 14 February", "2025-02-10", "2025-02-14", "range"),
    ok("31 Jan - 2 Feb 2025", "2025-01-31", "2025-02-02", "range"),
    week("2025-02-10", "the week of 10 February"),
    ok("day before yesterday", "2025-02-16"),
    week("2025-02-10", "a week ago"),
    week("2025-02-03", "two weeks ago"),
    ok("last Wed", "2025-02-12"),
    ok("earlier this week", "2025-02-17"),
    ok("last weekend", "2025-02-15", "2025-02-16", "weekend"),
    week("2025-02-03", "first week of February"),  # the first Monday-to-Sunday week mostly in February
    ok("end of January", "2025-01-21", "2025-01-31", "part"),
    ok("beginning of February", "2025-02-01", "2025-02-10", "part"),
    ok("around 10 February", "2025-02-07", "2025-02-13", "around"),
    ok("in January", "2025-01-01", "2025-01-31", "month"),
    ok("last year", "2024-01-01", "2024-12-31", "year"),
    ok("Q4 2024", "2024-10-01", "2024-12-31", "quarter"),
    ok("autumn 2024", "2024-09-01", "2024-11-30", "season"),
    ok("early 2025", "2025-01-01", "2025-04-30", "part"),
    ok("late 2024", "2024-09-01", "2024-12-31", "part"),
    week("2025-03-03", "in two weeks", ahead=True),
    ok("10.02.2025", "2025-02-10"),
    ok("18 Feb 2025 14:00 UTC", "2025-02-18", at="14:00Z"),
    # -- complete dates, every way they are written -------------------------------------------
    ok("2025-02-18", "2025-02-18"),
    ok("2025.02.18", "2025-02-18"),
    ok("2025-2-5", "2025-02-05"),
    ok("18 Feb 2025", "2025-02-18"),
    ok("18 feb. 2025", "2025-02-18"),
    ok("Feb 18, 2025", "2025-02-18"),
    ok("February 18th, 2025", "2025-02-18"),
    ok("18 February 2025", "2025-02-18"),
    ok("Tuesday 18 February 2025", "2025-02-18"),
    ok("Tue, 18 Feb 2025", "2025-02-18"),
    ok("Tuesday, February 18, 2025", "2025-02-18"),
    ok("the 18th of February 2025", "2025-02-18"),
    ok("on 10 Feb 2025", "2025-02-10"),
    ok("18.02.2025", "2025-02-18"),
    ok("18/02/2025", "2025-02-18"),  # 18 cannot be a month
    ok("02/18/2025", "2025-02-18"),
    ok("05/05/2025", "2025-05-05"),  # day and month the same either way
    ok("29 Feb 2024", "2024-02-29"),
    ok("1 Jan 1800", "1800-01-01"),
    ok("31 Dec 2200", "2200-12-31"),
    ok("Sept 30 2024", "2024-09-30"),
    ok("18-Feb-2025", "2025-02-18"),
    no("18-Feb-25", "two-digit year"),
    no("Q1 '25", "two-digit year"),
    # -- foreign month names and digits -------------------------------------------------------
    ok("18 février 2025", "2025-02-18"),
    ok("18 fevrier 2025", "2025-02-18"),
    ok("18 févr. 2025", "2025-02-18"),
    ok("1er mars 2025", "2025-03-01"),
    ok("18. Februar 2025", "2025-02-18"),
    ok("März 2025", "2025-03-01", "2025-03-31", "month"),
    ok("Dezember 2024", "2024-12-01", "2024-12-31", "month"),
    ok("18 de febrero de 2025", "2025-02-18"),
    ok("enero 2025", "2025-01-01", "2025-01-31", "month"),
    ok("agosto 2024", "2024-08-01", "2024-08-31", "month"),
    ok("août 2024", "2024-08-01", "2024-08-31", "month"),
    ok("18 февраля 2025", "2025-02-18"),
    ok("18 февраля 2025 г.", "2025-02-18"),
    ok("5 мая 2024 года", "2024-05-05"),
    ok("январь 2025", "2025-01-01", "2025-01-31", "month"),
    ok("janvier", "2025-01-01", "2025-01-31", "month"),
    ok("٢٠٢٥-٠٢-١٨", "2025-02-18"),  # Arabic-Indic digits
    ok("١٨ Feb ٢٠٢٥", "2025-02-18"),
    ok("۲۰۲۵-۰۲-۱۸", "2025-02-18"),  # Persian digits
    ok("२०२४", "2024-01-01", "2024-12-31", "year"),  # Devanagari digits
    no("18 فبراير 2025", "not a date word"),  # Arabic month names are not read
    no("فبراير 2025", "not a date word"),
    no("18 Febbraio 2025", "not a date word"),  # nor Italian
    # -- times of day: with a zone, stored in UTC and marked so ('14:00Z'); without, as written --
    ok("18 Feb 2025 17:00 +03:00", "2025-02-18", at="14:00Z"),
    ok("18 Feb 2025 14:00 GMT", "2025-02-18", at="14:00Z"),
    ok("18 Feb 2025 14:00Z", "2025-02-18", at="14:00Z"),
    ok("18 Feb 2025 at 14:00", "2025-02-18", at="14:00"),
    ok("18 Feb 2025 2pm", "2025-02-18", at="14:00"),
    ok("18 Feb 2025 12am", "2025-02-18", at="00:00"),
    ok("18.02.2025 09:15", "2025-02-18", at="09:15"),
    ok("2025-02-18T14:00:00Z", "2025-02-18", at="14:00Z"),
    ok("2025-02-18T01:30:00+03:00", "2025-02-17", at="22:30Z"),  # the day changes in UTC
    ok("2025-02-17 23:30 -02:00", "2025-02-18", at="01:30Z"),
    ok("18 Feb 2025 14:00 UTC+01:00", "2025-02-18", at="13:00Z"),
    ok("yesterday at 9:30", "2025-02-17", at="09:30"),
    ok("18 Feb 2025 01:00 +03:00", "2025-02-17", at="22:00Z"),  # the evening before, in UTC
    ok("yesterday 23:30 -02:00", "2025-02-18", at="01:30Z"),
    ok("2025-02-20 10:00+03:00", "2025-02-20", at="07:00Z"),
    ok("Thursday 20 Feb 2025 at 10:00 GMT", "2025-02-20", at="10:00Z"),
    ok("20/02/2025 10:00", "2025-02-20", at="10:00"),
    no("18 Feb 2025 14:00 EST", "time zone"),
    no("18 Feb 2025 25:00", "not a time"),
    no("18 Feb 2025 13pm", "not a time"),
    no("18 Feb 2025 14:00 +15:00", "not a UTC offset"),
    no("18 Feb 2025 14:00 +14:30", "not a UTC offset"),
    no("Feb 2025 14:00", "single day"),
    # -- relative words -----------------------------------------------------------------------
    ok("today", "2025-02-18"),
    ok("yesterday", "2025-02-17"),
    ok("tomorrow", "2025-02-19", ahead=True),
    ok("the day before yesterday", "2025-02-16"),
    ok("day after tomorrow", "2025-02-20", ahead=True),
    ok("3 days ago", "2025-02-15"),
    ok("three days ago", "2025-02-15"),
    ok("10 days ago", "2025-02-08"),
    ok("in 3 days", "2025-02-21", ahead=True),
    ok("two days from now", "2025-02-20", ahead=True),
    ok("a month ago", "2025-01-01", "2025-01-31", "month"),
    ok("two months ago", "2024-12-01", "2024-12-31", "month"),
    ok("in a month", "2025-03-01", "2025-03-31", "month", ahead=True),
    ok("a year ago", "2024-01-01", "2024-12-31", "year"),
    week("2025-02-17", "this week"),
    week("2025-02-10", "last week"),
    week("2025-02-24", "next week", ahead=True),
    ok("this weekend", "2025-02-22", "2025-02-23", "weekend", ahead=True),
    ok("this month", "2025-02-01", "2025-02-28", "month"),
    ok("last month", "2025-01-01", "2025-01-31", "month"),
    ok("next month", "2025-03-01", "2025-03-31", "month", ahead=True),
    ok("this year", "2025-01-01", "2025-12-31", "year"),
    ok("next year", "2026-01-01", "2026-12-31", "year", ahead=True),
    ok("this quarter", "2025-01-01", "2025-03-31", "quarter"),
    ok("last quarter", "2024-10-01", "2024-12-31", "quarter"),
    ok("next quarter", "2025-04-01", "2025-06-30", "quarter", ahead=True),
    ok("last Friday", "2025-02-14"),
    ok("last Tuesday", "2025-02-11"),  # said on a Tuesday: a week ago
    ok("next Tuesday", "2025-02-25", ahead=True),
    ok("this Friday", "2025-02-21", ahead=True),
    ok("later this week", "2025-02-19", "2025-02-23", "range", ahead=True),
    ok("earlier this month", "2025-02-01", "2025-02-17", "range"),
    ok("later this month", "2025-02-19", "2025-02-28", "range", ahead=True),
    ok("earlier this year", "2025-01-01", "2025-02-17", "range"),
    ok("last summer", "2024-06-01", "2024-08-31", "season"),
    ok("last autumn", "2024-09-01", "2024-11-30", "season"),
    ok("last winter", "2023-12-01", "2024-02-29", "season"),  # this winter is still going on
    ok("this winter", "2024-12-01", "2025-02-28", "season"),
    ok("next spring", "2025-03-01", "2025-05-31", "season", ahead=True),
    # -- a weekday alone, both directions -----------------------------------------------------
    ok("Fri", "2025-02-21", ahead=True),
    ok("Thursday", "2025-02-13"),
    ok("Tuesday", "2025-02-18"),  # today, either way
    ok("Tuesday", "2025-02-18", ahead=True),
    ok("Monday", "2025-02-17"),
    ok("Monday", "2025-02-24", ahead=True),
    ok("Sat", "2025-02-15"),
    ok("Sunday", "2025-02-23", ahead=True),
    ok("Wed.", "2025-02-12"),
    ok("on Friday", "2025-02-14"),
    # -- a day of the month alone, both directions --------------------------------------------
    ok("14th", "2025-03-14", ahead=True),
    ok("18th", "2025-02-18"),
    ok("18th", "2025-02-18", ahead=True),
    ok("20th", "2025-01-20"),
    ok("20th", "2025-02-20", ahead=True),
    ok("31st", "2025-01-31"),
    ok("31st", "2025-03-31", ahead=True),  # February has no 31st
    ok("30th", "2025-03-30", ahead=True),
    ok("the 3rd", "2025-02-03"),
    ok("on the 3rd", "2025-03-03", ahead=True),
    ok("Friday 14th", "2025-02-14"),
    ok("Friday 14th", "2025-03-14", ahead=True),
    no("Thursday 14th", "not a Thursday"),
    no("32nd", "out of range"),
    # -- a day and month, both directions -----------------------------------------------------
    ok("14 Feb", "2025-02-14"),
    ok("14 Feb", "2026-02-14", ahead=True),
    ok("Feb 14th", "2025-02-14"),
    ok("18 Feb", "2025-02-18", ahead=True),
    ok("March 10th", "2024-03-10"),
    ok("March 10th", "2025-03-10", ahead=True),
    ok("25 Dec", "2024-12-25"),
    ok("25 Dec", "2025-12-25", ahead=True),
    ok("1 January", "2025-01-01"),
    ok("1 January", "2026-01-01", ahead=True),
    ok("29 Feb", "2024-02-29"),
    ok("29 Feb", "2028-02-29", ahead=True),  # the next leap day
    ok("Fri 14 Feb", "2025-02-14"),
    ok("Fri 14 Feb", "2025-02-14", ahead=True),  # the weekday gives the year: 14 Feb 2026 is a Saturday
    ok("Monday 24 Feb", "2025-02-24"),  # likewise: 24 Feb 2024 was a Saturday
    no("Thursday 14 Feb", "not a Thursday"),  # no year near has a Thursday 14 Feb
    ok("on 10 February", "2025-02-10"),
    ok("the 18th of February", "2025-02-18"),
    no("Feb 30", "impossible"),
    no("31 April", "impossible"),
    # -- a month, both directions -------------------------------------------------------------
    ok("March", "2024-03-01", "2024-03-31", "month"),
    ok("March", "2025-03-01", "2025-03-31", "month", ahead=True),
    ok("February", "2025-02-01", "2025-02-28", "month"),
    ok("February", "2025-02-01", "2025-02-28", "month", ahead=True),
    ok("January", "2026-01-01", "2026-01-31", "month", ahead=True),
    ok("Dec", "2024-12-01", "2024-12-31", "month"),
    ok("in December", "2025-12-01", "2025-12-31", "month", ahead=True),
    ok("Feb 2025", "2025-02-01", "2025-02-28", "month"),
    ok("February 2024", "2024-02-01", "2024-02-29", "month"),
    ok("Sept 2024", "2024-09-01", "2024-09-30", "month"),
    ok("March of 2024", "2024-03-01", "2024-03-31", "month"),
    # -- part of a month, both directions -----------------------------------------------------
    ok("early March", "2024-03-01", "2024-03-10", "part"),
    ok("early March", "2025-03-01", "2025-03-10", "part", ahead=True),
    ok("mid-February", "2025-02-11", "2025-02-20", "part"),
    ok("mid-February", "2025-02-11", "2025-02-20", "part", ahead=True),
    ok("early February", "2026-02-01", "2026-02-10", "part", ahead=True),
    ok("late January", "2025-01-21", "2025-01-31", "part"),
    ok("late January", "2026-01-21", "2026-01-31", "part", ahead=True),
    ok("end of March", "2025-03-21", "2025-03-31", "part", ahead=True),
    ok("start of December", "2024-12-01", "2024-12-10", "part"),
    ok("late Feb 2025", "2025-02-21", "2025-02-28", "part"),
    ok("late February 2024", "2024-02-21", "2024-02-29", "part"),
    ok("middle of March 2025", "2025-03-11", "2025-03-20", "part"),
    ok("mid February 2024", "2024-02-11", "2024-02-20", "part"),
    # -- part of a year -----------------------------------------------------------------------
    ok("mid-2024", "2024-05-01", "2024-08-31", "part"),
    ok("end of 2024", "2024-09-01", "2024-12-31", "part"),
    ok("beginning of 2025", "2025-01-01", "2025-04-30", "part"),
    # -- seasons, both directions -------------------------------------------------------------
    ok("autumn", "2024-09-01", "2024-11-30", "season"),
    ok("autumn", "2025-09-01", "2025-11-30", "season", ahead=True),
    ok("summer", "2024-06-01", "2024-08-31", "season"),
    ok("summer", "2025-06-01", "2025-08-31", "season", ahead=True),
    ok("spring", "2024-03-01", "2024-05-31", "season"),
    ok("spring", "2025-03-01", "2025-05-31", "season", ahead=True),
    ok("winter", "2024-12-01", "2025-02-28", "season"),  # the one going on
    ok("winter", "2024-12-01", "2025-02-28", "season", ahead=True),
    ok("fall 2024", "2024-09-01", "2024-11-30", "season"),
    ok("summer of 2023", "2023-06-01", "2023-08-31", "season"),
    ok("in summer 2024", "2024-06-01", "2024-08-31", "season"),
    no("winter 2025", "which winter"),
    ok("winter 2024-25", "2024-12-01", "2025-02-28", "season"),
    ok("winter 2024/2025", "2024-12-01", "2025-02-28", "season"),
    ok("winter 2024–25", "2024-12-01", "2025-02-28", "season"),
    no("winter 2024-26", "one year into the next"),
    no("spring 2024-25", "only a winter"),
    # -- quarters and halves, both directions -------------------------------------------------
    ok("Q4", "2024-10-01", "2024-12-31", "quarter"),
    ok("Q4", "2025-10-01", "2025-12-31", "quarter", ahead=True),
    ok("Q1", "2025-01-01", "2025-03-31", "quarter"),
    ok("Q2", "2024-04-01", "2024-06-30", "quarter"),
    ok("Q2", "2025-04-01", "2025-06-30", "quarter", ahead=True),
    ok("2024 Q3", "2024-07-01", "2024-09-30", "quarter"),
    ok("2024-Q3", "2024-07-01", "2024-09-30", "quarter"),
    ok("Q3/2024", "2024-07-01", "2024-09-30", "quarter"),
    ok("first quarter of 2025", "2025-01-01", "2025-03-31", "quarter"),
    ok("last quarter of 2024", "2024-10-01", "2024-12-31", "quarter"),
    ok("third quarter", "2024-07-01", "2024-09-30", "quarter"),
    no("Q5 2024"),
    ok("H1 2025", "2025-01-01", "2025-06-30", "half"),
    ok("H2 2024", "2024-07-01", "2024-12-31", "half"),
    ok("H2", "2024-07-01", "2024-12-31", "half"),
    ok("H2", "2025-07-01", "2025-12-31", "half", ahead=True),
    ok("first half of 2025", "2025-01-01", "2025-06-30", "half"),
    ok("second half of 2024", "2024-07-01", "2024-12-31", "half"),
    # -- years --------------------------------------------------------------------------------
    ok("2025", "2025-01-01", "2025-12-31", "year"),
    ok("year 2024", "2024-01-01", "2024-12-31", "year"),
    ok("in 2023", "2023-01-01", "2023-12-31", "year"),
    ok("during 2022", "2022-01-01", "2022-12-31", "year"),
    ok("1800", "1800-01-01", "1800-12-31", "year"),
    ok("2200", "2200-01-01", "2200-12-31", "year"),
    ok("2023-2025", "2023-01-01", "2025-12-31", "range"),
    no("1799", "outside the years"),
    no("2201", "outside the years"),
    no("9999", "outside the years"),
    no("18 Feb 1700", "outside the years"),
    no("around 10 Feb 3000", "outside the years"),
    no("Q1 2500", "outside the years"),
    # -- weeks --------------------------------------------------------------------------------
    week("2025-02-10", "week of 10 Feb"),
    week("2025-02-10", "week of 12 Feb"),
    week("2025-02-10", "w/c 10 Feb"),
    week("2025-02-10", "week commencing 10 February 2025"),
    week("2025-03-03", "week of 3 March", ahead=True),
    week("2025-02-10", "2025-W07"),
    week("2025-02-17", "2025W08"),
    week("2024-12-30", "2025-W01"),
    week("2020-12-28", "2020-W53"),
    no("2025-W53", "no ISO week 53"),
    week("2025-02-10", "week 7"),
    week("2026-02-09", "week 7", ahead=True),
    week("2025-02-17", "week 8", ahead=True),
    week("2025-03-03", "week 10 of 2025"),
    week("2025-01-27", "last week of January"),
    week("2025-03-10", "second week of March", ahead=True),
    week("2024-03-11", "second week of March"),
    week("2024-12-30", "first week of January 2025"),
    week("2024-12-23", "week 52"),
    week("2025-12-22", "week 52", ahead=True),
    week("2025-12-29", "week 1", ahead=True),  # ISO week 1 of 2026 begins in December
    week("2024-02-26", "last week of February"),  # this year's has not begun
    week("2025-02-24", "last week of February", ahead=True),
    # -- weekends -----------------------------------------------------------------------------
    ok("weekend", "2025-02-15", "2025-02-16", "weekend"),
    ok("weekend", "2025-02-22", "2025-02-23", "weekend", ahead=True),
    ok("the weekend", "2025-02-15", "2025-02-16", "weekend"),
    ok("over the weekend", "2025-02-15", "2025-02-16", "weekend"),
    ok("weekend of 15 Feb", "2025-02-15", "2025-02-16", "weekend"),
    ok("weekend of 14 Feb", "2025-02-15", "2025-02-16", "weekend"),
    ok("weekend of 8 March", "2025-03-08", "2025-03-09", "weekend", ahead=True),
    # -- ranges -------------------------------------------------------------------------------
    ok("from 10 to 14 February", "2025-02-10", "2025-02-14", "range"),
    ok("10-14 Feb", "2026-02-10", "2026-02-14", "range", ahead=True),
    ok("Feb 10 - 14", "2025-02-10", "2025-02-14", "range"),
    ok("10 Feb 2025 - 14 Feb 2025", "2025-02-10", "2025-02-14", "range"),
    ok("2025-02-10..2025-02-14", "2025-02-10", "2025-02-14", "range"),
    ok("1 - 3 March 2025", "2025-03-01", "2025-03-03", "range"),
    ok("3rd to 7th March 2025", "2025-03-03", "2025-03-07", "range"),
    ok("28 Dec 2024 - 3 Jan 2025", "2024-12-28", "2025-01-03", "range"),
    ok("28 Dec - 3 Jan", "2024-12-28", "2025-01-03", "range"),
    ok("28 Dec - 3 Jan", "2025-12-28", "2026-01-03", "range", ahead=True),
    ok("2024-12-30..2025-01-02", "2024-12-30", "2025-01-02", "range"),
    ok("Jan-Mar 2025", "2025-01-01", "2025-03-31", "range"),
    ok("January to March 2025", "2025-01-01", "2025-03-31", "range"),
    ok("between January and March 2025", "2025-01-01", "2025-03-31", "range"),
    ok("Dec 2024 - Feb 2025", "2024-12-01", "2025-02-28", "range"),
    ok("2024-2025", "2024-01-01", "2025-12-31", "range"),
    ok("Mon 10 - Fri 14 Feb 2025", "2025-02-10", "2025-02-14", "range"),
    no("Tue 10 - Fri 14 Feb 2025", "not a Tuesday"),
    no("14-10 Feb 2025", "before it starts"),
    ok("10 Feb - yesterday", "2025-02-10", "2025-02-17", "range"),
    ok("10 Feb 2025 to today", "2025-02-10", "2025-02-18", "range"),
    ok("10 Feb - 14 Mar", "2025-02-10", "2025-03-14", "range"),
    ok("until 10 Mar 2025", FLOOR, "2025-03-10", "range"),
    ok("from 10 Mar 2025 on", "2025-03-10", CEILING, "range"),
    ok("since January", "2025-01-01", CEILING, "range"),
    ok("until 10 Feb", FLOOR, "2025-02-10", "range"),
    ok("up to 10 Feb", FLOOR, "2026-02-10", "range", ahead=True),
    ok("until March", FLOOR, "2024-03-31", "range"),
    ok("till March", FLOOR, "2025-03-31", "range", ahead=True),
    ok("from 10 Feb onwards", "2025-02-10", CEILING, "range"),
    ok("Feb 17-18, 2025", "2025-02-17", "2025-02-18", "range"),
    ok("February 17–18, 2024", "2024-02-17", "2024-02-18", "range"),
    ok("Feb 10 - Mar 3, 2025", "2025-02-10", "2025-03-03", "range"),
    ok("Nov 2024 - Jan", "2024-11-01", "2025-01-31", "range"),
    ok("Dec 31 - Jan 2, 2025", "2024-12-31", "2025-01-02", "range"),
    ok("December 2024 to February", "2024-12-01", "2025-02-28", "range"),
    ok("10 Feb 2020 - March", "2020-02-10", "2020-03-31", "range"),  # the year of the other end
    ok("late Dec - Q1 2025", "2024-12-21", "2025-03-31", "range"),
    no("mid-Dec - 7 Dec 2047", "before it starts"),
    # 30 Aug is a Sunday only in 2026, which no direction picks from February 2025: not read as 2026
    no("week 28 - Sunday 30 Aug", "30 Aug 2024 is a Friday, not a Sunday; give the year"),
    ok("July - July", "2024-07-01", "2024-07-31", "month"),
    ok("Nov-Jan", "2024-11-01", "2025-01-31", "range"),
    ok("Nov-Jan", "2025-11-01", "2026-01-31", "range", ahead=True),
    ok("Q4-Q1", "2024-10-01", "2025-03-31", "range"),
    no("2024 to 2020", "before it starts"),
    ok("Mon 10 - Fri 14 Feb", "2025-02-10", "2025-02-14", "range"),
    ok("Mon 10 - Fri 14 Feb", "2025-02-10", "2025-02-14", "range", ahead=True),
    ok("between 2020 and 2024", "2020-01-01", "2024-12-31", "range"),
    ok("the 1990s", "1990-01-01", "1999-12-31", "range"),
    no("the 1900s", "decade"),
    no("10-14"),
    # -- hedges -------------------------------------------------------------------------------
    ok("around 10 Feb 2025", "2025-02-07", "2025-02-13", "around"),
    ok("about 14 Feb", "2025-02-11", "2025-02-17", "around"),
    ok("c. Feb 2025", "2025-02-01", "2025-02-28", "month", flags="~"),
    ok("circa 2024", "2024-01-01", "2024-12-31", "year", flags="~"),
    ok("around Q4 2024", "2024-10-01", "2024-12-31", "quarter", flags="~"),
    ok("18 Feb 2025?", "2025-02-18", flags="?"),
    ok("probably 14 Feb 2025", "2025-02-14", flags="?"),
    ok("possibly March 2024", "2024-03-01", "2024-03-31", "month", flags="?"),
    # -- EDTF ---------------------------------------------------------------------------------
    ok("2025-02~", "2025-02-01", "2025-02-28", "month", flags="~"),
    ok("2025-02-14?", "2025-02-14", flags="?"),
    ok("2025-02-14~", "2025-02-11", "2025-02-17", "around"),
    ok("2025-02-14%", "2025-02-11", "2025-02-17", "around", flags="?"),
    ok("2024-XX", "2024-01-01", "2024-12-31", "year"),
    ok("2025-02-1X", "2025-02-10", "2025-02-19", "range"),
    ok("2024-23", "2024-09-01", "2024-11-30", "season"),
    ok("2024-24", "2024-12-01", "2025-02-28", "season"),
    ok("201X", "2010-01-01", "2019-12-31", "range"),
    ok("../2025-03-10", FLOOR, "2025-03-10", "range"),
    ok("2025-03-10/..", "2025-03-10", CEILING, "range"),
    ok("2024-10/2024-12", "2024-10-01", "2024-12-31", "quarter"),
    ok("2025~", "2025-01-01", "2025-12-31", "year", flags="~"),
    no("-1985", "outside the years"),
    ok("2025-25", "2025-03-01", "2025-05-31", "season"),  # level 2's northern spring
    ok("1999-26", "1999-06-01", "1999-08-31", "season"),
    no("2025-26", "is ambiguous: the years 2025 to 2026"),  # level 2's summer, or two years?
    no("2024-25", "is ambiguous: the years 2024 to 2025"),
    no("2023-24", "is ambiguous: the years 2023 to 2024"),  # level 1's winter 2023, or two years?
    ok("2025-02/2025-02", "2025-02-01", "2025-02-28", "month"),
    no("2025-02-18T14:00:00+14:30", "not a UTC offset"),
    no("Y170000002", "outside the years"),
    no("Y-17E7", "outside the years"),
    no("2025-02-30", "impossible"),
    no("2025-13", "month 13"),
    # -- refused: ambiguous, impossible, contradictory, unknown --------------------------------
    no("Monday 18 February 2025", "is a Tuesday"),
    no("Fri 15 Feb 2025", "is a Saturday"),
    no("03/04/2025", "ambiguous"),
    no("12/11/2024", "ambiguous"),
    no("18/02/25", "two-digit year"),
    no("18 Feb 25", "two-digit year"),
    no("18.02.25", "two-digit year"),
    no("Feb '25", "two-digit year"),
    no("30 Feb 2025", "impossible"),
    no("29 Feb 2025", "impossible"),
    no("2025-13-01", "month 13"),
    no("32 Jan 2025", "out of range"),
    no("31/02/2025", "out of range"),
    no("2025-02-00", "impossible"),
    no("soon", "'soon' is not a date word"),
    no("the day after", "could not read"),
    no("18 Feb 2025 foo", "'foo' is not a date word"),
    no("", "empty"),
    no("   ", "empty"),
    no("forever"),
    # -- an audit's findings: each was read wrong (or refused unhelpfully) before ----------------
    # A weekday confirms the year the direction picks; it does not move the date to another year.
    no("Sat 14 Feb", "14 Feb 2025 is a Friday, not a Saturday; give the year"),  # was 14 Feb 2026
    ok("Sat 14 Feb", "2026-02-14", ahead=True),  # the next 14 Feb is a Saturday
    ok("Sat 15 Feb", "2025-02-15"),
    no("Sunday 1 March", "1 Mar 2024 is a Friday, not a Sunday; give the year"),  # was 1 Mar 2026
    no("Wednesday 18 Feb", "18 Feb 2025 is a Tuesday, not a Wednesday; give the year", ahead=True),  # was 2026
    no("Sat 10 Feb - Sun 11 Feb", "10 Feb 2026 is a Tuesday, not a Saturday; give the year", ahead=True),  # was 2024
    no("Sat 10 Feb - Sun 11 Feb", "10 Feb 2025 is a Monday, not a Saturday; give the year"),  # was 2024
    no("Wed 15th", "15 Feb 2025 is a Saturday, not a Wednesday; give the month and year"),  # was 15 Jan
    no("Wed 15th", "15 Mar 2025 is a Saturday, not a Wednesday", ahead=True),  # was 15 Jan, in the past
    # ...except a day near at hand (two weeks), against the direction: "Monday 24 Feb" above
    ok("Tue 4 Mar", "2025-03-04"),  # 14 days on: 4 Mar 2024 was a Monday
    no("Wed 5 Mar", "5 Mar 2024 is a Tuesday, not a Wednesday"),  # 15 days on: was 5 Mar 2025
    no("Fri 7 March", "7 Mar 2024 is a Thursday, not a Friday"),  # was 7 Mar 2025
    # A week the direction's year does not have is refused, not found in another year.
    no("week 53", "2024 has no ISO week 53, in 'week 53' (the latest is 2020-W53)"),  # was 2026-W53
    no("week 53", "2025 has no ISO week 53, in 'week 53' (the next is 2026-W53)", ahead=True),
    no("until week 53", "2024 has no ISO week 53"),
    no("from week 53 on", "2024 has no ISO week 53"),
    week("2026-12-28", "week 53 of 2026"),
    no("week 54", "ISO weeks run from 1 to 53"),
    # Messages that say what is wrong.
    no("2025-02-10/14", "write both ends of an interval in full, e.g. '2025-02-10/2025-02-14'"),
    no("2025-02-10/03-14", "e.g. '2025-02-10/2025-03-14'"),
    no("20250214", "write a date with its hyphens, 2025-02-14"),
    no("20251314", "is not a date"),
    no("2024-33", "or EDTF's code 33 in 2024 (Q1 2024)? write '2024-2033' for the years, or 'Q1 2024'"),
    # One mark of doubt at a time ('%' is both).
    no("2025~~", "one mark of doubt at a time"),
    no("2025??", "one mark of doubt at a time"),
    no("2025-02-14?~", "one mark of doubt at a time"),
]


def test_the_table_is_large_and_has_no_repeats():
    assert len(ROWS) >= 220
    keys = [(r.phrase, r.direction) for r in ROWS]
    assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_phrase(row: Row):
    ahead = row.direction == "ahead"
    if row.earliest is None:
        with pytest.raises(DateParseError) as err:
            parse_occurred(row.phrase, REF, ahead=ahead)
        assert row.refusal in str(err.value)
        return
    occ = parse_occurred(row.phrase, REF, ahead=ahead)
    got = (occ.earliest.isoformat(), occ.latest.isoformat(), occ.precision)
    assert got == (row.earliest, row.latest, row.precision)
    assert occ.time == (time.fromisoformat(row.at) if row.at else None)
    flags = {(False, False): "", (True, False): "~", (False, True): "?", (True, True): "%"}
    assert flags[(occ.approximate, occ.uncertain)] == row.flags
    assert isinstance(occ, Occurred)

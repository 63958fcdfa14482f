"""Dates as people write them, resolved against the day they were reported.

One entry point, `parse_occurred`, used by the command line, the terminal UI and import. It never
guesses: a phrase is read only when a rule here accounts for every word of it, else it is refused
with the reason and examples. What it reads (the README's "Dates" section lists them for users):

- complete dates: ISO `2025-02-18`, `2025/02/18`, `18 Feb 2025`, `Feb 18, 2025`, `Tuesday 18 February
  2025`, `18-Feb-2025`, `18.02.2025` (always day first), `18/02/2025` only when day and month cannot
  be swapped; month names in English, French, German, Spanish and Russian; any script's digits; a
  year is written in full (`18/02/25`, `Feb '25` are refused);
- EDTF (events.edtf): `2025-02~`, `2025-02-14?`, `2024-XX`, `2024-23`, `2025-02-10/2025-02-14`, `../2025-03-10`;
- a time: `18 Feb 2025 14:00`, with `UTC`, `GMT`, `Z` or an offset `+03:00` (stored in UTC);
- coarser dates: `2024`, `the 1990s`, `H1 2025`, `Q4 2024`, `autumn 2024`, `winter 2024-25`, `Feb 2025`, `early 2025`,
  `mid-February`, `end of January`, `week of 10 Feb`, `2025-W07`, `first week of February`, `last weekend`;
- ranges: `10-14 Feb 2025`, `Feb 17-18`, `Feb 17-18, 2025`, `31 Jan - 2 Feb 2025`, `between 10 and 14
  Feb`, `10 to 14 February`, `A..B`; open ones: `until 10 Mar 2025`, `from 10 Mar 2025 on`; an end
  written without its year takes it from the other end (`10 Feb 2020 - March` ends in March 2020);
- words relative to the report's day: `yesterday`, `day before yesterday`, `3 days ago`, `two weeks
  ago`, `in two weeks`, `last Wed`, `next Thursday`, `earlier this week`, `later this month`, `last year`;
- hedges: `around 10 Feb` (that day +-3 days), `c. Feb 2025` (approximate), `18 Feb 2025?` (uncertain).

Direction: a date written without its year ("14 Feb", "Thursday", "March", "14th") could fall in
more than one place. A date that happened takes the latest one that began on or before the report's
day; a planned date (`ahead=True`) the earliest one that ends on or after it. A weekday written with
the date must agree with the place the direction picks: "Sat 14 Feb" of something that happened,
reported on Tuesday 18 Feb 2025, is refused (14 Feb 2025 is a Friday; give the year), never read as
14 Feb 2026. Only a day near at hand (NEAR_AT_HAND, two weeks) may lie against the direction:
"Monday 24 Feb" in that report is the next Monday, 24 Feb 2025. A week number works the same way:
"week 53" in February 2025 is refused (2024 has none), not read as 2026-W53. In "until March" the
direction picks the March. Relative words ("next month", "last Wed") mean the same whatever the
direction.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Literal

from pydantic import ValidationError

from events.edtf import EDTFError, parse_edtf, utc_offset
from events.occurred import CEILING, FLOOR, YEARS, Occurred, in_bounds

EXAMPLES = (
    "e.g. 2025-02-18, '18 Feb 2025', '18.02.2025', 'yesterday', 'last Wed', '3 days ago', 'week of "
    "10 Feb', '10-14 Feb 2025', 'early March', 'Q4 2024', 'autumn 2024', '2024', 'around 10 Feb', "
    "'2025-02~' (EDTF)"
)

WEEKDAYS = {
    name: i
    for i, names in enumerate([
        ("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"),
        ("thursday", "thu", "thur", "thurs"), ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"),
    ])
    for name in names
}
# English, French, German, Spanish and Russian (nominative and genitive), with common abbreviations.
# Spanish 'ago' (agosto) is left out: it would collide with English "ago".
MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january", "janvier", "janv", "januar", "jänner", "enero", "ene",
             "январь", "января", "янв"),
            ("feb", "february", "février", "fevrier", "févr", "fevr", "februar", "febrero",
             "февраль", "февраля", "фев", "февр"),
            ("mar", "march", "mars", "märz", "maerz", "marzo", "март", "марта"),
            ("apr", "april", "avril", "avr", "abril", "abr", "апрель", "апреля", "апр"),
            ("may", "mai", "mayo", "май", "мая"),
            ("jun", "june", "juin", "juni", "junio", "июнь", "июня", "июн"),
            ("jul", "july", "juillet", "juil", "juli", "julio", "июль", "июля", "июл"),
            ("aug", "august", "août", "aout", "agosto", "август", "августа", "авг"),
            ("sep", "sept", "september", "septembre", "septiembre", "setiembre",
             "сентябрь", "сентября", "сен", "сент"),
            ("oct", "october", "octobre", "oktober", "okt", "octubre", "октябрь", "октября", "окт"),
            ("nov", "november", "novembre", "noviembre", "ноябрь", "ноября", "ноя"),
            ("dec", "december", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic",
             "декабрь", "декабря", "дек"),
        ],
        start=1,
    )
    for name in names
}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "last": -1}
PARTS = {"early": "early", "beginning of": "early", "start of": "early", "mid": "mid",
         "middle of": "mid", "late": "late", "end of": "late"}
SEASON_WORDS = {"spring": "spring", "summer": "summer", "autumn": "autumn", "fall": "autumn",
                "winter": "winter"}

_MON = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_WD = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MONTH = rf"(?P<mon>{_MON})\.?"
_WEEKDAY = rf"(?:(?P<wd>{_WD})\.?\s+)?"
_DAY = r"(?P<day>\d{1,2})(?P<suffix>st|nd|rd|th|er|\.)?"
_YEAR = r"(?P<year>\d{4})(?:\s*(?:г\.?|года|год))?"
_NTH = "|".join(ORDINALS)
_NUM = r"(?P<n>\d{1,3}|" + "|".join(NUMBERS) + ")"

# Day, month and year as written in words: "18 Feb 2025", "Feb 18th", "18. Februar", "18 de febrero de 2025".
_TEXT_FORMS = [
    re.compile(rf"{_WEEKDAY}{_DAY}\s+(?:of\s+|de\s+)?{_MONTH}(?:\s+(?:de\s+|del\s+)?{_YEAR})?"),
    re.compile(rf"{_WEEKDAY}(?P<day>\d{{1,2}})-(?P<mon>{_MON})\.?-(?P<year>\d{{4}})"),
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+{_DAY}(?:\s+{_YEAR})?"),
    re.compile(rf"{_MONTH}(?:\s+(?:of\s+|de\s+)?{_YEAR})?"),
    re.compile(rf"{_WEEKDAY}{_DAY}"),
]
_ISO = re.compile(r"(?P<year>\d{4})[-/.](?P<mon>\d{1,2})[-/.](?P<day>\d{1,2})", re.ASCII)
_DOTTED = re.compile(rf"{_WEEKDAY}(?P<day>\d{{1,2}})\.(?P<mon>\d{{1,2}})\.(?P<year>\d{{4}})")
_SLASHED = re.compile(rf"{_WEEKDAY}(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<year>\d{{4}})")
_SHORT_YEAR = re.compile(
    r"\d{1,2}[./-]\d{1,2}[./-]\d{2}|\d{1,2}\s+\w+\.?\s+'?\d{2}|\d{1,2}-[^\W\d_]+\.?-\d{2}")
# "Feb '25", "Q1 '25": an apostrophe before two digits is a year with its century left out.
_APOSTROPHE_YEAR = re.compile(r"(?<![\w'])['’‘]\d{2}(?!\d)")
# A date written month first, its year after the second day: "Feb 17-18, 2025" (the right end).
_DAY_YEAR = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<year>\d{4})")
_TIME = re.compile(
    r"(?P<rest>.*?)(?:\s+|t)(?:at\s+|à\s+|um\s+)?(?P<h>\d{1,2})(?::(?P<min>\d{2})(?::(?P<sec>\d{2}))?)?"
    r"\s*(?P<ampm>am|pm|a\.m\.|p\.m\.)?(?:\s*(?P<tz>utc|gmt|z)?(?P<off>[+-]\d{1,2}(?::?\d{2})?)?)?"
)
_RANGE_SEP = re.compile(r"\s*(?:\.\.|-)\s*|\s+(?:to|until|till|through|thru|and)\s+")
_QUALIFIERS_BEFORE = re.compile(
    r"(?P<word>around|about|circa|c\.|ca\.|approximately|approx\.|roughly|~|probably|possibly)\s*(?P<rest>.+)"
)
_YEAR_WRITTEN = re.compile(r"(?<!\d)\d{4}(?!\d)")
_LEADING = ("on ", "in ", "during ", "over ", "le ", "am ", "el ")

_WORDS = (
    set(WEEKDAYS) | set(MONTHS) | set(NUMBERS) | set(ORDINALS) | set(SEASON_WORDS)
    | {w for p in PARTS for w in p.split()}
    | set(
        "today now yesterday tomorrow day days week weeks weekend month months year years ago in "  # noqa: SIM905
        "from since until till through thru to and between last next this earlier later before "
        "after the of on during around about circa c ca approximately approx roughly probably "
        "possibly quarter half h q w wc commencing over beginning starting utc gmt z at am pm st nd rd "
        "th er de del le el г года год"
        .split()
    )
)

Direction = Literal["back", "ahead"]
# A weekday written with a date names a day near at hand: within this many days of the report's day
# it may lie against the direction ("Monday 24 Feb", of something done, in a report of 18 Feb).
NEAR_AT_HAND = 14


class DateParseError(ValueError):
    """A date the rules cannot resolve, or can resolve more than one way."""


def parse_occurred(text: str, reference: date | None = None, *, ahead: bool = False) -> Occurred:
    """Resolve `text` to an interval with precision, relative to `reference` (default: today).

    `ahead` marks a planned date (a meeting scheduled, a postponement's new date): among the places
    a partial date could fall, it takes the first that is not over, not the last that has begun.
    """
    ref = reference or date.today()
    raw = text
    if len(text) > 100 or any(unicodedata.category(c) == "Cc" for c in text):
        raise DateParseError(f"not a date: {printable(text[:40])}...: expected {EXAMPLES}")
    s = _normalise(text)
    if not s:
        raise DateParseError(f"empty date: expected {EXAMPLES}")
    if not in_bounds(ref):
        raise DateParseError(f"report day {ref} is outside the years this tracker reads ({YEARS})")
    reader = _Reader(ref, "ahead" if ahead else "back", raw)
    try:
        cands = reader.phrase(s)
    except EDTFError as exc:
        raise DateParseError(str(exc)) from None
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise DateParseError(f"cannot read {raw!r}: {reason}") from None
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, DateParseError):
            raise
        raise DateParseError(f"cannot read {raw!r}: {exc}") from None
    if not cands:
        raise DateParseError(_unreadable(raw, s))
    return reader.pick(cands)


# What a date option means, once for every view (the command line's options, the TUI's filter bar,
# time-travel and diff dialogs): a range "from" a phrase starts on its first day; "to" a phrase,
# "as of" it and "known at" it run to its last day ("known at" to the end of that day, in UTC).
# So `--from "week of 10 Feb 2025"` and `--from 2025-02-10` select the same events.
Bound = Literal["from", "to", "as_of", "known_at", "reported_on"]


def bound_day(text: str, option: Bound, reference: date | None = None) -> date:
    """The day a date phrase stands for as the bound `option`: its first day for "from", its last
    day otherwise ("reported on last week" resolves relative words against the week's last day)."""
    occ = parse_occurred(text, reference)
    return occ.earliest if option == "from" else occ.latest


def end_of_day(day: date) -> datetime:
    """'Known at D': everything logged by the end of D (UTC)."""
    return datetime.combine(day, time.max, tzinfo=UTC)


def known_at(text: str, reference: date | None = None) -> datetime:
    """The moment a "known at" phrase stands for: the end of its last day."""
    return end_of_day(bound_day(text, "known_at", reference))


def printable(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


# -- reading ----------------------------------------------------------------------------------

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"))


def _normalise(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    # Digits of any script ("١٨" in Arabic-Indic) read as the number they are.
    s = "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in s)
    s = s.translate(_DASHES).lower().replace(",", " ")
    s = re.sub(r"\bthe\b", " ", s)
    return " ".join(s.split())


@dataclass(frozen=True)
class _Parts:
    """A date written in words or digits, perhaps without its year or month."""

    day: int | None
    month: int | None
    year: int | None
    weekday: int | None = None
    bare: bool = False  # a day number with no suffix ("10" in "10-14 Feb"): only valid in a range

    @property
    def unit(self) -> str:
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def span(self, text: str) -> tuple[date, date]:
        assert self.year is not None
        if self.day is None and self.month is None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        assert self.month is not None
        if self.day is None:
            m = Occurred.month_of(date(self.year, self.month, 1))
            return m.earliest, m.latest
        try:
            d = date(self.year, self.month, self.day)
        except ValueError as exc:
            raise DateParseError(f"impossible date {text!r}: {exc}") from None
        return d, d


class _Reader:
    def __init__(self, ref: date, direction: Direction, raw: str) -> None:
        self.ref, self.direction, self.raw = ref, direction, raw

    # Direction breaks the tie between the places a partial date could fall.
    def pick(self, cands: list[Occurred]) -> Occurred:
        unique = sorted(set(cands), key=lambda o: (o.earliest, o.latest))
        if len(unique) == 1:
            return unique[0]
        if self.direction == "back":
            begun = [o for o in unique if o.earliest <= self.ref]
            if begun:
                return begun[-1]
        else:
            open_ = [o for o in unique if o.latest >= self.ref]
            if open_:
                return open_[0]
        raise DateParseError(f"cannot tell which {self.raw!r} is meant: write it with its year")

    def pick_in(self, s: str) -> Occurred:
        found = self.single(s)
        if not found:
            raise DateParseError(_unreadable(self.raw, s))
        return self.pick(found)

    def phrase(self, s: str) -> list[Occurred]:
        """Every reading of `s` (several when its year is left out; empty when none)."""
        if s.endswith(("?", "~", "%")) and "/" not in s:
            q = s[-1]
            if s[:-1].rstrip().endswith(("?", "~", "%")):
                raise DateParseError(
                    f"{self.raw!r}: one mark of doubt at a time: '?' uncertain, '~' approximate, '%' both "
                    "(e.g. '2025-02~', '2025-02-14?', '2025%')")
            inner = self.phrase(s[:-1].rstrip())
            return [o.qualified(approximate=q in "~%", uncertain=q in "?%") for o in inner]
        if s.endswith("(approx.)"):
            return [o.qualified(approximate=True) for o in self.phrase(s.removesuffix("(approx.)").rstrip())]
        m = _QUALIFIERS_BEFORE.fullmatch(s)
        if m:
            unsure = m["word"] in ("probably", "possibly")
            return [o.qualified(approximate=not unsure, uncertain=unsure) for o in self.phrase(m["rest"])]
        if " " not in s:
            found = parse_edtf(s.upper())
            if found is not None:
                return [found]
        if s == "forever":
            return []
        # The direction picks the known end ("until March": which March) before the range is open:
        # every open range "until ..." begins on the same day, so it cannot tell them apart.
        m = re.fullmatch(r"(?:until|till|up to)\s+(.+)", s)
        if m:
            ends = self.phrase(m[1])
            end = self.pick(ends) if ends else None
            return [Occurred.between(FLOOR, end.latest)] if end and end.latest > FLOOR else []
        m = re.fullmatch(r"(?:from\s+(.+?)\s+on(?:wards?)?|since\s+(.+))", s)
        if m:
            starts = self.phrase(m[1] or m[2])
            start = self.pick(starts) if starts else None
            return [Occurred.between(start.earliest, CEILING)] if start and start.earliest < CEILING else []
        return self.single(s) or self.range(s)

    # -- one date, no range -------------------------------------------------------------------
    def single(self, s: str) -> list[Occurred]:
        for reader in (self._timed, self._relative, self._weeks, self._coarse, self._written):
            found = reader(s)
            if found:
                return found
        for lead in _LEADING:
            if s.startswith(lead):
                return self.single(s.removeprefix(lead))
        return []

    def _timed(self, s: str) -> list[Occurred]:
        m = re.fullmatch(r"(.*\d(?::\d\d)+(?:\s*(?:am|pm))?)\s+([a-z][a-z/_+-]*)", s)
        if m and m[2] not in ("utc", "gmt", "z", "am", "pm") and not re.fullmatch(r"(utc|gmt)[+-].*", m[2]):
            raise DateParseError(
                f"time zone {m[2]!r} in {self.raw!r} is not read (names are ambiguous): give the time "
                "in UTC ('14:00 UTC') or with its offset ('17:00 +03:00')")
        m = _TIME.fullmatch(s)
        if not m or (m["min"] is None and m["ampm"] is None):
            return []
        days = self.single(m["rest"])
        if not days:
            return []
        hour, minute, second = int(m["h"]), int(m["min"] or 0), int(m["sec"] or 0)
        if m["ampm"]:
            if not 1 <= hour <= 12:
                raise DateParseError(f"{hour} {m['ampm']} is not a time, in {self.raw!r}")
            hour = hour % 12 + (12 if m["ampm"].startswith("p") else 0)
        try:
            clock = time(hour, minute, second)
        except ValueError:
            raise DateParseError(f"{m['h']}:{m['min']} is not a time of day, in {self.raw!r}") from None
        out = []
        for d in days:
            if d.precision != "day":
                raise DateParseError(f"a time of day needs a single day, not {d.label()}, in {self.raw!r}")
            out.append(self._at(d.earliest, clock, m["tz"], m["off"]))
        return out

    def _at(self, day: date, clock: time, tz: str | None, off: str | None) -> Occurred:
        if tz is None and off is None:
            return Occurred.day(day, clock)
        try:
            offset = utc_offset(off) if off else timedelta()
        except ValueError:
            raise DateParseError(f"{off} is not a UTC offset, in {self.raw!r}") from None
        moment = datetime.combine(day, clock, tzinfo=timezone(offset)).astimezone(UTC)
        return Occurred.day(moment.date(), moment.timetz())  # UTC, and says so: 'as written' has no zone

    def _relative(self, s: str) -> list[Occurred]:
        ref, day = self.ref, timedelta(days=1)
        fixed = {
            "today": lambda: Occurred.day(ref), "now": lambda: Occurred.day(ref),
            "yesterday": lambda: Occurred.day(ref - day), "tomorrow": lambda: Occurred.day(ref + day),
            "day before yesterday": lambda: Occurred.day(ref - 2 * day),
            "day after tomorrow": lambda: Occurred.day(ref + 2 * day),
            "this week": lambda: Occurred.week_of(ref), "last week": lambda: Occurred.week_of(ref - 7 * day),
            "next week": lambda: Occurred.week_of(ref + 7 * day),
            "this weekend": lambda: Occurred.weekend_of(ref),
            "last weekend": lambda: Occurred.weekend_of(ref - 7 * day),
            "next weekend": lambda: Occurred.weekend_of(ref + 7 * day),
            "this month": lambda: Occurred.month_of(ref),
            "last month": lambda: Occurred.month_of(_shift_months(ref, -1)),
            "next month": lambda: Occurred.month_of(_shift_months(ref, 1)),
            "this year": lambda: Occurred.year(ref.year), "last year": lambda: Occurred.year(ref.year - 1),
            "next year": lambda: Occurred.year(ref.year + 1),
            "this quarter": lambda: Occurred.quarter(ref.year, (ref.month + 2) // 3),
            "last quarter": lambda: self._quarter_shift(-1), "next quarter": lambda: self._quarter_shift(1),
        }
        if s in fixed:
            return [fixed[s]()]
        m = re.fullmatch(rf"{_NUM}\s+(?P<unit>day|week|month|year)s?\s+ago", s) or re.fullmatch(
            rf"in\s+{_NUM}\s+(?P<unit>day|week|month|year)s?(?:\s+time)?", s) or re.fullmatch(
            rf"{_NUM}\s+(?P<unit>day|week|month|year)s?\s+from\s+now", s)
        if m:
            n = int(m["n"]) if m["n"].isdigit() else NUMBERS[m["n"]]
            n = -n if s.endswith("ago") else n
            unit = m["unit"]
            if unit == "day":
                return [Occurred.day(ref + n * day)]
            if unit == "week":
                return [Occurred.week_of(ref + 7 * n * day)]
            if unit == "month":
                return [Occurred.month_of(_shift_months(ref, n))]
            return [Occurred.year(ref.year + n)]
        m = re.fullmatch(rf"(?P<which>last|next|this|past|coming)\s+(?P<wd>{_WD})\.?", s)
        if m:
            target = WEEKDAYS[m["wd"]]
            if m["which"] in ("last", "past"):
                return [Occurred.day(ref - ((ref.weekday() - target) % 7 or 7) * day)]
            if m["which"] in ("next", "coming"):
                return [Occurred.day(ref + ((target - ref.weekday()) % 7 or 7) * day)]
            return [Occurred.day(ref + (target - ref.weekday()) * day)]
        m = re.fullmatch(r"(?P<side>earlier|later)\s+this\s+(?P<unit>week|month|year)", s)
        if m:
            whole = {"week": Occurred.week_of, "month": Occurred.month_of,
                     "year": lambda d: Occurred.year(d.year)}[m["unit"]](ref)
            start, end = (whole.earliest, ref - day) if m["side"] == "earlier" else (ref + day, whole.latest)
            if end < start:
                raise DateParseError(f"{self.raw!r}: on {ref} there is no {m['side']} this {m['unit']}")
            return [Occurred.between(start, end)]
        m = re.fullmatch(r"(?P<which>last|next|this)\s+(?P<season>spring|summer|autumn|fall|winter)", s)
        if m:
            seasons = self._seasons(SEASON_WORDS[m["season"]], None)
            if m["which"] == "last":
                return [max((o for o in seasons if o.latest < ref), key=lambda o: o.earliest)]
            if m["which"] == "next":
                return [min((o for o in seasons if o.earliest > ref), key=lambda o: o.earliest)]
            now = [o for o in seasons if o.earliest <= ref <= o.latest]
            return now or [o for o in seasons if o.earliest.year == ref.year]
        return []

    def _quarter_shift(self, n: int) -> Occurred:
        q = (self.ref.year * 4 + (self.ref.month - 1) // 3) + n
        return Occurred.quarter(q // 4, q % 4 + 1)

    def _weeks(self, s: str) -> list[Occurred]:
        m = re.fullmatch(r"(?:week\s+of|w/c|wc|week\s+(?:commencing|beginning|starting))\s+(.+)", s)
        if m:
            return [Occurred.week_of(d.earliest) for d in self._days(m[1])]
        m = re.fullmatch(r"weekend\s+of\s+(.+)", s)
        if m:
            return [Occurred.weekend_of(d.earliest) for d in self._days(m[1])]
        if s == "weekend":
            return [Occurred.weekend_of(self.ref + k * timedelta(days=7)) for k in (-1, 0, 1)]
        m = re.fullmatch(r"(?P<year>\d{4})-?w(?P<week>\d{1,2})", s) or re.fullmatch(
            r"(?:week|wk|w)\s*(?P<week>\d{1,2})(?:\s+(?:of\s+|in\s+)?(?P<year>\d{4}))?", s)
        if m:
            return self._iso_weeks(int(m["week"]), m["year"])
        m = re.fullmatch(r"(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+week\s+(?:of|in)\s+(?P<rest>.+)", s)
        if m:
            return [self._nth_week(o, ORDINALS[m["nth"]]) for o in self._of_precision(m["rest"], "month")]
        return []

    def _iso_weeks(self, week: int, year: str | None) -> list[Occurred]:
        """ISO week `week` of the year written, else of each year around the report's day.

        A year without that week (most have no week 53) still counts when the direction picks the
        year: "week 53" in February 2025 is refused (2024 has none), not read as 2026-W53."""
        if not 1 <= week <= 53:
            raise DateParseError(f"ISO weeks run from 1 to 53, not {week}, in {self.raw!r}")
        years = [self._year(year)] if year else self._near(-1, 0, 1)
        out: list[Occurred] = []
        lacking: dict[Occurred, int] = {}  # where the week would be, in a year without it
        for y in years:
            try:
                out.append(Occurred.week_of(date.fromisocalendar(y, week, 1)))
            except ValueError:
                if year:
                    raise DateParseError(f"{y} has no ISO week {week}, in {self.raw!r}") from None
                lacking[Occurred.between(date(y, 12, 28), date(y, 12, 31))] = y
        if lacking:
            chosen = self.pick([*out, *lacking])
            if chosen in lacking:
                y = lacking[chosen]
                step = -1 if self.direction == "back" else 1
                other = next((z for z in range(y + step, y + 8 * step, step)
                              if FLOOR.year <= z <= CEILING.year and date(z, 12, 28).isocalendar()[1] == week),
                             None)
                nearest = f" (the {'latest' if step < 0 else 'next'} is {other}-W{week})" if other else ""
                raise DateParseError(
                    f"{y} has no ISO week {week}, in {self.raw!r}{nearest}: give the year, e.g. "
                    f"'week {week} of {other or y}'")
        return out

    def _nth_week(self, month: Occurred, n: int) -> Occurred:
        """The Monday-to-Sunday weeks of a month are those whose Thursday falls in it (ISO's rule)."""
        first_thursday = month.earliest + timedelta(days=(3 - month.earliest.weekday()) % 7)
        thursdays = [first_thursday + timedelta(days=7 * k) for k in range(5)]
        thursdays = [t for t in thursdays if t <= month.latest]
        if n > len(thursdays):
            raise DateParseError(f"{month.label()} has no week {n}, in {self.raw!r}")
        return Occurred.week_of(thursdays[n - 1 if n > 0 else -1])

    def _coarse(self, s: str) -> list[Occurred]:
        """Parts of months and years, quarters, halves, seasons, years."""
        m = re.fullmatch(r"(?P<part>early|mid|late|beginning\s+of|start\s+of|middle\s+of|end\s+of)[- ]\s*(?P<rest>.+)", s)
        if m:
            part = PARTS[" ".join(m["part"].split())]
            out = []
            for o in self._of_precision(m["rest"], "month", "year"):
                if o.precision == "month":
                    out.append(Occurred.month_part(o.earliest, part))  # type: ignore[arg-type]
                else:
                    out.append(Occurred.year_part(o.earliest.year, part))  # type: ignore[arg-type]
            return out
        for letter, count, word, make in (("q", 4, "quarter", Occurred.quarter), ("h", 2, "half", Occurred.half)):
            m = re.fullmatch(rf"{letter}(?P<n>[1-{count}])(?:[\s/-]*(?P<year>\d{{4}}))?", s) or re.fullmatch(
                rf"(?P<year>\d{{4}})[\s/-]*{letter}(?P<n>[1-{count}])", s)
            if m:
                return [make(y, int(m["n"])) for y in self._years(m["year"])]
            m = re.fullmatch(rf"(?P<nth>{_NTH})\s+{word}(?:\s+(?:of\s+|in\s+)?(?P<rest>.+))?", s)
            if m:
                n = count if ORDINALS[m["nth"]] == -1 else ORDINALS[m["nth"]]
                if n > count:
                    return []
                years = self._of_precision(m["rest"], "year") if m["rest"] else [
                    Occurred.year(y) for y in self._years(None)]
                return [make(o.earliest.year, n) for o in years]
        m = re.fullmatch(
            r"(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+|in\s+)?(?P<year>\d{4})"
            r"(?:\s*[-/]\s*(?P<end>\d{4}|\d{2}))?)?", s)
        if m:
            return self._seasons(SEASON_WORDS[m["season"]], m["year"], m["end"])
        m = re.fullmatch(r"(?:year\s+)?(?P<year>\d{4})", s)
        if m:
            return [Occurred.year(self._year(m["year"]))]
        m = re.fullmatch(r"(?P<year>\d{3}0)['’]?s", s)
        if m:  # a decade, "the 1990s"; "the 1900s" could be the decade or the century
            first = self._year(m["year"])
            if first % 100 == 0:
                raise DateParseError(
                    f"{self.raw!r}: the decade {first}-{first + 9} or the century {first}-{first + 99}? "
                    f"write '{first}-{first + 9}' or '{first}-{first + 99}'")
            last = self._year(str(first + 9))
            return [Occurred.between(date(first, 1, 1), date(last, 12, 31))]
        return []

    def _seasons(self, name: str, year: str | None, end: str | None = None) -> list[Occurred]:
        if year is None:
            return [Occurred.season(y, name) for y in self._near(-2, -1, 0, 1)
                    if y < CEILING.year or name != "winter"]
        y = self._year(year)
        if name != "winter":
            if end:
                raise DateParseError(f"{self.raw!r}: only a winter spans two years")
            return [Occurred.season(y, name)]
        if not end:
            raise DateParseError(
                f"{self.raw!r}: which winter? write 'winter {y - 1}-{str(y)[2:]}' (Dec {y - 1} - Feb {y}) "
                f"or 'winter {y}-{str(y + 1)[2:]}' (Dec {y} - Feb {y + 1})")
        if int(end) % 100 != (y + 1) % 100 or (len(end) == 4 and int(end) != y + 1):
            raise DateParseError(f"{self.raw!r}: a winter runs from one year into the next")
        return [Occurred.season(y, "winter")]

    def _written(self, s: str) -> list[Occurred]:
        parts = self._parts(s)
        if parts is None or parts.bare:
            return []
        return self._resolve(parts, s)

    # -- helpers for the rules above ------------------------------------------------------------
    def _days(self, s: str) -> list[Occurred]:
        return self._of_precision(s, "day")

    def _of_precision(self, s: str, *precisions: str) -> list[Occurred]:
        found = self.single(s)
        if found and any(o.precision not in precisions for o in found):
            wanted = " or ".join(precisions)
            raise DateParseError(f"{self.raw!r}: expected a {wanted} after the first words, not {s!r}")
        return found

    def _year(self, text: str) -> int:
        y = int(text)
        if not FLOOR.year <= y <= CEILING.year:
            raise DateParseError(f"year {y} in {self.raw!r} is outside the years this tracker reads ({YEARS})")
        return y

    def _years(self, text: str | None) -> list[int]:
        return [self._year(text)] if text else self._near(-1, 0, 1)

    def _near(self, *offsets: int) -> list[int]:
        """The years around the report's day a date without its year may fall in."""
        return [self.ref.year + k for k in offsets if FLOOR.year <= self.ref.year + k <= CEILING.year]

    def _parts(self, s: str) -> _Parts | None:
        """Day, month and year written out, each perhaps missing; None when `s` is not such a date."""
        if _SHORT_YEAR.fullmatch(s) or _APOSTROPHE_YEAR.search(s):
            raise DateParseError(f"two-digit year in {self.raw!r}: write the year in full (2025, not 25)")
        m = _ISO.fullmatch(s)
        if m:
            return _Parts(int(m["day"]), self._month_number(m["mon"]), self._year(m["year"]))
        m = _DOTTED.fullmatch(s)
        if m:
            return _Parts(int(m["day"]), self._month_number(m["mon"]), self._year(m["year"]), _wd(m["wd"]))
        m = _SLASHED.fullmatch(s)
        if m:
            a, b = int(m["a"]), int(m["b"])
            if a <= 12 and b <= 12 and a != b:
                raise DateParseError(
                    f"ambiguous date {self.raw!r}: day/month or month/day? write it as YYYY-MM-DD "
                    f"or with the month's name ('{a} {_month_name(b)}' or '{b} {_month_name(a)}')")
            d, mo = (a, b) if a > 12 else (b, a)
            return _Parts(d, self._month_number(str(mo)), self._year(m["year"]), _wd(m["wd"]))
        for form in _TEXT_FORMS:
            m = form.fullmatch(s)
            if m:
                g = m.groupdict()
                year_n = self._year(g["year"]) if g.get("year") else None
                month_n = MONTHS[g["mon"]] if g.get("mon") else None
                day_n = int(g["day"]) if g.get("day") else None
                if day_n is not None and not 1 <= day_n <= 31:
                    raise DateParseError(f"day {day_n} is out of range for a month, in {self.raw!r}")
                bare = day_n is not None and month_n is None and not g.get("suffix")
                return _Parts(day_n, month_n, year_n, _wd(g.get("wd")), bare)
        m = re.fullmatch(rf"(?P<wd>{_WD})\.?", s)
        if m:
            return _Parts(None, None, None, WEEKDAYS[m["wd"]])
        return None

    def _month_number(self, text: str) -> int:
        n = int(text)
        if not 1 <= n <= 12:
            raise DateParseError(f"month {n} is out of range (1-12), in {self.raw!r}")
        return n

    def _resolve(self, p: _Parts, s: str) -> list[Occurred]:
        """Every interval a written date can stand for; one when its year is written."""
        if p.day is None and p.month is None and p.year is None:  # a weekday alone
            assert p.weekday is not None
            back = (self.ref.weekday() - p.weekday) % 7
            days = [self.ref - timedelta(days=back + 7 * k) for k in (-1, 0, 1)]
            return [Occurred.day(d) for d in days if in_bounds(d)]
        if p.year is not None:
            filled = [p]
        elif p.month is not None:
            years = self._near(-1, 0, 1)
            if (p.month, p.day) == (2, 29):  # a leap day: the leap years either side
                years = [y for y in range(self.ref.year - 4, self.ref.year + 5) if calendar.isleap(y)]
            filled = [replace(p, year=y) for y in years if FLOOR.year <= y <= CEILING.year]
        else:
            filled = [replace(p, year=y, month=m) for y, m in _months_around(self.ref)]
        cands = []
        for f in filled:
            try:
                a, _ = f.span(s)
            except DateParseError:
                if p.year is not None and p.month is not None:
                    raise
                continue  # "31st" in a month of 30 days is another month's 31st
            cands.append(Occurred.day(a) if f.day is not None else
                         Occurred.month_of(a) if f.month is not None else Occurred.year(a.year))
        if not cands:
            raise DateParseError(f"impossible date {self.raw!r}")
        if p.weekday is not None:
            wanted = p.weekday
            missing = "" if p.year is not None else "year" if p.month is not None else "month and year"
            return self._on_weekdays(
                cands, lambda o: o.precision == "day" and o.earliest.weekday() == wanted,
                lambda o: _not_on(self.raw, o.earliest, wanted, missing))
        return cands

    def _on_weekdays(self, cands: list[Occurred], fits: Callable[[Occurred], bool],
                     why: Callable[[Occurred], str]) -> list[Occurred]:
        """A date written with its weekday but without its year (or month): the weekday confirms the
        place the direction picks, it does not move the date to another year. "Sat 14 Feb" in a
        report of Tuesday 18 Feb 2025 is refused (14 Feb 2025 is a Friday), not read as 14 Feb 2026.
        Only a day near at hand (NEAR_AT_HAND) may lie against the direction: "Monday 24 Feb"
        written of something that happened is next Monday (24 Feb 2024 was a Saturday)."""
        chosen = self.pick(cands) if len(cands) > 1 else cands[0]
        if fits(chosen):
            return [chosen]
        near = [c for c in cands if fits(c) and self._days_away(c) <= NEAR_AT_HAND]
        if near:
            return near
        raise DateParseError(why(chosen))

    def _days_away(self, o: Occurred) -> int:
        """Days between the report's day and the nearest day of `o` (0 when `o` holds it)."""
        if o.earliest > self.ref:
            return (o.earliest - self.ref).days
        return max((self.ref - o.latest).days, 0)

    # -- ranges -------------------------------------------------------------------------------
    def range(self, s: str) -> list[Occurred]:
        between = re.fullmatch(r"(?:between|from)\s+(.+)", s)
        body = between[1] if between else s
        results: dict[tuple[date, date], list[Occurred]] = {}
        error: DateParseError | None = None
        for m in _RANGE_SEP.finditer(body):
            left, right = body[: m.start()], body[m.end():]
            word = m.group().strip()
            if not left or not right or (word == "and") != bool(between and s.startswith("between")):
                continue
            try:
                found = self._span(left, right)
            except DateParseError as exc:
                error = error or exc
                continue
            if found:
                results[(found[0].earliest, found[-1].latest)] = found
        if not results and error is not None:
            raise error
        if len({tuple((o.earliest, o.latest) for o in v) for v in results.values()}) > 1:
            raise DateParseError(f"{self.raw!r} can be split into a range more than one way: "
                                 "write both ends in full, e.g. '10 Feb 2025 - 14 Feb 2025'")
        return next(iter(results.values()), [])

    def _span(self, left: str, right: str) -> list[Occurred]:
        lp, rp = self._parts(left), self._parts(right)
        day_year = _DAY_YEAR.fullmatch(right)
        if lp is not None and rp is None and day_year and lp.day is not None and lp.month is not None \
                and lp.year is None:  # "Feb 17-18, 2025": the year is written after the second day
            rp = _Parts(int(day_year["day"]), None, self._year(day_year["year"]))
        if lp is not None and rp is not None and (lp.weekday is None or lp.day is not None) and (
            rp.weekday is None or rp.day is not None
        ):
            found = self._span_parts(lp, rp)
            if found:
                return found
        lo = [] if lp is not None and lp.bare else self.single(left)
        hi = [] if rp is not None and rp.bare else self.single(right)
        # One end with its year, the other without: the second is read from the first, not from the
        # report's day ("10 Feb 2020 - March" ends in March 2020, "March - 2025" begins in March 2025).
        if lo and hi and self._anchored(right, left):
            lo = [self.pick(lo)]
            hi = [_Reader(lo[0].earliest, "ahead", self.raw).pick_in(right)]
            self._across(lo[0], hi[0])
        elif lo and hi and self._anchored(left, right):
            hi = [self.pick(hi)]
            lo = [_Reader(hi[0].latest, "back", self.raw).pick_in(left)]
            self._across(lo[0], hi[0])
        # Each start with the first end after it, and only the tightest of the pairs sharing an end:
        # "week 28 - Sunday 30 Aug" is week 28 of the year whose 30 Aug is a Sunday.
        pairs: dict[Occurred, Occurred] = {}
        for a in sorted(lo, key=lambda o: o.earliest):
            later = [b for b in hi if b.latest >= a.earliest]
            if later:
                pairs[min(later, key=lambda o: o.latest)] = a
        out = [a if (a.earliest, a.latest) == (b.earliest, b.latest) else Occurred.between(a.earliest, b.latest)
               for b, a in pairs.items()]
        if lo and hi and not out:
            a, b = self.pick(lo), self.pick(hi)
            raise DateParseError(f"range {self.raw!r} ends ({b.latest}) before it starts ({a.earliest})")
        return out

    def _anchored(self, side: str, other: str) -> bool:
        """Whether `side`, written without its year, takes its year from the range's `other` end:
        when that end has one and `side` is not a word relative to the report's day ("yesterday")."""
        return bool(_YEAR_WRITTEN.search(other)) and not _YEAR_WRITTEN.search(side) \
            and not self._relative(side)

    def _across(self, a: Occurred, b: Occurred) -> None:
        """The two ends of a range: a yearless end reaches into another year only across a new
        year ("late Dec - Q1 2025"), not backwards within a month ("mid-Dec - 7 Dec 2047")."""
        if a.latest.year < b.earliest.year and a.earliest.month <= b.latest.month:
            raise DateParseError(f"range {self.raw!r} ends ({b.latest}) before it starts ({a.earliest})")

    def _span_parts(self, lp: _Parts, rp: _Parts) -> list[Occurred]:
        # Both ends at the same unit: "10-14 Feb" (days), "Jan-Mar 2025" (months), "2023-2025" (years).
        if lp.unit != rp.unit or (lp.bare and rp.month is None) or (rp.bare and lp.month is None):
            return []
        if lp.day is not None:
            if lp.month is None:
                lp = replace(lp, month=rp.month)
            if rp.month is None:
                rp = replace(rp, month=lp.month)
        guessed_left_year = lp.year is None
        guessed_right_year = rp.year is None
        if lp.year is None:
            lp = replace(lp, year=rp.year)
        if rp.year is None:
            rp = replace(rp, year=lp.year)
        anchors: list[tuple[int, int | None]]
        if rp.year is not None:
            anchors = [(rp.year, rp.month)]
        elif rp.month is not None:
            anchors = [(y, rp.month) for y in self._near(-1, 0, 1)]
        else:
            return []
        out = []
        for year, month in anchors:
            left = replace(lp, year=lp.year if lp.year is not None else year)
            right = replace(rp, year=year, month=month)
            try:
                a, _ = left.span(self.raw)
                _, b = right.span(self.raw)
                crosses_new_year = (left.month or 0) > (right.month or 13)  # "28 Dec - 3 Jan 2025"
                if b < a and crosses_new_year and (guessed_left_year or lp.year is None):
                    a, _ = replace(left, year=left.year - 1).span(self.raw)  # type: ignore[operator]
                elif b < a and crosses_new_year and guessed_right_year:  # "Nov 2024 - Jan"
                    _, b = replace(right, year=right.year + 1).span(self.raw)  # type: ignore[operator]
            except DateParseError:
                if len(anchors) == 1:
                    raise
                continue
            if b < a:
                raise DateParseError(f"range {self.raw!r} ends ({b}) before it starts ({a})")
            if left == right:  # "July - July" is July
                out.append(Occurred.day(a) if left.day is not None else
                           Occurred.month_of(a) if left.month is not None else Occurred.year(a.year))
            else:
                out.append(Occurred.between(a, b))
        if out and (lp.weekday is not None or rp.weekday is not None):
            # As for one date: the weekdays tell the years apart; none fitting is a contradiction.
            def fits(o: Occurred) -> bool:
                return all(w is None or d.weekday() == w
                           for w, d in ((lp.weekday, o.earliest), (rp.weekday, o.latest)))
            missing = "year" if guessed_left_year and guessed_right_year else ""

            def why(o: Occurred) -> str:
                return next(_not_on(self.raw, d, w, missing)
                            for w, d in ((lp.weekday, o.earliest), (rp.weekday, o.latest))
                            if w is not None and d.weekday() != w)
            out = self._on_weekdays(out, fits, why)
        return out


def _wd(text: str | None) -> int | None:
    return WEEKDAYS[text] if text else None


def _not_on(raw: str, d: date, weekday: int, missing: str) -> str:
    """Why a weekday written with a date is refused: '14 Feb 2025 is a Friday, not a Saturday'."""
    ask = f"; give the {missing}, e.g. '{d:%a} {d.day} {d:%b} {d.year}' if that day is meant" if missing else ""
    return f"{raw!r}: {d.day} {d:%b %Y} is a {d:%A}, not a {_weekday_name(weekday)}{ask}"


def _weekday_name(n: int) -> str:
    return date(2025, 2, 17 + n).strftime("%A")


def _month_name(n: int) -> str:
    return date(2000, n, 1).strftime("%b")


def _shift_months(d: date, n: int) -> date:
    month = d.year * 12 + d.month - 1 + n
    return date(month // 12, month % 12 + 1, 1)


def _months_around(ref: date) -> list[tuple[int, int]]:
    out = []
    for k in range(-2, 3):
        d = _shift_months(ref, k)
        if FLOOR.year <= d.year <= CEILING.year:
            out.append((d.year, d.month))
    return out


def _unreadable(raw: str, s: str) -> str:
    words = re.findall(r"[^\W\d_]+", s)
    unknown = [w for w in words if w not in _WORDS]
    if unknown:
        foreign = any(not w.isascii() for w in unknown)
        hint = (" (month names are read in English, French, German, Spanish and Russian)"
                if foreign else "")
        listed = ", ".join(repr(w) for w in dict.fromkeys(unknown))
        return f"could not read {printable(raw)!r} as a date: {listed} is not a date word{hint}; expected {EXAMPLES}"
    return f"could not read {printable(raw)!r} as a date: expected {EXAMPLES}"

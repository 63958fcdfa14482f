"""The Extended Date/Time Format (EDTF, ISO 8601-2), read into an Occurred.

Level 0 and 1 of the Library of Congress specification (https://www.loc.gov/standards/datetime/):
dates `2025`, `2025-02`, `2025-02-18`, date-times `2025-02-18T14:00:00Z`, the qualifiers `?`
(uncertain), `~` (approximate) and `%` (both), unspecified digits (`201X`, `2024-XX`, `1985-04-XX`,
and `2025-02-1X`, a level 2 form), seasons `2024-21` to `2024-24` (and level 2's `25`-`28`, northern
seasons, `33`-`36`, quarters, `40`-`41`, halves), and intervals `A/B` whose ends may be open (`..`)
or unknown (empty). Years with more or fewer than four digits, or negative, are outside the years
the tracker reads and are refused. Writing is `Occurred.edtf()`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from datetime import time as TimeOfDay

from events.occurred import CEILING, FLOOR, YEARS, Occurred

_SHAPE = re.compile(r"[0-9X?~%./:TZ+-]+", re.ASCII)
_DATE = re.compile(
    r"(?P<y>[0-9X]{4})(?:-(?P<m>[0-9X]{2})(?:-(?P<d>[0-9X]{2}))?)?"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2})?)(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?)?"
    r"(?P<q>[?~%])?",
    re.ASCII,
)
_SEASON_NAMES = {21: "spring", 22: "summer", 23: "autumn", 24: "winter",
                 25: "spring", 26: "summer", 27: "autumn", 28: "winter"}


class EDTFError(ValueError):
    """Shaped like EDTF but not a date this tracker can hold."""


class _NotEDTF(EDTFError):
    """Not EDTF at all (say "2023-2025"): other rules may read it."""


def looks_like_edtf(text: str) -> bool:
    """Only digits, X and EDTF's punctuation, with a four-character year first (or an open end)."""
    return bool(_SHAPE.fullmatch(text)) and bool(re.match(r"([0-9X]{4}|\.\.|/|-\d)", text))


def parse_edtf(text: str) -> Occurred | None:
    """`text` (already upper-case, no spaces) as an Occurred; None when it is not EDTF at all."""
    m = re.fullmatch(r"Y(?P<year>-?\d+)(?P<more>[ES]\d+)*", text, re.ASCII)
    if m:  # level 1's letter-prefixed year ("Y170000002"), level 2's exponent and significant digits
        if m["more"] is None and FLOOR.year <= int(m["year"]) <= CEILING.year:
            return Occurred.year(int(m["year"]))
        raise EDTFError(f"{text!r}: year {m['year']}{'...' if m['more'] else ''} is outside the "
                        f"years this tracker reads ({YEARS})")
    if not looks_like_edtf(text):
        return None
    if text.count("/") > 1:
        return None
    basic = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)
    if basic and _is_date(*basic.groups()):  # ISO's basic form: read only with its hyphens
        written, form = "-".join(g for g in basic.groups() if g), "YYYY-MM-DD" if basic[3] else "YYYY-MM"
        raise EDTFError(f"{text!r}: write a date with its hyphens, {written} ({form}); "
                        "digits run together are not read")
    if re.fullmatch(r"\d{8}", text):
        raise EDTFError(f"{text!r} is not a date: run together as YYYYMMDD it names no day; "
                        "write a date as YYYY-MM-DD, e.g. 2025-02-14")
    far = re.match(r"-?\d{5,}|-\d{4}", text)
    if far:
        raise EDTFError(f"{text!r}: year {int(far[0])} is outside the years this tracker reads ({YEARS}); "
                        "years are read from four digits, without a sign")
    try:
        return _interval(text) if "/" in text else _single(text)
    except _NotEDTF:
        return None


def _is_date(y: str, m: str, d: str | None) -> bool:
    try:
        date(int(y), int(m), int(d or 1))
    except ValueError:
        return False
    return FLOOR.year <= int(y) <= CEILING.year


def _interval(text: str) -> Occurred:
    left, right = text.split("/")
    short = re.fullmatch(r"\d{1,2}(?:-\d{1,2})?", right)
    if short and re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", left):
        # ISO 8601's abbreviated end ("2025-02-10/14"), which EDTF does not have: refused, not guessed.
        hint = left[: len(left) - len(right)] + right if len(right) in (2, 5) and len(left) > len(right) else ""
        example = f"'{left}/{hint}'" if hint else "'2025-02-10/2025-02-14'"
        raise EDTFError(f"{text!r}: write both ends of an interval in full, e.g. {example}")
    if left in ("", "..") and right in ("", ".."):
        raise EDTFError(f"{text!r}: an interval needs at least one known end")
    # A qualifier on an end hedges the whole interval; it does not widen it.
    a = None if left in ("", "..") else _single(left, widen=False)
    b = None if right in ("", "..") else _single(right, widen=False)
    start = FLOOR if a is None else a.earliest
    end = CEILING if b is None else b.latest
    if end < start:
        raise EDTFError(f"{text!r} ends ({end}) before it starts ({start})")
    occ = Occurred.between(start, end)
    if a is not None and b is not None and (a.earliest, a.latest) == (b.earliest, b.latest):
        occ = a.model_copy(update={"approximate": False, "uncertain": False})  # "2025-02/2025-02"
    elif a is not None and b is not None and a.precision == b.precision == "month":
        occ = _shaped(start, end) or occ
    approximate = any(x is not None and x.approximate for x in (a, b))
    uncertain = any(x is not None and x.uncertain for x in (a, b))
    if approximate or uncertain:
        occ = occ.model_copy(update={"approximate": approximate, "uncertain": uncertain})
    return occ


def _shaped(start: date, end: date) -> Occurred | None:
    """A month interval shaped like a quarter, a half or a season (which Occurred.edtf() writes so
    when the season code would read as a span of years) is that."""
    if start.month in (3, 6, 9, 12):
        s = Occurred.season(start.year, ("spring", "summer", "autumn", "winter")[start.month // 3 - 1])
        if (s.earliest, s.latest) == (start, end):
            return s
    for n in range(1, 5):
        q = Occurred.quarter(start.year, n)
        if (q.earliest, q.latest) == (start, end):
            return q
    for n in (1, 2):
        h = Occurred.half(start.year, n)
        if (h.earliest, h.latest) == (start, end):
            return h
    return None


def _single(text: str, *, widen: bool = True) -> Occurred:
    m = _DATE.fullmatch(text)
    if not m:
        raise _NotEDTF(text)
    y, mo, d, q = m["y"], m["m"], m["d"], m["q"] or ""
    approximate, uncertain = q in ("~", "%"), q in ("?", "%")
    if m["time"] is not None:
        if "X" in text or d is None:
            raise EDTFError(f"{text!r}: a time needs a complete day")
        occ = _timed(y, mo, d, m["time"], m["tz"], text)
    elif mo is not None and "X" not in mo and 21 <= int(mo) <= 41 and d is None:
        occ = _sub_year(y, int(mo), text)
    else:
        occ = _calendar(y, mo, d, text)
    if approximate and widen and occ.precision == "day" and occ.time is None:
        occ = Occurred.around(occ.earliest)
        approximate = False
    if approximate or uncertain:
        occ = occ.model_copy(update={"approximate": approximate, "uncertain": uncertain})
    return occ


def _year(y: str, text: str) -> int:
    if "X" in y:
        raise EDTFError(f"{text!r}: unspecified year digits need the whole date as a span")
    year = int(y)
    if not FLOOR.year <= year <= CEILING.year:
        raise EDTFError(f"{text!r}: year {year} is outside the years this tracker reads ({YEARS})")
    return year


def _sub_year(y: str, code: int, text: str) -> Occurred:
    year = _year(y, text)
    held = code in _SEASON_NAMES or 33 <= code <= 36 or code in (40, 41)
    # Every sub-year code reads, to a person, like a span of years with the second one shortened
    # when that year comes later: "2019-21" is spring 2019 to EDTF and 2019 to 2021 to a reader.
    # Refuse rather than guess; Occurred.edtf() writes such seasons as month intervals instead.
    as_years = int(f"{y[:2]}{code}") > year
    if not held:
        hint = f"; for the years {year} to {y[:2]}{code} write '{year}-{y[:2]}{code}'" if as_years else ""
        raise EDTFError(
            f"{text!r}: {code} is not a season (21-24), quarter (33-36) or half (40-41) code{hint}")
    if as_years:
        raise EDTFError(
            f"{text!r} is ambiguous: the years {year} to {y[:2]}{code}, or EDTF's code {code} in {year} "
            f"({_in_words(year, code)})? write '{year}-{y[:2]}{code}' for the years, or "
            f"'{_in_words(year, code)}'")
    if code in _SEASON_NAMES:
        return Occurred.season(year, _SEASON_NAMES[code])
    if 33 <= code <= 36:
        return Occurred.quarter(year, code - 32)
    return Occurred.half(year, code - 39)


def _in_words(year: int, code: int) -> str:
    """A sub-year code as words the date reader reads: 'autumn 2024', 'Q1 2024', 'H2 2024'."""
    if code in _SEASON_NAMES:
        name = _SEASON_NAMES[code]
        return f"winter {year}-{str(year + 1)[2:]}" if name == "winter" else f"{name} {year}"
    return f"Q{code - 32} {year}" if code <= 36 else f"H{code - 39} {year}"


def _timed(y: str, mo: str, d: str, at: str, tz: str | None, text: str) -> Occurred:
    day = _day(_year(y, text), int(mo), int(d), text)
    clock = TimeOfDay.fromisoformat(at)
    if tz is None:
        return Occurred.day(day, clock)
    moment = datetime.combine(day, clock, tzinfo=_offset(tz, text)).astimezone(UTC)
    return Occurred.day(moment.date(), moment.timetz())  # in UTC, marked so (a time without a zone is as written)


def _offset(tz: str, text: str) -> tzinfo:
    try:
        return UTC if tz == "Z" else timezone(utc_offset(tz))
    except ValueError:
        raise EDTFError(f"{text!r}: {tz} is not a UTC offset") from None


def utc_offset(text: str) -> timedelta:
    """'+03:00', '+0300', '-05', '+3' as a timedelta; ValueError beyond the -14:00..+14:00 offsets
    there are. One reader for EDTF and for the date phrases."""
    sign = 1 if text[0] == "+" else -1
    digits = text[1:].replace(":", "")
    hours, minutes = (int(digits), 0) if len(digits) <= 2 else (int(digits[:-2]), int(digits[-2:]))
    if minutes > 59 or hours * 60 + minutes > 14 * 60:
        raise ValueError(f"{text} is not a UTC offset")
    return sign * timedelta(hours=hours, minutes=minutes)


def _calendar(y: str, mo: str | None, d: str | None, text: str) -> Occurred:
    """A date whose digits may be partly unspecified ('X'): the span of every day it could be."""
    if y == "XXXX":
        raise EDTFError(f"{text!r}: a wholly unspecified year says nothing about when")
    lo_y, hi_y = _digit_range(y, 0, 9999, text)
    if "X" in y:
        if (mo or "XX") != "XX" or (d or "XX") != "XX":
            raise EDTFError(f"{text!r}: a known month or day in an unknown year is not a span")
        for year in (lo_y, hi_y):
            _year(f"{year:04d}", text)
        return Occurred.between(date(max(lo_y, FLOOR.year), 1, 1), date(min(hi_y, CEILING.year), 12, 31))
    year = _year(y, text)
    if mo is None:
        return Occurred.year(year)
    lo_m, hi_m = _digit_range(mo, 1, 12, text, "month")
    if "X" in mo:
        if d is not None and d != "XX":
            raise EDTFError(f"{text!r}: a known day in an unknown month is not a span")
        if (lo_m, hi_m) == (1, 12):
            return Occurred.year(year)
        return Occurred.between(date(year, lo_m, 1), Occurred.month_of(date(year, hi_m, 1)).latest)
    if d is None or d == "XX":
        return Occurred.month_of(_day(year, lo_m, 1, text))
    month = Occurred.month_of(_day(year, lo_m, 1, text))
    lo_d, hi_d = _digit_range(d, 1, month.latest.day, text, "day")
    if "X" in d:
        return Occurred.between(date(year, lo_m, lo_d), date(year, lo_m, hi_d))
    return Occurred.day(_day(year, lo_m, lo_d, text))


def _digit_range(part: str, low: int, high: int, text: str, what: str = "year") -> tuple[int, int]:
    """The smallest and largest value `part` ('1X', '0X', '12') can take within [low, high]."""
    if not re.fullmatch(r"[0-9]*X*", part):
        raise EDTFError(f"{text!r}: unspecified digits (X) must come last in each part")
    lo, hi = max(int(part.replace("X", "0")), low), min(int(part.replace("X", "9")), high)
    if lo > hi:
        raise EDTFError(f"impossible date {text!r}: {what} {part} is not between {low} and {high}")
    return lo, hi


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise EDTFError(f"impossible date {text!r}: {exc}") from None

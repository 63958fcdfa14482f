"""When something happened, with the precision the sources allow.

"Last week" in an article of 18 Feb 2025 is the week of 10 Feb 2025, not 11 Feb: we store the
earliest and latest possible day and say which precision that is, and show it honestly.

Three things are kept apart, as EDTF (ISO 8601-2) keeps them apart:
- *precision*: how wide the interval is ("Feb 2025" is a month, not 1 Feb);
- *approximate*: the source hedges ("around Feb 2025", EDTF `2025-02~`);
- *uncertain*: we are not sure of the source's date at all (`2025-02-14?`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from datetime import time as TimeOfDay
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Precision = Literal[
    "day", "around", "week", "weekend", "part", "month", "quarter", "half", "season", "year", "range",
]

# The years a date may fall in, everywhere (phrases, ISO and EDTF input, imported JSON Lines, the
# --as-of and --known-at options): a typo such as "Dec 9999" is refused rather than stored, so no
# later query can overflow. An open end of a range ("until 10 Mar 2025") is stored as the bound.
FLOOR = date(1800, 1, 1)
CEILING = date(2200, 12, 31)
YEARS = f"{FLOOR.year} to {CEILING.year}"

# "around D" covers D and three days either side (EDTF `D~`).
AROUND_DAYS = 3

SEASONS = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}  # northern, meteorological
MONTH_PARTS = {1: "early", 11: "mid", 21: "late"}  # days 1-10, 11-20, 21-end
YEAR_PARTS = {1: "early", 5: "mid", 9: "late"}  # Jan-Apr, May-Aug, Sep-Dec


def in_bounds(d: date) -> bool:
    return FLOOR <= d <= CEILING


class Occurred(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    earliest: date
    latest: date
    precision: Precision
    # Only meaningful with precision "day". With a zone (always UTC: a time given with a zone or an
    # offset is stored converted), it is that instant; without one, the time as written.
    time: TimeOfDay | None = None
    # Not dumped when false, so every event stored before these existed keeps its bytes (and hash).
    approximate: bool = Field(default=False, exclude_if=lambda v: not v)
    uncertain: bool = Field(default=False, exclude_if=lambda v: not v)

    @model_validator(mode="after")
    def _check(self) -> Occurred:
        for d in (self.earliest, self.latest):
            if not in_bounds(d):
                raise ValueError(f"{d.isoformat()} is outside the years this tracker reads ({YEARS})")
        if self.latest < self.earliest:
            raise ValueError(f"latest ({self.latest}) is before earliest ({self.earliest})")
        if self.time is not None and self.precision != "day":
            raise ValueError("a time of day needs day precision")
        problem = _shape_problem(self.precision, self.earliest, self.latest)
        if problem:
            raise ValueError(problem)
        return self

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def day(cls, d: date, at: TimeOfDay | None = None) -> Occurred:
        return cls(earliest=d, latest=d, precision="day", time=at)

    @classmethod
    def around(cls, d: date) -> Occurred:
        gap = timedelta(days=AROUND_DAYS)
        return cls(earliest=d - gap, latest=d + gap, precision="around")

    @classmethod
    def week_of(cls, d: date) -> Occurred:
        monday = d - timedelta(days=d.weekday())
        return cls(earliest=monday, latest=monday + timedelta(days=6), precision="week")

    @classmethod
    def weekend_of(cls, d: date) -> Occurred:
        """The Saturday and Sunday of the (Monday to Sunday) week holding `d`."""
        saturday = d - timedelta(days=d.weekday()) + timedelta(days=5)
        return cls(earliest=saturday, latest=saturday + timedelta(days=1), precision="weekend")

    @classmethod
    def month_of(cls, d: date) -> Occurred:
        return cls(earliest=d.replace(day=1), latest=_month_end(d), precision="month")

    @classmethod
    def month_part(cls, d: date, part: Literal["early", "mid", "late"]) -> Occurred:
        first = {"early": 1, "mid": 11, "late": 21}[part]
        last = {"early": 10, "mid": 20, "late": _month_end(d).day}[part]
        return cls(earliest=d.replace(day=first), latest=d.replace(day=last), precision="part")

    @classmethod
    def year_part(cls, year: int, part: Literal["early", "mid", "late"]) -> Occurred:
        first = {"early": 1, "mid": 5, "late": 9}[part]
        return cls._months(date(year, first, 1), 4, "part")

    @classmethod
    def quarter(cls, year: int, n: int) -> Occurred:
        return cls._months(date(year, 3 * n - 2, 1), 3, "quarter")

    @classmethod
    def half(cls, year: int, n: int) -> Occurred:
        return cls._months(date(year, 6 * n - 5, 1), 6, "half")

    @classmethod
    def season(cls, year: int, name: str) -> Occurred:
        """Northern meteorological seasons; winter YYYY runs from December YYYY to February YYYY+1."""
        first = {v: k for k, v in SEASONS.items()}[name]
        return cls._months(date(year, first, 1), 3, "season")

    @classmethod
    def year(cls, year: int) -> Occurred:
        return cls(earliest=date(year, 1, 1), latest=date(year, 12, 31), precision="year")

    @classmethod
    def between(cls, earliest: date, latest: date) -> Occurred:
        if earliest == latest:
            return cls.day(earliest)
        return cls(earliest=earliest, latest=latest, precision="range")

    @classmethod
    def _months(cls, first: date, n: int, precision: Precision) -> Occurred:
        last = first
        for _ in range(n - 1):
            last = _month_end(last) + timedelta(days=1)
        return cls(earliest=first, latest=_month_end(last), precision=precision)

    def qualified(self, *, approximate: bool = False, uncertain: bool = False) -> Occurred:
        """The same interval, hedged: "around Feb 2025", "18 Feb 2025?"."""
        if self.precision == "day" and approximate and self.time is None:
            return Occurred.around(self.earliest).qualified(uncertain=self.uncertain or uncertain)
        return self.model_copy(update={
            "approximate": self.approximate or (approximate and self.precision != "around"),
            "uncertain": self.uncertain or uncertain,
        })

    # -- reading --------------------------------------------------------------------------
    @property
    def open_start(self) -> bool:
        return self.precision == "range" and self.earliest == FLOOR

    @property
    def open_end(self) -> bool:
        return self.precision == "range" and self.latest == CEILING

    def label(self) -> str:
        """Honest human form, one the parser reads back: '18 Feb 2025 14:00', 'c. 10 Feb 2025',
        'week of 10 Feb 2025', 'early Feb 2025', 'Q4 2024', 'winter 2024–25', '10–14 Feb 2025',
        'until 10 Mar 2025'. 'c.' (circa) marks an approximate date, a trailing '?' an uncertain one."""
        text = self._span()
        if self.approximate or self.precision == "around":
            text = f"c. {text}"
        return f"{text}?" if self.uncertain else text

    def _span(self) -> str:
        a, b = self.earliest, self.latest
        match self.precision:
            case "day":
                return _fmt(a) + (f" {_clock(self.time)}" if self.time is not None else "")
            case "around":
                return _fmt(a + timedelta(days=AROUND_DAYS))
            case "week":
                return f"week of {_fmt(a)}"
            case "weekend":
                return f"weekend of {_fmt(a)}"
            case "part":
                if a.month == b.month:
                    return f"{MONTH_PARTS[a.day]} {a.strftime('%b %Y')}"
                return f"{YEAR_PARTS[a.month]} {a.year}"
            case "month":
                return a.strftime("%b %Y")
            case "quarter":
                return f"Q{(a.month + 2) // 3} {a.year}"
            case "half":
                return f"H{(a.month + 5) // 6} {a.year}"
            case "season":
                name = SEASONS[a.month]
                return f"{name} {a.year}–{str(b.year)[2:]}" if name == "winter" else f"{name} {a.year}"
            case "year":
                return str(a.year)
        if self.open_start:
            return f"until {_fmt(b)}"
        if self.open_end:
            return f"from {_fmt(a)} on"
        if a.day == 1 and b == _month_end(b) and (a.year, a.month) != (b.year, b.month):  # whole months
            if (a.month, b.month) == (1, 12) and a.year != b.year:  # or years
                return f"{a.year}–{b.year}"
            if a.year == b.year:
                return f"{a.strftime('%b')}–{b.strftime('%b %Y')}"
            return f"{a.strftime('%b %Y')} – {b.strftime('%b %Y')}"
        if a.year == b.year and a.month == b.month:
            return f"{a.day}–{_fmt(b)}"
        if a.year == b.year:
            return f"{a.day} {a.strftime('%b')} – {_fmt(b)}"
        return f"{_fmt(a)} – {_fmt(b)}"

    def edtf(self) -> str:
        """The Extended Date/Time Format (ISO 8601-2, level 1) form, for archives and event data.

        By precision: day `2025-02-18` (with a time `2025-02-18T14:00:00`, in UTC `...T14:00:00Z`); around `2025-02-18~`
        (the middle day, approximate); month `2025-02`; year `2025`; season `2024-23` (codes 21-24,
        spring to winter; winter 2024 runs Dec 2024 - Feb 2025); quarter, half and a part of a year
        as an interval of months `2024-10/2024-12`; week, weekend, a part of a month and a range as
        an interval of days `2025-02-10/2025-02-16`, an open end as `..` (`../2025-03-10`,
        `2025-03-10/..`; open at both ends, `1800-01-01/..`). The qualifier follows each date:
        `~` approximate, `?` uncertain, `%` both (`2025-02~`, `2025-02-14?`, `2025-01~/2025-03~`).
        """
        a, b = self.earliest, self.latest
        q = {(False, False): "", (True, False): "~", (False, True): "?", (True, True): "%"}[
            (self.approximate, self.uncertain)]
        match self.precision:
            case "day":
                stamp = a.isoformat() + (f"T{self.time.strftime('%H:%M:%S')}{'Z' if self.time.tzinfo else ''}"
                                         if self.time else "")
                return stamp + q
            case "around":
                return (a + timedelta(days=AROUND_DAYS)).isoformat() + ("%" if self.uncertain else "~")
            case "month":
                return f"{a.isoformat()[:7]}{q}"
            case "year":
                return f"{a.year:04d}{q}"
            case "season":
                code = 20 + (a.month // 3 if a.month < 12 else 4)
                if int(f"{str(a.year)[:2]}{code}") <= a.year:  # "2024-23"; "2019-21" would read as years
                    return f"{a.year:04d}-{code}{q}"
                return f"{a.isoformat()[:7]}{q}/{b.isoformat()[:7]}{q}"
            case "quarter" | "half":
                return f"{a.isoformat()[:7]}{q}/{b.isoformat()[:7]}{q}"
            case "part" if a.month != b.month:
                return f"{a.isoformat()[:7]}{q}/{b.isoformat()[:7]}{q}"
        # Open at both ends is "../.." in no reader's grammar: the start is then written out.
        start = ".." if self.open_start and not self.open_end else a.isoformat() + q
        end = ".." if self.open_end else b.isoformat() + q
        return f"{start}/{end}"

    def __str__(self) -> str:
        return self.label()


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _shape_problem(precision: Precision, a: date, b: date) -> str | None:
    """Why (earliest, latest) is not an interval of this precision, or None."""
    span = (b - a).days
    whole_months = a.day == 1 and b == _month_end(b)
    months = (b.year - a.year) * 12 + b.month - a.month + 1
    match precision:
        case "day":
            return None if span == 0 else "a day-precision date must have earliest == latest"
        case "around":
            return None if span == 2 * AROUND_DAYS else f"'around' spans {2 * AROUND_DAYS + 1} days"
        case "week":
            return None if a.weekday() == 0 and span == 6 else "a week must run Monday to Sunday"
        case "weekend":
            return None if a.weekday() == 5 and span == 1 else "a weekend must run Saturday to Sunday"
        case "part":
            if a.month == b.month and a.year == b.year and (a.day, b.day) in (
                (1, 10), (11, 20), (21, _month_end(b).day)
            ):
                return None
            if whole_months and a.year == b.year and months == 4 and a.month in YEAR_PARTS:
                return None
            return "a part is days 1-10, 11-20 or 21-end of a month, or Jan-Apr, May-Aug or Sep-Dec of a year"
        case "month":
            return None if whole_months and months == 1 else "a month must run from its first to its last day"
        case "quarter":
            return None if whole_months and months == 3 and a.month in (1, 4, 7, 10) else (
                "a quarter must run Jan-Mar, Apr-Jun, Jul-Sep or Oct-Dec")
        case "half":
            return None if whole_months and months == 6 and a.month in (1, 7) else (
                "a half-year must run Jan-Jun or Jul-Dec")
        case "season":
            return None if whole_months and months == 3 and a.month in SEASONS else (
                "a season must run Mar-May, Jun-Aug, Sep-Nov or Dec-Feb")
        case "year":
            return None if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year else (
                "a year must run from 1 Jan to 31 Dec")
    return None


def _clock(at: TimeOfDay) -> str:
    """'14:00' as written; '14:00 UTC' for a time stored in UTC (given with a zone or an offset)."""
    return at.strftime("%H:%M") + (" UTC" if at.tzinfo is not None else "")


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"

"""When something happened, with the precision the sources allow.

"Last week" in an article of 18 Feb 2025 is the week of 10 Feb 2025, not 11 Feb: we store the
earliest and latest possible day and say which precision that is, and show it honestly.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from datetime import time as TimeOfDay
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

Precision = Literal["day", "week", "month", "range"]


class Occurred(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    earliest: date
    latest: date
    precision: Precision
    time: TimeOfDay | None = None  # only meaningful with precision "day"

    @model_validator(mode="after")
    def _check(self) -> Occurred:
        if self.latest < self.earliest:
            raise ValueError(f"latest ({self.latest}) is before earliest ({self.earliest})")
        if self.precision == "day" and self.latest != self.earliest:
            raise ValueError("a day-precision date must have earliest == latest")
        if self.precision == "week" and (
            self.earliest.weekday() != 0 or (self.latest - self.earliest).days != 6
        ):
            raise ValueError("a week must run Monday to Sunday")
        if self.precision == "month":
            last = calendar.monthrange(self.earliest.year, self.earliest.month)[1]
            if self.earliest.day != 1 or self.latest != self.earliest.replace(day=last):
                raise ValueError("a month must run from its first to its last day")
        if self.time is not None and self.precision != "day":
            raise ValueError("a time of day needs day precision")
        return self

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def day(cls, d: date, at: TimeOfDay | None = None) -> Occurred:
        return cls(earliest=d, latest=d, precision="day", time=at)

    @classmethod
    def week_of(cls, d: date) -> Occurred:
        monday = d - timedelta(days=d.weekday())
        return cls(earliest=monday, latest=monday + timedelta(days=6), precision="week")

    @classmethod
    def month_of(cls, d: date) -> Occurred:
        last = calendar.monthrange(d.year, d.month)[1]
        return cls(earliest=d.replace(day=1), latest=d.replace(day=last), precision="month")

    @classmethod
    def between(cls, earliest: date, latest: date) -> Occurred:
        if earliest == latest:
            return cls.day(earliest)
        return cls(earliest=earliest, latest=latest, precision="range")

    # -- reading --------------------------------------------------------------------------
    def label(self, *, compact: bool = False) -> str:
        """Honest human form: '18 Feb 2025', 'week of 10 Feb 2025', 'Feb 2025', '10–14 Feb 2025 (approx.)'.

        ``compact`` marks an approximate range with a leading 'c.' (circa) instead of the trailing
        '(approx.)', for table columns where the suffix would be cut off. (Not '~': the command line
        uses that for a fact whose date may lie after the moment viewed.)
        """
        if self.precision == "day":
            text = _fmt(self.earliest)
            if self.time is not None:
                text += f" {self.time.strftime('%H:%M')}"
            return text
        if self.precision == "week":
            return f"week of {_fmt(self.earliest)}"
        if self.precision == "month":
            return self.earliest.strftime("%b %Y")
        a, b = self.earliest, self.latest
        if a.year == b.year and a.month == b.month:
            span = f"{a.day}–{_fmt(b)}"
        elif a.year == b.year:
            span = f"{a.day} {a.strftime('%b')} – {_fmt(b)}"
        else:
            span = f"{_fmt(a)} – {_fmt(b)}"
        return f"c. {span}" if compact else f"{span} (approx.)"

    def __str__(self) -> str:
        return self.label()


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"

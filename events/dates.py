"""Dates as people write them, resolved against the day they were reported.

python-dateutil parses the explicit forms ("March 10th", "18 Feb 2025", "2025-02-18T14:00");
the rules here handle the relative words dateutil does not ("yesterday", "last week", "next
Tuesday", "early March", "3 days ago") and keep the precision the words carry: "last week" is a
week, "Feb 2025" is a month, "2025-02-10..2025-02-14" is a range.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from dateutil import parser as du_parser

from events.occurred import Occurred

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
EXAMPLES = (
    "e.g. 2025-02-18, '18 Feb 2025', 'March 10th', 'yesterday', 'last week', 'next Tuesday', "
    "'week of 10 Feb 2025', 'Feb 2025', 'early March', '3 days ago', '2025-02-10..2025-02-14'"
)


class DateParseError(ValueError):
    """A date the rules cannot resolve, or can resolve more than one way."""


def parse_occurred(text: str, reference: date | None = None) -> Occurred:
    """Resolve `text` to an interval with precision, relative to `reference` (default: today)."""
    ref = reference or date.today()
    raw = text
    s = " ".join(text.strip().lower().replace(",", " ").split())
    if not s:
        raise DateParseError(f"empty date: expected {EXAMPLES}")
    if "\x00" in s or len(s) > 100:
        raise DateParseError(f"not a date: {raw[:40]!r}...: expected {EXAMPLES}")

    # Explicit ranges: "A..B", "between A and B", "from A to B"
    m = re.fullmatch(r"(?:between\s+)?(.+?)\s*(?:\.\.|\s+and\s+|\s+to\s+)\s*(.+)", s)
    if m and not s.startswith("week of") and (s.startswith(("between", "from")) or ".." in s):
        a = parse_occurred(m.group(1).removeprefix("from "), ref)
        b = parse_occurred(m.group(2), ref)
        if b.latest < a.earliest:
            raise DateParseError(f"range {raw!r} ends ({b.latest}) before it starts ({a.earliest})")
        return Occurred.between(a.earliest, b.latest)

    simple = {
        "today": lambda: Occurred.day(ref),
        "now": lambda: Occurred.day(ref),
        "yesterday": lambda: Occurred.day(ref - timedelta(days=1)),
        "tomorrow": lambda: Occurred.day(ref + timedelta(days=1)),
        "this week": lambda: Occurred.week_of(ref),
        "last week": lambda: Occurred.week_of(ref - timedelta(days=7)),
        "next week": lambda: Occurred.week_of(ref + timedelta(days=7)),
        "this month": lambda: Occurred.month_of(ref),
        "last month": lambda: Occurred.month_of(ref.replace(day=1) - timedelta(days=1)),
        "next month": lambda: Occurred.month_of(_add_month(ref)),
    }
    if s in simple:
        return simple[s]()

    m = re.fullmatch(r"(\d{1,3}) (day|week|month)s? ago", s)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        if unit == "day":
            return Occurred.day(ref - timedelta(days=n))
        if unit == "week":
            return Occurred.week_of(ref - timedelta(days=7 * n))
        d = ref.replace(day=1)
        for _ in range(n):
            d = (d - timedelta(days=1)).replace(day=1)
        return Occurred.month_of(d)

    m = re.fullmatch(r"(last|next|this|on)? ?(" + "|".join(WEEKDAYS) + r")", s)
    if m:
        target = WEEKDAYS.index(m.group(2))
        if m.group(1) == "next":
            delta = (target - ref.weekday()) % 7 or 7
            return Occurred.day(ref + timedelta(days=delta))
        if m.group(1) == "last":
            delta = (ref.weekday() - target) % 7 or 7
            return Occurred.day(ref - timedelta(days=delta))
        # A bare weekday in a report means the most recent one, today included.
        return Occurred.day(ref - timedelta(days=(ref.weekday() - target) % 7))

    m = re.fullmatch(r"week of (.+)", s)
    if m:
        return Occurred.week_of(_explicit_day(m.group(1), raw, ref))

    m = re.fullmatch(r"(early|mid|late)[- ](\w+)(?: (\d{4}))?", s)
    if m and m.group(2) in MONTHS:
        month = Occurred.month_of(date(int(m.group(3) or ref.year), MONTHS[m.group(2)], 1))
        start = month.earliest
        if m.group(1) == "early":
            return Occurred.between(start, start.replace(day=10))
        if m.group(1) == "mid":
            return Occurred.between(start.replace(day=11), start.replace(day=20))
        return Occurred.between(start.replace(day=21), month.latest)

    # Month precision: "feb 2025", "february", "2025-02"
    m = re.fullmatch(r"(\w+)(?: (\d{4}))?", s)
    if m and m.group(1) in MONTHS:
        return Occurred.month_of(date(int(m.group(2) or ref.year), MONTHS[m.group(1)], 1))
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m:
        try:
            return Occurred.month_of(date(int(m.group(1)), int(m.group(2)), 1))
        except ValueError as exc:
            raise DateParseError(f"impossible date {raw!r}: {exc}") from None

    # Explicit day, optionally with a time of day.
    dt = _explicit_datetime(s, raw, ref)
    if dt.time() != datetime.min.time() and re.search(r"\d:\d", s):
        return Occurred.day(dt.date(), dt.time().replace(tzinfo=None))
    return Occurred.day(dt.date())


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


def _add_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _explicit_day(s: str, raw: str, ref: date) -> date:
    return _explicit_datetime(s, raw, ref).date()


def _explicit_datetime(s: str, raw: str, ref: date) -> datetime:
    # d/m/y versus m/d/y cannot be told apart: refuse rather than guess.
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})", s)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a <= 12 and b <= 12 and a != b:
            raise DateParseError(
                f"ambiguous date {raw!r}: day/month or month/day? write it as YYYY-MM-DD "
                f"or with the month's name ('{a} {_month_name(b)}' or '{b} {_month_name(a)}')"
            )
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2})?)?", s):
        try:
            dt = datetime.fromisoformat(s.upper())
        except ValueError as exc:
            raise DateParseError(f"impossible date {raw!r}: {exc}") from None
        return _plausible(dt, raw)
    try:
        dt = du_parser.parse(s, default=datetime(ref.year, 1, 1), dayfirst=True, fuzzy=False)
    except (ValueError, OverflowError, du_parser.ParserError) as exc:
        reason = str(exc).split(":")[0]
        raise DateParseError(f"could not read {raw!r} as a date ({reason}): expected {EXAMPLES}") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(tz=None).replace(tzinfo=None) if dt.utcoffset() else dt.replace(tzinfo=None)
    return _plausible(dt, raw)


def _plausible(dt: datetime, raw: str) -> datetime:
    if not (1800 <= dt.year <= 2200):
        raise DateParseError(f"implausible year in {raw!r}: {dt.year}")
    return dt


def _month_name(n: int) -> str:
    return date(2000, n, 1).strftime("%b")

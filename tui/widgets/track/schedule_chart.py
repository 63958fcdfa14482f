"""A track's schedule as a small chart: dates along the top, a row per meeting or deadline, each
postponement (or extension) an arrow from the date it was moved from to the date it was moved to,
and a mark where it stands now: held, planned, cancelled; a deadline due, met or missed.

Drawn from the track's state at the moment viewed (so it follows time travel: a postponement not
yet known then is not drawn) and laid out in whatever width it is given (`ScheduleChart` is a Rich
renderable). Every string is the state's, through `clean`; the marks are the chart's own."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text

from events.occurred import Occurred
from projections.state import Deadline, Meeting, TrackState
from tui.widgets.event_list import fit
from tui.widgets.text import clean
from tui.widgets.track.schedule import DEADLINE_MARK, DEADLINE_STYLES, MEETING_STYLES

MAX_ROWS = 8  # more, and the chart would crowd out the overview: the schedule lists them all
LABEL_WIDTH = 22  # a row's title, cut at a word with an ellipsis, gets at least this (or a quarter of a narrow chart) ...
PLOT_WANT = 28  # ... and whatever is left beyond a plot this wide, up to its whole title
MIN_PLOT = 20  # narrower than this, the chart is not drawn
TICK_GAP = 2  # cells between two date labels on the axis
MOVE_STYLE = "yellow"
# Where a row stands (its glyph, in the schedule's colours) and the legend's words for it.
MARKS: dict[str, tuple[str, str, str]] = {
    "held": ("●", MEETING_STYLES["held"], "held"),
    "planned": ("◆", MEETING_STYLES["scheduled"], "planned"),
    "passed": ("◆", "yellow", "date passed, outcome unknown"),
    "cancelled": ("✗", MEETING_STYLES["cancelled"], "cancelled"),
    "moved": ("○─▶", MOVE_STYLE, "moved"),
    "due": (DEADLINE_MARK.strip(), DEADLINE_STYLES["pending"], "deadline due"),
    "met": (DEADLINE_MARK.strip(), DEADLINE_STYLES["met"], "met"),
    "missed": (DEADLINE_MARK.strip(), DEADLINE_STYLES["missed"], "missed"),
    "deadline_passed": (DEADLINE_MARK.strip(), DEADLINE_STYLES["passed"], "deadline passed"),
}


@dataclass(frozen=True)
class Row:
    """One meeting or deadline: where it was first meant to be, every move, where it stands now."""

    title: str
    deadline: bool
    moves: tuple[tuple[Occurred | None, Occurred | None], ...]  # (from, to); to None: sine die
    end: Occurred | None  # held / planned / due / closed
    mark: str  # a key of MARKS

    @property
    def dates(self) -> list[Occurred]:
        return [d for pair in self.moves for d in pair if d is not None] + ([self.end] if self.end else [])


def meeting_row(m: Meeting) -> Row:
    if m.status == "held":
        mark = "held"
    elif m.status == "cancelled":
        mark = "cancelled"
    else:
        mark = "passed" if m.date_passed else "planned"
    end = m.held or m.planned or m.occurred
    moves = tuple((p.from_date, p.to_date) for p in m.postponements)
    if m.status == "postponed" and m.postponements and m.postponements[-1].to_date is None:
        end = None  # postponed sine die: the arrow runs off the chart
    return Row(title=m.title, deadline=False, moves=moves, end=end, mark=mark)


def deadline_row(d: Deadline) -> Row:
    mark = {"met": "met", "missed": "missed", "passed": "deadline_passed"}.get(d.status, "due")
    return Row(title=d.title, deadline=True, moves=tuple((x.from_date, x.to_date) for x in d.extensions),
               end=d.due or d.closed or d.occurred, mark=mark)


def chart_rows(state: TrackState, limit: int = MAX_ROWS) -> tuple[list[Row], int]:
    """The rows to draw, in date order, and how many were left out: every meeting and deadline
    with a date; beyond `limit`, those that never moved go first, the oldest first."""
    rows = [r for r in [*(meeting_row(m) for m in state.meetings), *(deadline_row(d) for d in state.deadlines)]
            if r.dates]
    if len(rows) > limit:
        keep = sorted(rows, key=lambda r: (bool(r.moves), max(d.latest for d in r.dates)), reverse=True)[:limit]
        kept = {id(r) for r in keep}
        rows = [r for r in rows if id(r) in kept]
    dropped = len(state.meetings) + len(state.deadlines) - len(rows)
    return sorted(rows, key=lambda r: min(d.earliest for d in r.dates)), dropped


@dataclass(frozen=True)
class Scale:
    """Days to columns: `first` at column 0, `last` at column `width - 1`."""

    first: date
    last: date
    width: int

    @classmethod
    def over(cls, rows: Sequence[Row], width: int) -> Scale:
        first = min(d.earliest for r in rows for d in r.dates)
        last = max(d.latest for r in rows for d in r.dates)
        pad = max(1, (last - first).days // 20)  # a mark on the first or last day is not at the very edge
        return cls(first - timedelta(days=pad), last + timedelta(days=pad), width)

    def col(self, d: date) -> int:
        span = max(1, (self.last - self.first).days)
        return max(0, min(self.width - 1, round((d - self.first).days * (self.width - 1) / span)))

    def ticks(self) -> list[tuple[int, str]]:
        """Labelled days on the axis: days, Mondays, first days of months or of years, whichever
        is the finest step whose labels all fit with room between them."""
        for step in ("day", "week", "month", "quarter", "year"):
            days = _steps(self.first, self.last, step)
            labels = [(self.col(d), _tick_label(d, step, i == 0)) for i, d in enumerate(days)]
            labels = [(c, text) for c, text in labels if c + len(text) <= self.width]  # none cut at the end
            if len(labels) >= 2 and all(b[0] - a[0] >= len(a[1]) + TICK_GAP
                                        for a, b in itertools.pairwise(labels)):
                return labels
        return []


def _steps(first: date, last: date, step: str) -> list[date]:
    out: list[date] = []
    if step in ("day", "week"):
        d = first if step == "day" else first + timedelta(days=(7 - first.weekday()) % 7)
        while d <= last:
            out.append(d)
            d += timedelta(days=1 if step == "day" else 7)
        return out
    months = {"month": 1, "quarter": 3, "year": 12}[step]
    y, m = first.year, first.month
    while True:
        m0 = (m - 1) // months * months + 1  # the first month of the step's period
        d = date(y, m0, 1)
        if d >= first:
            if d > last:
                return out
            out.append(d)
        m = m0 + months
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1


def _tick_label(d: date, step: str, first: bool) -> str:
    if step == "year":
        return f"{d.year}"
    if step in ("month", "quarter"):
        return f"{d:%b %Y}" if first or d.month == 1 else f"{d:%b}"
    return f"{d.day} {d:%b}"


def draw_row(row: Row, scale: Scale, marker: date | None) -> Text:
    """One row of the plot, `scale.width` cells."""
    cells: list[tuple[str, str]] = [(" ", "")] * scale.width
    if marker is not None and scale.first <= marker <= scale.last:
        cells[scale.col(marker)] = ("┆", "dim")

    def put(c: int, ch: str, style: str) -> None:
        cells[c] = (ch, style)

    for start, to in row.moves:
        a = scale.col(start.earliest) if start else None
        b = scale.col(to.earliest) if to else scale.width - 1
        if a is not None and b != a:
            lo, hi = sorted((a, b))
            for c in range(lo + 1, hi):
                put(c, "─", MOVE_STYLE)
            # the head just before the date moved to, which gets its own mark
            head = b - 1 if b > a + 1 else b + 1 if b < a - 1 else b
            put(head if to else b, ("▶" if b > a else "◀") if to else "→", MOVE_STYLE)
        if a is not None:
            put(a, "○", MOVE_STYLE)
    if row.end is not None:
        glyph, style, _ = MARKS[row.mark]
        a, b = scale.col(row.end.earliest), scale.col(row.end.latest)
        for c in range(a + 1, b + 1):  # an imprecise date: the span it covers
            put(c, "═", style)
        put(a, glyph, style)
    text = Text()
    for ch, style in cells:
        text.append(ch, style=style)
    return text


def legend(rows: Sequence[Row], marker: date | None) -> Text:
    used = {r.mark for r in rows} | ({"moved"} if any(r.moves for r in rows) else set())
    moved = " / ".join(w for w, kind in (("postponed", False), ("extended", True))
                       if any(r.moves and r.deadline == kind for r in rows))
    text = Text()
    for key, (glyph, style, words) in MARKS.items():
        if key in used:
            text.append(glyph, style=style)
            text.append(f" {moved if key == 'moved' else words}  ", style="dim")
    if marker is not None:
        text.append("┆", style="dim")
        text.append(f" as of {marker.day} {marker:%b %Y}", style="dim")
    return text


class ScheduleChart:
    """The chart of a track's schedule, fitted to the width it is rendered in; nothing if the
    track has no dated meeting or deadline."""

    def __init__(self, state: TrackState) -> None:
        self.rows, self.dropped = chart_rows(state)
        self.marker = state.as_of

    @staticmethod
    def title(row: Row) -> str:
        return (DEADLINE_MARK if row.deadline else "") + clean(row.title)

    def layout(self, width: int) -> tuple[int, Scale] | None:
        """The width of the titles and the scale of the plot beside them, in `width` cells; None
        if there is nothing to draw or too little room."""
        titles = max((cell_len(self.title(row)) for row in self.rows), default=0)
        least = min(LABEL_WIDTH, max(8, width // 4))
        label = max(least, min(titles, width - 1 - PLOT_WANT))
        if not self.rows or width - least - 1 < MIN_PLOT:
            return None
        # Titles wider than the least only as far as the plot keeps dates on its axis.
        while label > least and not Scale.over(self.rows, width - label - 1).ticks():
            label -= 1
        return label, Scale.over(self.rows, width - label - 1)

    def lines(self, width: int) -> list[Text]:
        fitted = self.layout(width)
        if fitted is None:
            return []
        label, scale = fitted
        marker = self.marker if self.marker and scale.first <= self.marker <= scale.last else None
        axis = Text(" " * (label + 1))
        at = 0
        for col, text in scale.ticks():
            axis.append(" " * (col - at))
            axis.append(text, style="dim")
            at = col + len(text)
        out = [Text("Schedule at a glance", style="bold"), axis]
        for row in self.rows:
            title = Text(fit(self.title(row), label), no_wrap=True)
            title.truncate(label, pad=True)
            title.append(" ")
            title.append_text(draw_row(row, scale, marker))
            out.append(title)
        if self.dropped:
            out.append(Text(f"{self.dropped} more in the schedule", style="dim"))
        out.append(legend(self.rows, marker))
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines(options.max_width):
            line.no_wrap = True
            line.overflow = "ellipsis"
            yield line

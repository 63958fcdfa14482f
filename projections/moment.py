"""The one bitemporal rule: what counts "as it stood on D, as we knew it at K".

VALID TIME, `as_of` = D: an event counts once the earliest day it may have happened has come,
i.e. occurred.earliest <= D. An event dated imprecisely ("week of 10 Feb", "Feb 2025", a range)
whose interval reaches past D (occurred.latest > D) is counted but flagged `uncertain` in the
view: it may have happened by D, or only later. So "week of 10 Feb" counts from Monday 10 Feb on,
flagged until Sunday 16 Feb, and is certain from 17 Feb on. The same rule everywhere: states,
timelines, diffs, trends, lists of events.

TRANSACTION TIME, `known_at` = K: only events recorded by K (recorded_at <= K) count, and only
the corrections and retractions recorded by K are honoured (projections.amend). Corrections and
retractions are record-keeping acts, not events in the world: they are not filtered by D.

Both axes combine: Moment(as_of=15 Feb, known_at=18 Feb) is "as it stood on 15 Feb, as we knew
it on 18 Feb". Moment() is "now": everything logged, whatever its date.

The rule is written here once, twice over: `known` and `happened` for events in memory (the
reference replay, the read model's folds), and `valid_bound` / `known_bound` for the same
comparison made by a database index (the read model's and the store's queries compare the same
texts); `within` tightens a list's own bounds to the moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from projections.records import Ev, recorded_text

# Upper bounds that every stored date and recording time sorts below: "no bound" in SQL.
FAR_DAY = "9999-12-31"
FAR_RECORDED = "~"


def _fmt(d: date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


@dataclass(frozen=True)
class Moment:
    """A point on both axes: as it stood on `as_of` (valid time), as known at `known_at`."""

    as_of: date | None = None
    known_at: datetime | None = None

    def label(self) -> str:
        parts = []
        if self.as_of is not None:
            parts.append(f"as of {_fmt(self.as_of)}")
        if self.known_at is not None:
            parts.append(f"as known on {_fmt(self.known_at.date())}")
        return ", ".join(parts) or "now"

    # Cached: folds compare a million events against them.
    @cached_property
    def as_of_text(self) -> str | None:
        return self.as_of.isoformat() if self.as_of is not None else None

    @cached_property
    def known_text(self) -> str | None:
        return recorded_text(self.known_at) if self.known_at is not None else None

    @cached_property
    def valid_bound(self) -> str:
        """occurred.earliest <= this, as text: the valid-time rule for an index."""
        return self.as_of_text or FAR_DAY

    @cached_property
    def known_bound(self) -> str:
        """recorded_at <= this, as text: the transaction-time rule for an index."""
        return self.known_text or FAR_RECORDED

    def known(self, ev: Ev) -> bool:
        """Logged by K."""
        return self.known_at is None or ev.recorded_at <= self.known_bound

    def happened(self, ev: Ev) -> bool:
        """May have happened by D (its earliest possible day has come)."""
        return self.as_of is None or ev.body["occurred"]["earliest"] <= self.valid_bound

    def within(self, occurred_to: date | None, recorded_until: datetime | None) -> tuple[date | None, datetime | None]:
        """A list's own upper bounds, tightened to this moment: what a list of events as of D,
        known at K, may show."""
        if self.as_of is not None:
            occurred_to = min(occurred_to, self.as_of) if occurred_to else self.as_of
        if self.known_at is not None:
            recorded_until = min(recorded_until, self.known_at) if recorded_until else self.known_at
        return occurred_to, recorded_until

    def __bool__(self) -> bool:  # Moment() is "now"
        return self.as_of is not None or self.known_at is not None

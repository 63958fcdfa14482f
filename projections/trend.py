"""Trend in the spirit of CrisisWatch: is a track improving, deteriorating or unchanged?

Each event is scored by its cooperative (+) or conflictual (-) character (integers, so sums are
exact whatever the order): meetings held, agreements, commitments done, mediation offers and
supportive statements count for; opposing statements, exclusions, cancellations, postponements,
broken commitments and denials count against. The trend compares the sum over the recent window
(the `window` days up to and including the reference day) with the window before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from projections.state import Trend, TrendDirection

WINDOW_DAYS = 30

_BY_TYPE = {
    "meeting_held": 2, "agreement_reached": 3, "mediation_offered": 1, "proposal_tabled": 1,
    "meeting_scheduled": 1, "party_excluded": -2, "meeting_cancelled": -2, "meeting_postponed": -1,
    "seat_demanded": -1,
}
_STANCE = {"supports": 1, "opposes": -1}
_PROGRESS = {"done": 2, "partial": 1, "broken": -3}
_STATUS = {"active": 2, "concluded": 2, "stalled": -2, "suspended": -2, "collapsed": -3}
_CLAIM = {"denied": -1, "disputed": -1}


def score(body: Mapping[str, Any]) -> int:
    t = body["type"]
    if t == "statement_made":
        return _STANCE.get(body.get("stance", ""), 0)
    if t == "commitment_progress":
        return _PROGRESS.get(body.get("progress", ""), 0)
    if t == "track_status_changed":
        return _STATUS.get(body.get("new_status", ""), 0)
    if t == "claim_status_changed":
        return _CLAIM.get(body.get("new_status", ""), 0)
    return _BY_TYPE.get(t, 0)


def trend(days: Mapping[str, Sequence[int]], ref: date | None, window: int = WINDOW_DAYS) -> Trend:
    """Compare (ref - window, ref] with the window before it. `days`: ISO day -> [score, count]."""
    if ref is None:
        return Trend(window_days=window)
    recent_from = (ref - timedelta(days=window)).isoformat()
    previous_from = (ref - timedelta(days=2 * window)).isoformat()
    end = ref.isoformat()
    recent = previous = 0
    n_recent = n_previous = 0
    for day, (s, n) in days.items():
        if recent_from < day <= end:
            recent += s
            n_recent += int(n)
        elif previous_from < day <= recent_from:
            previous += s
            n_previous += int(n)
    delta = recent - previous
    # A margin so one stray statement does not flip the verdict.
    margin = max(2, (abs(recent) + abs(previous)) // 4)
    direction: TrendDirection = "improving" if delta >= margin else "deteriorating" if delta <= -margin else "unchanged"
    return Trend(direction=direction, recent=recent, previous=previous, window_days=window, window_end=ref,
                 recent_events=n_recent, previous_events=n_previous)

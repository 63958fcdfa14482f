"""Trend in the spirit of CrisisWatch: is a track improving, deteriorating or unchanged?

Each event is scored by its cooperative (+) or conflictual (-) character (integers, so sums are
exact whatever the order): meetings held, agreements, commitments done, mediation offers and
supportive statements count for; opposing statements, exclusions, cancellations, postponements,
broken commitments and denials count against. The trend compares the sum over the recent window
(the `window` days up to and including the reference day) with the window before it. Each family
(projections.families) scores its own event types (`Family.scores`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from projections.families import FAMILIES
from projections.family import Score
from projections.state import Activity, Trend, TrendDirection

WINDOW_DAYS = 30
# Weeks of activity a track keeps (Activity): a quarter and more, for the list's sparkline.
ACTIVITY_WEEKS = 26

# event type -> its score, from the families (projections.families): a number, or a function of the event
_SCORES: dict[str, Score] = {}
for _family in FAMILIES:
    for _type, _score in _family.scores.items():
        assert _type not in _SCORES, f"{_type} is scored by two families"
        _SCORES[_type] = _score


def score(body: Mapping[str, Any]) -> int:
    found = _SCORES.get(body["type"], 0)
    return found if isinstance(found, int) else found(body)


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


def activity(days: Mapping[str, Sequence[int]], ref: date | None, weeks: int = ACTIVITY_WEEKS) -> Activity:
    """Events per ISO week over the `weeks` weeks up to and including the week of `ref`.
    `days`: ISO day -> [score, count], as for `trend`; days after `ref` are left out."""
    if ref is None:
        return Activity()
    last = ref - timedelta(days=ref.weekday())
    first = last - timedelta(weeks=weeks - 1)
    counts = [0] * weeks
    start, end = first.isoformat(), ref.isoformat()
    for day, (_, n) in days.items():
        if start <= day <= end:
            counts[(date.fromisoformat(day) - first).days // 7] += int(n)
    return Activity(weeks=tuple(counts), last_week=last)

"""What changed on a track between two moments: a pure comparison of two TrackStates, each family
(projections.families) comparing its own fields, in the families' order."""

from __future__ import annotations

from projections.families import FAMILIES
from projections.state import Change, TrackDiff, TrackState

_DIFFS = tuple(f.diff for f in FAMILIES if f.diff)


def diff(a: TrackState | None, b: TrackState | None, track: str, before: str, after: str) -> TrackDiff:
    """Changes from state `a` (earlier) to state `b` (later). Either may be None (no track yet)."""
    out: list[Change] = []
    if b is None:
        return TrackDiff(track=track, before=before, after=after)
    if a is None:
        out.append(Change(kind="status", subject=track, description=f"track opened: {b.title} ({b.status})",
                          event_ids=b.status_event_ids))
        a = TrackState(track=track, title=b.title)
    for diff_of in _DIFFS:
        out.extend(diff_of(a, b))
    return TrackDiff(track=track, before=before, after=after, changes=tuple(out))

"""The list of tracks folds from index rows what the full fold makes of the events themselves."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from test_projections_logs import PROFILE, as_evs, logs

from projections.fold import SUMMARY, SUMMARY_NEEDS_BODY, apply, apply_summary, empty, summary_row
from projections.records import AMENDMENT_TYPES


@PROFILE
@given(logs(max_size=40))
def test_summary_rows_fold_to_the_summary_the_events_fold_to(bodies: list[dict[str, Any]]) -> None:
    evs = [e for e in as_evs(bodies) if e.type not in AMENDMENT_TYPES]
    by_rows = [e for e in evs if e.type not in SUMMARY_NEEDS_BODY]
    by_body = [e for e in evs if e.type in SUMMARY_NEEDS_BODY]
    for track in {t for e in evs for t in e.body["tracks"]}:
        full = apply(empty(track), evs)
        mixed = apply_summary(apply(empty(track), by_body), (summary_row(e) for e in by_rows))
        assert {k: mixed[k] for k in SUMMARY} == {k: full[k] for k in SUMMARY}

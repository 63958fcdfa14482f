"""The list of tracks folds from index rows what the full fold makes of the events themselves."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from test_projections_logs import PROFILE, as_evs, logs

from projections.fold import LIST_NEEDS_BODY, LIST_PARTS, apply, apply_list_facts, empty, list_fact
from projections.records import AMENDMENT_TYPES


@PROFILE
@given(logs(max_size=40))
def test_list_facts_fold_to_the_list_parts_the_events_fold_to(bodies: list[dict[str, Any]]) -> None:
    evs = [e for e in as_evs(bodies) if e.type not in AMENDMENT_TYPES]
    by_facts = [e for e in evs if e.type not in LIST_NEEDS_BODY]
    by_body = [e for e in evs if e.type in LIST_NEEDS_BODY]
    for track in {t for e in evs for t in e.body["tracks"]}:
        full = apply(empty(track), evs)
        mixed = apply_list_facts(apply(empty(track), by_body), (list_fact(e) for e in by_facts))
        assert {k: mixed[k] for k in LIST_PARTS} == {k: full[k] for k in LIST_PARTS}

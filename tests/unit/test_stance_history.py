"""Stance history (projections.families.stances): every statement of an actor on an issue stays in
its dated history; the matrix keeps the latest with the stance it shifted from; voices of one side
that disagree are contradictions; Tracker.stance_history gives the entries with their sources."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from test_projections import ev, statement

from projections.diff import diff
from projections.fold import fold
from projections.moment import Moment
from projections.records import Ev
from projections.replay import replay_track
from projections.state import Stance, TrackState
from tracker.readmodel.model import dumps
from tracker.service import Tracker

CAST = [ev("actor_described", actor="dmitriev", name="Kirill Dmitriev", kind="person", affiliation="rus"),
        ev("actor_described", actor="ru-mfa", name="Russian MFA", kind="organisation", affiliation="rus"),
        ev("actor_described", actor="lavrov", name="Sergei Lavrov", kind="person", affiliation="rus"),
        ev("actor_described", actor="peskov", name="Dmitry Peskov", kind="person", affiliation="rus")]


def state_of(events: list[Ev], moment: Moment = Moment()) -> TrackState:
    state = replay_track(events, "t", moment)
    assert state is not None
    return state


def cell(state: TrackState, actor: str = "rus", issue: str = "peacekeepers") -> Stance:
    found = state.stance(actor, issue)
    assert found is not None
    return found


def shifts() -> list[Ev]:
    """Russia on peacekeepers: opposes (Lavrov), opposes (Peskov), then conditional (Lavrov), logged out of order."""
    late = statement("lavrov", "peacekeepers", "conditional", "2025-03-10", on_behalf_of="rus", position=1)
    first = statement("lavrov", "peacekeepers", "opposes", "2025-02-18", on_behalf_of="rus", position=2)
    second = statement("peskov", "peacekeepers", "opposes", "2025-02-20", on_behalf_of="rus", position=3)
    return [late, first, second]


def test_the_history_is_in_date_order_whatever_the_log_order_and_the_cell_keeps_the_latest() -> None:
    late, first, second = shifts()
    s = cell(state_of([late, first, second]))
    assert s.history == (first.id, second.id, late.id)
    assert (s.stance, s.speaker, s.event_ids) == ("conditional", "lavrov", (late.id,))
    # Every order folds to the same accumulator (snapshots compose).
    events = [*shifts(), statement("rubio", "peacekeepers", "supports", "2025-02-19", position=9)]
    texts = {dumps(fold("t", random.Random(seed).sample(events, len(events)))) for seed in range(6)}
    assert len(texts) == 1


def test_a_shift_keeps_the_stance_before_it_and_its_direction() -> None:
    s = cell(state_of(shifts()))
    assert (s.previous, s.direction) == ("opposes", "up")
    # No change: no previous; a move away from support points down.
    steady = cell(state_of(shifts()[1:]))
    assert (steady.previous, steady.direction) == (None, None)
    away = statement("lavrov", "peacekeepers", "opposes", "2025-04-01", on_behalf_of="rus", position=4)
    assert cell(state_of([*shifts(), away])).direction == "down"


def test_diff_marks_the_shift_with_the_old_and_new_stance() -> None:
    events = shifts()
    before, after = state_of(events, Moment(as_of=date(2025, 3, 1))), state_of(events)
    (change,) = [c for c in diff(before, after, "t", "1 Mar", "now").changes if c.kind == "stance_changed"]
    assert "shifted opposes -> conditional (towards support)" in change.description


def test_a_retracted_statement_drops_out_of_the_history() -> None:
    late, first, second = shifts()
    gone = ev("retraction", target=second.id, reason="never said", position=10)
    s = cell(state_of([late, first, second, gone]))
    assert s.history == (first.id, late.id) and s.previous == "opposes"
    # Retracting the latest: the cell goes back to what stood before, and nothing shifted.
    undo = ev("retraction", target=late.id, reason="misreported", position=11)
    back = cell(state_of([late, first, second, undo]))
    assert (back.stance, back.history, back.previous) == ("opposes", (first.id, second.id), None)


def test_as_of_a_date_the_history_stops_there() -> None:
    late, first, second = shifts()
    s = cell(state_of([late, first, second], Moment(as_of=date(2025, 2, 19))))
    assert (s.history, s.stance, s.previous) == ((first.id,), "opposes", None)
    # As known before the late statement was logged: not in the history either.
    logged_late = statement("lavrov", "peacekeepers", "conditional", "2025-03-10", on_behalf_of="rus",
                            recorded="2025-03-11T09:00:00", position=5)
    known = Moment(known_at=datetime(2025, 3, 10, 23, 59, tzinfo=UTC))
    assert cell(state_of([first, second, logged_late], known)).history == (first.id, second.id)


def test_voices_of_one_side_that_differ_are_a_contradiction() -> None:
    envoy = statement("dmitriev", "peacekeepers", "conditional", "2025-02-19", position=20)
    ministry = statement("ru-mfa", "peacekeepers", "opposes", "2025-02-20", position=21)
    state = state_of([*CAST, envoy, ministry])
    (c,) = state.contradictions
    assert (c.side, c.issue) == ("rus", "peacekeepers")
    assert [(v.actor, v.speaker, v.stance) for v in c.voices] == [("dmitriev", "dmitriev", "conditional"),
                                                                   ("ru-mfa", "ru-mfa", "opposes")]
    assert set(c.event_ids) == {envoy.id, ministry.id}
    # The matrix still shows one cell per actor.
    assert {(s.actor, s.stance) for s in state.stances} == {("dmitriev", "conditional"), ("ru-mfa", "opposes")}


def test_two_officials_speaking_for_one_state_share_its_cell_but_still_disagree() -> None:
    lavrov = statement("lavrov", "peacekeepers", "opposes", "2025-02-18", on_behalf_of="rus", position=30)
    peskov = statement("peskov", "peacekeepers", "neutral", "2025-02-19", on_behalf_of="rus", position=31)
    state = state_of([*CAST, lavrov, peskov])
    assert [(s.actor, s.speaker, s.stance) for s in state.stances] == [("rus", "peskov", "neutral")]
    (c,) = state.contradictions
    assert [(v.speaker, v.stance) for v in c.voices] == [("lavrov", "opposes"), ("peskov", "neutral")]
    # Lavrov speaking again with Peskov's stance ends it; so does agreeing from the start.
    again = statement("lavrov", "peacekeepers", "neutral", "2025-02-20", on_behalf_of="rus", position=32)
    assert state_of([*CAST, lavrov, peskov, again]).contradictions == ()


def test_no_contradiction_across_sides_or_from_a_denied_statement() -> None:
    rus = statement("lavrov", "peacekeepers", "opposes", "2025-02-18", on_behalf_of="rus", position=40)
    usa = statement("rubio", "peacekeepers", "supports", "2025-02-18", on_behalf_of="usa", position=41)
    assert state_of([*CAST, rus, usa]).contradictions == ()
    envoy = statement("dmitriev", "peacekeepers", "supports", "2025-02-19", position=42)
    denial = ev("claim_status_changed", "2025-02-20", target=envoy.id, new_status="denied", by=["rus"], position=43)
    assert len(state_of([*CAST, rus, envoy]).contradictions) == 1
    assert state_of([*CAST, rus, envoy, denial]).contradictions == ()


# -- the service, on a small generated log ----------------------------------------------------------
def body(e: Ev) -> dict[str, Any]:
    return {k: v for k, v in e.body.items() if k != "recorded_at"}


def test_the_service_gives_each_statement_with_its_sources_and_filters(tmp_path: Path) -> None:
    late, first, second = shifts()
    sourced = [first, second, late]
    lines = [json.dumps({**body(e), "sources": [{"outlet": f"Wire {i}", "via": "Digest" if i else None}],
                         "quote": f"said {i}"}).encode() for i, e in enumerate(sourced)]
    other = statement("rubio", "ceasefire", "supports", "2025-02-19", on_behalf_of="usa", position=8)
    lines.append(json.dumps({**body(other), "sources": [{"outlet": "Wire X"}]}).encode())
    with Tracker.open(tmp_path / "log.db") as tracker:
        tracker.import_lines(lines)
        (h,) = tracker.stance_history("t", actor="rus") or []
        assert (h.actor, h.issue) == ("rus", "peacekeepers")
        assert [(s.speaker, s.stance, s.previous, s.quote) for s in h.steps] == [
            ("lavrov", "opposes", None, "said 0"), ("peskov", "opposes", None, "said 1"),
            ("lavrov", "conditional", "opposes", "said 2")]
        assert [s.sources for s in h.steps] == [(("Wire 0", None),), (("Wire 1", "Digest"),), (("Wire 2", "Digest"),)]
        # A speaker: only what it said; an issue: every actor on it; as of a date: the history then.
        (by_peskov,) = tracker.stance_history("t", actor="peskov") or []
        assert [s.event_id for s in by_peskov.steps] == [second.id]
        assert [h.actor for h in tracker.stance_history("t", issue="ceasefire") or []] == ["usa"]
        (then,) = tracker.stance_history("t", Moment(as_of=date(2025, 2, 18)), issue="peacekeepers") or []
        assert [s.event_id for s in then.steps] == [first.id]
        assert tracker.stance_history("t", actor="nobody") == []
        assert tracker.stance_history("no-such-track") is None

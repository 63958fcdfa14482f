"""The read model in SQLite: incremental == rebuild, snapshots == scratch, atomic checkpoints."""

# The assertions here read fields straight off Optional results (rm.state(track).event_count): a
# None fails the test right there, which is the check. Narrowing each one would rewrite the
# assertions, so this file's only relaxed check is union-attr.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_projections_logs import PROFILE, as_evs, logs, moments

from projections.moment import Moment
from projections.replay import replay_track
from tracker.readmodel import model as readmodel
from tracker.readmodel.model import ReadModel, dumps
from tracker.store import EventStore, ReadOnlyStore

TODAY = date(2025, 2, 20)


@contextlib.contextmanager
def small_snapshots(every: int = 2) -> Iterator[None]:
    """Snapshots every few facts, so tiny logs exercise them."""
    saved = readmodel.SNAPSHOT_EVERY, readmodel.REFRESH_AFTER
    readmodel.SNAPSHOT_EVERY, readmodel.REFRESH_AFTER = every, 4 * every
    try:
        yield
    finally:
        readmodel.SNAPSHOT_EVERY, readmodel.REFRESH_AFTER = saved


def accs(store: EventStore) -> dict[str, str]:
    return {t: dumps(readmodel.from_json(a)) for t, a in store.conn.execute("SELECT track, acc FROM rm_track_state")}


def states(rm: ReadModel, moment: Moment) -> dict[str, Any]:
    return {t: rm.state(t, moment, TODAY) for t in ("t-one", "t-two")}


def caught_up_in_batches(rm: ReadModel, bodies: list[dict[str, Any]], batches: list[int]) -> Iterator[int]:
    """Append `bodies` in batches of the sizes given (cycled), catching up after each; yields the
    number of events appended so far."""
    rm.catch_up()
    i, b = 0, 0
    while i < len(bodies):
        n = batches[b % len(batches)]
        rm.store.append(bodies[i : i + n])
        rm.catch_up()
        i, b = i + n, b + 1
        yield i


# -- properties ---------------------------------------------------------------------------------------
@PROFILE
@given(logs(max_size=25), st.lists(st.integers(1, 6), min_size=1, max_size=8), moments())
def test_incremental_read_model_equals_a_rebuild(bodies: list[dict[str, Any]], batches: list[int], moment: Moment) -> None:
    with tempfile.TemporaryDirectory() as tmp, small_snapshots():
        live = EventStore(Path(tmp) / "live.db", durable=False)
        rm = ReadModel(live)
        for _ in caught_up_in_batches(rm, bodies, batches):
            pass
        assert rm.current()
        fresh = EventStore(Path(tmp) / "fresh.db", durable=False)
        fresh.append(bodies)
        rebuilt = ReadModel(fresh)
        rebuilt.rebuild()
        assert accs(live) == accs(fresh)
        assert states(rm, moment) == states(rebuilt, moment)
        # `rebuild` in place gives the identical state too.
        before = accs(live)
        rm.rebuild()
        assert accs(live) == before
        live.close()
        fresh.close()


@PROFILE
@given(logs(max_size=25), st.lists(st.integers(1, 6), min_size=1, max_size=8))
def test_the_kept_list_of_tracks_equals_list_rows_made_afresh(bodies: list[dict[str, Any]], batches: list[int]) -> None:
    """The list of tracks is kept between catch-ups; whatever a batch logs (claim status changes,
    corrections of other tracks' events, retractions), the list read next is what a fresh fold says."""
    with tempfile.TemporaryDirectory() as tmp, small_snapshots():
        store = EventStore(Path(tmp) / "live.db", durable=False)
        rm = ReadModel(store)
        for _ in caught_up_in_batches(rm, bodies, batches):
            fresh = [s for t in rm.tracks() if (s := rm.state(t, Moment(), TODAY, detail=False)) is not None]
            assert rm.list_states(TODAY) == fresh
            assert rm.kept_list_states(TODAY) == fresh  # every row is kept now
        # Another day is another list (which meeting is next depends on it): not kept yet.
        if rm.tracks():
            assert rm.kept_list_states(date(2025, 3, 1)) is None
        store.close()


@PROFILE
@given(logs(max_size=30), st.lists(moments(), min_size=1, max_size=4))
def test_replay_through_snapshots_equals_a_fold_from_scratch(bodies: list[dict[str, Any]], ms: list[Moment]) -> None:
    events = as_evs(bodies)
    with rebuilt_then_caught_up(bodies) as rm:
        for moment in [Moment(), *ms]:
            for track in ("t-one", "t-two"):
                assert rm.state(track, moment, TODAY) == replay_track(events, track, moment, TODAY), (track, moment)


@PROFILE
@given(logs(max_size=30), st.lists(moments(), min_size=1, max_size=3))
def test_entities_found_page_by_page_are_the_ones_found_at_once(bodies: list[dict[str, Any]], ms: list[Moment]) -> None:
    """The latest entities of a kind are read a page of rows at a time: with a first page of one
    row (then 4, 16, ...), every view still shows what a fold from scratch shows."""
    events = as_evs(bodies)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(readmodel, "PAGE_ROWS_PER_ENTITY", 0)
        patch.setattr(readmodel, "PAGE_EXTRA_ROWS", 1)
        with rebuilt_then_caught_up(bodies) as rm:
            for moment in [Moment(), *ms]:
                for track in ("t-one", "t-two"):
                    assert rm.state(track, moment, TODAY) == replay_track(events, track, moment, TODAY), (track, moment)


@contextlib.contextmanager
def rebuilt_then_caught_up(bodies: list[dict[str, Any]]) -> Iterator[ReadModel]:
    """A read model with small snapshots: the first half of `bodies` rebuilt, the second caught
    up, so snapshots of the first are combined with deltas of the second."""
    with tempfile.TemporaryDirectory() as tmp, small_snapshots():
        store = EventStore(Path(tmp) / "log.db", durable=False)
        store.append(bodies[: len(bodies) // 2])
        rm = ReadModel(store)
        rm.rebuild()
        store.append(bodies[len(bodies) // 2 :])
        rm.catch_up()
        try:
            yield rm
        finally:
            store.close()


@PROFILE
@given(logs(max_size=25), st.lists(st.integers(1, 6), min_size=1, max_size=8))
def test_snapshots_compressed_on_a_second_thread_are_the_ones_written_inline(
        bodies: list[dict[str, Any]], batches: list[int]) -> None:
    """A rebuild and every catch-up leave the same snapshot rows whether they are compressed on
    the writer's thread or inline: none lost, none left over from a refolded track, same bytes."""

    @contextlib.contextmanager
    def inline(self: ReadModel) -> Iterator[None]:
        yield

    def rows(store: EventStore) -> list[tuple[Any, ...]]:
        return store.conn.execute("SELECT * FROM rm_snapshots ORDER BY track, kind, day, position").fetchall()

    with tempfile.TemporaryDirectory() as tmp, small_snapshots():
        threaded = EventStore(Path(tmp) / "threaded.db", durable=False)
        plain = EventStore(Path(tmp) / "plain.db", durable=False)
        rm_threaded, rm_plain = ReadModel(threaded), ReadModel(plain)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(rm_plain, "_writing_snapshots", inline.__get__(rm_plain))
            rm_threaded.rebuild()
            rm_plain.rebuild()
            for _ in caught_up_in_batches(rm_threaded, bodies, batches):
                pass
            for _ in caught_up_in_batches(rm_plain, bodies, batches):
                pass
            assert rows(threaded) == rows(plain)
            rm_threaded.rebuild()
            rm_plain.rebuild()
            assert rows(threaded) == rows(plain)
        assert rm_threaded._writer is None
        threaded.close()
        plain.close()


# -- snapshots are used ---------------------------------------------------------------------------------
def _statements(n: int, track: str = "t-one") -> list[dict[str, Any]]:
    from test_projections_logs import BASE

    from events import new_id
    from projections.records import recorded_text

    out = []
    for i in range(n):
        day = date(2025, 1, 1 + i % 28) if i % 5 else date(2025, 1, 1 + i // 5 % 28)
        out.append({"id": new_id(at=BASE, randomness=i.to_bytes(10, "big")), "type": "statement_made",
                    "occurred": {"earliest": day.isoformat(), "latest": day.isoformat(), "precision": "day"},
                    # Logged in order, about one day after the first ones happened.
                    "recorded_at": recorded_text(datetime(2025, 1, 2 + i * 27 // max(n, 1), 12, i % 60, tzinfo=UTC)),
                    "tracks": [track], "summary": f"s{i}", "speaker": f"a{i % 7}", "issue": f"i{i % 3}",
                    "stance": ("supports", "opposes")[i % 2]})
    return out


def test_queries_fold_forward_from_the_nearest_snapshot(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with small_snapshots(10):
        store = EventStore(db_path)
        store.append(_statements(120))
        rm = ReadModel(store)
        rm.rebuild()
        kinds = {r[0] for r in store.conn.execute("SELECT kind FROM rm_snapshots")}
        assert kinds == {"valid", "diag"}
        folded: list[int] = []
        original = readmodel.apply

        def counting(acc: Any, facts: Any) -> Any:
            facts = list(facts)
            folded.append(len(facts))
            return original(acc, facts)

        monkeypatch.setattr(readmodel, "apply", counting)
        moment = Moment(as_of=date(2025, 1, 15))
        state = rm.state("t-one", moment)
        assert state is not None and state.event_count == sum(1 for b in _statements(120) if b["occurred"]["earliest"] <= "2025-01-15")
        assert folded and max(folded) < 30  # a delta since a snapshot, not the 60-odd facts up to the 15th
        assert state == replay_track(as_evs(_statements(120)), "t-one", moment)
        store.close()


def test_a_correction_of_an_old_event_is_honoured_by_snapshots_and_known_at(db_path: Path) -> None:
    with small_snapshots(5):
        store = EventStore(db_path)
        bodies = _statements(40)
        store.append(bodies)
        rm = ReadModel(store)
        rm.rebuild()
        target = bodies[3]
        from events import new_id

        store.append([{"id": new_id(), "type": "correction", "occurred": target["occurred"], "tracks": ["t-one"],
                       "summary": "fix", "target": target["id"], "changes": {"stance": "conditional"}, "reason": "x"}])
        rm.catch_up()
        events = as_evs(body for _, body in ((p, readmodel.from_json(b)) for p, b in store.iter_bodies(0)))
        for moment in (Moment(), Moment(as_of=date(2025, 1, 10)),
                       Moment(as_of=date(2025, 1, 10), known_at=datetime(2025, 2, 1, 1, tzinfo=UTC))):
            assert rm.state("t-one", moment) == replay_track(events, "t-one", moment)
        store.close()


# -- atomicity and read-only files ------------------------------------------------------------------------
def test_checkpoint_and_model_change_together_or_not_at_all(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = EventStore(db_path)
    store.append(_statements(10))
    rm = ReadModel(store)
    rm.catch_up()
    before = (rm.checkpoint(), accs(store))
    store.append(_statements(20)[10:])

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(ReadModel, "_save_state", crash)
    with pytest.raises(RuntimeError):
        rm.catch_up()
    assert (rm.checkpoint(), accs(store)) == before  # rolled back: the model is still at position 10
    monkeypatch.undo()
    assert rm.catch_up() == 10 and rm.checkpoint() == 20
    assert rm.state("t-one").event_count == 20


def test_a_read_only_file_is_read_without_writing(db_path: Path) -> None:
    store = EventStore(db_path)
    store.append(_statements(12))
    ReadModel(store).catch_up()
    store.append(_statements(15)[12:])  # the read model is now behind
    store.close()
    mode = os.stat(db_path).st_mode
    os.chmod(db_path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        ro = EventStore(db_path, readonly=True)
        rm = ReadModel(ro)
        assert rm.catch_up() == 0 and not rm.current()
        state = rm.state("t-one", Moment(as_of=date(2025, 1, 5)))
        assert state is not None and state == replay_track(as_evs(_statements(15)), "t-one", Moment(as_of=date(2025, 1, 5)))
        with pytest.raises(ReadOnlyStore):
            rm.rebuild()
        assert rm.checkpoint() == 12
        ro.close()
    finally:
        os.chmod(db_path, mode)


def test_the_read_model_lives_in_rm_tables_only(db_path: Path) -> None:
    store = EventStore(db_path)
    plain = set(store.conn.execute("SELECT name, tbl_name FROM sqlite_master"))
    store.append(_statements(3))
    ReadModel(store).rebuild()
    added = set(store.conn.execute("SELECT name, tbl_name FROM sqlite_master")) - plain
    assert added and all(table.startswith("rm_") for _, table in added)  # tables, and indexes on them
    assert store.verify().ok


def test_a_read_model_of_another_layout_is_rebuilt(db_path: Path) -> None:
    store = EventStore(db_path)
    store.append(_statements(5))
    rm = ReadModel(store)
    rm.catch_up()
    store.conn.execute("UPDATE rm_meta SET value = 'old' WHERE key = 'layout'")
    assert rm.checkpoint() is None
    rm.catch_up()
    assert rm.checkpoint() == 5 and rm.state("t-one").event_count == 5


def test_a_catch_up_bigger_than_the_log_folded_is_a_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a big import the read model is rebuilt in one pass rather than caught up event by
    event; either way it ends as a model made afresh."""
    monkeypatch.setattr(readmodel, "BULK_AFTER", 5)
    events = _statements(30)
    store = EventStore(tmp_path / "log.db")
    store.append(events[:6])
    rm = ReadModel(store)
    rm.catch_up()
    rebuilds: list[int] = []
    original = ReadModel.rebuild

    def counted(self: ReadModel) -> None:
        rebuilds.append(self.store.head()[0])
        original(self)

    monkeypatch.setattr(ReadModel, "rebuild", counted)
    store.append(events[6:9])  # 3 new events, fewer than the 6 folded: applied
    assert rm.catch_up() == 3 and rebuilds == []
    store.append(events[9:])  # 21 new events, more than the 9 folded: rebuilt
    assert rm.catch_up() == 21 and rebuilds == [30]
    assert rm.current()
    fresh = EventStore(tmp_path / "fresh.db")
    fresh.append(events)
    ReadModel(fresh).rebuild()
    assert accs(store) == accs(fresh)
    moment = Moment(as_of=date(2025, 1, 9))
    assert rm.state("t-one", moment, TODAY) == replay_track(as_evs(events), "t-one", moment, TODAY)
    store.close()
    fresh.close()


@PROFILE
@given(logs(max_size=30), st.lists(moments(), min_size=1, max_size=4))
def test_a_list_row_as_of_a_moment_equals_the_full_state_cut_down(bodies: list[dict[str, Any]],
                                                                  ms: list[Moment]) -> None:
    """A list of tracks as of D folds facts from their index rows (fold.apply_list_facts), a track
    view from the events: the list must say what the track view says, corrections and all."""
    events = as_evs(bodies)
    with rebuilt_then_caught_up(bodies) as rm:
        for moment in ms:
            for track in ("t-one", "t-two"):
                full = replay_track(events, track, moment, TODAY)
                listed = rm.state(track, moment, TODAY, detail=False)
                assert listed == (full.list_row() if full is not None else None), (track, moment)


def test_the_events_a_read_keeps_are_never_changed_by_the_views_made_of_them(demo_db: Path) -> None:
    """States share the events they parse (fetch_positions, within a read): every fold and freeze
    of every track, at several moments, leaves each kept event as the log holds it."""
    from pydantic_core import from_json

    from projections.records import normalise

    store = EventStore(demo_db)
    rm = ReadModel(store)
    rm.catch_up()
    moments = [Moment(), Moment(as_of=date(2025, 2, 12)), Moment(as_of=date(2025, 2, 18)),
               Moment(known_at=datetime(2025, 2, 19, tzinfo=UTC)),
               Moment(as_of=date(2025, 2, 18), known_at=datetime(2025, 2, 20, tzinfo=UTC))]
    for moment in moments:
        for track in rm.tracks():
            rm.state(track, moment, TODAY)
            rm.state(track, moment, TODAY, detail=False)
    kept = rm._parsed
    assert len(kept) > 50  # the demo's reads kept most of its events
    stored = dict(store.conn.execute("SELECT position, body FROM events"))
    changed = [p for p, ev in kept.items() if ev.body != normalise(from_json(stored[p]))]
    assert changed == []
    # and a second round of reads is served from them, giving the same states
    again = {(t, m): rm.state(t, m, TODAY) for m in moments for t in rm.tracks()}
    fresh = ReadModel(EventStore(demo_db, readonly=True))
    assert again == {(t, m): fresh.state(t, m, TODAY) for m in moments for t in rm.tracks()}
    store.close()


def test_states_built_without_validation_are_what_validation_makes(demo_db: Path) -> None:
    """Freezing builds thousands of facts without pydantic's validation (Frozen.fast): each state
    must be exactly the one validating its own fields would give (tuples, dates, nested facts)."""
    from projections.state import TrackState

    store = EventStore(demo_db)
    rm = ReadModel(store)
    rm.catch_up()
    moments = [Moment(), Moment(as_of=date(2025, 2, 12)), Moment(as_of=date(2025, 2, 18)),
               Moment(known_at=datetime(2025, 2, 19, tzinfo=UTC))]
    checked = 0
    for moment in moments:
        for track in rm.tracks():
            for state in (rm.state(track, moment, TODAY), rm.state(track, moment, TODAY, detail=False)):
                if state is not None:
                    assert TrackState.model_validate(state.model_dump()) == state, (track, moment)
                    checked += 1
    assert checked > 20
    store.close()


@PROFILE
@given(logs(max_size=30), st.lists(moments(), min_size=1, max_size=3))
def test_states_of_any_log_are_what_validation_makes(bodies: list[dict[str, Any]], ms: list[Moment]) -> None:
    from projections.state import TrackState

    with rebuilt_then_caught_up(bodies) as rm:
        for moment in [Moment(), *ms]:
            for track in ("t-one", "t-two"):
                state = rm.state(track, moment, TODAY)
                if state is not None:
                    assert TrackState.model_validate(state.model_dump()) == state, (track, moment)

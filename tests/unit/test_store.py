"""The store against a real SQLite file: append-only, chained, atomic, idempotent, concurrent-safe."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from events import SCHEMA_VERSION
from tracker.store import (
    ConcurrencyConflict,
    EventFilter,
    EventStore,
    IdConflict,
    IncompatibleDatabase,
    InvalidEvents,
    ReadOnlyStore,
)


def test_append_assigns_gap_free_positions_and_recorded_at(store, body):
    result = store.append([body(), body(), body()])
    assert [e.position for e in result.appended] == [1, 2, 3]
    assert all(e.event.recorded_at is not None for e in result.appended)
    assert store.head()[0] == 3


def test_update_and_delete_are_refused_by_the_database(store, body, db_path):
    store.append([body()])
    raw = sqlite3.connect(db_path)
    for sql in ("UPDATE events SET summary = 'x'", "DELETE FROM events",
                "DELETE FROM event_tracks", "UPDATE event_actors SET actor = 'x'"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute(sql)
    with pytest.raises(sqlite3.IntegrityError, match="gap-free"):
        raw.execute("INSERT INTO events (position, id, type, schema_version, occurred_earliest, occurred_latest,"
                    " precision, recorded_at, tracks, actors, status, summary, body, hash)"
                    " VALUES (5, 'x', 't', 2, 'a', 'b', 'day', 'r', '[]', '[]', 's', 's', '{}', 'h')")


def test_a_batch_is_all_or_nothing(store, body):
    store.append([body()])
    with pytest.raises(InvalidEvents) as info:
        store.append([body(), body(stance="maybe"), body()])
    assert "stance" in str(info.value)
    assert store.count() == 1


def test_expected_position_conflict(store, body):
    store.append([body()])
    store.append([body()], expected_position=1)
    with pytest.raises(ConcurrencyConflict) as info:
        store.append([body()], expected_position=1)
    assert info.value.actual == 2 and "position 2, not 1" in str(info.value)
    assert store.count() == 2


def test_reappending_is_idempotent_but_a_changed_event_under_the_same_id_is_refused(store, body):
    b = body()
    store.append([b])
    assert store.append([b]).skipped == 1
    assert store.count() == 1
    with pytest.raises(IdConflict, match=b["id"]):
        store.append([{**b, "summary": "something else"}])
    assert store.count() == 1


def test_corrections_must_name_an_event_in_the_log(store, body):
    bad = body(type="retraction", target="01JMCX0000000000000000000Z", reason="wrong")
    for key in ("speaker", "issue", "stance"):
        bad.pop(key)
    with pytest.raises(InvalidEvents, match="no event with id"):
        store.append([bad])
    target = body()
    store.append([target, {**bad, "target": target["id"]}])
    assert store.count() == 2


def test_verify_names_the_exact_position_of_a_hand_edit(store, body, db_path):
    store.append([body() for _ in range(10)])
    assert store.verify().ok
    raw = sqlite3.connect(db_path)
    raw.execute("DROP TRIGGER events_no_update")
    row = raw.execute("SELECT body FROM events WHERE position = 7").fetchone()[0]
    raw.execute("UPDATE events SET body = ? WHERE position = 7", (row.replace("Lavrov", "Lavrof"),))
    raw.commit()
    result = store.verify()
    assert not result.ok and result.first_bad_position == 7 and result.checked == 6


def test_verify_detects_deleted_and_reordered_rows(tmp_path, body):
    for mutate, position in (
        ("DELETE FROM events WHERE position = 4", 4),
        (("UPDATE events SET position = -1 WHERE position = 3;"
          "UPDATE events SET position = 3 WHERE position = 6;"
          "UPDATE events SET position = 6 WHERE position = -1"), 3),
    ):
        path = tmp_path / f"{position}.db"
        with EventStore(path) as s:
            s.append([body() for _ in range(8)])
        raw = sqlite3.connect(path)
        raw.executescript("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;" + mutate)
        raw.close()
        with EventStore(path) as s:
            assert s.verify().first_bad_position == position


def test_older_schema_versions_are_upcast_on_read_and_stored_verbatim(store, body):
    old = {k: v for k, v in body().items() if k not in ("occurred", "sources")}
    old.update(schema_version=1, date="2025-02-17", source="Reuters")
    stored = store.append([old]).appended[0]
    assert stored.event.occurred.earliest.isoformat() == "2025-02-17"
    assert stored.event.sources[0].outlet == "Reuters"
    assert stored.event.schema_version == SCHEMA_VERSION
    raw = json.loads(next(store.iter_bodies())[1])
    assert raw["schema_version"] == 1 and raw["date"] == "2025-02-17"
    assert store.get(old["id"]).event.occurred.precision == "day"


def test_a_database_from_a_newer_tracker_is_refused_untouched(db_path, body):
    with EventStore(db_path) as s:
        s.append([body()])
    raw = sqlite3.connect(db_path)
    raw.execute("UPDATE meta SET value = '99' WHERE key = 'format_version'")
    raw.commit()
    raw.close()
    before = db_path.read_bytes()
    with pytest.raises(IncompatibleDatabase, match="newer tracker"):
        EventStore(db_path)
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("how", ["flag", "chmod"])
def test_read_only_file_can_be_read_but_not_written(db_path, body, how):
    import os

    if how == "chmod" and os.geteuid() == 0:
        pytest.skip("root can write a 0444 file; the explicit read-only mode is tested instead")
    with EventStore(db_path) as s:
        s.append([body()])
    db_path.chmod(0o444)
    try:
        with EventStore(db_path, readonly=(how == "flag")) as ro:
            assert ro.count() == 1 and ro.verify().ok
            with pytest.raises(ReadOnlyStore, match="read-only"):
                ro.append([body()])
    finally:
        db_path.chmod(0o644)


def test_query_filters_and_pages(store, body):
    store.append([body(tracks=["a"], actors=["x"]) for _ in range(5)] +
                 [body(tracks=["b"], actors=["y"], summary="Peskov on LEGITIMACY") for _ in range(5)])
    assert store.count_matching(EventFilter(tracks=("a",))) == 5
    assert store.count_matching(EventFilter(actors=("y",))) == 5
    assert store.count_matching(EventFilter(text="legitimacy")) == 5
    assert store.count_matching(EventFilter(text="%' OR 1=1 --")) == 0
    page1 = store.query(limit=4)
    page2 = store.query(limit=4, before=page1[-1].position)
    assert [e.position for e in page1 + page2] == list(range(10, 2, -1))


def test_search_is_case_insensitive_beyond_ascii(store, body):
    store.append([body(summary="Лавров: ЕВРОПЕЙСКИЕ войска неприемлемы")])
    assert store.count_matching(EventFilter(text="европейские")) == 1


def test_not_a_tracker_file_is_refused(tmp_path: Path):
    other = tmp_path / "other.db"
    raw = sqlite3.connect(other)
    raw.execute("CREATE TABLE t (x)")
    raw.commit()
    raw.close()
    with pytest.raises(IncompatibleDatabase, match="not a tracker log"):
        EventStore(other)


def test_a_correction_must_leave_its_target_valid_and_refiles_it_under_corrected_actors(store, body):
    target = body(actors=["camile-grant"], summary="ECFR commentary by Camile Grant")
    store.append([target])
    base = {k: v for k, v in body().items() if k not in ("speaker", "issue", "stance")}
    bad = {**base, "type": "correction", "target": target["id"], "reason": "typo",
           "changes": {"stance": "sideways"}}
    with pytest.raises(InvalidEvents, match=r"changes.stance.*corrected event would be invalid"):
        store.append([bad])
    good = {**base, "type": "correction", "target": target["id"], "reason": "the source misspelt the name",
            "changes": {"actors": ["grand"], "summary": "ECFR commentary by Camille Grand"}}
    store.append([good])
    found = store.query(EventFilter(actors=("grand",)))
    assert target["id"] in {e.id for e in found}
    assert store.verify().ok


def test_get_many_returns_the_events_asked_for_in_that_order_across_chunks(store, body):
    stored = store.append([body() for _ in range(1203)]).appended
    ids = [e.id for e in reversed(stored)]
    asked = [ids[5], "01NOSUCHEVENT0000000000000", *ids, ids[5]]  # an unknown id, and one twice
    got = store.get_many(asked)
    assert [e.id for e in got] == ids[5:6] + [i for i in ids if i != ids[5]]
    assert got[1] == store.get(ids[0])


def test_an_import_takes_a_big_page_cache_and_gives_it_back(store, body, monkeypatch):
    """An import writes with a 64 MB page cache (the default spills between the tables it fills by
    turns); a long-lived reader such as the TUI must not keep it afterwards, nor after a refused import."""
    from tracker.store.jsonl import import_lines

    default = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    seen: list[int] = []
    real = store._append_records

    def spy(*args, **kwargs):  # the cache size while rows are written
        seen.append(store.conn.execute("PRAGMA cache_size").fetchone()[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "_append_records", spy)
    lines = [json.dumps(body(summary=f"event {i}")).encode() for i in range(3)]
    assert import_lines(store, lines).appended == 3
    assert seen == [-64 * 1024]
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == default
    with pytest.raises(InvalidEvents):
        import_lines(store, [b'{"type": "nonsense"}'])
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == default
    assert store.head()[0] == 3

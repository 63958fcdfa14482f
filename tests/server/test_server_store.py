"""The log on a real PostgreSQL server (tests/helpers/pgserver.py): the same promises as the
SQLite file, kept by the server itself, and a read side on the server that copies only what holds up."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
import pytest

from events import GENESIS, chain_hash
from tracker.service import Tracker
from tracker.store import ConcurrencyConflict, EventStore, IdConflict, ReadOnlyStore, StoreError
from tracker.store.postgres import ServerStore, _record, init_server

Body = Callable[..., dict[str, Any]]


@pytest.fixture
def server(pg_url: str) -> Iterator[ServerStore]:
    store = ServerStore(pg_url)
    yield store
    store.close()


def _rows(url: str) -> list[tuple[int, str, str, str]]:
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            "SELECT position, body, hash, recorded_by FROM tracker.events ORDER BY position")]


def test_append_lands_on_the_server_chained_as_sqlite_chains_it(server: ServerStore, pg_url: str, body: Body,
                                                                tmp_path: Path) -> None:
    bodies = [body() for _ in range(3)]
    result = server.append(bodies)
    assert result.head == 3
    rows = _rows(pg_url)
    assert [r[0] for r in rows] == [1, 2, 3]
    prev = GENESIS
    for _, text, hash_, by in rows:
        assert hash_ == chain_hash(prev, text)
        assert by == "postgres"  # the login role, set by the server
        prev = hash_
    # The same events in an SQLite file give the same hashes, byte for byte.
    with EventStore(tmp_path / "same.db") as local:
        for _, text, _, _ in rows:
            local._append_records([_record(0, text)], None)
        assert local.head() == (3, rows[-1][2])


def test_the_server_refuses_update_delete_truncate_and_a_broken_chain(server: ServerStore, pg_url: str,
                                                                      body: Body) -> None:
    server.append([body()])
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for statement in ("UPDATE tracker.events SET body = '{}'", "DELETE FROM tracker.events",
                          "TRUNCATE tracker.events"):
            with pytest.raises(psycopg.Error, match="append-only"):
                conn.execute(statement)  # type: ignore[arg-type]
        with pytest.raises(psycopg.Error, match="gap-free"):
            conn.execute("INSERT INTO tracker.events(position, id, body, hash) VALUES (5, 'x', '{}', 'h')")
        with pytest.raises(psycopg.Error, match="does not follow the chain"):
            conn.execute("INSERT INTO tracker.events(position, id, body, hash) VALUES (2, 'x', '{}', 'h')")
    assert len(_rows(pg_url)) == 1


def test_idempotent_by_id_and_expected_position(server: ServerStore, body: Body) -> None:
    first = body()
    server.append([first])
    assert server.append([first]).skipped == 1
    with pytest.raises(IdConflict):
        server.append([{**first, "summary": "something else"}])
    with pytest.raises(ConcurrencyConflict):
        server.append([body()], expected_position=0)
    assert server.head()[0] == 1


def test_a_second_machine_sees_the_first_ones_events(pg_url: str, body: Body) -> None:
    with ServerStore(pg_url) as one, ServerStore(pg_url) as two:
        before = two.data_version()
        one.append([body(), body()])
        for _ in range(50):  # the notification arrives within moments
            if two.data_version() != before:
                break
            time.sleep(0.02)
        assert two.head() == one.head()
        # and the second appends after them, at the next position
        assert two.append([body()]).head == 3
        assert one.data_version() and one.pull() == 0  # the append filled the read side too
        assert one.head() == two.head()


def test_roles_analyst_appends_reader_only_reads(pg_cluster: Any, body: Body) -> None:
    database = pg_cluster.new_database()
    owner = pg_cluster.url(database)
    init_server(owner, analysts=["alice"], readers=["rita"])
    with ServerStore(pg_cluster.url(database, "alice")) as alice:
        alice.append([body()])
        assert alice.can_append
    assert _rows(owner)[0][3] == "alice"
    with psycopg.connect(pg_cluster.url(database, "alice"), autocommit=True) as conn:
        for statement in ("UPDATE tracker.events SET body = '{}'", "DELETE FROM tracker.events",
                          "TRUNCATE tracker.events"):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)  # type: ignore[arg-type]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # who logged it is the server's to say
            conn.execute("INSERT INTO tracker.events(position, id, body, hash, recorded_by) VALUES (2, 'x', '{}', 'h', 'bob')")
        # Nor can an analyst edit what the views read: the read side's copy of the log is append-only too.
        for statement in ("UPDATE tracker_read.events SET summary = 'edited'", "DELETE FROM tracker_read.events",
                          "TRUNCATE tracker_read.events", "DELETE FROM tracker_read.event_tracks"):
            with pytest.raises(psycopg.Error):
                conn.execute(statement)  # type: ignore[arg-type]
    with psycopg.connect(pg_cluster.url(database, "rita"), autocommit=True) as conn:
        for statement in ("INSERT INTO tracker_read.event_loggers(position, name) VALUES (99, 'rita')",
                          "INSERT INTO tracker_read.meta(key, value) VALUES ('x', 'y')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)  # type: ignore[arg-type]
    with ServerStore(pg_cluster.url(database, "rita")) as rita:
        assert not rita.can_append and rita.head()[0] == 1
        with pytest.raises(ReadOnlyStore, match="may read this log but not append"):
            rita.append([body()])
    with Tracker.open(pg_cluster.url(database, "rita")) as tracker:
        assert tracker.readonly


def test_a_rewritten_server_history_is_refused_by_the_read_side(pg_cluster: Any, body: Body) -> None:
    database = pg_cluster.new_database()
    url = pg_cluster.url(database)
    init_server(url)
    with ServerStore(url) as store:
        store.append([body(), body()])
    with psycopg.connect(url, autocommit=True) as conn:  # the owner, triggers off: a rewrite
        conn.execute("ALTER TABLE tracker.events DISABLE TRIGGER USER")
        conn.execute("DELETE FROM tracker.events WHERE position = 2")
        conn.execute("ALTER TABLE tracker.events ENABLE TRIGGER USER")
    with pytest.raises(StoreError, match="history was rewritten") as refused:
        ServerStore(url)
    assert "--rebuild-read-side" in str(refused.value)
    # Re-created on purpose: the owner makes the read side again, and the log reads as it now is.
    assert any("dropped" in line for line in init_server(url, rebuild_read_side=True))
    with ServerStore(url) as store:
        assert store.head()[0] == 1 and store.verify().ok


def test_verify_walks_the_servers_chain(pg_url: str, server: ServerStore, body: Body) -> None:
    server.append([body() for _ in range(4)])
    assert server.verify().ok
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE tracker.events DISABLE TRIGGER USER")
        conn.execute("UPDATE tracker.events SET body = replace(body, 'statement', 'Statement') WHERE position = 3")
        conn.execute("ALTER TABLE tracker.events ENABLE TRIGGER USER")
    result = server.verify()
    assert not result.ok and result.first_bad_position == 3


def test_no_log_on_the_server_says_how_to_make_one(pg_cluster: Any) -> None:
    url = pg_cluster.url(pg_cluster.new_database())
    with pytest.raises(StoreError, match="init-server"):
        ServerStore(url)
    with psycopg.connect(url) as conn:  # nothing was made on the server
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tracker%'").fetchone() == (0,)


def test_who_logged_each_event_is_the_servers_role_on_every_machine(pg_cluster: Any, body: Body,
                                                                    tmp_path: Path) -> None:
    database = pg_cluster.new_database()
    init_server(pg_cluster.url(database), analysts=["alice", "bob"], readers=["rita"])
    with ServerStore(pg_cluster.url(database, "alice")) as alice:
        alice.append([body()])
    with ServerStore(pg_cluster.url(database, "bob")) as bob:
        bob.append([body(), body()])
    with Tracker.open(pg_cluster.url(database, "rita")) as rita:
        rows = rita.events(newest_first=False)
        assert [r.recorded_by for r in rows] == ["alice", "bob", "bob"]
        from tracker.store import EventFilter

        assert [r.position for r in rita.events(EventFilter(by=("alice",)))] == [1]


def test_a_file_log_records_the_configured_analyst(tmp_path: Path, body: Body,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_ANALYST", "Nadia K.")
    with Tracker.open(tmp_path / "log.db") as tracker:
        tracker.store.append([body()])
        assert tracker.events()[0].recorded_by == "Nadia K."


def test_events_logged_before_names_were_kept_read_as_unknown(tmp_path: Path) -> None:
    old = Path(__file__).resolve().parents[1] / "fixtures" / "v1_log.db"
    copy = tmp_path / "v1.db"
    copy.write_bytes(old.read_bytes())
    copy.chmod(0o444)
    with Tracker.open(copy, readonly=True) as tracker:
        rows = tracker.events()
        assert rows and {r.recorded_by for r in rows} == {"unknown"}
        from tracker.store import EventFilter

        assert tracker.events(EventFilter(by=("unknown",)), limit=1000) == tracker.events(limit=1000)
        assert tracker.count_events(EventFilter(by=("unknown",))) == tracker.count_events()
        assert tracker.events(EventFilter(by=("someone",))) == []


def test_who_logged_what_filters_old_and_new_events_apart(tmp_path: Path, body: Body,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A log from before names were kept, opened for writing (its table of names is added):
    its old events are "unknown", the new ones the analyst's."""
    from tracker.store import EventFilter

    monkeypatch.setenv("TRACKER_ANALYST", "nadia")
    copy = tmp_path / "v1.db"
    copy.write_bytes((Path(__file__).resolve().parents[1] / "fixtures" / "v1_log.db").read_bytes())
    with Tracker.open(copy) as tracker:
        old = tracker.count_events()
        tracker.store.append([body()])
        assert tracker.count_events(EventFilter(by=("unknown",))) == old
        assert [r.recorded_by for r in tracker.events(EventFilter(by=("nadia",)))] == ["nadia"]
        assert tracker.count_events(EventFilter(by=("nadia", "unknown"))) == old + 1


def test_a_lost_connection_is_a_clear_error_and_nothing_is_half_written(pg_url: str, body: Body) -> None:
    with ServerStore(pg_url) as store:
        store.append([body()])
        with psycopg.connect(pg_url, autocommit=True) as admin:  # the server drops our sessions
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        with pytest.raises(StoreError, match="lost the connection"):
            store.append([body()])
        with pytest.raises(StoreError, match="lost the connection"):
            store.pull()
        with pytest.raises(StoreError, match="lost the connection"):
            store.head()
    assert len(_rows(pg_url)) == 1
    with ServerStore(pg_url) as again:
        assert again.head()[0] == 1 and again.verify().ok


def test_the_demo_refuses_a_server(pg_url: str) -> None:
    from tracker.service import NotADemoLog

    with pytest.raises(NotADemoLog, match="lives in a file of its own"):
        Tracker.demo(pg_url)


def _read_side(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tracker_read'")}


def _demo_on_a_new_server(pg_cluster: Any, demo_db: Path, *, analysts: Sequence[str] = (),
                          readers: Sequence[str] = ()) -> tuple[str, str]:
    """(database, its owner's URL): a new server log, with these roles, holding the demo copied there."""
    database = pg_cluster.new_database()
    owner = pg_cluster.url(database)
    init_server(owner, analysts=analysts, readers=readers)
    with Tracker.open(demo_db) as source, Tracker.open(owner) as target:
        source.copy_to(target)
    return database, owner


def test_the_read_models_live_on_the_server_made_once_for_the_whole_team(
        pg_cluster: Any, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: Body) -> None:
    from tracker.readmodel import ReadModel

    database, owner = _demo_on_a_new_server(pg_cluster, demo_db, analysts=["alice", "bob"], readers=["rita"])
    assert {"rm_snapshots", "rm_track_state", "rm_checkpoint"} <= _read_side(owner)
    # Nothing of the log is kept on this machine: a new one (an empty cache) reads the same.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "new-machine-cache"))
    with Tracker.open(pg_cluster.url(database, "rita")) as rita, Tracker.open(demo_db) as file:
        model = ReadModel(rita.store)
        assert model.current()  # the reader finds them up to date: the analyst's write caught them up
        assert [s.model_dump() for s in rita.tracks()] == [s.model_dump() for s in file.tracks()]
    assert not (tmp_path / "new-machine-cache").exists()
    with (psycopg.connect(pg_cluster.url(database, "rita"), autocommit=True) as conn,  # readers only read them
          pytest.raises(psycopg.errors.InsufficientPrivilege)):
        conn.execute("DELETE FROM tracker_read.rm_snapshots")
    # An analyst's event: caught up at once, for readers too.
    with Tracker.open(pg_cluster.url(database, "bob")) as bob:
        bob.import_lines([json.dumps(body()).encode()])
    with Tracker.open(pg_cluster.url(database, "rita")) as rita:
        assert ReadModel(rita.store).current()
    # Any analyst may rebuild what another made (they are the analysts' group's).
    with Tracker.open(pg_cluster.url(database, "alice")) as alice:
        alice.rebuild()
        assert ReadModel(alice.store).current()


def test_a_reader_of_read_models_left_behind_folds_the_log_itself(pg_cluster: Any, demo_db: Path) -> None:
    from tracker.readmodel import ReadModel

    database, owner = _demo_on_a_new_server(pg_cluster, demo_db, readers=["rita"])
    with psycopg.connect(owner, autocommit=True) as conn:  # read models the team has not made yet
        conn.execute("DROP TABLE tracker_read.rm_checkpoint")
    with Tracker.open(pg_cluster.url(database, "rita")) as rita, Tracker.open(demo_db) as file:
        assert not ReadModel(rita.store).current()
        assert [s.model_dump() for s in rita.tracks()] == [s.model_dump() for s in file.tracks()]
        with pytest.raises(ReadOnlyStore):
            rita.rebuild()


def test_a_log_of_the_earlier_release_is_upgraded_by_init_server_and_its_read_side_filled(
        pg_cluster: Any, body: Body) -> None:
    from tracker.store import IncompatibleDatabase

    database = pg_cluster.new_database()
    url = pg_cluster.url(database)
    init_server(url)
    with ServerStore(url) as store:
        store.append([body() for _ in range(3)])
        head = store.head()
    with psycopg.connect(url, autocommit=True) as conn:  # the server as the earlier release left it
        conn.execute("DROP SCHEMA tracker_read CASCADE")
        conn.execute("UPDATE tracker.meta SET value = '1' WHERE key = 'format_version'")
    with pytest.raises(IncompatibleDatabase, match="init-server"):
        ServerStore(url)
    assert "read side filled with the log's 3 events" in init_server(url)
    with ServerStore(url) as store:
        assert store.head() == head and store.verify().ok


def test_text_search_on_the_server_folds_case_as_a_file_log_does(pg_url: str, body: Body, tmp_path: Path) -> None:
    from tracker.store import EventFilter

    bodies = [body(summary="Talks at the ÉLYSÉE"), body(summary="Meeting on the Straße"),
              body(summary="ΣΊΣΥΦΟΣ again"), body(summary="nothing here")]
    with Tracker.open(pg_url) as server, Tracker.open(tmp_path / "same.db") as file:
        for t in (server, file):
            t.import_lines([json.dumps(b).encode() for b in bodies])
        for needle in ("élysée", "STRASSE", "σίσυφος", "summary", "here"):
            f = EventFilter(text=needle)
            assert ([r.event.summary for r in server.events(f)] == [r.event.summary for r in file.events(f)]), needle
        assert [r.event.summary for r in server.events(EventFilter(text="strasse"))] == ["Meeting on the Straße"]
        assert server.events(EventFilter(text="summary")) == []  # keys are not text


def test_a_wait_for_the_append_lock_is_told_and_ends(pg_url: str, body: Body, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another analyst's long write holds the lock: the wait is reported as on a file, the append
    goes ahead when the lock is let go, or fails clearly after $TRACKER_LOCK_TIMEOUT."""
    import threading

    from tracker.store.postgres import LOCK_KEY

    def hold(seconds: float) -> threading.Thread:
        taken = threading.Event()

        def run() -> None:
            with psycopg.connect(pg_url) as other, other.transaction():
                other.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                taken.set()
                time.sleep(seconds)

        thread = threading.Thread(target=run)
        thread.start()
        taken.wait(10)
        return thread

    with ServerStore(pg_url) as store:
        told: list[tuple[float, bool]] = []
        store.on_wait = lambda waited, over: told.append((waited, over))
        holder = hold(2.5)
        started = time.monotonic()
        assert store.append([body()]).head == 1
        assert time.monotonic() - started >= 2.0  # it waited for the lock
        holder.join()
        assert told and not told[0][1] and told[-1][1] and told[-1][0] >= 2.0
        monkeypatch.setenv("TRACKER_LOCK_TIMEOUT", "1.5")
        holder = hold(4)
        with pytest.raises(StoreError, match=r"could not get the append lock.*TRACKER_LOCK_TIMEOUT"):
            store.append([body()])
        holder.join()
        assert store.head()[0] == 1 and len(_rows(pg_url)) == 1


def _analyses(url: str) -> dict[str, int]:
    """tracker_read table -> how many times it was analysed by hand (not by autovacuum)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        return {r[0]: r[1] for r in conn.execute(
            "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE schemaname = 'tracker_read'")}


def test_the_read_side_filled_in_bulk_is_analysed_for_the_planner(pg_cluster: Any, demo_db: Path) -> None:
    """After a copy or a rebuild the server must not plan the first queries without statistics."""
    database, owner = _demo_on_a_new_server(pg_cluster, demo_db, analysts=["alice"])
    after_copy = _analyses(owner)
    assert all(after_copy[t] >= 1 for t in ("events", "event_tracks", "rm_entities", "rm_snapshots", "rm_track_events"))
    # An analyst rebuilds: the read models (the analysts' group's) are analysed again, the log's
    # copy (the owner's) is left to autovacuum, and nothing is said about it.
    with Tracker.open(pg_cluster.url(database, "alice")) as alice:
        alice.rebuild()
    deadline = time.monotonic() + 5
    while (now := _analyses(owner))["rm_entities"] == after_copy["rm_entities"] and time.monotonic() < deadline:
        time.sleep(0.1)  # the server's statistics reach other sessions within a second
    assert now["rm_entities"] > after_copy["rm_entities"] and now["events"] == after_copy["events"]

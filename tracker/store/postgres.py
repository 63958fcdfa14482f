"""The event log on a PostgreSQL server, shared by a team, with its read side on the server too.

The server holds the log in one lean table, `tracker.events(position, id, body, hash, recorded_by,
logged_at)`, and PostgreSQL itself keeps the promises the SQLite file keeps:
- UPDATE, DELETE and TRUNCATE abort (triggers), and no role but the owner is granted them;
- an INSERT must come at the next position and carry sha256(previous hash + body), the chain
  of events.canonical (a trigger checks both), so a client cannot break the chain even by mistake;
- appends are serialised by a transaction-scoped advisory lock, taken before the head is read
  and held to the commit, so concurrent writers get gap-free positions in commit order;
- `recorded_by` is the login role that appended (its default; analysts may not set the column);
- every commit that appends notifies channel `tracker_events`: an open view hears of it at once.

Everything read comes from the read side, schema `tracker_read` on the same server: the tables a
log file holds (tracker.store.sqlite: the events with their indexed columns, by track, by actor,
who logged each), filled in the transaction of each append, and the read models and snapshots
(tracker.readmodel), which catch up as they do in a file, written by analysts as their group
role and read by everyone. So a team builds them once, a new machine opens a big log at once,
and the store and read model run the same SQL on both databases (tracker.store.pgsql). Readers
write nothing: they use the read models when current, else fold in memory, as for a read-only
file. A read side that disagrees with the log about a row it copied earlier is refused: the
log's history was rewritten, which is what a hash chain exists to show.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from events import GENESIS
from tracker.paths import APP_NAME
from tracker.store.base import (
    IncompatibleDatabase,
    MissingDatabase,
    ReadOnlyStore,
    StoreError,
    VerifyResult,
)
from tracker.store.sqlite import (
    LOCK_NOTICE_S,
    LOCK_TIMEOUT_ENV,
    EventStore,
    Prepared,
    analyst_name,
    parse_body,
    prepare_record,
)

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql
else:
    class _OnFirstUse:
        """A module imported when first used: only a server log needs psycopg, and importing it
        took 90 ms of the start of every command (a file log's included)."""

        def __init__(self, name: str) -> None:
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            return getattr(importlib.import_module(self._name), attr)

    psycopg, sql = _OnFirstUse("psycopg"), _OnFirstUse("psycopg.sql")

SCHEMES = ("postgresql://", "postgres://")
SERVER_FORMAT = 2  # 2: the read side (schema tracker_read) is on the server too
READ_SCHEMA = "tracker_read"
CHANNEL = "tracker_events"
LOCK_KEY = 0x44495054  # "DIPT"; advisory locks are per database, so one key serves every log
ANALYST_ROLE, READER_ROLE = "tracker_analyst", "tracker_reader"
PULL_BATCH = 5000


def is_server(location: str | os.PathLike[str]) -> bool:
    return isinstance(location, str) and location.startswith(SCHEMES)


def shown(url: str) -> str:
    """The URL without its password: what messages and file names may carry."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))


def state_path(url: str) -> Path:
    """The name this machine knows the log at `url` by, in its heads file (tracker.store.heads):
    one per server, database and user. Nothing is written there."""
    parts = urllib.parse.urlsplit(url)
    key = f"{parts.username or ''}@{parts.hostname or ''}:{parts.port or ''}{parts.path}?{parts.query}"
    name = "".join(c if c.isalnum() else "-" for c in f"{parts.hostname or 'local'}-{parts.path.strip('/')}")[:40]
    return Path(platformdirs.user_cache_dir(APP_NAME)) / "servers" / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def connect(url: str) -> psycopg.Connection[Any]:
    try:
        importlib.import_module("psycopg")
    except ImportError:  # pragma: no cover - installed with the project
        raise StoreError("a server log needs the psycopg package: pip install 'psycopg[binary]'") from None
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {shown(url)}: {str(exc).strip()}") from None


# -- the server's schema ------------------------------------------------------------------
SCHEMA = f"""
CREATE SCHEMA IF NOT EXISTS tracker;
CREATE TABLE IF NOT EXISTS tracker.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS tracker.events (
    position bigint PRIMARY KEY CHECK (position > 0),
    id text NOT NULL UNIQUE,
    body text NOT NULL,
    hash text NOT NULL,
    recorded_by text NOT NULL DEFAULT session_user,
    logged_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE OR REPLACE FUNCTION tracker.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % is not allowed', TG_OP;
END $$;
CREATE OR REPLACE FUNCTION tracker.next_in_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head bigint;
    prev text;
BEGIN
    SELECT position, hash INTO head, prev FROM tracker.events ORDER BY position DESC LIMIT 1;
    IF NEW.position <> coalesce(head, 0) + 1 THEN
        RAISE EXCEPTION 'event positions must be gap-free: insert at position %, not %', coalesce(head, 0) + 1, NEW.position;
    END IF;
    IF NEW.hash <> encode(sha256(convert_to(coalesce(prev, '{GENESIS}') || NEW.body, 'UTF8')), 'hex') THEN
        RAISE EXCEPTION 'the hash of the event at position % does not follow the chain', NEW.position;
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION tracker.announce() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS events_no_change ON tracker.events;
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON tracker.events
    FOR EACH ROW EXECUTE FUNCTION tracker.append_only();
DROP TRIGGER IF EXISTS events_no_truncate ON tracker.events;
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON tracker.events
    FOR EACH STATEMENT EXECUTE FUNCTION tracker.append_only();
DROP TRIGGER IF EXISTS events_in_chain ON tracker.events;
CREATE TRIGGER events_in_chain BEFORE INSERT ON tracker.events
    FOR EACH ROW EXECUTE FUNCTION tracker.next_in_chain();
DROP TRIGGER IF EXISTS events_announce ON tracker.events;
CREATE TRIGGER events_announce AFTER INSERT ON tracker.events
    FOR EACH STATEMENT EXECUTE FUNCTION tracker.announce();
REVOKE ALL ON tracker.events, tracker.meta FROM PUBLIC;
"""

# The read side: the log's tables as a log file holds them (tracker.store.sqlite), filled from
# tracker.events in the transaction of each append, and the read models (tracker.readmodel),
# created by the first analyst who reads. Text compares byte by byte, as SQLite compares it.
C = 'COLLATE "C"'
READ_SIDE = f"""
CREATE SCHEMA IF NOT EXISTS {READ_SCHEMA};
CREATE TABLE IF NOT EXISTS {READ_SCHEMA}.meta (key text {C} PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS {READ_SCHEMA}.events (
    position bigint PRIMARY KEY, id text {C} NOT NULL UNIQUE, type text {C} NOT NULL,
    schema_version bigint NOT NULL, occurred_earliest text {C} NOT NULL, occurred_latest text {C} NOT NULL,
    precision text {C} NOT NULL, recorded_at text {C} NOT NULL, tracks text {C} NOT NULL,
    actors text {C} NOT NULL, status text {C} NOT NULL, summary text {C} NOT NULL, body text {C} NOT NULL,
    hash text {C} NOT NULL
);
CREATE INDEX IF NOT EXISTS events_occurred ON {READ_SCHEMA}.events (occurred_earliest, position);
CREATE INDEX IF NOT EXISTS events_recorded ON {READ_SCHEMA}.events (recorded_at);
CREATE INDEX IF NOT EXISTS events_type ON {READ_SCHEMA}.events (type, position);
CREATE TABLE IF NOT EXISTS {READ_SCHEMA}.event_tracks (
    track text {C} NOT NULL, position bigint NOT NULL, PRIMARY KEY (track, position));
CREATE TABLE IF NOT EXISTS {READ_SCHEMA}.event_actors (
    actor text {C} NOT NULL, position bigint NOT NULL, PRIMARY KEY (actor, position));
CREATE TABLE IF NOT EXISTS {READ_SCHEMA}.event_loggers (position bigint PRIMARY KEY, name text {C} NOT NULL);
-- base.text_match: a string value of the body holds the needle, casefolded by Python; here
-- Unicode's lower case (ICU's, whatever the database's locale) with the two folds it lacks.
CREATE OR REPLACE FUNCTION {READ_SCHEMA}.py_text_match(body text, needle text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM jsonb_path_query(body::jsonb, 'strict $.** ? (@.type() == "string")') AS v(x)
                   WHERE strpos(replace(replace(lower((x #>> '{{}}') COLLATE "%(lower)s"), 'ß', 'ss'), 'ς', 'σ'),
                                needle) > 0)
$$;
""" + "".join(
    f"DROP TRIGGER IF EXISTS {table}_no_change ON {READ_SCHEMA}.{table};\n"
    f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {READ_SCHEMA}.{table} "
    "FOR EACH ROW EXECUTE FUNCTION tracker.append_only();\n"
    for table in ("events", "event_tracks", "event_actors", "event_loggers"))
LOG_TABLES = ", ".join(f"{READ_SCHEMA}.{t}" for t in ("events", "event_tracks", "event_actors", "event_loggers"))


def init_server(url: str, *, analyst_role: str = ANALYST_ROLE, reader_role: str = READER_ROLE,
                analysts: Sequence[str] = (), readers: Sequence[str] = (), rebuild_read_side: bool = False) -> list[str]:
    """Create the log's schema on the database at `url` (connected as its owner) and the two
    roles: analysts append and read, readers only read. Idempotent: run again, it changes nothing
    but adding the named members (and filling the read side of a log of an earlier release).
    `rebuild_read_side` drops the read side and makes it again from the log: after the log's
    history was rewritten on purpose, which the read side otherwise refuses to follow. Returns
    what was done, for the user."""
    done: list[str] = []
    with connect(url) as conn:
        encoding = conn.execute("SHOW server_encoding").fetchone()
        if encoding is None or encoding[0].upper() not in ("UTF8", "UTF-8"):
            raise IncompatibleDatabase(f"{shown(url)} stores text as {encoding[0] if encoding else '?'}; a log needs UTF8 "
                                       "(createdb --encoding UTF8 --template template0)")
        try:
            with conn.transaction():
                existed = conn.execute("SELECT to_regclass('tracker.events')").fetchone()
                found = _server_format(conn) if existed and existed[0] else None
                if found is not None and found > SERVER_FORMAT:
                    raise IncompatibleDatabase(f"{shown(url)} holds a log written by a newer tracker (server format "
                                               f"{found}); it was left untouched")
                conn.execute(SCHEMA)  # type: ignore[arg-type]  # our own text, no parameters
                if rebuild_read_side:
                    conn.execute(f"DROP SCHEMA IF EXISTS {READ_SCHEMA} CASCADE")  # type: ignore[arg-type]
                    done.append(f"read side ({READ_SCHEMA}) dropped, to be made again from the log")
                icu = conn.execute("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'").fetchone()
                conn.execute(READ_SIDE.replace("%(lower)s", "und-x-icu" if icu else "default"))  # type: ignore[arg-type]
                conn.execute("INSERT INTO tracker.meta(key, value) VALUES ('format_version', %s), "
                             "('created_at', clock_timestamp()::text) ON CONFLICT (key) DO UPDATE SET value = "
                             "EXCLUDED.value WHERE tracker.meta.key = 'format_version'", (str(SERVER_FORMAT),))
                done.append("schema tracker ready" if existed and existed[0] else "schema tracker created")
                for role in (analyst_role, reader_role):
                    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                        done.append(f"role {role} created")
                analyst, reader = sql.Identifier(analyst_role), sql.Identifier(reader_role)
                for grant in (
                    "GRANT USAGE ON SCHEMA tracker TO {a}, {r}",
                    "GRANT SELECT ON tracker.events, tracker.meta TO {a}, {r}",
                    "GRANT INSERT (position, id, body, hash) ON tracker.events TO {a}",
                    f"GRANT USAGE, CREATE ON SCHEMA {READ_SCHEMA} TO {{a}}",
                    f"GRANT USAGE ON SCHEMA {READ_SCHEMA} TO {{r}}",
                    f"GRANT SELECT, INSERT ON {LOG_TABLES} TO {{a}}",
                    f"GRANT SELECT, INSERT, UPDATE ON {READ_SCHEMA}.meta TO {{a}}",
                    f"GRANT SELECT ON ALL TABLES IN SCHEMA {READ_SCHEMA} TO {{r}}",
                    # The read models are made by analysts, as their group (ServerStore): readers read them.
                    f"ALTER DEFAULT PRIVILEGES FOR ROLE {{a}} IN SCHEMA {READ_SCHEMA} GRANT SELECT ON TABLES TO {{r}}",
                    "GRANT {a} TO CURRENT_USER",  # the owner too makes read models as the analysts' group
                ):
                    conn.execute(sql.SQL(grant).format(a=analyst, r=reader))
                for members, group in ((analysts, analyst), (readers, reader)):
                    for member in members:
                        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (member,)).fetchone() is None:
                            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(member)))
                            done.append(f"login role {member} created (set its password: ALTER ROLE ... PASSWORD)")
                        conn.execute(sql.SQL("GRANT {} TO {}").format(group, sql.Identifier(member)))
                        done.append(f"{member} may {'append and read' if group is analyst else 'read'}")
        except psycopg.Error as exc:
            raise StoreError(f"could not set up the log on {shown(url)}: {str(exc).strip()}") from None
    # A log of an earlier release has an empty read side: fill it now, not at a reader's first look.
    with ServerStore(url) as store:
        if store.pulled:
            done.append(f"read side filled with the log's {store.pulled} events")
    return done


def _server_format(conn: psycopg.Connection[Any]) -> int | None:
    row = conn.execute("SELECT value FROM tracker.meta WHERE key = 'format_version'").fetchone()
    return int(row[0]) if row else None


# -- the store ----------------------------------------------------------------------------
class ServerStore(EventStore):
    """A log on a PostgreSQL server. The log is `tracker.events`; everything read comes from the
    read side, schema `tracker_read`: the indexed copy of the log (the tables a log file holds)
    and the read models, shared by everyone who opens the log. An append writes both in one
    transaction, holding the append lock; the read models catch up as they do in a file."""

    JSON_FIELD = "(body::jsonb ->> '{}')"
    shared = True

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self.url = url
        self.path = state_path(url)  # the key of this log's entry in this machine's heads file
        self.analyst = analyst_name()
        self._functions = True  # py_text_match is a function of the read schema
        self._targets = None
        self._heard = 0
        self._now: datetime | None = None
        self.server = connect(url)
        try:
            found = self.server.execute("SELECT to_regclass('tracker.events'), to_regclass('tracker_read.events')").fetchone()
            if not found or not found[0]:
                raise MissingDatabase(f"no tracker log on {shown(url)}: its owner creates one with "
                                      f"'tracker init-server {shown(url)}'")
            fmt = _server_format(self.server)
            if fmt is not None and fmt > SERVER_FORMAT:
                raise IncompatibleDatabase(f"{shown(url)} holds a log written by a newer tracker (server format {fmt}); "
                                           "upgrade the tracker")
            if not found[1]:
                raise IncompatibleDatabase(f"{shown(url)} holds a log of an earlier release, without its shared read side: "
                                           f"its owner upgrades it with 'tracker init-server {shown(url)}'")
            self.server.execute(f"SET search_path TO {READ_SCHEMA}, tracker")
            self.role = str(self.server.execute("SELECT session_user").fetchone()[0])  # type: ignore[index]
            self.may_append = bool(self.server.execute(
                "SELECT has_any_column_privilege('tracker.events', 'INSERT')").fetchone()[0])  # type: ignore[index]
            # Read models are written as the analysts' group, so that any analyst may rebuild them.
            self.as_group = bool(self.server.execute(
                "SELECT pg_has_role(session_user, %s, 'MEMBER')", (ANALYST_ROLE,)).fetchone()[0])  # type: ignore[index]
            self.listener = connect(url)
            self.listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            self.server.close()
            raise StoreError(f"cannot read the log on {shown(url)}: {str(exc).strip()}") from None
        except StoreError:
            self.server.close()
            raise
        from tracker.store.pgsql import PgConnection  # with psycopg: only a server log needs them

        self.conn = PgConnection(self.server, shown(url))  # type: ignore[assignment]
        self.readonly = readonly or not self.may_append
        self.pulled = self.pull() if not self.readonly else 0  # events the read side lacked until now

    @property
    def location(self) -> str:
        return shown(self.url)

    def close(self) -> None:
        for conn in (self.server, self.listener):
            conn.close()

    def table_names(self, prefix: str = "") -> set[str]:
        return {r[0] for r in self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ?", (READ_SCHEMA,))
            if r[0].startswith(prefix)}

    def refresh_statistics(self) -> None:
        """The read side's tables analysed, those this role may analyse (the read models are the
        analysts' group's; the log's copy is the owner's). Right after a copy or a rebuild the
        server had no statistics until autovacuum's next round, and planned the first queries
        blind: the benchmark's as-of p99 just after a copy was 91 ms without, 74 ms with. Only
        an optimisation: a failure here is not the rebuild's."""
        try:
            tables = [r[0] for r in self.server.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND pg_has_role(tableowner, 'MEMBER') "
                "ORDER BY tablename", (READ_SCHEMA,))]
            if tables:
                self.server.execute(sql.SQL("ANALYZE {}").format(
                    sql.SQL(", ").join(sql.Identifier(READ_SCHEMA, t) for t in tables)))
        except psycopg.Error:
            pass

    def _has_loggers(self) -> bool:
        return True

    # -- transactions ---------------------------------------------------------------------
    @contextmanager
    def _server_transaction(self, *, pull: bool, as_group: bool = True) -> Iterator[Any]:
        """One transaction on the server, holding the append lock: the read side's writes, and
        with them (in `_log_transaction`) the log's."""
        if self.readonly:
            raise ReadOnlyStore(self._no_append())
        try:
            self.server.execute("BEGIN")
            if self.as_group and as_group:
                self.server.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(ANALYST_ROLE)))
            self._take_lock()
            self._now = self.server.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
            if pull:
                self._pull()
        except BaseException as exc:  # every failure rolls back; the server's are worded
            self._give_up(exc, "lost the connection to the server")
            raise
        try:
            yield self.conn
        except BaseException as exc:  # every failure rolls back; the server's are worded
            self._give_up(exc, "the server refused the write")
            raise
        finally:
            self._now = None
        try:
            self.server.execute("COMMIT")
        except BaseException as exc:  # every failure rolls back; the server's are worded
            self._give_up(exc, "the server did not commit")
            raise

    def _give_up(self, exc: BaseException, doing: str) -> None:
        """Roll the transaction back; a server error is raised again worded for the user (a
        missing privilege is the role's read-only access), anything else left to the caller."""
        self._rollback()
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            raise ReadOnlyStore(self._no_append()) from None
        if isinstance(exc, psycopg.Error):
            raise StoreError(f"{doing} ({shown(self.url)}): {str(exc).strip()}; nothing was written") from None

    def _take_lock(self) -> None:
        """The append lock. Writers queue for it in the server (in turn, woken as it is let go);
        the wait is cut into slices of LOCK_NOTICE_S so that a wait behind another analyst's
        import or rebuild is told (`on_wait`), as on a file, and ends after $TRACKER_LOCK_TIMEOUT
        seconds with an error rather than silently never."""
        started, reported = time.monotonic(), False
        timeout = EventStore._Tx.timeout()
        self.server.execute(f"SET LOCAL lock_timeout = '{int(LOCK_NOTICE_S * 1000)}ms'")
        while True:
            self.server.execute("SAVEPOINT tracker_lock")
            try:
                self.server.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                break
            except psycopg.errors.LockNotAvailable:
                self.server.execute("ROLLBACK TO SAVEPOINT tracker_lock")
            waited = time.monotonic() - started
            if waited >= timeout:
                raise StoreError(f"could not get the append lock on {shown(self.url)}: another analyst's write held it "
                                 f"for {waited:.0f} s (${LOCK_TIMEOUT_ENV} sets how many seconds to wait); nothing was written")
            if self.on_wait is not None:
                self.on_wait(waited, False)
                reported = True
        self.server.execute("RELEASE SAVEPOINT tracker_lock")  # the lock stays the transaction's
        self.server.execute("SET LOCAL lock_timeout TO DEFAULT")
        if reported and self.on_wait is not None:
            self.on_wait(time.monotonic() - started, True)

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.server.execute("ROLLBACK")
        except psycopg.Error:
            pass  # the connection broke: the server rolled back

    def _write_transaction(self) -> Any:
        return self._server_transaction(pull=False)

    def _log_transaction(self) -> Any:
        """The append's transaction: the read side first brought up to the log's head (no one
        else can append now), then the rows checked and chained against it, and written to both."""
        # A copy says who logged each event, which only the log's owner may, as itself.
        return self._server_transaction(pull=True, as_group=self.carried_loggers is None)

    def _clock(self) -> datetime:
        # The server's clock: logging times then follow positions whoever's machine logged.
        return self._now or super()._clock()

    def _no_append(self) -> str:
        return (f"{shown(self.url)}: role {self.role} may read this log but not append to it "
                f"(its owner grants that: GRANT {ANALYST_ROLE} TO {self.role})")

    @contextmanager
    def _roomy_cache(self) -> Iterator[None]:
        yield  # the server's memory is the server's business

    def _bulk_load(self) -> Any:
        return nullcontext()

    def schema_cookie(self) -> int:
        return 0  # the log's table is append-only for every role but its owner, whatever the schema

    # -- the read side's copy of the log --------------------------------------------------
    def pull(self) -> int:
        """Copy into the read side the events the log holds and it lacks (an append brings both
        together; this catches up after an upgrade, or a log filled by other means)."""
        with self._write_transaction():
            return self._pull()

    def _pull(self) -> int:
        position, hash_ = self.head()
        if position:
            row = self.conn.execute("SELECT hash FROM tracker.events WHERE position = ?", (position,)).fetchone()
            if row is None or row[0] != hash_:
                raise StoreError(
                    f"the log on {shown(self.url)} no longer holds the event its read side copied at position {position} "
                    f"({'the log is shorter' if row is None else 'a different hash'}): its history was rewritten. "
                    "Nothing was changed. If the log was re-created on purpose, its owner makes the read side "
                    f"again from it: tracker init-server --rebuild-read-side {shown(self.url)}")
        copied = 0
        while True:
            rows = self.conn.execute(
                "SELECT position, body, hash, recorded_by FROM tracker.events WHERE position > ? ORDER BY position "
                "LIMIT ?", (position, PULL_BATCH)).fetchall()
            if not rows:
                break
            records = [_record(p, body) for p, body, _, _ in rows]
            self._server_rows = {p: (h, by) for p, _, h, by in rows}
            try:
                self._append_records(records, None, collect=False)
            finally:
                self._server_rows = None
            position = rows[-1][0]
            copied += len(rows)
        return copied

    _server_rows: dict[int, tuple[str, str]] | None = None  # hashes and loggers the log holds, while pulling

    def _insert(self, rows: Sequence[tuple[Any, ...]], track_rows: Sequence[tuple[str, int]],
                actor_rows: Sequence[tuple[str, int]], extra: tuple[list[tuple[str, int]], list[tuple[str, int]]]) -> None:
        if self._server_rows is not None:  # pulling: the chain recomputed here must be the log's
            for row in rows:
                if self._server_rows.get(row[0], ("", ""))[0] != row[13]:
                    raise StoreError(f"the event at position {row[0]} on {shown(self.url)} does not follow the "
                                     "chain (its hash is not the one its body and predecessor give): not copied")
        else:  # appending: to the log, in the transaction that holds the lock
            if self.carried_loggers is None:
                self.conn.executemany("INSERT INTO tracker.events(position, id, body, hash) VALUES (?, ?, ?, ?)",
                                      [(r[0], r[1], r[12], r[13]) for r in rows])
            else:  # a copy: who logged each event comes with it (only the log's owner may say so)
                self.conn.executemany("INSERT INTO tracker.events(position, id, body, hash, recorded_by) "
                                      "VALUES (?, ?, ?, ?, ?)", [(r[0], r[1], r[12], r[13], by) for r, (_, by)
                                                                 in zip(rows, self._loggers(rows), strict=True)])
        super()._insert(rows, track_rows, actor_rows, extra)

    def _loggers(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[int, str]]:
        if self._server_rows is not None:
            return [(row[0], self._server_rows[row[0]][1]) for row in rows]
        if self.carried_loggers is not None:
            return super()._loggers(rows)
        return [(row[0], self.role) for row in rows]  # what the log's column says of them

    # -- live -------------------------------------------------------------------------------
    def data_version(self) -> int:
        """Changes when the server has announced new events since the last call: a check of the
        listening connection, no query to the table."""
        try:
            for _ in self.listener.notifies(timeout=0, stop_after=100):
                self._heard += 1
        except psycopg.Error as exc:
            raise StoreError(f"lost the connection to {shown(self.url)}: {str(exc).strip()}") from None
        return self._heard

    # -- verifying --------------------------------------------------------------------------
    def verify(self, after: tuple[int, str] | None = None, *, readable_after: int = 0) -> VerifyResult:
        """The log's chain, walked on the server row by row; then the read side's copy against it."""
        server = self._walk_server()
        if not server.ok:
            return server
        if not self.readonly:
            self.pull()
        copy = super().verify(after, readable_after=readable_after)
        # Both walks hold up; they must also agree where both reach (others may have appended since).
        common = min(copy.checked, server.checked)
        row = self.conn.execute("SELECT hash FROM tracker.events WHERE position = ?", (common,)).fetchone()
        if copy.ok and common and (row is None or row[0] != self.hash_at(common)):
            return VerifyResult(False, common - 1, self.hash_at(common - 1) or GENESIS, common,
                                "the read side's copy of the log is not the log")
        return copy

    def _first_unindexed_position(self, after: int = 0) -> int | None:
        found = [
            self.conn.execute(
                f"SELECT min(e.position) FROM events e, jsonb_array_elements_text(e.{column}::jsonb) j(value) "
                f"WHERE e.position > ? AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.{key} = j.value "
                "AND x.position = e.position)", (after,)).fetchone()[0]
            for column, table, key in (("tracks", "event_tracks", "track"), ("actors", "event_actors", "actor"))
        ]
        return min((p for p in found if p is not None), default=None)

    def _walk_server(self) -> VerifyResult:
        prev, checked = GENESIS, 0
        # A server-side cursor: the log is streamed, not loaded whole.
        with self.server.transaction(), self.server.cursor(name="tracker_verify") as cur:
            cur.execute("SELECT position, body, hash FROM tracker.events ORDER BY position")
            for position, body, hash_ in cur:
                if position != checked + 1:
                    return VerifyResult(False, checked, prev, position, f"position {checked + 1} is missing on the server")
                if hashlib.sha256(prev.encode("ascii") + body.encode("utf-8")).hexdigest() != hash_:
                    return VerifyResult(False, checked, prev, position, "the body or hash was changed on the server")
                prev, checked = hash_, position
        return VerifyResult(True, checked, prev)


def _record(position: int, body: str) -> Prepared:
    """A log row as the read side stores it: its body exactly as given (the hash covers it)."""
    loaded = json.loads(body)
    event, problems = parse_body(loaded)
    if event is None:
        raise StoreError(f"the event at position {position} on the server cannot be read by this release: "
                         f"{'; '.join(str(p) for p in problems)[:300]} (upgrade the tracker)")
    return prepare_record(event, loaded, str(loaded.get("recorded_at") or ""))._replace(canonical=body)


__all__ = ["ANALYST_ROLE", "READER_ROLE", "ServerStore", "init_server", "is_server", "shown", "state_path"]

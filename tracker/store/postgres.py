"""The event log on a PostgreSQL server, shared by a team, read through a mirror on each machine.

The server holds the log in one lean table, `tracker.events(position, id, body, hash, recorded_by,
logged_at)`, and PostgreSQL itself keeps the promises the SQLite file keeps:
- UPDATE, DELETE and TRUNCATE abort (triggers), and no role but the owner is granted them;
- an INSERT must come at the next position and carry sha256(previous hash + body), the chain
  of events.canonical (a trigger checks both), so a client cannot break the chain even by mistake;
- appends are serialised by a transaction-scoped advisory lock, taken before the head is read
  and held to the commit, so concurrent writers get gap-free positions in commit order;
- `recorded_by` is the login role that appended (its default; analysts may not set the column);
- every commit that appends notifies channel `tracker_events`: an open view hears of it at once.

Each machine reads through a mirror: an SQLite log (tracker.store.sqlite) in the user's cache
directory, copied from the server row by row with each hash recomputed on the way in, and
holding the read model beside it. The read model is not kept on the server: it is a cache that
each reader writes while reading, which a reader role may not do, and local as-of queries need
no round trip. A mirror that disagrees with the server about a row it copied earlier is
refused: the server's history was rewritten, which is what a hash chain exists to show.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
from tracker.store.sqlite import EventStore, Prepared, parse_body, prepare_record

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
SERVER_FORMAT = 1
CHANNEL = "tracker_events"
LOCK_KEY = 0x44495054  # "DIPT"; advisory locks are per database, so one key serves every log
ANALYST_ROLE, READER_ROLE = "tracker_analyst", "tracker_reader"
MIRRORS_ENV = "TRACKER_MIRROR_DIR"
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


def mirror_path(url: str) -> Path:
    """Where this machine mirrors the log at `url`: one file per server, database and user."""
    explicit = os.environ.get(MIRRORS_ENV)
    folder = Path(explicit).expanduser() if explicit else Path(platformdirs.user_cache_dir(APP_NAME)) / "servers"
    parts = urllib.parse.urlsplit(url)
    key = f"{parts.username or ''}@{parts.hostname or ''}:{parts.port or ''}{parts.path}?{parts.query}"
    name = "".join(c if c.isalnum() else "-" for c in f"{parts.hostname or 'local'}-{parts.path.strip('/')}")[:40]
    return folder / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}.db"


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


def init_server(url: str, *, analyst_role: str = ANALYST_ROLE, reader_role: str = READER_ROLE,
                analysts: Sequence[str] = (), readers: Sequence[str] = ()) -> list[str]:
    """Create the log's schema on the database at `url` (connected as its owner) and the two
    roles: analysts append and read, readers only read. Idempotent: run again, it changes nothing
    but adding the named members. Returns what was done, for the user."""
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
                conn.execute("INSERT INTO tracker.meta(key, value) VALUES ('format_version', %s), "
                             "('created_at', clock_timestamp()::text) ON CONFLICT (key) DO NOTHING", (str(SERVER_FORMAT),))
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
    return done


def _server_format(conn: psycopg.Connection[Any]) -> int | None:
    row = conn.execute("SELECT value FROM tracker.meta WHERE key = 'format_version'").fetchone()
    return int(row[0]) if row else None


# -- the store ----------------------------------------------------------------------------
class ServerStore(EventStore):
    """A log on a PostgreSQL server: appends go to the server (and, checked, to the mirror);
    reads come from the mirror, brought up to the server's head on opening, before each append
    and whenever the server announces a new event (see `data_version`)."""

    def __init__(self, url: str, *, readonly: bool = False, mirror: Path | None = None) -> None:
        self.url = url
        self.server = connect(url)
        try:
            found = self.server.execute("SELECT to_regclass('tracker.events')").fetchone()
            if not found or not found[0]:
                raise MissingDatabase(f"no tracker log on {shown(url)}: its owner creates one with "
                                      f"'tracker init-server {shown(url)}'")
            fmt = _server_format(self.server)
            if fmt is not None and fmt > SERVER_FORMAT:
                raise IncompatibleDatabase(f"{shown(url)} holds a log written by a newer tracker (server format {fmt}); "
                                           "upgrade the tracker")
            self.role = str(self.server.execute("SELECT session_user").fetchone()[0])  # type: ignore[index]
            self.may_append = bool(self.server.execute(
                "SELECT has_any_column_privilege('tracker.events', 'INSERT')").fetchone()[0])  # type: ignore[index]
            self.listener = connect(url)
            self.listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            self.server.close()
            raise StoreError(f"cannot read the log on {shown(url)}: {str(exc).strip()}") from None
        except StoreError:
            self.server.close()
            raise
        self._server_rows: dict[int, tuple[str, str]] | None = None  # hashes the server sent, while pulling
        self._pushing = False
        self._pulls = 0
        self._now: datetime | None = None
        # The mirror is this machine's cache: always writable, whatever the role may do on the server.
        super().__init__(mirror or mirror_path(url), durable=False)
        self.server_readonly = readonly or not self.may_append
        self.pull()

    @property
    def location(self) -> str:
        return shown(self.url)

    def close(self) -> None:
        for conn in (self.server, self.listener):
            conn.close()
        super().close()

    # -- copying the server's rows into the mirror ----------------------------------------
    def pull(self) -> int:
        """Copy the events the mirror lacks; returns how many. Each row is chained again as it
        is copied, and must come out with the hash the server holds."""
        try:
            return self._pull()
        except psycopg.Error as exc:
            raise StoreError(f"lost the connection to {shown(self.url)}: {str(exc).strip()}; what this machine "
                             f"copied of the log is still here ({self.head()[0]} events), but nothing new") from None

    def _pull(self) -> int:
        position, hash_ = self.head()
        if position:
            row = self.server.execute("SELECT hash FROM tracker.events WHERE position = %s", (position,)).fetchone()
            if row is None or row[0] != hash_:
                raise StoreError(
                    f"the log on {shown(self.url)} no longer holds the event this machine copied at position {position} "
                    f"({'the log is shorter' if row is None else 'a different hash'}): its history was rewritten. "
                    f"Nothing was changed here; if the server's log was re-created on purpose, delete {self.path}")
        copied = 0
        while True:
            rows = self.server.execute(
                "SELECT position, body, hash, recorded_by FROM tracker.events WHERE position > %s ORDER BY position "
                "LIMIT %s", (position, PULL_BATCH)).fetchall()
            if not rows:
                break
            records = [_record(p, body) for p, body, _, _ in rows]
            self._server_rows = {p: (h, by) for p, _, h, by in rows}
            try:
                with self._write_transaction():
                    self._append_records(records, None, collect=False)
            finally:
                self._server_rows = None
            position = rows[-1][0]
            copied += len(rows)
        if copied:
            self._pulls += 1
        return copied

    def _insert(self, rows: Sequence[tuple[Any, ...]], track_rows: Sequence[tuple[str, int]],
                actor_rows: Sequence[tuple[str, int]], extra: tuple[list[tuple[str, int]], list[tuple[str, int]]]) -> None:
        if self._server_rows is not None:  # pulling: the chain recomputed here must be the server's
            for row in rows:
                if self._server_rows.get(row[0], ("", ""))[0] != row[13]:
                    raise StoreError(f"the event at position {row[0]} on {shown(self.url)} does not follow the "
                                     "chain (its hash is not the one its body and predecessor give): not copied")
        elif self._pushing:  # appending: the server first, in the transaction that holds the lock
            try:
                with self.server.cursor() as cur:
                    if self.carried_loggers is None:
                        cur.executemany("INSERT INTO tracker.events(position, id, body, hash) VALUES (%s, %s, %s, %s)",
                                        [(r[0], r[1], r[12], r[13]) for r in rows])
                    else:  # a copy: who logged each event comes with it (only the log's owner may say so)
                        cur.executemany("INSERT INTO tracker.events(position, id, body, hash, recorded_by) "
                                        "VALUES (%s, %s, %s, %s, %s)", [(r[0], r[1], r[12], r[13], by) for r, (_, by)
                                                                        in zip(rows, self._loggers(rows), strict=True)])
            except psycopg.errors.InsufficientPrivilege:
                raise ReadOnlyStore(self._no_append()) from None
            except psycopg.Error as exc:
                raise StoreError(f"the server refused the append: {str(exc).strip()}") from None
        super()._insert(rows, track_rows, actor_rows, extra)

    def _loggers(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[int, str]]:
        if self._server_rows is not None:
            return [(row[0], self._server_rows[row[0]][1]) for row in rows]
        if self.carried_loggers is not None:
            return super()._loggers(rows)
        return [(row[0], self.role) for row in rows]  # what the server's column says of them

    # -- appending ----------------------------------------------------------------------
    def _no_append(self) -> str:
        return (f"{shown(self.url)}: role {self.role} may read this log but not append to it "
                f"(its owner grants that: GRANT {ANALYST_ROLE} TO {self.role})")

    @contextmanager
    def _log_transaction(self) -> Iterator[Any]:
        """The server's transaction, holding the append lock, around the mirror's: the mirror is
        first brought up to the server's head (no one else can append now), the rows are checked
        and chained against it, sent to the server, and committed there first. Should the mirror's
        commit then fail, the next pull copies the rows back: the server is the log."""
        if self.server_readonly:
            raise ReadOnlyStore(self._no_append())
        try:
            tx = self.server.transaction()
            tx.__enter__()
        except psycopg.Error as exc:
            raise StoreError(f"lost the connection to {shown(self.url)}: {str(exc).strip()}; nothing was logged") from None
        try:
            try:
                self.server.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                self._now = self.server.execute("SELECT clock_timestamp()").fetchone()[0]  # type: ignore[index]
            except psycopg.Error as exc:
                raise StoreError(f"lost the connection to {shown(self.url)}: {str(exc).strip()}; nothing was logged") from None
            self.pull()
            local = self._write_transaction()
            conn = local.__enter__()
            self._pushing = True
            try:
                yield conn
            except BaseException as exc:
                local.__exit__(type(exc), exc, exc.__traceback__)
                raise
            finally:
                self._pushing = False
        except BaseException as exc:
            try:
                tx.__exit__(type(exc), exc, exc.__traceback__)
            except psycopg.Error:
                pass  # the connection broke: the server rolled back
            raise
        finally:
            self._now = None
        try:
            tx.__exit__(None, None, None)  # commit on the server
        except psycopg.Error as exc:
            local.__exit__(StoreError, None, None)
            raise StoreError(f"the server did not commit the append: {str(exc).strip()}") from None
        local.__exit__(None, None, None)

    def _clock(self) -> datetime:
        # The server's clock: logging times then follow positions whoever's machine logged.
        return self._now or super()._clock()

    @property
    def can_append(self) -> bool:
        return not self.server_readonly

    # -- live -------------------------------------------------------------------------------
    def data_version(self) -> int:
        """Changes when the server has announced new events since the last call (they are then
        copied): a check of the listening connection, no query to the table."""
        heard = False
        try:
            for _ in self.listener.notifies(timeout=0, stop_after=100):
                heard = True
        except psycopg.Error as exc:
            raise StoreError(f"lost the connection to {shown(self.url)}: {str(exc).strip()}") from None
        if heard:
            self.pull()
        return self._pulls * 1_000_003 + super().data_version()

    # -- verifying --------------------------------------------------------------------------
    def verify(self, after: tuple[int, str] | None = None, *, readable_after: int = 0) -> VerifyResult:
        """The server's chain, walked there row by row, then the mirror's against it."""
        server = self._walk_server()
        if not server.ok:
            return server
        self.pull()
        return super().verify(after, readable_after=readable_after)

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
    """A server row as the mirror stores it: its body exactly as given (the hash covers it)."""
    loaded = json.loads(body)
    event, problems = parse_body(loaded)
    if event is None:
        raise StoreError(f"the event at position {position} on the server cannot be read by this release: "
                         f"{'; '.join(str(p) for p in problems)[:300]} (upgrade the tracker)")
    return prepare_record(event, loaded, str(loaded.get("recorded_at") or ""))._replace(canonical=body)


__all__ = ["ANALYST_ROLE", "READER_ROLE", "ServerStore", "init_server", "is_server", "mirror_path", "shown"]

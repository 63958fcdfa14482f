"""The append-only event log in one SQLite file.

Guarantees, enforced where they cannot be bypassed by accident:
- append-only and gap-free: triggers in the database abort any UPDATE or DELETE and any INSERT
  whose position is not the next one;
- tamper evidence: each row stores sha256(previous hash + canonical body); `verify` walks the chain
  (tracker.store.heads remembers the head outside the log, and how far the chain was walked);
- atomic batches: a batch is one `BEGIN IMMEDIATE` transaction, all or nothing;
- optimistic concurrency: `append(..., expected_position=N)` fails with `ConcurrencyConflict`
  unless the log is at N when the write lock is held;
- idempotent by id: re-appending an identical event is a no-op, a different one under the same id
  is an `IdConflict`.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sqlite3
import stat
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, Self

import sqlite_utils
from pydantic import ValidationError

from events import (
    EVENT_ADAPTER,
    EVENT_TYPES,
    GENESIS,
    SCHEMA_VERSION,
    Event,
    canonical_json,
    chain_hash,
    upcast,
)
from events.canonical import reference_json
from events.types import corrected
from events.upcasters import UpcastError
from tracker.store.base import (
    MAX_UNREADABLE,
    UNKNOWN,
    AppendResult,
    ConcurrencyConflict,
    DamagedDatabase,
    EventFilter,
    IdConflict,
    IncompatibleDatabase,
    InvalidEvents,
    MissingDatabase,
    Problem,
    ReadOnlyStore,
    StoredEvent,
    StoreError,
    Unreadable,
    UnusableDatabase,
    VerifyResult,
    text_match,
    validation_problems,
)

# Version of the database layout (tables, triggers). A file with a higher number was written by a
# newer tracker and is refused untouched.
FORMAT_VERSION = 1
APPLICATION_ID = 0x44495054  # "DIPT": marks the file as ours in its header
BUSY_TIMEOUT_MS = 30_000  # how long a statement waits for a lock (reads, in the rare cases they must)
# A write asks for the write lock in slices of LOCK_SLICE_MS, so that a long wait behind another
# writer (an import, a rebuild) can be reported (`EventStore.on_wait`) from LOCK_NOTICE_S on, instead
# of one silent busy wait. It gives up after LOCK_TIMEOUT_S (as long as the five busy waits of
# BUSY_TIMEOUT_MS it replaces), or the seconds in $TRACKER_LOCK_TIMEOUT.
LOCK_TIMEOUT_S = 5 * BUSY_TIMEOUT_MS / 1000
LOCK_TIMEOUT_ENV = "TRACKER_LOCK_TIMEOUT"
IMPORT_CACHE_KIB = 64 * 1024  # SQLite's page cache during an import (EventStore._roomy_cache)
LOCK_SLICE_MS = 100
LOCK_NOTICE_S = 1.0

# waiting(seconds, over): a write has waited this long for another writer; over=True once at the end
# of a wait that was reported (the lock taken, or the timeout expired).
Waiting = Callable[[float, bool], None]

# -- helpers ------------------------------------------------------------------------------
ANALYST_ENV = "TRACKER_ANALYST"


def analyst_name() -> str:
    """Who logs into a file log: $TRACKER_ANALYST, else the login name (a server log takes the
    database role instead, which the server vouches for)."""
    try:
        return os.environ.get(ANALYST_ENV, "").strip() or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_recorded_at(moment: datetime) -> str:
    """Fixed-width UTC text so string order is time order in SQL."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_body(body: Any, line: int | None = None) -> tuple[Event | None, list[Problem]]:
    """Upcast and validate one event body; the problems name the line and field."""
    if not isinstance(body, dict):
        return None, [Problem(line, None, f"expected a JSON object, got {type(body).__name__}")]
    etype = body.get("type") if isinstance(body.get("type"), str) else None
    try:
        current = upcast(body)
    except UpcastError as exc:
        return None, [Problem(line, "schema_version", str(exc))]
    except (KeyError, TypeError, AttributeError) as exc:
        return None, [Problem(line, "schema_version", f"cannot upgrade this old event: {exc}")]
    try:
        return EVENT_ADAPTER.validate_python(current), []
    except ValidationError as exc:
        return None, validation_problems(exc, line, etype)


def stored_form(event: Event, original: dict[str, Any] | None, recorded_at: str) -> dict[str, Any]:
    """The body as it will be stored and hashed.

    Events in the current schema are stored in their normalised form; events from an older schema
    (imports of old exports) are stored exactly as given, so their hashes survive a round trip.
    """
    if original is not None and original.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        body = dict(original)
    else:
        body = event.model_dump(mode="json")
        given = body.get("recorded_at")
        # pydantic writes a UTC time with microseconds as 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (27
        # characters), which is already the stored form: skip the parse-and-format round trip.
        if given is not None and len(given) == 27 and given[-1] == "Z" and given[0] != "0":
            return body
    if body.get("recorded_at") is None:
        body["recorded_at"] = recorded_at
    else:
        # The validated value: the text given may be any form pydantic accepts, e.g. a Unix time.
        when = event.recorded_at or datetime.fromisoformat(str(body["recorded_at"]).replace("Z", "+00:00"))
        body["recorded_at"] = format_recorded_at(when)
    return body


class Prepared(NamedTuple):
    """An event as it will be stored, but for its position and hash. Preparing it (validation,
    the stored form, canonical JSON) is most of an append's work and needs no database, so an
    import does it in another process (tracker.store.jsonl); a plain tuple pickles quickly."""

    id: str
    type: str
    schema_version: int
    earliest: str
    latest: str
    precision: str
    recorded_at: str
    tracks_json: str
    actors_json: str
    status: str
    summary: str
    canonical: str  # the stored body, hashed; parsed again only to compare or to correct it
    tracks: tuple[str, ...]  # distinct, in order: the event_tracks rows
    actors: tuple[str, ...]
    target: str | None  # the event a correction, retraction or claim status change names
    changes: dict[str, Any] | None  # a correction's
    event: Event | None  # the model, when prepared in this process (AppendResult holds it)


def prepare_record(event: Event, original: dict[str, Any] | None, now: str, *, keep_event: bool = True) -> Prepared:
    """`event` as it will be stored; `now` is its transaction time unless it has one already."""
    body = stored_form(event, original, now)
    occ = event.occurred
    # __dict__ rather than getattr: pydantic's __getattr__ is slow when the field is absent.
    fields = event.__dict__
    return Prepared(
        event.id, event.type, body.get("schema_version", SCHEMA_VERSION), occ.earliest.isoformat(),
        occ.latest.isoformat(), occ.precision, body["recorded_at"], _id_list_json(event.tracks),
        _id_list_json(event.actors), event.status, event.summary, canonical_json(body),
        tuple(dict.fromkeys(event.tracks)), tuple(dict.fromkeys(event.actors)), fields.get("target"),
        fields.get("changes") if event.type == "correction" else None, event if keep_event else None,
    )


def _id_list_json(values: list[str]) -> str:
    """json.dumps(values) for a list of ids (tracks, actors): the same text, several times faster.

    Slugs need no escaping; anything that would (quotes, backslashes, control or non-ASCII
    characters) is left to json.dumps.
    """
    if type(values) is not list:
        return json.dumps(values)
    if not values:
        return "[]"
    try:
        text = '", "'.join(values)
    except TypeError:  # not all strings
        return json.dumps(values)
    if text.isascii() and text.isprintable() and "\\" not in text and text.count('"') == 2 * (len(values) - 1):
        return '["' + text + '"]'
    return json.dumps(values)


def _content(body: dict[str, Any]) -> dict[str, Any]:
    # What makes two appends "the same event": everything but the transaction time.
    return {k: v for k, v in body.items() if k != "recorded_at"}


# -- the store ----------------------------------------------------------------------------
def _guard(table: str, action: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'the event log is append-only: {action} is not allowed'); END"
    )


TRIGGERS = [
    _guard(table, action)
    for table in ("events", "event_tracks", "event_actors", "event_loggers")
    for action in ("UPDATE", "DELETE")
] + [
    ("CREATE TRIGGER IF NOT EXISTS events_gap_free BEFORE INSERT ON events "
    "WHEN NEW.position != COALESCE((SELECT MAX(position) FROM events), 0) + 1 "
    "BEGIN SELECT RAISE(ABORT, 'event positions must be gap-free: insert at the next position only'); END")
]

EVENT_COLUMNS = (
    "position", "id", "type", "schema_version", "occurred_earliest", "occurred_latest",
    "precision", "recorded_at", "tracks", "actors", "status", "summary", "body", "hash",
)
INSERT_EVENT = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"


class EventStore:
    """One SQLite file holding the log (and, beside it, the read models that fold it)."""

    # A top-level field of an event's JSON body, as text, in this database's SQL (`{}`: its name).
    JSON_FIELD = "json_extract(body, '$.{}')"
    shared = False  # read by others, who may not be able to write its read models (a server log)

    def __init__(self, path: str | Path, *, readonly: bool = False, durable: bool = True) -> None:
        self.path = Path(path)
        self.analyst = analyst_name()
        self.readonly = readonly
        _check_path(self.path, readonly)
        if not readonly and self.path.exists() and not _writable(self.path):
            self.readonly = True  # a read-only file can still be browsed; writes say why not
        if self.path.exists():
            if self.readonly and self.path.stat().st_size == 0:
                raise UnusableDatabase(_empty(self.path))
            self._check_compatible()
        elif self.readonly:
            raise MissingDatabase(f"no database at {self.path}")
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UnusableDatabase(f"cannot create a log at {self.path}: {_why(exc)}") from None
        OPENED.pop(self.path, None)
        OPENED[self.path] = None  # the latest opened last
        try:
            self.conn = self._connect(durable)
        except sqlite3.Error as exc:
            raise UnusableDatabase(damaged_message(self.path, exc) if _is_damage(exc)
                                   else f"{self.path} cannot be opened as a log: {exc}") from None
        self._functions = False  # py_text_match registered on the connection (the first query does it)
        self._targets: tuple[int, Any] | None = None  # see _target_index()
        self.db = sqlite_utils.Database(self.conn)
        if not self.readonly:
            self._create_schema()

    # -- opening ------------------------------------------------------------------------
    def _check_compatible(self) -> None:
        """Refuse a file from a newer tracker (or not ours) before writing a single byte to it."""
        # Without a WAL beside it the file is complete: read it as immutable, which creates no -wal
        # or -shm. With one (its writer still running, or killed, maybe mid-checkpoint) the file
        # alone may be inconsistent: read through the WAL, as any reader does.
        wal = Path(f"{self.path}-wal")
        self._probe("mode=ro" if wal.exists() and wal.stat().st_size else "immutable=1")

    def _probe(self, mode: str) -> None:
        try:
            probe = sqlite3.connect(_uri(self.path, mode), uri=True)
            try:
                tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type='table'")}
                if "meta" not in tables:
                    if tables:
                        raise IncompatibleDatabase(f"{self.path} is an SQLite file but not a tracker log")
                    return
                row = probe.execute("SELECT value FROM meta WHERE key='format_version'").fetchone()
                found = int(row[0]) if row else 0
                if found > FORMAT_VERSION:
                    raise IncompatibleDatabase(
                        f"{self.path} was written by a newer tracker (database format {found}; this "
                        f"program reads up to {FORMAT_VERSION}). It was left untouched: upgrade the tracker."
                    )
                newer = probe.execute(
                    "SELECT type, version FROM event_schemas WHERE version > ?", (SCHEMA_VERSION,)
                ).fetchall() if "event_schemas" in tables else []
                if newer:
                    raise IncompatibleDatabase(
                        f"{self.path} holds events in schema versions this program does not know "
                        f"({', '.join(f'{t} v{v}' for t, v in newer)}). It was left untouched: upgrade the tracker."
                    )
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise DamagedDatabase(damaged_message(self.path, exc)) from None
            raise IncompatibleDatabase(f"{self.path} is not a readable SQLite database: {exc}") from None

    def _connect(self, durable: bool) -> sqlite3.Connection:
        if self.readonly:
            conn = sqlite3.connect(_uri(self.path, "mode=ro"), uri=True, isolation_level=None,
                                   check_same_thread=False)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL file without write access to its -shm: read the file as immutable instead.
                conn.close()
                conn = sqlite3.connect(_uri(self.path, "immutable=1"), uri=True, isolation_level=None,
                                       check_same_thread=False)
        else:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit is on disk when append returns. NORMAL would be faster but can lose
            # the last commits on power loss.
            conn.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return conn

    def _create_schema(self) -> None:
        if self._schema_complete():
            return  # nothing to write: opening a log never queues behind another writer for the lock
        with self._write_transaction():
            db = self.db
            if not db.table("meta").exists():
                db.table("meta").create({"key": str, "value": str}, pk="key")
                db.table("meta").insert_all([
                    {"key": "format_version", "value": str(FORMAT_VERSION)},
                    {"key": "created_at", "value": format_recorded_at(utc_now())},
                ])
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            if not db.table("event_schemas").exists():
                db.table("event_schemas").create({"type": str, "version": int}, pk="type")
            self.conn.executemany(
                "INSERT OR IGNORE INTO event_schemas(type, version) VALUES (?, ?)",
                [(t, SCHEMA_VERSION) for t in EVENT_TYPES],
            )
            if not db.table("events").exists():
                db.table("events").create(
                    {
                        "position": int, "id": str, "type": str, "schema_version": int,
                        "occurred_earliest": str, "occurred_latest": str, "precision": str,
                        "recorded_at": str, "tracks": str, "actors": str, "status": str,
                        "summary": str, "body": str, "hash": str,
                    },
                    pk="position",
                    not_null=set(EVENT_COLUMNS),
                )
                db.table("events").create_index(["id"], unique=True)
                db.table("events").create_index(["occurred_earliest", "position"])
                db.table("events").create_index(["recorded_at"])
                db.table("events").create_index(["type", "position"])
                self.conn.execute(
                    "CREATE TABLE event_tracks (track TEXT NOT NULL, position INTEGER NOT NULL, "
                    "PRIMARY KEY (track, position)) WITHOUT ROWID"
                )
                self.conn.execute(
                    "CREATE TABLE event_actors (actor TEXT NOT NULL, position INTEGER NOT NULL, "
                    "PRIMARY KEY (actor, position)) WITHOUT ROWID"
                )
            if not db.table("event_loggers").exists():
                # Who logged each event: beside the chain, not in it (a server log's is the role the
                # server saw append it; events logged before this table read as unknown).
                self.conn.execute("CREATE TABLE event_loggers (position INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            for trigger in TRIGGERS:
                self.conn.execute(trigger)

    def _schema_complete(self) -> bool:
        """Every table and trigger `_create_schema` makes is there, and every event type has its
        schema row (reads only)."""
        names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
        wanted = {"meta", "event_schemas", "events", "event_tracks", "event_actors", "event_loggers"} | {t.split()[5] for t in TRIGGERS}
        if not wanted <= names:
            return False
        return set(EVENT_TYPES) <= {r[0] for r in self.conn.execute("SELECT type FROM event_schemas")}

    @property
    def location(self) -> str:
        """Where the log is, for messages: its file (a server log: its URL without the password)."""
        return str(self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------
    # progress(done, total, what) told, on a long walk of the chain (`verify`), how far it got
    # (tracker.readmodel.progress says when: not for quick work).
    on_progress: Callable[[int, int, str], None] | None = None
    on_wait: Waiting | None = None  # told, from LOCK_NOTICE_S on, how long a write has waited for the lock

    class _Tx:
        def __init__(self, store: EventStore) -> None:
            self.store = store

        def __enter__(self) -> sqlite3.Connection:
            conn = self.store.conn
            # BEGIN IMMEDIATE takes the write lock up front, so the head we read cannot move
            # under us. Another writer holding it: ask again every slice (SQLite's busy handler
            # polls within one), saying how long we have waited, until the timeout.
            started = time.monotonic()
            timeout = self.timeout()
            on_wait = self.store.on_wait
            reported = False
            conn.execute(f"PRAGMA busy_timeout={LOCK_SLICE_MS}")
            try:
                while True:
                    asked = time.monotonic()
                    try:
                        conn.execute("BEGIN IMMEDIATE")
                        return conn
                    except sqlite3.OperationalError as exc:
                        if time.monotonic() - asked < LOCK_SLICE_MS / 2000:
                            time.sleep(LOCK_SLICE_MS / 2000)  # refused without waiting: never spin
                        waited = time.monotonic() - started
                        if "locked" not in str(exc) and "busy" not in str(exc):
                            raise StoreError(f"could not get the write lock on {self.store.path}: {exc}") from None
                        if waited >= timeout:
                            raise StoreError(
                                f"could not get the write lock on {self.store.path}: {exc} (another writer held "
                                f"it for {waited:.0f} s; ${LOCK_TIMEOUT_ENV} sets how many seconds to wait)"
                            ) from None
                        if waited >= LOCK_NOTICE_S and on_wait is not None:
                            on_wait(waited, False)
                            reported = True
            finally:
                conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                if reported and on_wait is not None:
                    try:
                        on_wait(time.monotonic() - started, True)  # the wait is over: a view stops showing it
                    except BaseException:
                        if conn.in_transaction:  # __exit__ will not run: let go of the lock
                            conn.execute("ROLLBACK")
                        raise

        @staticmethod
        def timeout() -> float:
            """Seconds to wait for another writer: $TRACKER_LOCK_TIMEOUT if set, else LOCK_TIMEOUT_S."""
            try:
                seconds = float(os.environ.get(LOCK_TIMEOUT_ENV, ""))
            except ValueError:
                return LOCK_TIMEOUT_S  # unset, or not a number
            return seconds if seconds >= 0 else LOCK_TIMEOUT_S

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            conn = self.store.conn
            if exc_type is None:
                conn.execute("COMMIT")
            elif conn.in_transaction:
                conn.execute("ROLLBACK")

    def _write_transaction(self) -> EventStore._Tx:
        if self.readonly:
            raise ReadOnlyStore(f"{self.path} is read-only: it can be browsed, but nothing can be logged to it")
        return EventStore._Tx(self)

    @property
    def can_append(self) -> bool:
        """Whether events may be logged (a read-only file, or a reader's server log: not)."""
        return not self.readonly

    def _log_transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """The transaction that appends to the log (append, import): here the file's write
        transaction; a server log's (tracker.store.postgres) holds the server's append lock."""
        return self._write_transaction()

    def _clock(self) -> datetime:
        """The logging time of what is appended now."""
        return utc_now()

    @contextmanager
    def _roomy_cache(self) -> Iterator[None]:
        """A page cache big enough for a bulk write: an import inserts into the events table, the
        id index and the track and actor tables by turns, and SQLite's default 2 MB cache spills
        and rereads their pages between chunks (100k events: 2.6 s of inserts at the default,
        1.8 s with 64 MB; see `tracker bench`). Back to what it was afterwards, so a long-lived
        reader (the TUI) keeps the default."""
        before = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size=-{IMPORT_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size={int(before)}")

    def _bulk_load(self) -> EventStore._BulkLoad:
        """Inside a write transaction: set the secondary indexes of `events` aside and build them
        again when the block succeeds (one sorted pass each instead of a B-tree insert per row).
        On an error the transaction's rollback puts them back as they were. The unique index on
        `id` stays: duplicate and reference checks look events up by id during the load."""
        return EventStore._BulkLoad(self.conn)

    class _BulkLoad:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn
            self.indexes: list[tuple[str, str]] = []

        def __enter__(self) -> None:
            self.indexes = self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' "
                "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
            ).fetchall()
            for name, _ in self.indexes:
                self.conn.execute(f'DROP INDEX "{name}"')

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            if exc_type is None:
                for _, sql in self.indexes:
                    self.conn.execute(sql)

    # -- writing ------------------------------------------------------------------------
    def append(
        self,
        events: Iterable[Event | dict[str, Any]],
        expected_position: int | None = None,
    ) -> AppendResult:
        """Append a batch atomically. Dicts are upcast and validated; models are taken as valid."""
        prepared = self._prepare(events)
        with self._log_transaction():
            return self._append_prepared(prepared, expected_position)

    def _prepare(self, events: Iterable[Event | dict[str, Any]]) -> list[tuple[Event, dict[str, Any] | None]]:
        prepared: list[tuple[Event, dict[str, Any] | None]] = []
        problems: list[Problem] = []
        for i, item in enumerate(events):
            if isinstance(item, dict):
                event, found = parse_body(item)
                if event is None:
                    problems.extend(Problem(None, p.field, f"event {i + 1}: {p.message}") for p in found)
                    continue
                prepared.append((event, item))
            else:
                prepared.append((item, None))
        if problems:
            raise InvalidEvents(problems)
        return prepared

    def _append_prepared(
        self,
        prepared: Sequence[tuple[Event, dict[str, Any] | None]],
        expected_position: int | None,
    ) -> AppendResult:
        """Inside a write transaction: stamp, then dedupe, check references, chain and insert."""
        now = format_recorded_at(self._clock())
        return self._append_records([prepare_record(e, o, now) for e, o in prepared], expected_position)

    def _append_records(
        self,
        records: Sequence[Prepared],
        expected_position: int | None,
        lines: Sequence[int] | None = None,
        *,
        collect: bool = True,
    ) -> AppendResult:
        """Inside a write transaction: dedupe, check references, chain and insert.

        `collect=False` (bulk import) leaves `appended` empty rather than building a StoredEvent
        per event; `head` still tells how far the log got.
        """
        conn = self.conn
        head_pos, head_hash = self._head(conn)
        if expected_position is not None and expected_position != head_pos:
            raise ConcurrencyConflict(expected_position, head_pos)

        existing = self._bodies_by_id([r.id for r in records]) if head_pos else {}  # an empty log holds no ids
        in_batch: dict[str, Prepared] = {}
        rows: list[tuple[Any, ...]] = []
        track_rows: list[tuple[str, int]] = []
        actor_rows: list[tuple[str, int]] = []
        appended: list[tuple[int, str, Prepared]] = []
        skipped = 0
        pos, prev = head_pos, head_hash
        refs: list[tuple[int, Prepared]] = []  # events naming another event by id (corrections, ...)
        in_batch_pos: dict[str, int] = {}
        for idx, rec in enumerate(records):
            if rec.id in existing or rec.id in in_batch:  # rare: compare content only then
                where = f"line {lines[idx]}: " if lines else ""
                content = _content(json.loads(rec.canonical))
                if rec.id in existing:
                    old_pos, old_body = existing[rec.id]
                    if _content(old_body) == content:
                        skipped += 1
                        continue
                    raise IdConflict(rec.id, old_pos, where)
                if _content(json.loads(in_batch[rec.id].canonical)) == content:
                    skipped += 1
                    continue
                raise IdConflict(rec.id, None, where)
            if rec.target is not None:
                refs.append((idx, rec))
            in_batch[rec.id] = rec
            pos += 1
            in_batch_pos[rec.id] = pos
            prev = chain_hash(prev, rec.canonical)
            rows.append((
                pos, rec.id, rec.type, rec.schema_version, rec.earliest, rec.latest, rec.precision, rec.recorded_at,
                rec.tracks_json, rec.actors_json, rec.status, rec.summary, rec.canonical, prev,
            ))
            track_rows.extend((t, pos) for t in rec.tracks)
            actor_rows.extend((a, pos) for a in rec.actors)
            if collect:
                appended.append((pos, prev, rec))
        extra_index = self._check_references(refs, in_batch, in_batch_pos, lines) if refs else ([], [])
        self._insert(rows, track_rows, actor_rows, extra_index)
        return AppendResult([_stored(p, h, r) for p, h, r in appended], skipped, pos)

    def _insert(self, rows: Sequence[tuple[Any, ...]], track_rows: Sequence[tuple[str, int]],
                actor_rows: Sequence[tuple[str, int]], extra: tuple[list[tuple[str, int]], list[tuple[str, int]]]) -> None:
        """Write checked, chained rows (EVENT_COLUMNS) and their index rows: the one place rows
        reach the file (a server log also sends them to the log's own table here)."""
        conn = self.conn
        conn.executemany(INSERT_EVENT, rows)
        conn.executemany("INSERT INTO event_tracks(track, position) VALUES (?, ?)", track_rows)
        conn.executemany("INSERT INTO event_actors(actor, position) VALUES (?, ?)", actor_rows)
        conn.executemany("INSERT OR IGNORE INTO event_tracks(track, position) VALUES (?, ?)", extra[0])
        conn.executemany("INSERT OR IGNORE INTO event_actors(actor, position) VALUES (?, ?)", extra[1])
        conn.executemany("INSERT INTO event_loggers(position, name) VALUES (?, ?)", self._loggers(rows))

    # Who logged each event of a copy (tracker copy), by position: kept from the log copied.
    carried_loggers: dict[int, str] | None = None

    def _loggers(self, rows: Sequence[tuple[Any, ...]]) -> list[tuple[int, str]]:
        """(position, who logged it) for rows being appended: this machine's analyst, or in a
        copy, whoever logged the event in the log copied."""
        if self.carried_loggers is not None:
            return [(row[0], self.carried_loggers.get(row[0], "unknown")) for row in rows]
        return [(row[0], self.analyst) for row in rows]

    def loggers(self, positions: Sequence[int]) -> dict[int, str]:
        """Who logged the events at these positions (those logged before it was recorded left out)."""
        found: dict[int, str] = {}
        if not self._has_loggers():
            return found
        for i in range(0, len(positions), 500):
            chunk = positions[i : i + 500]
            q = f"SELECT position, name FROM event_loggers WHERE position IN ({','.join('?' * len(chunk))})"
            found.update(self.conn.execute(q, list(chunk)).fetchall())
        return found

    def _has_loggers(self) -> bool:
        # A file from before the table, opened read-only, has none: its events read as unknown.
        return "event_loggers" in self.table_names()

    def table_names(self, prefix: str = "") -> set[str]:
        """The tables of the log's database whose names start with `prefix`."""
        return {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if r[0].startswith(prefix)}

    def refresh_statistics(self) -> None:
        """After the read side was filled in bulk: the planner's statistics made anew, where the
        database keeps any. A file keeps none (its few planner choices are fixed: INDEXED BY)."""

    def _check_references(
        self,
        refs: Sequence[tuple[int, Prepared]],
        in_batch: dict[str, Prepared],
        in_batch_pos: dict[str, int],
        lines: Sequence[int] | None,
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """Every referenced event must exist; a correction must leave its target valid.

        Returns extra index rows: a corrected event is also filed under the tracks and actors the
        correction gives it, so filtering by the corrected actor finds it.
        """
        outside = list(dict.fromkeys(e.target for _, e in refs if e.target and e.target not in in_batch))
        stored = self._bodies_by_id(outside)
        problems: list[Problem] = []
        track_rows: list[tuple[str, int]] = []
        actor_rows: list[tuple[str, int]] = []
        for idx, event in refs:
            line = lines[idx] if lines else None
            target = event.target or ""
            if target not in in_batch and target not in stored:
                problems.append(Problem(line, "target", f"no event with id {target!r} in the log"))
                continue
            if event.type != "correction":
                continue
            changes = event.changes or {}
            if target in in_batch:
                target_pos, target_body = in_batch_pos[target], json.loads(in_batch[target].canonical)
            else:
                target_pos, target_body = stored[target]
            try:
                corrected(upcast(target_body), changes)
            except ValidationError as exc:
                problems.extend(
                    Problem(line, f"changes.{p.field}", f"the corrected event would be invalid: {p.message}")
                    for p in validation_problems(exc, line, target_body.get("type"))
                )
                continue
            track_rows.extend((t, target_pos) for t in changes.get("tracks") or [])
            actor_rows.extend((a, target_pos) for a in changes.get("actors") or [])
        if problems:
            raise InvalidEvents(problems)
        return track_rows, actor_rows

    def _bodies_by_id(self, ids: Sequence[str]) -> dict[str, tuple[int, dict[str, Any]]]:
        found: dict[str, tuple[int, dict[str, Any]]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            q = f"SELECT id, position, body FROM events WHERE id IN ({','.join('?' * len(chunk))})"
            for eid, pos, body in self.conn.execute(q, chunk):
                found[eid] = (pos, json.loads(body))
        return found

    # -- reading ------------------------------------------------------------------------
    @staticmethod
    def _head(conn: sqlite3.Connection) -> tuple[int, str]:
        row = conn.execute("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def head(self) -> tuple[int, str]:
        """(position, hash) of the last event; (0, GENESIS) for an empty log."""
        return self._head(self.conn)

    def count(self) -> int:
        return self.head()[0]

    def meta(self, key: str) -> str | None:
        """A note about the file itself (its format, where it came from), not about the log."""
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._write_transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file: cheap to poll."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def get(self, event_id: str) -> StoredEvent | None:
        row = self.conn.execute("SELECT position, hash, body FROM events WHERE id = ?", (event_id,)).fetchone()
        return _to_stored(row) if row else None

    def get_many(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        """The events with these ids, in the order asked (unknown ids left out): one query per 500
        ids, not one per event (a busy track's facts stand on thousands)."""
        wanted = list(dict.fromkeys(event_ids))
        found: dict[str, StoredEvent] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            q = f"SELECT position, hash, body FROM events WHERE id IN ({','.join('?' * len(chunk))})"
            for row in self.conn.execute(q, chunk):
                stored = _to_stored(row)
                found[stored.id] = stored
        return [found[i] for i in wanted if i in found]

    def at(self, position: int) -> StoredEvent | None:
        row = self.conn.execute("SELECT position, hash, body FROM events WHERE position = ?", (position,)).fetchone()
        return _to_stored(row) if row else None

    def iter_events(self, after: int = 0, until: int | None = None, batch: int = 2000) -> Iterator[StoredEvent]:
        """Every event in log order, upcast to the current schema."""
        last = after
        while True:
            q = "SELECT position, hash, body FROM events WHERE position > ?"
            args: list[Any] = [last]
            if until is not None:
                q += " AND position <= ?"
                args.append(until)
            rows = self.conn.execute(q + " ORDER BY position LIMIT ?", (*args, batch)).fetchall()
            if not rows:
                return
            for row in rows:
                yield _to_stored(row)
            last = rows[-1][0]

    def iter_bodies(self, after: int = 0) -> Iterator[tuple[int, str]]:
        """(position, stored canonical body) in log order: the raw form export writes."""
        cur = self.conn.execute("SELECT position, body FROM events WHERE position > ? ORDER BY position", (after,))
        yield from cur

    def _where(self, f: EventFilter) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if f.tracks:
            clauses.append(f"position IN (SELECT position FROM event_tracks WHERE track IN ({','.join('?' * len(f.tracks))}))")
            args.extend(f.tracks)
        if f.actors:
            clauses.append(f"position IN (SELECT position FROM event_actors WHERE actor IN ({','.join('?' * len(f.actors))}))")
            args.extend(f.actors)
        if f.by:
            if self._has_loggers():
                named = f"position IN (SELECT position FROM event_loggers WHERE name IN ({','.join('?' * len(f.by))}))"
                # Events logged before who logged them was kept have no row: they read as UNKNOWN.
                clauses.append(f"({named} OR position NOT IN (SELECT position FROM event_loggers))"
                               if UNKNOWN in f.by else named)
                args.extend(f.by)
            else:
                clauses.append("1 = 1" if UNKNOWN in f.by else "1 = 0")
        if f.types:
            clauses.append(f"type IN ({','.join('?' * len(f.types))})")
            args.extend(f.types)
        if f.statuses:
            clauses.append(f"status IN ({','.join('?' * len(f.statuses))})")
            args.extend(f.statuses)
        if f.occurred_from:
            clauses.append("occurred_latest >= ?")
            args.append(f.occurred_from.isoformat())
        if f.occurred_to:
            clauses.append("occurred_earliest <= ?")
            args.append(f.occurred_to.isoformat())
        if f.recorded_after:
            clauses.append("recorded_at > ?")
            args.append(format_recorded_at(f.recorded_after))
        if f.recorded_until:
            clauses.append("recorded_at <= ?")
            args.append(format_recorded_at(f.recorded_until))
        if f.text:
            # Parameters, never string splicing: search text is data. casefold() in Python
            # (registered below, base.text_match) handles non-ASCII case rules SQLite's LIKE does not.
            clauses.append("py_text_match(body, ?)")
            args.append(f.text.casefold())
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def query(
        self,
        f: EventFilter = EventFilter(),
        *,
        limit: int = 100,
        before: int | None = None,
        after: int | None = None,
        newest_first: bool = True,
    ) -> list[StoredEvent]:
        """A page of matching events, keyed on position so paging stays fast on a huge log."""
        self._register_functions()
        where, args = self._where(f)
        extra = []
        if before is not None:
            extra.append("position < ?")
            args.append(before)
        if after is not None:
            extra.append("position > ?")
            args.append(after)
        if extra:
            where = (where + " AND " if where else " WHERE ") + " AND ".join(extra)
        order = "DESC" if newest_first else "ASC"
        q = f"SELECT position, hash, body FROM events{where} ORDER BY position {order} LIMIT ?"
        return [_to_stored(r) for r in self.conn.execute(q, (*args, limit))]

    def count_matching(self, f: EventFilter = EventFilter()) -> int:
        self._register_functions()
        where, args = self._where(f)
        if not where:  # positions are gap-free from 1 (the triggers see to it): the head is the count
            return self.head()[0]
        return int(self.conn.execute(f"SELECT count(*) FROM events{where}", args).fetchone()[0])

    def _register_functions(self) -> None:
        if not self._functions:
            self.conn.create_function("py_text_match", 2, text_match, deterministic=True)
            self._functions = True

    def actor_positions(self, actor: str) -> list[int]:
        """Positions of the events that involve `actor` (as logged)."""
        return [r[0] for r in self.conn.execute("SELECT position FROM event_actors WHERE actor = ?", (actor,))]

    def targeting(self, ids: Sequence[str]) -> list[int]:
        """Positions of the corrections, retractions and claim status changes naming these events."""
        index = self.targets()
        return sorted(p for i in dict.fromkeys(ids) for p in index.get(i, ()))

    def targets(self) -> dict[str, list[int]]:
        """Event id -> positions of the corrections, retractions and claim status changes naming
        it: one scan of those types (by the type index), kept until the log grows. The read model
        keeps this index on disk; this is its fallback on a read-only file it has not caught up
        (75,000 such events on the 1M benchmark log: one scan instead of one per page shown)."""
        return self._target_index()[0]

    def amended(self, fields: frozenset[str] | None, claims: bool) -> dict[str, int]:
        """Id -> position of the events that a correction of any of `fields` (None: of any field)
        names, or with `claims`, a claim status change, at any time. Kept until the log grows."""
        _, named, kept = self._target_index()
        key = (fields, claims)
        if key not in kept:
            kept[key] = {target: position for etype, target, position, changed in named
                         if (claims and etype == "claim_status_changed")
                         or (etype == "correction" and (fields is None or not fields.isdisjoint(changed)))}
        return kept[key]

    def _target_index(self) -> tuple[dict[str, list[int]], list[tuple[str, str, int, frozenset[str]]], dict[Any, Any]]:
        """(event id -> positions of the acts naming it; (type of act, id named, its position, fields
        a correction changes) per act; answers of `amended`), made again when the log has grown."""
        head = self.head()[0]
        if self._targets is None or self._targets[0] != head:
            index: dict[str, list[int]] = {}
            named: list[tuple[str, str, int, frozenset[str]]] = []
            for position, etype, target, changes, target_position in self.conn.execute(
                    "SELECT a.position, a.type, a.target, a.changes, e.position FROM "
                    f"(SELECT position, type, {self.JSON_FIELD.format('target')} AS target, "
                    f"{self.JSON_FIELD.format('changes')} AS changes FROM events "
                    "WHERE type IN ('correction', 'retraction', 'claim_status_changed')) AS a "
                    "LEFT JOIN events e ON e.id = a.target ORDER BY a.position"):
                index.setdefault(target, []).append(position)
                if target_position is not None:
                    named.append((etype, target, target_position, frozenset(json.loads(changes)) if changes else frozenset()))
            self._targets = (head, (index, named, {}))
        return self._targets[1]

    def matching_among(self, f: EventFilter, ids: Iterable[str]) -> set[str]:
        """Which of these ids are of events whose stored form passes `f`."""
        self._register_functions()
        where, args = self._where(f)
        found: set[str] = set()
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            clause = f"id IN ({','.join('?' * len(chunk))})"
            q = f"SELECT id FROM events{where + ' AND ' if where else ' WHERE '}{clause}"
            found.update(r[0] for r in self.conn.execute(q, (*args, *chunk)))
        return found

    def happening_days(self, known_text: str | None = None) -> list[str]:
        """Sorted distinct days (ISO text) on which something may first have happened, known by
        `known_text` if given: record keeping (actor descriptions, corrections, retractions) left out."""
        acts = "('actor_described', 'correction', 'retraction')"
        if known_text is not None:
            return [r[0] for r in self.conn.execute(
                f"SELECT DISTINCT occurred_earliest FROM events WHERE type NOT IN {acts} AND recorded_at <= ? "
                "ORDER BY 1", (known_text,))]
        # Every day, from the covering index alone, less the few days on which only record keeping is
        # dated: 0.16 s on the 1M benchmark log, against 0.7-1.5 s filtering every row by its type
        # (and a step in time pays it each time).
        every = [r[0] for r in self.conn.execute("SELECT DISTINCT occurred_earliest FROM events ORDER BY 1")]
        only_acts = {r[0] for r in self.conn.execute(
            f"SELECT d FROM (SELECT DISTINCT occurred_earliest AS d FROM events WHERE type IN {acts}) AS dated "
            f"WHERE NOT EXISTS (SELECT 1 FROM events h WHERE h.occurred_earliest = d AND h.type NOT IN {acts})")}
        return [d for d in every if d not in only_acts]

    def distinct(self, column: str) -> list[str]:
        """Known track or actor ids, for completion."""
        table = {"track": "event_tracks", "actor": "event_actors"}[column]
        # One index seek per distinct value (a few hundred) instead of SELECT DISTINCT's walk over
        # every row of the index (a million and more on a big log): milliseconds, not a second.
        return [r[0] for r in self.conn.execute(
            f"WITH RECURSIVE d(v) AS (SELECT min({column}) FROM {table} UNION ALL "
            f"SELECT (SELECT {column} FROM {table} WHERE {column} > d.v ORDER BY {column} LIMIT 1) "
            f"FROM d WHERE d.v IS NOT NULL) SELECT v FROM d WHERE v IS NOT NULL"
        )]

    # -- integrity ----------------------------------------------------------------------
    def _first_unindexed_position(self, after: int = 0) -> int | None:
        """The first event after `after` whose tracks or actors are not all in event_tracks / event_actors."""
        found = [
            self.conn.execute(
                f"SELECT min(e.position) FROM events e, json_each(e.{column}) j WHERE e.position > ? "
                f"AND json_valid(e.{column}) "
                f"AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.{key} = j.value AND x.position = e.position)",
                (after,),
            ).fetchone()[0]
            for column, table, key in (("tracks", "event_tracks", "track"), ("actors", "event_actors", "actor"))
        ]
        return min((p for p in found if p is not None), default=None)

    def hash_at(self, position: int) -> str | None:
        """The stored hash of the event at `position` (GENESIS for 0); None if there is none."""
        if position == 0:
            return GENESIS
        row = self.conn.execute("SELECT hash FROM events WHERE position = ?", (position,)).fetchone()
        return str(row[0]) if row else None

    def schema_cookie(self) -> int:
        """SQLite's schema version: it changes with every CREATE, DROP or ALTER on the file, so with
        every trigger dropped to edit or delete a row (see tracker.store.heads)."""
        return int(self.conn.execute("PRAGMA schema_version").fetchone()[0])

    def iter_chain(self) -> Iterator[tuple[int, str, str]]:
        """(position, stored canonical body, stored hash) in log order: what an export writes."""
        yield from self.conn.execute("SELECT position, body, hash FROM events ORDER BY position")

    def verify(self, after: tuple[int, str] | None = None, *, readable_after: int = 0) -> VerifyResult:
        """Walk the chain from the start, or on from `after`, the (position, hash) of a row walked
        before and known to hold still (tracker.store.heads says when that may be trusted); name the
        first position whose row does not hold up.

        The events after `readable_after` are also read as this release reads them: one it refuses
        (a date an earlier release let through) is listed as unreadable, not as a break, since
        its row holds up."""
        # Imported here: the read model's package imports this module.
        from tracker.readmodel.progress import STRIDE, VERIFY_PROGRESS, Meter

        start, prev = after if after is not None else (0, GENESIS)
        checked = start
        meter = Meter(self.on_progress, max(0, self.head()[0] - start), VERIFY_PROGRESS)
        unindexed = self._first_unindexed_position(start)
        unreadable: list[Unreadable] = []
        count = 0
        cur = self.conn.execute(
            f"SELECT {', '.join(INDEXED_COLUMNS)}, body, hash FROM events WHERE position > ? ORDER BY position", (start,))
        def broken(position: int, reason: str) -> VerifyResult:
            meter.finish()
            return VerifyResult(False, checked, prev, position, reason, tuple(unreadable), count)

        for expected_pos, (position, *columns, body, stored_hash) in enumerate(cur, start=start + 1):
            if not expected_pos % STRIDE:
                meter.at(expected_pos - start)
            if position != expected_pos:
                return broken(expected_pos, f"position {expected_pos} is missing (next row is {position}): "
                                            "a row was deleted")
            if chain_hash(prev, body) != stored_hash:
                return broken(position, "the stored body does not match its hash: the row was edited, "
                              "or rows were deleted or reordered before it")
            try:
                parsed = json.loads(body)
            except json.JSONDecodeError:
                return broken(position, "the stored body is not valid JSON")
            if reference_json(parsed) != body:  # the definition, whatever the body holds
                return broken(position, "the stored body is not in canonical form")
            problem = None
            try:
                derived = _indexed_columns(parsed)
                given = tuple(columns)
            except (ValidationError, UpcastError, KeyError, TypeError, AttributeError) as exc:
                # Not an event this release reads: the columns that need no model must still agree.
                problem = _unreadable_because(exc, parsed)
                derived = _plain_columns(parsed)
                given = tuple(columns[i] for i in _PLAIN_COLUMNS)
            if derived != given:
                return broken(position, "the indexed columns disagree with the stored body: the row was edited")
            if position == unindexed:
                return broken(position, "the event is missing from the track or actor index: the index was edited")
            if position > readable_after:
                if problem is None and parsed.get("schema_version", SCHEMA_VERSION) == SCHEMA_VERSION:
                    try:  # an older schema was validated above, on its way through the upcasters
                        EVENT_ADAPTER.validate_python(parsed)
                    except ValidationError as exc:
                        problem = _unreadable_because(exc, parsed)
                if problem is not None:
                    count += 1
                    if len(unreadable) < MAX_UNREADABLE:
                        event_id = parsed.get("id") if isinstance(parsed, dict) else None
                        unreadable.append(Unreadable(position, event_id if isinstance(event_id, str) else None, problem))
            prev = stored_hash
            checked += 1
        meter.finish()
        return VerifyResult(True, checked, prev, None, None, tuple(unreadable), count)


def _unreadable_because(exc: Exception, body: Any) -> str:
    """What is wrong with a stored body this release will not read, in a line."""
    if isinstance(exc, ValidationError):
        etype = body.get("type") if isinstance(body, dict) else None
        return "; ".join(str(p) for p in validation_problems(exc, None, etype if isinstance(etype, str) else None))
    if isinstance(exc, KeyError):
        return f"field '{exc.args[0]}': required field is missing"
    return str(exc) or type(exc).__name__


_PLAIN_COLUMNS = (0, 1, 2, 6)  # id, type, schema_version, recorded_at: read from the body as it is


def _plain_columns(body: Any) -> tuple[Any, ...]:
    if not isinstance(body, dict):
        return ()
    return (body.get("id"), body.get("type"), body.get("schema_version", SCHEMA_VERSION), body.get("recorded_at"))


@functools.lru_cache(maxsize=64)
def _parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


INDEXED_COLUMNS = ("position",) + tuple(c for c in EVENT_COLUMNS if c not in ("position", "body", "hash"))


def _indexed_columns(body: dict[str, Any]) -> tuple[Any, ...]:
    """The row's columns other than body and hash (position excluded), as append derives them."""
    version = body.get("schema_version", SCHEMA_VERSION)
    if version == SCHEMA_VERSION:  # stored in normalised form: the columns are its values
        occ = body["occurred"]
        tracks, actors, status, summary = body["tracks"], body["actors"], body["status"], body["summary"]
        earliest, latest, precision = occ["earliest"], occ["latest"], occ["precision"]
    else:  # an older schema, stored verbatim: derive through the upcasters, as append did
        event = EVENT_ADAPTER.validate_python(upcast(body))
        tracks, actors, status, summary = event.tracks, event.actors, event.status, event.summary
        occ = event.occurred
        earliest, latest, precision = occ.earliest.isoformat(), occ.latest.isoformat(), occ.precision
    return (body["id"], body["type"], version, earliest, latest, precision, body["recorded_at"],
            _id_list_json(tracks), _id_list_json(actors), status, summary)


def _stored(position: int, hash_: str, rec: Prepared) -> StoredEvent:
    event = rec.event
    if event is None:
        raise AssertionError("an event prepared in another process cannot be returned")
    if event.recorded_at is None:  # stamped on the way in: the returned model says when
        event = event.model_copy(update={"recorded_at": _parse_ts(rec.recorded_at)})
    return StoredEvent(position, hash_, event)


def _to_stored(row: tuple[int, str, str]) -> StoredEvent:
    position, hash_, body = row
    data: Any = None
    try:
        data = json.loads(body)
        return StoredEvent(position, hash_, EVENT_ADAPTER.validate_python(upcast(data)))
    except (ValueError, TypeError, KeyError) as exc:  # ValidationError, UpcastError, JSONDecodeError
        etype = data.get("type") if isinstance(data, dict) else None
        detail = "; ".join(str(p) for p in validation_problems(exc, None, etype)) \
            if isinstance(exc, ValidationError) else str(exc)
        raise StoreError(f"the stored event at position {position} cannot be read ({detail}): it was written "
                         "by an earlier release, or not by this tracker; 'tracker verify' lists every such event") from None


def _uri(path: Path, query: str) -> str:
    """An SQLite URI for `path`: '?', '#' and '%' in a file name must not be read as URI syntax."""
    return f"file:{urllib.parse.quote(str(path.absolute()))}?{query}"


def _check_path(path: Path, readonly: bool = False) -> None:
    """One clear sentence for a path that cannot hold a log, before SQLite says something obscure
    (or the system does: a name too long, a loop of symbolic links)."""
    try:
        _check_path_inner(path, readonly)
    except OSError as exc:
        raise UnusableDatabase(f"{path} cannot hold a log: {_why(exc)}") from None


def _check_path_inner(path: Path, readonly: bool) -> None:
    if path.is_dir():
        raise UnusableDatabase(f"{path} is a directory, not a log file: give a file's path")
    if path.exists():
        if not stat.S_ISREG(path.stat().st_mode):
            raise UnusableDatabase(f"{path} is not a regular file (a device, pipe or socket): it cannot hold a log")
        if not os.access(path, os.R_OK):
            raise UnusableDatabase(f"{path} cannot be read: permission denied")
        return
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    # Read-only, nothing is created: there is no database there (the caller says so), whatever
    # the directory's permissions; a path inside a file is said as such either way.
    doing = "no database at" if readonly else "cannot create a log at"
    if not ancestor.is_dir():
        raise UnusableDatabase(f"{doing} {path}: {ancestor} is a file, not a directory")
    if readonly:
        return
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise UnusableDatabase(f"cannot create a log at {path}: the directory {ancestor} is not writable")


def _empty(path: Path) -> str:
    """What to say of a file of size 0 opened read-only: empty, or one whose size says nothing of
    what it holds (/proc, /sys), which is no log either."""
    try:
        with open(path, "rb") as fh:
            content = fh.read(1)
    except OSError:
        content = b""
    if content:
        return (f"{path} is not a tracker log and cannot hold one: a system file whose size reads 0 yet has "
                "content (in /proc or /sys?), not an SQLite database")
    return f"{path} is an empty file, not a tracker log"


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


# -- a damaged file ---------------------------------------------------------------------------
# Every log file this process opened, in order: an SQLite error that surfaces far from the store
# (a query of the read model, a walk of the chain) says which file it is about through `failure`.
OPENED: dict[Path, None] = {}  # each once: a long-running TUI or test run reopens the same files
SQLITE_CORRUPT = 11  # "database disk image is malformed" (its extended codes share the low byte)


def _is_damage(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == SQLITE_CORRUPT
    return "malformed" in str(exc)


def damaged_message(path: Path, exc: sqlite3.Error) -> str:
    return (f"{path} is damaged: SQLite says '{exc}'; it cannot be read as a log, and nothing was written to it. "
            "Restore it from a backup, or import an export of it into a new log "
            "('tracker --db NEW.db import EXPORT.jsonl')")


def _damage_in(path: Path) -> bool:
    """Whether SQLite's quick check finds the file damaged (read-only, a walk of every page)."""
    for mode in ("mode=ro", "immutable=1"):
        try:
            conn = sqlite3.connect(_uri(path, mode), uri=True)
        except sqlite3.Error:
            continue
        try:
            return conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
        except sqlite3.OperationalError:
            continue  # no access to the WAL's index: try as immutable
        except sqlite3.DatabaseError as exc:
            return _is_damage(exc) or "not a database" in str(exc)
        finally:
            conn.close()
    return False


def failure(exc: BaseException, path: Path | None = None) -> str | None:
    """One line for an SQLite error that reached a command (None if `exc` is not one): naming the
    damaged file, if that is what it is, among the files opened (`path` if given), with what to do."""
    if not isinstance(exc, sqlite3.Error):
        return None
    candidates = [path] if path is not None else list(reversed(OPENED))
    if _is_damage(exc):
        found = next((p for p in candidates if _damage_in(p)), candidates[0] if candidates else None)
        return damaged_message(found, exc) if found is not None else (
            f"a log file is damaged: SQLite says '{exc}'; restore it from a backup or an export")
    where = f"{candidates[0]}: " if candidates else ""
    return f"{where}SQLite error: {exc}"


def _writable(path: Path) -> bool:
    if not path.stat().st_mode & 0o222:
        return False  # marked read-only (chmod a-w): honoured even for root, whom access() lets write
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)

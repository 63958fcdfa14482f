"""The append-only event log in one SQLite file.

Guarantees, enforced where they cannot be bypassed by accident:
- append-only and gap-free: triggers in the database abort any UPDATE or DELETE and any INSERT
  whose position is not the next one;
- tamper evidence: each row stores sha256(previous hash + canonical body); `verify` walks the chain;
- atomic batches: a batch is one `BEGIN IMMEDIATE` transaction, all or nothing;
- optimistic concurrency: `append(..., expected_position=N)` fails with `ConcurrencyConflict`
  unless the log is at N when the write lock is held;
- idempotent by id: re-appending an identical event is a no-op, a different one under the same id
  is an `IdConflict`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils
from pydantic import ValidationError

from events import EVENT_ADAPTER, EVENT_TYPES, GENESIS, SCHEMA_VERSION, Event, canonical_json, chain_hash, upcast
from events.upcasters import UpcastError

# Version of the database layout (tables, triggers). A file with a higher number was written by a
# newer tracker and is refused untouched.
FORMAT_VERSION = 1
APPLICATION_ID = 0x44495054  # "DIPT": marks the file as ours in its header
BUSY_TIMEOUT_MS = 30_000


# -- errors -------------------------------------------------------------------------------
class StoreError(Exception):
    """Any failure the user should see as a clear message (no traceback)."""


class ConcurrencyConflict(StoreError):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"the log is at position {actual}, not {expected} as expected: someone else appended "
            f"{actual - expected} event(s) meanwhile; reload and try again"
            if actual > expected
            else f"the log is at position {actual}, not {expected} as expected"
        )
        self.expected, self.actual = expected, actual


class IdConflict(StoreError):
    def __init__(self, event_id: str, position: int | None, where: str = "") -> None:
        at = f"at position {position}" if position else "earlier in the same batch"
        super().__init__(f"{where}event id {event_id} is already in the log {at} with different content")
        self.event_id = event_id


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: which line (1-based, if from a file), which field, what."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return (": ".join(parts) + ": " if parts else "") + self.message


class InvalidEvents(StoreError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s); nothing was written:\n{shown}{more}")


class ReadOnlyStore(StoreError):
    pass


class IncompatibleDatabase(StoreError):
    pass


# -- rows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredEvent:
    position: int
    hash: str
    event: Event

    @property
    def id(self) -> str:
        return self.event.id


@dataclass(frozen=True)
class AppendResult:
    appended: list[StoredEvent]
    skipped: int  # identical events already in the log
    head: int


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_hash: str
    first_bad_position: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class EventFilter:
    """What `query` selects; every field optional. Text is matched literally, case-insensitively."""

    tracks: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    occurred_from: date | None = None  # events that may have happened on or after this day
    occurred_to: date | None = None  # events that may have happened on or before this day
    recorded_until: datetime | None = None
    text: str | None = None


# -- helpers ------------------------------------------------------------------------------
def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def format_recorded_at(moment: datetime) -> str:
    """Fixed-width UTC text so string order is time order in SQL."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def field_path(loc: Sequence[int | str], event_type: str | None) -> str:
    # Drop the discriminator tag pydantic puts first for a tagged union ('statement_made', 'stance').
    parts = [str(p) for p in loc]
    if parts and event_type and parts[0] == event_type:
        parts = parts[1:]
    return ".".join(parts) or "type"


def validation_problems(exc: ValidationError, line: int | None, event_type: str | None) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = field_path(err["loc"], event_type)
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "union_tag_invalid":
            loc = "type"
            msg = f"unknown event type {event_type!r}; expected one of: {', '.join(sorted(EVENT_TYPES))}"
        elif err["type"] == "union_tag_not_found":
            loc = "type"
            msg = "required field is missing (the event type)"
        else:
            given = err.get("input")
            if isinstance(given, (str, int, float, bool)) and not isinstance(given, dict):
                shown = repr(given)
                msg += f" (got {shown[:60] + '...' if len(shown) > 60 else shown})"
        problems.append(Problem(line, loc, msg))
    return problems


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
    if body.get("recorded_at") is None:
        body["recorded_at"] = recorded_at
    else:
        body["recorded_at"] = format_recorded_at(datetime.fromisoformat(str(body["recorded_at"]).replace("Z", "+00:00")))
    return body


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
    for table in ("events", "event_tracks", "event_actors")
    for action in ("UPDATE", "DELETE")
] + [
    "CREATE TRIGGER IF NOT EXISTS events_gap_free BEFORE INSERT ON events "
    "WHEN NEW.position != COALESCE((SELECT MAX(position) FROM events), 0) + 1 "
    "BEGIN SELECT RAISE(ABORT, 'event positions must be gap-free: insert at the next position only'); END"
]

EVENT_COLUMNS = (
    "position", "id", "type", "schema_version", "occurred_earliest", "occurred_latest",
    "precision", "recorded_at", "tracks", "actors", "status", "summary", "body", "hash",
)
INSERT_EVENT = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"


class EventStore:
    """One SQLite file holding the log (and, beside it, the read models that fold it)."""

    def __init__(self, path: str | Path, *, readonly: bool = False, durable: bool = True) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if not readonly and self.path.exists() and not _writable(self.path):
            self.readonly = True  # a read-only file can still be browsed; writes say why not
        if self.path.exists():
            self._check_compatible()
        elif self.readonly:
            raise StoreError(f"no database at {self.path}")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = self._connect(durable)
        self.db = sqlite_utils.Database(self.conn)
        if not self.readonly:
            self._create_schema()

    # -- opening ------------------------------------------------------------------------
    def _check_compatible(self) -> None:
        """Refuse a file from a newer tracker (or not ours) before writing a single byte to it."""
        try:
            probe = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
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
            raise IncompatibleDatabase(f"{self.path} is not a readable SQLite database: {exc}") from None

    def _connect(self, durable: bool) -> sqlite3.Connection:
        if self.readonly:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.OperationalError:
                # A WAL file without write access to its -shm: read the file as immutable instead.
                conn.close()
                conn = sqlite3.connect(f"file:{self.path}?immutable=1", uri=True, isolation_level=None,
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
        with self._write_transaction():
            db = self.db
            if not db["meta"].exists():
                db["meta"].create({"key": str, "value": str}, pk="key")
                db["meta"].insert_all([
                    {"key": "format_version", "value": str(FORMAT_VERSION)},
                    {"key": "created_at", "value": format_recorded_at(utc_now())},
                ])
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            if not db["event_schemas"].exists():
                db["event_schemas"].create({"type": str, "version": int}, pk="type")
            self.conn.executemany(
                "INSERT OR IGNORE INTO event_schemas(type, version) VALUES (?, ?)",
                [(t, SCHEMA_VERSION) for t in EVENT_TYPES],
            )
            if not db["events"].exists():
                db["events"].create(
                    {
                        "position": int, "id": str, "type": str, "schema_version": int,
                        "occurred_earliest": str, "occurred_latest": str, "precision": str,
                        "recorded_at": str, "tracks": str, "actors": str, "status": str,
                        "summary": str, "body": str, "hash": str,
                    },
                    pk="position",
                    not_null=set(EVENT_COLUMNS),
                )
                db["events"].create_index(["id"], unique=True)
                db["events"].create_index(["occurred_earliest", "position"])
                db["events"].create_index(["recorded_at"])
                db["events"].create_index(["type", "position"])
                self.conn.execute(
                    "CREATE TABLE event_tracks (track TEXT NOT NULL, position INTEGER NOT NULL, "
                    "PRIMARY KEY (track, position)) WITHOUT ROWID"
                )
                self.conn.execute(
                    "CREATE TABLE event_actors (actor TEXT NOT NULL, position INTEGER NOT NULL, "
                    "PRIMARY KEY (actor, position)) WITHOUT ROWID"
                )
            for trigger in TRIGGERS:
                self.conn.execute(trigger)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions -------------------------------------------------------------------
    class _Tx:
        def __init__(self, store: "EventStore") -> None:
            self.store = store

        def __enter__(self) -> sqlite3.Connection:
            conn = self.store.conn
            # BEGIN IMMEDIATE takes the write lock up front, so the head we read cannot move
            # under us. busy_timeout waits for another writer; retry a few times beyond that.
            for attempt in range(5):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    return conn
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc) or attempt == 4:
                        raise StoreError(f"could not get the write lock on {self.store.path}: {exc}") from None
                    time.sleep(0.05 * (attempt + 1))
            raise AssertionError("unreachable")

        def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
            conn = self.store.conn
            if exc_type is None:
                conn.execute("COMMIT")
            elif conn.in_transaction:
                conn.execute("ROLLBACK")

    def _write_transaction(self) -> "EventStore._Tx":
        if self.readonly:
            raise ReadOnlyStore(f"{self.path} is read-only: it can be browsed, but nothing can be logged to it")
        return EventStore._Tx(self)

    # -- writing ------------------------------------------------------------------------
    def append(
        self,
        events: Iterable[Event | dict[str, Any]],
        expected_position: int | None = None,
    ) -> AppendResult:
        """Append a batch atomically. Dicts are upcast and validated; models are taken as valid."""
        prepared = self._prepare(events)
        with self._write_transaction():
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
        lines: Sequence[int] | None = None,
    ) -> AppendResult:
        """Inside a write transaction: dedupe, check references, chain and insert."""
        conn = self.conn
        head_pos, head_hash = self._head(conn)
        if expected_position is not None and expected_position != head_pos:
            raise ConcurrencyConflict(expected_position, head_pos)
        now = format_recorded_at(utc_now())

        ids = [e.id for e, _ in prepared]
        existing = self._bodies_by_id(ids)
        in_batch: dict[str, dict[str, Any]] = {}
        rows, track_rows, actor_rows, appended = [], [], [], []
        skipped = 0
        pos, prev = head_pos, head_hash
        refs: list[tuple[int, Any]] = []  # events naming another event by id (corrections, ...)
        in_batch_pos: dict[str, int] = {}
        for idx, (event, original) in enumerate(prepared):
            where = f"line {lines[idx]}: " if lines else ""
            body = stored_form(event, original, now)
            content = _content(body)
            if event.id in existing:
                old_pos, old_body = existing[event.id]
                if _content(old_body) == content:
                    skipped += 1
                    continue
                raise IdConflict(event.id, old_pos, where)
            if event.id in in_batch:
                if _content(in_batch[event.id]) == content:
                    skipped += 1
                    continue
                raise IdConflict(event.id, None, where)
            if getattr(event, "target", None) is not None:
                refs.append((idx, event))
            in_batch[event.id] = body
            pos += 1
            in_batch_pos[event.id] = pos
            canonical = canonical_json(body)
            prev = chain_hash(prev, canonical)
            occ = event.occurred
            rows.append((
                pos, event.id, event.type, body.get("schema_version", SCHEMA_VERSION), occ.earliest.isoformat(),
                occ.latest.isoformat(), occ.precision, body["recorded_at"],
                json.dumps(event.tracks), json.dumps(event.actors), event.status, event.summary,
                canonical, prev,
            ))
            track_rows.extend((t, pos) for t in dict.fromkeys(event.tracks))
            actor_rows.extend((a, pos) for a in dict.fromkeys(event.actors))
            appended.append((pos, prev, event, body))
        extra_index = self._check_references(refs, in_batch, in_batch_pos, lines) if refs else ([], [])
        conn.executemany(INSERT_EVENT, rows)
        conn.executemany("INSERT INTO event_tracks(track, position) VALUES (?, ?)", track_rows)
        conn.executemany("INSERT INTO event_actors(actor, position) VALUES (?, ?)", actor_rows)
        conn.executemany("INSERT OR IGNORE INTO event_tracks(track, position) VALUES (?, ?)", extra_index[0])
        conn.executemany("INSERT OR IGNORE INTO event_actors(actor, position) VALUES (?, ?)", extra_index[1])
        result = [
            StoredEvent(p, h, e if e.recorded_at else e.model_copy(update={"recorded_at": _parse_ts(b["recorded_at"])}))
            for p, h, e, b in appended
        ]
        return AppendResult(result, skipped, pos)

    def _check_references(
        self,
        refs: Sequence[tuple[int, Any]],
        in_batch: dict[str, dict[str, Any]],
        in_batch_pos: dict[str, int],
        lines: Sequence[int] | None,
    ) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
        """Every referenced event must exist; a correction must leave its target valid.

        Returns extra index rows: a corrected event is also filed under the tracks and actors the
        correction gives it, so filtering by the corrected actor finds it.
        """
        outside = list(dict.fromkeys(e.target for _, e in refs if e.target not in in_batch))
        stored = self._bodies_by_id(outside)
        problems: list[Problem] = []
        track_rows: list[tuple[str, int]] = []
        actor_rows: list[tuple[str, int]] = []
        for idx, event in refs:
            line = lines[idx] if lines else None
            if event.target in in_batch:
                target_pos, target_body = in_batch_pos[event.target], in_batch[event.target]
            elif event.target in stored:
                target_pos, target_body = stored[event.target]
            else:
                problems.append(Problem(line, "target", f"no event with id {event.target!r} in the log"))
                continue
            if event.type != "correction":
                continue
            try:
                EVENT_ADAPTER.validate_python({**upcast(target_body), **event.changes})
            except ValidationError as exc:
                problems.extend(
                    Problem(line, f"changes.{p.field}", f"the corrected event would be invalid: {p.message}")
                    for p in validation_problems(exc, line, target_body.get("type"))
                )
                continue
            track_rows.extend((t, target_pos) for t in event.changes.get("tracks") or [])
            actor_rows.extend((a, target_pos) for a in event.changes.get("actors") or [])
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

    def data_version(self) -> int:
        """Changes whenever another connection commits to the file: cheap to poll."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def get(self, event_id: str) -> StoredEvent | None:
        row = self.conn.execute("SELECT position, hash, body FROM events WHERE id = ?", (event_id,)).fetchone()
        return _to_stored(row) if row else None

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
        clauses, args = [], []
        if f.tracks:
            clauses.append(f"position IN (SELECT position FROM event_tracks WHERE track IN ({','.join('?' * len(f.tracks))}))")
            args.extend(f.tracks)
        if f.actors:
            clauses.append(f"position IN (SELECT position FROM event_actors WHERE actor IN ({','.join('?' * len(f.actors))}))")
            args.extend(f.actors)
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
        if f.recorded_until:
            clauses.append("recorded_at <= ?")
            args.append(format_recorded_at(f.recorded_until))
        if f.text:
            # Parameters, never string splicing: search text is data. casefold() in Python
            # (registered below) handles non-ASCII case rules SQLite's LIKE does not.
            clauses.append("instr(py_casefold(body), ?) > 0")
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
        return int(self.conn.execute(f"SELECT count(*) FROM events{where}", args).fetchone()[0])

    def _register_functions(self) -> None:
        if not getattr(self, "_functions", False):
            self.conn.create_function("py_casefold", 1, lambda s: s.casefold() if isinstance(s, str) else s,
                                      deterministic=True)
            self._functions = True

    def distinct(self, column: str) -> list[str]:
        """Known track or actor ids, for completion."""
        table = {"track": "event_tracks", "actor": "event_actors"}[column]
        return [r[0] for r in self.conn.execute(f"SELECT DISTINCT {column} FROM {table} ORDER BY {column}")]

    # -- integrity ----------------------------------------------------------------------
    def verify(self) -> VerifyResult:
        """Walk the chain from the start; name the first position whose row does not hold up."""
        prev = GENESIS
        expected_pos = 0
        checked = 0
        cur = self.conn.execute(
            "SELECT position, id, type, occurred_earliest, recorded_at, body, hash FROM events ORDER BY position"
        )
        for position, eid, etype, occ_earliest, recorded_at, body, stored_hash in cur:
            expected_pos += 1
            if position != expected_pos:
                return VerifyResult(False, checked, prev, expected_pos,
                                    f"position {expected_pos} is missing (next row is {position}): a row was deleted")
            if chain_hash(prev, body) != stored_hash:
                return VerifyResult(False, checked, prev, position,
                                    "the stored body does not match its hash: the row was edited, "
                                    "or rows were deleted or reordered before it")
            try:
                parsed = json.loads(body)
            except json.JSONDecodeError:
                return VerifyResult(False, checked, prev, position, "the stored body is not valid JSON")
            if canonical_json(parsed) != body:
                return VerifyResult(False, checked, prev, position, "the stored body is not in canonical form")
            if parsed.get("id") != eid or parsed.get("type") != etype or parsed.get("recorded_at") != recorded_at:
                return VerifyResult(False, checked, prev, position,
                                    "the indexed columns disagree with the stored body: the row was edited")
            prev = stored_hash
            checked += 1
        return VerifyResult(True, checked, prev)


def _parse_ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _to_stored(row: tuple[int, str, str]) -> StoredEvent:
    position, hash_, body = row
    data = json.loads(body)
    return StoredEvent(position, hash_, EVENT_ADAPTER.validate_python(upcast(data)))


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)

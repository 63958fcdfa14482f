"""The SQL of the SQLite store and read model, run on PostgreSQL.

A server log keeps its read side (the indexed copy of the log and the read models) in a schema
of its own on the server, with the very tables the SQLite file has. Rather than write every
query twice, the store and the read model keep one text of each, in the SQL the two databases
share, and this connection turns the few SQLite spellings left into PostgreSQL's:

- `?` parameters become `%s` (and a literal `%` becomes `%%`, as psycopg wants);
- `INSERT OR IGNORE` becomes `ON CONFLICT DO NOTHING`, `INSERT OR REPLACE` an upsert on the
  table's primary key (KEYS);
- SQLite's planner hints (`INDEXED BY`) and storage options (`WITHOUT ROWID`) are dropped;
- in a CREATE TABLE, text is compared byte by byte (`COLLATE "C"`, as SQLite does: dates and
  ids are compared as text) and BLOB is BYTEA;
- `IN (?, ?, ...)` becomes `= ANY(?)` of one array (see `translate`).

A statement no rule covers is sent as written: PostgreSQL then says what it does not take. Each
statement is a round trip to the server, so the connection also sends a bulk INSERT by COPY and
several queries at once (`fetch_all`), and turns the server's errors into the store's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from tracker.store.base import ReadOnlyStore, StoreError

# Primary keys of the tables written with INSERT OR REPLACE.
KEYS = {
    "meta": "key", "rm_meta": "key", "rm_checkpoint": "name", "rm_track_state": "track", "rm_runmax": "day",
    "rm_list_rows": "track", "rm_snapshots": "track, kind, day, position",
}
_REPLACE = re.compile(r"^\s*INSERT OR REPLACE INTO (\w+)\s*\(([^)]*)\)", re.I)
_IGNORE = re.compile(r"^\s*INSERT OR IGNORE INTO", re.I)
_HINT = re.compile(r"\s+INDEXED BY \w+", re.I)
_CREATE_TABLE = re.compile(r"^\s*CREATE TABLE", re.I)
_LIST = re.compile(r"(\bNOT\s+)?\bIN \((\?(?:,\s*\?)*)\)", re.I)


@lru_cache(maxsize=1024)
def translate(text: str) -> tuple[str, tuple[int, ...] | None]:
    """The PostgreSQL spelling of one statement written for SQLite (see the module's note), and
    how to pass its parameters: None as given, else how many of them each placeholder takes."""
    q = _HINT.sub("", text).replace("%", "%%")
    # `IN (?, ?, ...)`, whatever its length, is `= ANY(?)` of one array: one text for every
    # length, which psycopg prepares once, and which PostgreSQL plans faster than a list of
    # hundreds of values (fetching the bodies of a busy track's facts: 500 ids at a time).
    groups: list[int] = []
    pos = 0
    for found in _LIST.finditer(q):
        groups.extend([1] * q.count("?", pos, found.start()))
        groups.append(-found.group(2).count("?"))  # negative: a list
        pos = found.end()
    plan = None
    if groups:
        groups.extend([1] * q.count("?", pos))
        plan = tuple(groups)
        q = _LIST.sub(lambda m: "<> ALL(?)" if m.group(1) else "= ANY(?)", q)
    q = q.replace("?", "%s")
    if m := _REPLACE.match(q):
        table, columns = m.group(1), [c.strip() for c in m.group(2).split(",")]
        key = KEYS[table]
        keyed = {k.strip() for k in key.split(",")}
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keyed)
        q = "INSERT INTO " + q[m.start(1):]
        q = f"{q} ON CONFLICT ({key}) " + (f"DO UPDATE SET {sets}" if sets else "DO NOTHING")
    elif _IGNORE.match(q):
        q = _IGNORE.sub("INSERT INTO", q, count=1) + " ON CONFLICT DO NOTHING"
    if _CREATE_TABLE.match(q):
        q = q.replace(" WITHOUT ROWID", "")
        q = re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', q)
        q = re.sub(r"\bBLOB\b", "BYTEA", q)
        q = re.sub(r"\bINTEGER\b", "BIGINT", q)
    return q, plan


def statement(text: str, params: Sequence[Any] | None) -> tuple[str, tuple[Any, ...]]:
    """A statement written for SQLite and its parameters, as psycopg takes them."""
    q, plan = translate(text)
    return q, tuple(params or ()) if plan is None else regroup(tuple(params or ()), plan)


def regroup(params: Sequence[Any], plan: tuple[int, ...]) -> tuple[Any, ...]:
    """The parameters as `translate` wants them: each list's values as one Python list."""
    out: list[Any] = []
    i = 0
    for n in plan:
        if n < 0:
            out.append(list(params[i : i - n]))
            i -= n
        else:
            out.append(params[i])
            i += 1
    return tuple(out)


_PAGED = re.compile(r"\bLIMIT \?", re.I)


@lru_cache(maxsize=1024)
def prepared(text: str) -> bool | None:
    """Whether psycopg may prepare the statement (None: its default, after a few runs). A page
    of rows (`LIMIT ?`) is planned each time, with its values: a prepared statement's generic plan
    cannot know how few rows are wanted, and sorted a busy track's whole history (3.3 ms where the
    plan made for the values walks an index backwards for 0.4 ms)."""
    return False if _PAGED.search(text) else None


COPY_FROM = 100  # rows from which an INSERT goes by COPY (a COPY costs a round trip more than a few INSERTs)
_PLAIN_INSERT = re.compile(r"^\s*INSERT INTO ([\w.]+)\s*\(([^)]*)\)\s*VALUES\s*\((\s*\?\s*,?)+\)\s*$", re.I)


@lru_cache(maxsize=64)
def _copy_statement(text: str) -> str | None:
    """A plain multi-row INSERT as COPY ... FROM STDIN: PostgreSQL's bulk path, which takes rows
    several times as fast as one INSERT each, triggers and constraints all the same (an import,
    and the read models' rebuild after it, insert hundreds of thousands of rows)."""
    m = _PLAIN_INSERT.match(text)
    return f"COPY {m.group(1)} ({m.group(2)}) FROM STDIN" if m else None


def copy_rows(conn: psycopg.Connection[Any], statement: str, rows: Sequence[Sequence[Any]]) -> None:
    with conn.cursor() as cur, cur.copy(statement) as copy:  # type: ignore[arg-type]
        for row in rows:
            copy.write_row(row)


class PgConnection:
    """What the store and the read model ask of an sqlite3 connection, on a psycopg one (in
    autocommit mode: BEGIN, COMMIT and ROLLBACK are statements, as they are for the store)."""

    def __init__(self, conn: psycopg.Connection[Any], where: str) -> None:
        self.raw = conn
        self.where = where  # the server, for messages

    def execute(self, text: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        try:
            return self.raw.execute(*statement(text, params), prepare=prepared(text))  # type: ignore[arg-type]
        except psycopg.Error as exc:
            raise self._failed(exc) from None

    def executemany(self, text: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(r) for r in rows]
        if batch:
            try:
                if len(batch) >= COPY_FROM and (copy := _copy_statement(text)):
                    copy_rows(self.raw, copy, batch)
                    return
                q, _ = translate(text)
                with self.raw.cursor() as cur:
                    cur.executemany(q, [statement(text, row)[1] for row in batch])  # type: ignore[arg-type]
            except psycopg.Error as exc:
                raise self._failed(exc) from None

    def fetch_all(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> list[list[tuple[Any, ...]]]:
        """Every row of each statement, the statements sent together (psycopg's pipeline mode):
        one round trip for all, where each alone waits for the last."""
        try:
            with self.raw.pipeline():
                cursors = []
                for text, params in statements:
                    cur = self.raw.cursor()
                    cur.execute(*statement(text, params), prepare=prepared(text))  # type: ignore[arg-type]
                    cursors.append(cur)
                return [cur.fetchall() for cur in cursors]
        except psycopg.Error as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: psycopg.Error) -> StoreError:
        """What the store's callers catch, worded for the user: the statement is ours, not theirs."""
        said = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, psycopg.errors.InsufficientPrivilege):
            return ReadOnlyStore(f"{self.where}: this role may not do that ({said})")
        if isinstance(exc, psycopg.OperationalError):
            return StoreError(f"lost the connection to {self.where}: {said}")
        return StoreError(f"{self.where} refused a statement: {said}")

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()

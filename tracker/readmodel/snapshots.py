"""Writing the read model's snapshots while the fold goes on.

A snapshot is a track's accumulator as compact JSON, zlib-compressed: up to 2 MB of JSON for
the busiest track of the 1M benchmark log, and a rebuild of that log writes some 1,800 of them.
Compressing them took 12.5 of the rebuild's 115 s (profiled), all on the one core the fold
needs. zlib lets go of the GIL while it compresses, so a second thread does it while the fold
goes on; the rows are inserted by the folding thread, in the order the snapshots were taken.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor

INSERT_SNAPSHOT = (
    "INSERT OR REPLACE INTO rm_snapshots(track, kind, day, position, recorded, horizon, list_parts, acc, deferred) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
LEVEL = 1  # fastest: the blobs are read far more often than written, and level 1 decompresses as fast
MAX_PENDING = 4  # snapshots compressed ahead of their insert: bounds the memory they hold

Row = tuple[str, str, str, int, str, int, str, str]  # every column but `acc`, `deferred` last


def pack(raw: bytes) -> bytes:
    return zlib.compress(raw, LEVEL)


def insert_snapshot(conn: sqlite3.Connection, row: Row, blob: bytes) -> None:
    conn.execute(INSERT_SNAPSHOT, (*row[:7], blob, row[7]))


class SnapshotWriter:
    """Compresses on a second thread; `put` and `flush` insert on the caller's, in order.

    Only the caller's thread touches the connection. Close it in a `finally`: after an error the
    snapshots not yet inserted are dropped with the transaction they belonged to."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snapshot-zlib")
        self.pending: deque[tuple[Row, Future[bytes]]] = deque()

    def put(self, row: Row, raw: bytes) -> None:
        self.pending.append((row, self.pool.submit(pack, raw)))
        while self.pending and (len(self.pending) > MAX_PENDING or self.pending[0][1].done()):
            self._insert_oldest()

    def flush(self) -> None:
        """Insert every snapshot taken so far (before anything reads or deletes snapshots)."""
        while self.pending:
            self._insert_oldest()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pending.clear()

    def _insert_oldest(self) -> None:
        row, blob = self.pending.popleft()
        insert_snapshot(self.conn, row, blob.result())

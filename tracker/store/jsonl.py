"""JSON Lines import and export.

Import is one transaction: every line is decoded, parsed, upcast and validated; if any line is
wrong, the problems (line and field) are reported and nothing is written. Export writes the stored
canonical bodies verbatim, so importing an export reproduces the same hash chain.
"""

from __future__ import annotations

import itertools
import json
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from events import EVENT_ADAPTER
from tracker.gcpause import collector_paused
from tracker.store.base import ConcurrencyConflict, InvalidEvents, Problem, StoreError
from tracker.store.sqlite import (
    EventStore,
    Prepared,
    format_recorded_at,
    parse_body,
    prepare_record,
    utc_now,
)
from tracker.workers import worker_pool

CHUNK = 5000
MAX_PROBLEMS = 100
MAX_LINE_BYTES = 1_000_000
PARALLEL_FROM_BYTES = 4_000_000  # about 10,000 events: starting a worker costs ~0.5 s
MAX_WORKERS = 3  # this process inserts what they prepare: beyond a few, it is what waits
AUTO_AFTER_CHUNKS = 2  # a stream of unknown length starts its workers after this many chunks here


@dataclass(frozen=True)
class ImportReport:
    lines: int
    appended: int
    skipped: int
    head: int


def parse_line(number: int, raw: bytes) -> tuple[dict[str, Any] | None, list[Problem]] | None:
    """(body or None, problems) for one line; None for a blank line."""
    if not raw.strip():
        return None
    if len(raw) > MAX_LINE_BYTES:
        return None, [Problem(number, None, f"line is {len(raw):,} bytes; the limit is {MAX_LINE_BYTES:,}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(number, None, f"not valid UTF-8 (byte {exc.start + 1}: {raw[exc.start:exc.start + 1]!r})")]
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(number, None, f"malformed JSON: {exc.msg} at column {exc.colno}")]
    except RecursionError:
        return None, [Problem(number, None, "malformed JSON: nested too deeply")]
    if not isinstance(body, dict):
        return None, [Problem(number, None, f"expected a JSON object, got {type(body).__name__}")]
    return body, []


def import_lines(store: EventStore, raw_lines: Iterable[bytes], expected_position: int | None = None,
                 workers: int | None = 0) -> ImportReport:
    """Validate and append all lines atomically, or raise InvalidEvents and write nothing.

    With `workers`, that many other processes validate and prepare the lines (see `prepare_lines`)
    while this one checks, chains and inserts them: the same result, sooner. None decides by how
    many lines come (for a stream such as standard input)."""
    # A big import allocates millions of short-lived objects that reference counting frees chunk
    # by chunk (they form no cycles); the cyclic collector would only rescan them over and over.
    with collector_paused():
        return _import_lines(store, raw_lines, expected_position, workers)


def import_file(store: EventStore, path: str | Path, expected_position: int | None = None,
                workers: int | None = None) -> ImportReport:
    """`import_lines` on a file, by default with `default_workers(path)`."""
    if workers is None:
        workers = default_workers(path)
    with open(path, "rb") as fh:
        return import_lines(store, fh, expected_position, workers)


def default_workers(path: str | Path) -> int:
    """Worker processes for importing `path`: `auto_workers()` for a file big enough to repay
    starting them (PARALLEL_FROM_BYTES), none for a smaller one."""
    return auto_workers() if Path(path).stat().st_size >= PARALLEL_FROM_BYTES else 0


def auto_workers() -> int:
    """One worker per core up to MAX_WORKERS, on a machine with more than one core. (On 2 cores,
    2 workers beside this process did best: 100k events at 28k ev/s, against 22k with one and
    20k with none.)"""
    cores = os.cpu_count() or 1
    return min(cores, MAX_WORKERS) if cores > 1 else 0


@dataclass(frozen=True)
class PreparedLines:
    """What `prepare_lines` makes of a chunk of lines (picklable: it may come from a worker)."""

    records: list[Prepared]
    numbers: list[int]  # the line of each record
    problems: list[Problem]
    lines: int  # non-blank lines read


def prepare_lines(numbered: Sequence[tuple[int, bytes]], now: str) -> PreparedLines:
    """Validate numbered lines and prepare their events for the store (`now`: the transaction time
    of those that have none). Needs no database: runs in this process or in a worker."""
    records: list[Prepared] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    lines = 0
    validate_json = EVENT_ADAPTER.validate_json
    fast_misses = fast_hits = 0
    for number, raw in numbered:
        # Fast path: a line that validates as a current-schema event straight from its bytes
        # (pydantic parses the JSON itself; strict, so no value is coerced from another JSON
        # type). Anything else (blank, malformed, invalid, coercible, an older schema version to
        # upcast) takes the line-by-line path below, which decides and says what is wrong.
        if fast_misses <= 100 or fast_hits > fast_misses:
            try:
                event = validate_json(raw, strict=True) if len(raw) <= MAX_LINE_BYTES else None
            except ValidationError:
                event = None
            if event is not None:
                fast_hits += 1
                lines += 1
                records.append(prepare_record(event, None, now, keep_event=False))
                numbers.append(number)
                continue
            fast_misses += 1
        parsed = parse_line(number, raw)
        if parsed is None:
            continue
        lines += 1
        body, found = parsed
        if body is not None:
            event, found = parse_body(body, number)
            if event is not None:
                records.append(prepare_record(event, body, now, keep_event=False))
                numbers.append(number)
        if found:
            problems.extend(found)
            if len(problems) >= MAX_PROBLEMS:
                break
    return PreparedLines(records, numbers, problems, lines)


def _numbered_chunks(raw_lines: Iterable[bytes]) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in enumerate(raw_lines, start=1):
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepared(raw_lines: Iterable[bytes], workers: int | None) -> Generator[PreparedLines, None, None]:
    """Each chunk of lines prepared, in order: here, or by `workers` processes a few chunks ahead.
    `workers` None (a stream of unknown length): here for the first AUTO_AFTER_CHUNKS chunks,
    then, if more come, by `auto_workers()` processes."""
    chunks: Iterator[list[tuple[int, bytes]]] = _numbered_chunks(raw_lines)
    if workers is None:
        for _ in range(AUTO_AFTER_CHUNKS):
            chunk = next(chunks, None)
            if chunk is None:
                return
            yield prepare_lines(chunk, format_recorded_at(utc_now()))
        following = next(chunks, None)
        if following is None:
            return
        chunks = itertools.chain([following], chunks)
        workers = auto_workers()
    if workers <= 0:
        for chunk in chunks:
            yield prepare_lines(chunk, format_recorded_at(utc_now()))
        return
    with worker_pool(workers) as pool:
        pending: deque[Future[PreparedLines]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(prepare_lines, chunk, format_recorded_at(utc_now())))
                if len(pending) > 2 * workers:  # bounds the lines held in memory
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool:
            raise StoreError("a worker process preparing the import ended abruptly (killed, or out of "
                             "memory?); nothing was written") from None
        finally:
            for future in pending:  # stopped early (too many problems, or an error): drop the rest
                future.cancel()


def _import_lines(store: EventStore, raw_lines: Iterable[bytes], expected_position: int | None,
                  workers: int | None) -> ImportReport:
    problems: list[Problem] = []
    appended = skipped = lines = 0
    with store._write_transaction():
        head = store.head()[0]
        if expected_position is not None and expected_position != head:
            raise ConcurrencyConflict(expected_position, head)
        # An empty log fills fastest with its secondary indexes built once, at the end.
        bulk = store._bulk_load() if head == 0 else None
        if bulk is not None:
            bulk.__enter__()
        chunks = _prepared(raw_lines, workers)
        try:
            for chunk in chunks:
                lines += chunk.lines
                for problem in chunk.problems:  # up to MAX_PROBLEMS, and the rest of that line's
                    if len(problems) >= MAX_PROBLEMS and problem.line != problems[-1].line:
                        break
                    problems.append(problem)
                if chunk.records and not problems:  # after a problem, only look for more of them
                    result = store._append_records(chunk.records, None, chunk.numbers, collect=False)
                    appended += result.head - head  # positions are gap-free
                    skipped += result.skipped
                    head = result.head
                if len(problems) >= MAX_PROBLEMS:
                    break
        finally:
            chunks.close()  # stops the workers before the transaction ends
        if problems:
            raise InvalidEvents(problems)  # rolls the transaction back: nothing written
        if bulk is not None:
            bulk.__exit__(None, None, None)  # after an error, the rollback restores the indexes
    return ImportReport(lines, appended, skipped, head)


def export_jsonl(store: EventStore, out: IO[str]) -> int:
    n = 0
    for _, body in store.iter_bodies():
        out.write(body)
        out.write("\n")
        n += 1
    return n

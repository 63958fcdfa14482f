"""JSON Lines import and export.

Import is one transaction: every line is decoded, parsed, upcast and validated; if any line is
wrong, the problems (line and field) are reported and nothing is written. Export writes the stored
canonical bodies verbatim, so importing an export reproduces the same hash chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from events import EVENT_ADAPTER
from tracker.gcpause import collector_paused
from tracker.store import EventStore, InvalidEvents, Problem, parse_body

CHUNK = 5000
MAX_PROBLEMS = 100
MAX_LINE_BYTES = 1_000_000


@dataclass(frozen=True)
class ImportReport:
    lines: int
    appended: int
    skipped: int
    head: int


def parse_lines(raw_lines: Iterable[bytes]) -> Iterator[tuple[int, dict[str, Any] | None, list[Problem]]]:
    """(line number, body or None, problems) for each non-blank line."""
    for number, raw in enumerate(raw_lines, start=1):
        parsed = parse_line(number, raw)
        if parsed is not None:
            yield number, *parsed


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


def import_lines(store: EventStore, raw_lines: Iterable[bytes], expected_position: int | None = None) -> ImportReport:
    """Validate and append all lines atomically, or raise InvalidEvents and write nothing."""
    # A big import allocates millions of short-lived objects that reference counting frees chunk
    # by chunk (they form no cycles); the cyclic collector would only rescan them over and over.
    with collector_paused():
        return _import_lines(store, raw_lines, expected_position)


def _import_lines(store: EventStore, raw_lines: Iterable[bytes], expected_position: int | None) -> ImportReport:
    problems: list[Problem] = []
    appended = skipped = lines = 0
    validate_json = EVENT_ADAPTER.validate_json
    fast_misses = fast_hits = 0
    with store._write_transaction():
        head = store.head()[0]
        if expected_position is not None and expected_position != head:
            from tracker.store import ConcurrencyConflict

            raise ConcurrencyConflict(expected_position, head)
        # An empty log fills fastest with its secondary indexes built once, at the end.
        bulk = store._bulk_load() if head == 0 else None
        if bulk is not None:
            bulk.__enter__()
        chunk: list[tuple[Any, dict[str, Any]]] = []
        chunk_lines: list[int] = []

        def flush() -> None:
            nonlocal appended, skipped, head
            if chunk and not problems:
                result = store._append_prepared(chunk, None, chunk_lines, collect=False)
                appended += result.head - head  # positions are gap-free
                skipped += result.skipped
                head = result.head
            chunk.clear()
            chunk_lines.clear()

        for number, raw in enumerate(raw_lines, start=1):
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
                    chunk.append((event, None))
                    chunk_lines.append(number)
                    if len(chunk) >= CHUNK:
                        flush()
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
                    chunk.append((event, body))
                    chunk_lines.append(number)
            if found:
                problems.extend(found)
                if len(problems) >= MAX_PROBLEMS:
                    break
            if len(chunk) >= CHUNK:
                flush()
        flush()
        if problems:
            raise InvalidEvents(problems)  # rolls the transaction back: nothing written
        if bulk is not None:
            bulk.__exit__(None, None, None)  # after an error, the rollback restores the indexes
    return ImportReport(lines, appended, skipped, head)


def import_file(store: EventStore, path: str | Path, expected_position: int | None = None) -> ImportReport:
    with open(path, "rb") as fh:
        return import_lines(store, fh, expected_position)


def export_jsonl(store: EventStore, out: IO[str]) -> int:
    n = 0
    for _, body in store.iter_bodies():
        out.write(body)
        out.write("\n")
        n += 1
    return n

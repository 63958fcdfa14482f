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
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_BYTES:
            yield number, None, [Problem(number, None, f"line is {len(raw):,} bytes; the limit is {MAX_LINE_BYTES:,}")]
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, None, [Problem(number, None, f"not valid UTF-8 (byte {exc.start + 1}: {raw[exc.start:exc.start + 1]!r})")]
            continue
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            yield number, None, [Problem(number, None, f"malformed JSON: {exc.msg} at column {exc.colno}")]
            continue
        except RecursionError:
            yield number, None, [Problem(number, None, "malformed JSON: nested too deeply")]
            continue
        if not isinstance(body, dict):
            yield number, None, [Problem(number, None, f"expected a JSON object, got {type(body).__name__}")]
            continue
        yield number, body, []


def import_lines(store: EventStore, raw_lines: Iterable[bytes], expected_position: int | None = None) -> ImportReport:
    """Validate and append all lines atomically, or raise InvalidEvents and write nothing."""
    problems: list[Problem] = []
    appended = skipped = lines = 0
    with store._write_transaction():
        head = store.head()[0]
        if expected_position is not None and expected_position != head:
            from tracker.store import ConcurrencyConflict

            raise ConcurrencyConflict(expected_position, head)
        chunk: list[tuple[Any, dict[str, Any]]] = []
        chunk_lines: list[int] = []

        def flush() -> None:
            nonlocal appended, skipped, head
            if chunk and not problems:
                result = store._append_prepared(chunk, None, chunk_lines)
                appended += len(result.appended)
                skipped += result.skipped
                head = result.head
            chunk.clear()
            chunk_lines.clear()

        for number, body, found in parse_lines(raw_lines):
            lines += 1
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

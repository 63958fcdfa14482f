"""JSON Lines import and export.

Import is one transaction: every line is decoded, parsed, upcast and validated; if any line is
wrong, the problems (line and field) are reported and nothing is written. Export writes the stored
canonical bodies verbatim, so importing an export reproduces the same hash chain.

An export carries its chain: each line is the stored body with the event's hash as one more key,
last (`{...,"hash":"<64 hex>"}`), and the file ends with a line giving the head,
`{"tracker_export":{"events":N,"format":1,"head":"N:<hash>"}}`. Every line is one JSON object, so
other JSON Lines tools read it (`jq 'select(.type)'` skips the last). Importing such a file checks
the chain it carries, line by line: each line's body must hash, after the hash of the line before
it (the first after GENESIS), to the hash it gives; a line changed, removed or moved is refused by
its number, and a file cut short (no closing line, or one that does not match the lines) as
well. A file whose lines carry no hash (written by hand, or an export with the hashes taken out
on purpose) is imported as before; but if it keeps an export's closing line, the chain its events
make must end in the head that line names (the hashes were not taken out to hide an edit). The check shows an export altered after the fact, never who
made it: anyone can compute hashes. The head it ends with, compared with one noted elsewhere
(`tracker verify --expect-head` after importing it into an empty log), is the proof.
"""

from __future__ import annotations

import io
import itertools
import json
import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from events import EVENT_ADAPTER, GENESIS, canonical_json, chain_hash
from tracker.gcpause import collector_paused
from tracker.readmodel.progress import IMPORT_PROGRESS, STRIDE, Meter, Progress  # a leaf module
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


EXPORT_KEY = "tracker_export"  # the key of an export's last line, which gives its head
EXPORT_FORMAT = 1
HASH_KEY = "hash"
_HASH_TAIL = b',"hash":"'  # how an export writes each line's hash: the body's last key
_HEX = frozenset(b"0123456789abcdef")


@dataclass(frozen=True)
class ImportReport:
    lines: int
    appended: int
    skipped: int
    head: int
    chain: str | None = None  # an export's head (POSITION:HASH), its chain checked; None without hashes
    # Inside the import's transaction, under the write lock: the head before it, and the schema
    # cookie before and after (an empty log is loaded with its indexes set aside, which changes
    # it). tracker.store.heads takes the rows it wrote as walked when nothing else came between.
    written: tuple[int, int, int] | None = field(default=None, repr=False)


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
    text = text.rstrip("\r\n")  # the line break is not part of the line: errors count from its start
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        where = "at the end of the line (is it cut short?)" if exc.pos >= len(text.rstrip()) else (
            f"at column {exc.colno}")
        return None, [Problem(number, None, f"malformed JSON: {exc.msg} {where}")]
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
    if isinstance(raw_lines, io.IOBase):  # a stream (standard input): read a line at a time, bounded
        raw_lines = bounded_lines(raw_lines)
    # A big import allocates millions of short-lived objects that reference counting frees chunk
    # by chunk (they form no cycles); the cyclic collector would only rescan them over and over.
    with collector_paused():
        return _import_lines(store, raw_lines, expected_position, workers)


def import_file(store: EventStore, path: str | Path, expected_position: int | None = None,
                workers: int | None = None, progress: Progress | None = None) -> ImportReport:
    """`import_lines` on a file, by default with `default_workers(path)`; `progress` is told how
    many of the file's megabytes have been read ("MB read", as tracker.readmodel.progress says)."""
    if workers is None:
        workers = default_workers(path)
    with open(path, "rb") as fh:
        meter = Meter(progress, max(1, -(-os.fstat(fh.fileno()).st_size // MB)), IMPORT_PROGRESS)
        report = import_lines(store, _Counted(bounded_lines(fh), meter), expected_position, workers)
        meter.finish()
        return report


MB = 1_000_000


def bounded_lines(fh: IO[bytes] | io.IOBase) -> Iterator[bytes]:
    """A binary file's lines, none read beyond MAX_LINE_BYTES: a longer one (a file with no line
    breaks, /dev/zero) stops the import at that line, rather than fill the memory with it."""
    number = 0
    while line := fh.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise InvalidEvents([Problem(number, None, (
                f"is longer than {MAX_LINE_BYTES:,} bytes, the limit for one event: reading stopped there "
                "(is the file JSON Lines, one event a line?)"))])
        yield line


class _Counted:
    """A file's lines, counting the bytes read and telling a Meter every STRIDE lines."""

    def __init__(self, lines: Iterable[bytes], meter: Meter) -> None:
        self.lines = lines
        self.meter = meter

    def __iter__(self) -> Iterator[bytes]:
        read = 0
        for n, line in enumerate(self.lines, start=1):
            read += len(line)
            if n % STRIDE == 0:
                self.meter.at(read // MB)
            yield line


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
    lines: int  # non-blank lines read (an export's closing line aside)
    # (line, the hash it gives) for every event line: None if it gives none, "" if it could not be read
    hashes: list[tuple[int, str | None]]
    closing: tuple[int, Any] | None = None  # an export's last line: (line, what it says)


def _split_hash(raw: bytes) -> tuple[bytes, str | None]:
    """An export's line as written (its hash the last key): the body's bytes and the hash."""
    line = raw.rstrip()
    tail = line[-75:]
    if len(line) > 76 and tail.startswith(_HASH_TAIL) and tail.endswith(b'"}') and _HEX.issuperset(tail[9:73]):
        return line[:-75] + b"}", tail[9:73].decode("ascii")
    return raw, None


def _given_hash(number: int, body: dict[str, Any]) -> tuple[str | None, list[Problem]]:
    """The "hash" a parsed line gives (taken out of the body), and what is wrong with it."""
    if HASH_KEY not in body:
        return None, []
    given = body.pop(HASH_KEY)
    if not isinstance(given, str) or len(given) != 64 or not _HEX.issuperset(given.encode("ascii", "replace")):
        return "", [Problem(number, HASH_KEY, f"not a hash (64 lowercase hex digits): {str(given)[:70]!r}")]
    return given, []


def prepare_lines(numbered: Sequence[tuple[int, bytes]], now: str) -> PreparedLines:
    """Validate numbered lines and prepare their events for the store (`now`: the transaction time
    of those that have none). Needs no database: runs in this process or in a worker."""
    records: list[Prepared] = []
    numbers: list[int] = []
    problems: list[Problem] = []
    hashes: list[tuple[int, str | None]] = []
    closing: tuple[int, Any] | None = None
    lines = 0
    validate_json = EVENT_ADAPTER.validate_json
    fast_misses = fast_hits = 0
    for number, whole in numbered:
        raw, given = _split_hash(whole)
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
                hashes.append((number, given))
                continue
            fast_misses += 1
        parsed = parse_line(number, whole)
        if parsed is None:
            continue
        body, found = parsed
        if body is not None and set(body) == {EXPORT_KEY}:
            closing = (number, body[EXPORT_KEY])
            continue
        lines += 1
        given = ""  # not known: the line is not a JSON object
        if body is not None:
            given, wrong = _given_hash(number, body)
            event, found = parse_body(body, number)
            found = wrong + found
            if event is not None:
                records.append(prepare_record(event, body, now, keep_event=False))
                numbers.append(number)
        hashes.append((number, given))
        if found:
            problems.extend(found)
            if len(problems) >= MAX_PROBLEMS:
                break
    return PreparedLines(records, numbers, problems, lines, hashes, closing)


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


_CHANGED = ("the event does not match the hash its export gave it: the line was changed since, or lines before "
            "it were removed or moved (to import an edited export on purpose, take the \"hash\" out of every line "
            "and remove the closing line)")


class _CarriedChain:
    """The chain an export carries, checked line by line as the chunks come (see the module's
    docstring): whether the file gives hashes is decided by its first event line."""

    def __init__(self) -> None:
        self.hashed: bool | None = None
        self.first = 0  # the first event line
        self.prev: str | None = GENESIS  # the hash the next line must follow from (None: unknown)
        self.count = 0
        self.last = GENESIS
        self.closing: tuple[int, Any] | None = None
        self.joined = False
        # The chain the file's events make, each line's body hashed after the one before: what
        # the closing line's head is checked against when the lines give no hashes.
        self.built: str | None = GENESIS

    def feed(self, chunk: PreparedLines) -> list[Problem]:
        problems: list[Problem] = []
        if chunk.closing is not None and self.closing is None:
            self.closing = chunk.closing
        canonical = dict(zip(chunk.numbers, (r.canonical for r in chunk.records), strict=True))
        for number, given in chunk.hashes:
            self.count += 1
            if self.closing is not None and number > self.closing[0] and not self.joined and self.hashed:
                self.joined = True
                problems.append(Problem(number, None, f"comes after the export's closing line (line {self.closing[0]}): "
                                                      "files joined? import them one at a time"))
            body = canonical.get(number)
            if not self.hashed:  # (once the file proves to give hashes, they are checked instead)
                self.built = chain_hash(self.built, body) if self.built is not None and body is not None else None
            if given == "":  # not an object: its problem is said; the next line cannot be checked
                self.prev = None
                continue
            if self.hashed is None:
                self.hashed, self.first = given is not None, number
            if (given is not None) != self.hashed:
                problems.append(Problem(number, HASH_KEY, (
                    f"gives no hash, unlike line {self.first}: a line added to an export by hand?" if given is None else
                    f"gives a hash, unlike line {self.first}: take the hashes out of every line, or of none")))
                self.prev = given
                continue
            if given is None:
                continue
            if body is not None and self.prev is not None and chain_hash(self.prev, body) != given:
                problems.append(Problem(number, HASH_KEY, _CHANGED))
            self.prev = self.last = given
        return problems

    def finish(self) -> tuple[str | None, list[Problem]]:
        """The head the file carries, checked; or what is wrong with its end."""
        if not self.hashed:
            return self._plain_closing()
        head = f"{self.count}:{self.last}"
        if self.closing is None:
            return None, [Problem(None, None, f"the file gives its lines' hashes, as an export does, but not the export's "
                                              f'closing line ({{"{EXPORT_KEY}": ...}}): it was cut short')]
        number, said = self.closing
        if not isinstance(said, dict) or said.get("format") != EXPORT_FORMAT:
            return None, [Problem(number, EXPORT_KEY, f"the closing line is not one this tracker writes (format "
                                                      f"{EXPORT_FORMAT}): {str(said)[:80]}")]
        if said.get("events") != self.count or said.get("head") != head:
            return None, [Problem(number, EXPORT_KEY, (
                f"the closing line says {said.get('events')} event(s) ending at {str(said.get('head'))[:80]}, but "
                f"the file holds {self.count} ending at {head}: lines were removed or added"))]
        return head, []

    def _plain_closing(self) -> tuple[str | None, list[Problem]]:
        """Lines without hashes (written by hand, or an export's taken out) but a closing line that
        names a head: the events must still make that chain, or the hashes were taken out to hide
        an edit; the head, if they do. With no closing line, or one naming no head, the file is
        taken as it is."""
        if self.closing is None:
            return None, []
        number, said = self.closing
        if not isinstance(said, dict) or "head" not in said or self.built is None:
            return None, []
        head = f"{self.count}:{self.built}"
        if said.get("head") == head:
            return head, []
        return None, [Problem(number, EXPORT_KEY, (
            f"the closing line says the export ends at head {str(said.get('head'))[:80]}, but the {self.count} "
            f"event(s) above it, whose hashes were taken out, chain to {head}: lines were changed, removed or added "
            "since it was exported (to import an edited file on purpose, take out the closing line too)"))]


def _import_lines(store: EventStore, raw_lines: Iterable[bytes], expected_position: int | None,
                  workers: int | None) -> ImportReport:
    problems: list[Problem] = []
    appended = skipped = lines = 0
    carried = _CarriedChain()
    with store._log_transaction(), store._roomy_cache():
        head = store.head()[0]
        start, cookie = head, store.schema_cookie()
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
                found = sorted(chunk.problems + carried.feed(chunk), key=lambda p: p.line or 0)
                for problem in found:  # up to MAX_PROBLEMS, and the rest of that line's
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
        file_head, wrong = carried.finish()
        problems.extend(wrong[:max(1, MAX_PROBLEMS - len(problems))])
        if problems:
            raise InvalidEvents(problems)  # rolls the transaction back: nothing written
        if bulk is not None:
            bulk.__exit__(None, None, None)  # after an error, the rollback restores the indexes
        written = (start, cookie, store.schema_cookie())
    return ImportReport(lines, appended, skipped, head, file_head, written)


def export_jsonl(store: EventStore, out: IO[str]) -> int:
    """The log as stored, each line with its hash, then the closing line with the head (see the
    module's docstring); returns how many events."""
    n = -1  # the closing line is not an event
    for line in export_lines(store):
        out.write(line)
        out.write("\n")
        n += 1
    return n


def export_lines(store: EventStore) -> Iterator[str]:
    """export_jsonl's lines, without their line ends, one at a time."""
    n = 0
    head = (0, GENESIS)
    for position, body, hash_ in store.iter_chain():
        yield _with_hash(body, hash_)
        n += 1
        head = (position, hash_)
    yield canonical_json({EXPORT_KEY: {"events": n, "format": EXPORT_FORMAT, "head": f"{head[0]}:{head[1]}"}})


def _with_hash(body: str, hash_: str) -> str:
    """The stored body with its hash as the last key (the canonical body is a JSON object's text)."""
    if body == "{}":
        return f'{{"{HASH_KEY}":"{hash_}"}}'
    if body.startswith("{") and body.endswith("}"):
        return f'{body[:-1]},"{HASH_KEY}":"{hash_}"}}'
    # Not an object: a row no tracker wrote (only `export --force` meets one). Kept as text.
    return canonical_json({HASH_KEY: hash_, "stored_body": body})

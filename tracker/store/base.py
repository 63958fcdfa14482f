"""What every store shares, whatever database holds the log: its rows, its filter, its errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from events import EVENT_TYPES, Event

# Re-exported: the stores and their callers name these as part of the store's surface.
from tracker.records import InvalidEvents, Problem, StoredEvent, StoreError, field_path  # noqa: F401


# -- errors (StoreError, Problem and InvalidEvents live in tracker.records) -------------
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


class ReadOnlyStore(StoreError):
    pass


class IncompatibleDatabase(StoreError):
    pass


class MissingDatabase(StoreError):
    """Opened read-only, and there is no file: nothing to read, and none is made."""


class BrokenChain(StoreError):
    """The log's hash chain does not hold up: nothing is appended to it, nor exported unasked."""


class DamagedDatabase(StoreError):
    """The file is damaged below the log (SQLite finds a malformed page): restore it."""


class UnusableDatabase(StoreError):
    """A path that cannot hold a log: a directory, a device, an empty or unreadable file, a
    place where no file can be created."""


# -- rows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AppendResult:
    appended: list[StoredEvent]
    skipped: int  # identical events already in the log
    head: int


@dataclass(frozen=True)
class Unreadable:
    """An event whose row holds up (its hash, its columns) but that this release refuses: written
    by an earlier release with looser rules (a date in 9999), or correctly chained by hand."""

    position: int
    id: str | None
    problem: str

    def __str__(self) -> str:
        return f"position {self.position}{f' (id {self.id})' if self.id else ''}: {self.problem}"


@dataclass(frozen=True)
class VerifyResult:
    """A walk of the hash chain: `ok` if every row walked holds up; `checked` rows did, the last
    of them with `head_hash`. Events that hold up but cannot be read by this release are listed in
    `unreadable` (up to MAX_UNREADABLE; `unreadable_count` counts them all): they do not break it."""

    ok: bool
    checked: int
    head_hash: str
    first_bad_position: int | None = None
    reason: str | None = None
    unreadable: tuple[Unreadable, ...] = ()
    unreadable_count: int = 0


MAX_UNREADABLE = 100  # listed by a walk; the rest are counted


@dataclass(frozen=True)
class EventFilter:
    """What `query` selects; every field optional. Text is matched literally, case-insensitively."""

    tracks: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    by: tuple[str, ...] = ()  # who logged it (tracker.store.sqlite.analyst_name, or the server's role;
    # UNKNOWN: events logged before who logged them was kept)
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    occurred_from: date | None = None  # events that may have happened on or after this day
    occurred_to: date | None = None  # events that may have happened on or before this day
    recorded_after: datetime | None = None  # logged after this instant (a digest: what is new since)
    recorded_until: datetime | None = None
    text: str | None = None


def text_match(body: str, needle: str) -> bool:
    """Whether any string value in the JSON `body` contains `needle` (already casefolded): the
    `text` rule of a filter. Matched against the event's string values, not its JSON text: there
    '"' and '\\' are escaped, and keys and punctuation ('summary', '[', '_') would match every event."""
    # Cheap test first: a value containing the needle puts the needle's JSON-escaped form in the body.
    if json.dumps(needle, ensure_ascii=False)[1:-1] not in body.casefold():
        return False
    stack: list[Any] = [json.loads(body)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if needle in item.casefold():
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


UNKNOWN = "unknown"  # who logged an event logged before that was kept, or carried over without it


# For each criterion of a filter that a later record-keeping event can change for an event: the
# fields a correction must change to change it (None: any field), and whether a claim status
# change does. The type and who logged an event never change.
AMENDABLE: dict[str, tuple[frozenset[str] | None, bool]] = {
    "tracks": (frozenset({"tracks"}), False),
    "actors": (frozenset({"actors"}), False),
    "statuses": (frozenset({"status"}), True),
    "occurred_from": (frozenset({"occurred"}), False),
    "occurred_to": (frozenset({"occurred"}), False),
    "text": (None, False),
}


def amendable(f: EventFilter) -> tuple[frozenset[str] | None, bool] | None:
    """Which later events can change whether an event passes `f`: (the fields of a correction
    that can, None for any; whether a claim status change can); None if nothing can."""
    used = [AMENDABLE[name] for name in AMENDABLE if getattr(f, name)]
    if not used:
        return None
    fields = [changed for changed, _ in used]
    return (None if None in fields else frozenset().union(*(c for c in fields if c is not None)),
            any(claims for _, claims in used))


def matches(f: EventFilter, event: Event, claim_status: str, recorded_by: str) -> bool:
    """Whether `event` passes `f`, given its claim status and who logged it: the rule each store's
    query applies in SQL to the stored form, here for an event in another form (corrected, or
    with a claim status a later event changed). Keep the two in step (tests/unit/test_event_filter.py)."""
    if f.tracks and not set(f.tracks) & set(event.tracks):
        return False
    if f.actors and not set(f.actors) & set(event.actors):
        return False
    if f.by and recorded_by not in f.by:
        return False
    if f.types and event.type not in f.types:
        return False
    if f.statuses and claim_status not in f.statuses:
        return False
    occurred = event.occurred
    if f.occurred_from and occurred.latest < f.occurred_from:
        return False
    if f.occurred_to and occurred.earliest > f.occurred_to:
        return False
    recorded = event.recorded_at
    if f.recorded_after and (recorded is None or recorded <= f.recorded_after):
        return False
    if f.recorded_until and (recorded is None or recorded > f.recorded_until):
        return False
    return not f.text or text_match(json.dumps(event.model_dump(mode="json"), ensure_ascii=False),
                                    f.text.casefold())


# -- validation ---------------------------------------------------------------------------
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

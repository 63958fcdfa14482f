"""What every command shares: the --db option, opening the store, errors, safe output."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar

import click

from events import parse_occurred
from events.dates import DateParseError
from tracker.app import open_store, to_json
from tracker.store import EventStore, InvalidEvents, MissingDatabase, StoreError
from tracker.textsafe import printable

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self, db: str | None) -> None:
        self.db = db
        self._store: EventStore | None = None

    def store(self, *, readonly: bool = False) -> EventStore:
        if self._store is None:
            self._store = open_store(self.db, readonly=readonly)
        return self._store


def handle_errors(fn: F) -> F:
    """Turn store and input errors into a clear message and exit status 1, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InvalidEvents as exc:
            click.echo(f"error: {printable(str(exc))}", err=True)
            sys.exit(1)
        except MissingDatabase as exc:
            # Most often a first run or a mistyped --db: say how to get a log.
            click.echo(f"error: {printable(str(exc))}: log an event ('tracker log --help'), import a file "
                       "('tracker import FILE') or try 'tracker demo'; or pass --db / set TRACKER_DB to an "
                       "existing log", err=True)
            sys.exit(1)
        except (StoreError, DateParseError) as exc:
            click.echo(f"error: {printable(str(exc))}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal may act on (DEL, C1 controls
# such as the 8-bit CSI, bidi overrides, line separators): written as \uXXXX, still the same JSON.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def emit_json(data: Any) -> None:
    text = json.dumps(to_json(data), ensure_ascii=False, indent=2)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text))


def say(text: str) -> None:
    """Print text that may contain data from the log: control characters made visible."""
    click.echo(printable(text))


def parse_day(text: str | None, name: str, reference: date | None = None) -> date | None:
    """A point in time for --as-of / --from / --to: the last day an imprecise phrase could mean."""
    if text is None:
        return None
    try:
        occ = parse_occurred(text, reference)
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None
    return occ.latest


def parse_moment(text: str | None, name: str, reference: date | None = None) -> datetime | None:
    """--known-at: the end of the named day, in UTC (what had been logged by then)."""
    day = parse_day(text, name, reference)
    if day is None:
        return None
    return datetime.combine(day, time.max, tzinfo=UTC)


def reported_on_option(fn: F) -> F:
    return click.option(
        "--reported-on", "reported_on", metavar="DATE", default=None,
        help="Resolve relative dates ('yesterday', 'last week') against this day instead of today.",
    )(fn)


def resolve_reported_on(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return parse_occurred(text).latest
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param_hint="--reported-on") from None

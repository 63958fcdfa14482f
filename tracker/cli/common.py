"""What every command shares: the --db option, opening the log (through the service), the meaning of
each date option, errors, safe output."""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError

from events.dates import Bound, DateParseError, bound_day, known_at
from events.occurred import Occurred
from projections.moment import Moment
from tracker.cli import progress
from tracker.service import (
    EventRow,
    InvalidEvents,
    MissingDatabase,
    StoredEvent,
    StoreError,
    Tracker,
)
from tracker.textsafe import printable

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self, db: str | None) -> None:
        self.db = db
        self._tracker: Tracker | None = None

    def tracker(self, *, readonly: bool = False, check: bool = True) -> Tracker:
        """The log, for writing (a new one is made if there is none) or `readonly`; what the quick
        check on opening finds is said on stderr (not with `check=False`: `verify` says it all)."""
        if self._tracker is None:
            self._tracker = Tracker.open(self.db, readonly=readonly)
            progress.watch(self._tracker)  # long work shown on a terminal (tracker.cli.progress)
            if check:
                self._warn(self._tracker)
        return self._tracker

    def existing(self) -> Tracker:
        """An existing log, writable if possible so the read model can be brought up to date; a
        missing file is an error rather than a new empty log."""
        if self._tracker is None:
            self._tracker = Tracker.open_existing(self.db)
            progress.watch(self._tracker)
            self._warn(self._tracker)
        return self._tracker

    @staticmethod
    def _warn(tracker: Tracker) -> None:
        """A line on stderr for each thing wrong with the log (Tracker.check): a broken chain, a
        log shorter than, or diverging from, the head last seen, events this release cannot read."""
        for line in tracker.check().warnings():
            click.echo(f"warning: {printable(line)}", err=True)


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
        except ValidationError as exc:
            # The service names an event it cannot read (UnreadableEvent, a StoreError); this is
            # the last resort if one gets past it: still one line, never a traceback.
            first = exc.errors(include_url=False)[0] if exc.error_count() else {"loc": (), "msg": str(exc)}
            where = ".".join(str(p) for p in first["loc"])
            click.echo(f"error: an event in the log cannot be read by this release ({where + ': ' if where else ''}"
                       f"{printable(str(first['msg']))}); 'tracker verify' lists the events it cannot read", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


# Characters json.dumps(ensure_ascii=False) leaves raw that a terminal may act on (DEL, C1 controls
# such as the 8-bit CSI, bidi overrides, line separators): written as \uXXXX, still the same JSON.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def to_json(obj: Any) -> Any:
    """Plain JSON-able data for --json output, every date interval (an `Occurred`, wherever it is:
    an event, a state, a correction's changes) with its EDTF form beside it: `"edtf": "2025-02"`.
    Output only: the stored event and its hash are untouched."""
    return _with_edtf(_plain(obj))


_OCCURRED_KEYS = frozenset(Occurred.model_fields)
_OCCURRED_NEEDS = frozenset(("earliest", "latest", "precision"))


def _with_edtf(data: Any) -> Any:
    if isinstance(data, list):
        return [_with_edtf(item) for item in data]
    if not isinstance(data, dict):
        return data
    out = {k: _with_edtf(v) for k, v in data.items()}
    if _OCCURRED_NEEDS <= out.keys() <= _OCCURRED_KEYS:
        try:
            out["edtf"] = Occurred.model_validate(out).edtf()
        except ValidationError:
            pass  # shaped like a date interval but not one: left as it is
    return out


def _plain(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, EventRow):
        return {"position": obj.position, "hash": obj.hash, **obj.event.model_dump(mode="json"),
                "claim_status": obj.claim_status, "corrected": obj.corrected, "retracted": obj.retracted,
                "recorded_by": obj.recorded_by}
    if isinstance(obj, StoredEvent):
        return {"position": obj.position, "hash": obj.hash, **obj.event.model_dump(mode="json")}
    if is_dataclass(obj) and not isinstance(obj, type):
        return _plain(asdict(obj))
    if isinstance(obj, (list, tuple)):
        return [_plain(o) for o in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    return obj


def emit_json(data: Any) -> None:
    text = json.dumps(to_json(data), ensure_ascii=False, indent=2)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text))


def say(text: str) -> None:
    """Print text that may contain data from the log: control characters made visible."""
    click.echo(printable(text))


def parse_day(text: str | None, name: str, option: Bound, reference: date | None = None) -> date | None:
    """The day a date option stands for (events.dates.bound_day: --from its first day, --to and
    --as-of its last); a phrase that cannot be read is a usage error naming the option."""
    if text is None:
        return None
    try:
        return bound_day(text, option, reference)
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def parse_range(date_from: str | None, date_to: str | None, reference: date | None = None,
                names: tuple[str, str] = ("--from", "--to")) -> tuple[date | None, date | None]:
    """--from and --to together (parse_day each): a range whose --from starts after its --to
    ends is a usage error naming both, never an empty answer."""
    start = parse_day(date_from, names[0], "from", reference)
    end = parse_day(date_to, names[1], "to", reference)
    if start is not None and end is not None and start > end:
        raise click.BadParameter(
            f"{names[0]} {date_from!r} (starting {start.isoformat()}) is after {names[1]} {date_to!r} "
            f"(ending {end.isoformat()}): the range is reversed; swap them",
            param_hint=list(names))
    return start, end


def parse_known_at(text: str | None, name: str = "--known-at") -> datetime | None:
    """--known-at: the end of the phrase's last day, in UTC (what had been logged by then)."""
    if text is None:
        return None
    try:
        return known_at(text)
    except DateParseError as exc:
        raise click.BadParameter(str(exc), param_hint=name) from None


def parse_moment(as_of: str | None, known: str | None) -> Moment:
    """--as-of and --known-at together: the moment a view shows."""
    return Moment(as_of=parse_day(as_of, "--as-of", "as_of"), known_at=parse_known_at(known))


def moment_options(fn: F) -> F:
    fn = click.option("--known-at", metavar="DATE",
                      help="As we knew it at the end of DATE (what had been logged by then).")(fn)
    return click.option("--as-of", metavar="DATE",
                        help="As it stood on DATE, its last day (what had happened by then).")(fn)


def resolve_reported_on(text: str | None) -> date | None:
    if text is None:
        return None
    return parse_day(text, "--reported-on", "reported_on")

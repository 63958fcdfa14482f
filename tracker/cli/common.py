"""What every command shares: the --db option, opening the log (through the service), the meaning of
each date option, errors, safe output."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import shlex
import stat
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError

from events.dates import Bound, DateParseError, bound_day, known_at
from events.occurred import Occurred
from projections.moment import Moment
from tracker.cli import progress
from tracker.paths import PathError, demo_db, resolve_location
from tracker.service import (
    EventRow,
    InvalidEvents,
    MissingDatabase,
    StoredEvent,
    StoreError,
    Tracker,
    failure,
)
from tracker.textsafe import printable

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    def __init__(self, db: str | None) -> None:
        self.db = db
        self._tracker: Tracker | None = None
        self._made: Path | None = None  # the file this command created for a new log

    def tracker(self, *, readonly: bool = False, check: bool = True) -> Tracker:
        """The log, for writing (a new one is made if there is none) or `readonly`; what the quick
        check on opening finds is said on stderr (not with `check=False`: `verify` says it all)."""
        if self._tracker is None:
            location = resolve_location(self.db)
            new = isinstance(location, Path) and not readonly and not location.exists()
            self._tracker = Tracker.open(self.db, readonly=readonly)
            if new and isinstance(location, Path):
                self._made = location
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

    def discard_new_empty_log(self) -> None:
        """The command failed: a log file it created and left empty (an import refused, say) is
        removed, as `copy` removes its own, rather than left for the next command to find."""
        made, tracker = self._made, self._tracker
        if made is None or tracker is None:
            return
        self._made = None
        try:
            empty = tracker.head()[0] == 0
        except Exception:  # noqa: BLE001 - unreadable: not ours to judge, leave it
            return
        if not empty:
            return
        tracker.close()
        self._tracker = None
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(f"{made}{suffix}").unlink()

    @staticmethod
    def _warn(tracker: Tracker) -> None:
        """A line on stderr for each thing wrong with the log (Tracker.check): a broken chain, a
        log shorter than, or diverging from, the head last seen, events this release cannot read."""
        for line in tracker.check().warnings():
            click.echo(f"warning: {printable(line)}", err=True)


# The largest integer SQLite (and so a --limit or a position) can hold: a larger one given to an
# option is a usage error naming the option, not an OverflowError from deep inside.
MAX_INT = 2**63 - 1


def handle_errors(fn: F) -> F:
    """Turn store, input and system errors into a clear message and exit status 1, never a
    traceback: one line naming the file, the option or the line at fault, and why."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        click_ctx = click.get_current_context(silent=True)
        _check_numbers(click_ctx)
        output = _Output.watch(click_ctx)
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            obj = click_ctx.find_object(Context) if click_ctx is not None else None
            if obj is not None:
                obj.discard_new_empty_log()
            removed = output.discard() if output is not None else False
            if isinstance(exc, click.ClickException | click.exceptions.Exit | click.Abort):
                raise
            if isinstance(exc, BrokenPipeError):  # the reader went away (| head): nothing more to say
                with contextlib.suppress(OSError):
                    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(1)
            message = _message(exc, click_ctx, output, removed)
            if message is None:
                raise
            click.echo(f"error: {printable(message)}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _message(exc: Exception, click_ctx: click.Context | None, output: _Output | None, removed: bool) -> str | None:
    """The one line for an error, or None for one that is not expected (a bug: its traceback)."""
    if isinstance(exc, InvalidEvents):
        return str(exc)
    if isinstance(exc, MissingDatabase):
        # Most often a first run or a mistyped --db: say how to get a log.
        create = ("'tracker tui --create' starts a new, empty log there; or " if click_ctx is not None
                  and click_ctx.command.name == "tui" else "")
        demo = demo_db()
        if demo.exists():  # after 'tracker demo', the demo's own log is the one a first user means
            tried = (f"the demo's log is {shlex.quote(str(demo))}: pass it with --db (or set TRACKER_DB); or {create}"
                     "log an event ('tracker log --help') or import a file ('tracker import FILE') to start your own")
            return f"{exc}: {tried}"
        return (f"{exc}: {create}log an event ('tracker log --help'), import a file ('tracker import FILE') or try "
                "'tracker demo'; or pass --db / set TRACKER_DB to an existing log")
    if isinstance(exc, StoreError | DateParseError | PathError):
        return str(exc)
    if isinstance(exc, ValidationError):
        # The service names an event it cannot read (UnreadableEvent, a StoreError); this is
        # the last resort if one gets past it: still one line, never a traceback.
        first = exc.errors(include_url=False)[0] if exc.error_count() else {"loc": (), "msg": str(exc)}
        where = ".".join(str(p) for p in first["loc"])
        return (f"an event in the log cannot be read by this release ({where + ': ' if where else ''}"
                f"{first['msg']}); 'tracker verify' lists the events it cannot read")
    found = failure(exc)  # an SQLite error: a damaged file, named
    if found is not None:
        return found
    if isinstance(exc, OverflowError):
        return _too_large(exc, click_ctx)
    if isinstance(exc, MemoryError):
        return "out of memory: the input is too large to take in at once"
    if isinstance(exc, OSError):
        why = exc.strerror or str(exc) or type(exc).__name__
        named = exc.filename if exc.filename is not None else (output.path if output is not None else None)
        if named is None:
            return f"a system error: {why}"
        gone = "; the partly written file was removed" if removed else ""
        if output is not None and str(named) == str(output.path):
            return f"cannot write {named}: {why}{gone}"
        return f"{named}: {why}{gone}"
    return None


def _check_numbers(click_ctx: click.Context | None) -> None:
    """A usage error naming any whole-number option given beyond what the log can count."""
    if click_ctx is None:
        return
    for param in click_ctx.command.params:
        value = click_ctx.params.get(param.name or "")
        for v in value if isinstance(value, tuple) else (value,):
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) > MAX_INT:
                raise click.BadParameter(f"{v} is too large (at most {MAX_INT:,})", ctx=click_ctx, param=param)


def _too_large(exc: OverflowError, click_ctx: click.Context | None) -> str:
    """An OverflowError (a date pushed past year 9999, a count beyond a C integer): name the
    whole-number option given on the command line with the largest value, the likely cause."""
    given: list[tuple[int, str]] = []
    if click_ctx is not None:
        for param in click_ctx.command.params:
            value = click_ctx.params.get(param.name or "")
            if isinstance(value, int) and not isinstance(value, bool) and param.name and \
                    click_ctx.get_parameter_source(param.name) is not click.core.ParameterSource.DEFAULT:
                given.append((abs(value), param.get_error_hint(click_ctx).strip("'")))
    if given:
        value, name = max(given)
        return f"{name} {value} is too large ({exc})"
    return f"a number given is too large ({exc})"


class _Output:
    """The file a command writes (its --output), watched so that a failure part way through does
    not leave a partly written file looking complete: what was written is removed."""

    def __init__(self, path: Path, before: tuple[int, int, int] | None) -> None:
        self.path = path
        self.before = before

    @classmethod
    def watch(cls, click_ctx: click.Context | None) -> _Output | None:
        given = click_ctx.params.get("output") if click_ctx is not None else None
        if not isinstance(given, str) or given in ("", "-"):
            return None
        return cls(Path(given), cls._stat(Path(given)))

    @staticmethod
    def _stat(path: Path) -> tuple[int, int, int] | None:
        try:
            st = path.stat()
        except (OSError, ValueError):
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else (0, 0, 0)

    def discard(self) -> bool:
        """Remove the file if this command wrote to it (made it, or changed it); True if it did."""
        now = self._stat(self.path)
        if now is None or now == (0, 0, 0) or now == self.before:
            return False  # never made, not a regular file (a device), or untouched
        try:
            self.path.unlink()
        except OSError:
            return False
        return True


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

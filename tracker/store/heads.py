"""The head of each log as this program last saw it, remembered beside the user's data, never in
the log; and the quick check every command makes on opening a log.

Why outside the log: the hash chain shows an edit inside the log, but a log cut short, or rewritten
from its first row on with every hash recomputed, is a chain that holds. Only a head noted
elsewhere shows it. This program notes one for each log it writes to or verifies, in one JSON file
(`heads.json` in platformdirs' user state directory, or in $TRACKER_STATE_DIR), keyed by the log's
absolute path; the next command on that log warns when the log no longer holds that head: shorter
than it, or holding another hash at its position. The warning stays until `tracker verify
--accept-head` takes the log as it is. The file is replaced atomically, under a lock where the
system has one; a file that cannot be read or written costs the warning, never the command.

The quick check on opening (`check`): walking the whole chain is O(n), too slow for every
command. So the file also remembers the last walk: how far it got (a
position and its hash), what it found (intact, or broken where; events this release cannot read),
SQLite's schema cookie (PRAGMA schema_version) and the rules it read the events by. While the
cookie is unchanged, the rows up to that position are the rows that walk saw, and only the rows
after it are walked. Why that is sound: the triggers that make the log append-only
(tracker.store.sqlite.TRIGGERS) abort every UPDATE and DELETE and any INSERT that is not at the
next position, so changing a row already in the log through SQLite means dropping a trigger
first (or dropping and recreating the table), and every CREATE, DROP or ALTER changes the cookie.
The hash at the remembered position is compared too. When the cookie has changed (this program
changes it as well, building or rebuilding the read model; its own bulk load of an empty log is
accounted for, see `wrote`), the whole chain is walked once (about 2 s per 100,000 events; 3 s
when every event must also be read) and the result remembered. When the walk has found the chain
broken, that is remembered as well and said on every command until the cookie changes again.
Events are read (validated) once per release: a walk from the first row that passes through the
remembered position with its hash unchanged has seen byte for byte the rows read before.

What it does not catch, until `tracker verify` walks the whole chain: an edit made without SQLite
(the file's bytes edited in place), or by someone who sets the cookie back (PRAGMA schema_version
is writable); `tracker verify` always walks every row. And no head kept on the same machine stops
someone who can also rewrite this state file: a head noted somewhere they cannot reach (`verify`
prints it; `verify --expect-head` checks it) is the only protection against them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

import events
from tracker import __version__
from tracker.paths import APP_NAME
from tracker.store import EventStore, VerifyResult
from tracker.store.base import MAX_UNREADABLE, Unreadable

STATE_ENV = "TRACKER_STATE_DIR"
FILE_NAME = "heads.json"
FORMAT = 1
MAX_LOGS = 300  # logs remembered; the ones seen longest ago are forgotten first


def state_file() -> Path:
    explicit = os.environ.get(STATE_ENV)
    folder = Path(explicit).expanduser() if explicit else Path(platformdirs.user_state_dir(APP_NAME))
    return folder / FILE_NAME


# -- what is remembered -------------------------------------------------------------------------
@dataclass(frozen=True)
class Head:
    """A position in a log and the hash of its event there: `POSITION:HASH` as text."""

    position: int
    hash: str

    def __str__(self) -> str:
        return f"{self.position}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> Head:
        position, sep, hash_ = text.strip().partition(":")
        hash_ = hash_.strip().lower()
        if not sep or not position.strip().isdigit() or len(hash_) != 64 or any(c not in "0123456789abcdef" for c in hash_):
            raise ValueError(f"{text!r} is not a head: give POSITION:HASH as 'tracker verify' prints it, "
                             "e.g. 12:3448b9a9... (all 64 hex digits)")
        if len(position.strip()) > 18:  # beyond any log (and SQLite's integers): not a position
            raise ValueError(f"{position.strip()[:30]}... is not a position any log reaches: give POSITION:HASH as "
                             "'tracker verify' prints it")
        return cls(int(position), hash_)


@dataclass(frozen=True)
class Walked:
    """The last walk of a log's chain, valid while the schema cookie and the rules are unchanged."""

    position: int  # the last row that held up
    hash: str
    cookie: int
    rules: str
    broken_at: int | None = None
    reason: str | None = None
    unreadable: tuple[Unreadable, ...] = ()
    unreadable_count: int = 0

    def result(self) -> VerifyResult:
        return VerifyResult(self.broken_at is None, self.position, self.hash, self.broken_at, self.reason,
                            self.unreadable, self.unreadable_count)


@dataclass(frozen=True)
class Entry:
    seen: Head | None = None  # the head pinned: last written, verified or checked
    seen_at: str = ""
    walked: Walked | None = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _key(path: Path) -> str:
    return os.path.realpath(path)


def _entry(data: Any) -> Entry:
    seen = data.get("seen")
    walked = data.get("walked")
    return Entry(
        Head(int(seen["position"]), str(seen["hash"])) if seen else None,
        str(data.get("seen_at", "")),
        Walked(int(walked["position"]), str(walked["hash"]), int(walked["cookie"]), str(walked["rules"]),
               walked.get("broken_at"), walked.get("reason"),
               tuple(Unreadable(int(u["position"]), u.get("id"), str(u["problem"])) for u in walked.get("unreadable", ())),
               int(walked.get("unreadable_count", 0))) if walked else None,
    )


def _plain(entry: Entry) -> dict[str, Any]:
    out: dict[str, Any] = {"updated": _now()}
    if entry.seen:
        out.update(seen={"position": entry.seen.position, "hash": entry.seen.hash}, seen_at=entry.seen_at)
    if entry.walked:
        w = entry.walked
        out["walked"] = {
            "position": w.position, "hash": w.hash, "cookie": w.cookie, "rules": w.rules,
            "broken_at": w.broken_at, "reason": w.reason, "unreadable_count": w.unreadable_count,
            "unreadable": [{"position": u.position, "id": u.id, "problem": u.problem} for u in w.unreadable],
        }
    return out


class StateFile:
    """heads.json: read it, change one log's entry, replace it atomically."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_file()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("logs"), dict):
            raise ValueError("not a heads file")
        return data["logs"]

    def load(self, log: Path) -> tuple[Entry, str | None]:
        """The log's entry (empty if none), and a note if the file could not be read."""
        try:
            found = self._read().get(_key(log))
            return (_entry(found) if found else Entry()), None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return Entry(), self._note(exc)

    def save(self, log: Path, entry: Entry | None) -> str | None:
        """Store (or, with None, forget) the log's entry; a note if that failed, never an exception."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked():
                try:
                    logs = self._read()
                except ValueError:
                    logs = {}  # unreadable: start afresh rather than never remember again
                if entry is None:
                    logs.pop(_key(log), None)
                else:
                    logs[_key(log)] = _plain(entry)
                if len(logs) > MAX_LOGS:  # logs that are gone first (a benchmark's), then the oldest
                    keep = sorted(logs, key=lambda k: (os.path.exists(k), str(logs[k].get("updated", ""))))
                    logs = {k: logs[k] for k in keep[-MAX_LOGS:]}
                text = json.dumps({"format": FORMAT, "logs": logs}, separators=(",", ":"), ensure_ascii=False)
                fd, tmp = tempfile.mkstemp(prefix=".heads-", suffix=".tmp", dir=self.path.parent)
                try:
                    with os.fdopen(fd, "w", encoding="utf-8") as fh:
                        fh.write(text)
                    os.replace(tmp, self.path)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp)
                    raise
            return None
        except OSError as exc:
            return self._note(exc)

    def _note(self, exc: BaseException) -> str:
        return (f"the log's head cannot be kept in {self.path} ({_why(exc)}): a log cut short or rewritten "
                f"will not be noticed (${STATE_ENV} chooses another place)")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Two commands at once must not lose each other's entry: a lock beside the file, where
        the system offers one (fcntl); elsewhere the last writer wins, losing at worst a head."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        with open(self.path.with_name(f".{FILE_NAME}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def _why(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__


_RULES: str | None = None


def rules() -> str:
    """What this release reads events by (the source of the events package, and the version):
    an event one release refuses may be read by another, so a walk is only reused under the same."""
    global _RULES
    if _RULES is None:
        digest = hashlib.sha256(__version__.encode())
        folder = Path(events.__file__).resolve().parent
        for path in sorted(folder.glob("*.py")):
            with contextlib.suppress(OSError):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _RULES = digest.hexdigest()[:16]
    return _RULES


# -- what a check finds ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Integrity:
    """What the check on opening found; `warnings()` are the lines to show the user."""

    walk: VerifyResult  # the chain, walked now or as remembered
    cookie: int = 0  # the schema cookie it was walked under
    walked: int = 0  # rows walked now (0: all as remembered)
    full: bool = False  # walked from the first row
    pin: str | None = None  # the log no longer holds the head last seen
    notes: tuple[str, ...] = ()  # the state file could not be read or written

    @property
    def broken(self) -> bool:
        return not self.walk.ok

    def warnings(self) -> list[str]:
        out = []
        w = self.walk
        if not w.ok:
            out.append(f"the log's hash chain is broken at position {w.first_bad_position}: {w.reason}; "
                       "do not trust what follows it ('tracker verify' says more)")
        if self.pin:
            out.append(self.pin)
        if w.unreadable_count:
            out.append(unreadable_line(w))
        out.extend(self.notes)
        return out


def unreadable_line(walk: VerifyResult) -> str:
    first = walk.unreadable[0] if walk.unreadable else None
    many = walk.unreadable_count > 1
    where = f", the first at {first}" if many and first else (f" at {first}" if first else "")
    return (f"the log holds {walk.unreadable_count if many else 'an'} event{'s' if many else ''} this release "
            f"cannot read (written by an earlier release?){where}; 'tracker verify' lists every such event")


@dataclass(frozen=True)
class Verification(VerifyResult):
    """`tracker verify`: the whole chain walked, and the head checked against the one last seen
    and, if given, against the one expected."""

    head: str = ""  # the log's last row as it is stored: POSITION:HASH
    pin: str | None = None
    expected: str | None = None  # why the expected head does not hold; None if it does (or none given)
    accepted: bool = False  # --accept-head took the current head as the one to expect
    notes: tuple[str, ...] = ()
    # The read model (derived, beside the log) shows some tracks otherwise than the log gives
    # them: what to say of it (tracker.service.Tracker.verify checks the kept list of tracks).
    read_model: str | None = None

    def warnings(self) -> list[str]:
        return [w for w in (self.pin, self.read_model, *self.notes) if w]


def _pin_problem(store: EventStore, entry: Entry, position: int) -> str | None:
    seen = entry.seen
    if seen is None or (seen.position == 0 and position == 0):
        return None
    when = f" ({entry.seen_at})" if entry.seen_at else ""
    accept = "if you know why, 'tracker verify --accept-head' takes the log as it is now"
    if position < seen.position:
        return (f"the log is shorter than when this program last saw it: {position} event(s) now, {seen.position} "
                f"then{when}: events were removed, or another log took its place; {accept}")
    found = store.hash_at(seen.position)
    if found != seen.hash:
        return (f"the log diverges from the head this program last saw: the event at position {seen.position} "
                f"now has hash {(found or 'none')[:16]}..., not {seen.hash[:16]}...{when}: its history was "
                f"rewritten, or another log took its place; {accept}")
    return None


def _walk(store: EventStore, before: Walked | None, cookie: int, full: bool = False) -> tuple[VerifyResult, int, bool]:
    """The chain walked as little as is sound (see the module's docstring): (result, rows walked, from the start)."""
    same_rules = before is not None and before.rules == rules()
    held = same_rules and before is not None and store.hash_at(before.position) == before.hash
    if not full and held and before is not None and before.cookie == cookie:
        if before.broken_at is not None:
            return before.result(), 0, False
        walk = store.verify((before.position, before.hash), readable_after=before.position)
        return _merged(walk, before), walk.checked - before.position, False
    # Rows the walk verifies from the first up to a remembered position whose hash still holds are
    # byte for byte the rows read then: what was unreadable then still is, and nothing else was.
    readable_after = before.position if held and before is not None else 0
    walk = store.verify(readable_after=readable_after)
    if readable_after and before is not None:
        walk = _merged(walk, before)
    return walk, walk.checked + (0 if walk.ok else 1), True


def _merged(walk: VerifyResult, before: Walked) -> VerifyResult:
    kept = tuple(u for u in before.unreadable if u.position <= walk.checked)
    dropped = len(before.unreadable) - len(kept)
    unreadable = (kept + walk.unreadable)[:MAX_UNREADABLE]
    return replace(walk, unreadable=unreadable,
                   unreadable_count=before.unreadable_count - dropped + walk.unreadable_count)


def _remembered(walk: VerifyResult, cookie: int) -> Walked:
    return Walked(walk.checked, walk.head_hash, cookie, rules(), walk.first_bad_position, walk.reason,
                  walk.unreadable, walk.unreadable_count)


def check(store: EventStore, state: StateFile | None = None) -> Integrity:
    """The quick check on opening: the head against the one last seen, the chain as far as it
    has not been walked (or all of it, when the schema cookie says rows may have changed)."""
    state = state or StateFile()
    entry, note = state.load(store.path)
    cookie = store.schema_cookie()
    walk, walked, full = _walk(store, entry.walked, cookie)
    pin = _pin_problem(store, entry, store.head()[0])
    updated = replace(entry, walked=_remembered(walk, cookie))
    if walk.ok and pin is None and (entry.seen is None or entry.seen.position != walk.checked):
        updated = replace(updated, seen=Head(walk.checked, walk.head_hash), seen_at=_now())
    if updated != entry:
        note = state.save(store.path, updated) or note
    return Integrity(walk, cookie, walked, full, pin, (note,) if note else ())


def wrote(store: EventStore, before: Integrity, written: tuple[int, int, int] | None = None, end: int = 0,
          state: StateFile | None = None) -> str | None:
    """After this program appended to the log: its head is the one to expect next time (unless
    the log had already left the head seen before: that warning stays until accepted).

    `written` (an import's: the head before it, and the schema cookie before and after it, read
    inside its transaction) with `end`, the head it left: the rows it wrote count as walked when
    it started at the head `before` had walked to, under the same cookie. Sound: no row up to
    there changed meanwhile (the cookie did not), and the rows after it are this import's own,
    validated and chained from it under the write lock. So a big import into an empty log, whose
    bulk load changes the cookie, is not walked again by the next command."""
    if before.pin is not None or before.broken:
        return None
    state = state or StateFile()
    entry, note = state.load(store.path)
    if note:
        return note
    updated = replace(entry, seen=Head(*store.head()), seen_at=_now())
    walk = before.walk
    if written is not None and end >= written[0] == walk.checked and written[1] == before.cookie:
        hash_ = store.hash_at(end)
        if hash_ is not None:
            updated = replace(updated, walked=Walked(end, hash_, written[2], rules(), None, None, walk.unreadable,
                                                     walk.unreadable_count))
    return state.save(store.path, updated)


def verify(store: EventStore, expect_head: Head | None = None, *, accept_head: bool = False,
           state: StateFile | None = None) -> Verification:
    """Walk the whole chain; check the head against the one last seen and `expect_head`; remember
    what was found, and the head as the one to expect if the chain holds and the head last seen is
    still in it (or `accept_head`)."""
    state = state or StateFile()
    entry, note = state.load(store.path)
    cookie = store.schema_cookie()
    walk, _, _ = _walk(store, entry.walked, cookie, full=True)
    position, hash_ = store.head()
    pin = _pin_problem(store, entry, position)
    expected = None
    if expect_head is not None:
        found = store.hash_at(expect_head.position)
        if expect_head.position > position:
            expected = (f"the expected head {expect_head.position}:{expect_head.hash[:16]}... is not in the log: it "
                        f"holds {position} event(s), fewer than {expect_head.position}: events were removed")
        elif found != expect_head.hash:
            expected = (f"the expected head does not hold: the event at position {expect_head.position} has hash "
                        f"{(found or 'none')[:16]}..., not {expect_head.hash[:16]}...: the log up to there was rewritten")
    accepted = False
    updated = replace(entry, walked=_remembered(walk, cookie))
    if walk.ok and (pin is None or accept_head):
        updated = replace(updated, seen=Head(position, hash_), seen_at=_now())
        accepted = accept_head and pin is not None
        pin = None if accepted else pin
    if updated != entry:
        note = state.save(store.path, updated) or note
    return Verification(**{f: getattr(walk, f) for f in VerifyResult.__dataclass_fields__},
                        head=str(Head(position, hash_)), pin=pin, expected=expected, accepted=accepted,
                        notes=(note,) if note else ())


def forget(path: Path, state: StateFile | None = None) -> None:
    """The log at `path` was replaced on purpose (a demo built afresh): expect nothing of it."""
    (state or StateFile()).save(path, None)


__all__ = ["Head", "Integrity", "StateFile", "Verification", "check", "forget", "state_file", "verify", "wrote"]

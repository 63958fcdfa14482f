"""The application service: the one door to the log for the command line and the terminal UI.

`Tracker` is opened on a log and offers everything a view needs, as typed results: the list of
tracks and one track's state, timelines, diffs, provenance ("why"), actors, the list of events
(filtered, paged, counted, searched) as known at a moment, completion choices, logging,
correcting and retracting, import, export, verification and rebuilding the read model. The views
parse what the user typed, call it, and render what it returns; neither touches the store, the
read model or SQL (tests/unit/test_layers.py holds them to it).

Every read takes a `Moment` (projections.moment): Moment() is now, Moment(as_of=D) is "as it
stood on D", Moment(known_at=K) is "as we knew it at K", and both combine. The read model is
caught up first when the file is writable; on a read-only file that is behind, everything is
folded in memory from the log. Queries run with the cyclic garbage collector paused
(tracker.gcpause): they allocate in bulk, and its full collections made the slowest as-of
queries twice as slow.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import time as clock
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import ValidationError

from events import EVENT_ADAPTER, Event
from events.types import SourceGraded
from projections import amend as am
from projections.actors import actor_state as fold_actor
from projections.actors import named_by, names
from projections.diff import diff as diff_states
from projections.entities import Claims, actor_info, claim_status
from projections.family import side_of
from projections.grades import (
    CREDIBILITY,
    RELIABILITY,
    Backing,
    Grades,
    backing,
    claim_mark,
    fact_key,
    firmness,
    grades_from,
    keep_backed,
    support,
)
from projections.moment import Moment
from projections.provenance import FIELDS as TRACED
from projections.provenance import (
    Provenance,
    ProvenanceEntry,
    UnknownFact,
    UnknownField,
    record,
    sources_of,
    trace,
)
from projections.records import AMENDMENT_TYPES, Ev, normalise
from projections.replay import (
    claims_index,
    prepare,
    prepare_with,
    registry,
    state_from_facts,
    tracks_of,
)
from projections.state import (
    ActorInfo,
    ActorState,
    Deadline,
    Meeting,
    Stance,
    StanceHistory,
    StanceStep,
    TimelineEntry,
    TrackDiff,
    TrackState,
    sourced_fields,
)
from projections.timeline import NOT_HAPPENINGS, in_range
from projections.timeline import timeline as timeline_of
from tracker import csvimport
from tracker.gcpause import paused_collector
from tracker.paths import demo_db, resolve_location
from tracker.readmodel import Progress, ReadModel
from tracker.readmodel.progress import IMPORT_PROGRESS, LIST_CHECK_PROGRESS, VERIFY_PROGRESS  # noqa: F401
from tracker.store import (
    ConcurrencyConflict,
    EventFilter,
    EventStore,
    IdConflict,
    InvalidEvents,
    MissingDatabase,
    Problem,
    ReadOnlyStore,
    StoredEvent,
    StoreError,
    VerifyResult,
    heads,
)
from tracker.store.base import BrokenChain, amendable, matches, validation_problems
from tracker.store.heads import Head, Integrity, Verification
from tracker.store.jsonl import ImportReport, export_jsonl, export_lines, import_file, import_lines
from tracker.store.postgres import ServerStore, init_server, is_server, shown
from tracker.store.sqlite import Waiting, failure  # noqa: F401 (failure: the command line's name for it)


def _due(item: Meeting | Deadline) -> date | None:
    """The first day a meeting is planned for, or a deadline falls due."""
    when = item.planned if isinstance(item, Meeting) else item.due
    return when.earliest if when is not None else None


MAX_SPAN_DAYS = 366  # the longest date interval the paged timeline looks back for
_ACTOR_CHUNK = 256  # events read at a time to find whether one still names an actor


# -- results ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventRow:
    """One event of a list, as the record stood at the moment viewed."""

    stored: StoredEvent  # exactly as logged (what a correction or retraction targets)
    event: Event  # as known at the moment: the corrections known then applied
    corrected: bool = False
    retracted: bool = False
    claim_status: str = "confirmed"  # after the claim status changes known at the moment
    recorded_by: str = "unknown"  # who logged it (a server log's role, a file log's analyst)

    @property
    def position(self) -> int:
        return self.stored.position

    @property
    def id(self) -> str:
        return self.stored.id

    @property
    def hash(self) -> str:
        return self.stored.hash


@dataclass(frozen=True)
class TrackDigest:
    """One track in a digest: what was logged on it since, how its state moved, what is coming."""

    track: str
    title: str
    logged: list[EventRow]  # logged after `since`, oldest first, as the record stands now
    changes: TrackDiff  # its state as known at `since` -> as known now
    coming: list[Meeting | Deadline]  # planned or due within the horizon
    overdue: list[Meeting | Deadline]  # their date passed and nothing logged says what came of it


@dataclass(frozen=True)
class Digest:
    since: datetime
    today: date
    horizon_days: int
    tracks: list[TrackDigest]  # those with anything to say, by id


@dataclass(frozen=True)
class CopyReport:
    events: int
    head: str  # POSITION:HASH, the same on both ends
    seconds: float
    warning: str | None = None  # copied with force: the source no longer held the head last seen


@dataclass(frozen=True)
class Choices:
    """What the log already knows, for completion in forms and filters."""

    tracks: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RebuildReport:
    events: int
    tracks: int
    snapshots: int
    seconds: float


@dataclass(frozen=True)
class ActorRoster:
    """Everyone the log names, split by whether the record as it stands now still names them."""

    live: list[ActorInfo]  # described now, or named by an event as it now stands (by id)
    # Named only by events since retracted, or corrected so as not to name them (a misspelt actor,
    # say): as last described in the log, retracted or not, so a view can say who they were.
    hidden: list[ActorInfo]


@dataclass(frozen=True)
class TrackCount:
    track: str
    events: int


def demo_lines() -> list[bytes]:
    """The bundled demo data, one JSON event per line."""
    return (resources.files("tracker") / "data" / "demo.jsonl").read_bytes().splitlines()


DEMO_MARK = ("origin", "tracker demo")


class NotADemoLog(StoreError):
    """`tracker demo` was pointed at a file it did not make."""


def is_demo_log(path: Path) -> bool:
    """A log `tracker demo` made (marked so), or one at the demo's own default path, made before
    the mark existed (nothing else writes there)."""
    try:
        with EventStore(path, readonly=True) as store:
            return store.meta(DEMO_MARK[0]) == DEMO_MARK[1] or (
                path.resolve() == demo_db().resolve() and store.meta("format_version") is not None)
    except (StoreError, OSError, sqlite3.Error):
        return False


class Tracker:
    """A log and its read model, behind the operations the views need."""

    _progress: Progress | None = None  # see watch()

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._model: ReadModel | None = None
        self._integrity: Integrity | None = None  # the last check()
        self._judged_kept: tuple[tuple[Any, ...], list[EventRow]] | None = None  # see _judged_rows()

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, db: str | Path | None = None, *, readonly: bool = False) -> Tracker:
        """The log at `db` (default: TRACKER_DB, then the user's data directory). Writable opens
        create a new log if there is none; read-only ones raise MissingDatabase."""
        location = resolve_location(db)
        if isinstance(location, str):
            return cls(ServerStore(location, readonly=readonly))
        return cls(EventStore(location, readonly=readonly))

    @classmethod
    def open_existing(cls, db: str | Path | None = None) -> Tracker:
        """An existing log, writable if possible (so the read model can be brought up to date),
        read-only otherwise; a missing file is MissingDatabase rather than a new empty log (a
        server log must have been made by `init-server`)."""
        path = resolve_location(db)
        if isinstance(path, str):
            return cls.open(path)
        if not path.exists():
            return cls.open(path, readonly=True)  # raises MissingDatabase, clearly
        return cls.open_any(path)

    @classmethod
    def open_any(cls, db: str | Path | None = None) -> Tracker:
        """Open for writing; if the file cannot be written, read-only (browse, no logging)."""
        path = resolve_location(db)
        if isinstance(path, str):
            return cls.open(path)
        try:
            return cls(EventStore(path))
        except (StoreError, OSError):
            return cls(EventStore(path, readonly=True))

    @classmethod
    def demo(cls, db: str | Path, *, reset: bool = False) -> tuple[Tracker, ImportReport | None]:
        """The demo log at `db`: built from the bundled data when there is none; reopened as it
        is, with whatever was logged into it, when there is one (report None); built afresh with
        `reset`. Any other file at `db` is refused and left untouched: the demo replaces only
        a demo log it made itself (marked in the file)."""
        if is_server(db):
            raise NotADemoLog(f"{shown(str(db))} is a server: the demo lives in a file of its own (tracker demo --db "
                              "demo.db); to share it with a team, 'tracker copy demo.db URL'")
        path = Path(db)
        if path.exists() or path.is_symlink():
            if not is_demo_log(path):
                raise NotADemoLog(
                    f"{path} exists and is not a demo log made by 'tracker demo'; it was left untouched: "
                    "give the demo a path of its own (tracker demo --db NEW.db)")
            if not reset:
                return cls.open(path), None
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        heads.forget(path)  # a new demo log, on purpose: not a log cut short
        tracker = cls(EventStore(path))
        tracker.store.set_meta(*DEMO_MARK)  # first: a demo cut short can still be reset
        return tracker, tracker.import_lines(demo_lines())

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def readonly(self) -> bool:
        """Nothing can be logged: a read-only file, or a server log this role may only read."""
        return not self.store.can_append

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- long work ---------------------------------------------------------------------------
    def watch(self, progress: Progress | None = None, waiting: Waiting | None = None) -> None:
        """Be told about long work, for a view to show (None: stay silent, the default).

        `progress(done, total, what)` while the read model is built or brought up to date (after a
        big import, by `rebuild`, on a new day's first list of tracks): `done` of `total` `what`
        ("events", "tracks listed"), first once a phase has run for a moment, then a few times a
        second, and at the end of each phase reported with done == total. `waiting(seconds, over)`
        while a write waits for another writer's lock: from the first second on, about ten times a
        second with over=False, then once with over=True when the lock is taken or the wait gives up
        ($TRACKER_LOCK_TIMEOUT seconds, 150 by default). Both are called on the thread doing the work."""
        self._progress = progress
        if self._model is not None:
            self._model.progress = progress
        self.store.on_progress = progress  # a long walk of the chain (verify, a check after a schema change)
        self.store.on_wait = waiting

    # -- the read model ---------------------------------------------------------------------
    def _read_model(self) -> ReadModel:
        """The read model, caught up (when the file is writable)."""
        if self._model is None:
            self._model = ReadModel(self.store)
            self._model.progress = self._progress
        self._model.catch_up()
        return self._model

    @staticmethod
    def _today(moment: Moment) -> date:
        # Which meetings are "upcoming": as of D, those after D; now, those after today.
        return moment.as_of or date.today()

    # -- the log as a record ----------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        """(position, hash) of the last event."""
        return self.store.head()

    def data_version(self) -> int:
        """Changes when another connection commits: a cheap "has the log grown?"."""
        return self.store.data_version()

    def check(self) -> Integrity:
        """The quick check a view makes on opening a log (tracker.store.heads): the head against the one
        this program last saw, and the hash chain, walked only as far as it has not been before
        (unless the file's schema changed: then all of it, once). `warnings()` says what is wrong:
        a broken chain (every append is then refused), a log shorter than, or diverging from, the
        head last seen, events this release cannot read."""
        self._integrity = heads.check(self.store)
        return self._integrity

    def verify(self, expect_head: Head | None = None, *, accept_head: bool = False) -> Verification:
        """Walk the whole chain and check the head: against the one last seen, and `expect_head`
        (the log must still hold it). Remembers the head if the chain holds and the head last seen
        is still in the log, or with `accept_head` (after a warning whose cause is known). Then
        the list of tracks kept in the read model against the log (ReadModel.list_rows_disagreeing)."""
        found = heads.verify(self.store, expect_head, accept_head=accept_head)
        if not found.ok:
            return found
        rm = self._model or ReadModel(self.store)
        rm.progress = self._progress
        wrong = rm.list_rows_disagreeing()
        if not wrong:
            return found
        return replace(found, read_model=(
            f"the list of tracks kept in the read model disagrees with the log for {len(wrong)} track(s) "
            f"({', '.join(wrong[:5])}{', ...' if len(wrong) > 5 else ''}): the read model, derived from the log, "
            "was edited or damaged; run 'tracker rebuild' to make it afresh from the log"))

    @staticmethod
    def parse_head(text: str) -> Head:
        """POSITION:HASH as `verify` prints it; ValueError if it is not one."""
        return Head.parse(text)

    def _appendable(self) -> Integrity:
        """The check before an append: a broken chain takes nothing more (appending would chain
        new events to rows that do not hold up, and hide the break behind a head that moves on)."""
        found = self.check()
        if found.broken:
            walk = found.walk
            raise BrokenChain(f"the log's hash chain is broken at position {walk.first_bad_position} ({walk.reason}): "
                              "nothing was written; 'tracker verify' says more")
        return found

    def get(self, event_id: str) -> StoredEvent | None:
        return self.store.get(event_id)

    def get_many(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        """The events with these ids, in the order asked (unknown ids left out), in a few queries."""
        return self.store.get_many(event_ids)

    def resolve_event(self, ref: str) -> StoredEvent:
        """The event `ref` names: its position as `tracker events` shows it ('114' or '#114') or
        its id. The one place a command's event reference (a --target) is read."""
        text = ref.strip()
        position = _POSITION.fullmatch(text)
        if position:
            found = self.store.at(int(position[1]))
            if found is None:
                size = self.store.head()[0]
                raise UnknownEvent(f"no event at position {int(position[1])}; the log has {size} "
                                   f"event{'' if size == 1 else 's'}")
            return found
        found = self.store.get(text)
        if found is None:
            raise UnknownEvent(f"no event with id {text!r} in the log (give its id or its position, "
                               "as 'tracker events' shows it)")
        return found

    def track_ids(self) -> list[str]:
        return self.store.distinct("track")

    def actor_ids(self) -> list[str]:
        return self.store.distinct("actor")

    def track_counts(self) -> list[TrackCount]:
        """Events per track, as logged: what `tracker demo --no-tui` prints."""
        return [TrackCount(t, self.store.count_matching(EventFilter(tracks=(t,)))) for t in self.track_ids()]

    def _bounded(self, f: EventFilter, moment: Moment) -> EventFilter:
        occurred_to, recorded_until = moment.within(f.occurred_to, f.recorded_until)
        return replace(f, occurred_to=occurred_to, recorded_until=recorded_until)

    def events(self, f: EventFilter = EventFilter(), moment: Moment = Moment(), *, limit: int = 100,
               before: int | None = None, after: int | None = None, newest_first: bool = True) -> list[EventRow]:
        """A page of the events matching `f` that had happened by the moment and were known then,
        in log order, each as the record stood then (corrected, retracted, claim status), and
        matched in that form: a search finds the corrected text, not the text corrected.
        Keyed on position (`before` / `after`), so paging stays fast on a huge log."""
        bounded = self._bounded(f, moment)
        judged = self._judged(bounded)
        if not judged:
            return self.as_known(self.store.query(bounded, limit=limit, before=before, after=after,
                                                  newest_first=newest_first), moment)
        # The stored matches no later record keeping can have changed, page by page ...
        plain: list[StoredEvent] = []
        lo, hi = after, before
        while len(plain) < limit:
            page = self.store.query(bounded, limit=limit, before=hi, after=lo, newest_first=newest_first)
            plain += [r for r in page if r.id not in judged]
            if len(page) < limit:
                break
            lo, hi = (lo, page[-1].position) if newest_first else (page[-1].position, hi)
        plain = plain[:limit]
        # ... and those it may have, judged as the record stood at the moment, in page order, as
        # far as one could still be on the page.
        lo, hi = after, before
        if len(plain) == limit:
            lo, hi = (plain[-1].position, hi) if newest_first else (lo, plain[-1].position)
        ids = {position: eid for eid, position in judged.items()
               if (lo is None or position > lo) and (hi is None or position < hi)}
        order = sorted(ids, reverse=newest_first)
        found: list[EventRow] = []
        for i in range(0, len(order), 100):
            chunk = sorted(self.store.get_many([ids[p] for p in order[i : i + 100]]), key=lambda r: r.position,
                           reverse=newest_first)
            found += [r for r in self.as_known(chunk, moment) if matches(bounded, r.event, r.claim_status, r.recorded_by)]
            if len(found) >= limit:
                break
        rows = self.as_known(plain, moment) + found
        rows.sort(key=lambda r: r.position, reverse=newest_first)
        return rows[:limit]

    def count_events(self, f: EventFilter = EventFilter(), moment: Moment = Moment()) -> int:
        """How many events `events` lists for `f` at the moment, over all pages."""
        bounded = self._bounded(f, moment)
        n = self.store.count_matching(bounded)
        judged = self._judged(bounded)
        if judged:
            n -= len(self.store.matching_among(bounded, judged))
            n += sum(1 for r in self._judged_rows(judged, moment)
                     if matches(bounded, r.event, r.claim_status, r.recorded_by))
        return n

    def _judged(self, f: EventFilter) -> dict[str, int]:
        """Id -> position of the events whose match against `f` a correction or a claim status
        change (logged at any time) may change: each is judged as the record stood at the moment."""
        which = amendable(f)
        return self.store.amended(*which) if which else {}

    def _judged_rows(self, judged: dict[str, int], moment: Moment) -> list[EventRow]:
        """Those events as the record stood at the moment; the last set is kept while the log
        does not grow, for the next count of the same list."""
        key = (self.store.head(), moment, id(judged))  # (the store keeps `judged` while the log does not grow)
        if self._judged_kept is None or self._judged_kept[0] != key:
            self._judged_kept = (key, self.as_known(self.store.get_many(list(judged)), moment))
        return self._judged_kept[1]

    def event(self, event_id: str, moment: Moment = Moment()) -> EventRow | None:
        """One event as the record stood at the moment."""
        stored = self.store.get(event_id)
        return self.as_known([stored], moment)[0] if stored is not None else None

    @paused_collector
    def as_known(self, rows: Sequence[StoredEvent], moment: Moment = Moment()) -> list[EventRow]:
        """Events as the record stood at the moment: corrections applied, retractions and claim
        status changes known then marked."""
        if not rows:
            return []
        amendments, claims = self._amendments([r.id for r in rows], moment)
        loggers = self.store.loggers([r.position for r in rows])
        out = []
        for r in rows:
            event, corrected = r.event, False
            if r.id in amendments.corrections:
                fixed = am.amend(Ev(r.position, normalise(r.event.model_dump(mode="json"))), amendments)
                if fixed is not None and fixed.corrected:
                    event, corrected = EVENT_ADAPTER.validate_python(fixed.body), True
            out.append(EventRow(r, event, corrected, r.id in amendments.withdrawn,
                                claim_status(r.id, event.status, claims), loggers.get(r.position, "unknown")))
        return out

    def _amendments(self, ids: list[str], moment: Moment) -> tuple[am.Amendments, Claims]:
        rm = self._read_model()
        if rm.current():
            return rm.amendments_for(ids, moment.known_text), rm.claims_for(ids, moment)
        # Behind and read-only: the events naming these, and those naming them in turn (the
        # read model's fallback finds them by the store's index of record-keeping events).
        found: dict[int, Ev] = {}
        frontier = ids
        while frontier:
            evs = rm.fetch_positions([p for p in rm.bearing_on(frontier) if p not in found])
            found.update((e.position, e) for e in evs)
            frontier = [e.id for e in evs]
        acts = list(found.values())
        return am.resolve((e for e in acts if e.type in AMENDMENT_TYPES), moment.known_text), claims_index(prepare(acts, moment))

    def amendments_of(self, event_id: str) -> list[StoredEvent]:
        """Corrections, retractions and claim status changes that name this event, in log order
        (by the index `why` uses, not a text search through every record-keeping event)."""
        positions = sorted(set(self._read_model().bearing_on([event_id])))
        return [e for p in positions if (e := self.store.at(p)) is not None]

    def choices(self) -> Choices:
        """Known tracks, actors, meetings, issues, proposals and agreements, for completion."""
        def values(types: tuple[str, ...], attr: str) -> list[str]:
            rows = self.store.query(EventFilter(types=types), limit=2000)
            return sorted({str(getattr(r.event, attr)) for r in rows if getattr(r.event, attr, None)})

        return Choices(
            tracks=self.track_ids(), actors=[a.id for a in self.actor_roster().live],  # not a retracted misspelling
            meetings=values(("meeting_scheduled", "meeting_held", "meeting_postponed"), "meeting"),
            issues=values(("statement_made",), "issue"),
            proposals=values(("proposal_tabled",), "proposal"),
            agreements=values(("agreement_reached",), "agreement"),
        )

    # -- writing ----------------------------------------------------------------------------
    def log(self, event: Event, expected_position: int | None = None) -> StoredEvent | None:
        """Append one validated event (tracker.forms builds it); None if an identical event was
        already logged."""
        before = self._appendable()
        result = self.store.append([event], expected_position)
        self._wrote(before)
        return result.appended[0] if result.appended else None

    def import_file(self, path: str | Path, expected_position: int | None = None) -> ImportReport:
        """A JSON Lines file, all or nothing (big files are validated by worker processes). An
        export's hashes are checked (tracker.store.jsonl)."""
        before = self._appendable()
        report = import_file(self.store, path, expected_position, progress=self._progress)
        self._wrote(before, report)
        return report

    def import_csv(self, path: str | Path, mapping_path: str | Path, *, dry_run: bool = False,
                   expected_position: int | None = None) -> csvimport.CsvReport:
        """A spreadsheet's rows read with a column mapping (tracker.csvimport), all or nothing: any
        bad row is named by row and column, and nothing is written. Rows already imported (the
        same content) are skipped. `dry_run` reads and checks everything and writes nothing."""
        rows = csvimport.load(path, mapping_path)
        if dry_run:
            return csvimport.CsvReport(rows, 0, 0, self.head()[0], True)
        before = self._appendable()
        result = self.store.append([r.event for r in rows], expected_position)
        self._wrote(before)
        return csvimport.CsvReport(rows, len(result.appended), result.skipped, result.head, False)

    def import_lines(self, lines: Iterable[bytes], expected_position: int | None = None,
                     workers: int | None = 0) -> ImportReport:
        """JSON Lines, all or nothing; `workers=None` lets a long stream start worker processes."""
        before = self._appendable()
        report = import_lines(self.store, lines, expected_position, workers=workers)
        self._wrote(before, report)
        return report

    def _wrote(self, before: Integrity, report: ImportReport | None = None) -> None:
        note = heads.wrote(self.store, before, report.written if report else None, report.head if report else 0)
        if note and self._integrity is not None:
            self._integrity = replace(self._integrity, notes=(*self._integrity.notes, note))
        if self.store.shared:
            # A shared log's read models serve readers, who cannot bring them up to date: the
            # analyst who wrote does, now, rather than leave each reader to fold the log alone.
            self._read_model()

    def export_jsonl(self, out: IO[str], *, force: bool = False) -> int:
        """The whole log as JSON Lines, as stored, each line with its hash and a last line with the
        head (tracker.store.jsonl); returns how many events. A log whose chain is broken is
        exported only with `force`: its lines keep the hashes stored for them, so importing the
        file finds the break rather than a new, sound chain."""
        self.exportable(force=force)
        return export_jsonl(self.store, out)

    def exportable(self, *, force: bool = False) -> None:
        """Raise BrokenChain if the log's chain is broken (unless `force`): call before making a file."""
        found = self.check()
        if found.broken and not force:
            raise BrokenChain(
                f"the log's hash chain is broken at position {found.walk.first_bad_position}: an export would "
                "carry the break into a new log as if it were sound; nothing was exported. 'tracker export "
                "--force' exports it anyway, each line with the hash stored for it, so an import finds the break")

    @paused_collector
    def digest(self, since: datetime, *, moment: Moment = Moment(), today: date | None = None,
               horizon_days: int = 7, tracks: Sequence[str] = ()) -> Digest:
        """The morning note: per track, the events logged after `since` (transaction time), what
        changed in its state from as known at `since` to now (`diff`), the meetings and deadlines
        of the next `horizon_days` days, and those whose date passed with no outcome logged. At a
        `moment` rather than now: logged after `since` and by its known-at, the change up to it,
        what had happened by its as-of day (also the day the coming week counts from)."""
        day = today or self._today(moment)
        horizon = day + timedelta(days=horizon_days)
        then, now = Moment(as_of=moment.as_of, known_at=since), moment
        out: list[TrackDigest] = []
        for track in tracks or self.track_ids():
            f = EventFilter(tracks=(track,), recorded_after=since)
            logged = self.events(f, now, limit=max(1, self.count_events(f, now)), newest_first=False)
            state = self._read_model().state(track, now, day)  # upcoming and overdue as of `day`
            if state is None:
                continue
            # The state now is folded once: for the diff and for what is coming.
            changes = self._claimed(diff_states(self.track(track, then), state, track, then.label(), now.label()), now)
            dated: list[Meeting | Deadline] = [*state.meetings, *state.deadlines]
            coming = [x for x in dated if x.upcoming and (due := _due(x)) is not None and due <= horizon]
            overdue = [x for x in dated if (x.date_passed if isinstance(x, Meeting) else x.status == "passed")]
            if logged or changes.changes or coming or overdue:
                out.append(TrackDigest(track, state.title, logged, changes, coming, overdue))
        return Digest(since, day, horizon_days, out)

    def copy_to(self, target: Tracker, *, force: bool = False) -> CopyReport:
        """Copy this whole log into `target`, an empty log on any backend: every event as stored
        (the same bodies, positions and hashes), who logged each, all or nothing. This log's chain
        is walked first and the copy's after; a broken chain is not copied. Nor, unless `force`, is
        a log that no longer holds the head this program last saw (cut short or rewritten): its
        copy's chain would hold, and no head would have been seen for it (CopyReport.warning)."""
        started = clock.perf_counter()
        source = heads.verify(self.store)  # the whole chain, and the head against the one last seen
        if not source.ok:
            raise BrokenChain(f"{self.location}: the hash chain is broken at position {source.first_bad_position} "
                              f"({source.reason}); nothing was copied")
        if source.pin and not force:
            raise BrokenChain(f"{self.location}: {source.pin}. Nothing was copied: the copy's chain would hold and "
                              "hide that; 'tracker copy --force' copies it anyway")
        if target.head()[0]:
            raise StoreError(f"{target.location} already holds {target.head()[0]} event(s): a copy goes into an "
                             "empty log; nothing was copied")
        position, hash_ = self.head()
        target.store.carried_loggers = self.store.loggers(list(range(1, position + 1)))
        try:
            report = target.import_lines((line.encode() for line in export_lines(self.store)), expected_position=0,
                                         workers=None)
        finally:
            target.store.carried_loggers = None
        copied = target.store.verify()
        if not copied.ok or target.head() != (position, hash_):
            raise BrokenChain(f"{target.location}: the copy does not hold up ({copied.reason or 'another head'}); "
                              "copy it again into a new log")
        return CopyReport(report.appended, f"{position}:{hash_}", clock.perf_counter() - started, source.pin)

    @property
    def location(self) -> str:
        """Where the log is, for messages: its file, or its server's URL without the password."""
        return self.store.location

    @paused_collector
    def rebuild(self) -> RebuildReport:
        """Recreate every read model from the log."""
        started = clock.perf_counter()
        rm = self._model = self._model or ReadModel(self.store)
        rm.progress = self._progress
        rm.rebuild()
        return RebuildReport(events=self.store.head()[0], **rm.sizes(), seconds=clock.perf_counter() - started)

    # -- tracks -------------------------------------------------------------------------------
    @paused_collector
    def tracks(self, moment: Moment = Moment(), *, detail: bool = False) -> list[TrackState]:
        """Every track at `moment`, by id. Without `detail`, list rows (TrackState.detail is
        False): title, status and since when, trend, last activity, next meeting, event count."""
        rm = self._read_model()
        today = self._today(moment)
        if not rm.current():
            facts = prepare(rm.all_events(), moment)
            states = [state_from_facts(facts, t, moment, today) for t in tracks_of(facts)]
            return [s if detail else s.list_row() for s in states if s is not None]
        if not moment and not detail:
            return rm.list_states(today)
        return [s for t in rm.tracks(moment) if (s := rm.state(t, moment, today, detail=detail)) is not None]

    def kept_tracks(self) -> list[TrackState] | None:
        """The list of tracks as known now if the read model is current and holds every row of it
        already; else None. Reads only (no catch-up, no fold): cheap enough for a first paint."""
        rm = ReadModel(self.store)
        if not rm.current():
            return None
        return rm.kept_list_states(self._today(Moment()))

    @paused_collector
    def track(self, track_id: str, moment: Moment = Moment(), *, min_grade: str | None = None) -> TrackState | None:
        """One track at `moment`, in full; None if nothing is known about it then. With
        `min_grade` ('A'...'F'), only the facts an event stands behind that has a source from an
        outlet graded that well or better (as the grades and sources stood at the moment)."""
        state = self._read_model().state(track_id, moment, self._today(moment))
        if state is None or min_grade is None:
            return state
        graded = self.grades(moment)
        ids = {i for _, items in sourced_fields(state).values() for item in items for i in item.event_ids}
        stored = self.store.get_many(sorted(ids))
        backed = {r.id for r in self.as_known(stored, moment)
                  if any(graded.meets(src, min_grade) for src in r.event.sources)}
        return keep_backed(state, backed.__contains__)

    @paused_collector
    def diff(self, track_id: str, d1: Moment, d2: Moment) -> TrackDiff:
        """What changed on a track from d1 to d2: parties, stances, status, meetings, proposals...;
        each change with the firmest claim status of the events behind it as known at d2, so a
        change resting only on reports says so."""
        return self._claimed(diff_states(self.track(track_id, d1), self.track(track_id, d2), track_id,
                                         d1.label(), d2.label()), d2)

    def _claimed(self, found: TrackDiff, d2: Moment) -> TrackDiff:
        """Each change with the firmest claim status of the events behind it as known at d2."""
        ids = [i for c in found.changes for i in c.event_ids]
        status = {r.id: r.claim_status for r in self.as_known(self.store.get_many(ids), d2)}
        changes = tuple(c.model_copy(update={"claim_status": min(
            (status[i] for i in c.event_ids if i in status), key=firmness, default="confirmed")}) for c in found.changes)
        return found.model_copy(update={"changes": changes})

    @paused_collector
    def stance_history(self, track_id: str, moment: Moment = Moment(), *, actor: str | None = None,
                       issue: str | None = None) -> list[StanceHistory] | None:
        """Every statement behind each stance of a track at `moment`, oldest first, each as known
        then (corrected, claim status) with its sources; None if nothing is known about the track.
        `actor` keeps the stances of that actor and the statements that speaker made for others."""
        state = self.track(track_id, moment)
        if state is None:
            return None
        cells = [s for s in state.stances if issue in (None, s.issue)]
        stored = self.store.get_many([i for s in cells for i in s.history])
        rows = {r.id: r for r in self.as_known(stored, moment)}
        graded = self.grades(moment)
        out = []
        for s in cells:
            steps: list[StanceStep] = []
            before: str | None = None
            for row in (rows[i] for i in s.history if i in rows):
                ev: Any = row.event  # a statement_made
                changed = before if before is not None and before != ev.stance else None
                before = ev.stance
                if actor in (None, s.actor, ev.speaker):
                    steps.append(StanceStep(
                        stance=ev.stance, speaker=ev.speaker, previous=changed, quote=ev.quote, summary=ev.summary,
                        claim_status=row.claim_status, event_id=row.id, occurred=ev.occurred, event_ids=(row.id,),
                        uncertain=bool(moment.as_of and ev.occurred.latest > moment.as_of),
                        sources=tuple((src.outlet, src.via) for src in ev.sources),
                        grades=tuple(graded.of(src) for src in ev.sources)))
            if steps:
                out.append(StanceHistory(track=track_id, actor=s.actor, issue=s.issue, steps=tuple(steps)))
        return out

    @paused_collector
    def backing(self, state: TrackState, moment: Moment = Moment()) -> dict[tuple[str, ...], Backing]:
        """What stands behind each sourced fact of `state` (a track as `track` gives it at `moment`),
        keyed by projections.grades.fact_key: its support ("3 sources, 2 independent (B2, C3)") and the
        firmest claim status of those events (projections.grades.backing). A stance stands on every
        statement of its history that said the same (as `why` counts it); any other fact on the
        events the state names for it."""
        fields = sourced_fields(state)
        facts, found = self._track_facts(state.track, moment)
        notes = record(facts, state.track) if any(items for f, (_, items) in fields.items()
                                                   if f in TRACED and f != "stances") else {}
        by_id = {e.id: e for e in facts}
        behind: dict[tuple[str, ...], tuple[str, ...]] = {}
        for name, (keys, items) in fields.items():
            for item in items:
                if isinstance(item, Stance):  # every statement of its history that said the same
                    behind[fact_key(name, item)] = tuple(
                        i for i in item.history if i in by_id and by_id[i].body.get("stance") == item.stance)
                else:
                    rest = [str(getattr(item, k)) for k in keys[:1]]
                    traced = trace(name, rest, item.event_ids, facts, notes, lambda actor: side_of(actor, found))
                    behind[fact_key(name, item)] = tuple(t.event.id for t in traced if t.role in ("sets", "corroborates"))
        rows = {r.id: r for r in self.as_known(self.store.get_many(sorted({i for v in behind.values() for i in v})),
                                                moment)}
        graded = self.grades(moment)
        return {key: backing(((rows[i].claim_status, rows[i].event.sources) for i in ids if i in rows), graded)
                for key, ids in behind.items()}

    # -- timeline -----------------------------------------------------------------------------
    @paused_collector
    def timeline(self, track_id: str | None, moment: Moment = Moment(), date_from: date | None = None,
                 date_to: date | None = None, limit: int | None = None) -> list[TimelineEntry]:
        """What happened, in order (occurred.earliest, then log position), each event as known at
        the moment; `limit` keeps the latest."""
        rm = self._read_model()
        if not rm.current():
            facts = prepare(rm.all_events(), moment)
            return timeline_of(facts, claims_index(facts), track_id, moment.as_of, date_from, date_to, limit)
        upper = min(moment.valid_bound, date_to.isoformat() if date_to else moment.valid_bound)
        pages = rm.timeline_page_positions(track_id, upper, moment)
        # Newest first in pages until `limit` entries are in range; corrections that moved an event
        # are judged on the corrected form, so moved events are fetched on their own.
        moved = set(rm.moved_positions(moment))
        chosen: dict[int, Ev] = {}
        lower = date_from.isoformat() if date_from else ""
        for positions in pages:
            evs = rm.fetch_positions([p for p in positions if p not in moved])
            for ev in self._prepared(rm, evs, moment):
                if self._wanted(ev, track_id, date_from, date_to):
                    chosen[ev.position] = ev
            if limit is not None and len(chosen) >= limit:
                break
            if lower and evs and min(e.earliest for e in evs) < (date.fromisoformat(lower) - timedelta(days=MAX_SPAN_DAYS)).isoformat():
                break  # events dated this long before date_from cannot reach into it
        for ev in self._prepared(rm, rm.fetch_positions(sorted(moved)), moment):
            if self._wanted(ev, track_id, date_from, date_to):
                chosen[ev.position] = ev
        facts = list(chosen.values())
        claims = rm.claims_for([e.id for e in facts], moment)
        return timeline_of(facts, claims, track_id, moment.as_of, date_from, date_to, limit)

    def timeline_retracted(self, track_id: str | None, moment: Moment = Moment(), date_from: date | None = None,
                           date_to: date | None = None) -> list[EventRow]:
        """The events `timeline` leaves out as retracted: those it would list otherwise (on the
        track, in [date_from, date_to], happened by the moment and known then), retracted as known
        then. Found from the retractions known then, not by reading the whole timeline."""
        known = Moment(known_at=moment.known_at)  # a retraction takes effect whatever day it is dated
        retractions = EventFilter(types=("retraction",))
        logged = self.events(retractions, known, limit=max(1, self.count_events(retractions, known)))
        occurred_to, _ = moment.within(date_to, None)
        targets = dict.fromkeys(str(getattr(r.event, "target", "")) for r in logged)  # known then, as its retraction is
        rows = [self.event(target, moment) for target in targets if target]
        return [row for row in rows if row is not None and row.retracted and row.event.type not in NOT_HAPPENINGS
                and (track_id is None or track_id in row.event.tracks)
                and (date_from is None or row.event.occurred.latest >= date_from)
                and (occurred_to is None or row.event.occurred.earliest <= occurred_to)]

    def timeline_total(self, track_id: str | None, moment: Moment = Moment(), date_from: date | None = None,
                       date_to: date | None = None) -> int:
        """How many entries `timeline` lists without a limit, counted in the log's index rather
        than folded: the events that had happened by the moment and were known then, less actor
        descriptions and record keeping, less those retracted."""
        f = EventFilter(tracks=(track_id,) if track_id else (), occurred_from=date_from, occurred_to=date_to)
        listed = self.count_events(f, moment) - self.count_events(replace(f, types=tuple(sorted(NOT_HAPPENINGS))), moment)
        return listed - len(self.timeline_retracted(track_id, moment, date_from, date_to))

    @staticmethod
    def _prepared(rm: ReadModel, evs: Sequence[Ev], moment: Moment) -> list[Ev]:
        return prepare_with(evs, rm.amendments_for([e.id for e in evs], moment.known_text), moment)

    @staticmethod
    def _wanted(ev: Ev, track: str | None, date_from: date | None, date_to: date | None) -> bool:
        return (ev.body["type"] not in NOT_HAPPENINGS and (track is None or track in ev.body["tracks"])
                and in_range(ev, date_from, date_to))

    def dated_days(self, known_at: datetime | None = None) -> list[date]:
        """Sorted distinct days on which something may first have happened (occurred.earliest),
        for stepping a view from one dated event to the next."""
        return [date.fromisoformat(d) for d in self.store.happening_days(Moment(known_at=known_at).known_text)]

    # -- actors -------------------------------------------------------------------------------
    def actors(self) -> list[ActorInfo]:
        """The actors in the record as it stands now (`actor_roster().live`), by id: each as
        described now, or with its id for a name if it is not described."""
        return self.actor_roster().live

    @paused_collector
    def actor_roster(self) -> ActorRoster:
        """Every actor the log names, live or hidden: an actor is live while it is described, or
        an event as it now stands (corrections applied, retractions dropped) names it; one named
        only by retracted events, or by events corrected not to name it, is hidden. The one rule
        of which actors a list shows, whatever the view."""
        rm = self._read_model()
        logged = self.actor_ids()
        if not rm.current():
            facts = prepare(rm.all_events())
            found = registry(facts)
            live = set(found) | {a for e in facts for a in named_by(e.body)}
        else:
            found = rm.registry_for(logged + rm.described_actor_ids(), Moment())
            # Described actors are live at once: only the others need their events read.
            live = set(found) | {a for a in logged if a not in found and self._still_named(rm, a)}
        return ActorRoster(live=[found.get(a) or ActorInfo(id=a, name=a) for a in sorted(live)],
                           hidden=[self._as_logged(rm, a) for a in sorted(set(logged) - live)])

    def _still_named(self, rm: ReadModel, actor: str) -> bool:
        """Whether an event, as it stands now, names the actor: its events as logged, in chunks,
        stopping at the first that does (most actors are named by their first event)."""
        positions = self.store.actor_positions(actor)
        for start in range(0, len(positions), _ACTOR_CHUNK):
            evs = rm.fetch_positions(positions[start:start + _ACTOR_CHUNK])
            if any(names(actor, e.body) for e in self._prepared(rm, evs, Moment())):
                return True
        return False

    def _as_logged(self, rm: ReadModel, actor: str) -> ActorInfo:
        """A hidden actor as its last description in the log said, retracted or not."""
        described = [e for e in rm.fetch_positions(self.store.actor_positions(actor))
                     if e.type == "actor_described" and e.body["actor"] == actor]
        return actor_info(actor, described) or ActorInfo(id=actor, name=actor)

    @paused_collector
    def actor(self, actor_id: str, moment: Moment = Moment()) -> ActorState | None:
        """Who said what, on which tracks; the actor's latest stance per track and issue."""
        rm = self._read_model()
        if not rm.current():
            facts = prepare(rm.all_events(), moment)
            return fold_actor(actor_id, facts, claims_index(facts), registry(facts).get(actor_id), moment.as_of)
        positions = self.store.actor_positions(actor_id) + rm.moved_positions(moment)
        facts = self._prepared(rm, rm.fetch_positions(sorted(set(positions))), moment)
        info = rm.registry_for([actor_id], moment).get(actor_id)
        claims = rm.claims_for([e.id for e in facts], moment)
        return fold_actor(actor_id, facts, claims, info, moment.as_of)

    # -- provenance ---------------------------------------------------------------------------
    @paused_collector
    def why(self, event_ids: Sequence[str]) -> list[StoredEvent]:
        """The events behind a fact, then what bears on them: corrections, retractions, claim
        status changes (each with its sources), in log order."""
        rm = self._read_model()
        first = self.store.get_many(event_ids)
        seen = {e.id for e in first}
        related: list[StoredEvent] = []
        frontier = [e.id for e in first]
        while frontier:
            found = [self.store.at(p) for p in rm.bearing_on(frontier)]
            frontier = []
            for e in found:
                if e is not None and e.id not in seen:
                    seen.add(e.id)
                    related.append(e)
                    frontier.append(e.id)
        return first + sorted(related, key=lambda e: e.position)

    @paused_collector
    def provenance(self, track_id: str, path: Sequence[str], moment: Moment = Moment()) -> Provenance | None:
        """Every event behind the fact a why path names ('parties usa', 'stances rus ISSUE',
        'meetings ID' ...) as it stood at `moment`, by date then position, each with its role (it
        sets the fact, corroborates it, was superseded, or bears on one of them: a correction,
        retraction or claim status change); projections.provenance. None if nothing is known
        about the track then; UnknownField / UnknownFact (projections.provenance) for a path that names
        nothing."""
        state = self.track(track_id, moment)
        if state is None:
            return None
        what, ids = sources_of(state, path)
        facts, found = self._track_facts(track_id, moment)
        notes = record(facts, track_id)
        field_name, *rest = what.split()
        traced = trace(field_name, rest, ids, facts, notes, lambda actor: side_of(actor, found))
        _, claims = self._amendments([t.event.id for t in traced], moment)
        graded = self.grades(moment)
        entries = []
        for t in traced:
            event = EVENT_ADAPTER.validate_python(t.event.body)
            entries.append(ProvenanceEntry(
                t.role, t.event.position, event, t.event.corrected,
                claim_status(t.event.id, t.event.body.get("status", "confirmed"), claims),
                tuple(graded.of(src) for src in event.sources)))
        backing = support((src for x in entries if x.role in ("sets", "corroborates") for src in x.event.sources), graded)
        listed = {t.event.id for t in traced}
        for e in self.why(list(listed)):  # what bears on them, as known at the moment
            recorded, happened = e.event.recorded_at, e.event.occurred.earliest
            if (e.id in listed or (moment.known_at is not None and recorded is not None and recorded > moment.known_at)
                    or (e.event.type not in AMENDMENT_TYPES and moment.as_of is not None and happened > moment.as_of)):
                continue  # (record-keeping acts count by when they were logged only: projections.moment)
            entries.append(ProvenanceEntry("bears on", e.position, e.event, claim_status=e.event.status,
                                           grades=tuple(graded.of(src) for src in e.event.sources)))
        entries.sort(key=lambda x: (x.event.occurred.earliest, x.position))
        loggers = self.store.loggers([x.position for x in entries])
        entries = [replace(x, recorded_by=loggers.get(x.position, "unknown")) for x in entries]
        return Provenance(track_id, what, moment.label(), ids, tuple(entries), backing)

    def _track_facts(self, track_id: str, moment: Moment) -> tuple[list[Ev], Mapping[str, ActorInfo]]:
        """A track's facts prepared for `moment` (as the fold reads them), and the actors they name."""
        rm = self._read_model()
        if rm.current():
            positions = {p for page in rm.timeline_page_positions(track_id, moment.valid_bound, moment) for p in page}
            evs = rm.fetch_positions(sorted(positions | set(rm.moved_positions(moment))))
            facts = [e for e in self._prepared(rm, evs, moment) if track_id in e.body["tracks"]]
            return facts, rm.registry_for({a for e in facts for a in named_by(e.body)}, moment)
        everything = prepare(rm.all_events(), moment)
        return [e for e in everything if track_id in e.body["tracks"]], registry(everything)

    def grades(self, moment: Moment = Moment()) -> Grades:
        """The reliability of each graded outlet at `moment` (source_graded events, log-wide: a
        later grade replaces an earlier one; a retracted or denied grade counts for nothing)."""
        rows = self.events(EventFilter(types=("source_graded",)), moment, limit=100_000, newest_first=False)
        live = sorted((r for r in rows if not r.retracted and r.claim_status != "denied"),
                      key=lambda r: (r.event.occurred.earliest, r.position))
        return grades_from((e.outlet, e.reliability) for r in live if isinstance(e := r.event, SourceGraded))

    def _unreadable(self, exc: ValidationError) -> UnreadableEvent:
        walk = (self._integrity or self.check()).walk
        if walk.unreadable:
            first = walk.unreadable[0]
            if walk.unreadable_count == 1:
                return UnreadableEvent(f"this needs an event this release cannot read (written by an earlier "
                                       f"release?): {first}; 'tracker verify' lists it")
            return UnreadableEvent(f"this needs events this release cannot read (written by an earlier release?): "
                                   f"the log holds {walk.unreadable_count}, the first at {first}; 'tracker verify' "
                                   "lists them all")
        problems = "; ".join(str(p) for p in validation_problems(exc, None, None)[:3])
        return UnreadableEvent(f"an event in the log, as recorded or as corrected, cannot be read by this release "
                               f"({problems}): 'tracker verify' lists the events it cannot read")


class UnknownEvent(StoreError):
    """An event reference (a position or an id) that names no event in the log."""


# A position as `tracker events` shows it: a plain number, or '#114' as `tracker why` prints it
# (a ULID is 26 characters, never this short).
_POSITION = re.compile(r"#?\s*(\d{1,18})")
EVENT_REF_FIELDS = ("target",)  # the event fields that hold another event's id


class UnreadableEvent(StoreError):
    """A view needed an event this release refuses (a date an earlier release let through)."""


_M = TypeVar("_M", bound=Callable[..., Any])


def _readable(method: _M) -> _M:
    @functools.wraps(method)
    def wrapper(self: Tracker, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except ValidationError as exc:
            raise self._unreadable(exc) from None
    return wrapper  # type: ignore[return-value]


# Folding validates the events a view needs into their models, deep inside the projections; an
# event this release refuses (logged by an earlier release with looser rules) raises pydantic's
# ValidationError there. Every read that folds says instead which event it is (UnreadableEvent).
for _name in ("resolve_event", "events", "event", "as_known", "amendments_of", "choices", "rebuild", "tracks", "kept_tracks",
              "track", "diff", "timeline", "actors", "actor_roster", "actor", "why", "provenance"):
    setattr(Tracker, _name, _readable(getattr(Tracker, _name)))


__all__ = [
    "CREDIBILITY",
    "EVENT_REF_FIELDS",
    "IMPORT_PROGRESS",
    "RELIABILITY",
    "ActorInfo",
    "ActorRoster",
    "ActorState",
    "Backing",
    "Choices",
    "ConcurrencyConflict",
    "Digest",
    "EventFilter",
    "EventRow",
    "Grades",
    "Head",
    "IdConflict",
    "ImportReport",
    "InvalidEvents",
    "MissingDatabase",
    "Moment",
    "Problem",
    "Progress",
    "Provenance",
    "ProvenanceEntry",
    "ReadOnlyStore",
    "RebuildReport",
    "StoreError",
    "StoredEvent",
    "TimelineEntry",
    "TrackCount",
    "TrackDiff",
    "TrackDigest",
    "TrackState",
    "Tracker",
    "UnknownEvent",
    "UnknownFact",
    "UnknownField",
    "UnreadableEvent",
    "VerifyResult",
    "Waiting",
    "claim_mark",
    "demo_lines",
    "fact_key",
    "firmness",
    "init_server",
    "is_server",
]

"""The terminal UI application: it owns the service (tracker.service), the moment shown, and little else.

State every view follows lives in reactives here:
- `moment`: the point in time shown (`projections.replay.Moment`; `Moment()` is "now");
- `log_version`: bumped whenever the log grows (our own append, or another process's commit,
  noticed by polling `Tracker.data_version()` once a second);
- `integrity`: the result of `Tracker.verify()`, run in a worker once the first screen has loaded;
- `long_work`: what long work the log is doing for us, if any ("building the read model: 12,000 /
  200,000 events", "waiting for another writer to finish: 3 s"), shown on every view while it lasts.

Screens watch them and reload in their own workers. They reach the log only through the service:
`read()` (our own connection, for writing), `browse()` (read-only connections for paging and
counting) and `project()` (a service method run in the projection process).
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import json
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.worker import get_current_worker

from events.dates import end_of_day
from tracker.service import Moment, StoredEvent, StoreError, Tracker, VerifyResult, is_server
from tracker.textsafe import printable
from tracker.workers import worker_pool
from tui.commands import TrackerCommands
from tui.dialogs.correction import CorrectionScreen
from tui.dialogs.help import HelpScreen
from tui.dialogs.jump import JumpScreen
from tui.dialogs.log_event import LogEventScreen, Prefill
from tui.dialogs.retraction import RetractionScreen
from tui.screens.actors import ActorsScreen
from tui.screens.diff import DiffScreen
from tui.screens.events import EventLogScreen
from tui.screens.track import TrackScreen
from tui.screens.tracks import TracksScreen

T = TypeVar("T")
P = ParamSpec("P")

VIEWS = Binding.Group("Views")
TIME = Binding.Group("Time travel")
THEMES = ("textual-dark", "textual-light", "nord", "gruvbox", "tokyo-night")
POLL_SECONDS = 1.0
SERVER_POLL_SECONDS = 0.25
WORK_POLL_SECONDS = 0.1  # how often a view waiting on the projection process looks at what it is doing
BOARD_BYTES = 4096
VERIFY_AFTER_SECONDS = 2.0  # start the startup verify by then even if the first screen is still loading


def progress_text(done: int, total: int, what: str) -> str:
    """The line a view shows while the read model is built (Tracker.watch's progress)."""
    return f"building the read model: {done:,} / {total:,} {what}"


def waiting_text(seconds: float) -> str:
    return f"waiting for another writer to finish: {seconds:.0f} s"


# -- the projection process ------------------------------------------------------------------
# What the child process runs: a method of the service on a connection of its own.
_trackers: dict[tuple[str, bool], Tracker] = {}
_MAX_TRACKERS = 8
# In the child: where it says what long work it is doing (a shared buffer the parent reads while it
# waits for the result; see ProjectionProcess.work).
_board: Any = None


def _tracker(path: str, readonly: bool) -> Tracker:
    key = (path, readonly)
    tracker = _trackers.get(key)
    if tracker is None:
        if len(_trackers) >= _MAX_TRACKERS:  # a long test session opens many; keep a few
            _trackers.pop(next(iter(_trackers))).close()
        tracker = _trackers[key] = Tracker.open(path, readonly=True) if readonly else Tracker.open_any(path)
    return tracker


def run_query(path: str, readonly: bool, method: Callable[..., Any], args: tuple[Any, ...],
              kwargs: dict[str, Any]) -> Any:
    """`method(tracker, *args, **kwargs)`, a method of `Tracker`, on this process's own connection."""
    tracker = _tracker(path, readonly)
    if _board is None:
        return method(tracker, *args, **kwargs)
    tracker.watch(progress=lambda done, total, what: _post(path, progress_text(done, total, what)),
                  waiting=lambda seconds, over: _post(path, None if over else waiting_text(seconds)))
    try:
        return method(tracker, *args, **kwargs)
    finally:
        _post(path, None)  # before the result is sent: the parent never sees a finished call's line


def _post(path: str, text: str | None) -> None:
    raw = json.dumps({"path": path, "text": text}).encode() if text is not None else b""
    if len(raw) >= BOARD_BYTES:  # a very long path: say it for whichever log is open
        raw = json.dumps({"path": None, "text": text}).encode()[: BOARD_BYTES - 1]
    with _board.get_lock():
        _board.value = raw


def _child_setup(board: Any) -> None:
    global _board
    _board = board
    _quiet_child()


def _quiet_child() -> None:
    """In the child: never touch the terminal the UI is drawing on."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)


class ProjectionProcess:
    """Child processes that run the service's reads and `verify` (see `run_query`).

    Folding a million events, or walking its hash chain, is CPU-bound Python; in a thread it would
    hold the GIL and make every key press wait. In processes of their own they cannot. There is one
    child per lane ("queries", and "verify" so a long walk never delays a view), shared by every app
    in this interpreter (tests start many) and stopped at exit. If a child cannot be started, the
    work runs in threads instead.
    """

    _pools: dict[str, ProcessPoolExecutor] = {}
    _boards: dict[str, Any] = {}  # lane -> the shared buffer its child writes its long work into
    _lock = threading.Lock()
    _failed = False

    @classmethod
    def prepare(cls) -> None:
        """Start multiprocessing's resource tracker while stderr is still the real one (a running
        Textual app replaces it, and the tracker cannot be started without it)."""
        try:
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
        except (OSError, ValueError):
            cls._failed = True

    @classmethod
    def pool(cls, lane: str = "queries") -> ProcessPoolExecutor | None:
        with cls._lock:
            if lane not in cls._pools and not cls._failed:
                try:
                    board = multiprocessing.get_context("spawn").Array("c", BOARD_BYTES)
                    cls._pools[lane] = worker_pool(1, initializer=functools.partial(_child_setup, board))
                    cls._boards[lane] = board
                    atexit.register(cls.stop)
                except (OSError, ValueError, NotImplementedError):
                    cls._failed = True
            return cls._pools.get(lane)

    @classmethod
    def work(cls, lane: str, path: str) -> str | None:
        """What the lane's child says it is doing for the log at `path` (long work only), if anything."""
        board = cls._boards.get(lane)
        if board is None:
            return None
        with board.get_lock():
            raw = board.value
        if not raw:
            return None
        try:
            said = json.loads(raw)
        except ValueError:
            return None
        return str(said["text"]) if said.get("path") in (path, None) and said.get("text") else None

    @classmethod
    def broken(cls, lane: str) -> None:
        with cls._lock:
            cls._pools.pop(lane, None)
            cls._boards.pop(lane, None)

    @classmethod
    def stop(cls) -> None:
        """Stop the children now, even in the middle of a fold (SQLite rolls back what it was writing)."""
        with cls._lock:
            pools, cls._pools = list(cls._pools.values()), {}
            cls._boards = {}
        for pool in pools:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            # Let the pool's manager thread finish closing its wake-up pipe before the interpreter's
            # exit hook (concurrent.futures' _python_exit) writes to it: racing it printed an
            # OSError traceback on quit, seen once under load in CI.
            manager = getattr(pool, "_executor_manager_thread", None)
            if manager is not None and manager is not threading.current_thread():
                manager.join(timeout=2)
            # Let the pool's manager thread finish closing its wake-up pipe before the interpreter
            # exits: on Python 3.11, concurrent.futures' own exit hook can otherwise write to that
            # pipe while it closes ("OSError: Bad file descriptor" printed after quitting).
            manager = getattr(pool, "_executor_manager_thread", None)
            if manager is not None and manager is not threading.current_thread():
                manager.join(timeout=5)


class TrackerApp(App[None]):
    """Browse every negotiation track, log developments as they happen, travel in time."""

    CSS_PATH = "tracker.tcss"
    TITLE = "Diplomacy tracker"
    COMMANDS = App.COMMANDS | {TrackerCommands}
    MODES = {
        "tracks": TracksScreen,
        "events": EventLogScreen,
        "actors": ActorsScreen,
        "diff": DiffScreen,
    }
    DEFAULT_MODE = "tracks"
    BINDINGS = [
        Binding("1", "view('tracks')", "Tracks", group=VIEWS),
        Binding("2", "view('events')", "Events", group=VIEWS),
        Binding("3", "view('actors')", "Actors", group=VIEWS),
        Binding("4", "view('diff')", "Diff", group=VIEWS),
        Binding("left_square_bracket", "step(-1)", "Earlier", group=TIME, key_display="["),
        Binding("right_square_bracket", "step(1)", "Later", group=TIME, key_display="]"),
        Binding("t", "jump", "Go to date", group=TIME),
        Binding("T", "now", "Now", group=TIME, key_display="T"),
        Binding("k", "toggle_known", "Known then/now", group=TIME),
        Binding("n", "log_event", "Log event"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("q", "request_quit", "Quit"),
    ]

    moment: reactive[Moment] = reactive(Moment, init=False)
    log_version: reactive[int] = reactive(0, init=False)
    cursor_to: tuple[str, ...] = ()  # event ids the views' cursors go to after our own append (see `appended`)
    integrity: reactive[VerifyResult | None] = reactive(None, init=False)
    long_work: reactive[str | None] = reactive(None, init=False)

    def __init__(self, path: str | Path, *, readonly: bool = False, poll: bool = True,
                 verify: bool = True, isolate: bool = True) -> None:
        super().__init__()
        # A file, or a team's server log by its URL (kept as text: a Path would mangle it).
        self.path: str | Path = path if is_server(path) else Path(path)
        self.tracker = Tracker.open(self.path, readonly=True) if readonly else Tracker.open_any(self.path)
        self.readonly = self.tracker.readonly
        # Long work on our own connection (a write waiting for the lock; a build, without the
        # projection process) is shown as it goes, like the child's (see _in_child).
        self.tracker.watch(progress=lambda done, total, what: self.show_work(progress_text(done, total, what)),
                           waiting=lambda seconds, over: self.show_work(None if over else waiting_text(seconds)))
        self._work_shown = False
        self._db_lock = threading.RLock()
        # Browsing gets connections of its own, so paging through the log never waits behind a
        # projection being folded or a count over a million rows (SQLite's WAL lets them read
        # side by side). Each connection is used by one thread at a time, under its lock.
        self._readers: dict[str, tuple[Tracker, threading.RLock]] = {}
        self._readers_lock = threading.Lock()
        self._poll = poll
        self._verify = verify
        self._verify_started = False
        self._isolate = isolate
        if isolate:
            ProjectionProcess.prepare()
        self._seen_version: int | None = None
        self._seen_head: int | None = None
        self.track_titles: dict[str, str] = {}  # filled by the tracks view, for the palette
        self.last_track: str | None = None
        self.known_follows = False  # k: "as known on" the day shown, rather than as known now
        name = self.tracker.location if is_server(self.path) else Path(self.path).name
        self.sub_title = self._sub_title = f"{printable(name)}{'  (read-only)' if self.readonly else ''}"

    # -- the log, through the service ---------------------------------------------------------
    def read(self, fn: Callable[[Tracker], T]) -> T:
        """Run `fn(tracker)` with our own (writable) connection (call from worker threads)."""
        with self._db_lock:
            try:
                return fn(self.tracker)
            finally:
                if self._work_shown:
                    self.show_work(None)

    class WorkSaid(Message):
        """What long work is going on (`TrackerApp.long_work`), said from any thread."""

        def __init__(self, text: str | None) -> None:
            super().__init__()
            self.text = text

    def show_work(self, text: str | None) -> None:
        """Say what long work is going on (None: it is over), from any thread. Never waits for the
        UI (a message, not call_from_thread): a worker finishing as the app quits cannot hang on it."""
        if text is not None:
            self._work_shown = True
        elif not self._work_shown:
            return
        else:
            self._work_shown = False
        self.post_message(self.WorkSaid(text))

    def on_tracker_app_work_said(self, message: WorkSaid) -> None:
        self.long_work = message.text

    def watch_long_work(self, text: str | None) -> None:
        # Each view shows it under its time bar (screens.base.WorkLine); a dialog open over the view
        # (the log form, waiting to write) hides that line, but not the header.
        modal = text is not None and isinstance(self.screen, ModalScreen)
        self.sub_title = f"{self._sub_title}  ·  {text}" if modal else self._sub_title

    def project(self, method: Callable[Concatenate[Tracker, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`method(tracker, *args, **kwargs)` for a method of `Tracker`, folded in the projection
        process: `self.app.project(Tracker.track, track_id, moment)`.

        Call from a thread worker; if the worker is cancelled meanwhile, a query still waiting
        its turn is dropped."""
        return self._in_child("queries", method, args, kwargs)

    def _in_child(self, lane: str, method: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
        readonly = self.readonly or lane == "verify"
        pool = ProjectionProcess.pool(lane) if self._isolate else None
        if pool is not None:
            try:
                future: Future[T] = pool.submit(run_query, str(self.path), readonly, method, args, kwargs)
            except (BrokenProcessPool, RuntimeError):
                ProjectionProcess.broken(lane)
            else:
                try:
                    worker = get_current_worker()
                except Exception:  # noqa: BLE001 - not in a worker: just wait
                    worker = None
                said: str | None = None
                try:
                    while True:
                        try:
                            return future.result(timeout=WORK_POLL_SECONDS)
                        except TimeoutError:
                            if worker is not None and worker.is_cancelled and future.cancel():
                                raise asyncio.CancelledError from None
                            # Meanwhile: is the child doing long work for us? Say what and how far.
                            now = ProjectionProcess.work(lane, str(self.path))
                            if now is not None and now != said:
                                self.show_work(now)
                            said = now or said
                        except BrokenProcessPool:
                            ProjectionProcess.broken(lane)
                            break
                finally:
                    if said is not None:
                        self.show_work(None)
        if lane == "verify":
            return self.browse(lambda tracker: method(tracker, *args, **kwargs), "verify")
        return self.read(lambda tracker: method(tracker, *args, **kwargs))

    def browse(self, fn: Callable[[Tracker], T], purpose: str = "page") -> T:
        """Run `fn(tracker)` on a read-only connection kept for `purpose` ("page": the rows on
        screen; "scan": counts, completions and other slower look-ups)."""
        if purpose not in self._readers:
            with self._readers_lock:
                if purpose not in self._readers:
                    try:
                        reader: Tracker | None = Tracker.open(self.path, readonly=True)
                    except (StoreError, OSError):
                        reader = None
                    self._readers[purpose] = (reader, threading.RLock()) if reader else (self.tracker, self._db_lock)
        tracker, lock = self._readers[purpose]
        with lock:
            return fn(tracker)

    def on_mount(self) -> None:
        if self._verify:
            # The walk of a big chain takes a core for seconds: let the first screen load first (it
            # calls start_verify when it shows its data), or start anyway after a short while.
            self.set_timer(VERIFY_AFTER_SECONDS, self.start_verify)
        if self._poll:
            self.check_for_changes()
            # A server log's check looks only for a notification on its socket: cheap enough to make
            # often, so another analyst's event shows within a second.
            self.set_interval(SERVER_POLL_SECONDS if is_server(self.path) else POLL_SECONDS, self.check_for_changes)

    def on_unmount(self) -> None:
        for tracker, lock in list(self._readers.values()):
            if tracker is not self.tracker:
                with lock:
                    tracker.close()
        with self._db_lock:
            try:
                self.tracker.close()
            except Exception:  # noqa: BLE001 - quitting: nothing left to save
                pass

    def start_verify(self) -> None:
        """Verify the hash chain once, in the background; the banner shows what it found."""
        if self._verify and not self._verify_started:
            self._verify_started = True
            self.verify_log()

    @work(thread=True, exit_on_error=False, exclusive=True, group="verify", name="verify the hash chain")
    def verify_log(self) -> None:
        result = self._in_child("verify", Tracker.verify, (), {})
        self.call_from_thread(setattr, self, "integrity", result)
        for warning in result.warnings():  # a log cut short or rewritten (tracker.store.heads)
            self.call_from_thread(self.notify, warning, title="Log integrity", severity="warning", timeout=30,
                                  markup=False)

    def check_for_changes(self) -> None:
        """Cheap poll (a pragma, then the head position) on a connection of its own: has the log
        grown since we last looked? Another process's `tracker log` or import, typically."""
        try:
            head = self.browse(self._head_if_changed, "poll")
        except Exception:  # noqa: BLE001 - a busy or vanished file: look again at the next poll
            return
        if head is not None and head != self._seen_head:
            first = self._seen_head is None
            self._seen_head = head
            if not first:
                self.log_version += 1

    def _head_if_changed(self, tracker: Tracker) -> int | None:
        version = tracker.data_version()
        if version == self._seen_version and self._seen_head is not None:
            return None
        self._seen_version = version
        return tracker.head()[0]

    def appended(self, stored: StoredEvent | None) -> None:
        """We appended an event ourselves: every view shows it at once, its cursor on it.

        `cursor_to` names the rows the views put their cursor on as they reload for it, most wanted
        first (event_list.CursorTarget). A new event: its own row. A correction or retraction: the
        row of the event it amends, since that row shows what the user changed (corrected text,
        struck through) and is where they were; the amendment's own row is record keeping, taken
        only where the amended event is not listed (a retraction in a timeline, which leaves
        retracted events out, keeps the cursor in place instead: neither row is there)."""
        self._seen_version = None  # the next poll looks at the head again and finds it known
        if stored is not None:
            self._seen_head = max(self._seen_head or 0, stored.position)
            target = getattr(stored.event, "target", None)
            self.cursor_to = (stored.id,)
            if stored.event.type in ("correction", "retraction") and isinstance(target, str):
                self.cursor_to = (target, stored.id)
        self.log_version += 1
        if stored is not None:
            self.notify(f"Logged #{stored.position}: {stored.event.type.replace('_', ' ')}",
                        title="Event logged", markup=False)

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Inside a dialog, the global keys stay out of the way (typing '[' in a field is text).
        return not (isinstance(self.screen, ModalScreen) and action in {
            "view", "step", "jump", "now", "toggle_known", "log_event", "help", "request_quit",
        })

    async def action_view(self, mode: str) -> None:
        await self.switch_mode(mode)

    def action_step(self, direction: int) -> None:
        self.step_moment(direction)

    @work(thread=True, exit_on_error=False, exclusive=True, group="step", name="step in time")
    def step_moment(self, direction: int) -> None:
        days = self.project(Tracker.dated_days)
        current = self.moment.as_of
        target: date | None
        if direction < 0:
            reference = current or date.today()
            earlier = [d for d in days if d < reference] if current else [d for d in days if d <= reference]
            if not earlier:
                self.call_from_thread(self.notify, "No dated event before this moment.", severity="warning")
                return
            target = max(earlier)
        else:
            if current is None:
                self.call_from_thread(self.notify, "Already showing now.")
                return
            later = [d for d in days if d > current]
            target = min(later) if later else None
        self.call_from_thread(self.travel_to, target)

    def moment_on(self, day: date) -> Moment:
        """Things as they stood on `day`: as known now, or as known then when the second axis
        follows the first (k)."""
        return Moment(as_of=day, known_at=end_of_day(day) if self.known_follows else None)

    def travel_to(self, day: date | None, known_on: date | str | None = "keep") -> None:
        """Show the moment `day` (None: now). `known_on`: "keep" the current rule for the second
        axis (as known now, as known then, or a fixed day), None for now, or a day."""
        if day is None:
            if isinstance(known_on, date):  # as things stand now, as far as they were known then
                self.known_follows = False
                self.moment = Moment(known_at=end_of_day(known_on))
            else:
                self.moment = Moment()
            return
        if known_on == "keep":
            current = self.moment.known_at
            if self.known_follows or current is None or (self.moment.as_of and current == end_of_day(self.moment.as_of)):
                self.moment = self.moment_on(day)
            else:
                self.moment = Moment(as_of=day, known_at=current)
            return
        if known_on is None or isinstance(known_on, str):
            self.known_follows = False
            self.moment = Moment(as_of=day)
            return
        self.known_follows = known_on == day
        self.moment = Moment(as_of=day, known_at=end_of_day(known_on))

    def action_toggle_known(self) -> None:
        """Second axis: as known now <-> as known on the day shown."""
        self.known_follows = not self.known_follows
        day = self.moment.as_of
        if day is not None:
            self.moment = Moment(as_of=day, known_at=end_of_day(day) if self.known_follows else None)
        self.notify("As known on the day shown (what had been logged by then)." if self.known_follows
                    else "As known now (everything logged since, too).", title="Second time axis")

    def action_now(self) -> None:
        self.moment = Moment()

    def action_jump(self) -> None:
        def done(result: tuple[date | None, date | str | None] | None) -> None:
            if result is not None:
                self.travel_to(*result)

        self.push_screen(JumpScreen(self.moment), done)

    def action_log_event(self, prefill: Prefill | None = None) -> None:
        if self.readonly:
            self.notify(f"{self.tracker.location} is read-only: it can be browsed, but nothing can be logged to it.",
                        title="Cannot log", severity="error", markup=False)
            return
        if prefill is None:
            # The view we log from knows what the event is about (a track's screen: that track).
            ask = getattr(self.screen, "log_prefill", None)
            prefill = ask() if callable(ask) else None
        self.push_screen(LogEventScreen(prefill), self.appended)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    async def action_request_quit(self) -> None:
        self.exit()

    def action_toggle_theme(self) -> None:
        current = self.theme if self.theme in THEMES else THEMES[-1]
        self.theme = THEMES[(THEMES.index(current) + 1) % len(THEMES)]

    def load_track_titles(self) -> None:
        """For the palette: every track's title (call from a worker thread)."""
        try:
            states = self.project(Tracker.tracks, Moment())
            self.track_titles = {s.track: s.title for s in states}
        except Exception:  # noqa: BLE001 - fall back to the bare ids
            self.track_titles = {t: t for t in self.read(Tracker.track_ids)}

    async def open_track(self, track_id: str) -> None:
        """Show one track (from the palette, or anywhere)."""
        await self.switch_mode("tracks")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.last_track = track_id
        await self.push_screen(TrackScreen(track_id))

    async def show_events(self, track: str | None = None) -> None:
        """The event log, filtered on one track."""
        await self.switch_mode("events")
        screen = self.screen
        if isinstance(screen, EventLogScreen):
            screen.show_track(track)

    def amend(self, stored: StoredEvent, kind: str) -> None:
        """Start a correction or a retraction of `stored`."""
        if self.readonly:
            self.action_log_event()  # says why not
            return
        if kind == "correct":
            self.push_screen(CorrectionScreen(stored), self.appended)
        else:
            self.push_screen(RetractionScreen(stored), self.appended)


def run(path: str) -> None:
    """Open the terminal UI on the log at `path` (`tracker demo` and `tracker tui` call this)."""
    try:
        TrackerApp(path).run()
    finally:
        ProjectionProcess.stop()

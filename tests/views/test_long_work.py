"""Long work is never silent (issue 16, item 7).

The first command after a big import builds the read model, and `rebuild` rebuilds it: on a
terminal they show a progress bar with counts, on stderr; piped, or with --json, nothing extra. A
write that waits for another writer's lock says so after a second and for how long, then goes
ahead when the lock is free, or fails clearly when $TRACKER_LOCK_TIMEOUT runs out. The terminal
UI's first open says what it is building and how far it has got.

The commands run for real, in a pseudo-terminal (Python's pty module) or piped; the other writer
is a plain sqlite3 connection holding BEGIN IMMEDIATE. A build is reported once it has run for
0.3 s, which depends on the machine: the tests set $TRACKER_PROGRESS_AFTER to 0 so that every
build of their small log is, and $TRACKER_LOCK_TIMEOUT to a few seconds.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from dbcopy import copy_db
from gen import write_jsonl
from run_cli import tracker
from tracker.service import Tracker
from tui.app import ProjectionProcess, TrackerApp
from tui.dialogs.log_event import LogEventScreen
from tui_helpers import SIZE, async_test, screen_text, settle

EVENTS = 30_000  # a build of a second or two, reported from its first STRIDE events on (AT_ONCE)
AT_ONCE = {"TRACKER_PROGRESS_AFTER": "0"}
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\r")


class Terminal:
    """The real `tracker` command with stdin, stdout and stderr on a pseudo-terminal."""

    def __init__(self, *args: str, db: Path, env: dict[str, str] | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
        environ = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "NO_COLOR", "COLUMNS", "LINES")}
        environ.update({"TERM": "xterm-256color", "PYTHONIOENCODING": "utf-8", **(env or {})})
        self.proc = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(db), *args], stdin=slave,
                                     stdout=slave, stderr=slave, env=environ, close_fds=True)
        os.close(slave)
        self.master = master
        self.raw = b""

    @property
    def text(self) -> str:
        """Everything written so far, escape sequences and carriage returns taken out."""
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the command has exited and closed the terminal
            return False
        self.raw += chunk
        return bool(chunk)

    def wait_for(self, seen: Callable[[str], bool], timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if seen(self.text):
                return True
            if not self._read(0.05) and self.proc.poll() is not None:
                return seen(self.text)
        return seen(self.text)

    def finish(self, timeout: float = 120) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(0.05):
            pass
        code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return code


def on_terminal(*args: str, db: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    term = Terminal(*args, db=db, env=env)
    return term.finish(), term.text


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log of EVENTS events just imported (no read model yet); each test takes a copy."""
    folder = tmp_path_factory.mktemp("long-work")
    db = folder / "imported.db"
    done = tracker("import", str(write_jsonl(folder / "events.jsonl", "lw", EVENTS)), db=db)
    assert done.returncode == 0, done.stderr
    return db


def copy_of(db: Path, folder: Path) -> Path:
    """A copy of the log, its read model as it is (the backup API reads through a WAL left beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    return copy_db(db, folder / "log.db")


COUNTS = re.compile(r"building the read model.*?([\d,]+) / ([\d,]+) events")


def test_first_status_after_a_big_import_shows_a_progress_bar_on_a_terminal_only(
        imported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = on_terminal("status", db=copy_of(imported, tmp_path / "a"), env=AT_ONCE)
    assert code == 0, out
    counts = COUNTS.findall(out)
    assert counts, f"no progress bar with counts:\n{out}"
    assert {total for _, total in counts} == {f"{EVENTS:,}"}
    assert f"{EVENTS:,} / {EVENTS:,} events" in out  # the bar reached the end
    assert "4 tracks, now" in out  # and then the answer, as usual
    assert "Traceback" not in out

    for name, value in AT_ONCE.items():
        monkeypatch.setenv(name, value)
    piped = tracker("status", db=copy_of(imported, tmp_path / "b"))  # the same first build, piped
    assert piped.returncode == 0, piped.stderr
    assert "4 tracks, now" in piped.stdout
    assert piped.stderr == ""
    assert "building" not in piped.stdout


def test_rebuild_shows_a_progress_bar_on_a_terminal_but_not_with_json(imported: Path, tmp_path: Path) -> None:
    db = copy_of(imported, tmp_path)
    code, out = on_terminal("rebuild", db=db, env=AT_ONCE)
    assert code == 0, out
    assert COUNTS.search(out), f"no progress bar with counts:\n{out}"
    assert f"rebuilt the read model from {EVENTS} events" in out

    code, out = on_terminal("rebuild", "--json", db=db, env=AT_ONCE)
    assert code == 0, out
    assert "building the read model" not in out
    assert f'"events": {EVENTS}' in out


# -- waiting for the write lock ---------------------------------------------------------------
def log_args(summary: str) -> list[str]:
    return ["log", "statement-made", "--when", "2025-02-18", "--track", "ukraine-settlement",
            "--speaker", "lavrov", "--issue", "european-peacekeepers", "--stance", "opposes",
            "--summary", summary]


def holding_the_lock(db: Path) -> sqlite3.Connection:
    """Another writer, in the middle of a long write transaction."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    db = tmp_path / "log.db"
    first = tracker(*log_args("Lavrov statement before"), db=db)
    assert first.returncode == 0, first.stderr
    return db


def test_a_write_waiting_for_the_lock_says_so_and_goes_ahead_when_it_is_free(small_log: Path) -> None:
    other = holding_the_lock(small_log)
    term = Terminal(*log_args("Lavrov statement while another writer works"), db=small_log,
                    env={"TRACKER_LOCK_TIMEOUT": "60"})
    try:
        said = term.wait_for(lambda text: re.search(r"waiting for another writer to finish: [2-9] s", text) is not None,
                             timeout=30)
        assert said, f"no waiting message after a few seconds:\n{term.text}"
        assert term.proc.poll() is None  # still waiting, not failed
    finally:
        other.execute("ROLLBACK")  # the other writer finishes
        other.close()
    code = term.finish()
    assert code == 0, term.text
    assert "logged statement_made at position 2" in term.text
    with Tracker.open(small_log, readonly=True) as log:
        assert log.head()[0] == 2


def test_a_write_gives_up_clearly_when_the_lock_timeout_expires(small_log: Path) -> None:
    other = holding_the_lock(small_log)
    try:
        # The same write, piped, alongside.
        piped = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(small_log), *log_args("never written")],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**{k: v for k, v in os.environ.items() if k != "TRACKER_DB"},
                                      "TRACKER_LOCK_TIMEOUT": "1.5"})
        started = time.monotonic()
        code, out = on_terminal(*log_args("never written"), db=small_log, env={"TRACKER_LOCK_TIMEOUT": "2"})
        took = time.monotonic() - started
        _, piped_err = piped.communicate(timeout=60)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert code == 1, out
    assert "waiting for another writer to finish: 1 s" in out
    assert f"error: could not get the write lock on {small_log}: database is locked" in out
    assert "TRACKER_LOCK_TIMEOUT" in out
    assert "Traceback" not in out
    assert took < 20
    # Piped: the same clear error, and no waiting line (stderr is not a terminal).
    assert piped.returncode == 1
    assert "could not get the write lock" in piped_err
    assert "waiting for another writer" not in piped_err
    assert "Traceback" not in piped_err
    with Tracker.open(small_log, readonly=True) as log:
        assert log.head()[0] == 1  # nothing written


# -- the terminal UI --------------------------------------------------------------------------
class RecordingApp(TrackerApp):
    """The app, keeping every long-work line it was given (the screen is only sampled)."""

    CSS_PATH = str(Path(sys.modules[TrackerApp.__module__].__file__ or "").with_name("tracker.tcss"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.said: list[str] = []

    def watch_long_work(self, text: str | None) -> None:
        super().watch_long_work(text)
        if text is not None:
            self.said.append(text)


async def watch_first_load(app: TrackerApp, timeout: float = 90) -> list[str]:
    """Every long-work line the tracks view was seen to show until the tracks were on screen."""
    shown: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await pilot.pause(0.05)
            text = screen_text(app)
            shown += [ln.strip() for ln in text.splitlines() if "building the read model" in ln]
            if "4 tracks" in text:
                break
        await settle(pilot)
        assert "4 tracks" in screen_text(app), screen_text(app)
        assert "building the read model" not in screen_text(app)  # gone once the work is done
    return shown


@pytest.fixture
def report_at_once(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """AT_ONCE here, and in a projection process started afresh (it takes the environment it starts
    with); stopped again afterwards, so later tests get one as usual."""
    for name, value in AT_ONCE.items():
        monkeypatch.setenv(name, value)
    ProjectionProcess.stop()
    yield
    ProjectionProcess.stop()


@pytest.mark.parametrize("isolate", [True, False], ids=["projection-process", "in-process"])
@pytest.mark.usefixtures("report_at_once")
@async_test
async def test_tui_first_open_says_what_it_builds_and_how_far_it_is(imported: Path, tmp_path: Path,
                                                                     isolate: bool) -> None:
    app = RecordingApp(copy_of(imported, tmp_path), poll=False, verify=False, isolate=isolate)
    shown = await watch_first_load(app)
    assert any(COUNTS.search(ln) for ln in shown), f"the loading view never said what it was building: {shown}"
    counts = [m for ln in app.said if (m := COUNTS.search(ln))]
    assert {m.group(2) for m in counts} == {f"{EVENTS:,}"}
    assert len(set(app.said)) >= 2, f"the line did not move: {app.said}"  # it updates as the build goes on
    if not isolate:
        # On our own connection every report reaches the screen (the projection process's are
        # looked at ten times a second): the count goes from the first stride to the end.
        events = [ln for ln in app.said if ln.endswith(" events")]
        assert events[0] == f"building the read model: 256 / {EVENTS:,} events", app.said
        assert events[-1] == f"building the read model: {EVENTS:,} / {EVENTS:,} events", app.said


@async_test
async def test_tui_write_waiting_for_the_lock_says_so_then_logs(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_LOCK_TIMEOUT", "60")
    app = TrackerApp(demo_db, poll=False, verify=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.tracker.head()[0]
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LogEventScreen)
        form.query_one("#f-tracks", Input).value = "ukraine-settlement"
        form.query_one("#t-speaker", Input).value = "lavrov"
        form.query_one("#t-issue", Input).value = "european-peacekeepers"
        form.query_one("#t-stance", Select).value = "opposes"
        form.query_one("#f-when", Input).value = "18 Feb 2025"
        form.query_one("#f-summary", Input).value = "Lavrov statement while another writer works"
        await settle(pilot)
        other = holding_the_lock(demo_db)
        try:
            await pilot.press("ctrl+s")
            said = ""
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not re.search(r"waiting for another writer to finish: [2-9] s", said):
                await pilot.pause(0.1)
                said = screen_text(app)
            assert "waiting for another writer to finish: 2 s" in said or re.search(
                r"waiting for another writer to finish: [2-9] s", said), said
            assert app.tracker.head()[0] == before  # still waiting, nothing written
        finally:
            other.execute("ROLLBACK")
            other.close()
        deadline = time.monotonic() + 30  # the writer retries the lock on its own clock: wait for it
        while time.monotonic() < deadline and isinstance(app.screen, LogEventScreen):
            await settle(pilot)
        assert not isinstance(app.screen, LogEventScreen)
        assert app.tracker.head()[0] == before + 1
        assert "waiting for another writer" not in screen_text(app)


IMPORTING = re.compile(r"importing.*?([\d,]+) / ([\d,]+) MB read")


def test_an_import_shows_how_much_of_the_file_is_read_on_a_terminal_only(imported: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A big import is not silent on a terminal: a bar with the megabytes read, gone before the
    command says what it imported; piped, nothing but that line."""
    source = imported.parent / "events.jsonl"
    total = -(-source.stat().st_size // 1_000_000)
    code, out = on_terminal("import", str(source), db=tmp_path / "a.db", env=AT_ONCE)
    assert code == 0, out
    counts = IMPORTING.findall(out)
    assert counts, f"no progress bar with counts:\n{out}"
    assert {t for _, t in counts} == {f"{total:,}"}
    assert f"{total:,} / {total:,} MB read" in out  # the bar reached the end
    assert f"imported {EVENTS} events" in out  # and then what was imported, as usual
    assert "Traceback" not in out

    for name, value in AT_ONCE.items():
        monkeypatch.setenv(name, value)
    piped = tracker("import", str(source), db=tmp_path / "b.db")
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == "" and "MB read" not in piped.stdout
    assert piped.stdout.startswith(f"imported {EVENTS} events")

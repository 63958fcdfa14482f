"""Long work, said on the terminal: a progress bar with counts while a file is imported and while
the read model is built (the first command after a big import, `tracker rebuild`), a line while a
write waits for another writer's lock ("waiting for another writer to finish: 3 s").

Both go to stderr, and only when stderr is a terminal: piped or redirected output gets nothing
extra, and so does --json (no progress bar; a write that waits for the lock still says so on the
terminal, since stdout is untouched and a silent wait looks like a hang). Both are Rich displays
(Rich comes with Textual) drawn transiently: gone once the work is done, before the command prints.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from tracker.service import IMPORT_PROGRESS, LIST_CHECK_PROGRESS, VERIFY_PROGRESS, Tracker

WHAT = "building the read model"
# What a bar says it is doing, by what it counts (the read model's phases count events and tracks).
TITLES = {IMPORT_PROGRESS: "importing", VERIFY_PROGRESS: "verifying the chain",
          LIST_CHECK_PROGRESS: "checking the list of tracks"}


def watch(tracker: Tracker) -> None:
    """Show the tracker's long work on this terminal (Context calls it when it opens the log)."""
    if not _is_terminal(sys.stderr):
        return
    try:
        reporter = Reporter()
    except ModuleNotFoundError:  # no Rich: stay silent, as before
        return
    ctx = click.get_current_context(silent=True)
    as_json = bool(ctx is not None and ctx.params.get("as_json"))
    tracker.watch(progress=None if as_json else reporter.progress, waiting=reporter.waiting)
    if ctx is not None:
        ctx.call_on_close(reporter.close)  # an error or Ctrl-C mid-way: give the cursor back


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


class Reporter:
    """The Rich displays: one progress bar per phase of a build, a status line for a wait."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(file=sys.stderr)
        self._bar: Any = None  # rich.progress.Progress of the phase shown
        self._task: Any = None
        self._what = ""
        self._status: Any = None  # rich.status.Status while waiting for the lock

    def progress(self, done: int, total: int, what: str) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        if self._bar is None or what != self._what:
            self._stop_bar()
            # The counts last: on a narrow terminal only the end of the phase's name is cut.
            self._bar = Progress(
                TextColumn(TITLES.get(what, WHAT)), BarColumn(bar_width=20), TimeElapsedColumn(),
                TextColumn("{task.completed:,.0f} / {task.total:,.0f} {task.description}"),
                console=self.console, transient=True, redirect_stdout=False, redirect_stderr=False)
            self._task = self._bar.add_task(what, total=total, completed=done)
            self._what = what
            self._bar.start()
        else:
            self._bar.update(self._task, completed=done, total=total)
        if done >= total:
            self._stop_bar()

    def waiting(self, seconds: float, over: bool) -> None:
        if over:
            self._stop_status()
            return
        text = f"waiting for another writer to finish: {seconds:.0f} s"
        if self._status is None:
            self._status = self.console.status(text)
            self._status.start()
        else:
            self._status.update(text)

    def close(self) -> None:
        self._stop_bar()
        self._stop_status()

    def _stop_bar(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def _stop_status(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

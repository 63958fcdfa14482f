"""Telling a caller how far a long build of the read model has got.

A caller (the service, on behalf of a view) may give the read model a progress callback,
`progress(done, total, what)`: `done` of `total` `what` ("events", "tracks listed"; an import of
a file, "MB read") so far. Quick work says nothing: a phase is first reported once it has run for
REPORT_AFTER seconds (or the seconds in $TRACKER_PROGRESS_AFTER: 0 shows every build), then at
most every REPORT_EVERY seconds, and, if it was reported at all, once more at its end with
`done == total` (so a progress bar can be closed). The fold looks at the clock only every STRIDE
events: a counter and a comparison per event, about 2 ms per 100,000 events, against some 6 s to
rebuild them (a rebuild with the command line's Rich bar drawing was no slower, within the noise).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

Progress = Callable[[int, int, str], None]

REPORT_AFTER = 0.3  # seconds a phase runs before its first report: quick work stays silent
REPORT_AFTER_ENV = "TRACKER_PROGRESS_AFTER"
REPORT_EVERY = 0.1  # seconds between two reports
STRIDE = 256  # events folded between two looks at the clock
IMPORT_PROGRESS = "MB read"  # what an import of a file counts (tracker.store.jsonl.import_file)
VERIFY_PROGRESS = "events verified"  # a walk of the hash chain (tracker.store.sqlite.EventStore.verify)
LIST_CHECK_PROGRESS = "list rows checked"  # verify's check of the kept list of tracks (ReadModel)


class Meter:
    """One phase of a build: `at(done)` as it goes (cheap: it reports only when due), `finish()`."""

    def __init__(self, report: Progress | None, total: int, what: str) -> None:
        self.report = report
        self.total = total
        self.what = what
        self.shown = False
        self._due = time.monotonic() + (_report_after() if report is not None else 0.0)

    def at(self, done: int) -> None:
        if self.report is None:
            return
        now = time.monotonic()
        if now >= self._due:
            self._due = now + REPORT_EVERY
            self.shown = True
            self.report(min(done, self.total), self.total, self.what)

    def finish(self) -> None:
        """The phase is over: a last report with done == total, if it was reported at all."""
        if self.report is not None and self.shown:
            self.report(self.total, self.total, self.what)


def _report_after() -> float:
    try:
        seconds = float(os.environ.get(REPORT_AFTER_ENV, ""))
    except ValueError:
        return REPORT_AFTER  # unset, or not a number
    return seconds if seconds >= 0 else REPORT_AFTER

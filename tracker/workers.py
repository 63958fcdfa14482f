"""Worker processes that do not outlive the process that started them.

A ProcessPoolExecutor's worker waits for work on a queue whose write end it holds itself, so it
never sees the queue close. If its parent is killed (SIGKILL, the OOM killer, a crashed
terminal), it waits there forever: a `tracker import` killed mid-way left its worker behind, as
a TUI killed with its projection process would. Each worker started here watches its parent
and ends when it is gone.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

PARENT_CHECK_SECONDS = 0.5


def worker_pool(max_workers: int, initializer: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of spawned workers (a forked child would share the parent's SQLite handles) that
    end with their parent; `initializer` runs first in each."""
    return ProcessPoolExecutor(max_workers=max_workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(os.getpid(), initializer))


def _start_worker(parent: int, initializer: Callable[[], None] | None) -> None:
    # Ctrl-C in the terminal reaches the whole process group: the parent stops the work and shuts
    # the pool down (rolling back what it was writing); a worker would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_end_with, args=(parent,), name="parent-watch", daemon=True).start()
    if initializer is not None:
        initializer()


def _end_with(parent: int) -> None:
    # An orphan is adopted by another process (init, or a subreaper): its parent id changes.
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)

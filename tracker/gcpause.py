"""Pausing Python's cyclic garbage collector around work that allocates in bulk.

Folding a busy track, importing a file or rebuilding the read model allocates hundreds of
thousands of short-lived containers (parsed event bodies, slots, frozen facts). Reference
counting frees them; they form no cycles. The cyclic collector still counts them, and every so
often runs a full collection that walks every live object, including the caches and
accumulators the work keeps. On the 1M benchmark log that made one as-of query in ten take
130-190 ms longer than the rest. Pausing the collector for the duration removes those pauses;
garbage made meanwhile is collected as usual once it is running again, and what the section
kept is examined once as it ends (the two young generations are collected then). When the first
such section ends, what the process holds by then is frozen (gc.freeze): see `_freeze_once`.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_lock = threading.Lock()
_depth = 0  # sections running now, in any thread: the collector runs again when the last ends
_resume = False  # whether the collector was enabled when the first of them began
_frozen = False  # whether the objects of the process's start have been set aside (gc.freeze)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector paused. Nestable and thread-safe: the collector is
    enabled again when the last such block (in any thread) ends, and only if it was enabled
    before the first one began."""
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _freeze_once()
                if _resume:
                    # What the section kept (caches filled, events parsed) is examined once, now,
                    # and moved to the oldest generation. Left to the collector, each of it was
                    # examined twice, the second time in lumps of ten sections' worth: one as-of
                    # query in ten paid 10-17 ms for it (100 queries: 157 ms in all; now 81-97 ms,
                    # at most 5 ms in one).
                    gc.collect(1)
                    gc.enable()


def _freeze_once() -> None:
    # What exists when the first such section ends is what the process started with: imported
    # modules (pydantic's validators, Textual's widgets), the caches the first query filled. It
    # lives as long as the process, yet every full collection walked it all again: 87 ms each on
    # the 1M log's as-of queries. gc.freeze moves it out of the collector's sight, once.
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


def paused_collector(fn: Callable[P, T]) -> Callable[P, T]:
    """Decorator form of `collector_paused`."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        with collector_paused():
            return fn(*args, **kwargs)

    return wrapper

"""The cyclic collector is paused during queries and imports, and always resumed afterwards."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tracker.gcpause import collector_paused
from tracker.readmodel import ReadModel
from tracker.service import Tracker


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_inside_and_resumed_after_even_on_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("boom")
    assert gc.isenabled()


def test_nested_pauses_resume_only_when_the_outermost_ends() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_in_two_threads_resume_when_both_end() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=other)
    t.start()
    assert inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread is still in its section
    release.set()
    t.join(5)
    assert gc.isenabled()


def test_a_query_runs_with_the_collector_paused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    original = ReadModel.state

    def spy(self: ReadModel, *args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ReadModel, "state", spy)
    with Tracker.open(tmp_path / "log.db") as tracker:
        assert tracker.track("nowhere") is None
    assert seen == [False]
    assert gc.isenabled()


def test_what_a_section_keeps_is_examined_once_as_it_ends() -> None:
    """Containers made while paused and kept afterwards (a cache filled by a query) go to the
    oldest generation as the section ends, so the next sections' collections do not walk them."""
    kept: list[list[int]] = []
    with collector_paused():
        kept.extend([i] for i in range(20_000))
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(kept) in oldest and id(kept[-1]) in oldest

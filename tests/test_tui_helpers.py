"""Shared by the TUI tests: a demo database per test, settling the app, reading what is on screen."""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from tracker.app import load_demo

SIZE = (160, 48)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data loaded once; each test gets its own copy (see `demo_db`)."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    store, _ = load_demo(path)
    store.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database, named demo.db (the name shows in the header)."""
    target = tmp_path / "demo.db"
    with sqlite3.connect(demo_template) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def async_test(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test in its own event loop (no async plugin needed); fixtures pass through."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return wrapper


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and the screen catch up."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: Any) -> str:
    """Exactly what the terminal would show, as text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def test_helpers_module_is_importable() -> None:
    assert SIZE[0] >= 120

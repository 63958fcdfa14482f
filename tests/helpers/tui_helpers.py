"""Shared by the TUI tests: settling the app, reading what is on screen.

The demo database fixtures (`demo_template`, `demo_db`) are in conftest.py, so the tests take them
as parameters without importing them."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.dialogs.log_event import LogEventScreen

SIZE = (160, 48)
# Events in the bundled demo log (the seeds grow as the vocabulary does: count, never pin a number).
DEMO_EVENTS = len((Path(__file__).resolve().parents[2] / "tracker" / "data" / "demo.jsonl").read_bytes().splitlines())


def async_test(fn: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test in its own event loop (no async plugin needed); fixtures pass through."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        asyncio.run(fn(*args, **kwargs))

    return wrapper


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and the screen catch up."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # a screen closed by its own worker (a form dismissed once written) cancels that worker: done
    await pilot.pause()


def screen_text(app: Any) -> str:
    """Exactly what the terminal would show, as text (one line per row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def open_form(app: Any, pilot: Any, track: str | None = None) -> LogEventScreen:
    """The log form, opened with 'n' on the list of tracks or on `track`'s screen."""
    from tui.dialogs.log_event import LogEventScreen

    await settle(pilot)
    if track:
        await app.open_track(track)
        await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, LogEventScreen)
    return form


async def travel(pilot: Any, as_of: str | None = None, known: str | None = None) -> None:
    """Time travel as a user does: 't', the dates typed into the dialog (a field not given keeps
    what the dialog shows), Enter."""
    from textual.widgets import Input

    await pilot.press("t")
    await settle(pilot)
    if as_of is not None:
        pilot.app.screen.query_one("#j-as-of", Input).value = as_of
    if known is not None:
        pilot.app.screen.query_one("#j-known", Input).value = known
    await pilot.press("enter")
    await settle(pilot)


def test_helpers_module_is_importable() -> None:
    assert SIZE[0] >= 120

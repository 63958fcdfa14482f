"""What every full-screen view shares: header, time bar, tamper banner, footer, and reloading.

A view reloads (in its own worker) when the moment shown changes or the log grows. A view that is
not on screen only remembers that it is stale and reloads when it is shown again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from projections.replay import Moment
from tui.widgets.banner import IntegrityBanner
from tui.widgets.time_bar import TimeBar

if TYPE_CHECKING:
    from tui.app import TrackerApp


class ViewScreen(Screen[None]):
    """A full-screen view that follows the app's moment and the log."""

    app: TrackerApp  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stale: str | None = None  # "moment" or "log": what changed while hidden

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield TimeBar(id="time-bar")
        yield IntegrityBanner(id="integrity")
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield from ()

    @property
    def moment(self) -> Moment:
        return self.app.moment

    def on_mount(self) -> None:
        self.watch(self.app, "moment", self._moment_changed, init=False)
        self.watch(self.app, "log_version", self._log_changed, init=False)
        self.reload()

    def _moment_changed(self, _: object) -> None:
        if self.is_current:
            self.reload()
        else:
            self._stale = "moment"

    def _log_changed(self, _: object) -> None:
        if self.is_current:
            self.log_changed()
        elif self._stale is None:
            self._stale = "log"

    def on_screen_resume(self) -> None:
        stale, self._stale = self._stale, None
        if stale == "moment":
            self.reload()
        elif stale == "log":
            self.log_changed()

    def reload(self) -> None:
        """Fetch what the view shows (in a worker) and show it."""

    def log_changed(self) -> None:
        """The log grew: by default, reload."""
        self.reload()

"""What every full-screen view shares: header, time bar, tamper banner, long-work line, footer, and reloading.

A view reloads (in its own worker) when the moment shown changes or the log grows. A view that is
not on screen only remembers that it is stale and reloads when it is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, Static

from projections.moment import Moment
from tui.widgets.banner import IntegrityBanner
from tui.widgets.footer import TrackerFooter
from tui.widgets.time_bar import TimeBar

if TYPE_CHECKING:
    from tui.app import TrackerApp


# A load that takes longer than this shows the loading indicator over what it will replace; a
# quicker one would only make the screen flicker.
SLOW_LOAD_SECONDS = 0.4


class WorkLine(Static):
    """What long work the log is doing for us (the app's `long_work`): "building the read model:
    12,000 / 200,000 events", "waiting for another writer to finish: 3 s". Hidden otherwise."""

    DEFAULT_CSS = """
    WorkLine {
        display: none;
        height: auto;
        padding: 0 1;
        color: $warning;
    }
    WorkLine.-working {
        display: block;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "long_work", self.show_work)

    def show_work(self, text: str | None) -> None:
        self.set_class(text is not None, "-working")
        self.update(Text(text or "", style="bold"))


class ViewScreen(Screen[None]):
    """A full-screen view that follows the app's moment and the log."""

    app: TrackerApp  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stale: str | None = None  # "moment" or "log": what changed while hidden
        self._slow: Timer | None = None

    def loading_soon(self, widget: Widget, also: Callable[[], None] | None = None) -> None:
        """Show `widget` as loading (and call `also`) if its new content has not come within
        SLOW_LOAD_SECONDS. (A step in time on a big log can take seconds; meanwhile the old rows,
        under the new moment's time bar, would pass for the new moment.)"""
        def slow() -> None:
            widget.loading = True
            if also is not None:
                also()

        self._cancel_slow()
        self._slow = self.set_timer(SLOW_LOAD_SECONDS, slow)

    def loaded(self, widget: Widget) -> None:
        """`widget` shows its new content: no loading indicator, now or later."""
        self._cancel_slow()
        widget.loading = False

    def _cancel_slow(self) -> None:
        if self._slow is not None:
            self._slow.stop()
            self._slow = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield TimeBar(id="time-bar")
        yield IntegrityBanner(id="integrity")
        yield WorkLine(id="long-work")
        yield from self.compose_body()
        yield TrackerFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    @property
    def moment(self) -> Moment:
        return self.app.moment

    def on_mount(self) -> None:
        # Textual runs this after a subclass's own on_mount (handlers are dispatched along the
        # MRO): a subclass calling super().on_mount() too loaded the screen twice and doubled
        # every reload after a time travel.
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

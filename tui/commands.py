"""Command palette (ctrl+p): go to a track, jump to a date, log an event, toggle the theme, views."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp


def highlight(matcher: Matcher, name: str) -> Content:
    """Like `Matcher.highlight`, but `name` is plain text: a track title from the log is never
    read as markup."""
    content = Content(name)
    _, offsets = matcher.fuzzy_search.match(matcher.query, name)
    for offset in offsets:
        if not name[offset].isspace():
            content = content.stylize("bold reverse", offset, offset + 1)
    return content


class TrackerCommands(Provider):
    """The tracker's own commands, with every known track as 'Go to track …'."""

    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app: TrackerApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, Callable[[], Any], str]] = [
            ("Jump to date", app.action_jump, "Show every view as things stood on a day (t)"),
            ("Back to now", app.action_now, "Show the log as it stands (T)"),
            ("Log event", app.action_log_event, "Log a new development (n)"),
            ("Toggle theme", app.action_toggle_theme, "Cycle through the colour themes (ctrl+t)"),
            ("Event log", partial(app.run_action, "view('events')"), "Every event, searchable (2)"),
            ("Tracks", partial(app.run_action, "view('tracks')"), "Every negotiation track (1)"),
            ("Actors", partial(app.run_action, "view('actors')"), "Statements and stances by actor (3)"),
            ("Diff", partial(app.run_action, "view('diff')"), "What changed on a track between two days (4)"),
            ("Help: keys", app.action_help, "The key map (?)"),
        ]
        for track, title in sorted(app.track_titles.items(), key=lambda kv: kv[1].lower()):
            commands.append((f"Go to track {clean(title)} ({clean(track)})",
                             partial(app.call_later, app.open_track, track), "Open the track"))
        return commands

    async def startup(self) -> None:
        app: TrackerApp = self.app  # type: ignore[assignment]
        if not app.track_titles:
            worker = app.run_worker(app.load_track_titles, thread=True, exit_on_error=False, name="track titles")
            await worker.wait()

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(Text(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, highlight(matcher, name), callback, text=name, help=help_text)

"""The key map: every binding of every view, grouped, generated from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.dialogs import DIALOG_HEIGHTS, DIALOG_WIDTHS

INTRO = (
    "Every view follows the moment in the time bar: '[' and ']' step to the previous or next day with "
    "a dated event, 't' jumps to a typed date (and, optionally, to what was known on another day), "
    "'T' comes back to now. 'n' logs a new event; in the event log and a track's timeline, 'c' "
    "corrects and 'x' retracts the selected event. ctrl+p opens the command palette. In tables, 'c.' "
    "(circa) marks an approximate date range and ' ?' a fact whose date may lie after the moment viewed."
)


def key_table(title: str, bindings: list[Binding], app: object) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_header=False, box=None,
                  padding=(0, 2), expand=True)
    table.add_column(style="bold cyan", no_wrap=True, min_width=14)
    table.add_column(ratio=1)
    seen: set[str] = set()
    for b in bindings:
        if not b.description or b.description in seen:
            continue
        seen.add(b.description)
        if b.key_display:
            keys = b.key_display
        else:
            keys = ", ".join(app.get_key_display(b.with_key(k.strip())) for k in b.key.split(","))  # type: ignore[attr-defined]
        table.add_row(Text(keys), Text(b.description))
    return table


class HelpScreen(ModalScreen[None]):
    """Shown with '?'; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", key_display="esc"),
    ]
    HORIZONTAL_BREAKPOINTS = DIALOG_WIDTHS
    VERTICAL_BREAKPOINTS = DIALOG_HEIGHTS

    def compose(self) -> ComposeResult:
        from tui.app import TrackerApp
        from tui.dialogs.log_event import LogEventScreen
        from tui.screens.actors import ActorsScreen
        from tui.screens.diff import DiffScreen
        from tui.screens.events import EventLogScreen
        from tui.screens.track import TrackScreen
        from tui.screens.tracks import TracksScreen
        from tui.widgets.event_list import EventList

        groups = [
            ("Everywhere", list(Binding.make_bindings(TrackerApp.BINDINGS)) + [
                Binding("ctrl+p", "command_palette", "Command palette: go to a track, jump to a date, log, theme"),
                Binding("ctrl+q", "quit", "Quit"),
            ]),
            ("Tracks (1)", list(Binding.make_bindings(TracksScreen.BINDINGS))),
            ("A track", list(Binding.make_bindings(TrackScreen.BINDINGS))),
            ("Event log (2) and timelines", list(Binding.make_bindings(EventLogScreen.BINDINGS))
             + list(Binding.make_bindings(EventList.BINDINGS))),
            ("Actors (3)", list(Binding.make_bindings(ActorsScreen.BINDINGS))),
            ("Diff (4)", list(Binding.make_bindings(DiffScreen.BINDINGS))),
            ("Logging form", list(Binding.make_bindings(LogEventScreen.BINDINGS))),
        ]
        with Vertical(id="dialog", classes="dialog wide"):
            yield Static(Text("Keys", style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(Text(INTRO, style="dim"), classes="dialog-help")
                for title, bindings in groups:
                    yield Static(key_table(title, bindings, self.app), classes="key-table")
            yield Static(Text("↑ ↓ page up/down scroll · escape closes", style="dim"), classes="dialog-foot")

        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

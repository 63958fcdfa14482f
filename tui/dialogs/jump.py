"""Jump to a typed date: "as of" (what had happened) and, optionally, "as known on" (what was logged)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from events.dates import Bound, DateParseError, bound_day
from projections.moment import Moment
from tui.dialogs import DIALOG_HEIGHTS, DIALOG_WIDTHS
from tui.dialogs.log_event import FieldRow
from tui.widgets.date_field import DateField
from tui.widgets.text import clean

NOW_WORDS = {"", "now", "today's state", "latest"}


def _day(d: date) -> str:
    return f"{d.day} {d.strftime('%b %Y')}"


class JumpScreen(ModalScreen[Any]):
    """Returns (as_of, known_on): each None (now) or a day."""

    HORIZONTAL_BREAKPOINTS = DIALOG_WIDTHS
    VERTICAL_BREAKPOINTS = DIALOG_HEIGHTS
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # Not a priority binding: that would act before the focused Input has taken the keys typed
        # just before Enter. The Input submits on Enter itself (after them); this is for the rest.
        Binding("enter", "go", "Go", show=False),
    ]

    def __init__(self, moment: Moment) -> None:
        super().__init__(id="jump-screen")
        self.moment = moment

    def compose(self) -> ComposeResult:
        m = self.moment
        as_of = m.as_of.isoformat() if m.as_of else ""
        known = m.known_at.date().isoformat() if m.known_at is not None else ""
        with Vertical(id="dialog", classes="dialog narrow"):
            yield Static(Text("Travel in time", style="bold"), classes="dialog-title")
            yield Static(Text("Show every view as things stood on a day, as far as they were known on a "
                              "day. Type dates naturally ('17 Feb 2025', 'last Tuesday'); leave empty or "
                              "type 'now' to come back to the present.", style="dim"), classes="dialog-help")
            yield Static(id="form-error", classes="form-error")
            yield FieldRow("as_of", "As of", DateField(as_of, placeholder="now", input_id="j-as-of", compact=True))
            yield FieldRow("known", "As known on", DateField(
                known, placeholder="now: everything logged since, too", input_id="j-known", compact=True),
                hint="what had been logged by the end of that day")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Go  enter", variant="primary", id="go", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

        yield Footer()

    def on_mount(self) -> None:
        inp = self.query_one("#j-as-of", Input)
        inp.focus()

    def _parse(self, selector: str, option: Bound) -> date | str | None:
        text = self.query_one(selector, Input).value.strip().lower()
        if text in NOW_WORDS:
            return "now" if text else "empty"
        return bound_day(text, option)

    def action_go(self) -> None:
        try:
            as_of = self._parse("#j-as-of", "as_of")
        except DateParseError as exc:
            self.show_error(Text(f"As of: {clean(str(exc))}", style="bold red"))
            return
        try:
            known = self._parse("#j-known", "known_at")
        except DateParseError as exc:
            self.show_error(Text(f"As known on: {clean(str(exc))}", style="bold red"))
            return
        # "As known on" alone is a moment too: today's events as far as they were known then.
        self.dismiss((as_of if isinstance(as_of, date) else None, known if isinstance(known, date) else None))

    def show_error(self, message: Text) -> None:
        box = self.query_one("#form-error", Static)
        box.add_class("-shown")
        box.update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_go()

    @on(Button.Pressed, "#go")
    def _go(self) -> None:
        self.action_go()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

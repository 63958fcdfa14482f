"""A yes/no question asked before something is done (e.g. logging 'confirmed' without a source)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.dialogs import DIALOG_HEIGHTS, DIALOG_WIDTHS


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True (y, or the yes button) or False (n, escape, or the no button)."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    HORIZONTAL_BREAKPOINTS = DIALOG_WIDTHS
    VERTICAL_BREAKPOINTS = DIALOG_HEIGHTS

    def __init__(self, title: str, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__(id="confirm-screen")
        self._title, self._question, self._yes, self._no = title, question, yes, no

    def compose(self) -> ComposeResult:
        # Text(...): the question may quote what the user typed, which is data, never markup.
        with Vertical(classes="dialog narrow"):
            yield Static(Text(self._title, style="bold"), classes="dialog-title")
            yield Static(Text(self._question), id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self._yes}  y", variant="primary", id="yes", compact=True)
                yield Button(f"{self._no}  n", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # enter alone does not do the unusual thing

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no_pressed(self) -> None:
        self.dismiss(False)

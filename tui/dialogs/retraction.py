"""Retract an earlier event: it stays in the log, but no longer contributes to any view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Input, Static

from tracker.forms import retraction_for
from tracker.service import InvalidEvents, Problem, StoredEvent
from tui.dialogs.amendment import AmendmentDialog
from tui.dialogs.log_event import FieldRow
from tui.widgets.date_field import DateField
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp


class RetractionScreen(AmendmentDialog):
    """Withdraw `target` with a reason."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log retraction"),
        Binding("escape", "cancel", "Cancel"),
    ]

    app: TrackerApp  # type: ignore[assignment]

    def __init__(self, target: StoredEvent) -> None:
        super().__init__(id="retraction-screen")
        self.target = target

    def compose(self) -> ComposeResult:
        e = self.target.event
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text("Retract an event", style="bold"), classes="dialog-title")
            head = Text(f"#{self.target.position} {e.type.replace('_', ' ')}: ", style="bold")
            head.append(clean(e.summary), style="")
            yield Static(head, classes="dialog-target")
            yield Static(id="form-error", classes="form-error")
            yield FieldRow("reason", "Reason", Input(id="r-reason", placeholder="why it is withdrawn", compact=True),
                           required=True)
            yield FieldRow("when", "When retracted", DateField("today", input_id="r-when", compact=True),
                           required=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log retraction  ctrl+s", variant="error", id="save", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#r-reason", Input).focus()

    def check(self) -> tuple[Any | None, dict[str, list[Problem]]]:
        reason = self.query_one("#r-reason", Input).value.strip()
        if not reason:
            return None, {"reason": [Problem(None, "reason", "required; say why the event is withdrawn")]}
        try:
            return retraction_for(self.target, reason, when=self.query_one("#r-when", Input).value or "today"), {}
        except InvalidEvents as exc:
            problems: dict[str, list[Problem]] = {}
            for p in exc.problems:
                problems.setdefault("when" if p.field in ("when", "occurred") else "reason", []).append(p)
            return None, problems

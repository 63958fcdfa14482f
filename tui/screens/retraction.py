"""Retract an earlier event: it stays in the log, but no longer contributes to any view."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from tracker.app import log_event, retraction_for
from tracker.store import InvalidEvents, StoredEvent, StoreError
from tui.screens.log_event import FieldRow
from tui.widgets.date_field import DateField
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp


class RetractionScreen(ModalScreen[Any]):
    """Withdraw `target` with a reason."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log retraction", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    app: "TrackerApp"  # type: ignore[assignment]

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
            yield FieldRow("reason", "Reason", Input(id="r-reason", placeholder="why it is withdrawn"),
                           required=True)
            yield FieldRow("when", "When retracted", DateField("today", input_id="r-when"), required=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log retraction  ctrl+s", variant="error", id="save")
                yield Button("Cancel  esc", id="cancel")

        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#r-reason", Input).focus()

    def action_save(self) -> None:
        reason = self.query_one("#r-reason", Input).value.strip()
        rows = {row.field_name: row for row in self.query(FieldRow)}
        rows["reason"].show_error(None if reason else "required: say why the event is withdrawn")
        rows["when"].show_error(None)
        if not reason:
            return
        try:
            event = retraction_for(self.target, reason, when=self.query_one("#r-when", Input).value or "today")
        except InvalidEvents as exc:
            for p in exc.problems:
                rows["when" if p.field in ("when", "occurred") else "reason"].show_error(p.message)
            return
        self.write(event)

    @work(thread=True, exit_on_error=False, exclusive=True, group="retraction-write")
    def write(self, event: Any) -> None:
        try:
            stored = self.app.read(lambda store: log_event(store, event))
        except (StoreError, Exception) as exc:  # noqa: BLE001 - said in the form, never a crash
            self.app.call_from_thread(self.show_error,
                                      Text(f"Nothing was logged: {clean(str(exc))}", style="bold red"))
            return
        self.app.call_from_thread(self.dismiss, stored)

    def show_error(self, message: Text) -> None:
        box = self.query_one("#form-error", Static)
        box.add_class("-shown")
        box.update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

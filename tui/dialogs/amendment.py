"""What the correction and retraction dialogs share: check the form, field by field as it changes,
write the amendment in a worker, say why not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from tracker.service import Problem, StoreError
from tui.dialogs import DIALOG_HEIGHTS, DIALOG_WIDTHS
from tui.dialogs.log_event import FieldRow, row_of
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp


class AmendmentDialog(ModalScreen[Any]):
    """A modal form that logs one event about an earlier one; dismissed with the stored event.

    Subclasses compose a `#form-error` Static, FieldRows and `#save` / `#cancel` buttons, and
    implement `check`: the event the form makes, or what is wrong with it, row by row.
    """

    HORIZONTAL_BREAKPOINTS = DIALOG_WIDTHS
    VERTICAL_BREAKPOINTS = DIALOG_HEIGHTS

    # Narrows Textual's `app` property to this app (as the other screens do); mypy reports the
    # property-vs-attribute override, which is only a declaration here.
    app: TrackerApp  # type: ignore[assignment]

    def check(self) -> tuple[Any | None, dict[str, list[Problem]]]:
        """(the event, {}) when the form is right, else (None, the problems of each row)."""
        raise NotImplementedError

    def action_save(self) -> None:
        event, problems = self.check()
        for row in self.query(FieldRow):
            row.show_problems(problems.get(row.field_name, []))
        if event is None:
            self.show_error(Text("Nothing was logged: fix the fields marked below.", style="bold red"))
            return
        self.hide_error()
        self.write(event)

    # A row's problem goes as soon as the row is right, not at the next ctrl+s.
    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        row = row_of(event.control)
        if row is None or not row.has_class("-invalid"):
            return
        row.show_problems(self.check()[1].get(row.field_name, []))
        if not self.query("FieldRow.-invalid"):
            self.hide_error()

    @work(thread=True, exit_on_error=False, exclusive=True, group="amendment-write")
    def write(self, event: Any) -> None:
        try:
            stored = self.app.read(lambda tracker: tracker.log(event))
        except (StoreError, Exception) as exc:  # noqa: BLE001 - said in the form, never a crash
            self.app.call_from_thread(self.show_error,
                                      Text(f"Nothing was logged: {clean(str(exc))}", style="bold red"))
            return
        self.app.call_from_thread(self.dismiss, stored)

    def show_error(self, message: Text) -> None:
        box = self.query_one("#form-error", Static)
        box.add_class("-shown")
        box.update(message)

    def hide_error(self) -> None:
        self.query_one("#form-error", Static).remove_class("-shown")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

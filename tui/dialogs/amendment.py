"""What the correction and retraction dialogs share: write the amendment in a worker, say why not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tracker.service import StoreError
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp


class AmendmentDialog(ModalScreen[Any]):
    """A modal form that logs one event about an earlier one; dismissed with the stored event.

    Subclasses compose a `#form-error` Static and `#save` / `#cancel` buttons, and implement
    `action_save`, which validates the form and calls `write`.
    """

    # Narrows Textual's `app` property to this app (as the other screens do); mypy reports the
    # property-vs-attribute override, which is only a declaration here.
    app: TrackerApp  # type: ignore[assignment]

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

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

"""A date typed as people write it, resolved on the spot and shown as the interval it means."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from events import Occurred, parse_occurred
from events.dates import DateParseError
from tui.widgets.text import clean, day


def describe(occ: Occurred) -> Text:
    """'= week of 10 Feb 2025 (10 Feb 2025 – 16 Feb 2025)'."""
    text = Text("= ", style="dim")
    text.append(clean(occ.label()), style="bold green")
    if occ.precision != "day":
        text.append(f"  ({day(occ.earliest)} – {day(occ.latest)}, a {occ.precision})", style="dim")
    return text


class DateField(Vertical):
    """An `Input` and, under it, what the text resolves to (or why it cannot be read)."""

    DEFAULT_CSS = """
    DateField { height: auto; }
    DateField .resolved { height: auto; color: $text-muted; padding: 0 1; }
    DateField .resolved.-error { color: $error; }
    """

    def __init__(self, value: str = "", *, placeholder: str = "", input_id: str | None = None,
                 reference: date | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._value = value
        self._placeholder = placeholder
        self._input_id = input_id
        self.reference = reference
        self.occurred: Occurred | None = None

    def compose(self) -> ComposeResult:
        yield Input(self._value, placeholder=self._placeholder, id=self._input_id)
        yield Static(classes="resolved")

    def on_mount(self) -> None:
        self.resolve()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def on_input_changed(self, event: Input.Changed) -> None:
        self.resolve()

    def set_reference(self, reference: date | None) -> None:
        self.reference = reference
        self.resolve()

    def resolve(self) -> Occurred | None:
        label = self.query_one(".resolved", Static)
        text = self.input.value.strip()
        self.occurred = None
        label.remove_class("-error")
        if not text:
            label.update("")
            return None
        try:
            self.occurred = parse_occurred(text, self.reference)
        except DateParseError as exc:
            label.add_class("-error")
            label.update(Text(clean(str(exc), single_line=False)))
            return None
        label.update(describe(self.occurred))
        return self.occurred

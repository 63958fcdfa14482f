"""Correct one field of an earlier event. The earlier event stays in the log as it was."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Select, Static

from events import parse_occurred
from events.dates import DateParseError
from tracker.forms import correction_for, field_specs, parse_commitments
from tracker.service import InvalidEvents, Problem, StoredEvent
from tracker.textsafe import printable
from tui.dialogs.amendment import AmendmentDialog
from tui.dialogs.log_event import FieldRow
from tui.widgets.date_field import DateField
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp

ENVELOPE_KINDS = {"summary": "text", "occurred": "date", "status": "choice", "location": "text",
                  "details": "text", "tracks": "list", "actors": "list", "tags": "list"}


def editable_fields(stored: StoredEvent) -> dict[str, str]:
    """Field name -> kind, for every field a correction may change."""
    kinds = dict(ENVELOPE_KINDS)
    for spec in field_specs(stored.event.type):
        kinds[spec.name] = spec.kind
    return kinds


def as_text(value: Any) -> str:
    """The current value as editable text (control characters shown as visible escapes)."""
    return printable(_as_text(value))


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "label") and hasattr(value, "earliest"):
        return str(value.label())  # the date parser reads every label back as the same date
    if isinstance(value, list):
        if value and hasattr(value[0], "model_dump"):
            return json.dumps([v.model_dump(mode="json") for v in value], ensure_ascii=False)
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def planned_fields(stored: StoredEvent) -> set[str]:
    """The date fields that look forward (a meeting's planned date): read as the log form reads them."""
    return {spec.name for spec in field_specs(stored.event.type) if spec.ahead}


def convert(kind: str, text: str, *, ahead: bool = False) -> Any:
    """The typed text as the value the field holds (ValueError/DateParseError when it cannot be)."""
    text = text.strip()
    if not text:
        return None
    if kind == "date":
        return parse_occurred(text, ahead=ahead).model_dump(mode="json")
    if kind == "list":
        return [p.strip() for p in text.split(",") if p.strip()]
    if kind == "number":
        return float(text)
    if kind == "integer":
        return int(text)
    if kind == "json":
        return json.loads(text)
    if kind == "commitments":
        return parse_commitments(text)
    return text


class CorrectionScreen(AmendmentDialog):
    """Replace one field of `target`; the correction is a new event in the log."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log correction"),
        Binding("escape", "cancel", "Cancel"),
    ]

    app: TrackerApp  # type: ignore[assignment]

    def __init__(self, target: StoredEvent) -> None:
        super().__init__(id="correction-screen")
        self.target = target
        self.kinds = editable_fields(target)

    def compose(self) -> ComposeResult:
        e = self.target.event
        with Vertical(id="dialog", classes="dialog compact-form"):
            yield Static(Text("Correct an event", style="bold"), classes="dialog-title")
            head = Text(f"#{self.target.position} {e.type.replace('_', ' ')}: ", style="bold")
            head.append(clean(e.summary), style="")
            yield Static(head, classes="dialog-target")
            yield Static(id="form-error", classes="form-error")
            with VerticalScroll(id="form"):
                yield FieldRow("field", "Field to correct", Select(
                    [(Text(k.replace("_", " ")), k) for k in self.kinds], value="summary",
                    allow_blank=False, id="c-field", compact=True), required=True)
                yield FieldRow("value", "Correct value", Input(as_text(e.summary), id="c-value", compact=True),
                               required=True)
                yield Static(id="c-resolved", classes="resolved")
                yield FieldRow("reason", "Reason", Input(id="c-reason", placeholder="why it was wrong",
                                                         compact=True), required=True)
                yield FieldRow("when", "When corrected", DateField("today", input_id="c-when", compact=True),
                               required=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log correction  ctrl+s", variant="primary", id="save", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#c-field", Select).focus()
        self._resolve()

    @property
    def field_name(self) -> str:
        value = self.query_one("#c-field", Select).value
        return "summary" if value is Select.NULL else str(value)

    @on(Select.Changed, "#c-field")
    def _field_changed(self) -> None:
        name = self.field_name
        current = getattr(self.target.event, name, None)
        inp = self.query_one("#c-value", Input)
        inp.value = as_text(current)
        kind = self.kinds[name]
        inp.placeholder = {"list": "comma-separated", "date": "a date, e.g. '18 Feb 2025'",
                           "json": "JSON", "commitments": "id=text; id2=text"}.get(kind, "")
        self._resolve()

    @on(Input.Changed, "#c-value")
    def _resolve(self) -> None:
        """A date is read as it is typed: what it means under it, or, in the row, why it cannot be read."""
        label = self.query_one("#c-resolved", Static)
        label.display = False
        if self.kinds.get(self.field_name) != "date":
            return
        row = self.query_one("#row-value", FieldRow)
        try:
            occ = parse_occurred(self.query_one("#c-value", Input).value,
                                 ahead=self.field_name in planned_fields(self.target))
        except DateParseError as exc:
            row.show_problems([Problem(None, self.field_name, str(exc))])
            return
        row.show_problems([])
        label.update(Text(f"= {clean(occ.label())}", style="green"))
        label.display = True

    def check(self) -> tuple[Any | None, dict[str, list[Problem]]]:
        name = self.field_name
        problems: dict[str, list[Problem]] = {}
        try:
            value = convert(self.kinds[name], self.query_one("#c-value", Input).value,
                            ahead=name in planned_fields(self.target))
        except (ValueError, DateParseError) as exc:
            problems["value"] = [Problem(None, name, str(exc))]
            value = None
        reason = self.query_one("#c-reason", Input).value.strip()
        if not reason:
            problems["reason"] = [Problem(None, "reason", "required; say why the earlier record was wrong")]
        if "value" in problems:
            return None, problems
        when = self.query_one("#c-when", Input).value.strip() or "today"
        try:
            # A stand-in reason while there is none: what the change would do is checked too.
            event = correction_for(self.target, {name: value}, reason or "-", when=when)
        except InvalidEvents as exc:
            for p in exc.problems:
                problems.setdefault(ROWS.get((p.field or "").split(".")[0], "value"), []).append(p)
            return None, problems
        return (None, problems) if problems else (event, {})


# Where a problem of the correction is shown: its own date and reason in their rows; what the
# change would leave wrong in the target ('changes.summary'), and anything else, under the value.
ROWS = {"when": "when", "occurred": "when", "reason": "reason"}

"""The form to log a new event: its fields follow the chosen type (`tracker.forms.field_specs`).

Dates are resolved as they are typed and shown as the interval they mean (planned dates, marked in
events.types, read forward; a source's published date must be one day); tracks, actors, meetings
and issues complete from those already in the log; problems appear next to their field, in plain
words (`tracker.forms.plain_problem`), once, and go as soon as the field is right; nothing is
written until `build_event` accepts the whole event. The whole form, its source included, fits an
80x24 terminal: one-line fields, labels beside them, pairs side by side when the terminal is wide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Select, Static

from events import CLAIM_STATUSES, EVENT_TYPES, describe
from events.dates import DateParseError, bound_day
from tracker.forms import Draft, FieldSpec, build_event, field_label, field_specs, plain_problem
from tracker.present import plural
from tracker.service import Choices, InvalidEvents, Problem, StoreError, Tracker
from tui.dialogs import DIALOG_HEIGHTS, DIALOG_WIDTHS
from tui.widgets.date_field import DateField
from tui.widgets.suggest import ListSuggester
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp

# Types logged from this form; corrections and retractions start from a selected event.
FORM_TYPES = tuple(t for t in EVENT_TYPES if t not in ("correction", "retraction"))
SOURCE_FIELDS = {"outlet": "source_outlet", "url": "source_url", "published": "source_published",
                 "quote": "source_quote", "via": "source_via"}
INPUT_TYPES: dict[str, Literal["integer", "number", "text"]] = {"number": "number", "integer": "integer"}
PLACEHOLDERS = {
    "list": "comma-separated",
    "json": '{"field": "new value"}',
    "commitments": "id=text; id2=text",
    "number": "a number",
    "integer": "a whole number",
    "date": "e.g. 'March 10th', 'yesterday', 'week of 10 Feb 2025'",
    "planned": "planned, read forward: 'Thursday' is the next one; e.g. '10 March', 'next week'",
}


@dataclass
class Prefill:
    """Values to start the form with (e.g. 'log this scheduled meeting as held')."""

    type: str = "statement_made"
    when: str = ""
    summary: str = ""
    tracks: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


def field_key(problem_field: str | None) -> str:
    """Which form row a Problem.field belongs to ('tracks.0' -> 'tracks', 'occurred' -> 'when')."""
    if not problem_field:
        return "general"
    parts = problem_field.split(".")
    if parts[0] == "occurred":
        return "when"
    if parts[0] == "sources":
        sub = next((p for p in parts[1:] if not p.isdigit()), "outlet")
        return SOURCE_FIELDS.get(sub, "source_outlet")
    return parts[0]


class FieldRow(Horizontal):
    """A label, and right of it the control with, under it, the place where its problem is shown.

    The label sits left of a one-line control, not above a three-line one, so that a form keeps
    its fields (the source's above all) on one 80x24 screen."""

    DEFAULT_CSS = """
    FieldRow { height: auto; }
    FieldRow > .field-label { height: auto; padding: 0 1 0 0; }  /* its width: tracker.tcss */
    FieldRow > .field-body { width: 1fr; height: auto; }
    FieldRow .field-hint { color: $text-muted; height: auto; }
    FieldRow .field-error { color: $error; height: auto; display: none; }
    FieldRow.-invalid .field-error { display: block; }
    FieldRow.-invalid > .field-label { color: $error; }
    """

    def __init__(self, name: str, label: str, control: Widget, *, required: bool = False,
                 hint: str = "") -> None:
        super().__init__(id=f"row-{name}", classes="field-row")
        self.field_name = name
        self._label = label
        self._control = control
        self._required = required
        self._hint = hint

    def compose(self) -> ComposeResult:
        text = Text(self._label, style="bold")
        if self._required:
            text.append(" *", style="bold red")
        yield Label(text, classes="field-label")
        with Vertical(classes="field-body"):
            yield self._control
            if self._hint:
                yield Static(Text(self._hint), classes="field-hint")
            yield Static(classes="field-error")

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(Text(clean(message or "", single_line=False)))

    def show_problems(self, problems: list[Problem]) -> None:
        """This field's problems in plain words, each once; none clears it."""
        dates = list(self.query(DateField))
        if problems and dates and dates[0].value.strip() and dates[0].occurred is None:
            self.show_error(None)  # the line under the date already says what is wrong: once
            self.add_class("-invalid")
            return
        said = dict.fromkeys(plain_problem(p) for p in problems)  # in order, without repeats
        self.show_error("\n".join(said) or None)


def row_of(widget: Widget | None) -> FieldRow | None:
    """The form row a control (or the Input inside a DateField) belongs to."""
    while widget is not None and not isinstance(widget, FieldRow):
        parent = widget.parent
        widget = parent if isinstance(parent, Widget) else None
    return widget


def pair(*rows: FieldRow) -> Horizontal:
    """Two fields side by side on a wide screen, one above the other on a narrow one (tracker.tcss)."""
    for row in rows[1:]:
        row.add_class("pair-next")  # a gap after the one before it, when side by side
    return Horizontal(*rows, classes="pair")


class LogEventScreen(ModalScreen[Any]):
    """Log one new event."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log it"),
        Binding("escape", "cancel", "Cancel"),
    ]
    HORIZONTAL_BREAKPOINTS = DIALOG_WIDTHS
    VERTICAL_BREAKPOINTS = DIALOG_HEIGHTS

    app: TrackerApp  # type: ignore[assignment]

    def __init__(self, prefill: Prefill | None = None) -> None:
        super().__init__(id="log-event-screen")
        self.prefill = prefill or Prefill()
        self.choices = Choices()
        self._etype = self.prefill.type if self.prefill.type in FORM_TYPES else "statement_made"
        self._saving = False
        self._general: list[str] = []  # problems of no field of the form, said above it

    # -- layout -----------------------------------------------------------------------------
    # What every event has, then its source (the first logged event had none: it sat below the
    # fold), then the type's own fields, required ones first, then the rest of the envelope.
    def compose(self) -> ComposeResult:
        p = self.prefill
        with Vertical(id="dialog", classes="dialog wide"):
            yield Static(Text("Log an event", style="bold"), classes="dialog-title")
            yield Static(id="form-error", classes="form-error")
            with VerticalScroll(id="form"):
                yield FieldRow("type", field_label("type"), Select(
                    [(Text(t.replace("_", " ")), t) for t in FORM_TYPES], value=self._etype,
                    allow_blank=False, id="f-type", compact=True), required=True)
                yield Static(Text(describe(self._etype)), id="type-help", classes="type-help")
                yield FieldRow("when", field_label("when"), self._date(
                    "when", p.when, PLACEHOLDERS["date"]), required=True)
                yield FieldRow("reported_on", field_label("reported_on"), self._date(
                    "reported_on", "", "today; relative dates ('yesterday') count from this day"))
                yield FieldRow("summary", field_label("summary"), self._input(
                    "summary", p.summary, "one line: what happened"), required=True)
                yield FieldRow("tracks", field_label("tracks"), self._input(
                    "tracks", ", ".join(p.tracks), "comma-separated track ids"), required=True)
                yield pair(
                    FieldRow("source_outlet", field_label("source_outlet"), self._input(
                        "source_outlet", "", "e.g. Reuters, AFP, TASS")),
                    FieldRow("source_url", field_label("source_url"), self._input("source_url", "", "https://...")))
                yield pair(
                    FieldRow("source_published", field_label("source_published"), self._date(
                        "source_published", "", "the day, e.g. '18 Feb 2025'", day_only=True)),
                    FieldRow("source_via", field_label("source_via"), self._input(
                        "source_via", "", "where read, e.g. Russia Matters")))
                yield FieldRow("source_quote", field_label("source_quote"), self._input(
                    "source_quote", "", "the passage the event rests on"))
                yield Vertical(id="type-fields")
                yield FieldRow("actors", field_label("actors"), self._input(
                    "actors", ", ".join(p.actors), "others involved; those named above are added"))
                yield pair(
                    FieldRow("status", field_label("status"), Select(
                        [(Text(s), s) for s in CLAIM_STATUSES], value="confirmed", allow_blank=False,
                        id="f-status", compact=True)),
                    FieldRow("location", field_label("location"), self._input("location", "", "")))
                yield FieldRow("details", field_label("details"), self._input("details", "", ""))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log it  ctrl+s", variant="primary", id="save", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)
        yield Footer()

    @staticmethod
    def _input(name: str, value: str, placeholder: str) -> Input:
        return Input(value, id=f"f-{name}", placeholder=placeholder, compact=True)

    @staticmethod
    def _date(name: str, value: str, placeholder: str, *, day_only: bool = False) -> DateField:
        return DateField(value, placeholder=placeholder, input_id=f"f-{name}", id=f"df-{name}",
                         day_only=day_only, detailed=True, compact=True)

    async def on_mount(self) -> None:
        await self.build_type_fields()
        self.fetch_choices()
        self.query_one("#f-type", Select).focus()

    @work(thread=True, exit_on_error=False, exclusive=True, group="log-form-choices")
    def fetch_choices(self) -> None:
        choices = self.app.browse(Tracker.choices, "scan")
        self.app.call_from_thread(self._set_choices, choices)

    def _set_choices(self, choices: Choices) -> None:
        self.choices = choices
        self.query_one("#f-tracks", Input).suggester = ListSuggester(choices.tracks, multiple=True)
        self.query_one("#f-actors", Input).suggester = ListSuggester(choices.actors, multiple=True)
        for spec in field_specs(self._etype):
            suggester = self._suggester(spec)
            if suggester is not None:
                for inp in self.query(f"#t-{spec.name}").results(Input):
                    inp.suggester = suggester

    def _suggester(self, spec: FieldSpec) -> ListSuggester | None:
        multiple = spec.kind == "list"
        if spec.names_actors:
            return ListSuggester(self.choices.actors, multiple=multiple)
        if spec.name == "track":
            return ListSuggester(self.choices.tracks)
        if spec.name == "meeting":
            return ListSuggester(self.choices.meetings)
        if spec.name == "issue":
            return ListSuggester(self.choices.issues)
        if spec.name == "proposal":
            return ListSuggester(self.choices.proposals)
        if spec.name == "agreement":
            return ListSuggester(self.choices.agreements)
        return None

    def _control(self, spec: FieldSpec) -> Widget:
        value = self.prefill.fields.get(spec.name, "") if self._etype == self.prefill.type else ""
        wid = f"t-{spec.name}"
        if spec.kind == "choice":
            options = [(Text(c.replace("_", " ")), c) for c in spec.choices]
            start = value if value in spec.choices else Select.NULL
            return Select(options, value=start, allow_blank=not spec.required or start is Select.NULL,
                          id=wid, prompt="choose", compact=True)
        if spec.kind == "date":
            return DateField(value, placeholder=PLACEHOLDERS["planned" if spec.ahead else "date"], input_id=wid,
                             id=f"df-{spec.name}", classes="type-date", ahead=spec.ahead, detailed=True,
                             compact=True)
        # A free-text field's own description is its placeholder: visible without a mouse.
        placeholder = PLACEHOLDERS.get(spec.kind, spec.description)
        if spec.names_actors:
            placeholder = "actor id" + ("s, comma-separated" if spec.kind == "list" else "")
        control = Input(value, id=wid, placeholder=placeholder, suggester=self._suggester(spec),
                        type=INPUT_TYPES.get(spec.kind, "text"), compact=True)
        control.tooltip = spec.description or None
        return control

    async def build_type_fields(self) -> None:
        box = self.query_one("#type-fields", Vertical)
        await box.remove_children()
        specs = sorted(field_specs(self._etype), key=lambda spec: not spec.required)
        rows = [FieldRow(spec.name, field_label(spec.name), self._control(spec), required=spec.required)
                for spec in specs]
        await box.mount_all(rows)
        self._set_reference()
        if self.choices.tracks:
            self._set_choices(self.choices)

    # -- live behaviour ---------------------------------------------------------------------
    @on(Select.Changed, "#f-type")
    async def _type_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL or event.value == self._etype:
            return
        self._etype = str(event.value)
        self.query_one("#type-help", Static).update(Text(describe(self._etype)))
        await self.build_type_fields()

    @on(Input.Changed, "#f-reported_on")
    def _reference_changed(self, event: Input.Changed) -> None:
        self._set_reference()

    # A field's problem goes as soon as the field is right (checked as it changes), and a field
    # left with a wrong value says so at once (checked on leaving it), not only on ctrl+s.
    @on(Input.Changed)
    @on(Select.Changed)
    def _field_changed(self, event: Input.Changed | Select.Changed) -> None:
        row = row_of(event.control)
        if row is not None and row.has_class("-invalid"):
            self.recheck(row)

    @on(Input.Blurred)
    def _field_left(self, event: Input.Blurred) -> None:
        row = row_of(event.input)
        if row is not None and (row.has_class("-invalid") or event.value.strip()):
            self.recheck(row)

    def reported_on(self) -> date | None:
        text = self.query_one("#f-reported_on", Input).value.strip()
        if not text:
            return None
        try:
            return bound_day(text, "reported_on")
        except DateParseError:
            return None

    def _set_reference(self) -> None:
        ref = self.reported_on()
        for df in self.query(DateField):
            if df.id != "df-reported_on":
                df.set_reference(ref)

    # -- problems ---------------------------------------------------------------------------
    def _text(self, selector: str) -> str:
        widgets = self.query(selector)
        if not widgets:
            return ""
        w = widgets.first()
        if isinstance(w, Select):
            return "" if w.value is Select.NULL else str(w.value)
        if isinstance(w, Input):
            return w.value
        return ""

    def draft(self) -> Draft:
        fields = {spec.name: self._text(f"#t-{spec.name}") for spec in field_specs(self._etype)}
        return Draft(
            type=self._etype,
            when=self._text("#f-when").strip(),
            summary=self._text("#f-summary"),
            tracks=[self._text("#f-tracks")],
            fields={k: v for k, v in fields.items() if v.strip()},
            actors=[self._text("#f-actors")],
            location=self._text("#f-location").strip() or None,
            details=self._text("#f-details") or None,
            status=self._text("#f-status") or "confirmed",
            source_outlet=self._text("#f-source_outlet").strip() or None,
            source_url=self._text("#f-source_url").strip() or None,
            source_published=self._text("#f-source_published").strip() or None,
            source_via=self._text("#f-source_via").strip() or None,
            source_quote=self._text("#f-source_quote") or None,
        )

    def problems(self) -> list[Problem]:
        """Everything wrong with the form as it stands (`build_event` names every field at once)."""
        try:
            build_event(self.draft(), self.reported_on())
        except InvalidEvents as exc:
            return exc.problems
        return []

    def recheck(self, row: FieldRow) -> None:
        """Say again what is wrong with one field, or that nothing is; leave the others as they are."""
        row.show_problems([p for p in self.problems() if field_key(p.field) == row.field_name])
        if self.query_one("#form-error").has_class("-shown"):  # after a ctrl+s: keep its count right
            self._summarise()

    def show_problems(self, problems: list[Problem]) -> None:
        rows = {row.field_name: row for row in self.query(FieldRow)}
        for name, row in rows.items():
            row.show_problems([p for p in problems if field_key(p.field) == name])
        self._general = [plain_problem(p) for p in problems if field_key(p.field) not in rows]
        self._summarise()
        first = next((row for row in rows.values() if row.has_class("-invalid")), None)
        if first is not None:
            self.query_one("#form", VerticalScroll).scroll_to_widget(first, animate=False)
            focusable = [w for w in first.query("Input, Select") if w.focusable]
            if focusable:
                focusable[0].focus()

    def _summarise(self) -> None:
        """The line above the form: how many fields are still wrong, and what is wrong elsewhere."""
        n = len(self.query("FieldRow.-invalid")) + len(self._general)
        if not n:
            self.show_form_error(None)
            return
        self.show_form_error(" · ".join([f"{plural(n, 'problem')}: nothing was logged.",
                                         *self._general]))

    def show_form_error(self, message: str | None) -> None:
        box = self.query_one("#form-error", Static)
        box.set_class(bool(message), "-shown")
        box.update(Text(clean(message or "", single_line=False)))

    # -- saving -----------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._saving:
            return
        try:
            event = build_event(self.draft(), self.reported_on())
        except InvalidEvents as exc:
            self.show_problems(exc.problems)
            return
        self.show_problems([])
        self._saving = True
        self.write(event)

    @work(thread=True, exit_on_error=False, exclusive=True, group="log-form-write")
    def write(self, event: Any) -> None:
        try:
            stored = self.app.read(lambda tracker: tracker.log(event))
        except InvalidEvents as exc:
            self.app.call_from_thread(self._failed, exc.problems, None)
            return
        except (StoreError, Exception) as exc:  # noqa: BLE001 - said in the form, never a crash
            self.app.call_from_thread(self._failed, [], str(exc))
            return
        self.app.call_from_thread(self.dismiss, stored)

    def _failed(self, problems: list[Problem], message: str | None) -> None:
        self._saving = False
        if problems:
            self.show_problems(problems)
        else:
            self.show_form_error(f"Nothing was logged: {message}")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

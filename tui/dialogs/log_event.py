"""The form to log a new event: its fields follow the chosen type (`tracker.forms.field_specs`).

Dates are resolved as they are typed and shown as the interval they mean (planned dates, marked in
events.types, read forward; a source's published date must be one day); tracks, actors, meetings
and issues complete from those already in the log; problems appear next to their field, in plain
words (`tracker.forms.plain_problem`), once, and go as soon as the field is right; nothing is
written until `build_event` accepts the whole event. The whole form, its first source included,
fits an 80x24 terminal: one-line fields, labels beside them, pairs side by side when the terminal is
wide. More sources are added a block each (ctrl+o) and removed by their own button; each block
takes the report's credibility, 1-6 (the Admiralty grade's second half: projections.grades), the
outlet's reliability being graded once for the whole log (source_graded). The claim status
starts as "from the sources" (not stated: `build_event` decides); 'confirmed' chosen for an event
with no source is asked about before anything is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from tracker.forms import (
    UNSTATED_STATUS,
    Draft,
    FieldSpec,
    SourceDraft,
    build_event,
    field_label,
    field_specs,
    needs_summary,
    needs_track,
    plain_problem,
)
from tracker.present import plural
from tracker.service import CREDIBILITY, Choices, InvalidEvents, Problem, StoreError, Tracker
from tui.dialogs import DIALOG_HEIGHTS, DIALOG_WIDTHS
from tui.dialogs.confirm import ConfirmScreen
from tui.widgets.date_field import DateField
from tui.widgets.suggest import ListSuggester
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp

# Types logged from this form; corrections and retractions start from a selected event.
FORM_TYPES = tuple(t for t in EVENT_TYPES if t not in ("correction", "retraction"))
SOURCE_FIELDS = {"outlet": "source_outlet", "url": "source_url", "published": "source_published",
                 "quote": "source_quote", "via": "source_via", "credibility": "source_credibility"}
CREDIBILITY_HELP = ", ".join(f"{n} {words}" for n, words in CREDIBILITY.items())
FROM_SOURCES = "(from the sources)"  # the status select's start: not stated, decided by build_event
FROM_SOURCES_TIP = (f"Left as '{FROM_SOURCES}', the event is logged '{UNSTATED_STATUS[True]}' if it has a source "
                    f"and '{UNSTATED_STATUS[False]}' if not.")
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
    # The actor who acts (the form opened from an actor's page): it goes in whichever type is chosen's
    # field for the one actor who acts (`who_field`: a statement's speaker, a seat's claimant ...).
    who: str = ""


def who_field(specs: Sequence[FieldSpec]) -> str | None:
    """The field of a type that names the one actor who acts: its first required one-actor field
    ('speaker' of a statement or red line, 'claimant', 'side', 'mediator', 'responder', 'party',
    'publisher', 'actor'), if it has one."""
    return next((spec.name for spec in specs if spec.names_actors and spec.kind == "text" and spec.required), None)


def source_label(place: int, part: str) -> str:
    """A source block's row label: 'Source outlet', 'Source 2 URL', 'Source credibility' (the
    labels of tracker.forms, which has none for the credibility)."""
    if part != "credibility":
        return field_label(f"sources.{place}.{part}")
    return "Source credibility" if place == 0 else f"Source {place + 1} credibility"


def form_problem(problem: Problem) -> str:
    """A problem in plain words, as `plain_problem` says it; a credibility's named as such, with
    what each grade means ('Source 2 credibility: at most 6; got 7 (1 confirmed ...)')."""
    parts = (problem.field or "").split(".")
    if len(parts) == 3 and parts[0] == "sources" and parts[1].isdigit() and parts[2] == "credibility":
        return (f"{source_label(int(parts[1]), 'credibility')}: {problem.message} (1 {CREDIBILITY[1]} ... "
                f"6 {CREDIBILITY[6]})")
    return plain_problem(problem)


def field_key(problem_field: str | None, blocks: Sequence[str] = ("",)) -> str:
    """Which form row a Problem.field belongs to ('tracks.0' -> 'tracks', 'occurred' -> 'when',
    'sources.1.via' -> 'source_via' + the suffix of the second source block in `blocks`)."""
    if not problem_field:
        return "general"
    parts = problem_field.split(".")
    if parts[0] == "occurred":
        return "when"
    if parts[0] == "sources":
        n = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        sub = next((p for p in parts[1:] if not p.isdigit()), "outlet")
        return SOURCE_FIELDS.get(sub, "source_outlet") + (blocks[n] if n < len(blocks) else "")
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
        yield Label(self._label_text(), classes="field-label")
        with Vertical(classes="field-body"):
            yield self._control
            if self._hint:
                yield Static(Text(self._hint), classes="field-hint")
            yield Static(classes="field-error")

    def _label_text(self) -> Text:
        text = Text(self._label, style="bold")
        if self._required:
            text.append(" *", style="bold red")
        return text

    def set_label(self, label: str) -> None:
        self._label = label
        if self.is_mounted:
            self.query_one(".field-label", Label).update(self._label_text())

    def set_required(self, required: bool) -> None:
        """Mark the field required or not (tracks and summary follow the type: a grade needs neither)."""
        self._required = required
        if self.is_mounted:
            self.query_one(".field-label", Label).update(self._label_text())

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
        said = dict.fromkeys(form_problem(p) for p in problems)  # in order, without repeats
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


class SourceBlock(Vertical):
    """One source's fields: outlet and URL, published and via, quote and credibility; a compact block.

    The first block's ids are plain ('f-source_outlet'); another's carry its serial
    ('f-source_outlet-2'), which stays with it when a block before it is removed. Its labels say
    its place ('Source 2 outlet'), renumbered when one goes."""

    DEFAULT_CSS = """
    SourceBlock { height: auto; }
    """

    def __init__(self, serial: int) -> None:
        self.serial = serial
        self.suffix = "" if serial == 1 else f"-{serial}"
        super().__init__(id=f"source-block{self.suffix}", classes="source-block")

    def compose(self) -> ComposeResult:
        def row(part: str, control: Widget) -> FieldRow:
            return FieldRow(SOURCE_FIELDS[part] + self.suffix, source_label(0, part), control)

        yield pair(row("outlet", self._input("outlet", "e.g. Reuters, AFP, TASS")),
                   row("url", self._input("url", "https://...")))
        yield pair(row("published", DateField(
                       "", placeholder="the day, e.g. '18 Feb 2025'", input_id=self.input_id("published"),
                       id=f"df-source_published{self.suffix}", day_only=True, detailed=True, compact=True)),
                   row("via", self._input("via", "where read, e.g. Russia Matters")))
        yield pair(row("quote", self._input("quote", "the passage the event rests on")),
                   row("credibility", self._credibility()))
        if self.serial > 1:
            with Horizontal(classes="source-actions"):
                yield Button("- remove this source", id=f"remove-source{self.suffix}", classes="remove-source",
                             compact=True)

    def input_id(self, part: str) -> str:
        return f"f-{SOURCE_FIELDS[part]}{self.suffix}"

    def _input(self, part: str, placeholder: str) -> Input:
        return Input("", id=self.input_id(part), placeholder=placeholder, compact=True)

    def _credibility(self) -> Input:
        """The report's credibility, 1-6 or blank: digits only, checked by `build_event` (0 or 7
        is said under the field, with what each grade means)."""
        control = Input("", id=self.input_id("credibility"), placeholder="1-6, optional: 1 confirmed ... 6 cannot "
                        "be judged", type="integer", max_length=1, compact=True)
        control.tooltip = f"How credible this report is (Admiralty grading): {CREDIBILITY_HELP}."
        return control

    def number(self, place: int) -> None:
        """Label the rows for the block's place among the sources (0: 'Source outlet')."""
        for part, name in SOURCE_FIELDS.items():
            rows = self.query(f"#row-{name}{self.suffix}").results(FieldRow)
            for r in rows:
                r.set_label(source_label(place, part))

    def draft(self) -> SourceDraft:
        def text(part: str) -> str:
            found = self.query(f"#{self.input_id(part)}").results(Input)
            return next((w.value for w in found), "")

        return SourceDraft(outlet=text("outlet").strip() or None, url=text("url").strip() or None,
                           published=text("published").strip() or None, via=text("via").strip() or None,
                           quote=text("quote") or None, credibility=text("credibility").strip() or None)


class LogEventScreen(ModalScreen[Any]):
    """Log one new event."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log it"),
        Binding("ctrl+o", "add_source", "Another source"),
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
        self._serials = 1  # source blocks made so far: each new one takes the next serial

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
                    "summary", p.summary, "one line: what happened"), required=needs_summary(self._etype))
                yield FieldRow("tracks", field_label("tracks"), self._input(
                    "tracks", ", ".join(p.tracks), "comma-separated track ids"), required=needs_track(self._etype))
                yield SourceBlock(1)
                with Horizontal(id="source-actions", classes="source-actions"):
                    yield Button("+ another source  ctrl+o", id="add-source", compact=True)
                yield Vertical(id="type-fields")
                yield FieldRow("actors", field_label("actors"), self._input(
                    "actors", ", ".join(p.actors), "others involved; those named above are added"))
                yield pair(
                    FieldRow("status", field_label("status"), Select(
                        [(Text(s), s) for s in CLAIM_STATUSES], prompt=FROM_SOURCES, allow_blank=True,
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
        self.query_one("#f-status", Select).tooltip = FROM_SOURCES_TIP
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
        if not value and self.prefill.who and spec.name == who_field(field_specs(self._etype)):
            value = self.prefill.who
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
        self.query_one("#row-tracks", FieldRow).set_required(needs_track(self._etype))
        self.query_one("#row-summary", FieldRow).set_required(needs_summary(self._etype))
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
            status=self._text("#f-status") or None,  # the prompt: not stated
            sources=[block.draft() for block in self.query(SourceBlock).results(SourceBlock)],
        )

    def _key(self, problem_field: str | None) -> str:
        """The row of the form a problem belongs to, source problems by their block's place."""
        return field_key(problem_field, [block.suffix for block in self.query(SourceBlock).results(SourceBlock)])

    # -- sources ----------------------------------------------------------------------------
    async def action_add_source(self) -> None:
        """Another source block, after the last one, its outlet focused."""
        self._serials += 1
        block = SourceBlock(self._serials)
        await self.query_one("#form", VerticalScroll).mount(block, before="#source-actions")
        self._renumber()
        self._set_reference()
        self.call_after_refresh(self._show_block, block)  # once laid out: where it is is known then

    def _show_block(self, block: SourceBlock) -> None:
        """The new block whole in view, its outlet focused."""
        self.query_one("#form", VerticalScroll).scroll_to_widget(block, animate=False, top=False)
        self.query_one(f"#{block.input_id('outlet')}", Input).focus(scroll_visible=False)

    @on(Button.Pressed, "#add-source")
    async def _add_source_pressed(self) -> None:
        await self.action_add_source()

    @on(Button.Pressed, ".remove-source")
    async def _remove_source_pressed(self, event: Button.Pressed) -> None:
        block = next((a for a in event.button.ancestors if isinstance(a, SourceBlock)), None)
        if block is None:
            return
        await block.remove()
        self._renumber()
        self.query_one("#add-source", Button).focus()
        if self.query_one("#form-error").has_class("-shown"):  # after a ctrl+s: say again what is wrong
            self.show_problems(self.problems())

    def _renumber(self) -> None:
        for place, block in enumerate(self.query(SourceBlock).results(SourceBlock)):
            block.number(place)

    def problems(self) -> list[Problem]:
        """Everything wrong with the form as it stands (`build_event` names every field at once)."""
        try:
            build_event(self.draft(), self.reported_on())
        except InvalidEvents as exc:
            return exc.problems
        return []

    def recheck(self, row: FieldRow) -> None:
        """Say again what is wrong with one field, or that nothing is; leave the others as they are."""
        row.show_problems([p for p in self.problems() if self._key(p.field) == row.field_name])
        if self.query_one("#form-error").has_class("-shown"):  # after a ctrl+s: keep its count right
            self._summarise()

    def show_problems(self, problems: list[Problem]) -> None:
        rows = {row.field_name: row for row in self.query(FieldRow)}
        for name, row in rows.items():
            row.show_problems([p for p in problems if self._key(p.field) == name])
        self._general = [plain_problem(p) for p in problems if self._key(p.field) not in rows]
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
        if self._text("#f-status") == "confirmed" and not event.sources:
            # Stated, but resting on nothing the log can show: asked, not refused.
            self.app.push_screen(ConfirmScreen(
                "Confirmed without a source?",
                "This event has no source, and its claim status is set to 'confirmed'. Log it as "
                "confirmed anyway? (No goes back to the form: add a source, or leave the status "
                "'from the sources' to log it as unverified.)", yes="Log as confirmed", no="Back to the form"),
                lambda yes: self._confirmed(event, bool(yes)))
            return
        self.write(event)

    def _confirmed(self, event: Any, yes: bool) -> None:
        if yes:
            self.write(event)
        else:
            self._saving = False
            self.query_one("#f-status", Select).focus()

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

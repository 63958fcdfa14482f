"""The form to log a new event: its fields follow the chosen type (`tracker.app.field_specs`).

Dates are resolved as they are typed and shown as the interval they mean (planned dates, marked in
events.types, read forward; a source's published date must be one day); tracks, actors, meetings
and issues complete from those already in the log; problems appear next to their field and nothing
is written until `build_event` accepts the whole event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

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
from tracker.forms import Draft, FieldSpec, build_event, field_specs
from tracker.service import Choices, InvalidEvents, StoreError, Tracker
from tui.widgets.date_field import DateField
from tui.widgets.suggest import ListSuggester
from tui.widgets.text import clean

if TYPE_CHECKING:
    from tui.app import TrackerApp

# Types logged from this form; corrections and retractions start from a selected event.
FORM_TYPES = tuple(t for t in EVENT_TYPES if t not in ("correction", "retraction"))
COMMON = ("when", "reported_on", "summary", "tracks", "actors", "status", "location",
          "source_outlet", "source_url", "source_published", "source_quote", "details")
SOURCE_FIELDS = {"outlet": "source_outlet", "url": "source_url", "published": "source_published",
                 "quote": "source_quote", "via": "source_outlet"}
PLACEHOLDERS = {
    "list": "comma-separated",
    "json": '{"field": "new value"}',
    "commitments": "id=text; id2=text",
    "number": "a number",
    "date": "e.g. 'March 10th', 'yesterday', 'week of 10 Feb 2025'",
    "planned": "planned, read forward: 'Thursday' is the next one; e.g. '10 March', 'next week'",
}
MULTILINE_HINT = {"quote", "reason", "outcome", "description", "note", "details"}


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


class FieldRow(Vertical):
    """A label, the input, and the place where its problem is shown."""

    DEFAULT_CSS = """
    FieldRow { height: auto; margin-bottom: 1; }
    FieldRow .field-error { color: $error; height: auto; display: none; padding: 0 1; }
    FieldRow.-invalid .field-error { display: block; }
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
        if self._hint:
            text.append(f"  {self._hint}", style="dim")
        yield Label(text)
        yield self._control
        yield Static(classes="field-error")

    def show_error(self, message: str | None) -> None:
        self.set_class(bool(message), "-invalid")
        self.query_one(".field-error", Static).update(Text(clean(message or "", single_line=False)))


class LogEventScreen(ModalScreen[Any]):
    """Log one new event."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log it"),
        Binding("escape", "cancel", "Cancel"),
    ]

    app: TrackerApp  # type: ignore[assignment]

    def __init__(self, prefill: Prefill | None = None) -> None:
        super().__init__(id="log-event-screen")
        self.prefill = prefill or Prefill()
        self.choices = Choices()
        self._etype = self.prefill.type if self.prefill.type in FORM_TYPES else "statement_made"
        self._saving = False

    # -- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        p = self.prefill
        with Vertical(id="dialog", classes="dialog wide"):
            yield Static(Text("Log an event", style="bold"), classes="dialog-title")
            yield Static(id="form-error", classes="form-error")
            with VerticalScroll(id="form"):
                yield FieldRow("type", "Type", Select(
                    [(Text(t.replace("_", " ")), t) for t in FORM_TYPES], value=self._etype,
                    allow_blank=False, id="f-type"), required=True)
                yield Static(Text(describe(self._etype)), id="type-help", classes="type-help")
                yield FieldRow("when", "When it happened", DateField(
                    p.when, placeholder=PLACEHOLDERS["date"], input_id="f-when", id="df-when", detailed=True),
                    required=True)
                yield FieldRow("reported_on", "Reported on", DateField(
                    "", placeholder="today (relative dates like 'yesterday' count from this day)",
                    input_id="f-reported_on", id="df-reported_on", detailed=True))
                yield FieldRow("summary", "Summary", Input(p.summary, id="f-summary",
                               placeholder="one line: what happened"), required=True)
                yield FieldRow("tracks", "Tracks", Input(", ".join(p.tracks), id="f-tracks",
                               placeholder="comma-separated track ids"), required=True)
                yield Vertical(id="type-fields")
                yield FieldRow("actors", "Other actors", Input(", ".join(p.actors), id="f-actors",
                               placeholder="comma-separated (actors named in the fields above are added)"))
                yield FieldRow("status", "Claim status", Select(
                    [(Text(s), s) for s in CLAIM_STATUSES], value="confirmed", allow_blank=False,
                    id="f-status"))
                yield FieldRow("location", "Location", Input(id="f-location"))
                yield FieldRow("source_outlet", "Source: outlet", Input(id="f-source_outlet",
                               placeholder="e.g. Reuters, AFP, TASS"))
                yield FieldRow("source_url", "Source: URL", Input(id="f-source_url"))
                yield FieldRow("source_published", "Source: published", DateField(
                    "", placeholder="the day it was published, e.g. '18 Feb 2025'", day_only=True,
                    detailed=True, input_id="f-source_published", id="df-source_published"))
                yield FieldRow("source_quote", "Source: quote", Input(id="f-source_quote"))
                yield FieldRow("details", "Details", Input(id="f-details"))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Log it  ctrl+s", variant="primary", id="save")
                yield Button("Cancel  esc", id="cancel")
        yield Footer()

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
                          id=wid, prompt="choose")
        if spec.kind == "date":
            return DateField(value, placeholder=PLACEHOLDERS["planned" if spec.ahead else "date"], input_id=wid,
                             id=f"df-{spec.name}", classes="type-date", ahead=spec.ahead, detailed=True)
        placeholder = PLACEHOLDERS.get(spec.kind, "")
        if spec.names_actors:
            placeholder = "actor id" + ("s, comma-separated" if spec.kind == "list" else "")
        return Input(value, id=wid, placeholder=placeholder, suggester=self._suggester(spec),
                     type="number" if spec.kind == "number" else "text")

    async def build_type_fields(self) -> None:
        box = self.query_one("#type-fields", Vertical)
        await box.remove_children()
        rows = [
            FieldRow(spec.name, spec.name.replace("_", " ").capitalize(), self._control(spec),
                     required=spec.required, hint=spec.description)
            for spec in field_specs(self._etype)
        ]
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

    # -- saving -----------------------------------------------------------------------------
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
            source_quote=self._text("#f-source_quote") or None,
        )

    def show_problems(self, problems: list[Any]) -> None:
        by_field: dict[str, list[str]] = {}
        for p in problems:
            by_field.setdefault(field_key(p.field), []).append(p.message)
        rows = {row.field_name: row for row in self.query(FieldRow)}
        general = []
        for key, messages in by_field.items():
            if key in rows:
                dates = list(rows[key].query(DateField))
                if dates and dates[0].value.strip() and dates[0].occurred is None:
                    rows[key].show_error(None)  # the date field already says what is wrong
                    rows[key].add_class("-invalid")
                    continue
                rows[key].show_error("; ".join(messages))
            else:
                general.append(f"{key}: {'; '.join(messages)}")
        for name, row in rows.items():
            if name not in by_field:
                row.show_error(None)
        n = len(problems)
        summary = f"{n} problem{'s' if n != 1 else ''}: nothing was logged."
        if general:
            summary += " " + " · ".join(general)
        self.show_form_error(summary)
        first = next((rows[k] for k in rows if k in by_field), None)
        if first is not None:
            self.query_one("#form", VerticalScroll).scroll_to_widget(first, animate=False)
            focusable = [w for w in first.query("Input, Select") if w.focusable]
            if focusable:
                focusable[0].focus()

    def show_form_error(self, message: str | None) -> None:
        box = self.query_one("#form-error", Static)
        box.set_class(bool(message), "-shown")
        box.update(Text(clean(message or "", single_line=False)))

    def all_problems(self, draft: Draft, problems: list[Any]) -> list[Any]:
        """build_event stops at unreadable dates; look past them so every field is checked at once."""
        date_fields = {"when", "source_published"} | {
            s.name for s in field_specs(self._etype) if s.kind == "date"}
        bad = {field_key(p.field) for p in problems}
        if not bad <= date_fields:
            return problems
        stand_in = replace(
            draft, when="today" if "when" in bad else draft.when,
            source_published="today" if "source_published" in bad else draft.source_published,
            fields={k: ("today" if k in bad else v) for k, v in draft.fields.items()},
        )
        try:
            build_event(stand_in, self.reported_on())
        except InvalidEvents as more:
            problems = problems + [p for p in more.problems if field_key(p.field) not in bad]
        return problems

    def action_save(self) -> None:
        if self._saving:
            return
        draft = self.draft()
        try:
            event = build_event(draft, self.reported_on())
        except InvalidEvents as exc:
            self.show_problems(self.all_problems(draft, exc.problems))
            return
        for row in self.query(FieldRow):
            row.show_error(None)
        self._saving = True
        self.show_form_error(None)
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

    def _failed(self, problems: list[Any], message: str | None) -> None:
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

"""A date typed as people write it, resolved on the spot and shown as the interval it means."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from events import Occurred
from events.dates import DateParseError
from tracker.forms import DateReading, read_date
from tui.widgets.text import clean, day


def describe(reading: DateReading, *, detailed: bool = True) -> Text:
    """What a date field's text means, for the line under it.

    Detailed (the log form): its label, the days it spans, its precision, its EDTF form and the
    basis: as written, or counted from the report's day (and, when a date without its year could
    fall either side of that day, whether it looked back, for what happened, or forward, for a
    planned date). '= 20 Feb 2025  Thu 20 Feb 2025 · a day · EDTF 2025-02-20 · looked
    forward from the report day Tue 18 Feb 2025 (a planned date)'.
    Compact (a bar of date options): '= week of 10 Feb 2025  (10 Feb 2025 – 16 Feb 2025, a week)'."""
    occ = reading.occurred
    text = Text("= ", style="dim")
    text.append(clean(occ.label()), style="bold green")
    if not detailed:
        if occ.precision != "day":
            text.append(f"  ({day(occ.earliest)} – {day(occ.latest)}, a {occ.precision})", style="dim")
        return text
    text.append(f"  {span(occ)} · {precision(occ)} · EDTF {occ.edtf()} · ", style="dim")
    text.append(basis(reading), style="italic" if reading.relative else "dim")
    return text


def precision(occ: Occurred) -> str:
    """The precision as a noun: 'a day', 'a week', 'part of a month', 'a day ±3'."""
    if occ.precision == "part":
        return "part of a month" if occ.earliest.month == occ.latest.month else "part of a year"
    return {"around": "a day ±3", "half": "a half-year"}.get(occ.precision, f"a {occ.precision}")


def span(occ: Occurred) -> str:
    """The days, with their weekdays: 'Thu 20 Feb 2025', 'Mon 10 – Sun 16 Feb 2025',
    'Fri 31 Jan – Sun 2 Feb 2025'; an open end as '…'."""
    a, b = occ.earliest, occ.latest
    last = f"{b.strftime('%a')} {b.day} {b.strftime('%b %Y')}"
    if a == b:
        return last
    if occ.open_start:
        return f"… – {last}"
    first = f"{a.strftime('%a')} {a.day}"
    if occ.open_end:
        return f"{first} {a.strftime('%b %Y')} – …"
    if (a.year, a.month) != (b.year, b.month):
        first += f" {a.strftime('%b')}"
    if a.year != b.year:
        first += f" {a.year}"
    return f"{first} – {last}"


def basis(reading: DateReading) -> str:
    """'as written', 'counted from today, Sat 6 Dec 2025', 'looked forward from the report day
    Tue 18 Feb 2025 (a planned date)'."""
    if not reading.relative:
        return "as written"
    ref = f"{reading.reference.strftime('%a')} {day(reading.reference)}"
    where = f"the report day {ref}" if reading.reference_given else f"today, {ref}"
    if reading.direction_mattered:
        return f"looked {reading.direction} from {where}" + (" (a planned date)" if reading.ahead else "")
    return f"counted from {where}"


class DateField(Vertical):
    """An `Input` and, under it, what the text resolves to (or why it cannot be read), updated as
    the user types. `ahead` marks a planned date (read forward, as `tracker.forms` reads it);
    `day_only` a date that must be one day (a source's published date). `detailed` says what the
    date was read as at length (the log form), else briefly (a bar of date options). `compact`: a
    one-line input, for forms that must fit an 80x24 terminal."""

    DEFAULT_CSS = """
    DateField { height: auto; }
    DateField .resolved { height: auto; color: $text-muted; padding: 0 1; }
    DateField .resolved.-error { color: $error; }
    DateField.-compact .resolved { padding: 0; }
    DateField.-compact.-empty .resolved { display: none; }
    """

    def __init__(self, value: str = "", *, placeholder: str = "", input_id: str | None = None,
                 reference: date | None = None, ahead: bool = False, day_only: bool = False,
                 detailed: bool = False, compact: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.set_class(compact, "-compact")
        self._value = value
        self._placeholder = placeholder
        self._input_id = input_id
        self.reference = reference
        self.ahead = ahead
        self.day_only = day_only
        self.detailed = detailed
        self.occurred: Occurred | None = None
        self.reading: DateReading | None = None

    def compose(self) -> ComposeResult:
        yield Input(self._value, placeholder=self._placeholder, id=self._input_id, compact=self.has_class("-compact"))
        yield Static(classes="resolved")

    def on_mount(self) -> None:
        self.resolve()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def preview(self) -> Static:
        """The line under the input: what the text means, or why it cannot be read."""
        return self.query_one(".resolved", Static)

    @property
    def value(self) -> str:
        return self.input.value

    def on_input_changed(self, event: Input.Changed) -> None:
        self.resolve()

    def set_reference(self, reference: date | None) -> None:
        self.reference = reference
        self.resolve()

    def resolve(self) -> Occurred | None:
        label = self.preview
        text = self.input.value.strip()
        self.occurred = self.reading = None
        label.remove_class("-error")
        # A compact field spends no line on an empty preview: a form keeps its rows for fields.
        self.set_class(not text, "-empty")
        if not text:
            label.update("")
            return None
        try:
            self.reading = read_date(text, self.reference, ahead=self.ahead, day_only=self.day_only)
        except DateParseError as exc:
            label.add_class("-error")
            label.update(Text(clean(str(exc), single_line=False)))
            return None
        self.occurred = self.reading.occurred
        label.update(describe(self.reading, detailed=self.detailed))
        return self.occurred

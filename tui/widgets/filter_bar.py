"""Search and filters for the event log: text, track, actor, type, claim status, date range."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Select

from events import CLAIM_STATUSES, EVENT_TYPES, parse_occurred
from events.dates import DateParseError, bound_day
from tui.widgets.text import clean


@dataclass(frozen=True)
class Filters:
    """What the user asked for (the moment shown is added by the view)."""

    text: str = ""
    track: str | None = None
    actor: str | None = None
    type: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(f"text “{clean(self.text)}”")
        for label, value in (("track", self.track), ("actor", self.actor), ("type", self.type),
                             ("claim", self.status)):
            if value:
                parts.append(f"{label} {clean(value)}")
        if self.date_from or self.date_to:
            a = self.date_from.isoformat() if self.date_from else "…"
            b = self.date_to.isoformat() if self.date_to else "…"
            parts.append(f"occurred {a} – {b}")
        return ", ".join(parts)


def _options(values: list[str]) -> list[tuple[Text, str]]:
    return [(Text(clean(v)), v) for v in values]


# Narrower than this (in cells, inside the bar's padding) the fields take two lines: on one the
# search box would be left a few cells.
ONE_LINE_WIDTH = 135


class FilterBar(Container):
    """Posts `FilterBar.Changed` (debounced for typing) whenever a filter changes.

    The fields come in two groups, text and who (search, track, actor) and which and when (type,
    claim, from, to): side by side on a wide screen, one above the other on a narrow one. Each
    select is as wide as its longest usual value (a track id such as "us-russia-normalization", a
    type such as "track_status_changed"), so a chosen value reads whole; the search box and, on
    two lines, the dates take the rest."""

    DEFAULT_CSS = """
    FilterBar {
        layout: horizontal;
        height: auto;
        padding: 0 1;
    }
    FilterBar .filter-row { height: 1; width: auto; }
    FilterBar #filter-what { width: 1fr; margin-right: 1; }
    FilterBar #search { width: 1fr; }
    FilterBar #f-track { width: 26; }
    FilterBar #f-actor { width: 16; }
    FilterBar #f-type { width: 23; }
    FilterBar #f-status { width: 14; }
    FilterBar .date { width: 14; }
    FilterBar #search, FilterBar #f-track, FilterBar #f-type, FilterBar #f-status, FilterBar #f-from {
        margin-right: 1;
    }
    FilterBar.-two-lines { layout: vertical; }
    FilterBar.-two-lines .filter-row { width: 1fr; margin-right: 0; }
    FilterBar.-two-lines .date { width: 1fr; }
    """

    class Changed(Message):
        def __init__(self, filters: Filters) -> None:
            super().__init__()
            self.filters = filters

    class Done(Message):
        """Enter in the search box: the user wants to look at the results."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filters = Filters()
        self._debounce: Timer | None = None
        self._tracks: set[str] = set()  # the track select's options, once loaded
        self._wanted_track: str | None = None  # asked for before the options came (set_choices)

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-what", classes="filter-row"):
            yield Input(placeholder="/ search text", id="search", compact=True)
            yield Select([], prompt="track", id="f-track", compact=True)
            yield Select([], prompt="actor", id="f-actor", compact=True)
        with Horizontal(id="filter-which", classes="filter-row"):
            yield Select(_options(sorted(EVENT_TYPES)), prompt="type", id="f-type", compact=True)
            yield Select(_options(list(CLAIM_STATUSES)), prompt="claim", id="f-status", compact=True)
            yield Input(placeholder="from date", id="f-from", classes="date", compact=True)
            yield Input(placeholder="to date", id="f-to", classes="date", compact=True)

    def on_resize(self) -> None:
        self.set_class(self.size.width < ONE_LINE_WIDTH, "-two-lines")

    def set_choices(self, tracks: list[str], actors: list[str]) -> None:
        for sel_id, values in (("#f-track", tracks), ("#f-actor", actors)):
            select = self.query_one(sel_id, Select)
            current = select.value
            select.set_options(_options(values))
            if current is not Select.NULL and current in values:
                select.value = current
        self._tracks = set(tracks)
        wanted, self._wanted_track = self._wanted_track, None
        if wanted is not None:
            self.set_track(wanted)

    def focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def clear(self) -> None:
        with self.prevent(Input.Changed, Select.Changed):
            for inp in self.query(Input):
                inp.value = ""
                inp.remove_class("-invalid")
            for sel in self.query(Select):
                sel.clear()
        self.filters = Filters()
        self.post_message(self.Changed(self.filters))

    def set_track(self, track: str | None) -> None:
        """Filter on `track` (None: every track). The options are loaded in a worker: a track asked
        for before they come is selected when they do (pressing e at once on the list of tracks
        used to crash the app with InvalidSelectValueError)."""
        select = self.query_one("#f-track", Select)
        self._wanted_track = None
        if track is None:
            select.clear()
        elif track in self._tracks:
            select.value = track
        else:
            self._wanted_track = track

    # -- events -----------------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.3, self._apply)

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._debounce is not None:
            self._debounce.stop()
        self._apply()
        self.post_message(self.Done())

    @on(Select.Changed)
    def _selected(self, event: Select.Changed) -> None:
        event.stop()
        self._apply()

    @on(Input.Submitted, ".date")
    @on(Input.Blurred, ".date")
    def _dated(self, event: Input.Submitted | Input.Blurred) -> None:
        event.stop()
        self._apply()

    def _date(self, selector: str, edge: str) -> date | None:
        inp = self.query_one(selector, Input)
        text = inp.value.strip()
        if not text:
            inp.remove_class("-invalid")
            inp.tooltip = None
            return None
        try:
            occ = parse_occurred(text)
        except DateParseError as exc:
            inp.add_class("-invalid")
            inp.tooltip = Text(clean(str(exc)))
            self.notify(clean(str(exc)), title="Date not understood", severity="warning", markup=False)
            return getattr(self.filters, "date_from" if edge == "earliest" else "date_to")
        inp.remove_class("-invalid")
        inp.tooltip = Text(clean(occ.label()))
        return bound_day(text, "from" if edge == "earliest" else "to")

    def _apply(self) -> None:
        def value(selector: str) -> str | None:
            v = self.query_one(selector, Select).value
            return None if v is Select.NULL else str(v)

        filters = replace(
            self.filters,
            text=self.query_one("#search", Input).value.strip(),
            track=value("#f-track"), actor=value("#f-actor"), type=value("#f-type"),
            status=value("#f-status"),
            date_from=self._date("#f-from", "earliest"), date_to=self._date("#f-to", "latest"),
        )
        if filters != self.filters:
            self.filters = filters
            self.post_message(self.Changed(filters))

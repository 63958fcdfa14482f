"""Text from the log is data: every string shown goes through here.

`safe()` makes a `rich.text.Text` (which never parses markup) from a string whose control and bidi
characters have been replaced by visible escapes, so `[bold]`, `[link=...]`, `[/]` and ANSI escape
sequences in a summary or quote appear literally. Glyphs and colours for stances, claim statuses
and track statuses live here too, so every view shows them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from tracker import present
from tracker.textsafe import printable

STANCE_GLYPHS: dict[str, tuple[str, str]] = {
    "supports": ("✔", "bold green"),
    "opposes": ("✘", "bold red"),
    "conditional": ("◐", "bold yellow"),
    "neutral": ("○", "cyan"),
}
CLAIM_STYLES: dict[str, str] = {
    "confirmed": "green",
    "reported": "cyan",
    "unverified": "yellow",
    "disputed": "magenta",
    "denied": "red",
}
# A claim status in a one-cell column (explained by the event list's legend, and in words where a
# line has room).
CLAIM_MARKS: dict[str, str] = {
    "confirmed": "●",
    "reported": "○",
    "unverified": "?",
    "disputed": "!",
    "denied": "✘",
    "retracted": "⊘",
}
TRACK_STATUS_STYLES: dict[str, str] = {
    "exploratory": "cyan",
    "active": "bold green",
    "stalled": "yellow",
    "suspended": "dark_orange",
    "concluded": "blue",
    "collapsed": "bold red",
}
PROGRESS_STYLES: dict[str, str] = {
    "not_started": "dim",
    "partial": "yellow",
    "done": "green",
    "broken": "red",
}
PROGRESS_GLYPHS: dict[str, str] = {"not_started": "○", "partial": "◐", "done": "●", "broken": "✘"}
TREND_GLYPHS: dict[str, tuple[str, str]] = {
    "improving": ("▲", "green"),
    "up": ("▲", "green"),
    "warming": ("▲", "green"),
    "worsening": ("▼", "red"),
    "down": ("▼", "red"),
    "cooling": ("▼", "red"),
    "deteriorating": ("▼", "red"),
    "steady": ("▶", "dim"),
    "stable": ("▶", "dim"),
    "flat": ("▶", "dim"),
    "unchanged": ("▶", "dim"),
    "mixed": ("◆", "yellow"),
    "new": ("✦", "cyan"),
}


def clean(value: Any, *, single_line: bool = True) -> str:
    """A plain string with terminal control characters made visible."""
    if value is None:
        return ""
    return printable(str(value), single_line=single_line)


def safe(value: Any, style: str = "", *, single_line: bool = True) -> Text:
    """Log text as an inert `Text`: no markup parsing, control characters made visible."""
    return Text(clean(value, single_line=single_line), style=style)


def join(parts: Iterable[Text | str], sep: str = " ") -> Text:
    out = Text()
    first = True
    for part in parts:
        if not first:
            out.append(sep)
        first = False
        out.append(part if isinstance(part, Text) else Text(part))
    return out


def stance(value: str | None, *, with_word: bool = False) -> Text:
    if not value:
        return Text("·", style="dim")
    glyph, style = STANCE_GLYPHS.get(value, ("?", "dim"))
    return Text(f"{glyph} {clean(value)}" if with_word else glyph, style=style)


def quotation(value: str, style: str = "italic", *, single_line: bool = True) -> Text:
    """A quotation from the log, in curly quotes unless it opens with its own (tracker.present.quote)."""
    return Text.assemble(*((clean(span.text, single_line=single_line), style) for span in present.quote(value)))


def claim(value: str | None) -> Text:
    if not value:
        return Text("")
    return Text(clean(value), style=CLAIM_STYLES.get(value, ""))


def track_status(value: str | None, claim: str = "confirmed", *, short: bool = False) -> Text:
    """A track's status; when the event it rests on is not confirmed, its claim status after it
    (' [unverified]', or only its mark '?' where `short`), as `tracker status` says it."""
    if not value:
        return Text("—", style="dim")
    text = Text(clean(value), style=TRACK_STATUS_STYLES.get(value, ""))
    if claim != "confirmed":
        text.append(f" {CLAIM_MARKS.get(claim, '·')}" if short else f" [{clean(claim)}]",
                    style=CLAIM_STYLES.get(claim, ""))
    return text


def progress(value: str | None) -> Text:
    if not value:
        return Text("—", style="dim")
    return Text(f"{PROGRESS_GLYPHS.get(value, '?')} {clean(value).replace('_', ' ')}",
                style=PROGRESS_STYLES.get(value, ""))


def trend(value: Any) -> Text:
    if value is None or value == "":
        return Text("—", style="dim")
    word = clean(getattr(value, "value", value))
    glyph, style = TREND_GLYPHS.get(word.lower(), ("", ""))
    return Text(f"{glyph} {word}".strip(), style=style)


def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{value.day} {value.strftime('%b %Y %H:%M')} UTC"
    return f"{value.day} {value.strftime('%b %Y')}"


def when(value: Any) -> str:
    """An Occurred (or anything with .label()), a date, or text."""
    if value is None:
        return "—"
    if hasattr(value, "label"):
        return clean(value.label())
    if isinstance(value, (date, datetime)):
        return day(value)
    return clean(value)


def ids(values: Iterable[str] | None, names: dict[str, str] | None = None) -> str:
    values = list(values or [])
    if not values:
        return "—"
    if names:
        return ", ".join(clean(names.get(v, v)) for v in values)
    return ", ".join(clean(v) for v in values)


BARS = "▁▂▃▄▅▆▇█"


def sparkline(counts: Iterable[int]) -> Text:
    """Counts as a row of bars scaled to the largest: an empty period a dim baseline, any other
    at least one step above it, so one event never looks like none."""
    values = list(counts)
    peak = max(values, default=0)
    text = Text()
    for n in values:
        if n <= 0:
            text.append(BARS[0], style="dim")
        else:
            text.append(BARS[1 + round((n / peak) * (len(BARS) - 2))], style="green")
    return text


def widest(cells: Iterable[Text | str]) -> int:
    """The widest line of any of `cells`, in terminal cells: what a column needs to show them whole."""
    lines = (line for cell in cells for line in (cell if isinstance(cell, Text) else Text(cell)).split("\n"))
    return max((line.cell_len for line in lines), default=0)


def fit_widths(room: int, wants: dict[str, int], *, least: dict[str, int] | None = None,
               optional: Iterable[str] = (), grow: dict[str, int] | None = None, padding: int = 2) -> dict[str, int]:
    """The widths of a table's columns in `room` terminal cells, each column taking `padding` more.

    Each column asks for `wants[key]` (in display order; its widest content, or less for one that can
    grow). While they do not all fit, the `optional` columns go, first named first (their content has
    to be shown elsewhere too); then the columns named in `least` give up width, first named first,
    each down to the width given there; a column not named there is never cut (a date, a status).
    Room left over goes to the `grow` columns, each up to the width given there (its whole content).
    Columns that went are not in the result."""
    widths = dict(wants)

    def over() -> int:
        return sum(width + padding for width in widths.values()) - room

    for key in optional:
        if over() <= 0:
            break
        widths.pop(key, None)
    for key, floor in (least or {}).items():
        if key in widths and (excess := over()) > 0:
            widths[key] -= min(excess, max(0, widths[key] - floor))
    caps = {key: cap for key, cap in (grow or {}).items() if key in widths}
    while (left := -over()) > 0 and (growing := [key for key, cap in caps.items() if widths[key] < cap]):
        for key in growing[:left]:
            widths[key] += 1
    return widths


def table_widths(table: DataTable[Any], headers: dict[str, str], rows: dict[str, dict[str, Text]], *,
                 least: dict[str, int] | None = None, optional: Iterable[str] = (), grow: Iterable[str] = (),
                 ask: dict[str, int] | None = None) -> dict[str, int]:
    """The widths `fit_table` gives the columns of `rows` in `table` (see there): a table whose
    cells can take a shorter form asks first, and builds its cells for the width it will get."""
    wants = {key: widest([header, *(row[key] for row in rows.values())]) for key, header in headers.items()}
    asked = {key: min(want, (ask or {}).get(key, want)) for key, want in wants.items()}
    return fit_widths(table.scrollable_content_region.width, asked, least=least, optional=optional,
                      grow={key: wants[key] for key in grow})


def fit_table(table: DataTable[Any], headers: dict[str, str], rows: dict[str, dict[str, Text]], *,
              least: dict[str, int] | None = None, optional: Iterable[str] = (), grow: Iterable[str] = (),
              ask: dict[str, int] | None = None, height: int = 1, force: bool = False) -> None:
    """Fill `table` with `rows` (row key -> cell by column key), its columns fitted to its width.

    The widths are fit_widths' in the table's width: each column wants its widest cell (or at most
    `ask[key]`), the `grow` columns take the room left over, up to their widest cell. A cell wider
    than its column is cut with an ellipsis, each line apart, never wrapped (a wrapped cell would lose
    its last lines to the row's height, and with them the sign it was cut). Nothing is rebuilt unless
    the widths change or `force` (new rows); the cursor stays on its row."""
    widths = table_widths(table, headers, rows, least=least, optional=optional, grow=grow, ask=ask)
    if not force and widths == {str(column.key.value): column.width for column in table.columns.values()}:
        return
    current = None
    if table.row_count and table.is_valid_coordinate(table.cursor_coordinate):
        current = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    table.clear(columns=True)
    for key, width in widths.items():
        table.add_column(headers[key], key=key, width=width)
    for key, row in rows.items():
        cells = [row[column] for column in widths]
        for cell in cells:
            cell.no_wrap, cell.overflow = True, "ellipsis"
        table.add_row(*cells, key=key, height=height)
    if current in rows:
        table.move_cursor(row=table.get_row_index(current), animate=False)

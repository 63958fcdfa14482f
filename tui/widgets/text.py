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


def claim(value: str | None) -> Text:
    if not value:
        return Text("")
    return Text(clean(value), style=CLAIM_STYLES.get(value, ""))


def track_status(value: str | None) -> Text:
    if not value:
        return Text("—", style="dim")
    return Text(clean(value), style=TRACK_STATUS_STYLES.get(value, ""))


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

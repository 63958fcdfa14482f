"""Publishing: what the log knows, in formats other tools read (a calendar, a spreadsheet, a web
timeline, event data). Views over the service, like the command line: they reach the log only
through `tracker.service.Tracker`, and escape every string from the log for their format.

Each format is a module of this package that registers one function with `publisher`:
`render(tracker, scope) -> str`, the whole file as text. `tracker export --format NAME` lists and
writes them; a new format is a new module here and nothing else.

Every file may be written to a terminal (`-o -`, the default), so none carries a character a
terminal acts on (ESC, the C1 controls such as the 8-bit CSI U+009B, bidi overrides such as
U+202E): JSON writes them as \\uXXXX escapes (`json_text`: the data read back is the log's), text
formats show them as tracker.textsafe's visible escapes ('\\x1b', '\\u202e').
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from projections.moment import Moment
from tracker.service import Tracker
from tracker.textsafe import printable


@dataclass(frozen=True)
class Scope:
    """What a publication covers: some tracks (none: all), at a moment (as of D, as known at K)."""

    tracks: tuple[str, ...] = ()
    moment: Moment = field(default_factory=Moment)
    what: Literal["events", "tracks"] = "events"  # a format with two tables (CSV): which one


Render = Callable[[Tracker, Scope], str]


@dataclass(frozen=True)
class Format:
    name: str
    help: str  # one line for `tracker export --help`
    suffix: str  # the usual file name ending, e.g. '.ics'
    render: Render


FORMATS: dict[str, Format] = {}


def publisher(name: str, help: str, suffix: str) -> Callable[[Render], Render]:
    """Register `render` as the format `name` (used as a decorator in each format's module)."""

    def register(render: Render) -> Render:
        FORMATS[name] = Format(name, help, suffix, render)
        return render

    return register


_BEYOND_ASCII = re.compile("[^\x00-\x7e]")
_LINE_BREAKS = "\u2028\u2029"  # line ends to JavaScript: a file a web page embeds must not hold them raw


def _escaped(match: re.Match[str]) -> str:
    ch = match.group(0)
    return f"\\u{ord(ch):04x}" if ch in _LINE_BREAKS or printable(ch) != ch else ch


def json_text(data: Any, *, indent: int | None = None) -> str:
    """`data` as JSON, readable UTF-8 (`ensure_ascii=False`) but for the characters a terminal acts
    on, those tracker.textsafe would make visible (DEL, C1 controls, bidi controls; json escapes
    the C0 controls itself), and U+2028/U+2029: each is written as \\uXXXX, the same string to
    any JSON reader, so nothing of the data is lost and nothing reaches a terminal raw."""
    return _BEYOND_ASCII.sub(_escaped, json.dumps(data, ensure_ascii=False, indent=indent))


def _discover() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")


_discover()

__all__ = ["FORMATS", "Format", "Scope", "json_text", "publisher"]

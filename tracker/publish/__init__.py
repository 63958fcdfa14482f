"""Publishing: what the log knows, in formats other tools read (a calendar, a spreadsheet, a web
timeline, event data). Views over the service, like the command line: they reach the log only
through `tracker.service.Tracker`, and escape every string from the log for their format.

Each format is a module of this package that registers one function with `publisher`:
`render(tracker, scope) -> str`, the whole file as text. `tracker export --format NAME` lists and
writes them; a new format is a new module here and nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from projections.moment import Moment
from tracker.service import Tracker


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


def _discover() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")


_discover()

__all__ = ["FORMATS", "Format", "Scope", "publisher"]

"""What the log hands out and what it refuses, in words every layer shares.

A stored event (its position, hash and event) and the problems that name an input's line and
field. The forms, the stores and the service all speak of them; keeping them out of the store
lets the forms (which views use) build them without reaching into the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from events import Event


class StoreError(Exception):
    """Any failure the user should see as a clear message (no traceback)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: which line (1-based, if from a file), which field, what."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field '{self.field}'")
        return (": ".join(parts) + ": " if parts else "") + self.message


class InvalidEvents(StoreError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = f"\n  ... and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"{len(self.problems)} problem(s); nothing was written:\n{shown}{more}")


@dataclass(frozen=True)
class StoredEvent:
    position: int
    hash: str
    event: Event

    @property
    def id(self) -> str:
        return self.event.id


def field_path(loc: Sequence[int | str], event_type: str | None) -> str:
    # Drop the discriminator tag pydantic puts first for a tagged union ('statement_made', 'stance').
    parts = [str(p) for p in loc]
    if parts and event_type and parts[0] == event_type:
        parts = parts[1:]
    return ".".join(parts) or "type"

"""The envelope every event shares: identity, time on both axes, scope, sources, claim status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from events.ids import ULID_RE
from events.occurred import CEILING, FLOOR, YEARS, Occurred

SCHEMA_VERSION = 2

ClaimStatus = Literal["confirmed", "reported", "unverified", "disputed", "denied"]
CLAIM_STATUSES: tuple[str, ...] = ("confirmed", "reported", "unverified", "disputed", "denied")
Stance = Literal["supports", "opposes", "conditional", "neutral"]
STANCES: tuple[str, ...] = ("supports", "opposes", "conditional", "neutral")


def _no_control_chars(value: str) -> str:
    # NUL bytes break SQLite text handling and most terminals; refuse them at the door.
    if "\x00" in value:
        raise ValueError("text must not contain NUL bytes")
    return value


Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80),
]
"""Ids of tracks, actors, meetings, proposals: lowercase letters, digits, '.', '_' and '-'."""

Line = Annotated[str, StringConstraints(min_length=1, max_length=500), AfterValidator(_no_control_chars)]
Text = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(_no_control_chars)]


def added(default: Any = None) -> Any:
    """A field added to a model after events with it were stored: left out of the body while it
    holds its default, so an older event validated again (an import of an export) keeps its exact
    bytes and its hash."""
    if isinstance(default, list):
        return Field(default_factory=list, exclude_if=lambda v: not v)
    return Field(default=default, exclude_if=lambda v: v == default)


class Strict(BaseModel):
    # A field's docstring is its description: `tracker log TYPE --help` and the forms show it.
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Source(Strict):
    outlet: Line
    url: Annotated[str, StringConstraints(max_length=2000)] | None = None
    published: date | None = None
    via: Line | None = None  # "NYT via Russia Matters": who we actually read it in
    quote: Text | None = None
    # The Admiralty grading's second half, for this report: 1 confirmed by other sources, 2 probably
    # true, 3 possibly true, 4 doubtful, 5 improbable, 6 cannot be judged.
    credibility: Annotated[int, Field(ge=1, le=6, strict=True)] | None = added()

    @field_validator("published")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        # Refuses only: a valid date is kept (and dumped) exactly as given.
        if value is not None and not FLOOR <= value <= CEILING:
            raise ValueError(f"{value.isoformat()} is outside the years this tracker reads ({YEARS})")
        return value


class EventBase(Strict):
    id: str
    type: str
    # strict: "2" or 2.0 is refused here exactly as the upcaster refuses it, on every import path.
    schema_version: Annotated[int, Field(strict=True)] = SCHEMA_VERSION
    occurred: Occurred
    recorded_at: datetime | None = None  # transaction time; the store sets it
    tracks: Annotated[list[Slug], Field(min_length=1, max_length=50)]
    actors: Annotated[list[Slug], Field(max_length=200)] = Field(default_factory=list)
    location: Line | None = None
    summary: Line
    details: Text | None = None
    sources: Annotated[list[Source], Field(max_length=100)] = Field(default_factory=list)
    status: ClaimStatus = "confirmed"
    tags: Annotated[list[Slug], Field(max_length=50)] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _ulid(cls, value: str) -> str:
        if not ULID_RE.match(value):
            raise ValueError("must be a 26-character ULID (Crockford base32, upper case)")
        return value

    @field_validator("recorded_at")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("recorded_at must carry a time zone (UTC)")
        # The bound is checked before the conversion to UTC, which overflows near year 1 or 9999,
        # and after it (a time late on 31 Dec 2200 west of Greenwich is in 2201 in UTC).
        given = value.isoformat()
        if FLOOR.year <= value.year <= CEILING.year:
            value = value.astimezone(UTC)
            if FLOOR <= value.date() <= CEILING:
                return value
            given += f" (in UTC {value.isoformat()})"
        raise ValueError(f"{given} is outside the years this tracker reads ({YEARS})")

    @field_validator("schema_version")
    @classmethod
    def _current(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"expected schema version {SCHEMA_VERSION} (older ones are upcast on read)")
        return value

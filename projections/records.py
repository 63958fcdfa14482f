"""The unit every fold consumes: an event body (a plain dict, current schema) and its log position.

Folds work on plain dicts rather than pydantic models so a million events can be replayed fast;
the bodies come from the store, which validated them on the way in (older schema versions are
upcast by `normalise`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from events import EVENT_ADAPTER, SCHEMA_VERSION, upcast

Body = dict[str, Any]
Key = tuple[str, int]  # (occurred.earliest as ISO text, log position): the order of facts

# Record-keeping acts: they live on the transaction-time axis only (see projections.amend).
AMENDMENT_TYPES = frozenset({"correction", "retraction"})


class Ev(NamedTuple):
    position: int
    body: Body
    corrected: bool = False  # shown in its corrected form

    @property
    def id(self) -> str:
        return self.body["id"]

    @property
    def type(self) -> str:
        return self.body["type"]

    @property
    def key(self) -> Key:
        return (self.body["occurred"]["earliest"], self.position)

    @property
    def earliest(self) -> str:
        return self.body["occurred"]["earliest"]

    @property
    def recorded_at(self) -> str:
        return self.body.get("recorded_at") or ""


def normalise(body: Body) -> Body:
    """A body in the current schema with every field present (older versions are upcast)."""
    if body.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
        recorded = body.get("recorded_at")
        out = EVENT_ADAPTER.validate_python(upcast(body)).model_dump(mode="json")
        out["recorded_at"] = recorded  # keep the stored fixed-width text
        return out
    return body


def recorded_text(moment: datetime) -> str:
    """The store's fixed-width UTC form, so text comparison is time comparison."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

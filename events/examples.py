"""Example values for the fields of an event type, derived from its model: what generators of
synthetic logs (tracker.bench.synthetic, the property tests) fall back on for a type they have no
hand-written case for, so a new type is generated without editing them.

The generator says where values come from (`Picks`: its actors, its ids, its dates); this module
walks the type's annotations: fields marked as naming actors get actors, `Occurred` gets a date
(a planned one for `Planned` fields), a `Literal` one of its values, a slug an id, text some text,
a nested model its own example, a list one item. Optional fields are included when `Picks.include`
says so.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Annotated, Any, Literal, Protocol

from annotated_types import Gt, Le
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from events.occurred import Occurred
from events.types import ActorRef, Ahead, type_fields


class Picks(Protocol):
    """Where a generator's values come from."""

    def actor(self) -> str: ...

    def actors(self) -> list[str]: ...

    def slug(self, field: str) -> str: ...  # an id (of a meeting, an issue ...), named by its field

    def text(self, field: str) -> str: ...

    def occurred(self, planned: bool) -> dict[str, Any]: ...  # JSON form of an Occurred

    def choice(self, options: Sequence[Any]) -> Any: ...

    def include(self, field: str) -> bool: ...  # give this optional field a value?


def example_fields(event_type: str, picks: Picks) -> dict[str, Any]:
    """Values for the type's own fields (not the envelope's), valid for its model."""
    return _fields(type_fields(event_type), picks)


def _fields(fields: dict[str, FieldInfo], picks: Picks) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, info in fields.items():
        if info.is_required() or picks.include(name):
            value = _value(name, info.annotation, list(info.metadata), picks)
            if value is not None or not info.is_required():
                out[name] = value
    return out


def _value(name: str, annotation: Any, metadata: list[Any], picks: Picks) -> Any:
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        inner, *more = typing.get_args(annotation)
        return _value(name, inner, [*metadata, *more], picks)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _value(name, options[0], metadata, picks) if options else None
    actors = any(isinstance(m, ActorRef) for m in metadata)
    if origin is list:
        if actors:
            return picks.actors()
        (item,) = typing.get_args(annotation)
        return [_value(name, item, [], picks)]
    if origin is Literal:
        return picks.choice(typing.get_args(annotation))
    if actors:
        return picks.actor()
    if annotation is Occurred:
        return picks.occurred(any(isinstance(m, Ahead) for m in metadata))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _fields(dict(annotation.model_fields), picks)
    if annotation is bool:
        return picks.choice((True, False))
    if annotation in (int, float):
        low: Any = next((m.gt for m in metadata if isinstance(m, Gt)), 0)
        high: Any = next((m.le for m in metadata if isinstance(m, Le)), low + 10)
        return annotation(min(low + 1, high))
    if annotation is str:
        slug = any(getattr(m, "pattern", None) for m in metadata)
        return picks.slug(name) if slug else picks.text(name)
    if origin is dict:
        return {}
    raise TypeError(f"no example for field {name!r}: {annotation!r}")

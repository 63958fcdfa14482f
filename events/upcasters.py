"""Upgrading stored events written under older schema versions, on read.

Stored bodies are never rewritten (that would break the hash chain and the append-only rule);
instead each read passes the body through the upcasters from its version to the current one.

Version 1 (the prototype's format) had a single ISO `date` instead of `occurred`, and a single
`source` outlet name instead of the `sources` list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events.base import SCHEMA_VERSION

Body = dict[str, Any]
Upcaster = Callable[[Body], Body]


class UpcastError(ValueError):
    pass


def _v1_to_v2(body: Body) -> Body:
    out = {k: v for k, v in body.items() if k not in ("date", "source")}
    if "date" not in body:
        raise UpcastError("schema version 1 event has no 'date'")
    day = body["date"]
    out["occurred"] = {"earliest": day, "latest": day, "precision": "day", "time": None}
    source = body.get("source")
    out["sources"] = [{"outlet": source, "url": None, "published": None, "via": None, "quote": None}] if source else []
    out["schema_version"] = 2
    return out


# from-version -> function producing version + 1; the same for every event type so far.
UPCASTERS: dict[int, Upcaster] = {1: _v1_to_v2}


def upcast(body: Body) -> Body:
    version = body.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or version < 1:
        raise UpcastError(f"schema_version must be a positive integer, got {version!r}")
    if version > SCHEMA_VERSION:
        raise UpcastError(
            f"event schema version {version} is newer than this program understands "
            f"({SCHEMA_VERSION}); upgrade the tracker"
        )
    while version < SCHEMA_VERSION:
        body = UPCASTERS[version](body)
        version = body["schema_version"]
    return body

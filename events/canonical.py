"""The canonical byte form of an event and the hash chain over it.

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8 kept as is. The chain hash of an
event is sha256(previous hash + canonical bytes), so editing, deleting or reordering any stored
event changes every hash after it.

`reference_json` is the definition (the standard library's encoder); `canonical_json` writes the
same text with orjson, 6x as fast, wherever the two provably agree: for text, integers within
64 bits, booleans, null, lists and objects with text keys. They differ on floats (orjson writes
1e16 where Python writes 1e+16, and NaN as null), so a body that may hold one, an event of a type
with a float or free-form field or of an older schema stored as given, goes to the reference; so
does any body orjson refuses (an integer beyond 64 bits, a key that is not text). The tests hold
the two to the same bytes on every stored event of the demo and the fixtures, a generated log and
hypothesis' examples.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from typing import Any

import orjson

GENESIS = "0" * 64

# Built once: json.dumps builds a new encoder per call when given options. No cycle check: a body
# is parsed JSON or a model's dump, which cannot contain itself.
_reference = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              check_circular=False).encode
_SORTED = orjson.OPT_SORT_KEYS

# (schema version, event type) whose bodies hold no float: set by events.types, which knows the
# models (events.types.float_free_types); empty until then, and then every body takes the reference.
FAST_TYPES: set[tuple[int, str]] = set()


def reference_json(body: Any) -> str:
    """Canonical JSON as the standard library writes it: the definition."""
    return _reference(body)


def canonical_json(body: dict[str, Any]) -> str:
    if (body.get("schema_version"), body.get("type")) in FAST_TYPES:
        try:
            return orjson.dumps(body, option=_SORTED).decode("utf-8")
        except orjson.JSONEncodeError:
            pass  # beyond what orjson writes (see the module's docstring): the reference decides
    return _reference(body)


def register_fast_types(version: int, types: Collection[str]) -> None:
    FAST_TYPES.update((version, t) for t in types)


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical.encode("utf-8")).hexdigest()

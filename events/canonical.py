"""The canonical byte form of an event and the hash chain over it.

Canonical JSON: keys sorted, no insignificant whitespace, UTF-8 kept as is. The chain hash of an
event is sha256(previous hash + canonical bytes), so editing, deleting or reordering any stored
event changes every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical_json(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + canonical.encode("utf-8")).hexdigest()

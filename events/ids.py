"""Sortable unique event ids (ULID: 48-bit millisecond time + 80 random bits, Crockford base32).

Written here rather than pulled in as a dependency: it is twenty lines and the format is frozen.
"""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def _encode(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(at: datetime | None = None, randomness: bytes | None = None) -> str:
    """A new ULID. `at` and `randomness` make ids reproducible (demo data, tests)."""
    ms = int((at.timestamp() if at else time.time()) * 1000)
    rand = randomness if randomness is not None else os.urandom(10)
    if len(rand) != 10:
        raise ValueError("ULID randomness must be 10 bytes")
    return _encode(ms, 10) + _encode(int.from_bytes(rand, "big"), 16)


def id_time(ulid: str) -> datetime:
    """The creation time encoded in a ULID."""
    ms = 0
    for ch in ulid[:10]:
        ms = ms * 32 + _ALPHABET.index(ch)
    return datetime.fromtimestamp(ms / 1000, tz=UTC)

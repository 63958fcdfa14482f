"""A small, fast generator of valid synthetic events for tests (deterministic per seed)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from events import new_id

BASE_TIME = datetime(2025, 2, 1, tzinfo=UTC)
TRACKS = ("ukraine-settlement", "gaza-ceasefire", "iran-nuclear", "black-sea-grain")
SPEAKERS = ("lavrov", "rubio", "witkoff", "peskov", "zelensky", "erdogan")


def event_id(tag: str, n: int) -> str:
    """A valid ULID that is the same for the same (tag, n), and different otherwise."""
    rand = hashlib.sha256(f"{tag}:{n}".encode()).digest()[:10]
    return new_id(at=BASE_TIME + timedelta(seconds=n), randomness=rand)


def statement(tag: str, n: int, **overrides: Any) -> dict[str, Any]:
    """A valid current-schema statement_made body, number `n` of series `tag`."""
    day = (date(2025, 1, 1) + timedelta(days=n % 365)).isoformat()
    speaker = SPEAKERS[n % len(SPEAKERS)]
    body: dict[str, Any] = {
        "id": event_id(tag, n),
        "type": "statement_made",
        "occurred": {"earliest": day, "latest": day, "precision": "day"},
        "tracks": [TRACKS[n % len(TRACKS)]],
        "actors": [speaker],
        "summary": f"{tag} statement {n}",
        "speaker": speaker,
        "issue": "european-peacekeepers",
        "stance": ("supports", "opposes", "conditional", "neutral")[n % 4],
        "sources": [{"outlet": "TASS"}],
    }
    body.update(overrides)
    return body


def statements(tag: str, count: int, start: int = 0) -> Iterator[dict[str, Any]]:
    for n in range(start, start + count):
        yield statement(tag, n)


def write_jsonl(path: Path, tag: str, count: int, start: int = 0) -> Path:
    with open(path, "wb") as fh:
        for n in range(start, start + count):
            fh.write(json.dumps(statement(tag, n)).encode() + b"\n")
    return path

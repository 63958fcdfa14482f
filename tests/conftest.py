from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from events import new_id
from tracker.store import EventStore

_counter = iter(range(10**9))


def make_body(**overrides: Any) -> dict[str, Any]:
    """A valid statement_made body; override any field."""
    n = next(_counter)
    body: dict[str, Any] = {
        "id": new_id(randomness=hashlib.sha256(f"test-{n}".encode()).digest()[:10]),
        "type": "statement_made",
        "occurred": {"earliest": "2025-02-18", "latest": "2025-02-18", "precision": "day"},
        "tracks": ["ukraine-settlement"],
        "actors": ["lavrov"],
        "summary": f"Lavrov statement {n}",
        "speaker": "lavrov",
        "issue": "european-peacekeepers",
        "stance": "opposes",
        "sources": [{"outlet": "TASS"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def body() -> Callable[..., dict[str, Any]]:
    return make_body


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "log.db"


@pytest.fixture
def store(db_path: Path) -> EventStore:
    s = EventStore(db_path)
    yield s
    s.close()

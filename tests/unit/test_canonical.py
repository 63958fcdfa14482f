"""Canonical JSON from the fast encoder (orjson) is byte for byte the reference's (the standard
library's), so no stored hash changes: on every stored event of the demo and of the old-release
fixture, on a generated log, and on hypothesis' events and JSON values."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from test_projections_logs import _fields

from events import EVENT_ADAPTER, EVENT_TYPES, SCHEMA_VERSION, canonical_json, chain_hash, new_id
from events.canonical import FAST_TYPES, reference_json
from events.types import _float_free, float_free_types
from tracker.bench.synthetic import write_jsonl
from tracker.store.sqlite import prepare_record

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOW = "2026-12-06T10:00:00.000000Z"


def stored_bodies(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT body, hash FROM events ORDER BY position").fetchall()


def assert_same_chain(rows: list[tuple[str, str]]) -> None:
    """Each stored body is what the fast encoder writes of it, and the chain over the re-encoded
    bodies ends in the stored head."""
    prev = "0" * 64
    fast = 0
    for body, stored_hash in rows:
        parsed = json.loads(body)
        assert canonical_json(parsed) == body == reference_json(parsed)
        prev = chain_hash(prev, canonical_json(parsed))
        assert prev == stored_hash
        fast += (parsed.get("schema_version"), parsed.get("type")) in FAST_TYPES
    assert fast > len(rows) // 2  # most bodies did go through orjson


def test_every_event_of_the_demo_keeps_its_bytes_and_hash(demo_db: Path) -> None:
    assert_same_chain(stored_bodies(demo_db))


def test_every_event_of_the_old_release_fixture_keeps_its_bytes_and_hash() -> None:
    rows = stored_bodies(FIXTURES / "v1_log.db")
    assert rows
    prev = "0" * 64
    for body, stored_hash in rows:  # schema 1 bodies: stored as given, the reference writes them
        parsed = json.loads(body)
        assert canonical_json(parsed) == body
        prev = chain_hash(prev, body)
        assert prev == stored_hash


def generated(tmp_path: Path, n: int) -> None:
    path = tmp_path / "gen.jsonl"
    write_jsonl(path, n, seed=7)
    with open(path, "rb") as fh:
        for line in fh:
            record = prepare_record(EVENT_ADAPTER.validate_json(line), None, NOW, keep_event=False)
            assert record.canonical == reference_json(json.loads(record.canonical))


def test_a_generated_log_is_written_the_same(tmp_path: Path) -> None:
    generated(tmp_path, 20_000)


@pytest.mark.slow
def test_a_generated_100k_log_is_written_the_same(tmp_path: Path) -> None:
    generated(tmp_path, 100_000)


# -- properties --------------------------------------------------------------------------------------
# Any text a user or an import may bring (no lone surrogates: they are not UTF-8; no NUL: refused).
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)


@pytest.mark.parametrize("event_type", sorted(float_free_types()))
@settings(max_examples=15, deadline=None)
@given(data=st.data(), summary=TEXT, outlet=TEXT.filter(str.strip), quote=TEXT)
def test_events_of_every_fast_type_are_written_as_the_reference_writes_them(
        event_type: str, data: st.DataObject, summary: str, outlet: str, quote: str) -> None:
    fields = _fields(event_type, data.draw, [{"id": new_id(), "type": "statement_made"}])
    assert fields is not None
    body = {"id": new_id(), "type": event_type, "occurred": {"earliest": "2025-02-03", "latest": "2025-02-03",
            "precision": "day"}, "tracks": ["t-one"], "summary": summary.strip() or "s",
            "sources": [{"outlet": outlet[:500], "quote": quote or None}], **fields}
    event = EVENT_ADAPTER.validate_python(body)
    dumped = event.model_dump(mode="json")
    assert (dumped["schema_version"], dumped["type"]) in FAST_TYPES
    assert canonical_json(dumped) == reference_json(dumped)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES)
def test_orjson_writes_float_free_json_as_the_standard_library_does(value: Any) -> None:
    """What the fast path relies on: text (every character but lone surrogates, control characters
    escaped alike), integers within 64 bits, booleans, null, lists and objects with sorted keys."""
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8") == reference_json(value)


@settings(max_examples=100, deadline=None)
@given(value=JSON_VALUES)
def test_a_body_of_a_fast_type_with_anything_in_it_is_still_written_as_the_reference(value: Any) -> None:
    body = {"schema_version": SCHEMA_VERSION, "type": "statement_made", "x": value}
    assert canonical_json(body) == reference_json(body)


@pytest.mark.parametrize("body", [
    {"schema_version": SCHEMA_VERSION, "type": "statement_made", "n": 2**70},  # beyond 64 bits: orjson refuses
    {"schema_version": SCHEMA_VERSION, "type": "meeting_held", "duration_hours": 1e16},  # a float type
    {"schema_version": SCHEMA_VERSION, "type": "correction", "changes": {"x": 1e-7, "y": float("nan")}},
    {"schema_version": 1, "type": "statement_made", "weight": 2.5e20},  # an older schema, stored as given
])
def test_what_orjson_would_write_differently_goes_to_the_reference(body: dict[str, Any]) -> None:
    assert canonical_json(body) == reference_json(body)


def test_only_types_without_floats_take_the_fast_path() -> None:
    fast = {t for v, t in FAST_TYPES if v == SCHEMA_VERSION}
    assert "meeting_held" not in fast and "correction" not in fast  # a float, and free-form changes
    assert fast == set(float_free_types()) and len(fast) >= len(EVENT_TYPES) - 3

    class Inner(BaseModel):
        weights: list[float] = []

    class Outer(BaseModel):
        name: str
        inner: Inner | None = None

    class Plain(BaseModel):
        name: str
        tags: list[str] = []

    assert not _float_free(Outer) and not _float_free(Any) and _float_free(Plain)

"""The event vocabulary: what can be said about a negotiation, and how it is dated and sourced."""

from events.base import CLAIM_STATUSES, SCHEMA_VERSION, STANCES
from events.canonical import GENESIS, canonical_json, chain_hash
from events.dates import DateParseError, parse_occurred
from events.ids import new_id
from events.occurred import Occurred
from events.types import (
    EVENT_ADAPTER,
    EVENT_TYPES,
    TRACK_STATUSES,
    Event,
    describe,
    type_fields,
)
from events.upcasters import UpcastError, upcast

__all__ = [
    "CLAIM_STATUSES", "EVENT_ADAPTER", "EVENT_TYPES", "GENESIS", "SCHEMA_VERSION", "STANCES",
    "TRACK_STATUSES", "DateParseError", "Event", "Occurred", "UpcastError", "canonical_json", "chain_hash",
    "describe", "new_id", "parse_occurred", "type_fields", "upcast",
]

"""The log: an append-only, hash-chained store of events, and its import and export.

One public surface: `EventStore` (sqlite.py) and the rows, filter and errors every store shares
(base.py). Import and export of JSON Lines live in jsonl.py. Only the application service
(tracker.service) and the read model use this package; the views never do.
"""

from tracker.store.base import (
    ConcurrencyConflict,
    EventFilter,
    IdConflict,
    IncompatibleDatabase,
    InvalidEvents,
    MissingDatabase,
    Problem,
    ReadOnlyStore,
    StoredEvent,
    StoreError,
    UnusableDatabase,
    VerifyResult,
)
from tracker.store.sqlite import EVENT_COLUMNS, EventStore, parse_body

__all__ = [
    "EVENT_COLUMNS", "ConcurrencyConflict", "EventFilter", "EventStore", "IdConflict", "IncompatibleDatabase",
    "InvalidEvents", "MissingDatabase", "Problem", "ReadOnlyStore", "StoreError", "StoredEvent", "UnusableDatabase", "VerifyResult",
    "parse_body",
]

"""A copy of a log for one test to change, made the way SQLite copies a live database."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def copy_db(src: Path, dst: Path) -> Path:
    """`dst` as a consistent snapshot of `src`, its WAL and read model included (the backup API)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()
    return dst

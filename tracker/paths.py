"""Where the log lives: --db, then $TRACKER_DB, then the user's data directory; a file, or a
PostgreSQL server's URL."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "TRACKER_DB"
APP_NAME = "diplomacy-tracker"


def default_db() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "tracker.db"


class PathError(ValueError):
    """A log's path that cannot even be worked out (a '~user' with no such user): one line to say."""


def expand(path: str | os.PathLike[str]) -> Path:
    """`path` with a leading '~' or '~user' made the home directory it names."""
    try:
        return Path(path).expanduser()
    except RuntimeError:  # Python's only word for "no such user" or "no home directory"
        user = str(path)[1:].split(os.sep, 1)[0]
        raise PathError(f"{path}: there is no user {user!r} whose home directory '~{user}' could name"
                        if user else f"{path}: your home directory cannot be found ($HOME is not set)") from None


def resolve_db(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return expand(explicit)
    if os.environ.get(ENV_VAR):
        return expand(os.environ[ENV_VAR])
    return default_db()


def resolve_location(explicit: str | os.PathLike[str] | None = None) -> Path | str:
    """resolve_db, but a server log's URL (postgresql://...) is kept as it is, a string."""
    given = explicit or os.environ.get(ENV_VAR)
    if isinstance(given, str) and given.startswith(("postgresql://", "postgres://")):
        return given
    return resolve_db(explicit)


def demo_db() -> Path:
    """The demo gets a database of its own, never the user's real log."""
    return Path(platformdirs.user_data_dir(APP_NAME)) / "demo.db"

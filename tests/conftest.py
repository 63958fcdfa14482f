from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dbcopy import copy_db
from events import new_id
from tracker.store import EventStore

_counter = iter(range(10**9))
ROBUSTNESS = Path(__file__).resolve().parent / "robustness"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Robustness tests (crashes, concurrency, hostile and odd input, old data, tampering) are
    slow: `pytest -m "not slow"` skips them locally; CI runs everything."""
    for item in items:
        if ROBUSTNESS in item.path.parents:
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session", autouse=True)
def _state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every command remembers each log's head in a state file beside the user's data
    (tracker.store.heads): the suite's, in a directory of its own, never in the user's home."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_STATE_DIR", str(tmp_path_factory.mktemp("tracker-state")))
        # The user's data directory (the default log, the demo's) is the suite's own too: what a
        # developer ran by hand there must not change what a test sees.
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _analyst() -> Iterator[None]:
    """Who logs into a file log (tracker.store.sqlite.analyst_name): one name on every machine,
    so what the views show of it does not depend on who runs the suite."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRACKER_ANALYST", "analyst")
        yield


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Any]:
    """One throwaway PostgreSQL cluster per test process (tests/helpers/pgserver.py)."""
    import os

    import pgserver

    bindir = pgserver.bin_dir()
    if bindir is None:
        if os.environ.get(pgserver.REQUIRE_ENV):
            pytest.fail("PostgreSQL's server (initdb, pg_ctl) is not installed, and CI requires it")
        pytest.skip("PostgreSQL's server (initdb, pg_ctl) is not installed")
    cluster = pgserver.Cluster(bindir)
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Any) -> str:
    """A new, empty database's URL, with the log's schema and roles made by `init-server`."""
    from tracker.store.postgres import init_server

    url = pg_cluster.url(pg_cluster.new_database())
    init_server(url)
    return str(url)


@pytest.fixture
def body() -> Callable[..., dict[str, Any]]:
    return make_body


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "log.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[EventStore]:
    s = EventStore(db_path)
    yield s
    s.close()


# -- the TUI tests' demo data (test_tui.py, test_tui_snapshots.py) ----------------------------
@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data loaded once; each test gets its own copy (see `demo_db`)."""
    from tracker.service import Tracker

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    tracker, _ = Tracker.demo(path)
    tracker.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database, named demo.db (the name shows in the header)."""
    return copy_db(demo_template, tmp_path / "demo.db")

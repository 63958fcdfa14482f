"""Hand edits to the file (append-only triggers dropped first) are caught by `tracker verify`:
exit status 1 and the exact position named.

What the chain cannot catch, pinned here so nobody relies on it: a forger who rewrites the tail and
recomputes every hash after the edit, or who deletes the last rows, leaves a chain that verifies;
only a head noted elsewhere (`tracker verify` prints it, `--expect-head` checks it) or the one this
program remembers shows the difference (tests/robustness/test_head_pin.py).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from events import canonical_json, chain_hash
from gen import event_id, statement, statements
from tracker.cli import cli
from tracker.store import EventStore

N = 12


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 events: statements, an old-schema (v1) event at 5, a correction at 9 of the event at 2."""
    path = tmp_path_factory.mktemp("tamper") / "pristine.db"
    bodies = list(statements("tamper", N))
    old = {k: v for k, v in bodies[4].items() if k not in ("occurred", "sources")}
    old.update(schema_version=1, date="2025-02-17", source="Reuters")
    bodies[4] = old
    fix = {k: v for k, v in bodies[8].items() if k not in ("speaker", "issue", "stance")}
    fix.update(type="correction", target=bodies[1]["id"], changes={"summary": "corrected", "tracks": ["other"]},
               reason="typo")
    bodies[8] = fix
    with EventStore(path) as s:
        s.append(bodies)
        assert s.verify().ok
    return path


@pytest.fixture
def db(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "log.db"
    shutil.copyfile(pristine, copy)
    return copy


def tamper(path: Path, *statements_: str, params: tuple = ()) -> None:
    raw = sqlite3.connect(path)
    for table in ("events", "event_tracks", "event_actors"):
        for action in ("update", "delete"):
            raw.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
    raw.execute("DROP TRIGGER IF EXISTS events_gap_free")
    for sql in statements_:
        raw.execute(sql, params) if params else raw.execute(sql)
    raw.commit()
    raw.close()


def row(path: Path, position: int) -> dict:
    raw = sqlite3.connect(path)
    raw.row_factory = sqlite3.Row
    r = dict(raw.execute("SELECT * FROM events WHERE position = ?", (position,)).fetchone())
    raw.close()
    return r


def verify(path: Path) -> tuple[int, str, dict]:
    runner = CliRunner()
    text = runner.invoke(cli, ["--db", str(path), "verify"])
    as_json = runner.invoke(cli, ["--db", str(path), "verify", "--json"])
    assert as_json.exit_code == text.exit_code
    return text.exit_code, text.output, json.loads(as_json.stdout)


def assert_broken_at(path: Path, position: int, reason: str = "") -> None:
    code, out, data = verify(path)
    assert code == 1, out
    assert f"BROKEN at position {position}:" in out, out
    assert data["ok"] is False and data["first_bad_position"] == position and data["checked"] == position - 1
    assert reason in out, out


def test_the_pristine_file_verifies(db):
    code, out, data = verify(db)
    assert code == 0 and data["ok"] and data["checked"] == N, out


# -- editing rows ---------------------------------------------------------------------------------
@pytest.mark.parametrize("position", [1, 5, 9, N])
def test_an_edited_body_is_caught_at_its_position(db, position):
    body = row(db, position)["body"]
    tamper(db, "UPDATE events SET body = ? WHERE position = ?", params=(body.replace("statement", "Statement", 1)
                                                                       if "statement" in body else body + " ", position))
    assert_broken_at(db, position, "does not match its hash")


def test_an_edit_with_that_rows_hash_recomputed_is_caught_at_the_next_row(db):
    before = row(db, 3)
    body = json.loads(row(db, 4)["body"])
    body["summary"] = "forged summary"
    forged = canonical_json(body)
    tamper(db, "UPDATE events SET body = ?, summary = ?, hash = ? WHERE position = 4",
           params=(forged, "forged summary", chain_hash(before["hash"], forged)))
    # Row 4 now holds up on its own; row 5's hash was made from row 4's old hash.
    assert_broken_at(db, 5, "does not match its hash")


@pytest.mark.parametrize(("column", "value"), [
    ("type", "meeting_held"),
    ("recorded_at", "2020-01-01T00:00:00.000000Z"),
    ("id", event_id("forged", 1)),
    ("occurred_earliest", "2019-01-01"),
    ("occurred_latest", "2030-12-31"),
    ("precision", "month"),
    ("status", "denied"),
    ("summary", "a different summary"),
    ("tracks", '["elsewhere"]'),
    ("actors", '["nobody"]'),
    ("schema_version", 3),
])
@pytest.mark.parametrize("position", [3, 5])  # 5 is the old-schema event
def test_editing_an_indexed_column_alone_is_caught(db, column, value, position):
    tamper(db, f"UPDATE events SET {column} = ? WHERE position = ?", params=(value, position))
    assert_broken_at(db, position, "indexed columns disagree")


@pytest.mark.parametrize("table", ["event_tracks", "event_actors"])
def test_removing_an_event_from_the_filter_index_is_caught(db, table):
    # Hiding an event from `tracker events --track/--actor` without touching the events table.
    tamper(db, f"DELETE FROM {table} WHERE position = 7")
    assert_broken_at(db, 7, "index")


# -- deleting and reordering ----------------------------------------------------------------------
@pytest.mark.parametrize("position", [1, 6, N - 1])
def test_a_deleted_row_is_caught_where_it_was(db, position):
    tamper(db, f"DELETE FROM events WHERE position = {position}")
    assert_broken_at(db, position, "missing")


def test_deleted_rows_with_positions_closed_up_are_caught(db):
    tamper(db, "DELETE FROM events WHERE position = 4", "UPDATE events SET position = position - 1 WHERE position > 4")
    assert_broken_at(db, 4, "does not match its hash")


@pytest.mark.parametrize(("a", "b"), [(2, 3), (1, N), (6, 10)])
def test_swapped_rows_are_caught_at_the_first(db, a, b):
    tamper(db, f"UPDATE events SET position = -1 WHERE position = {a}",
           f"UPDATE events SET position = {a} WHERE position = {b}",
           f"UPDATE events SET position = {b} WHERE position = -1")
    assert_broken_at(db, a, "does not match its hash")


# -- forged rows at the end -----------------------------------------------------------------------
def _forge(db: Path, make_hash: Callable[[str, str, dict], str], *, body_text: Callable[[dict], str] = canonical_json,
           columns: Callable[[dict], dict] = lambda b: {}) -> None:
    last = row(db, N)
    body = statement("forged", 1, recorded_at="2025-02-20T12:00:00.000000Z", status="confirmed",
                     schema_version=2, details=None, location=None, tags=[], on_behalf_of=None, quote=None, towards=[])
    body["occurred"]["time"] = None
    body["sources"] = [{"outlet": "TASS", "url": None, "published": None, "via": None, "quote": None}]
    text = body_text(body)
    values = {
        "position": N + 1, "id": body["id"], "type": body["type"], "schema_version": 2,
        "occurred_earliest": body["occurred"]["earliest"], "occurred_latest": body["occurred"]["latest"],
        "precision": "day", "recorded_at": body["recorded_at"], "tracks": json.dumps(body["tracks"]),
        "actors": json.dumps(body["actors"]), "status": "confirmed", "summary": body["summary"], "body": text,
        "hash": make_hash(last["hash"], text, body),
    }
    values.update(columns(body))
    cols = ", ".join(values)
    tamper(db, f"INSERT INTO events ({cols}) VALUES ({', '.join('?' * len(values))})", params=tuple(values.values()))
    raw = sqlite3.connect(db)
    raw.executemany("INSERT INTO event_tracks VALUES (?, ?)", [(t, N + 1) for t in body["tracks"]])
    raw.executemany("INSERT INTO event_actors VALUES (?, ?)", [(a, N + 1) for a in body["actors"]])
    raw.commit()
    raw.close()


GENESIS = "0" * 64


@pytest.mark.parametrize(("name", "make_hash", "reason"), [
    ("chain restarted from genesis", lambda prev, text, body: chain_hash(GENESIS, text), "does not match"),
    ("chained to the wrong row", lambda prev, text, body: chain_hash(chain_hash(prev, text), text), "does not match"),
    ("hash of other content", lambda prev, text, body: chain_hash(prev, text.replace("forged", "honest")),
     "does not match"),
    ("hash of the body without recorded_at",
     lambda prev, text, body: chain_hash(prev, canonical_json({k: v for k, v in body.items() if k != "recorded_at"})),
     "does not match"),
    ("plain sha256 of the body", lambda prev, text, body: __import__("hashlib").sha256(text.encode()).hexdigest(),
     "does not match"),
])
def test_a_forged_last_row_with_a_wrong_chain_hash_is_caught(db, name, make_hash, reason):
    _forge(db, make_hash)
    assert_broken_at(db, N + 1, reason)


def test_a_forged_last_row_hashed_over_non_canonical_json_is_caught(db):
    # Correctly chained, but over JSON the tracker never writes (ASCII escapes, spaces).
    _forge(db, lambda prev, text, body: chain_hash(prev, text),
           body_text=lambda b: json.dumps(b, sort_keys=True, ensure_ascii=True, separators=(", ", ": ")))
    assert_broken_at(db, N + 1, "canonical")


def test_a_forged_last_row_whose_columns_lie_about_its_body_is_caught(db):
    _forge(db, lambda prev, text, body: chain_hash(prev, text), columns=lambda b: {"type": "agreement_reached"})
    assert_broken_at(db, N + 1, "indexed columns disagree")


def test_a_correctly_chained_row_holding_no_valid_event_fails_clearly_when_read(db):
    """verify checks the chain and the columns, not each body against the event models (that would
    double its time); a forger who chains an invalid body correctly gets past it, but reading the
    row then fails with a clear error naming the position, not a traceback."""
    def invalid(b: dict) -> str:
        return canonical_json({**b, "stance": "maybe"})
    _forge(db, lambda prev, text, body: chain_hash(prev, text), body_text=invalid)
    result = CliRunner().invoke(cli, ["--db", str(db), "events"])
    assert result.exit_code == 1, result.output
    assert f"position {N + 1}" in result.stderr and "stance" in result.stderr
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


# -- what the chain alone cannot show -------------------------------------------------------------
def test_limits_a_recomputed_tail_or_a_truncated_tail_verifies_but_moves_the_head(db, pristine, tmp_path, monkeypatch):
    noted = verify(pristine)[2]["head_hash"]  # what a careful user keeps elsewhere
    # Truncation: drop the last two rows.
    tamper(db, f"DELETE FROM events WHERE position > {N - 2}", f"DELETE FROM event_tracks WHERE position > {N - 2}",
           f"DELETE FROM event_actors WHERE position > {N - 2}")
    code, _, data = verify(db)
    assert code == 0 and data["checked"] == N - 2 and data["head_hash"] != noted
    # Rewrite of the new last row with its hash recomputed: indistinguishable from an honest append.
    last = row(db, N - 2)
    prev = row(db, N - 3)["hash"]
    body = json.loads(last["body"])
    body["summary"] = "rewritten history"
    text = canonical_json(body)
    tamper(db, "UPDATE events SET body = ?, summary = ?, hash = ? WHERE position = ?",
           params=(text, "rewritten history", chain_hash(prev, text), N - 2))
    code, out, _ = verify(db)  # the head remembered at the first verify above shows it
    assert code == 1 and "HEAD NOT HELD" in out, out
    # Where this program has never seen the log (another machine, the state file deleted), the
    # chain alone verifies: only the head noted elsewhere shows it.
    monkeypatch.setenv("TRACKER_STATE_DIR", str(tmp_path / "elsewhere"))
    code, _, data = verify(db)
    assert code == 0 and data["head_hash"] not in (noted, last["hash"])


def test_real_tracker_verify_exits_1_and_names_the_position(db):
    body = row(db, 8)["body"]
    tamper(db, "UPDATE events SET body = ? WHERE position = 8", params=(body.replace("tamper", "tampered"),))
    run = subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "verify"], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1 and "BROKEN at position 8:" in run.stdout and "Traceback" not in run.stderr


def test_a_tampered_file_can_still_be_listed_and_exported_with_force(db):
    """Reads keep working so the evidence can be read (each warns: tests/robustness/test_head_pin.py);
    an export needs --force, and keeps the stored hashes."""
    body = row(db, 6)["body"]
    tamper(db, "UPDATE events SET body = ? WHERE position = 6", params=(body.replace("tamper", "TAMPER"),))
    runner = CliRunner()
    listed = runner.invoke(cli, ["--db", str(db), "events", "--limit", "100"])
    assert listed.exit_code == 0 and "TAMPER statement 5" in listed.stdout
    assert "broken at position 6" in listed.stderr
    assert runner.invoke(cli, ["--db", str(db), "export"]).exit_code == 1
    exported = runner.invoke(cli, ["--db", str(db), "export", "--force"])
    assert exported.exit_code == 0 and len(exported.stdout.splitlines()) == N + 1
    assert json.loads(exported.stdout.splitlines()[5])["hash"] == row(db, 6)["hash"]

"""`tracker demo` never destroys data: not a user's log, not any file, not what was logged into the demo."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from run_cli import tracker


def count(db: Path) -> int:
    run = tracker("verify", "--json", db=db)
    assert run.returncode == 0, run.stderr
    return int(json.loads(run.stdout)["checked"])


def log_one(db: Path) -> None:
    run = tracker("log", "statement-made", "--when", "2025-02-19", "--track", "ukraine-settlement",
                  "--speaker", "zelensky", "--issue", "ukraine-participation", "--stance", "opposes",
                  "--summary", "Zelensky: nothing about Ukraine without Ukraine",
                  "--source", "Kyiv Independent", "--status", "confirmed", db=db)
    assert run.returncode == 0, run.stderr


def test_demo_refuses_a_file_that_is_not_a_log(tmp_path):
    precious = tmp_path / "f"
    precious.write_text("precious\n")
    run = tracker("demo", "--db", str(precious), "--no-tui")
    assert run.returncode == 1
    assert str(precious) in run.stderr and "Traceback" not in run.stderr
    assert precious.read_text() == "precious\n"


def test_demo_refuses_a_users_log_even_with_reset(tmp_path):
    mine = tmp_path / "mine.db"
    log_one(mine)
    for extra in ([], ["--reset"]):
        run = tracker("demo", "--db", str(mine), "--no-tui", *extra)
        assert run.returncode == 1, run.stdout
        assert "not a demo log" in run.stderr and "Traceback" not in run.stderr
    assert count(mine) == 1


def test_running_demo_again_keeps_what_was_logged_into_it_until_reset(tmp_path):
    demo = tmp_path / "demo.db"
    first = tracker("demo", "--db", str(demo), "--no-tui")
    assert first.returncode == 0, first.stderr
    bundled = count(demo)
    log_one(demo)
    again = tracker("demo", "--db", str(demo), "--no-tui")
    assert again.returncode == 0, again.stderr
    assert count(demo) == bundled + 1
    assert "--reset" in again.stdout and str(demo) in again.stdout
    reset = tracker("demo", "--db", str(demo), "--no-tui", "--reset")
    assert reset.returncode == 0, reset.stderr
    assert count(demo) == bundled


def test_demo_honours_the_global_db_option(tmp_path):
    target = tmp_path / "global.db"
    run = tracker("--db", str(target), "demo", "--no-tui")
    assert run.returncode == 0, run.stderr
    assert str(target) in run.stdout
    assert count(target) > 50


def test_an_empty_sqlite_file_is_not_taken_for_a_demo(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    run = tracker("demo", "--db", str(other), "--no-tui", "--reset")
    assert run.returncode == 1
    with sqlite3.connect(other) as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]

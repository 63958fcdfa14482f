"""Issue 2's acceptance path, by running the real `tracker` command."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from dbcopy import copy_db
from run_cli import tracker


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    run = tracker("demo", "--no-tui", "--db", str(path))
    assert run.returncode == 0, run.stderr
    assert "events" in run.stdout
    return path


def test_log_a_statement_dated_yesterday_and_see_the_resolved_day(demo, tmp_path):
    db = copy_db(demo, tmp_path / "log.db")
    before = tracker("verify", "--json", db=db)
    count = json.loads(before.stdout)["checked"]
    run = tracker("log", "statement-made", "--when", "yesterday", "--track", "ukraine-settlement",
                  "--speaker", "zelensky", "--on-behalf-of", "ukr", "--issue", "ukraine-participation",
                  "--stance", "opposes", "--summary", "Zelensky: no talks on Ukraine without Ukraine",
                  "--source", "Kyiv Independent", db=db)
    assert run.returncode == 0, run.stderr
    yesterday = date.today() - timedelta(days=1)
    assert f"{yesterday.day} {yesterday.strftime('%b %Y')}" in run.stdout
    assert f"position {count + 1}" in run.stdout
    listed = json.loads(tracker("events", "--actor", "zelensky", "--limit", "1", "--json", db=db).stdout)
    assert listed[0]["occurred"]["earliest"] == yesterday.isoformat()
    assert listed[0]["actors"] == ["zelensky", "ukr"]


def test_open_a_track_and_change_its_status_from_the_command_line(demo, tmp_path):
    # `track` of these types is the envelope's --track: one flag, not two that clash.
    db = copy_db(demo, tmp_path / "log.db")
    opened = tracker("log", "track-opened", "--when", "2025-03-03", "--track", "black-sea-ceasefire",
                     "--title", "Black Sea ceasefire", "--summary", "Talks on shipping in the Black Sea", db=db)
    assert opened.returncode == 0, opened.stderr
    assert "UserWarning" not in opened.stderr
    run = tracker("log", "track-status-changed", "--when", "2025-03-11", "--track", "black-sea-ceasefire",
                  "--new-status", "active", "--summary", "Jeddah talks take up the Black Sea", db=db)
    assert run.returncode == 0, run.stderr
    status = tracker("status", "black-sea-ceasefire", db=db)
    assert "Black Sea ceasefire" in status.stdout
    assert "Status: active since 11 Mar 2025" in status.stdout
    listed = tracker("status", db=db)
    assert "black-sea-ceasefire" in listed.stdout and "active" in listed.stdout


def test_relative_dates_resolve_against_the_reported_on_day(tmp_path):
    run = tracker("log", "meeting-held", "--when", "last week", "--reported-on", "2025-02-18",
                  "--track", "us-russia-normalization", "--meeting", "trump-putin-call",
                  "--title", "Trump–Putin call", "--participants", "trump,putin",
                  "--summary", "Trump and Putin spoke by phone", "--status", "confirmed", "--json",
                  db=tmp_path / "x.db")
    assert run.returncode == 0, run.stderr
    occurred = json.loads(run.stdout)["occurred"]
    assert occurred == {"earliest": "2025-02-10", "latest": "2025-02-16", "precision": "week", "time": None,
                        "edtf": "2025-02-10/2025-02-16"}


def test_export_and_reimport_give_identical_hashes(demo, tmp_path):
    exported = tmp_path / "log.jsonl"
    assert tracker("export", "--format", "jsonl", "-o", str(exported), db=demo).returncode == 0
    other = tmp_path / "other.db"
    run = tracker("import", str(exported), db=other)
    assert run.returncode == 0, run.stderr
    a = json.loads(tracker("verify", "--json", db=demo).stdout)
    b = json.loads(tracker("verify", "--json", db=other).stdout)
    assert a["ok"] and b["ok"] and a["checked"] == b["checked"] > 0
    assert a["head_hash"] == b["head_hash"]
    with sqlite3.connect(demo) as x, sqlite3.connect(other) as y:
        q = "SELECT position, id, recorded_at, hash FROM events ORDER BY position"
        assert x.execute(q).fetchall() == y.execute(q).fetchall()
    # And exporting the copy gives the same bytes.
    again = tmp_path / "again.jsonl"
    tracker("export", "-o", str(again), db=other)
    assert again.read_bytes() == exported.read_bytes()


def test_verify_names_the_position_after_a_hand_edit(demo, tmp_path):
    db = copy_db(demo, tmp_path / "edited.db")
    raw = sqlite3.connect(db)
    raw.execute("DROP TRIGGER events_no_update")
    raw.execute("UPDATE events SET body = replace(body, 'Riyadh', 'Jeddah') "
                "WHERE position = (SELECT min(position) FROM events WHERE body LIKE '%Riyadh%')")
    edited = raw.execute("SELECT min(position) FROM events WHERE body LIKE '%Jeddah%'").fetchone()[0]
    raw.commit()
    raw.close()
    run = tracker("verify", db=db)
    assert run.returncode == 1
    assert f"BROKEN at position {edited}" in run.stdout


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('{"type": "peace_treaty_signed"}', "line 2: field 'type': unknown event type 'peace_treaty_signed'"),
        ("{not json", "line 2: malformed JSON"),
        (None, "line 2: field 'stance': required field is missing"),
        ("BADDATE", "line 2: field 'occurred.earliest'"),
    ],
)
def test_bad_import_names_line_and_field_and_writes_nothing(demo, tmp_path, line, expected):
    db = copy_db(demo, tmp_path / "bad.db")
    good = tracker("export", db=db).stdout.splitlines()[0]
    body = json.loads(good)
    body["id"] = "01JMCXAAAAAAAAAAAAAAAAAAAA"
    if line is None:
        body.update(type="statement_made", speaker="lavrov", issue="sanctions")
        body.pop("stance", None)
        for extra in ("actor", "name", "kind", "role", "affiliation", "aliases", "track", "title",
                      "description", "initial_status", "agenda"):
            body.pop(extra, None)
        line = json.dumps(body)
    elif line == "BADDATE":
        body["occurred"]["earliest"] = "2025-02-30"
        line = json.dumps(body)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({**json.loads(good), "id": "01JMCXBBBBBBBBBBBBBBBBBBBB"}) + "\n" + line + "\n")
    head_before = json.loads(tracker("verify", "--json", db=db).stdout)
    run = tracker("import", str(src), db=db)
    assert run.returncode == 1
    assert expected in run.stderr
    assert "nothing was written" in run.stderr
    assert json.loads(tracker("verify", "--json", db=db).stdout) == head_before


def test_bad_log_flags_are_named(tmp_path):
    run = tracker("log", "statement-made", "--when", "31/02/2025", "--track", "t", "--speaker", "a",
                  "--issue", "b", "--stance", "opposes", "--summary", "s", db=tmp_path / "x.db")
    assert run.returncode == 1
    assert "field 'when'" in run.stderr and "day is out of range" in run.stderr
    assert not (tmp_path / "x.db").exists() or json.loads(
        tracker("verify", "--json", db=tmp_path / "x.db").stdout)["checked"] == 0


def test_unknown_log_type_lists_the_known_ones(tmp_path):
    run = tracker("log", "treaty-signed", "--help", db=tmp_path / "x.db")
    assert run.returncode != 0
    assert "No such command" in run.stderr


def listed_commands(help_text: str) -> dict[str, str]:
    """A click help page's Commands section: name -> its one-line summary."""
    listed: dict[str, str] = {}
    name = ""
    for line in help_text.split("Commands:")[1].splitlines():
        if not line.strip():
            continue
        if len(line) - len(line.lstrip()) > 2:  # a summary wrapped onto the next line
            listed[name] += " " + line.strip()
        else:
            name, listed[name] = line.split(None, 1) if len(line.split()) > 1 else (line.strip(), "")
    return listed


@pytest.mark.parametrize("command", [("events",), ("export",), ("verify",), ("status",), ("brief",)])
def test_reading_a_log_that_does_not_exist_says_how_to_start_and_creates_nothing(tmp_path, command):
    db = tmp_path / "typo.db"
    run = tracker(*command, db=db)
    assert run.returncode == 1
    assert f"no database at {db}" in run.stderr and "tracker demo" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not db.exists()


def test_after_the_demo_a_command_without_a_log_names_the_demos(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert tracker("demo", "--no-tui").returncode == 0
    demo = tmp_path / "data" / "diplomacy-tracker" / "demo.db"
    run = tracker("status")
    assert run.returncode == 1 and f"the demo's log is {demo}: pass it with --db" in run.stderr, run.stderr
    assert tracker("status", db=demo).returncode == 0


def test_top_level_help_lists_every_command_with_a_whole_summary(tmp_path):
    run = tracker("--help", db=tmp_path / "x.db")
    assert run.returncode == 0, run.stderr
    listed = listed_commands(run.stdout)
    assert {"log", "import", "export", "status", "timeline", "diff", "why", "verify", "tui", "demo"} <= set(listed)
    assert not any(text.endswith("...") for text in listed.values()), listed  # click cut none short


def test_log_help_says_what_each_event_type_records(tmp_path):
    from events import EVENT_TYPES

    run = tracker("log", "--help", db=tmp_path / "x.db")
    assert run.returncode == 0, run.stderr
    listed = listed_commands(run.stdout)
    assert set(listed) == {t.replace("_", "-") for t in EVENT_TYPES}
    assert listed["meeting-postponed"] == "A meeting is moved to a new date, or sine die."
    assert all(len(text) > 10 for text in listed.values()), listed  # a description, not a blank
    assert not any(text.endswith("...") for text in listed.values()), listed  # click cut none short
    one = tracker("log", "seat-demanded", "--help", db=tmp_path / "x.db")
    assert "Someone demands a seat at the table. For themselves or for others." in " ".join(one.stdout.split())


def test_python_dash_m_and_console_script_agree():
    run = tracker("--version")
    assert run.returncode == 0 and "tracker" in run.stdout


def test_log_help_explains_each_field_of_a_type() -> None:
    result = tracker("log", "deadline-extended", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "--to-date DATE Required. Its new date." in text
    assert "--by TEXT Who extended it, by actor id." in text
    result = tracker("log", "meeting-held", "--help")
    assert "--round INTEGER The round's number" in " ".join(result.stdout.split())


def test_a_round_must_be_a_whole_number() -> None:
    result = tracker("log", "meeting-held", "--when", "2025-02-18", "--summary", "s", "--track", "t",
                     "--meeting", "m", "--title", "T", "--round", "2.5", "--dry-run")
    assert result.returncode == 2 and "'2.5' is not a valid integer" in result.stderr

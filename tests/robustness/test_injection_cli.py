"""Text in the log is data, never instructions: not to the terminal, not to Rich, not to SQL.

Summaries and quotes carrying Rich markup, ANSI/OSC escape sequences and bidi controls come out of
`tracker log` and `tracker events` with every control character made visible (as
tracker.textsafe.printable shows it) and markup as literal text; `--json` is valid JSON that gives
back the original text exactly; search terms full of SQL metacharacters are just text.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gen import event_id, statement
from tracker.cli import cli
from tracker.store import EventStore
from tracker.textsafe import printable

# Raw characters that must never reach a terminal from the log's data.
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")

HOSTILE = {
    "markup": "[bold red]ALERT[/] [link=file:///etc/passwd]click[/link] [/]",
    "ansi": "\x1b[31mred\x1b[0m \x1b[2J\x1b[H cleared",
    "osc8": "\x1b]8;;http://x\x07a link\x1b]8;;\x07",
    "title": "\x1b]0;pwned title\x07 after",
    "bidi": "file\u202egnp.exe \u2066iso\u2069 \u200fmark \u061carabic",
    "c1": "8-bit CSI \x9b31m and NEL \x85 and DEL \x7f",
    "bell": "ding\x07\x07 backspace\x08\x08 cr\rover",
}


def tracker_run(db: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), *args],
                          capture_output=True, env=env, timeout=120)


def assert_terminal_safe(text: str, *originals: str) -> None:
    found = UNSAFE.findall(text)
    assert not found, f"raw control characters in output: {found!r}"
    for original in originals:
        assert printable(original) in text, f"{printable(original)!r} not shown literally"


def log_args(name: str, text: str, n: int) -> list[str]:
    return ["log", "statement-made", "--when", "2025-02-18", "--track", "ukraine-settlement",
            "--speaker", "lavrov", "--issue", "peacekeepers", "--stance", "opposes",
            "--summary", f"{name}: {text}", "--quote", f"quote {text}", "--details", f"details {text}",
            "--location", f"loc {text}", "--source", f"src {text}", "--source-quote", f"sq {text}",
            "--id", event_id("hostile", n)]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("inject") / "log.db"
    for n, (name, text) in enumerate(sorted(HOSTILE.items())):
        run = tracker_run(db, *log_args(name, text, n))
        assert run.returncode == 0, run.stderr.decode()
        assert_terminal_safe(run.stdout.decode("utf-8"))
    return db


def test_tracker_events_shows_control_characters_visibly_and_markup_literally(hostile_db):
    run = tracker_run(hostile_db, "events", "--limit", "100")
    assert run.returncode == 0, run.stderr.decode()
    out = run.stdout.decode("utf-8")
    assert_terminal_safe(out, *(f"{name}: {text}" for name, text in HOSTILE.items()))
    assert "[bold red]ALERT[/]" in out and "[link=file:///etc/passwd]" in out
    assert "\\x1b[31m" in out and "\\u202e" in out and "\\x9b" in out


def test_tracker_events_json_round_trips_the_exact_text_and_carries_no_raw_controls(hostile_db):
    run = tracker_run(hostile_db, "events", "--limit", "100", "--json")
    assert run.returncode == 0, run.stderr.decode()
    out = run.stdout.decode("utf-8")
    assert not UNSAFE.findall(out), f"raw control characters in --json output: {UNSAFE.findall(out)!r}"
    events = {e["id"]: e for e in json.loads(out)}
    for n, (name, text) in enumerate(sorted(HOSTILE.items())):
        e = events[event_id("hostile", n)]
        assert e["summary"] == f"{name}: {text}"
        assert e["quote"] == f"quote {text}" and e["details"] == f"details {text}"
        assert e["location"] == f"loc {text}"
        assert e["sources"][0]["outlet"] == f"src {text}" and e["sources"][0]["quote"] == f"sq {text}"


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_tracker_log_output_is_safe_in_text_and_exact_in_json(tmp_path, name):
    text = HOSTILE[name]
    runner = CliRunner()
    db = str(tmp_path / "one.db")
    plain = runner.invoke(cli, ["--db", db, *log_args(name, text, 0), "--dry-run"])
    assert plain.exit_code == 0, plain.output
    assert_terminal_safe(plain.output)
    as_json = runner.invoke(cli, ["--db", db, *log_args(name, text, 1), "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert not UNSAFE.findall(as_json.output), UNSAFE.findall(as_json.output)
    stored = json.loads(as_json.output)
    assert stored["summary"] == f"{name}: {text}" and stored["quote"] == f"quote {text}"
    with EventStore(db, readonly=True) as s:  # and exactly that is what was stored
        assert s.get(event_id("hostile", 1)).event.summary == f"{name}: {text}"


def test_errors_that_quote_bad_input_show_it_safely(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "err.db")
    hostile_track = "\x1b]0;title\x07\u202e"
    result = runner.invoke(cli, ["--db", db, "log", "statement-made", "--when", "2025-02-18",
                                 "--track", hostile_track, "--speaker", "lavrov", "--issue", "x",
                                 "--stance", "opposes", "--summary", HOSTILE["ansi"]])
    assert result.exit_code == 1 and "field 'tracks.0'" in result.stderr
    assert_terminal_safe(result.output)
    bad_date = runner.invoke(cli, ["--db", db, "events", "--from", "\x1b[2J\u202e"])
    assert bad_date.exit_code != 0
    assert_terminal_safe(bad_date.output)


def test_imported_hostile_text_is_listed_safely(tmp_path):
    """The same holds for text that arrives by import rather than by `tracker log`."""
    db = tmp_path / "imp.db"
    text = "".join(HOSTILE.values()) + "\u2028line\u2029para\x1b"
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(statement("imp", 0, summary=text[:500], details=text)) + "\n", encoding="utf-8")
    assert tracker_run(db, "import", str(src)).returncode == 0
    run = tracker_run(db, "events")
    assert_terminal_safe(run.stdout.decode("utf-8"), text[:500])
    as_json = tracker_run(db, "events", "--json").stdout.decode("utf-8")
    assert not UNSAFE.findall(as_json)
    assert json.loads(as_json)[0]["details"] == text


# -- search terms are text, not SQL ---------------------------------------------------------------
CORPUS = [
    "Discount of 50% agreed",
    "Deal at 50 percent",
    "snake_case term",
    "snakeXcase term",  # what `e_c` would match if '_' were a LIKE wildcard
    "O'Brien said yes",
    'He said "no deal" twice',
    "wait -- not yet",
    "a; DROP TABLE events; --",
    "Robert'); DROP TABLE events;--",
    "path C:\\temp\\new",
    "nothing special here",
]
TERMS = ["%", "50%", "e_c", "snake_c", "'", "o'brien", '"', '"no deal"', "--", ";", "drop table events;",
         "%' or 1=1 --", "'); drop table events;--", "\\", "c:\\temp", "\\n", "*", "[", "?"]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("search") / "search.db"
    with EventStore(db) as s:
        s.append([statement("corpus", n, summary=text) for n, text in enumerate(CORPUS)])
    return db


@pytest.mark.parametrize("term", TERMS)
def test_search_terms_with_sql_metacharacters_are_literal_text(corpus_db, term):
    result = CliRunner().invoke(cli, ["--db", str(corpus_db), "events", "--text", term, "--json", "--limit", "100"])
    assert result.exit_code == 0, result.output
    found = sorted(e["summary"] for e in json.loads(result.stdout))
    expected = sorted(t for t in CORPUS if term.casefold() in t.casefold())
    assert found == expected
    with EventStore(corpus_db, readonly=True) as s:  # and nothing was dropped or changed
        assert s.count() == len(CORPUS) and s.verify().ok


def test_search_for_a_percent_sign_by_the_real_program(corpus_db):
    run = tracker_run(corpus_db, "events", "--text", "%")
    assert run.returncode == 0
    out = run.stdout.decode("utf-8")
    assert "Discount of 50% agreed" in out
    assert len([line for line in out.splitlines() if line.strip()]) == 1

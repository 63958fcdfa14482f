"""Every published format is as safe to print to a terminal as the views are: a summary, a title or
an actor's name holding ESC sequences, the 8-bit CSI (U+009B) or a bidi override (U+202E) comes out
escaped, never raw. JSON keeps the data whole (\\uXXXX escapes, the same strings read back); text
formats (CSV, iCalendar, the digest) show tracker.textsafe's visible escapes."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import cast

import pytest
from icalendar import Calendar

from run_cli import tracker

TRACK = "ukraine-settlement"
RED, CSI, RLO = "\x1b[31m", "\x9b", "\u202e"
HOSTILE = f"Talks {RED}red{CSI}2J{RLO}reversed"
NAME = f"Evil {RED}Name{CSI}{RLO}eman"
TITLE = f"Round {RED}one{RLO}"
RAW = (RED[0], CSI, RLO)


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def out_bytes(*args: str, db: Path) -> str:
    """A command's stdout exactly as written (bytes, decoded here: no newline translation)."""
    run = tracker(*args, db=db, stdin=b"")
    assert run.returncode == 0, run.stderr
    return cast(bytes, run.stdout).decode("utf-8")


def assert_no_raw(text: str) -> None:
    for ch in RAW:
        assert ch not in text, repr(ch)


@pytest.fixture
def hostile_db(demo_db: Path) -> Path:
    soon = (date.today() + timedelta(days=2)).isoformat()
    ok("log", "actor-described", "--when", "today", "--track", TRACK, "--summary", HOSTILE, "--actor", "evil",
       "--name", NAME, "--kind", "person", "--source", "Reuters", db=demo_db)
    ok("log", "meeting-scheduled", "--when", "today", "--track", TRACK, "--summary", HOSTILE, "--meeting", "evil-talks",
       "--title", TITLE, "--planned", soon, "--participants", "evil", "--source", "Reuters", db=demo_db)
    ok("log", "track-opened", "--when", "today", "--track", "evil-track", "--title", TITLE, "--summary", HOSTILE,
       "--source", "Reuters", db=demo_db)
    return demo_db


def test_ics(hostile_db: Path) -> None:
    text = out_bytes("export", "--format", "ics", db=hostile_db)
    assert_no_raw(text)
    entry = next(e for e in Calendar.from_ical(text).walk("VEVENT") if str(e["UID"]).startswith("evil-talks@"))
    assert str(entry["SUMMARY"]) == "Round \\x1b[31mone\\u202e"
    assert "Participants: Evil \\x1b[31mName\\x9b\\u202eeman" in str(entry["DESCRIPTION"])


def test_csv_events_and_tracks(hostile_db: Path) -> None:
    text = out_bytes("export", "--format", "csv", db=hostile_db)
    assert_no_raw(text)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    shown = "Talks \\x1b[31mred\\x9b2J\\u202ereversed"  # visible, as the views show it
    assert [r["type"] for r in rows if r["summary"] == shown] == ["actor_described", "meeting_scheduled",
                                                                  "track_opened"]
    tracks = out_bytes("export", "--format", "csv", "--tracks-table", db=hostile_db)
    assert_no_raw(tracks)
    assert "Round \\x1b[31mone\\u202e" in [r["title"] for r in csv.DictReader(io.StringIO(tracks, newline=""))]


def test_timelinejs_keeps_the_data_as_json_escapes(hostile_db: Path) -> None:
    text = out_bytes("export", "--format", "timelinejs", "--track", TRACK, db=hostile_db)
    assert_no_raw(text)
    assert "\\u001b[31m" in text and "\\u009b" in text and "\\u202e" in text
    slide = next(s for s in json.loads(text)["events"] if s["text"]["headline"] == HOSTILE)
    assert NAME in slide["text"]["text"]  # read back: the very characters logged


def test_plover_keeps_the_data_as_json_escapes(hostile_db: Path) -> None:
    text = out_bytes("export", "--format", "plover", "--track", TRACK, db=hostile_db)
    assert_no_raw(text)
    records = [json.loads(line) for line in text.splitlines()]
    mine = next(r for r in records if r["tracker_type"] == "meeting_scheduled" and r["summary"] == HOSTILE)
    assert [a["entity_text"] for a in mine["actor"]] == [NAME]


def test_digest(hostile_db: Path) -> None:
    for args in ((), ("--text",)):
        text = ok("digest", "--since", "today", *args, db=hostile_db)
        assert_no_raw(text)
        assert "\\x1b" in text and "\\x9b" in text and "\\u202e" in text  # shown, as every view shows them
        assert "Round \\x1b" in text  # the coming meeting, by its title

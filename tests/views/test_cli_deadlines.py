"""Deadlines on the command line, run as a user runs it: `tracker log deadline-met --met-by` takes an
event's position or id and refuses one that is not in the log; `status --json` answers as of a date
and as known at a moment; `status`, `diff`, `why`, `timeline`, `brief` and export/import carry them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from events import new_id
from run_cli import tracker
from tracker.cli import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_deadlines import DEADLINE, story

TRACK = "iran-nuclear"


def ok(*args: str, db: Path) -> str:
    result = tracker(*args, db=db)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


EVENTS = story()[:-1]  # the same ids in every test


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The story of tests/unit/test_deadlines.py, imported (with its recording times) but for the
    deadline met, which is logged on the command line, naming the final deal by its position."""
    folder = tmp_path_factory.mktemp("deadlines")
    source = folder / "story.jsonl"
    events = EVENTS
    source.write_text("".join(json.dumps(e.body) + "\n" for e in events), encoding="utf-8")
    path = folder / "log.db"
    ok("import", str(source), db=path)
    ok("log", "deadline-met", "--when", "2015-07-14", "--track", TRACK, "--deadline", DEADLINE,
       "--met-by", f"#{len(events)}", "--summary", "The final deal meets the deadline", db=path)
    return path


def status(db: Path, *args: str) -> dict[str, Any]:
    return dict(json.loads(ok("status", TRACK, "--json", *args, db=db)))


def status_here(db: Path, *args: str) -> dict[str, Any]:
    """`status --json` in this process (the same command, without a process to start per date)."""
    result = CliRunner().invoke(cli, ["--db", str(db), "status", TRACK, "--json", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def deadline_of(state: dict[str, Any]) -> tuple[Any, ...] | None:
    found = [d for d in state["deadlines"] if d["deadline"] == DEADLINE]
    if not found:
        return None
    d = found[0]
    return d["status"], len(d["extensions"]), d["due"]["earliest"]


def test_met_by_names_an_event_by_position_or_id_and_it_must_exist(db: Path) -> None:
    final = EVENTS[-1]
    state = status(db)
    [d] = state["deadlines"]
    assert d["met_by"] == final.id and d["met_by_title"] == "Joint Comprehensive Plan of Action"
    base = ["log", "deadline-met", "--when", "2015-07-14", "--track", TRACK, "--deadline", DEADLINE,
            "--summary", "met", "--dry-run", "--json"]
    dry = tracker(*base, "--met-by", final.id, db=db)
    assert dry.returncode == 0, dry.stderr
    assert json.loads(dry.stdout)["met_by"] == final.id
    for ref, said in (("999", "no event at position 999"), ("01JZZZZZZZZZZZZZZZZZZZZZZZ", "no event with id")):
        refused = tracker(*base, "--met-by", ref, db=db)
        assert refused.returncode != 0 and said in refused.stderr and "--met-by" in refused.stderr
    help_text = ok("log", "deadline-met", "--help", db=db)
    assert "--met-by" in help_text and "position" in help_text


def test_a_deadline_never_set_is_refused_as_met_by_is_with_the_ones_set(db: Path) -> None:
    """'deadline-met --deadline framwork' would have shown 'framwork: met': refused like an unknown
    --met-by, naming the deadlines set on the track; nothing is written."""
    before = ok("export", "--format", "jsonl", db=db)
    for kind, more in (("deadline-met", ()), ("deadline-missed", ()), ("deadline-extended", ("--to-date", "2016-01-01"))):
        for dry in ((), ("--dry-run",)):
            refused = tracker("log", kind, "--when", "2015-07-14", "--track", TRACK, "--deadline", "framwork",
                              "--summary", "typo", *more, *dry, db=db)
            assert refused.returncode == 2, (kind, refused.stdout)
            assert "--deadline" in refused.stderr and "no deadline 'framwork' has been set on track" in refused.stderr
            assert f"deadlines set there: {DEADLINE}" in refused.stderr and "nothing was written" in refused.stderr
    assert ok("export", "--format", "jsonl", db=db) == before
    # Set on another track only: not set on this one.
    refused = tracker("log", "deadline-met", "--when", "2015-07-14", "--track", "elsewhere", "--deadline", DEADLINE,
                      "--summary", "met", "--dry-run", db=db)
    assert refused.returncode == 2 and "none has been set there yet" in refused.stderr


def test_an_imported_deadline_never_set_is_shown_as_such(tmp_path: Path) -> None:
    """An import takes a log in any order, so it takes a deadline met that was never set; every view
    says what it is rather than inventing a deadline."""
    met = {"id": new_id(), "type": "deadline_met", "deadline": "framwork", "tracks": [TRACK], "summary": "met",
           "occurred": {"earliest": "2015-07-14", "latest": "2015-07-14", "precision": "day"},
           "sources": [{"outlet": "Test Wire"}]}
    source = tmp_path / "orphan.jsonl"
    source.write_text(json.dumps(met) + "\n", encoding="utf-8")
    db = tmp_path / "log.db"
    ok("import", str(source), db=db)
    assert "framwork: met 14 Jul 2015 - a deadline not logged as set" in ok("status", TRACK, db=db)
    [d] = status(db)["deadlines"]
    assert d["orphan"] is True and d["status"] == "met"
    assert "(a deadline not logged as set)" in ok("diff", TRACK, "2015-01-01", "2015-08-01", db=db)


def test_status_as_of_a_dozen_dates_and_as_known_then(db: Path) -> None:
    expected = [
        ("2013-12-01", None),
        ("2014-01-20", ("pending", 0, "2014-07-20")),
        ("2014-07-18", ("pending", 0, "2014-07-20")),
        ("2014-07-19", ("extended", 1, "2014-11-24")),
        ("2014-11-24", ("extended", 2, "2015-06-30")),
        ("2015-06-30", ("extended", 3, "2015-07-07")),
        ("2015-07-08", ("extended", 4, "2015-07-10")),
        ("2015-07-11", ("extended", 5, "2015-07-13")),
        ("2015-07-14", ("met", 5, "2015-07-13")),
        ("2016-01-16", ("met", 5, "2015-07-13")),
    ]
    for as_of, want in expected:
        assert deadline_of(status_here(db, "--as-of", as_of)) == want, as_of
    assert status_here(db, "--as-of", "2014-02-01")["next_deadline"]["deadline"] == DEADLINE
    assert status_here(db, "--as-of", "2015-07-14")["next_deadline"] is None
    # The first extension was logged two days late; the deadline met was logged long after.
    assert deadline_of(status(db, "--as-of", "2014-07-21", "--known-at", "2014-07-20")) == ("passed", 0, "2014-07-20")
    assert deadline_of(status(db, "--as-of", "2014-07-21", "--known-at", "2014-07-21")) == ("extended", 1, "2014-11-24")
    assert deadline_of(status(db, "--as-of", "2015-07-14", "--known-at", "2015-07-20")) == ("passed", 5, "2015-07-13")


def test_every_view_shows_the_deadline(db: Path) -> None:
    text = ok("status", TRACK, "--as-of", "2015-07-01", db=db)
    assert "Next deadline: Comprehensive deal, due 7 Jul 2015 (extended 3×)" in text
    assert "Comprehensive deal: due 7 Jul 2015, extended 3× (first due 20 Jul 2014)" in text
    assert "Upcoming meetings" not in text and "held" not in text
    now = ok("status", TRACK, db=db)
    assert "met 14 Jul 2015 by Joint Comprehensive Plan of Action (agreement reached)" in now
    changes = ok("diff", TRACK, "2015-07-01", "2015-07-20", db=db)
    assert "Comprehensive deal: deadline extended from 30 Jun 2015 to 7 Jul 2015" not in changes
    assert "Comprehensive deal: deadline extended from 7 Jul 2015 to 10 Jul 2015" in changes
    assert "Comprehensive deal: deadline met by Joint Comprehensive Plan of Action" in changes
    why = ok("why", TRACK, "deadlines", DEADLINE, db=db)
    assert "comprehensive-deal (now): 8 events" in why  # set, extended five times, met, and what met it
    assert "deadline_met" in why and "deadline_set" in why
    assert f"agreement_reached {EVENTS[-1].id}" in why  # the agreement that met it
    timeline = ok("timeline", TRACK, db=db)
    assert "deadline_set" in timeline and "deadline_met" in timeline
    brief = ok("brief", db=db)
    assert "Deadlines" in brief and "Comprehensive deal" in brief


def test_export_and_import_round_trip(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    ok("export", "--format", "jsonl", "-o", str(out), db=db)
    copy = tmp_path / "copy.db"
    ok("import", str(out), db=copy)
    assert status(copy, "--as-of", "2015-07-14")["deadlines"] == status(db, "--as-of", "2015-07-14")["deadlines"]

"""The view commands: status, timeline, diff, why, brief, rebuild (on the demo data)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from events import new_id
from tracker.cli import cli
from tracker.service import Tracker
from tracker.store import EventStore

DEMO = Path(__file__).resolve().parents[2] / "tracker" / "data" / "demo.jsonl"
pytestmark = pytest.mark.skipif(not DEMO.exists(), reason="the demo data is not written yet")


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    tracker, _ = Tracker.demo(tmp_path / "demo.db")
    tracker.close()
    return str(tmp_path / "demo.db")


def run(db: str, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--db", db, *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_status_before_and_on_the_day_of_riyadh(demo_db: str) -> None:
    before = run(demo_db, "status", "ukraine-settlement", "--as-of", "2025-02-16")
    assert "as of 16 Feb 2025" in before and "Riyadh" not in before
    assert "Erdogan’s trip to Saudi Arabia: scheduled for 19 Feb 2025" in before
    assert "Status: exploratory" in before
    on = run(demo_db, "status", "ukraine-settlement", "--as-of", "2025-02-18")
    assert "Status: active since 18 Feb 2025" in on
    assert "Appoint high-level teams to begin work" in on  # the agreed negotiating teams
    assert "Russia (Sergei Lavrov): opposes" in on or "Russia (Grushko)" in on or "opposes “categorically" in on
    assert "Volodymyr Zelensky for Ukraine" in on
    assert "Three-stage peace plan for Ukraine (United States, Russia): DISPUTED - reported 18 Feb 2025, then disputed by Sergei Lavrov" in on
    assert "Erdogan’s trip to Saudi Arabia: postponed to 10 Mar 2025; postponed 19 Feb 2025 -> 10 Mar 2025" in on
    assert "date passed" not in on
    # Macron's second meeting was announced for 19 Feb, and nothing in the demo says what became of it.
    later = run(demo_db, "status", "ukraine-settlement", "--as-of", "2025-02-20")
    assert ("Macron’s meeting on Ukraine with several European and non-European states: scheduled for "
            "19 Feb 2025 - date passed, no outcome logged") in later
    assert "10 Mar 2025 (by Recep Tayyip Erdogan, 18 Feb 2025)\n" in later  # not past yet


def test_status_known_at_and_json(demo_db: str) -> None:
    then = json.loads(run(demo_db, "status", "ukraine-settlement", "--as-of", "2025-02-18", "--known-at", "2025-02-18",
                          "--json"))
    assert then["moment"] == "as of 18 Feb 2025, as known on 18 Feb 2025"
    assert [p["claim_status"] for p in then["proposals"]] == ["reported"]
    peace = [s for s in then["stances"] if s["actor"] == "rus" and s["issue"] == "european-peacekeepers"]
    assert peace and peace[0]["stance"] == "opposes" and peace[0]["event_ids"]


def test_status_of_every_track(demo_db: str) -> None:
    out = run(demo_db, "status", "--as-of", "2025-02-18")
    assert out.splitlines()[0] == "5 tracks, as of 18 Feb 2025"
    assert "ukraine-settlement" in out and "next meeting" in out.splitlines()[1]
    assert next(line for line in out.splitlines() if line.startswith("ukraine-settlement ")).count("Macron’s meeting") == 1
    data = json.loads(run(demo_db, "status", "--json"))
    assert {t["track"] for t in data} >= {"ukraine-settlement", "european-role"}


def test_timeline_with_a_range(demo_db: str) -> None:
    out = run(demo_db, "timeline", "ukraine-settlement", "--from", "2025-02-10", "--to", "2025-02-16")
    assert "Trump and Putin speak by telephone" in out and "Riyadh" not in out
    data = json.loads(run(demo_db, "timeline", "ukraine-settlement", "--from", "week of 10 Feb 2025", "--to", "2025-02-16",
                          "--json"))
    # Everything that may have happened in that span, imprecise dates included.
    assert data and all(e["occurred"]["earliest"] <= "2025-02-16" and e["occurred"]["latest"] >= "2025-02-10"
                        for e in data)
    # Imprecise dates reaching past --as-of are marked.
    marked = run(demo_db, "timeline", "ukraine-settlement", "--as-of", "2025-02-12")
    assert any(line.startswith("~") for line in marked.splitlines())
    cut = CliRunner().invoke(cli, ["--db", demo_db, "timeline", "--json", "--limit", "3"], catch_exceptions=False)
    data = json.loads(cut.stdout)  # the JSON a plain list; what was cut is said on stderr
    assert len(data) == 3 and all("event_id" in e for e in data)
    assert cut.stderr.startswith("(3 of ") and cut.stderr.rstrip().endswith("entries shown; --limit 0 shows all)")


def test_diff_command(demo_db: str) -> None:
    out = run(demo_db, "diff", "ukraine-settlement", "2025-02-16", "2025-02-18")
    assert "as of 16 Feb 2025 -> as of 18 Feb 2025" in out
    assert "meeting_postponed" in out and "to 10 Mar 2025" in out
    data = json.loads(run(demo_db, "diff", "ukraine-settlement", "2025-02-16", "2025-02-18", "--json"))
    assert any(c["kind"] == "status" for c in data["changes"])


def test_why_shows_events_and_sources(demo_db: str) -> None:
    out = run(demo_db, "why", "ukraine-settlement", "stances", "rus", "european-peacekeepers", "--as-of", "2025-02-18")
    assert "Grushko" in out and "source:" in out
    plan = run(demo_db, "why", "ukraine-settlement", "proposals.three-stage-plan")
    assert "proposal_tabled" in plan and "claim_status_changed" in plan
    data = json.loads(run(demo_db, "why", "ukraine-settlement", "meetings", "erdogan-saudi-visit-2025", "--json"))
    assert [e["type"] for e in data["events"]] == ["meeting_scheduled", "meeting_postponed"]
    err = run(demo_db, "why", "ukraine-settlement", "nonsense", code=2)
    assert "unknown field" in err


def test_brief_is_markdown(demo_db: str) -> None:
    out = run(demo_db, "brief", "--as-of", "2025-02-18")
    assert out.startswith("# Negotiations briefing (as of 18 Feb 2025)")
    assert "## Ukraine war settlement" in out and "**Status:** active" in out
    assert "- **Upcoming meetings:**" in out


def test_rebuild_gives_the_same_state(demo_db: str) -> None:
    before = run(demo_db, "status", "ukraine-settlement", "--as-of", "2025-02-18", "--json")
    out = run(demo_db, "rebuild")
    assert out.startswith("rebuilt the read model from 113 events") or "rebuilt the read model from" in out
    assert run(demo_db, "status", "ukraine-settlement", "--as-of", "2025-02-18", "--json") == before


def test_errors_are_clear(demo_db: str) -> None:
    assert "nothing is known about track 'nope'" in run(demo_db, "status", "nope", code=1)
    assert "ambiguous date" in run(demo_db, "status", "--as-of", "03/04/2025", code=2)


def test_data_is_printed_safely(demo_db: str) -> None:
    store = EventStore(demo_db)
    store.append([{"id": new_id(), "type": "statement_made", "tracks": ["ukraine-settlement"],
                   "occurred": {"earliest": "2025-02-19", "latest": "2025-02-19", "precision": "day"},
                   "summary": "evil \x1b[2J summary", "speaker": "lavrov", "issue": "territory", "stance": "opposes",
                   "quote": "\x1b]0;owned\x07 gotcha"}])
    store.close()
    out = run(demo_db, "status", "ukraine-settlement")
    assert "\x1b" not in out and "\\x1b]0;owned\\x07 gotcha" in out
    assert "\x1b" not in run(demo_db, "timeline", "ukraine-settlement")


def test_views_work_on_a_read_only_file(demo_db: str) -> None:
    run(demo_db, "status")  # builds the read model
    store = EventStore(demo_db)
    store.append([{"id": new_id(), "type": "statement_made", "tracks": ["ukraine-settlement"],
                   "occurred": {"earliest": "2025-02-20", "latest": "2025-02-20", "precision": "day"},
                   "summary": "late word", "speaker": "rubio", "issue": "sanctions", "stance": "conditional"}])
    store.close()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(demo_db + suffix):
            os.chmod(demo_db + suffix, stat.S_IRUSR)
    os.chmod(os.path.dirname(demo_db), stat.S_IRUSR | stat.S_IXUSR)
    try:
        out = run(demo_db, "status", "ukraine-settlement")
        assert "sanctions:" in out and "conditional" in out  # folded in memory: the read model is behind
    finally:
        os.chmod(os.path.dirname(demo_db), stat.S_IRWXU)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(demo_db + suffix):
                os.chmod(demo_db + suffix, stat.S_IRUSR | stat.S_IWUSR)

"""Provenance on the command line, the rest of issue 18: a fact's support ("3 sources, 2
independent (B2, C3)") where `status` and `brief` list it, the same as `why` counts it; a fact that
only an unverified or reported event stands behind marked as such in every view and in --json;
and `tracker log source-graded`, the team's own judgment, needing no track, no summary and no
source to be stored as confirmed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from run_cli import tracker
from tracker.present import cells


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def support_of_why(db: Path, *path: str) -> str:
    first = ok("why", *path, db=db).splitlines()[0]
    return first.split("support: ", 1)[1]


def section(out: str, title: str) -> list[str]:
    """The lines of a section of `tracker status` (up to the blank line after it)."""
    lines = out.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


# -- 1. support where status and brief list a fact -------------------------------------------------
def test_status_lists_each_party_and_stance_with_the_support_why_gives(demo_db: Path) -> None:
    out = ok("status", "ukraine-settlement", db=demo_db)
    parties = section(out, "At the table")
    usa = next(ln for ln in parties if ln.strip().startswith("United States"))
    assert usa.endswith(" \u00b7 " + support_of_why(demo_db, "ukraine-settlement", "parties", "usa"))
    russia_seat = next(ln for ln in parties if ln.strip().startswith("Russia"))
    assert cells(russia_seat) <= 80  # a seat and its support fit one line of a terminal
    stances = section(out, "Stances")
    russia = next(ln for ln in stances if ln.strip().startswith("Russia (Grushko)"))
    assert russia.endswith(" \u00b7 " + support_of_why(demo_db, "ukraine-settlement", "stances", "rus",
                                                        "european-peacekeepers"))
    agreement = next(ln for ln in section(out, "Agreements") if "Riyadh understandings" in ln)
    assert re.search(r" \u00b7 \d+ sources?", agreement)


def test_the_brief_says_the_support_too(demo_db: Path) -> None:
    brief = ok("brief", db=demo_db)
    support = support_of_why(demo_db, "ukraine-settlement", "parties", "usa")
    assert any(ln.lstrip().startswith("- United States") and ln.endswith(" \u00b7 " + support)
               for ln in brief.splitlines())


def test_support_counts_grades_given_later(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    ok("log", "statement-made", "--when", "2025-02-18", "--summary", "no troops", "--track", "t",
       "--speaker", "lavrov", "--on-behalf-of", "rus", "--issue", "peacekeepers", "--stance", "opposes",
       "--source", "NYT", "--credibility", "2", "--source", "TASS", db=db)
    ok("log", "statement-made", "--when", "2025-02-19", "--summary", "no troops again", "--track", "t",
       "--speaker", "grushko", "--on-behalf-of", "rus", "--issue", "peacekeepers", "--stance", "opposes",
       "--source", "nyt", "--credibility", "3", db=db)
    ok("log", "source-graded", "--when", "2025-02-20", "--outlet", "NYT", "--reliability", "B", db=db)
    line = next(ln for ln in ok("status", "t", db=db).splitlines() if "opposes" in ln)
    assert line.endswith(" \u00b7 3 sources, 2 independent (B2)")
    assert support_of_why(db, "t", "stances", "rus", "peacekeepers") == "3 sources, 2 independent (B2)"


# -- 2. an unverified fact is never plain fact ------------------------------------------------------
def unsourced_log(tmp_path: Path) -> Path:
    """A track whose only seat, stance and exclusion rest on events logged without a source."""
    db = tmp_path / "log.db"
    ok("log", "meeting-held", "--when", "2025-03-01", "--summary", "Talks in Geneva", "--track", "t",
       "--meeting", "geneva", "--title", "Geneva talks", "--participants", "usa", "--participants", "rus", db=db)
    ok("log", "statement-made", "--when", "2025-03-02", "--summary", "Moscow backs talks", "--track", "t",
       "--speaker", "rus", "--issue", "talks", "--stance", "supports", db=db)
    ok("log", "party-excluded", "--when", "2025-03-03", "--summary", "Kyiv left out", "--track", "t",
       "--excluded", "ukr", "--by", "usa", db=db)
    return db


def test_a_fact_logged_without_a_source_reads_unverified_in_every_view(tmp_path: Path) -> None:
    db = unsourced_log(tmp_path)
    out = ok("status", "t", db=db)
    for title in ("At the table", "Excluded"):
        assert all("[unverified]" in ln for ln in section(out, title)), section(out, title)
    assert "[UNVERIFIED]" in next(ln for ln in section(out, "Stances") if "supports" in ln)
    brief = ok("brief", db=db)
    assert re.search(r"- usa.*\[unverified\] \u00b7 no source", brief)
    assert "[unverified]" in ok("timeline", "t", db=db)
    assert "unverified" in ok("events", db=db)
    history = ok("stances", "t", db=db)
    assert "rus on talks: supports [unverified]" in history and "source: none recorded" in history
    assert "[unverified]" in ok("why", "t", "parties", "usa", db=db)
    # (the track's opening stands on no event here: test_a_status_resting_on_an_unverified_event_says_so)
    changes = [ln for ln in ok("diff", "t", "2025-02-28", "2025-03-04", db=db).splitlines()[1:] if "opened" not in ln]
    assert changes and all(ln.endswith("[unverified]") for ln in changes), changes
    as_json = json.loads(ok("diff", "t", "2025-02-28", "2025-03-04", "--json", db=db))
    assert {c["claim_status"] for c in as_json["changes"] if c["event_ids"]} == {"unverified"}


def test_a_status_resting_on_an_unverified_event_says_so_in_the_list_of_tracks(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    ok("log", "track-opened", "--when", "2025-02-01", "--summary", "Talks about talks", "--track", "t",
       "--title", "Test track", db=db)
    ok("log", "track-opened", "--when", "2025-02-01", "--summary", "Talks about talks", "--track", "u",
       "--title", "Sourced track", "--source", "Reuters", db=db)
    rows = {ln.split()[0]: ln for ln in ok("status", db=db).splitlines()[1:]}
    assert "exploratory [unverified]" in rows["t"] and "[unverified]" not in rows["u"]
    table = ok("export", "--format", "csv", "--tracks-table", db=db).splitlines()
    header = table[0].split(",")
    claims = {row.split(",")[0]: row.split(",")[header.index("status_claim")] for row in table[1:]}
    assert claims == {"t": "unverified", "u": "confirmed"}


def test_json_outputs_carry_the_claim_status_of_each_fact(tmp_path: Path) -> None:
    db = unsourced_log(tmp_path)
    state = json.loads(ok("status", "t", "--json", db=db))
    seats = [b for b in state["backing"] if b["field"] == "parties"]
    assert {b["claim_status"] for b in seats} == {"unverified"} and len(seats) == 2
    assert seats[0]["support"]["text"] == "no source"
    assert [s["claim_status"] for s in state["stances"]] == ["unverified"]
    brief = json.loads(ok("brief", "--json", db=db))
    assert {b["claim_status"] for b in brief[0]["backing"]} == {"unverified"}
    steps = json.loads(ok("stances", "t", "--json", db=db))[0]["steps"]
    assert steps[0]["claim_status"] == "unverified"
    assert {e["claim_status"] for e in json.loads(ok("timeline", "t", "--json", db=db))} == {"unverified"}


def test_a_confirmed_fact_stays_unmarked(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    ok("log", "meeting-held", "--when", "2025-03-01", "--summary", "Talks in Geneva", "--track", "t",
       "--meeting", "geneva", "--title", "Geneva talks", "--participants", "usa", "--source", "Reuters", db=db)
    out = ok("status", "t", db=db)
    assert section(out, "At the table") == ["  usa, last 1 Mar 2025 \u00b7 1 source"]


# -- 4. grading an outlet ---------------------------------------------------------------------------
def test_source_graded_needs_no_track_no_summary_and_is_confirmed_without_a_source(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    out = ok("log", "source-graded", "--when", "2025-02-20", "--outlet", "Reuters", "--reliability", "B",
             "--reason", "long record", "--json", db=db)
    event = json.loads(out)
    assert (event["summary"], event["status"], event["tracks"]) == ("Reuters graded B: long record", "confirmed", [])
    assert "Reuters graded B: long record" in ok("events", db=db)
    # A status stated is kept; an event of another type still needs its track and summary.
    stated = json.loads(ok("log", "source-graded", "--when", "2025-02-21", "--outlet", "TASS", "--reliability", "D",
                           "--status", "disputed", "--json", db=db))
    assert stated["status"] == "disputed" and stated["summary"] == "TASS graded D"
    run = tracker("log", "statement-made", "--when", "2025-02-20", "--speaker", "x", "--issue", "i",
                  "--stance", "supports", db=db)
    assert run.returncode != 0 and "--summary" in run.stderr
    unsourced = json.loads(ok("log", "statement-made", "--when", "2025-02-20", "--summary", "s", "--track", "t",
                              "--speaker", "x", "--issue", "i", "--stance", "supports", "--json", db=db))
    assert unsourced["status"] == "unverified"
    # The grade counts: a source from Reuters reads B.
    ok("log", "statement-made", "--when", "2025-02-22", "--summary", "s2", "--track", "t", "--speaker", "x",
       "--issue", "j", "--stance", "opposes", "--source", "reuters", db=db)
    assert "support: 1 source (B?)" in ok("why", "t", "stances", "x", "j", db=db)

"""Ceasefires, sanctions, delegations, red lines and a meeting's format through the real command
line: logged, shown by `status` (text and --json), `diff`, `why`, the timeline, exported and imported,
and in the demo data."""

from __future__ import annotations

import json
from pathlib import Path

from events import new_id
from run_cli import tracker

T = "t-cease"


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def log(db: Path, kind: str, when: str, summary: str, *fields: str) -> str:
    out = ok("log", kind, "--when", when, "--reported-on", "2025-06-01", "--track", T, "--summary", summary,
             *fields, "--json", db=db)
    return str(json.loads(out)["id"])


def _negotiation(db: Path) -> dict[str, str]:
    ok("log", "track-opened", "--when", "2025-02-01", "--reported-on", "2025-02-01", "--track", T, "--title",
       "Ceasefire talks", "--summary", "opened", db=db)
    return {
        "declared": log(db, "ceasefire-declared", "2025-03-01", "Energy truce", "--ceasefire", "energy",
                        "--parties", "rus,ukr", "--scope", "energy infrastructure", "--starts", "2025-03-02",
                        "--ends", "2025-04-30"),
        "violated": log(db, "ceasefire-violated", "2025-03-05", "Strike on a plant", "--ceasefire", "energy",
                        "--by", "rus", "--details", "a power plant hit"),
        "ended": log(db, "ceasefire-ended", "2025-03-15", "Truce over", "--ceasefire", "energy", "--by", "rus"),
        "imposed": log(db, "sanctions-changed", "2025-03-01", "Cap imposed", "--sanctions", "oil-cap", "--action",
                       "imposed", "--by", "usa", "--on", "rus", "--measure", "oil price cap"),
        "lifted": log(db, "sanctions-changed", "2025-03-20", "Cap lifted", "--sanctions", "oil-cap", "--action",
                      "lifted", "--by", "usa", "--on", "rus"),
        "team": log(db, "delegation-appointed", "2025-03-02", "US team", "--side", "usa", "--negotiators",
                    "rubio,waltz", "--lead", "rubio", "--role", "high-level team"),
        "red": log(db, "red-line-stated", "2025-03-03", "Red line", "--speaker", "lavrov", "--on-behalf-of", "rus",
                   "--issue", "nato", "--demand", "No NATO membership for Ukraine", "--kind", "precondition"),
        "call": log(db, "meeting-held", "2025-03-04", "A call", "--meeting", "call", "--title", "Leaders' call",
                    "--participants", "trump,putin", "--format", "phone", "--round", "2"),
    }


def test_each_type_round_trips_through_every_view(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    ids = _negotiation(db)
    text = ok("status", T, "--as-of", "2025-03-10", db=db)
    assert "Ceasefires\n  energy infrastructure (rus, ukr): violated - declared 1 Mar 2025, from 2 Mar 2025" in text
    assert "1 violation reported: by rus, last 5 Mar 2025" in text
    assert "Sanctions\n  oil price cap: imposed by usa on rus 1 Mar 2025" in text
    assert "Negotiators\n  usa: rubio (lead), waltz - high-level team, appointed 2 Mar 2025" in text
    assert "precondition on nato: No NATO membership for Ukraine (lavrov)" in text
    assert "Leaders' call (phone call, round 2): held 4 Mar 2025" in text
    state = json.loads(ok("status", T, "--json", "--as-of", "2025-03-31", db=db))
    state = state[0] if isinstance(state, list) else state
    assert state["ceasefires"][0]["status"] == "ended"
    assert state["sanctions"][0]["action"] == "lifted"
    assert state["delegations"][0]["negotiators"] == ["rubio", "waltz"]
    assert state["red_lines"][0]["kind"] == "precondition"
    assert next(m for m in state["meetings"] if m["meeting"] == "call")["format"] == "phone"
    changes = ok("diff", T, "2025-03-04", "2025-03-31", db=db)
    for kind in ("ceasefire_violated", "ceasefire_ended", "sanctions_changed"):
        assert kind in changes
    assert ids["ended"] in ok("why", T, "ceasefires", "energy", "--as-of", "2025-03-31", db=db)
    assert ids["lifted"] in ok("why", T, "sanctions", "oil-cap", db=db)
    assert ids["team"] in ok("why", T, "delegations", "usa", db=db)
    assert ids["red"] in ok("why", T, "red_lines", "rus", "nato", db=db)
    timeline = ok("timeline", T, db=db)
    for kind in ("ceasefire_declared", "ceasefire_violated", "ceasefire_ended", "sanctions_changed",
                 "delegation_appointed", "red_line_stated"):
        assert kind in timeline
    brief = ok("brief", "--as-of", "2025-03-10", db=db)
    assert "Ceasefires" in brief and "Red lines and preconditions" in brief
    # export, then import into another database: the same states.
    ok("export", "--format", "jsonl", "-o", str(tmp_path / "log.jsonl"), db=db)
    other = tmp_path / "other.db"
    ok("import", str(tmp_path / "log.jsonl"), db=other)
    assert ok("status", T, "--json", "--as-of", "2025-03-31", db=other) == ok(
        "status", T, "--json", "--as-of", "2025-03-31", db=db)


def test_a_violation_of_a_ceasefire_never_declared_is_refused_when_logged_and_worded_as_such_when_imported(
        tmp_path: Path) -> None:
    """'ceasefire-violated --ceasefire nosuch' showed 'nosuch: violated - declared ...' though nothing
    declared it: logging refuses it (naming the ceasefires declared); an import, which takes a log in
    any order, keeps it, and the views say what it is."""
    db = tmp_path / "c.db"
    _negotiation(db)
    before = ok("export", "--format", "jsonl", db=db)
    for kind, more in (("ceasefire-violated", ("--by", "rus")), ("ceasefire-ended", ())):
        refused = tracker("log", kind, "--when", "2025-03-06", "--track", T, "--summary", "typo",
                          "--ceasefire", "nosuch", *more, db=db)
        assert refused.returncode == 2, refused.stdout
        assert "--ceasefire" in refused.stderr and "no ceasefire 'nosuch' has been declared on track" in refused.stderr
        assert "ceasefires declared there: energy" in refused.stderr
    assert ok("export", "--format", "jsonl", db=db) == before
    orphan = {"id": new_id(), "type": "ceasefire_violated", "ceasefire": "nosuch", "by": ["rus"], "tracks": [T],
              "summary": "A strike", "occurred": {"earliest": "2025-03-06", "latest": "2025-03-06", "precision": "day"},
              "sources": [{"outlet": "Test Wire"}]}
    (tmp_path / "orphan.jsonl").write_text(json.dumps(orphan) + "\n", encoding="utf-8")
    ok("import", str(tmp_path / "orphan.jsonl"), db=db)
    text = ok("status", T, "--as-of", "2025-03-10", db=db)
    assert "  nosuch: violation reported of a ceasefire not logged as declared\n" in text
    assert "nosuch: violated - declared" not in text
    changes = ok("diff", T, "2025-03-05", "2025-03-10", db=db)
    assert "ceasefire nosuch violated 6 Mar 2025 by rus (a ceasefire not logged as declared)" in changes
    assert "ceasefire nosuch declared" not in changes


def test_a_denied_violation_is_not_counted_in_the_stored_read_model(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    ids = _negotiation(db)
    log(db, "claim-status-changed", "2025-03-06", "Moscow denies it", "--target", ids["violated"],
        "--new-status", "denied", "--by", "rus")
    state = json.loads(ok("status", T, "--json", "--as-of", "2025-03-10", db=db))
    state = state[0] if isinstance(state, list) else state
    assert (state["ceasefires"][0]["status"], state["ceasefires"][0]["violations"]) == ("in_force", [])


def test_the_demo_names_the_negotiators_red_lines_and_the_phone_call(demo_db: Path) -> None:
    text = ok("status", "ukraine-settlement", "--as-of", "2025-02-18", db=demo_db)
    assert "Russia: Lavrov (lead), Ushakov - delegation to the Riyadh talks" in text
    assert "United States: Rubio (lead), Waltz, Witkoff - delegation to the Riyadh talks" in text
    assert "red line on nato-membership: NATO rescinds its open-ended 2008 invitation to Kyiv" in text
    assert "red line on european-peacekeepers: No troops from NATO member states in Ukraine" in text
    assert "Trump–Putin telephone conversation (phone call): held week of 10 Feb 2025" in text
    before = ok("status", "ukraine-settlement", "--as-of", "2025-02-17", db=demo_db)
    assert "Negotiators" not in before and "Red lines" not in before

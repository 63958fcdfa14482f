"""`tracker why` (issue 18): every event behind a fact, by date, each with its sources and its role:
the one that sets the current value, those that corroborate it, those it superseded, and what bears
on them; at any moment, never a retracted event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from run_cli import tracker


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def entries(*args: str, db: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(ok("why", *args, "--json", db=db))["events"]
    return found


def test_the_meetings_and_the_agreement_that_seated_the_us(demo_db: Path) -> None:
    found = [e for e in entries("ukraine-settlement", "parties", "usa", db=demo_db) if e["role"] != "bears on"]
    kinds = [(e["role"], e["type"]) for e in found]
    assert ("corroborates", "meeting_held") in kinds and kinds[-1] == ("sets", "agreement_reached")
    assert any("Riyadh" in e["summary"] for e in found if e["type"] == "meeting_held")
    keys = [(e["occurred"]["earliest"], e["position"]) for e in found]
    assert keys == sorted(keys)
    text = ok("why", "ukraine-settlement", "parties", "usa", db=demo_db)
    assert "\n- corroborates " in text and "\n- sets " in text and "    source: " in text
    assert text.index("meeting_held") < text.index("agreement_reached")


def log_statement(db: Path, when: str, speaker: str, stance: str, *extra: str) -> str:
    out = ok("log", "statement-made", "--when", when, "--track", "t", "--speaker", speaker, "--issue", "nato",
             "--stance", stance, "--summary", f"{speaker} {stance} nato on {when}", "--source", "Wire",
             "--source-quote", f"{speaker} on {when}", *extra, "--json", db=db)
    eid: str = json.loads(out)["id"]
    return eid


def test_a_stance_lists_every_statement_by_that_side_on_that_issue(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    first = log_statement(db, "2025-02-10", "rus", "supports")
    second = log_statement(db, "2025-02-12", "lavrov", "opposes", "--on-behalf-of", "rus")
    third = log_statement(db, "2025-02-14", "rus", "opposes")
    roles = [(e["role"], e["id"]) for e in entries("t", "stances", "rus", "nato", db=db)]
    assert roles == [("superseded", first), ("corroborates", second), ("sets", third)]
    text = ok("why", "t", "stances", "rus", "nato", db=db)
    assert "t stances rus nato (now): 3 events (1 sets, 1 corroborates, 1 superseded); support: 2 sources, 1 independent\n" in text
    assert [ln.split()[1] for ln in text.splitlines() if ln.startswith("- ")] == ["superseded", "corroborates", "sets"]
    # As it stood on 11 Feb: the first statement only, and it set the stance then.
    early = entries("t", "stances", "rus", "nato", "--as-of", "2025-02-11", db=db)
    assert [(e["role"], e["id"]) for e in early] == [("sets", first)]
    # A retracted statement is no support of anything.
    ok("log", "retraction", "--when", "2025-02-15", "--target", third, "--reason", "misattributed",
       "--summary", "retracted", "--track", "t", db=db)
    roles = [(e["role"], e["id"]) for e in entries("t", "stances", "rus", "nato", db=db)]
    assert roles == [("superseded", first), ("sets", second)]

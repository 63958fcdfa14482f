"""`tracker log` echoes every date it read, as the interval it means and on what basis; planned
dates are read forward; --json gives each date its EDTF form; a bad date writes nothing.

Run through the real command line (click's runner on the `tracker` group, and one real process for
the error path), on temporary logs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from events import EVENT_TYPES, canonical_json
from tracker.cli import cli
from tracker.forms import field_specs

TRACK = "ukraine-settlement"
SCHEDULED = ["log", "meeting-scheduled", "--track", TRACK, "--meeting", "riyadh-talks",
             "--title", "US-Russia talks in Riyadh", "--summary", "US and Russian delegations to meet"]
STATEMENT = ["log", "statement-made", "--track", TRACK, "--speaker", "lavrov", "--issue", "peacekeepers",
             "--stance", "opposes", "--summary", "Lavrov rules out European troops"]


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def ok(db: Path, *args: str) -> str:
    result = invoke(db, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def line(output: str, name: str) -> str:
    """The echo line of one date field ('  planned: 20 Feb 2025 (...) from ..., ...')."""
    found = [ln for ln in output.splitlines() if ln.strip().startswith(f"{name}:")]
    assert len(found) == 1, output
    return found[0]


def head(db: Path) -> dict[str, Any]:
    return json.loads(ok(db, "verify", "--json"))


@pytest.fixture
def log_db(tmp_path: Path) -> Path:
    """A log holding one event, so 'unchanged' means something."""
    db = tmp_path / "log.db"
    ok(db, *STATEMENT, "--when", "2025-02-17")
    return db


def occurreds(data: Any) -> list[dict[str, Any]]:
    """Every date interval in a JSON document (a dict with earliest, latest and precision)."""
    if isinstance(data, list):
        return [o for item in data for o in occurreds(item)]
    if not isinstance(data, dict):
        return []
    here = [data] if {"earliest", "latest", "precision"} <= data.keys() and "field" not in data else []
    return here + [o for v in data.values() for o in occurreds(v)]


def without_edtf(data: Any) -> Any:
    if isinstance(data, list):
        return [without_edtf(item) for item in data]
    if isinstance(data, dict):
        return {k: without_edtf(v) for k, v in data.items() if k != "edtf"}
    return data


# -- planned dates look forward --------------------------------------------------------------
def test_the_form_layer_marks_planned_dates_and_only_those() -> None:
    ahead = {(t, s.name) for t in ("meeting_scheduled", "meeting_postponed", "meeting_held", "statement_made")
             for s in field_specs(t) if s.ahead}
    assert ahead == {("meeting_scheduled", "planned"), ("meeting_postponed", "from_date"),
                     ("meeting_postponed", "to_date")}
    assert all(s.kind == "date" for t in ("meeting_scheduled", "meeting_postponed") for s in field_specs(t)
               if s.ahead)


def test_planned_thursday_reported_on_tuesday_18_feb_is_20_feb(log_db: Path) -> None:
    before = head(log_db)
    out = ok(log_db, *SCHEDULED, "--when", "Thursday", "--planned", "Thursday", "--reported-on", "2025-02-18",
             "--dry-run")
    assert "valid meeting_scheduled (not written)" in out
    planned = line(out, "planned")
    assert "20 Feb 2025 (2025-02-20..2025-02-20, precision day, EDTF 2025-02-20)" in planned
    assert "from 'Thursday', relative to the report day 2025-02-18, looking forward" in planned
    # the same word, for when it was announced (it happened): the Thursday before
    occurred = line(out, "occurred")
    assert "13 Feb 2025 (2025-02-13..2025-02-13" in occurred and "looking back" in occurred
    assert head(log_db) == before  # a dry run writes nothing


def test_a_planned_date_is_stored_forward_and_listed_with_its_edtf(log_db: Path) -> None:
    logged = json.loads(ok(log_db, *SCHEDULED, "--when", "2025-02-17", "--planned", "late February",
                           "--reported-on", "2025-02-18", "--json"))
    assert logged["planned"] == {"earliest": "2025-02-21", "latest": "2025-02-28", "precision": "part",
                                 "time": None, "edtf": "2025-02-21/2025-02-28"}
    listed = json.loads(ok(log_db, "events", "--type", "meeting_scheduled", "--json"))
    assert listed[0]["planned"]["edtf"] == "2025-02-21/2025-02-28"
    assert listed[0]["occurred"]["edtf"] == "2025-02-17"
    # the EDTF form is output only: the stored event (and its hash) has none
    exported = [json.loads(ln) for ln in ok(log_db, "export").splitlines()]
    stored = next(e for e in exported if e.get("id") == logged["id"])
    assert "edtf" not in json.dumps(stored)
    assert stored.pop("hash") == logged["hash"]  # an export gives each event's hash beside it
    shown = {k: v for k, v in logged.items() if k not in ("position", "hash", "dates_read")}
    assert canonical_json(without_edtf(shown)) == canonical_json(stored)


def test_a_postponement_echoes_both_its_dates(log_db: Path) -> None:
    out = ok(log_db, "log", "meeting-postponed", "--track", TRACK, "--meeting", "erdogan-visit",
             "--when", "yesterday", "--from-date", "Thursday", "--to-date", "14 March",
             "--reported-on", "2025-02-18", "--summary", "Visit moved", "--source", "Anadolu",
             "--published", "2025-02-18")
    assert "logged meeting_postponed at position 2" in out
    assert "17 Feb 2025 (2025-02-17..2025-02-17" in line(out, "occurred")
    from_date, to_date = line(out, "from_date"), line(out, "to_date")
    assert "20 Feb 2025 (2025-02-20..2025-02-20, precision day, EDTF 2025-02-20) from 'Thursday'" in from_date
    assert "14 Mar 2025 (2025-03-14..2025-03-14, precision day, EDTF 2025-03-14) from '14 March'" in to_date
    assert "looking forward" in from_date and "looking forward" in to_date
    assert "18 Feb 2025" in line(out, "published") and line(out, "published").endswith("as written")


def test_dry_run_json_carries_the_edtf_form_of_every_date(log_db: Path) -> None:
    data = json.loads(ok(log_db, "log", "meeting-postponed", "--track", TRACK, "--meeting", "erdogan-visit",
                         "--when", "last week", "--from-date", "Thursday", "--to-date", "Q2",
                         "--reported-on", "2025-02-18", "--summary", "Visit moved", "--source", "Anadolu",
                         "--published", "yesterday", "--dry-run", "--json"))
    assert data["occurred"]["edtf"] == "2025-02-10/2025-02-16"
    assert data["from_date"]["edtf"] == "2025-02-20"
    assert data["to_date"]["edtf"] == "2025-04/2025-06"
    assert occurreds(data) and all("edtf" in o for o in occurreds(data))
    read = {r["field"]: r for r in data["dates_read"]}
    assert list(read) == ["occurred", "from_date", "to_date", "published"]
    assert read["published"]["edtf"] == data["sources"][0]["published"] == "2025-02-17"
    assert read["from_date"]["direction"] == "forward" and read["occurred"]["direction"] is None
    assert read["to_date"]["basis"] == "relative to the report day 2025-02-18, looking forward"
    assert all(r["relative"] and r["reference"] == "2025-02-18" for r in read.values())


def test_every_json_view_gives_dates_their_edtf_form(log_db: Path) -> None:
    ok(log_db, *SCHEDULED, "--when", "2025-02-17", "--planned", "2025-02-20")
    for args in (("events",), ("timeline", TRACK), ("status", TRACK)):
        found = occurreds(json.loads(ok(log_db, *args, "--json")))
        assert found, args
        assert all(o["edtf"] for o in found), args


# -- the basis is said, and only when it is true ------------------------------------------------
def test_absolute_dates_are_read_as_written_not_relative_to_today(log_db: Path) -> None:
    out = ok(log_db, *SCHEDULED, "--when", "18 Feb 2025", "--planned", "2025-02-20", "--source", "TASS",
             "--published", "Tuesday 18 February 2025", "--dry-run")
    for name in ("occurred", "planned", "published"):
        assert line(out, name).endswith(", as written"), out
    assert "relative" not in out and "today" not in out


def test_a_relative_date_without_a_report_day_says_it_counted_from_today(log_db: Path) -> None:
    out = ok(log_db, *STATEMENT, "--when", "yesterday", "--dry-run")
    assert line(out, "occurred").endswith(f"relative to today, {date.today().isoformat()}")


# -- a source's published date is one day ----------------------------------------------------------
@pytest.mark.parametrize(("published", "reason"), [
    ("Feb 2025", "'Feb 2025' means Feb 2025 (2025-02-01..2025-02-28, precision month)"),
    ("last week", "precision week"),
    ("around 10 Feb 2025", "precision around"),
    ("18 Feb 2025?", "without 'c.' or '?'"),
])
def test_a_published_date_wider_than_a_day_is_refused(log_db: Path, published: str, reason: str) -> None:
    before = head(log_db)
    result = invoke(log_db, *STATEMENT, "--when", "2025-02-18", "--reported-on", "2025-02-18",
                    "--source", "TASS", "--published", published)
    assert result.exit_code == 1
    assert "field 'sources.0.published': source 1 (--source 'TASS'): a published date is" in result.stderr
    assert reason in result.stderr
    assert head(log_db) == before


def test_a_published_date_without_its_source_is_refused_not_dropped(log_db: Path) -> None:
    result = invoke(log_db, *STATEMENT, "--when", "2025-02-18", "--published", "2025-02-18", "--dry-run")
    assert result.exit_code == 2 and "--published '2025-02-18' comes before any --source" in result.stderr


# -- a bad date: a clear message, no traceback, nothing written ---------------------------------
def test_a_date_outside_the_years_exits_with_a_message_and_writes_nothing(log_db: Path) -> None:
    before = head(log_db)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("TRACKER_DB", None)
    run = subprocess.run([sys.executable, "-m", "tracker", "--db", str(log_db), *STATEMENT, "--when", "Dec 9999"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert "field 'when'" in run.stderr and "outside the years this tracker reads (1800 to 2200)" in run.stderr
    assert run.stdout == ""
    assert head(log_db) == before


def test_a_bad_planned_date_names_its_field(log_db: Path) -> None:
    result = invoke(log_db, *SCHEDULED, "--when", "2025-02-18", "--planned", "the 31st of February")
    assert result.exit_code == 1
    assert "field 'planned'" in result.stderr and "Traceback" not in result.output


# -- a date that happened, read as after its report day, is said ------------------------------------
@pytest.mark.parametrize(("when", "label"), [
    ("in two weeks", "week of 3 Mar 2025"), ("this weekend", "weekend of 22 Feb 2025"), ("Monday 24 Feb", "24 Feb 2025"),
])
def test_a_date_that_happened_after_its_report_day_is_warned_of(log_db: Path, when: str, label: str) -> None:
    out = ok(log_db, *STATEMENT, "--when", when, "--reported-on", "2025-02-18", "--dry-run")
    warning = line(out, "warning")
    assert f"warning: {label} is after the report day 2025-02-18: check that this is when it happened" in warning
    assert out.splitlines().index(warning) == out.splitlines().index(line(out, "occurred")) + 1  # under its date
    data = json.loads(ok(log_db, *STATEMENT, "--when", when, "--reported-on", "2025-02-18", "--dry-run", "--json"))
    assert "is after the report day 2025-02-18" in data["dates_read"][0]["warning"]


def test_dates_on_or_before_the_report_day_and_planned_dates_are_not_warned_of(log_db: Path) -> None:
    out = ok(log_db, *SCHEDULED, "--when", "this week", "--planned", "in two weeks", "--reported-on", "2025-02-18",
             "--source", "TASS", "--published", "2025-02-18", "--dry-run")
    assert "warning" not in out
    data = json.loads(ok(log_db, *STATEMENT, "--when", "yesterday", "--reported-on", "2025-02-18", "--json",
                         "--dry-run"))
    assert data["dates_read"][0]["warning"] is None


# -- a correction's dates are read as the flags are, and checked as the store checks them ------------
CORRECTION = ["log", "correction", "--target", "1", "--reason", "misdated", "--summary", "Date corrected",
              "--track", TRACK, "--when", "2025-02-20", "--reported-on", "2025-02-18"]


def test_a_correction_reads_the_dates_in_its_changes(log_db: Path) -> None:
    out = ok(log_db, *CORRECTION, "--changes", '{"occurred": "14 Feb 2025"}', "--dry-run")
    assert "valid correction (not written)" in out
    assert "14 Feb 2025 (2025-02-14..2025-02-14, precision day, EDTF 2025-02-14) from '14 Feb 2025', as written" \
        in line(out, "changes.occurred")
    logged = json.loads(ok(log_db, *CORRECTION, "--changes", '{"occurred": "last Friday"}', "--json"))
    assert logged["changes"]["occurred"] == {"earliest": "2025-02-14", "latest": "2025-02-14", "precision": "day",
                                             "time": None, "edtf": "2025-02-14"}
    read = {r["field"]: r for r in logged["dates_read"]}
    assert read["changes.occurred"]["basis"] == "relative to the report day 2025-02-18"


def test_a_correction_reads_a_planned_date_forward(log_db: Path) -> None:
    ok(log_db, *SCHEDULED, "--when", "2025-02-17", "--planned", "2025-02-19")  # position 2
    out = ok(log_db, *[a if a != "1" else "2" for a in CORRECTION], "--changes", '{"planned": "Thursday"}',
             "--dry-run")
    planned = line(out, "changes.planned")
    assert "20 Feb 2025 (2025-02-20..2025-02-20" in planned and "looking forward" in planned


@pytest.mark.parametrize(("changes", "reason"), [
    ('{"planned": "Dec 9999"}', "year 9999 in 'Dec 9999' is outside the years"),
    ('{"planned": {"earliest": "9999-12-01", "latest": "9999-12-31", "precision": "month"}}',
     "9999-12-01 is outside the years this tracker reads"),
    ('{"occurred": "Sat 14 Feb"}', "14 Feb 2025 is a Friday, not a Saturday; give the year"),
    ('{"occurred": "soon"}', "'soon' is not a date word"),
])
def test_a_dry_run_refuses_the_correction_a_write_refuses(log_db: Path, changes: str, reason: str) -> None:
    ok(log_db, *SCHEDULED, "--when", "2025-02-17", "--planned", "2025-02-19")  # position 2
    before = head(log_db)
    args = [*[a if a != "1" else "2" for a in CORRECTION], "--changes", changes]
    for extra in (["--dry-run"], []):
        result = invoke(log_db, *args, *extra)
        assert result.exit_code == 1, (extra, result.output)
        assert "field 'changes." in result.stderr and reason in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert head(log_db) == before


def test_the_readme_names_every_date_read_forward() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    direction = readme[readme.index("**Direction.**"):]
    direction = " ".join(direction[: direction.index("\n\n")].split())
    planned = {s.name for t in EVENT_TYPES for s in field_specs(t) if s.ahead}
    assert planned == {"planned", "from_date", "to_date", "due", "starts", "ends", "effective"}
    for name in planned:
        assert f"`--{name.replace('_', '-')}`" in direction, name

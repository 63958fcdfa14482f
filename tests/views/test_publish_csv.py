"""`tracker export --format csv`, read back as a spreadsheet user's tools read it: one row per event
with the documented columns, each event as the record stood; the list of tracks; a byte order mark
on request; cells that a spreadsheet would run as formulas shown as text instead."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, cast

import pytest

from run_cli import tracker

EVENT_COLUMNS = ["position", "id", "type", "occurred_earliest", "occurred_latest", "precision", "occurred",
                 "tracks", "actors", "summary", "claim_status", "sources", "recorded_at", "recorded_by",
                 "corrected", "retracted"]
TRACK_COLUMNS = ["track", "title", "status", "since", "status_claim", "trend", "last_activity", "next_meeting"]
HOSTILE = ['=HYPERLINK("http://evil.example")', "+1", "@SUM(A1)", "-2"]
AWKWARD = 'Lavrov, Rubio: "no deal yet",\nsays one side;\r\nthe other, "soon"'


def ok(*args: str, db: Path | None) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def csv_rows(*args: str, db: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The export's header and rows, parsed by the csv module from the exact bytes written."""
    data = tracker("export", "--format", "csv", *args, db=db, stdin=b"")
    assert data.returncode == 0, data.stderr
    raw = cast(bytes, data.stdout)  # bytes: stdin given, so no decoding on the way
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def events_json(db: Path, *args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ok("events", "--limit", "0", "--json", *args, db=db))
    return rows


def log_statement(db: Path, summary: str) -> None:
    ok("log", "statement-made", "--when", "2025-02-19", "--track", "ukraine-settlement", "--speaker", "lavrov",
       "--issue", "european-peacekeepers", "--stance", "opposes", f"--summary={summary}", "--source", "TASS",
       "--source-url", "https://tass.example/1", db=db)


def test_one_row_per_event_with_the_documented_columns(demo_db: Path) -> None:
    header, rows = csv_rows(db=demo_db)
    known = events_json(demo_db)
    assert header == EVENT_COLUMNS
    assert len(rows) == len(known) > 100
    assert [int(r["position"]) for r in rows] == sorted(e["position"] for e in known)  # log order
    by_id = {e["id"]: e for e in known}
    for r in rows:
        e = by_id[r["id"]]
        assert (r["type"], r["occurred_earliest"], r["occurred_latest"], r["precision"]) == (
            e["type"], e["occurred"]["earliest"], e["occurred"]["latest"], e["occurred"]["precision"])
        assert r["tracks"].split(";") == e["tracks"] and r["claim_status"] == e["claim_status"]
        assert r["recorded_by"] == e["recorded_by"] and r["recorded_at"] == e["recorded_at"]
    first = rows[0]
    assert first["occurred"] == "12 Feb 2025" and first["corrected"] == first["retracted"] == "no"


def test_a_corrected_event_shows_its_corrected_text_and_a_retracted_one_is_marked(demo_db: Path) -> None:
    _, rows = csv_rows(db=demo_db)
    by_id = {r["id"]: r for r in rows}
    known = events_json(demo_db)
    corrected = [e for e in known if e["corrected"]]
    retracted = [e for e in known if e["retracted"]]
    assert corrected and retracted
    for e in corrected:
        assert by_id[e["id"]]["corrected"] == "yes" and by_id[e["id"]]["summary"] == e["summary"]
        assert by_id[e["id"]]["actors"].split(";") == e["actors"]
    assert any(by_id[e["id"]]["summary"].startswith("Camille Grand") for e in corrected)
    assert all(by_id[e["id"]]["retracted"] == "yes" for e in retracted)
    assert sum(r["corrected"] == "yes" for r in rows) == len(corrected)
    assert sum(r["retracted"] == "yes" for r in rows) == len(retracted)


def test_known_at_leaves_out_what_was_logged_later_and_the_later_correction(demo_db: Path) -> None:
    _, now = csv_rows(db=demo_db)
    _, then = csv_rows("--known-at", "2025-02-18", db=demo_db)
    assert len(then) == len(events_json(demo_db, "--known-at", "2025-02-18")) < len(now)
    assert all(r["recorded_at"] < "2025-02-19" for r in then)
    grand = next(r for r in then if "ECFR" in r["summary"] and r["type"] == "analysis_published")
    assert grand["summary"].startswith("Camile Grant") and grand["corrected"] == "no"
    assert all(r["retracted"] == "no" for r in then)


def test_bom_output_starts_with_the_mark_and_still_parses(demo_db: Path, tmp_path: Path) -> None:
    plain, marked = tmp_path / "plain.csv", tmp_path / "marked.csv"
    ok("export", "--format", "csv", "-o", str(plain), db=demo_db)
    ok("export", "--format", "csv", "--bom", "-o", str(marked), db=demo_db)
    raw = marked.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw[3:] == plain.read_bytes()
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")  # CRLF line ends, no bare LF
    with marked.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert reader.fieldnames == EVENT_COLUMNS and len(rows) == len(events_json(demo_db))


def test_formulas_come_out_as_text_and_awkward_text_survives(demo_db: Path) -> None:
    for summary in [*HOSTILE, AWKWARD]:
        log_statement(demo_db, summary)
    _, rows = csv_rows("--track", "ukraine-settlement", db=demo_db)
    summaries = [r["summary"] for r in rows]
    for summary in HOSTILE:
        assert "'" + summary in summaries, summary
    assert AWKWARD in summaries  # commas, quotes, newlines: quoted, and read back whole
    assert not any(s.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for s in r.values())
    mine = next(r for r in rows if r["summary"] == AWKWARD)
    assert mine["sources"] == "TASS https://tass.example/1" and mine["corrected"] == "no"
    assert all("ukraine-settlement" in r["tracks"].split(";") for r in rows)


def test_tab_and_carriage_return_starts_are_neutralised_too() -> None:
    # The command line trims a summary, so these reach the log only from an import: the rule itself.
    from tracker.publish.spreadsheet import cell

    assert [cell(v) for v in ("\tcmd", "\r=1", "a=1", "", "'x")] == ["'\tcmd", "'\r=1", "a=1", "", "'x"]


def test_the_excel_dialect_reads_the_bom_file_whole(demo_db: Path, tmp_path: Path) -> None:
    """The file as a spreadsheet opens it: the byte order mark taken off (utf-8-sig) and read by the
    csv module's 'excel' dialect, the quoting rules Excel and LibreOffice follow; every row as
    wide as the header, a multi-line cell with commas and quotes whole. (No spreadsheet program
    runs here: this is the rule they read by, not one of them.)"""
    log_statement(demo_db, AWKWARD)
    path = tmp_path / "events.csv"
    ok("export", "--format", "csv", "--bom", "-o", str(path), db=demo_db)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh, dialect="excel"))
    assert table[0] == EVENT_COLUMNS and len(table) == len(events_json(demo_db)) + 1
    assert all(len(row) == len(EVENT_COLUMNS) for row in table)
    assert table[-1][EVENT_COLUMNS.index("summary")] == AWKWARD


def test_tracks_table_matches_status(demo_db: Path) -> None:
    header, rows = csv_rows("--tracks-table", db=demo_db)
    states = json.loads(ok("status", "--json", db=demo_db))
    assert header == TRACK_COLUMNS
    assert [r["track"] for r in rows] == [s["track"] for s in states]
    for r, s in zip(rows, states, strict=True):
        assert (r["title"], r["status"], r["status_claim"], r["trend"]) == (
            s["title"], s["status"], s["status_claim"], s["trend"]["direction"])
    lines = ok("status", db=demo_db).splitlines()[2:]
    for r, line in zip(rows, lines, strict=True):
        assert line.split()[:2] == [r["track"], r["status"]] and r["since"] in line and r["last_activity"] in line
    _, one = csv_rows("--tracks-table", "--track", "european-role", db=demo_db)
    assert [r["track"] for r in one] == ["european-role"]


def test_tracks_table_as_of_a_date(demo_db: Path) -> None:
    _, rows = csv_rows("--tracks-table", "--as-of", "2025-02-16", db=demo_db)
    states = json.loads(ok("status", "--json", "--as-of", "2025-02-16", db=demo_db))
    assert [r["track"] for r in rows] == [s["track"] for s in states]


def test_the_format_is_listed_with_its_columns() -> None:
    out = " ".join(ok("export", "--help", db=None).split())
    assert "csv: CSV for spreadsheets" in out and "claim_status" in out and "last_activity" in out


def test_a_log_bigger_than_a_page_is_read_whole(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.publish import Scope, spreadsheet
    from tracker.service import Tracker

    t = Tracker.open(demo_db, readonly=True)
    try:
        whole = spreadsheet.render(t, Scope())
        monkeypatch.setattr(spreadsheet, "PAGE", 7)
        assert spreadsheet.render(t, Scope()) == whole
        assert len(list(csv.reader(io.StringIO(whole, newline="")))) == len(events_json(demo_db)) + 1
    finally:
        t.close()


def test_an_unknown_track_is_a_usage_error_not_an_empty_file(demo_db: Path) -> None:
    for fmt in ("csv", "ics", "timelinejs", "plover"):
        run = tracker("export", "--format", fmt, "--track", "ukraine-setlement", db=demo_db)
        assert run.returncode == 2 and "no track ukraine-setlement" in run.stderr and not run.stdout, fmt


def test_bom_and_tracks_table_are_for_csv_only(demo_db: Path) -> None:
    """A byte order mark before JSON makes a file JSON readers refuse; --tracks-table means
    nothing to a calendar: either outside csv is a usage error, and nothing is written."""
    for fmt in ("ics", "timelinejs", "plover"):
        for flag in ("--bom", "--tracks-table"):
            run = tracker("export", "--format", fmt, flag, db=demo_db)
            assert run.returncode == 2 and f"{flag}: only for --format csv" in run.stderr and not run.stdout, (fmt, flag)

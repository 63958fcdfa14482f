"""`tracker import-csv FILE --mapping MAP.json`: a spreadsheet a team kept, brought in all or nothing,
each bad row named by its row number and column."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from run_cli import tracker

HEADER = ["Date", "What happened", "Track", "Speaker", "Issue", "Stance", "Outlet", "Link", "Published", "Quote"]
MAPPING: dict[str, Any] = {
    "type": "statement_made", "when": "Date", "summary": "What happened", "tracks": "Track",
    "source": "Outlet", "url": "Link", "published": "Published", "quote": "Quote",
    "fields": {"speaker": "Speaker", "issue": "Issue", "stance": "Stance"},
}
STATEMENTS = [
    ["2025-02-18", "Lavrov: no NATO troops as peacekeepers", "ukraine-settlement", "lavrov", "peacekeepers",
     "opposes", "Reuters", "https://example.org/a", "2025-02-18", "unacceptable"],
    ["2025-02-19", "Rubio: both sides must give ground", "ukraine-settlement; us-russia", "rubio", "concessions",
     "supports", "AP", "", "19 Feb 2025", ""],
    ["20 Feb 2025", "<b>Zelensky</b> [bold]rejects[/bold] a deal made without Kyiv", "ukraine-settlement",
     "zelensky", "kyiv-at-table", "opposes", "Kyiv Independent", "", "", ""],
]


def write(tmp_path: Path, rows: list[list[str]], mapping: dict[str, Any] | None = None,
          header: list[str] = HEADER, bom: bool = False) -> tuple[Path, Path]:
    sheet, mapfile = tmp_path / "sheet.csv", tmp_path / "map.json"
    with open(sheet, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    mapfile.write_text(json.dumps(MAPPING if mapping is None else mapping), encoding="utf-8")
    return sheet, mapfile


def logged(db: Path) -> list[dict[str, Any]]:
    run = tracker("events", "--json", "--limit", "1000", db=db)
    assert run.returncode == 0, run.stderr
    return list(json.loads(run.stdout))


def head(db: Path) -> str:
    return tracker("verify", db=db).stdout


def test_three_statements_become_three_events_with_their_fields_and_sources(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    sheet, mapfile = write(tmp_path, STATEMENTS)
    run = tracker("import-csv", str(sheet), "--mapping", str(mapfile), db=db)
    assert run.returncode == 0, run.stderr
    assert "imported 3 events" in run.stdout
    events = {e["summary"]: e for e in logged(db)}
    assert len(events) == 3
    lavrov = events["Lavrov: no NATO troops as peacekeepers"]
    assert lavrov["type"] == "statement_made"
    assert (lavrov["speaker"], lavrov["issue"], lavrov["stance"]) == ("lavrov", "peacekeepers", "opposes")
    assert lavrov["occurred"]["earliest"] == "2025-02-18"
    [source] = lavrov["sources"]
    assert {k: source[k] for k in ("outlet", "url", "published", "quote")} == {
        "outlet": "Reuters", "url": "https://example.org/a", "published": "2025-02-18", "quote": "unacceptable"}
    assert "lavrov" in lavrov["actors"]
    rubio = events["Rubio: both sides must give ground"]
    assert rubio["tracks"] == ["ukraine-settlement", "us-russia"]
    assert rubio["sources"][0]["published"] == "2025-02-19"
    # Text is data: kept as typed, markup and all.
    assert "<b>Zelensky</b> [bold]rejects[/bold] a deal made without Kyiv" in events
    # The same file again adds nothing: each row is already in the log.
    again = tracker("import-csv", str(sheet), "--mapping", str(mapfile), db=db)
    assert again.returncode == 0, again.stderr
    assert "imported 0 events" in again.stdout and "3 already in the log" in again.stdout
    assert len(logged(db)) == 3


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    first, mapfile = write(tmp_path, STATEMENTS[:1])
    assert tracker("import-csv", str(first), "--mapping", str(mapfile), db=db).returncode == 0
    before = head(db)
    rows = [list(r) for r in STATEMENTS + STATEMENTS[:1]]
    rows[1][0] = "the thirty-first of Febtember"  # row 3 (the header is row 1)
    rows[3][1] = ""  # row 5: no summary
    sheet, mapfile = write(tmp_path, rows)
    run = tracker("import-csv", str(sheet), "--mapping", str(mapfile), db=db)
    assert run.returncode == 1
    assert "row 3, column 'Date'" in run.stderr
    assert "row 5, column 'What happened'" in run.stderr
    assert "nothing was written" in run.stderr
    assert "row 2" not in run.stderr and "row 4" not in run.stderr
    assert head(db) == before
    assert len(logged(db)) == 1


def test_a_mapping_naming_a_column_the_file_lacks_is_refused_clearly(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    sheet, mapfile = write(tmp_path, STATEMENTS, {**MAPPING, "when": "Datum", "colour": "Red"})
    run = tracker("import-csv", str(sheet), "--mapping", str(mapfile), db=db)
    assert run.returncode == 1
    assert "mapping key 'when'" in run.stderr and "'Datum'" in run.stderr
    assert "'What happened'" in run.stderr  # the header's columns are listed
    assert "mapping key 'colour'" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_type_column_gives_each_row_its_type(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    header = ["Kind", "Date", "What", "Who", "Meeting", "Title", "Issue", "Stance"]
    mapping = {"type": {"column": "Kind"}, "when": "Date", "summary": "What", "actors": "Who",
               "fields": {"meeting": "Meeting", "title": "Title", "speaker": "Who", "issue": "Issue",
                          "stance": "Stance"},
               "defaults": {"tracks": "ukraine-settlement"}}
    rows = [["meeting-held", "2025-02-18", "US and Russian delegations meet in Riyadh", "", "riyadh-1",
             "Riyadh talks", "", ""],
            ["Statement_Made", "2025-02-19", "Lavrov rules out NATO peacekeepers", "lavrov", "", "",
             "peacekeepers", "opposes"]]
    sheet, mapfile = write(tmp_path, rows, mapping, header)
    run = tracker("import-csv", str(sheet), "--mapping", str(mapfile), "--json", db=db)
    assert run.returncode == 0, run.stderr
    assert [(e["row"], e["type"]) for e in json.loads(run.stdout)["events"]] == [
        (2, "meeting_held"), (3, "statement_made")]
    types = {e["summary"]: (e["type"], e["tracks"]) for e in logged(db)}
    assert types["US and Russian delegations meet in Riyadh"] == ("meeting_held", ["ukraine-settlement"])
    assert types["Lavrov rules out NATO peacekeepers"] == ("statement_made", ["ukraine-settlement"])


def test_dry_run_checks_everything_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    first, mapfile = write(tmp_path, STATEMENTS[:1])
    assert tracker("import-csv", str(first), "--mapping", str(mapfile), db=db).returncode == 0
    before = head(db)
    sheet, mapfile = write(tmp_path, STATEMENTS)
    run = tracker("import-csv", str(sheet), "--mapping", str(mapfile), "--dry-run", db=db)
    assert run.returncode == 0, run.stderr
    assert "row 4: statement_made" in run.stdout and "nothing was written" in run.stdout
    assert head(db) == before and len(logged(db)) == 1


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    sheet, mapfile = write(tmp_path, STATEMENTS[:1], bom=True)
    assert sheet.read_bytes().startswith(b"\xef\xbb\xbf")
    run = tracker("import-csv", str(sheet), "--mapping", str(mapfile), db=db)
    assert run.returncode == 0, run.stderr
    assert [e["occurred"]["earliest"] for e in logged(db)] == ["2025-02-18"]

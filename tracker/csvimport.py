"""Import from CSV: a spreadsheet a team kept, read with a column mapping, row by row into drafts
(tracker.forms.Draft) and validated events (build_event).

Pure: nothing is written here (the service appends, all or nothing). Every problem names the
spreadsheet row (the header is row 1) and the column the mapping took the value from; problems
in the mapping itself name the mapping's key.

The mapping (JSON) says which column holds what:

    {"type": "statement_made",            (or {"column": "Kind"}: per row, our type names)
     "when": "Date", "summary": "What happened", "tracks": "Track", "actors": "Who",
     "status": "Claim", "source": "Outlet", "url": "Link", "published": "Published", "quote": "Quote",
     "fields": {"speaker": "Speaker", "issue": "Issue", "stance": "Stance"},
     "reported_on": "2025-02-19", "defaults": {"tracks": "ukraine-settlement"}}

A cell of `tracks`, `actors` or `tags` may hold several values, separated by ';' or ','. Text
is data: it goes into the events as is.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from events import EVENT_TYPES, Event, canonical_json, new_id
from tracker.forms import (
    Draft,
    InvalidEvents,
    Problem,
    SourceDraft,
    build_event,
    field_specs,
    normalise_type,
)

# Keys whose value is a column name (what the draft takes from each row).
COLUMN_KEYS = ("when", "summary", "tracks", "actors", "status", "location", "details", "tags",
               "source", "url", "published", "via", "quote", "credibility")
LIST_KEYS = frozenset({"tracks", "actors", "tags"})
OTHER_KEYS = ("type", "fields", "reported_on", "defaults")
REQUIRED_KEYS = ("type", "when")
SOURCE_KEYS = {"outlet": "source", "url": "url", "published": "published", "via": "via", "quote": "quote",
               "credibility": "credibility"}  # a source's field -> the mapping's key
MAX_PROBLEMS = 100
SHOWN_PROBLEMS = 30


class InvalidRows(InvalidEvents):
    """Problems in a CSV import: each by row (`line`) and column (`field`), or by the mapping's key."""

    def __init__(self, problems: Sequence[Problem], *, mapping: bool = False) -> None:
        super().__init__(problems)
        shown = "\n".join(f"  {_said(p, mapping)}" for p in self.problems[:SHOWN_PROBLEMS])
        more = (f"\n  ... and {len(self.problems) - SHOWN_PROBLEMS} more"
                if len(self.problems) > SHOWN_PROBLEMS else "")
        what = "the mapping has" if mapping else "the file has"
        self.args = (f"{what} {len(self.problems)} problem(s); nothing was written:\n{shown}{more}",)


def _said(p: Problem, mapping: bool) -> str:
    where = []
    if p.line is not None:
        where.append(f"row {p.line}")
    if p.field:
        where.append(f"mapping key '{p.field}'" if mapping else f"column '{p.field}'")
    return (", ".join(where) + ": " if where else "") + p.message


@dataclass(frozen=True)
class ColumnMap:
    """A checked mapping."""

    type: str | None  # a fixed type, or None: per row from `type_column`
    type_column: str | None
    columns: dict[str, str]  # COLUMN_KEYS -> column
    fields: dict[str, str]  # a type's field -> column
    reported_on: date | None
    defaults: dict[str, str]


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row: the header is row 1
    event: Event


def read_mapping(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InvalidRows([Problem(None, None, f"{path} is not JSON: {exc}")], mapping=True) from None
    if not isinstance(data, dict):
        raise InvalidRows([Problem(None, None, f"{path} should hold a JSON object, {{\"when\": \"Date\", ...}}")],
                          mapping=True)
    return data


def check_mapping(raw: Mapping[str, Any], header: Sequence[str]) -> ColumnMap:
    """The mapping, checked against the file's header; InvalidRows naming each wrong key."""
    problems: list[Problem] = []
    columns_said = ", ".join(repr(h) for h in header)

    def column(key: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value:
            problems.append(Problem(None, key, f"should name a column (text); got {value!r}"))
            return None
        if value not in header:
            problems.append(Problem(None, key, f"names column {value!r}, which the file's header lacks; "
                                               f"its columns: {columns_said}"))
            return None
        return value

    for key in raw:
        if key not in COLUMN_KEYS and key not in OTHER_KEYS:
            problems.append(Problem(None, key, "not a key of a mapping; expected one of: "
                                               f"{', '.join(OTHER_KEYS[:1] + COLUMN_KEYS + OTHER_KEYS[1:])}"))
    defaults_raw = raw.get("defaults") or {}
    if not isinstance(defaults_raw, dict):
        problems.append(Problem(None, "defaults", "should be an object, e.g. {\"tracks\": \"ukraine-settlement\"}"))
        defaults_raw = {}
    defaults: dict[str, str] = {}
    for key, value in defaults_raw.items():
        if key not in COLUMN_KEYS:
            problems.append(Problem(None, f"defaults.{key}", f"not a key a default is given for; expected one of: "
                                                             f"{', '.join(COLUMN_KEYS)}"))
        elif not isinstance(value, str):
            problems.append(Problem(None, f"defaults.{key}", f"should be text; got {value!r}"))
        else:
            defaults[key] = value
    for key in REQUIRED_KEYS:
        if key not in raw:
            problems.append(Problem(None, key, "required: which column holds it"
                                    + (" (or a fixed type, e.g. \"statement_made\")" if key == "type" else "")))
    if "summary" not in raw and "summary" not in defaults:
        problems.append(Problem(None, "summary", "required: which column holds the summary"))

    fixed: str | None = None
    type_column: str | None = None
    given_type = raw.get("type")
    if isinstance(given_type, str):
        try:
            fixed = normalise_type(given_type)
        except InvalidEvents as exc:
            problems.append(Problem(None, "type", exc.problems[0].message))
    elif isinstance(given_type, dict) and set(given_type) == {"column"}:
        type_column = column("type", given_type["column"])
    elif given_type is not None:
        problems.append(Problem(None, "type", "a type (\"statement_made\") or {\"column\": \"Kind\"}; "
                                              f"got {given_type!r}"))

    columns = {key: c for key in COLUMN_KEYS if key in raw and (c := column(key, raw[key])) is not None}

    fields_raw = raw.get("fields") or {}
    fields: dict[str, str] = {}
    if not isinstance(fields_raw, dict):
        problems.append(Problem(None, "fields", "should be an object, e.g. {\"speaker\": \"Speaker\"}"))
        fields_raw = {}
    known = ({s.name for s in field_specs(fixed)} if fixed
             else {s.name for t in EVENT_TYPES for s in field_specs(t)})
    for name, value in fields_raw.items():
        if name not in known:
            of = f"a field of {fixed}" if fixed else "a field of any event type"
            choices = f"; its fields: {', '.join(sorted(known))}" if fixed else ""
            problems.append(Problem(None, f"fields.{name}", f"not {of}{choices}"))
        elif (c := column(f"fields.{name}", value)) is not None:
            fields[name] = c

    reported_on: date | None = None
    if raw.get("reported_on") is not None:
        try:
            reported_on = date.fromisoformat(str(raw["reported_on"]))
        except ValueError:
            problems.append(Problem(None, "reported_on", f"a day, e.g. \"2025-02-19\"; got {raw['reported_on']!r}"))
    if problems:
        raise InvalidRows(problems, mapping=True)
    return ColumnMap(fixed, type_column, columns, fields, reported_on, defaults)


def load(csv_path: str | Path, mapping_path: str | Path) -> list[Row]:
    """Every row of the file as an event, or InvalidRows naming each bad row and column."""
    header, rows = _read(csv_path)
    mapping = check_mapping(read_mapping(mapping_path), header)
    out: list[Row] = []
    problems: list[Problem] = []
    for number, row in rows:
        try:
            out.append(Row(number, row_event(mapping, row, number)))
        except InvalidEvents as exc:
            problems.extend(exc.problems)
        if len(problems) >= MAX_PROBLEMS:
            problems = problems[:MAX_PROBLEMS]
            problems.append(Problem(None, None, f"stopped after {MAX_PROBLEMS} problems"))
            break
    if problems:
        raise InvalidRows(problems)
    return out


def _read(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str | None, Any]]]]:
    """read_rows, each row numbered as a spreadsheet numbers it (a cell may span lines)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            rows: list[tuple[int, dict[str | None, Any]]] = []
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                row: dict[str | None, Any] = dict(zip(header, cells, strict=False))
                if len(cells) > len(header):
                    row[None] = cells[len(header):]
                rows.append((number, row))
    except UnicodeDecodeError as exc:
        raise InvalidRows([Problem(None, None, f"{path} is not UTF-8 text (byte {exc.start + 1}); "
                                               "save it from the spreadsheet as 'CSV UTF-8'")]) from None
    except csv.Error as exc:
        raise InvalidRows([Problem(None, None, f"{path} is not readable as CSV: {exc}")]) from None
    if not any(h.strip() for h in header):
        raise InvalidRows([Problem(None, None, f"{path} has no header row (the column names)")])
    return header, rows


_SEPARATORS = re.compile(r"[;,]")


def row_event(mapping: ColumnMap, row: Mapping[str | None, Any], number: int) -> Event:
    """One row as an event (build_event), or InvalidEvents whose problems name the row and column."""
    def cell(key: str) -> str:
        col = mapping.columns.get(key)
        value = str(row.get(col) or "") if col else ""
        return value if value.strip() else mapping.defaults.get(key, "")

    def items(key: str) -> list[str]:
        return [p.strip() for p in _SEPARATORS.split(cell(key)) if p.strip()]

    def where(name: str | None) -> str | None:
        return _column_of(mapping, name)

    if row.get(None):
        raise InvalidEvents([Problem(number, None, f"has {len(row[None])} more cell(s) than the header")])
    etype = mapping.type or ""
    if mapping.type_column:
        try:
            etype = normalise_type(str(row.get(mapping.type_column) or ""))
        except InvalidEvents as exc:
            raise InvalidEvents([Problem(number, mapping.type_column, exc.problems[0].message)]) from None
    own = {s.name for s in field_specs(etype)}
    stray = [Problem(number, col, f"{name!r} is not a field of {etype}; leave the cell empty for this type")
             for name, col in mapping.fields.items() if name not in own and str(row.get(col) or "").strip()]
    source = SourceDraft(**{f: cell(key) or None for f, key in SOURCE_KEYS.items()})
    draft = Draft(
        type=etype, when=cell("when").strip(), summary=cell("summary"), tracks=items("tracks"),
        fields={name: row.get(col) for name, col in mapping.fields.items() if name in own},
        actors=items("actors"), location=cell("location") or None, details=cell("details") or None,
        status=cell("status").strip().lower() or None, tags=items("tags"), sources=[source],
    )
    try:
        event = build_event(draft, mapping.reported_on)
    except InvalidEvents as exc:
        raise InvalidEvents(stray + [Problem(number, where(p.field), p.message) for p in exc.problems]) from None
    if stray:
        raise InvalidEvents(stray)
    return _stable(event)


def _column_of(mapping: ColumnMap, name: str | None) -> str | None:
    """The column a problem's field came from: 'sources.0.published' -> the `published` column,
    'tracks.1' -> the `tracks` column; a value from `defaults` or from no column is named so."""
    parts = (name or "").split(".")
    key = parts[0]
    if key == "sources":
        key = SOURCE_KEYS.get(parts[2] if len(parts) > 2 else "outlet", "source")
    elif key == "occurred":
        key = "when"
    elif key == "type" and mapping.type_column:
        return mapping.type_column
    if key in mapping.columns:
        return mapping.columns[key]
    if key in mapping.fields:
        return mapping.fields[key]
    if key in mapping.defaults:
        return f"defaults.{key} (no column)"
    return f"{name} (no column mapped)" if name else None


def _stable(event: Event) -> Event:
    """The event under an id made from its content: importing the same file again adds nothing
    (the store skips an identical event under the same id)."""
    body = event.model_dump(mode="json", exclude={"id"})
    digest = hashlib.sha256(canonical_json(body).encode()).digest()
    day = max(event.occurred.earliest, date(1970, 1, 1))
    at = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return event.model_copy(update={"id": new_id(at, digest[:10])})


@dataclass(frozen=True)
class CsvReport:
    """What an import of a CSV file did (or, in a dry run, would do)."""

    rows: list[Row]  # every row read, as its event
    appended: int  # 0 in a dry run
    skipped: int  # identical events already in the log
    head: int  # the log's position after it
    dry_run: bool

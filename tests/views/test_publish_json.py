"""`tracker export --format timelinejs|plover`: a web timeline and event data, read back with a JSON
Schema validator (jsonschema) against the structure each format documents.

TimelineJS: https://timeline.knightlab.com/docs/json-format.html (an object with `events`, a list
of slides; a slide's `start_date` needs a `year`; `text` is headline and text; dates are year,
month, day...). PLOVER: the manual's JSON table (openeventdata/PLOVER, PLOVER_MANUAL): a record
needs `id`, `date` (YYYY-MM-DD), `actor` (entity objects) and `event` (categories).
Run through the real `tracker` command on a copy of the demo data.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from events import EVENT_TYPES
from run_cli import tracker
from tracker.publish.plover import MAPPING, QUAD, By

TRACK = "ukraine-settlement"
HTML = "<script>alert(1)</script> & co"

DATE: dict[str, Any] = {
    "type": "object", "required": ["year"], "additionalProperties": False,
    "properties": {"year": {"type": "integer"}, "month": {"type": "integer", "minimum": 1, "maximum": 12},
                   "day": {"type": "integer", "minimum": 1, "maximum": 31},
                   "hour": {"type": "integer", "minimum": 0, "maximum": 23},
                   "minute": {"type": "integer", "minimum": 0, "maximum": 59},
                   "second": {"type": "integer"}, "millisecond": {"type": "integer"},
                   "display_date": {"type": "string"}},
}
TEXT: dict[str, Any] = {"type": "object", "additionalProperties": False,
                        "properties": {"headline": {"type": "string"}, "text": {"type": "string"}}}
MEDIA: dict[str, Any] = {"type": "object", "required": ["url"],
                         "properties": {k: {"type": "string"} for k in ("url", "caption", "credit", "thumbnail", "alt", "title", "link")}}
SLIDE_PROPS: dict[str, Any] = {
    "start_date": DATE, "end_date": DATE, "text": TEXT, "media": MEDIA, "group": {"type": "string"},
    "display_date": {"type": "string"}, "unique_id": {"type": "string", "minLength": 1},
    "autolink": {"type": "boolean"}, "background": {"type": "object"},
}
TIMELINEJS: dict[str, Any] = {
    "type": "object", "required": ["events"], "additionalProperties": False,
    "properties": {
        "events": {"type": "array", "items": {"type": "object", "required": ["start_date", "text"],
                                              "properties": SLIDE_PROPS, "additionalProperties": False}},
        "title": {"type": "object", "required": ["text"], "properties": SLIDE_PROPS, "additionalProperties": False},
        "eras": {"type": "array"},
        "scale": {"enum": ["human", "cosmological"]},
    },
}

ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"
ENTITY: dict[str, Any] = {
    "type": "object", "required": ["entity_text"],
    "properties": {"entity_text": {"type": "string"}, "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
                   "sector": {"type": "string"}, "identifier_id": {"type": "string"},
                   "identifier_text": {"type": "string"}, "religion": {"type": "string"},
                   "ethnicity": {"type": "string"}, "office": {"type": "string"}, "gender": {"type": "string"},
                   "age": {"type": "integer"}},
    "additionalProperties": False,  # the manual's "Information object for entities", field for field
}
PLOVER: dict[str, Any] = {
    "type": "object",
    "required": ["id", "date", "actor", "event", "tracker_type", "summary", "url"],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "date": {"type": "string", "pattern": ISO_DAY},
        "enddate": {"type": "string", "pattern": ISO_DAY},
        "time": {"type": "string"},
        "actor": {"type": "array", "items": ENTITY},
        "recipient": {"type": "array", "items": ENTITY, "minItems": 1},
        "event": {"type": "array", "items": {"enum": sorted(QUAD)}, "maxItems": 1},
        "has_event": {"type": "boolean"},
        "mode": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "quad_code": {"enum": [1, 2, 3, 4]},
        "cite_info": {"type": "object", "properties": {"url": {"type": "string"}, "publication": {"type": "string"}}},
        "tracker_type": {"enum": sorted(EVENT_TYPES)},
        "summary": {"type": "string"},
        "url": {"type": ["string", "null"]},
    },
}


def run(db: Path, *args: str) -> str:
    result = tracker("export", *args, db=db)
    assert result.returncode == 0, result.stderr
    return result.stdout


def timeline_ids(db: Path, track: str, *args: str) -> list[str]:
    result = tracker("timeline", track, "--json", "--limit", "0", *args, db=db)
    assert result.returncode == 0, result.stderr
    return [e["event_id"] for e in json.loads(result.stdout)]


def plover_records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def month_db(demo_db: Path) -> tuple[Path, str]:
    """The demo with one more statement: dated to a month, its summary holding HTML."""
    result = tracker("log", "statement-made", "--when", "2025-03", "--track", TRACK, "--speaker", "lavrov",
                     "--issue", "peacekeepers", "--stance", "opposes", "--summary", HTML, "--source", "TASS",
                     "--source-url", "javascript:alert(2)", "--json", db=demo_db)
    assert result.returncode == 0, result.stderr
    return demo_db, json.loads(result.stdout)["id"]


def test_timelinejs_is_valid_and_has_every_event_of_the_track_once(demo_db: Path) -> None:
    doc = json.loads(run(demo_db, "--format", "timelinejs", "--track", TRACK))
    jsonschema.validate(doc, TIMELINEJS)
    ids = [s["unique_id"] for s in doc["events"]]
    expected = timeline_ids(demo_db, TRACK)
    assert len(expected) > 20
    assert sorted(ids) == sorted(expected) and len(set(ids)) == len(ids)
    assert doc["title"]["text"]["headline"] == "Ukraine war settlement"
    assert {s["group"] for s in doc["events"]} >= {"Statement made", "Meeting held"}
    # Sources are in the text, not `media`: TimelineJS would show an article's url as a broken image.
    assert not any("media" in s for s in doc["events"]) and "Sources: " in doc["events"][-1]["text"]["text"]
    # A week keeps its interval: a start and an end day, and its honest label.
    week = next(s for s in doc["events"] if s["display_date"].startswith("week of"))
    assert week["end_date"]["day"] - week["start_date"]["day"] == 6


def test_timelinejs_month_date_has_no_day_and_html_is_escaped(month_db: tuple[Path, str]) -> None:
    db, event_id = month_db
    text = run(db, "--format", "timelinejs", "--track", TRACK)
    doc = json.loads(text)
    jsonschema.validate(doc, TIMELINEJS)
    slide = next(s for s in doc["events"] if s["unique_id"] == event_id)
    assert slide["start_date"] == {"year": 2025, "month": 3}
    assert "end_date" not in slide and slide["display_date"] == "Mar 2025"
    assert slide["text"]["headline"] == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"
    assert "<script>" not in text
    assert "javascript:" not in slide["text"]["text"]  # only http(s) sources become links
    assert "TASS" in slide["text"]["text"]


def test_plover_is_valid_and_has_every_event_of_the_track_once(demo_db: Path) -> None:
    records = plover_records(run(demo_db, "--format", "plover", "--track", TRACK))
    for r in records:
        jsonschema.validate(r, PLOVER)
    ids = [r["id"] for r in records]
    assert sorted(ids) == sorted(timeline_ids(demo_db, TRACK)) and len(set(ids)) == len(ids)
    assert all(r["has_event"] == bool(r["event"]) for r in records)
    # A phone call between Trump and Putin: CONSULT by phone, both as the actor.
    call = next(r for r in records if r["tracker_type"] == "meeting_held" and "phone" in r.get("mode", []))
    assert call["event"] == ["CONSULT"] and call["quad_code"] == 1
    assert {"USA", "RUS"} <= {a.get("code") for a in call["actor"]}
    # Parties kept out of the talks: REJECT, the excluded as the recipient.
    excluded = next(r for r in records if r["tracker_type"] == "party_excluded")
    assert excluded["event"] == ["REJECT"] and excluded["recipient"]
    # Our actor id is the entity's identifier (the manual's field), its name the canonical text.
    putin = next(a for a in call["actor"] if a["identifier_id"] == "putin")
    assert (putin["identifier_text"], putin["entity_text"], putin["code"]) == ("Vladimir Putin",) * 2 + ("RUS",)
    # Amendments and notes on actors are no events in the world: no record of their own.
    assert not {r["tracker_type"] for r in records} & {"correction", "retraction", "actor_described"}


def test_plover_month_date_and_as_of(month_db: tuple[Path, str]) -> None:
    db, event_id = month_db
    records = plover_records(run(db, "--format", "plover", "--track", TRACK))
    mine = next(r for r in records if r["id"] == event_id)
    jsonschema.validate(mine, PLOVER)
    assert (mine["date"], mine["enddate"], mine["date_edtf"]) == ("2025-03-01", "2025-03-31", "2025-03")
    assert mine["summary"] == HTML  # JSON data, not HTML: kept as logged
    assert mine["event"] == ["ACCUSE"] and mine["mode"] == ["disapprove"]
    for fmt in ("plover", "timelinejs"):
        before = run(db, "--format", fmt, "--track", TRACK, "--as-of", "2025-02-20")
        assert event_id not in before and "01JMC4J7M0AMWGB8EY92185YH3" in before  # the track's opening is in
        assert event_id in run(db, "--format", fmt, "--track", TRACK, "--as-of", "2025-03-31")


GRAND = "01JMDAKWF0ABCZ0CD998XRZB53"  # ECFR commentary logged 18 Feb as by 'Camile Grant', corrected 19 Feb


def test_known_at_leaves_out_what_was_logged_later_and_the_later_correction(demo_db: Path) -> None:
    then = ("--track", "european-role", "--known-at", "2025-02-18")
    expected = timeline_ids(demo_db, "european-role", "--known-at", "2025-02-18")
    assert len(expected) < len(timeline_ids(demo_db, "european-role"))

    doc = json.loads(run(demo_db, "--format", "timelinejs", *then))
    jsonschema.validate(doc, TIMELINEJS)
    assert sorted(s["unique_id"] for s in doc["events"]) == sorted(expected)
    grand = next(s for s in doc["events"] if s["unique_id"] == GRAND)
    assert grand["text"]["headline"].startswith("Camile Grant") and "corrected" not in grand["text"]["text"]
    assert "as known on 18 Feb 2025" in doc["title"]["text"]["text"]

    records = plover_records(run(demo_db, "--format", "plover", *then))
    assert sorted(r["id"] for r in records) == sorted(expected)
    mine = next(r for r in records if r["id"] == GRAND)
    assert mine["summary"].startswith("Camile Grant") and mine["corrected"] is False
    now = next(r for r in plover_records(run(demo_db, "--format", "plover", "--track", "european-role"))
               if r["id"] == GRAND)
    assert now["summary"].startswith("Camille Grand") and now["corrected"] is True


def test_export_to_a_file(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "timeline.json"
    result = tracker("export", "--format", "timelinejs", "--track", "putin-trump-summit", "-o", str(out), db=demo_db)
    assert result.returncode == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, TIMELINEJS)
    assert len(doc["events"]) == len(timeline_ids(demo_db, "putin-trump-summit"))


def test_every_event_type_has_a_plover_entry() -> None:
    """A new event type without a line in plover.MAPPING fails here."""
    assert set(MAPPING) == set(EVENT_TYPES)
    for event_type, rule in MAPPING.items():
        if isinstance(rule, By):  # a coding per value: every value of that field has one
            annotation = EVENT_TYPES[event_type].model_fields[rule.key].annotation
            assert set(rule.codes) == set(typing.get_args(annotation)), event_type
            codes = list(rule.codes.values())
        else:
            codes = [rule]
        for code in codes:
            assert code.event is None or code.event in QUAD, (event_type, code)
            for name in (*code.actor, *code.recipient):
                assert name in EVENT_TYPES[event_type].model_fields, (event_type, name)

"""Which actors a list shows (Tracker.actor_roster), how an actor's page counts what it said, and
how people are named: the rules every view of actors relies on."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import make_body

from projections.state import ActorInfo
from tracker.present import Names, columns, joined, plural, quoted, surname
from tracker.service import Tracker


def copy(src: Path, dst: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    return dst


def described(actor: str, name: str, kind: str = "person") -> dict[str, Any]:
    return make_body(type="actor_described", actor=actor, name=name, kind=kind, actors=[actor],
                     summary=f"{name} described", speaker=None, issue=None, stance=None)


def retraction(target: str) -> dict[str, Any]:
    return make_body(type="retraction", target=target, reason="logged in error", actors=[],
                     summary="retracted", speaker=None, issue=None, stance=None)


def clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def logged(path: Path, *bodies: dict[str, Any]) -> Tracker:
    tracker = Tracker.open(path)
    tracker.import_lines([json.dumps(clean(b)).encode() for b in bodies])
    return tracker


# -- the roster ----------------------------------------------------------------------------------------
def test_the_demo_hides_the_misspelt_actor_it_retracted(demo_db: Path) -> None:
    with Tracker.open(demo_db) as tracker:
        roster = tracker.actor_roster()
        live = {a.id for a in roster.live}
        assert "camile-grant" not in live and "grand" in live
        assert [(a.id, a.name) for a in roster.hidden] == [("camile-grant", "Camile Grant")]  # as it was logged
        assert [a.id for a in tracker.actors()] == sorted(live)
        assert tracker.actor("camile-grant") is None  # its page would say nothing: so it is not listed


def test_the_roster_is_the_same_with_the_read_model_behind_or_current(demo_template: Path, tmp_path: Path) -> None:
    behind = Tracker.open(copy(demo_template, tmp_path / "behind.db"), readonly=True)
    current = Tracker.open(copy(demo_template, tmp_path / "current.db"))
    current.rebuild()
    assert behind.actor_roster() == current.actor_roster()


def test_an_actor_named_only_by_a_retracted_statement_is_hidden(tmp_path: Path) -> None:
    said = make_body(speaker="ghost", actors=["ghost"], summary="Ghost speaks")
    with logged(tmp_path / "log.db", said, retraction(said["id"])) as tracker:
        roster = tracker.actor_roster()
        assert "ghost" not in {a.id for a in roster.live}
        assert [a.id for a in roster.hidden] == ["ghost"]
        assert roster.hidden[0].name == "ghost"  # never described: its id


def test_a_retracted_description_leaves_an_actor_that_still_speaks_listed(tmp_path: Path) -> None:
    desc = described("kallas", "Kaja Kalas")  # misspelt, then retracted
    said = make_body(speaker="kallas", actors=["kallas"])
    with logged(tmp_path / "log.db", desc, said, retraction(desc["id"])) as tracker:
        roster = tracker.actor_roster()
        assert [a.id for a in roster.hidden] == []
        assert ActorInfo(id="kallas", name="kallas") in roster.live


def test_a_described_actor_nothing_else_names_is_listed(tmp_path: Path) -> None:
    with logged(tmp_path / "log.db", described("kallas", "Kaja Kallas")) as tracker:
        assert [(a.id, a.name) for a in tracker.actors()] == [("kallas", "Kaja Kallas")]


# -- an actor's page ---------------------------------------------------------------------------------------
def test_a_statement_on_two_tracks_is_one_statement_with_both_tracks(tmp_path: Path) -> None:
    both = make_body(tracks=["ukraine-settlement", "european-role"])
    with logged(tmp_path / "log.db", both) as tracker:
        state = tracker.actor("lavrov")
        assert state is not None
        assert [s.tracks for s in state.statements] == [("ukraine-settlement", "european-role")]
        assert state.stance_tracks == (("european-role", "ukraine-settlement"),) and len(state.stances) == 1


def test_a_stance_from_different_statements_per_track_stays_apart(tmp_path: Path) -> None:
    first = make_body(tracks=["ukraine-settlement", "european-role"], stance="opposes")
    later = make_body(tracks=["european-role"], stance="supports",
                      occurred={"earliest": "2025-02-19", "latest": "2025-02-19", "precision": "day"})
    with logged(tmp_path / "log.db", first, later) as tracker:
        state = tracker.actor("lavrov")
        assert state is not None and len(state.statements) == 2
        held = dict(zip(state.stance_tracks, (s.stance for s in state.stances), strict=True))
        assert held == {("european-role",): "supports", ("ukraine-settlement",): "opposes"}


def test_grushko_in_the_demo_said_it_once(demo_db: Path) -> None:
    with Tracker.open(demo_db) as tracker:
        state = tracker.actor("grushko")
        assert state is not None and len(state.statements) == 1
        assert set(state.statements[0].tracks) == {"ukraine-settlement", "european-role"}


# -- names and words -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "short"), [
    ("Sergei Lavrov", "Lavrov"),
    ("Ursula von der Leyen", "von der Leyen"),
    ("Marine Le Pen", "Le Pen"),
    ("Luigi Di Maio", "Di Maio"),
    ("Luiz Inácio Lula da Silva", "da Silva"),
    ("Mohammed bin Salman", "bin Salman"),
    ("Martin Luther King Jr.", "King Jr."),
    ("Recep Tayyip Erdogan", "Erdogan"),
    ("Meghan O’Sullivan", "O’Sullivan"),
    ("Lula", "Lula"),
])
def test_a_person_goes_by_the_whole_surname(name: str, short: str) -> None:
    assert surname(name) == short


def test_only_people_are_shortened() -> None:
    names = Names([ActorInfo(id="vdl", name="Ursula von der Leyen", kind="person"),
                   ActorInfo(id="eu", name="European Union", kind="bloc")])
    assert names.short("vdl") == "von der Leyen" and names.short("eu") == "European Union"
    assert names.short("unknown") == "unknown"


def test_counts_agree_with_their_number() -> None:
    assert plural(1, "event") == "1 event"
    assert plural(0, "event") == "0 events" and plural(2, "event") == "2 events"
    assert plural(2, "analysis", "analyses") == "2 analyses"


def test_a_quotation_gets_our_marks_only_when_it_has_none() -> None:
    assert quoted("no results") == "\u201cno results\u201d"
    assert quoted('"We explained today" Lavrov said') == '"We explained today" Lavrov said'
    assert quoted("\u201cIf Europe wants a seat,\u201d Grand writes") == "\u201cIf Europe wants a seat,\u201d Grand writes"
    assert quoted("\u00abnon\u00bb") == "\u00abnon\u00bb"


def test_sentences_are_joined_as_sentences_and_names_with_commas() -> None:
    findings = ["Europe must act with unity.", "Support for Ukraine can be increased.", "A third"]
    assert joined(findings) == "Europe must act with unity. Support for Ukraine can be increased. A third"
    assert joined(["usa", "rus"]) == "usa, rus"
    assert joined(["He said \u201cno.\u201d", "next"]) == "He said \u201cno.\u201d next"


def test_columns_line_up_whatever_the_length_of_a_value() -> None:
    lines = columns([["a", "14\u201316 Feb 2025", "x"], ["longer-track", "c. week of 10 Feb 2025?", "y"],
                     ["\u6771\u4eac", "d", "z"]])
    assert [line.index(last) for line, last in zip(lines[:2], "xy", strict=True)] == [39, 39]
    assert lines[2] == "\u6771\u4eac" + " " * 10 + "d" + " " * 24 + "z"  # wide characters count double
    assert columns([["1", "a"], ["100", "b"]], align=">") == ["  1  a", "100  b"]
    assert columns([]) == []

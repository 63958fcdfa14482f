"""Contradictions (projections.families.stances): only the voices that speak for a side count, the
side itself and its officials; an analyst, an expert, a journalist or a think tank affiliated to a
state is not that state disagreeing with itself (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_projections import ev, statement

from projections.families.stances import speaks_for_side
from projections.records import Ev
from projections.replay import replay_track
from projections.state import ActorInfo, TrackState
from run_cli import tracker

CAST = [
    ev("actor_described", actor="lavrov", name="Sergei Lavrov", kind="person", role="Russian Foreign Minister",
       affiliation="rus"),
    ev("actor_described", actor="peskov", name="Dmitry Peskov", kind="person", role="Kremlin spokesman",
       affiliation="rus"),
    ev("actor_described", actor="markov", name="Sergei Markov", kind="person",
       role="Pro-government Russian political analyst", affiliation="rus"),
    ev("actor_described", actor="riac", name="RIAC", kind="think_tank", affiliation="rus"),
    ev("actor_described", actor="rt", name="RT", kind="media", affiliation="rus"),
    ev("actor_described", actor="ru-mfa", name="Russian MFA", kind="organisation", affiliation="rus"),
]


def state_of(*events: Ev) -> TrackState:
    state = replay_track([*CAST, *events], "t")
    assert state is not None
    return state


@pytest.mark.parametrize("speaker", ["markov", "riac", "rt"])
def test_an_analyst_a_think_tank_or_a_journalist_of_a_state_is_not_its_voice(speaker: str) -> None:
    official = statement("lavrov", "talks", "supports", "2025-02-18", on_behalf_of="rus")
    other = statement(speaker, "talks", "neutral", "2025-02-19")
    state = state_of(official, other)
    assert state.contradictions == ()
    # Each still holds its own cell of the positions matrix.
    assert {(s.actor, s.stance) for s in state.stances} == {("rus", "supports"), (speaker, "neutral")}


def test_officials_of_one_side_that_differ_still_contradict() -> None:
    minister = statement("lavrov", "talks", "supports", "2025-02-18")
    spokesman = statement("peskov", "talks", "opposes", "2025-02-19")
    ministry = statement("ru-mfa", "talks", "conditional", "2025-02-20")
    analyst = statement("markov", "talks", "neutral", "2025-02-20")
    (c,) = state_of(minister, spokesman, ministry, analyst).contradictions
    assert c.side == "rus"
    assert [v.speaker for v in c.voices] == ["lavrov", "peskov", "ru-mfa"]


def test_an_analyst_speaking_on_behalf_of_the_state_is_taken_at_the_logs_word() -> None:
    # A statement logged as made for the state is the state's: the rule reads the cell's actor.
    minister = statement("lavrov", "talks", "supports", "2025-02-18", on_behalf_of="rus")
    said_for_rus = statement("markov", "talks", "opposes", "2025-02-19", on_behalf_of="rus")
    (c,) = state_of(minister, said_for_rus).contradictions
    assert {v.speaker for v in c.voices} == {"lavrov", "markov"}


@pytest.mark.parametrize(("kind", "role", "counts"), [
    ("person", "President of Russia", True),
    ("person", "US special envoy on Ukraine", True),
    ("person", "Kremlin foreign policy adviser to Putin", True),
    ("person", "US National Security Adviser", True),
    ("person", "Russian Deputy Foreign Minister", True),
    ("person", "Pro-government Russian political analyst", False),
    ("person", "Fox News White House correspondent", False),
    ("person", "Co-chair, Belfer Center task force on a European pillar", False),
    ("person", "Former foreign minister, now an expert at a think tank", False),
    ("person", None, True),  # no role known: the log's affiliation is taken at its word
    ("organisation", "US foreign ministry", True),
    ("think_tank", None, False),
    ("media", "state broadcaster", False),
])
def test_the_rule_of_who_speaks_for_a_side(kind: str, role: str | None, counts: bool) -> None:
    info = ActorInfo(id="x", name="X", kind=kind, role=role, affiliation="rus")
    assert speaks_for_side("x", "rus", info) is counts
    assert speaks_for_side("rus", "rus", None)  # the side itself always does


def test_the_demo_no_longer_counts_markov_as_russia(demo_db: Path) -> None:
    run = tracker("status", "ukraine-settlement", db=demo_db)
    assert run.returncode == 0, run.stderr
    contradictions = run.stdout.split("\nContradictions\n", 1)[1].split("\n\n", 1)[0]
    assert "Markov" not in contradictions and "Russia on talks-process" not in contradictions
    assert "United States on ukraine-participation" in contradictions  # two officials: still shown
    history = tracker("stances", "ukraine-settlement", "--issue", "talks-process", db=demo_db).stdout
    assert "Sergei Markov on talks-process: neutral" in history  # his stance is kept, as his own

"""projections.provenance: every event behind a fact, replayed on demand beside the fold, with what
each did to it (sets, corroborates, superseded), at any moment and after retractions."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from test_projections import ev, statement
from test_projections_logs import PROFILE, as_evs, logs, moments

from projections.family import side_of
from projections.moment import Moment
from projections.provenance import Traced, record, trace
from projections.records import Ev
from projections.replay import prepare, registry, state_from_facts, tracks_of


def traced(events: list[Ev], field: str, rest: list[str], moment: Moment = Moment(), track: str = "t") -> list[Traced]:
    facts = prepare(events, moment)
    state = state_from_facts(facts, track, moment)
    assert state is not None
    items = {"stances": state.stances, "parties": state.parties, "observers": state.observers}[field]
    keys = ("actor", "issue")[:len(rest)]
    ids = tuple(i for item in items if [getattr(item, k) for k in keys] == rest for i in item.event_ids)
    mine = [e for e in facts if track in e.body["tracks"]]
    found = registry(facts)
    return trace(field, rest, ids, mine, record(mine, track), lambda a: side_of(a, found))


def roles(found: list[Traced]) -> list[tuple[str, str]]:
    return [(t.role, t.event.id) for t in found]


def test_a_stance_names_every_statement_of_that_side_on_that_issue() -> None:
    first = statement("rus", "nato", "supports", "2025-02-10")
    second = statement("lavrov", "nato", "opposes", "2025-02-12", on_behalf_of="rus")
    third = statement("rus", "nato", "opposes", "2025-02-14")
    other = statement("rus", "sanctions", "opposes", "2025-02-13")
    log = [third, first, other, second]  # logged in any order: listed by date
    assert roles(traced(log, "stances", ["rus", "nato"])) == [
        ("superseded", first.id), ("corroborates", second.id), ("sets", third.id)]
    # As it stood on 12 Feb: the third had not happened yet.
    assert roles(traced(log, "stances", ["rus", "nato"], Moment(as_of=date(2025, 2, 12)))) == [
        ("superseded", first.id), ("sets", second.id)]
    # Retracted, the third is no support: the second sets the stance again.
    retraction = ev("retraction", "2025-02-20", target=third.id, reason="misattributed")
    assert roles(traced([*log, retraction], "stances", ["rus", "nato"])) == [
        ("superseded", first.id), ("sets", second.id)]


def test_the_seats_of_a_side_are_every_meeting_and_agreement_that_seated_it() -> None:
    talks = ev("meeting_held", "2025-02-11", meeting="m1", title="Talks", participants=["rubio", "lavrov"])
    call = ev("meeting_held", "2025-02-12", meeting="m2", title="Call", participants=["usa", "rus"], kind="contact")
    deal = ev("agreement_reached", "2025-02-18", agreement="a1", title="Deal", parties=["usa", "rus"])
    rubio = ev("actor_described", "2025-02-01", actor="rubio", name="Marco Rubio", kind="person", affiliation="usa")
    found = traced([rubio, talks, call, deal], "parties", ["usa"])
    assert roles(found) == [("corroborates", talks.id), ("sets", deal.id)]  # a contact seats no one


def _stances_traced_match_the_log(bodies: list[dict[str, Any]], moment: Moment) -> None:
    facts = prepare(as_evs(bodies), moment)
    found = registry(facts)
    for track in tracks_of(facts):
        state = state_from_facts(facts, track, moment)
        if state is None:
            continue
        mine = [e for e in facts if track in e.body["tracks"]]
        notes = record(mine, track)
        for s in state.stances:
            result = trace("stances", [s.actor, s.issue], s.event_ids, mine, notes, lambda a: side_of(a, found))
            said = [e for e in mine if e.type == "statement_made" and e.body["issue"] == s.issue
                    and (e.body.get("on_behalf_of") or e.body["speaker"]) == s.actor]
            assert sorted(t.event.id for t in result) == sorted(e.id for e in said)
            assert [t.event.id for t in result if t.role == "sets"] == [s.event_id]
            assert result[-1].event.id == s.event_id  # nothing later than what sets it
            for t in result:
                if t.role != "sets":
                    assert (t.role == "corroborates") == (t.event.body["stance"] == s.stance)
        for p in state.parties:
            result = trace("parties", [p.actor], p.event_ids, mine, notes, lambda a: side_of(a, found))
            assert [t.event.id for t in result if t.role == "sets"] == list(p.event_ids)
            assert all(t.role == "corroborates" for t in result if t.role != "sets")


@PROFILE
@given(logs(min_size=30, max_size=80), moments())  # long enough for a side to speak twice
def test_traces_of_generated_logs_name_every_statement_and_seat(bodies: list[dict[str, Any]], moment: Moment) -> None:
    _stances_traced_match_the_log(bodies, moment)


def test_an_observer_stands_on_the_talks_it_observed_not_on_what_it_said() -> None:
    talks = ev("meeting_held", "2025-02-11", meeting="m1", title="Talks", participants=["usa", "rus"],
               observers=["tur"], kind="talks")
    said = statement("tur", "nato", "supports", "2025-02-12")
    assert roles(traced([talks, said], "observers", ["tur"])) == [("sets", talks.id)]

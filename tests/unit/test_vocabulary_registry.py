"""What a new event type must not be able to miss: the places that derive from the vocabulary, and
guards that fail loudly where something must still be done by hand."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_projections_logs import FACT_KINDS, _fields

from events import EVENT_ADAPTER, EVENT_TYPES, new_id
from events.types import actor_fields, type_fields
from projections.families import FAMILIES
from projections.fold import FOLD_VERSION, empty
from projections.records import AMENDMENT_TYPES
from projections.state import LIST_FIELDS, Change, TrackState
from tracker.forms import Draft, build_event, field_specs


def test_the_registry_is_the_union() -> None:
    union = {cls.model_fields["type"].default for cls in EVENT_TYPES.values()}
    assert set(EVENT_TYPES) == union and len(EVENT_TYPES) == 35
    for name, cls in EVENT_TYPES.items():
        assert cls.model_fields["type"].default == name


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_fields_that_name_actors_are_marked_in_the_vocabulary(event_type: str) -> None:
    """Actor fields come from the types (ActorId / Actors), not from a list kept by hand: a form
    offers actor ids there, and logging puts their values in `actors`."""
    marked = actor_fields(event_type)
    assert {s.name for s in field_specs(event_type) if s.names_actors} == set(marked)
    for name in type_fields(event_type):
        if name in {"speaker", "on_behalf_of", "claimant", "mediator", "publisher", "host", "participants",
                    "towards", "seat_for", "excluded", "by", "between", "proposer", "parties", "authors"}:
            assert name in marked, (event_type, name)


def test_every_field_says_what_it_holds() -> None:
    """`tracker log TYPE --help` and the form's placeholders read a field's docstring: a field added
    without one would be a bare flag a new user has to guess."""
    bare = [(t, s.name) for t in EVENT_TYPES for s in field_specs(t) if not s.description.strip()]
    assert bare == []


def test_logging_puts_every_actor_named_in_a_field_in_actors() -> None:
    event = build_event(Draft(
        type="analysis_published", when="2025-02-18", summary="ECFR commentary", tracks=["european-role"],
        fields={"authors": "grand", "publisher": "ecfr", "title": "Act with unity"}))
    assert set(event.actors) == {"grand", "ecfr"}
    event = build_event(Draft(
        type="statement_made", when="2025-02-18", summary="Lavrov", tracks=["ukraine-settlement"],
        fields={"speaker": "lavrov", "on_behalf_of": "rus", "towards": "eu, ukr", "issue": "ceasefire",
                "stance": "opposes"}))
    assert event.actors == ["lavrov", "rus", "eu", "ukr"]
    assert EVENT_ADAPTER.validate_python(event.model_dump(mode="json")) == event


def test_the_projection_property_tests_generate_every_fact_type() -> None:
    """tests/unit/test_projections_logs.py checks the read model against the reference replay on
    generated logs: a type missing from its generator would never be checked."""
    assert set(FACT_KINDS) == set(EVENT_TYPES) - AMENDMENT_TYPES


@pytest.mark.parametrize("event_type", sorted(set(EVENT_TYPES) - AMENDMENT_TYPES))
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_the_property_tests_generate_valid_events_of_every_fact_type(event_type: str, data: st.DataObject) -> None:
    """A type without a hand-written case in the generator gets fields derived from its model
    (events.examples): they must make a valid event, or the type is never checked."""
    earlier = {"id": new_id(), "type": "statement_made"}
    fields = _fields(event_type, data.draw, [earlier])
    assert fields is not None
    body = {"id": new_id(), "type": event_type, "occurred": {"earliest": "2025-02-03", "latest": "2025-02-03",
            "precision": "day"}, "tracks": ["t-one"], "summary": "s", **fields}
    EVENT_ADAPTER.validate_python(body)


@pytest.mark.parametrize("event_type", sorted(set(EVENT_TYPES) - AMENDMENT_TYPES))
def test_every_fact_type_belongs_to_a_family(event_type: str) -> None:
    """A fact reaches the views through its family (projections.families): folded into a slot of
    the accumulator, or part of an entity. A type no family takes would be logged and never shown."""
    folded = {t for f in FAMILIES for t in f.folds}
    of_entity = {t for f in FAMILIES if f.entity for t in f.entity.ids}
    assert event_type in folded | of_entity


def test_each_family_owns_its_slots() -> None:
    """Every slot of the accumulator belongs to one family (or to the counters every track has)."""
    owned = [name for f in FAMILIES for name in f.slots]
    assert len(owned) == len(set(owned))
    assert set(empty("t")) == set(owned) | {"track", "n", "types", "last", "days"}


def test_the_fold_version_is_bumped_with_the_accumulator_layout() -> None:
    """A stored read model is rebuilt only when FOLD_VERSION changes: a new slot in the accumulator
    without a bump makes every existing database fail on it. Change both, then this pin."""
    assert (FOLD_VERSION, sorted(empty("t"))) == (6, [
        "agenda", "claimants", "days", "excluded", "first_seat", "hosted", "last", "left", "n", "offers", "opened",
        "presence", "roles", "seats", "stance_log", "stances", "status", "track", "types", "voices"])


def test_a_list_row_keeps_only_the_list_fields() -> None:
    """A new TrackState field is detail (left out of the list of tracks) unless LIST_FIELDS says so."""
    assert LIST_FIELDS <= set(TrackState.model_fields)
    full = TrackState(track="t", title="T", agenda=("ceasefire",), uncertain_count=2, event_count=5)
    row = full.list_row()
    assert (row.agenda, row.uncertain_count, row.event_count, row.detail) == ((), 0, 5, False)


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_a_change_can_be_named_after_its_event_type_without_a_change_kind(event_type: str) -> None:
    """A new type's change in `diff` named after the type needs no entry in projections.state.ChangeKind;
    a kind that is neither is refused, so a misspelt one fails the first diff that makes it."""
    assert Change(kind=event_type, description="d").kind == event_type
    with pytest.raises(ValueError, match="no kind of change"):
        Change(kind=event_type + "_typo", description="d")

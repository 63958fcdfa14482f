"""The fact families, registered in one place. Each module holds how its events fold, freeze into
the TrackState and differ between two states (see projections.family); the generic fold, freeze
and diff run them in this order (the order of a diff's changes)."""

from __future__ import annotations

from dataclasses import dataclass

from projections.families import (
    actors,
    agenda,
    agreements,
    ceasefires,
    claims,
    deadlines,
    delegations,
    grades,
    meetings,
    proposals,
    red_lines,
    sanctions,
    stances,
    table,
    track,
)
from projections.family import Family


@dataclass(frozen=True)
class Reference:
    """A field of an event type that names a thing which must be in the log already: the ceasefire a
    violation is reported of, the deadline extended or met, the agreement ratified, the proposal
    answered or revised. Checked when an event is logged (tracker log); an import takes a log in any
    order, and views say what a thing named without its first event is (an orphan)."""

    field: str  # of the event naming it: "ceasefire"
    kind: str  # the entity: "ceasefire"
    opened_by: tuple[str, ...]  # the types that bring one into the log: ("ceasefire_declared",)
    key: str  # their field that names it: "ceasefire"

    @property
    def verb(self) -> str:
        """How one comes into the log: 'declared', 'reached or signed'."""
        return " or ".join(t.split("_", 1)[1] for t in self.opened_by)


def _references() -> dict[str, tuple[Reference, ...]]:
    """Event type -> what it names that must exist: every type of an entity that is not one that
    opens it, and the fields a family names (NAMED_BY: a proposal's `revises`)."""
    out: dict[str, list[Reference]] = {}
    for module in (agreements, ceasefires, deadlines, proposals):
        entity = module.ENTITY
        named = {t: name for t, name in entity.ids.items() if t not in module.OPENED_BY}
        named.update(getattr(module, "NAMED_BY", {}))
        for event_type, name in named.items():
            out.setdefault(event_type, []).append(
                Reference(name, entity.kind, module.OPENED_BY, entity.ids[module.OPENED_BY[0]]))
    return {t: tuple(refs) for t, refs in out.items()}


REFERENCES: dict[str, tuple[Reference, ...]] = _references()

FAMILIES: tuple[Family, ...] = (
    track.FAMILY, table.FAMILY, agenda.FAMILY, stances.FAMILY, proposals.FAMILY, agreements.FAMILY,
    meetings.FAMILY, claims.FAMILY, actors.FAMILY,
    delegations.FAMILY, red_lines.FAMILY, ceasefires.FAMILY, sanctions.FAMILY, deadlines.FAMILY, grades.FAMILY,
)

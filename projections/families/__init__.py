"""The fact families, registered in one place. Each module holds how its events fold, freeze into
the TrackState and differ between two states (see projections.family); the generic fold, freeze
and diff run them in this order (the order of a diff's changes)."""

from __future__ import annotations

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

FAMILIES: tuple[Family, ...] = (
    track.FAMILY, table.FAMILY, agenda.FAMILY, stances.FAMILY, proposals.FAMILY, agreements.FAMILY,
    meetings.FAMILY, claims.FAMILY, actors.FAMILY,
    delegations.FAMILY, red_lines.FAMILY, ceasefires.FAMILY, sanctions.FAMILY, deadlines.FAMILY, grades.FAMILY,
)

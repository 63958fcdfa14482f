"""Outlets graded (source_graded): how reliable each outlet is. Not shown per track: like the
actors' registry, the grades hold log-wide (projections.grades; Tracker.grades)."""

from __future__ import annotations

from projections.family import Entity, Family

ENTITY = Entity("outlet", ids={"source_graded": "outlet"})

FAMILY = Family("grades", entity=ENTITY)

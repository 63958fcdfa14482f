"""Timelines: events in the order they happened, by (occurred.earliest, log position).

An imprecisely dated event ("week of 10 Feb", "Feb 2025") is placed at the first day it may have
happened and keeps its interval label, so the reader sees it is approximate; viewed as of a day
inside its interval it is flagged `uncertain`. Corrections and retractions are applied, not
listed (they are record-keeping; `tracker events` shows them), and descriptions of actors are not
happenings either.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from events.occurred import Occurred
from projections.entities import Claims, claim_status, uncertain
from projections.records import Ev
from projections.state import TimelineEntry

NOT_HAPPENINGS = frozenset({"actor_described", "correction", "retraction"})


def in_range(ev: Ev, date_from: date | None, date_to: date | None) -> bool:
    """Whether the event may have happened within [date_from, date_to] (interval overlap)."""
    occ = ev.body["occurred"]
    if date_from is not None and occ["latest"] < date_from.isoformat():
        return False
    return date_to is None or occ["earliest"] <= date_to.isoformat()


def entry(ev: Ev, claims: Claims, as_of: date | None) -> TimelineEntry:
    b = ev.body
    return TimelineEntry(
        position=ev.position, event_id=b["id"], type=b["type"], occurred=Occurred.model_validate(b["occurred"]),
        uncertain=uncertain(b["occurred"], as_of), tracks=tuple(b["tracks"]), actors=tuple(b.get("actors") or ()),
        summary=b["summary"], claim_status=claim_status(b["id"], b.get("status", "confirmed"), claims),
        corrected=ev.corrected, sources=tuple(s["outlet"] for s in b.get("sources") or ()),
    )


def timeline(facts: Iterable[Ev], claims: Claims, track: str | None = None, as_of: date | None = None,
             date_from: date | None = None, date_to: date | None = None, limit: int | None = None) -> list[TimelineEntry]:
    """Prepared facts (projections.replay.prepare) -> timeline entries; `limit` keeps the latest."""
    chosen = [e for e in facts if e.body["type"] not in NOT_HAPPENINGS
              and (track is None or track in e.body["tracks"]) and in_range(e, date_from, date_to)]
    chosen.sort(key=lambda e: (e.body["occurred"]["earliest"], e.position))
    if limit is not None:
        chosen = chosen[-limit:] if limit > 0 else []
    return [entry(e, claims, as_of) for e in chosen]

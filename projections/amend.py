"""Corrections and retractions: record-keeping acts, resolved before any fold.

A correction or retraction says something about the *record*, not about the world, so it lives on
the transaction-time axis only: "as we knew it on K" honours exactly the corrections and
retractions recorded by K, whatever date they carry in `occurred`; "as it stood on D" does not
filter them by D (a correction logged on 19 Feb of an event of 10 Feb fixes what we say about
10 Feb).

Rules:
- a retracted event contributes nothing, anywhere;
- a corrected event contributes its corrected content ({**original, **changes}, several
  corrections applied in the order they were recorded); a correction whose result would not be a
  valid event is ignored;
- a retraction of a correction withdraws the correction; a retraction of a retraction restores
  its target; corrections of corrections or retractions are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from events.types import corrected
from projections.records import AMENDMENT_TYPES, Ev


@dataclass
class Amendments:
    retracted: set[str] = field(default_factory=set)
    corrections: dict[str, list[Ev]] = field(default_factory=dict)  # target id -> in recorded order
    withdrawn: set[str] = field(default_factory=set)  # every retracted event, record-keeping acts too

    def targets(self) -> set[str]:
        return self.retracted | set(self.corrections)


def resolve(amendments: Iterable[Ev], known_at: str | None = None) -> Amendments:
    """Which events are retracted and which corrections hold, as known at `known_at` (text)."""
    acts = [a for a in amendments if known_at is None or a.recorded_at <= known_at]
    by_id = {a.id: a for a in acts}
    retractors: dict[str, list[Ev]] = {}
    for a in acts:
        if a.type == "retraction":
            retractors.setdefault(a.body["target"], []).append(a)

    memo: dict[str, bool] = {}

    def withdrawn(event_id: str) -> bool:
        # Retracted by at least one retraction that is itself in force. Targets always precede
        # their retractions in the log, so there are no cycles.
        if event_id not in memo:
            memo[event_id] = any(not withdrawn(r.id) for r in retractors.get(event_id, ()))
        return memo[event_id]

    out = Amendments()
    for target in retractors:
        if withdrawn(target):
            out.withdrawn.add(target)
            if target not in by_id:
                out.retracted.add(target)
    for a in sorted(acts, key=lambda a: (a.recorded_at, a.position)):
        if a.type != "correction" or withdrawn(a.id):
            continue
        target = a.body["target"]
        if target in by_id:
            continue  # corrections of record-keeping acts are not meaningful
        out.corrections.setdefault(target, []).append(a)
    return out


def amend(ev: Ev, amendments: Amendments) -> Ev | None:
    """The event as the record stands: None if retracted, else in its corrected form."""
    eid = ev.body["id"]
    if eid in amendments.retracted:
        return None
    fixes = amendments.corrections.get(eid)
    if not fixes:
        return ev
    body = ev.body
    changed = False
    for fix in fixes:
        try:
            body = corrected(body, fix.body["changes"]).model_dump(mode="json")
        except ValidationError:
            continue  # an invalid correction changes nothing; it stays visible in the log
        body["recorded_at"] = ev.body.get("recorded_at")
        changed = True
    return Ev(ev.position, body, True) if changed else ev


def split(events: Iterable[Ev]) -> tuple[list[Ev], list[Ev]]:
    """(facts, record-keeping acts)."""
    facts: list[Ev] = []
    acts: list[Ev] = []
    for ev in events:
        (acts if ev.body["type"] in AMENDMENT_TYPES else facts).append(ev)
    return facts, acts

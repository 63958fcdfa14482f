"""Freezing: an accumulator (projections.fold) and a track's entities -> an immutable TrackState.

Who sits where, decided here from the latest facts (all by sort key):
- Actors are grouped into *sides*: a person or organisation with an affiliation (rubio -> usa)
  counts for its affiliation; everyone else is their own side.
- A side is AT THE TABLE if it took part in a meeting held or is party to an agreement on the
  track, and that presence is later than any exclusion of it and any demand of a seat for it
  (someone demanding a seat for you means you are not at the table yet).
- A side is EXCLUDED if it was excluded (party_excluded) and is not at the table since.
- SEAT DEMANDS list, per claimant, the sides it demands a seat for that are not at the table.
- MEDIATORS are those who offered mediation or to host (offered=True), and hosts of meetings
  held on the track that are not themselves at the table (offered=False).
- OBSERVERS are sides that spoke on the track (statements, analysis) and are none of the above.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from operator import attrgetter
from typing import Any

from events.occurred import Occurred
from projections import entities as ent
from projections.fold import EID, OCCURRED, SEP, STATUS, VALUES, Acc, slot_key, slot_status
from projections.records import Ev
from projections.state import (
    ActorInfo,
    Dated,
    Exclusion,
    Mediator,
    Observer,
    Participant,
    SeatDemand,
    Stance,
    TrackState,
)
from projections.trend import trend

Groups = Mapping[str, Mapping[str, Sequence[Ev]]]  # kind -> entity id -> events


_key = slot_key
_occ = ent.occ_of
_STANCES: dict[tuple[str, str, str, bool], Stance] = {}


def side_of(actor: str, registry: Mapping[str, ActorInfo]) -> str:
    info = registry.get(actor)
    if info is not None and info.affiliation and info.kind != "state":
        return info.affiliation
    return actor


class _Sides(dict[str, str]):
    """actor -> side_of(actor), filled in as actors are asked for."""

    def __init__(self, registry: Mapping[str, ActorInfo]) -> None:
        super().__init__()
        self.registry = registry

    def __missing__(self, actor: str) -> str:
        found = self[actor] = side_of(actor, self.registry)
        return found


def freeze(
    acc: Acc,
    groups: Groups,
    claims: ent.Claims,
    registry: Mapping[str, ActorInfo],
    *,
    as_of: date | None = None,
    today: date | None = None,
    label: str = "now",
    targets: Mapping[str, Ev] | None = None,
) -> TrackState:
    """The state of one track. `groups` holds (at least) the entities `entities.select` picks.

    `today` decides which meetings are upcoming (default: `as_of`); the trend is measured up to
    `as_of`, or up to the last activity when viewing "now".
    """
    today = today or as_of
    track = acc["track"]

    def status_of(slot: Sequence[Any]) -> str:
        return ent.claim_status(slot[EID], slot_status(slot), claims)

    as_of_text = as_of.isoformat() if as_of else None

    def unsure(slot: Sequence[Any]) -> bool:
        # The compact date's latest day is its second part ('E~L~P'), else the day itself.
        if as_of_text is None:
            return False
        text = slot[OCCURRED]
        return (text.split("~")[1] if "~" in text else text[:10]) > as_of_text

    # A busy track names the same few hundred actors in thousands of slots: decide each side once.
    side = _Sides(registry).__getitem__

    # -- title and status ------------------------------------------------------------------
    opened, changed = acc["opened"], acc["status"]
    status_ids: tuple[str, ...] = ()
    title, description, status, since, reason = track, None, "exploratory", None, None
    if opened:
        title, description, status = opened[VALUES], opened[VALUES + 1], opened[VALUES + 2]
        since, status_ids = opened[OCCURRED], (opened[EID],)
    if changed and (not opened or _key(changed) > _key(opened)):
        status, reason, since, status_ids = changed[VALUES], changed[VALUES + 1], changed[OCCURRED], (changed[EID],)

    # -- sides: presence, exclusion, seat demands --------------------------------------------
    present: dict[str, list[Any]] = {}  # side -> latest presence slot
    delegates: dict[str, set[str]] = {}
    for actor, slot in acc["presence"].items():
        s = side(actor)
        if s not in present or _key(slot) > _key(present[s]):
            present[s] = slot
        if actor != s:
            delegates.setdefault(s, set()).add(actor)
    excluded: dict[str, list[Any]] = {}  # side -> latest exclusion slot
    excluders: dict[str, list[tuple[str, list[Any]]]] = {}  # side -> [(excluder side, slot)]
    for name, slot in acc["excluded"].items():
        actor, excluder = name.split(SEP, 1)
        s = side(actor)
        if s not in excluded or _key(slot) > _key(excluded[s]):
            excluded[s] = slot
        excluders.setdefault(s, []).append((side(excluder) if excluder else "", slot))
    seat_for: dict[str, list[Any]] = {}  # side -> latest demand slot for it
    seats = [(claimant, actor, slot) for name, slot in acc["seats"].items()
             for claimant, actor in (name.split(SEP, 1),)]
    for _, actor, slot in seats:
        s = side(actor)
        if s not in seat_for or _key(slot) > _key(seat_for[s]):
            seat_for[s] = slot

    def at_table(s: str) -> bool:
        p = present.get(s)
        if p is None:
            return False
        return all(_key(p) > _key(other[s]) for other in (excluded, seat_for) if s in other)

    table = sorted(s for s in present if at_table(s))
    table_set = set(table)
    parties = tuple(
        Participant.fast(actor=s, occurred=_occ(present[s][OCCURRED]), uncertain=unsure(present[s]),
                    event_ids=(present[s][EID],), delegates=tuple(sorted(delegates.get(s, ()))))
        for s in table
    )
    exclusions = []
    for s, slot in sorted(excluded.items()):
        if s in table_set:
            continue
        # The latest exclusion of the side by each excluder: the side is not at the table now.
        standing = sorted(excluders[s], key=lambda it: (_key(it[1]), it[1][VALUES + 1], it[0]))
        exclusions.append(Exclusion.fast(
            actor=s, by=tuple(dict.fromkeys(b for b, _ in standing if b)), reason=slot[VALUES],
            occurred=_occ(slot[OCCURRED]), uncertain=unsure(slot),
            event_ids=tuple(dict.fromkeys(it[1][EID] for it in standing)),
        ))
    by_claimant: dict[str, list[tuple[str, list[Any]]]] = {}
    for claimant, actor, slot in seats:
        if side(actor) not in table_set:
            by_claimant.setdefault(claimant, []).append((actor, slot))
    seat_demands = []
    for claimant, items in sorted(by_claimant.items()):
        items.sort(key=lambda it: (_key(it[1]), it[1][VALUES], it[0]))
        last = items[-1][1]
        seat_demands.append(SeatDemand.fast(
            claimant=claimant, seat_for=tuple(dict.fromkeys(a for a, _ in items)),
            summary=acc["claimants"][claimant][VALUES] if claimant in acc["claimants"] else "",
            claim_status=status_of(last), occurred=_occ(last[OCCURRED]), uncertain=unsure(last),
            event_ids=tuple(dict.fromkeys(s[EID] for _, s in items)),
        ))

    # -- mediators and observers ---------------------------------------------------------------
    mediators: list[Mediator] = []
    mediator_sides: set[str] = set()
    for actor, slot in sorted(acc["offers"].items()):
        mediators.append(Mediator.fast(actor=actor, role=slot[VALUES], venue=slot[VALUES + 1],
                                  between=tuple(slot[VALUES + 2]), offered=True, occurred=_occ(slot[OCCURRED]),
                                  uncertain=unsure(slot), event_ids=(slot[EID],)))
        mediator_sides.add(side(actor))
    for host, slot in sorted(acc["hosted"].items()):
        s = side(host)
        if s in table_set or s in mediator_sides:
            continue
        mediators.append(Mediator.fast(actor=host, role="host", venue=slot[VALUES + 1] or slot[VALUES], offered=False,
                                  occurred=_occ(slot[OCCURRED]), uncertain=unsure(slot), event_ids=(slot[EID],)))
        mediator_sides.add(s)
    others = table_set | set(excluded) | mediator_sides | set(seat_for)
    observed: dict[str, list[Any]] = {}
    for actor, slot in acc["voices"].items():
        s = side(actor)
        if s in others:
            continue
        if s not in observed or _key(slot) > _key(observed[s]):
            observed[s] = slot
    observers = tuple(Observer.fast(actor=s, occurred=_occ(slot[OCCURRED]), uncertain=unsure(slot), event_ids=(slot[EID],))
                      for s, slot in sorted(observed.items()))

    # -- agenda and stances ----------------------------------------------------------------------
    agenda_items = sorted(acc["agenda"].items(), key=lambda kv: (_key(kv[1]), kv[0]))
    stances = []
    for name, slot in acc["stances"].items():
        # The same statement seen the same way is the same (immutable) Stance: reuse it, so a
        # track with thousands of positions is frozen quickly again and again. The key holds the
        # content too: a correction changes it under the same event id.
        eid = slot[EID]
        own = slot[STATUS] or "confirmed"  # (slot_status, inlined: a busy track has thousands)
        claim, unsure_now = ent.claim_status(eid, own, claims) if eid in claims else own, unsure(slot)
        key = (name, eid, claim, unsure_now, slot[OCCURRED], *slot[VALUES:VALUES + 4])
        found = _STANCES.get(key)
        if found is None:
            actor, issue = name.split(SEP, 1)
            if len(_STANCES) > 200_000:
                _STANCES.clear()
            found = _STANCES[key] = Stance.fast(
                actor=actor, issue=issue, stance=slot[VALUES], speaker=slot[VALUES + 1], quote=slot[VALUES + 2],
                summary=slot[VALUES + 3] or "", claim_status=claim, event_id=slot[EID],
                occurred=_occ(slot[OCCURRED]), uncertain=unsure_now, event_ids=(slot[EID],),
            )
        stances.append(found)
    stances.sort(key=attrgetter("issue", "actor"))

    # -- entities ----------------------------------------------------------------------------------
    def chosen(kind: str) -> list[tuple[str, Sequence[Ev]]]:
        found = groups.get(kind, {})
        return [(eid, found[eid]) for eid in ent.select(found, kind)]

    meetings = [m for mid, evs in chosen("meeting") if (m := ent.meeting(mid, evs, claims, as_of, today))]
    meetings.sort(key=lambda m: (_first_day(m.occurred or m.planned), m.meeting))
    upcoming = sorted((m for m in meetings if m.upcoming), key=lambda m: (m.planned.earliest, m.meeting))  # type: ignore[union-attr]
    proposals = [p for pid, evs in chosen("proposal") if (p := ent.proposal(pid, evs, claims, as_of))]
    proposals.sort(key=lambda p: (p.occurred.earliest if p.occurred else date.min, p.proposal))
    agreements = [a for aid, evs in chosen("agreement") if (a := ent.agreement(aid, evs, claims, as_of))]
    agreements.sort(key=lambda a: (a.occurred.earliest if a.occurred else date.min, a.agreement))
    denied = [d for target, evs in chosen("claim") if (d := ent.denied_claim(target, evs, targets or {}, as_of))]
    denied.sort(key=lambda d: (d.occurred.earliest if d.occurred else date.min, d.target))

    last = acc["last"]
    ref = as_of or (date.fromisoformat(last[OCCURRED][:10]) if last else None)
    facts: list[Dated] = [*parties, *exclusions, *seat_demands, *mediators, *observers, *stances, *meetings,
                          *proposals, *agreements]
    return TrackState.fast(
        track=track, title=title, description=description, status=status, status_since=_occ(since),
        status_reason=reason, status_event_ids=status_ids,
        status_claim=ent.claim_status(status_ids[0], slot_status(changed if status_ids and changed and status_ids[0] == changed[EID]
                                                                 else opened), claims) if status_ids else "confirmed",
        parties=parties, observers=observers, mediators=tuple(mediators), seat_demands=tuple(seat_demands),
        excluded=tuple(exclusions), agenda=tuple(k for k, _ in agenda_items),
        agenda_event_ids=tuple(dict.fromkeys(v[1] for _, v in agenda_items)),
        stances=tuple(stances), proposals=tuple(proposals), agreements=tuple(agreements), meetings=tuple(meetings),
        next_meeting=upcoming[0] if upcoming else None, denied=tuple(denied),
        last_activity=_occ(last[OCCURRED]) if last else None, last_activity_event_ids=(last[EID],) if last else (),
        trend=trend(acc["days"], ref), event_count=acc["n"],
        uncertain_count=sum(1 for f in facts if f.uncertain),
        as_of=as_of, moment=label,
    )


def needed_ids(acc: Acc) -> set[str]:
    """Event ids whose claim status the frozen state will show."""
    ids: set[str] = set()
    for name in ("opened", "status"):
        if acc[name]:
            ids.add(acc[name][EID])
    for name in ("stances", "claimants"):
        ids.update(slot[EID] for slot in acc[name].values())
    return ids


def _first_day(occ: Occurred | None) -> date:
    return occ.earliest if occ is not None else date.min

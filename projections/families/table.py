"""Who sits where: at the table, excluded, demanding a seat, mediating or hosting, observing.

Decided from the latest facts (all by sort key):
- Actors are grouped into *sides* (family.side_of): a person or organisation with an affiliation
  (rubio -> usa) counts for its affiliation; everyone else is their own side.
- A side is AT THE TABLE if it took part in a meeting held or is party to an agreement on the
  track (TABLE_TYPES), and that presence is later than any exclusion of it and any demand of a
  seat for it (someone demanding a seat for you means you are not at the table yet).
- A side is EXCLUDED if it was excluded (party_excluded) and is not at the table since.
- SEAT DEMANDS list, per claimant, the sides it demands a seat for that are not at the table.
- MEDIATORS are those who offered mediation or to host (offered=True), and hosts of meetings
  held on the track that are not themselves at the table (offered=False).
- OBSERVERS are sides that spoke on the track (statements, analysis) and are none of the above.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from projections.facts import EID, OCCURRED, SEP, VALUES, Acc, Key, occ_of, put, slot_key
from projections.family import Context, Family, Part, keyed, when
from projections.records import Body
from projections.state import (
    Change,
    Exclusion,
    Mediator,
    Observer,
    Participant,
    SeatDemand,
    TrackState,
)

# Event types that put their actors at the table: the field that names them.
TABLE_TYPES = {"meeting_held": "participants", "agreement_reached": "parties"}


# -- fold -------------------------------------------------------------------------------------------
def _at_table(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    for actor in b.get(TABLE_TYPES[b["type"]]) or ():
        put(acc["presence"], actor, key, head)
    if b.get("host"):
        put(acc["hosted"], b["host"], key, head, b.get("title", ""), b.get("location"))


def _excluded(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    for actor in b.get("excluded") or ():
        for i, excluder in enumerate(b.get("by") or ("",)):
            put(acc["excluded"], actor + SEP + excluder, key, head, b.get("reason"), i)


def _seat(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    for i, actor in enumerate(b.get("seat_for") or ()):
        put(acc["seats"], b["claimant"] + SEP + actor, key, head, i)
    put(acc["claimants"], b["claimant"], key, head, b["summary"])


def _offer(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    put(acc["offers"], b["mediator"], key, head, b.get("role") or "mediator", b.get("venue"),
        list(b.get("between") or ()))


def _statement(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    actor = b.get("on_behalf_of") or b["speaker"]
    put(acc["voices"], actor, key, head)
    if b["speaker"] != actor:
        put(acc["voices"], b["speaker"], key, head)


def _analysis(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    for actor in dict.fromkeys([b["publisher"], *(b.get("authors") or ())]):
        put(acc["voices"], actor, key, head)


# -- freeze -----------------------------------------------------------------------------------------
def _freeze(acc: Acc, ctx: Context) -> Part:
    side, unsure, _key, _occ = ctx.side, ctx.unsure, slot_key, occ_of
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
            claim_status=ctx.status_of(last), occurred=_occ(last[OCCURRED]), uncertain=unsure(last),
            event_ids=tuple(dict.fromkeys(s[EID] for _, s in items)),
        ))

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
    observers = tuple(Observer.fast(actor=s, occurred=_occ(slot[OCCURRED]), uncertain=unsure(slot),
                                    event_ids=(slot[EID],))
                      for s, slot in sorted(observed.items()))
    return Part(
        {"parties": parties, "observers": observers, "mediators": tuple(mediators),
         "seat_demands": tuple(seat_demands), "excluded": tuple(exclusions)},
        [*parties, *exclusions, *seat_demands, *mediators, *observers],
    )


def _claim_ids(acc: Acc) -> Iterable[str]:
    return [slot[EID] for slot in acc["claimants"].values()]


def _actors(acc: Acc) -> Iterable[str]:
    actors: set[str] = set()
    for name in ("presence", "offers", "hosted", "voices"):
        actors.update(acc[name])
    for name in ("excluded", "seats"):
        for key in acc[name]:
            actors.update(a for a in key.split(SEP) if a)
    return actors


# -- diff -------------------------------------------------------------------------------------------
def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    pa, pb = keyed(a.parties, lambda p: p.actor), keyed(b.parties, lambda p: p.actor)
    for actor in sorted(pb.keys() - pa.keys()):
        yield Change(kind="party_joined", subject=actor, description=f"{actor} at the table "
                     f"({when(pb[actor].occurred)})", event_ids=pb[actor].event_ids)
    for actor in sorted(pa.keys() - pb.keys()):
        yield Change(kind="party_left", subject=actor, description=f"{actor} no longer at the table",
                     event_ids=pa[actor].event_ids)
    ea, eb = keyed(a.excluded, lambda e: e.actor), keyed(b.excluded, lambda e: e.actor)
    for actor in sorted(eb.keys() - ea.keys()):
        x = eb[actor]
        yield Change(kind="excluded", subject=actor, description=f"{actor} excluded"
                     + (f" by {', '.join(x.by)}" if x.by else "") + (f": {x.reason}" if x.reason else ""),
                     event_ids=x.event_ids)
    for actor in sorted(ea.keys() - eb.keys()):
        if actor in pb:
            yield Change(kind="readmitted", subject=actor, description=f"{actor} back at the table",
                         event_ids=pb[actor].event_ids)
    sa = {(d.claimant, s) for d in a.seat_demands for s in d.seat_for}
    for d in b.seat_demands:
        new = [s for s in d.seat_for if (d.claimant, s) not in sa]
        if new:
            yield Change(kind="seat_demand", subject=d.claimant,
                         description=f"{d.claimant} demands a seat for {', '.join(new)}", event_ids=d.event_ids)
    ma = {(m.actor, m.offered) for m in a.mediators}
    for m in b.mediators:
        if (m.actor, m.offered) not in ma:
            what = f"offers to act as {m.role}" if m.offered else "hosts talks"
            yield Change(kind="mediator", subject=m.actor, description=f"{m.actor} {what}"
                         + (f" ({m.venue})" if m.venue else ""), event_ids=m.event_ids)
    oa = {o.actor for o in a.observers}
    for o in b.observers:
        if o.actor not in oa:
            yield Change(kind="observer", subject=o.actor, description=f"{o.actor} speaks on the track",
                         event_ids=o.event_ids)


FAMILY = Family(
    "table",
    slots={
        "presence": dict,  # actor -> [..]  latest time at the table (meeting held, agreement)
        "excluded": dict,  # actor SEP excluder -> [.., reason, rank in `by`]  latest exclusion of actor by excluder
        "seats": dict,  # claimant SEP actor -> [.., rank in `seat_for`]  latest demand of a seat for actor
        "claimants": dict,  # claimant -> [.., summary]  latest seat demand by claimant
        "offers": dict,  # mediator -> [.., role, venue, between]  latest offer
        "hosted": dict,  # host -> [.., title, location]  latest meeting hosted
        "voices": dict,  # actor -> [..]  latest statement / analysis
    },
    folds={**dict.fromkeys(TABLE_TYPES, _at_table), "party_excluded": _excluded, "seat_demanded": _seat,
           "mediation_offered": _offer, "statement_made": _statement, "analysis_published": _analysis},
    freeze=_freeze, diff=_diff, claim_ids=_claim_ids, actors=_actors,
    scores={"mediation_offered": 1, "party_excluded": -2, "seat_demanded": -1},
)

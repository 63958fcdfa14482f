"""Who sits where: at the table, left, excluded, demanding a seat, mediating or hosting, observing.

Decided from the latest facts (all by sort key):
- Actors are grouped into *sides* (family.side_of): a person or organisation with an affiliation
  (rubio -> usa) counts for its affiliation; everyone else is their own side.
- A side is SEATED by the parties of the negotiation (SEATS): those who joined as a party
  (party_joined, role "party"), who took part in talks held on the track as a negotiating party
  (the participants of a meeting_held whose kind is "talks" or not given; not its mediators or
  observers, not its host unless a participant, and no one at a "consultation" among one side's
  allies, a "conference" or a "contact" about talks, such as a leaders' call agreeing to negotiate), and the parties to an agreement (agreement_reached, or its
  signatories, agreement_signed).
- A side is AT THE TABLE if it is seated and its latest seat is later than any exclusion of it,
  any demand of a seat for it (someone demanding a seat for you means you are not at the table
  yet) and any departure of it.
- A side DEPARTS (LEFT, with the reason) when it leaves the talks (party_left), or withdraws from
  an agreement (agreement_withdrawn) when that agreement is what seated it: its latest seat is
  that agreement and nothing later seated it again (taking part in talks after signing keeps it
  at the table when it withdraws from the agreement). A withdrawal that takes effect later
  (`effective`) departs from that date on (the moment viewed, else today).
- Legacy logs: a party_excluded whose excluder is the excluded side itself (a self-exclusion,
  how leaving was logged before party_left existed) is read here as leaving, with its reason. The
  stored event is not rewritten: the log keeps what was logged, only this projection reads it so.
- A side is EXCLUDED if it was excluded by others (party_excluded) and is neither at the table
  nor left since.
- SEAT DEMANDS list, per claimant, the sides it demands a seat for that are not at the table.
- MEDIATORS are those who offered mediation or to host (offered=True); those who took part in
  talks as mediators or joined the table as mediators (role "mediator", offered=False); and hosts
  of talks held on the track that are not themselves at the table (role "host", offered=False).
  Hosts of consultations and conferences are not mediators of the negotiation.
- OBSERVERS are sides that took part in talks held on the track as observers or joined as observers
  (role "observer"), and are none of the above: the formal role only. Speaking about the track
  (statements, analysis) makes no one an observer (their stances are the stances family's).
  A mediator's or an observer's role ends when it leaves (party_left).
- A party's SINCE is the first seat of its current stretch at the table: its first seat ever, when
  no exclusion, demand of a seat for it or departure came after that (else not known: None; the
  fold keeps each actor's first and latest seat, not every one).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from projections.facts import EID, OCCURRED, SEP, VALUES, Acc, Key, first, occ_of, put, slot_key
from projections.family import Context, Family, Part, keyed, when
from projections.records import Body
from projections.state import (
    Change,
    Departure,
    Exclusion,
    Mediator,
    Observer,
    Participant,
    SeatDemand,
    TrackState,
)

# Event types that seat their actors at the table as parties: the field that names them.
SEATS = {"meeting_held": "participants", "agreement_reached": "parties", "agreement_signed": "signatories",
         "party_joined": "parties"}
# Kinds of meeting that seat their participants (None: logged before meetings had a kind).
TALKS = (None, "talks")


# -- fold -------------------------------------------------------------------------------------------
def _seated(acc: Acc, actor: str, key: Key, head: list[Any], via: str, detail: str | None) -> None:
    """A seat as a party: the latest (what the table is decided from) and the first (when it joined)."""
    put(acc["presence"], actor, key, head, via, detail)
    first(acc["first_seat"], actor, key, head)


def _meeting(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    if b.get("kind") not in TALKS:  # a consultation, conference or contact: seats no one
        return
    roles = {actor: role for role in ("mediator", "observer") for actor in b.get(role + "s") or ()}
    for actor in b.get("participants") or ():
        if actor not in roles:
            _seated(acc, actor, key, head, "meeting", None)
    for actor, role in roles.items():
        put(acc["roles"], actor, key, head, role, b.get("location") or b.get("title"), None)
    if b.get("host"):
        put(acc["hosted"], b["host"], key, head, b.get("title", ""), b.get("location"))


def _agreement(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    for actor in b.get(SEATS[b["type"]]) or ():
        _seated(acc, actor, key, head, "agreement", b["agreement"])


def _joined(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    role = b.get("role") or "party"
    for actor in b.get("parties") or ():
        if role == "party":
            _seated(acc, actor, key, head, "joined", b.get("reason"))
        else:
            put(acc["roles"], actor, key, head, role, None, b.get("reason"))


def _left(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    for actor in b.get("parties") or ():
        put(acc["left"], actor + SEP, key, head, b.get("reason"), None)


def _withdrawn(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    effective = b.get("effective")
    put(acc["left"], b["party"] + SEP + b["agreement"], key, head, b.get("reason"),
        effective["earliest"] if effective else None)


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
def _latest(into: dict[str, list[Any]], s: str, slot: list[Any]) -> None:
    if s not in into or slot_key(slot) > slot_key(into[s]):
        into[s] = slot


def _freeze(acc: Acc, ctx: Context) -> Part:
    side, unsure, _key, _occ = ctx.side, ctx.unsure, slot_key, occ_of
    present: dict[str, list[Any]] = {}  # side -> latest seat
    delegates: dict[str, set[str]] = {}
    for actor, slot in acc["presence"].items():
        s = side(actor)
        _latest(present, s, slot)
        if actor != s:
            delegates.setdefault(s, set()).add(actor)
    excluded: dict[str, list[Any]] = {}  # side -> latest exclusion by others
    excluders: dict[str, list[tuple[str, list[Any]]]] = {}  # side -> [(excluder side, slot)]
    # side -> latest departure: [slot, reason, agreement]; left of its own accord (`left`), and a
    # legacy self-exclusion (see the module's docstring)
    departed: dict[str, tuple[list[Any], str | None, str | None]] = {}

    def depart(s: str, slot: list[Any], reason: str | None, agreement: str | None) -> None:
        if s not in departed or _key(slot) > _key(departed[s][0]):
            departed[s] = (slot, reason, agreement)

    for name, slot in acc["excluded"].items():
        actor, excluder = name.split(SEP, 1)
        s = side(actor)
        if excluder and side(excluder) == s:
            depart(s, slot, slot[VALUES], None)
            continue
        _latest(excluded, s, slot)
        excluders.setdefault(s, []).append((side(excluder) if excluder else "", slot))
    moment = ctx.as_of or ctx.today
    now = moment.isoformat() if moment else None
    for name, slot in acc["left"].items():
        actor, agreement = name.split(SEP, 1)
        s = side(actor)
        if agreement:  # a withdrawal: leaves the table only if that agreement seated it, and nothing since
            seat = present.get(s)
            effective = slot[VALUES + 1]
            if (seat is None or seat[VALUES] != "agreement" or seat[VALUES + 1] != agreement
                    or _key(slot) < _key(seat) or (effective and now and effective > now)):
                continue
        depart(s, slot, slot[VALUES], agreement or None)
    seat_for: dict[str, list[Any]] = {}  # side -> latest demand slot for it
    seats = [(claimant, actor, slot) for name, slot in acc["seats"].items()
             for claimant, actor in (name.split(SEP, 1),)]
    for _, actor, slot in seats:
        _latest(seat_for, side(actor), slot)

    first_seat: dict[str, list[Any]] = {}  # side -> its first seat (of any of its actors)
    for actor, slot in acc["first_seat"].items():
        s = side(actor)
        if s not in first_seat or _key(slot) < _key(first_seat[s]):
            first_seat[s] = slot

    def since(s: str) -> list[Any] | None:
        """The first seat of the side's current stretch at the table, if it is its first seat ever."""
        found = first_seat.get(s)
        breaks = [other[s] for other in (excluded, seat_for) if s in other] + ([departed[s][0]] if s in departed else [])
        return found if found is not None and all(_key(found) > _key(b) for b in breaks) else None

    def at_table(s: str) -> bool:
        p = present.get(s)
        if p is None:
            return False
        return (all(_key(p) > _key(other[s]) for other in (excluded, seat_for) if s in other)
                and (s not in departed or _key(p) > _key(departed[s][0])))

    table = sorted(s for s in present if at_table(s))
    table_set = set(table)
    parties = tuple(
        Participant.fast(actor=s, occurred=_occ(present[s][OCCURRED]), uncertain=unsure(present[s]),
                         event_ids=(present[s][EID],), delegates=tuple(sorted(delegates.get(s, ()))),
                         reason=present[s][VALUES + 1] if present[s][VALUES] == "joined" else None,
                         **({"since": _occ(f[OCCURRED]), "since_event_ids": (f[EID],)} if (f := since(s)) else {}))
        for s in table
    )
    # Left: departed since its last seat and since any exclusion (a later exclusion is an exclusion).
    left_sides = {s for s, (slot, _, _) in departed.items()
                  if s not in table_set and (s not in excluded or _key(slot) > _key(excluded[s]))}
    departures = tuple(
        Departure.fast(actor=s, reason=departed[s][1], agreement=departed[s][2],
                       occurred=_occ(departed[s][0][OCCURRED]), uncertain=unsure(departed[s][0]),
                       event_ids=(departed[s][0][EID],))
        for s in sorted(left_sides)
    )
    exclusions = []
    for s, slot in sorted(excluded.items()):
        if s in table_set or s in left_sides:
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

    # Mediators and observers by role (took part in talks as one, or joined as one), until they leave.
    roles: dict[str, dict[str, tuple[str, list[Any]]]] = {"mediator": {}, "observer": {}}
    for actor, slot in acc["roles"].items():
        s = side(actor)
        if s in table_set or (s in departed and _key(departed[s][0]) > _key(slot)):
            continue
        found = roles[slot[VALUES]]
        if s not in found or _key(slot) > _key(found[s][1]):
            found[s] = (actor, slot)
    mediators: list[Mediator] = []
    mediator_sides: set[str] = set()
    for actor, slot in sorted(acc["offers"].items()):
        mediators.append(Mediator.fast(actor=actor, role=slot[VALUES], venue=slot[VALUES + 1],
                                       between=tuple(slot[VALUES + 2]), offered=True, occurred=_occ(slot[OCCURRED]),
                                       uncertain=unsure(slot), event_ids=(slot[EID],)))
        mediator_sides.add(side(actor))
    for _, (actor, slot) in sorted(roles["mediator"].items()):
        mediators.append(Mediator.fast(actor=actor, role="mediator", venue=slot[VALUES + 1], offered=False,
                                       occurred=_occ(slot[OCCURRED]), uncertain=unsure(slot), event_ids=(slot[EID],)))
        mediator_sides.add(side(actor))
    for host, slot in sorted(acc["hosted"].items()):
        s = side(host)
        if s in table_set or s in mediator_sides:
            continue
        mediators.append(Mediator.fast(actor=host, role="host", venue=slot[VALUES + 1] or slot[VALUES], offered=False,
                                       occurred=_occ(slot[OCCURRED]), uncertain=unsure(slot), event_ids=(slot[EID],)))
        mediator_sides.add(s)
    others = table_set | set(excluded) | left_sides | mediator_sides | set(seat_for)
    formal = {s: slot for s, (_, slot) in roles["observer"].items() if s not in others}
    observers = tuple(
        Observer.fast(actor=s, role="observer", occurred=_occ(slot[OCCURRED]), uncertain=unsure(slot),
                      event_ids=(slot[EID],)) for s, slot in sorted(formal.items()))
    return Part(
        {"parties": parties, "observers": observers, "mediators": tuple(mediators),
         "seat_demands": tuple(seat_demands), "excluded": tuple(exclusions), "left": departures},
        [*parties, *departures, *exclusions, *seat_demands, *mediators, *observers],
    )


def _claim_ids(acc: Acc) -> Iterable[str]:
    return [slot[EID] for slot in acc["claimants"].values()]


def _actors(acc: Acc) -> Iterable[str]:
    actors: set[str] = set()
    for name in ("presence", "offers", "hosted", "voices", "roles"):  # first_seat: the same actors as presence
        actors.update(acc[name])
    for name in ("excluded", "seats"):
        for key in acc[name]:
            actors.update(a for a in key.split(SEP) if a)
    actors.update(key.split(SEP, 1)[0] for key in acc["left"])
    return actors


# -- diff -------------------------------------------------------------------------------------------
def _because(reason: str | None) -> str:
    return f": {reason}" if reason else ""


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    pa, pb = keyed(a.parties, lambda p: p.actor), keyed(b.parties, lambda p: p.actor)
    la, lb = keyed(a.left, lambda d: d.actor), keyed(b.left, lambda d: d.actor)
    title = {g.agreement: g.title for g in b.agreements}.get  # an agreement withdrawn from, by its title
    for actor in sorted(pb.keys() - pa.keys()):
        p = pb[actor]
        # When it joined: the first seat of its stretch at the table, not its latest seat (talks it
        # took part in since). Back after leaving or an exclusion, that first seat is not kept.
        what = (f"joined the table as a party ({when(p.since)})" if p.since else
                f"back at the table as a party (last seated {when(p.occurred)})")
        yield Change(kind="party_joined", subject=actor, description=f"{actor} {what}{_because(p.reason)}",
                     event_ids=tuple(dict.fromkeys((*p.since_event_ids, *p.event_ids))))
    for actor in sorted((pa.keys() - pb.keys()) | {d for d in lb if d not in pb and (d not in la
                                                                                     or la[d].event_ids != lb[d].event_ids)}):
        d = lb.get(actor)
        if d is not None:
            what = f"withdrew from {title(d.agreement, d.agreement)}, " if d.agreement else ""
            yield Change(kind="party_left", subject=actor, description=f"{actor} left the table ({what}"
                         f"{when(d.occurred)}){_because(d.reason)}", event_ids=d.event_ids)
        else:
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
    for sd in b.seat_demands:
        new = [s for s in sd.seat_for if (sd.claimant, s) not in sa]
        if new:
            yield Change(kind="seat_demand", subject=sd.claimant,
                         description=f"{sd.claimant} demands a seat for {', '.join(new)}", event_ids=sd.event_ids)
    ma = {(m.actor, m.offered, m.role) for m in a.mediators}
    for m in b.mediators:
        if (m.actor, m.offered, m.role) not in ma:
            what = (f"offers to act as {m.role}" if m.offered else "hosts talks" if m.role == "host"
                    else f"at the table as {m.role}")
            yield Change(kind="mediator", subject=m.actor, description=f"{m.actor} {what}"
                         + (f" ({m.venue})" if m.venue else ""), event_ids=m.event_ids)
    oa = {(o.actor, o.role) for o in a.observers}
    for o in b.observers:
        if (o.actor, o.role) not in oa:
            yield Change(kind="observer", subject=o.actor, description=f"{o.actor} at the table as observer",
                         event_ids=o.event_ids)


FAMILY = Family(
    "table",
    slots={
        "presence": dict,  # actor -> [.., via, agreement or reason]  latest seat as a party (SEATS)
        "first_seat": dict,  # actor -> [..]  first seat as a party (SEATS): when it joined
        "roles": dict,  # actor -> [.., role, venue, reason]  latest role as mediator / observer at the table
        "left": dict,  # actor SEP agreement ("" for party_left) -> [.., reason, effective]  latest departure
        "excluded": dict,  # actor SEP excluder -> [.., reason, rank in `by`]  latest exclusion of actor by excluder
        "seats": dict,  # claimant SEP actor -> [.., rank in `seat_for`]  latest demand of a seat for actor
        "claimants": dict,  # claimant -> [.., summary]  latest seat demand by claimant
        "offers": dict,  # mediator -> [.., role, venue, between]  latest offer
        "hosted": dict,  # host -> [.., title, location]  latest talks hosted
        "voices": dict,  # actor -> [..]  latest statement / analysis (whose sides are looked up; no seat, no role)
    },
    folds={"meeting_held": _meeting, "agreement_reached": _agreement, "agreement_signed": _agreement,
           "party_joined": _joined, "party_left": _left, "agreement_withdrawn": _withdrawn,
           "party_excluded": _excluded, "seat_demanded": _seat,
           "mediation_offered": _offer, "statement_made": _statement, "analysis_published": _analysis},
    freeze=_freeze, diff=_diff, claim_ids=_claim_ids, actors=_actors,
    scores={"mediation_offered": 1, "party_excluded": -2, "seat_demanded": -1, "party_joined": 1,
            "party_left": -1},
)

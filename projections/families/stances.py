"""Stances: who supports, opposes or sets conditions on which issue (statement_made).

The rule of who holds a stance:
- a cell of the positions matrix is an actor (the statement's on_behalf_of, else its speaker) x
  an issue, and shows the latest statement made for that actor, whoever spoke (`stances` slot);
- every statement stays in its cell's dated history (`stance_log` slot: compact entries
  [position, event id, claim status, occurred, stance, speaker], in sort-key order), so a view
  can show a shift (`Stance.previous`: the stance before the last change) and the whole history
  (`Stance.history`, event ids; `Tracker.stance_history` builds the rich entries when asked);
- a voice is one speaker for one actor; each voice holds the stance of its own latest statement
  until it speaks again. Voices of the same side (`family.side_of`: an envoy and a ministry
  affiliated to one state, or two officials speaking for it) whose held stances differ on an issue
  are a `Contradiction` (a denied statement holds nothing). So two officials speaking for one state
  share one cell (the latest wins) but are still seen to disagree. Only voices that speak for
  their side count (`speaks_for_side`): an analyst, an expert or a journalist affiliated to a
  state is not that state disagreeing with itself.
Retracted statements never reach the fold (projections.amend), so they drop out of the history;
the fold only sees the statements of the moment viewed, so the history is cut there too.
"""

from __future__ import annotations

import re
from bisect import insort
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

from projections.facts import (
    EID,
    OCCURRED,
    SEP,
    STATUS,
    VALUES,
    Acc,
    Key,
    claim_status,
    occ_of,
    put,
    slot_key,
)
from projections.family import Context, Family, Part
from projections.records import Body
from projections.state import (
    ActorInfo,
    Change,
    Contradiction,
    Stance,
    TrackState,
    Voice,
    shift_direction,
)

STANCE, SPEAKER = VALUES, VALUES + 1  # in a stance_log entry, after the slot head

# Frozen stances, shared while the same statement is seen the same way (see _freeze); bounded by
# the event ids their histories hold, so a huge log cannot grow it without end.
_STANCES: dict[tuple[Any, ...], Stance] = {}
_HELD = [0]
_HELD_LIMIT = 500_000


def _statement(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    # actor SEP issue -> [.., stance, speaker, quote, summary if no quote]  latest
    name = (b.get("on_behalf_of") or b["speaker"]) + SEP + b["issue"]
    quote = b.get("quote")
    put(acc["stances"], name, key, head, b["stance"], b["speaker"], quote, None if quote else b["summary"])
    # The history, in sort-key order whatever order the events come in (snapshots compose).
    insort(acc["stance_log"].setdefault(name, []), [*head, b["stance"], b["speaker"]], key=slot_key)


def _previous(log: Sequence[Sequence[Any]]) -> str | None:
    """The stance before the last change in a cell's history; None if it never changed."""
    if not log:
        return None
    latest = log[-1][STANCE]
    return next((entry[STANCE] for entry in reversed(log) if entry[STANCE] != latest), None)


def _freeze(acc: Acc, ctx: Context) -> Part:
    claims, unsure = ctx.claims, ctx.unsure
    logs: dict[str, list[list[Any]]] = acc["stance_log"]
    cache = _STANCES
    stances = []
    for name, slot in acc["stances"].items():
        # The same statement seen the same way is the same (immutable) Stance: reuse it, so a
        # track with thousands of positions is frozen quickly again and again. The key holds the
        # content too (the whole slot): a correction changes it under the same event id.
        eid = slot[EID]
        own = slot[STATUS] or "confirmed"  # (slot_status, inlined: a busy track has thousands)
        claim = claim_status(eid, own, claims) if eid in claims else own
        unsure_now = unsure(slot)
        log = logs.get(name, ())
        history = tuple([entry[EID] for entry in log])
        previous = _previous(log) if len(log) > 1 else None
        key = (name, claim, unsure_now, history, previous, *slot)
        found = cache.get(key)
        if found is None:
            actor, issue = name.split(SEP, 1)
            _HELD[0] += len(history)
            if _HELD[0] > _HELD_LIMIT:
                cache.clear()
                _HELD[0] = len(history)
            found = cache[key] = Stance.fast(
                actor=actor, issue=issue, stance=slot[VALUES], speaker=slot[VALUES + 1], quote=slot[VALUES + 2],
                summary=slot[VALUES + 3] or "", claim_status=claim, event_id=eid,
                occurred=occ_of(slot[OCCURRED]), uncertain=unsure_now, event_ids=(eid,),
                previous=previous, history=history,
            )
        stances.append(found)
    stances.sort(key=attrgetter("issue", "actor"))
    return Part({"stances": tuple(stances), "contradictions": _contradictions(logs, ctx)}, stances)


# Who speaks for a side, by the actor's description (actor_described: kind, role). Kinds that never
# do; words of a role that make a person (or a body) an official voice, and words that do not.
NOT_OFFICIAL_KINDS = frozenset({"think_tank", "media"})
_OFFICIAL_ROLE = re.compile(
    r"\b(president|vice[- ]president|prime minister|premier|chancellor|head of (state|government)|king|queen|"
    r"emir|crown prince|minist(er|ry)|secretary|envoy|ambassador|spokes(man|woman|person)|press secretary|"
    r"advis[eo]r|delegat(e|ion)|negotiator|representative|foreign office|state department|government|"
    r"commission|council|cabinet|kremlin|white house)\b", re.IGNORECASE)
_UNOFFICIAL_ROLE = re.compile(
    r"\b(analyst|expert|journalist|correspondent|commentator|columnist|reporter|editor|scholar|researcher|"
    r"academic|professor|fellow|panelist|author|think[- ]tank|pundit|blogger|former)\b", re.IGNORECASE)


def speaks_for_side(actor: str, side: str, info: ActorInfo | None) -> bool:
    """Whether a statement made for `actor` is its side's voice: the side itself (a state speaking,
    or a statement made on its behalf), or an official of it (a head of state or government, a
    minister or ministry, an envoy, a spokesperson, a delegation). Think tanks and media are never
    its voice, nor anyone whose role names them an analyst, expert, journalist ...; a person whose
    role is given but names no office is not either. A person described with no role at all is
    taken at the log's word (affiliated: of that side), as is a body of the side (a ministry)."""
    if actor == side:
        return True
    if info is None or info.kind in NOT_OFFICIAL_KINDS:
        return False
    role = (info.role or "").strip()
    if _UNOFFICIAL_ROLE.search(role):
        return False
    return info.kind != "person" or not role or bool(_OFFICIAL_ROLE.search(role))


_VOICES: dict[tuple[Any, ...], Voice] = {}  # frozen voices, shared as _STANCES are (bounded the same way)


def _contradictions(logs: dict[str, list[list[Any]]], ctx: Context) -> tuple[Contradiction, ...]:
    claims = ctx.claims
    # (side, issue) -> the histories of the cells whose actor speaks for the side. A busy track
    # has thousands of cells, few of them sharing a side and an issue: only those are looked into.
    cells: dict[tuple[str, str], list[tuple[str, list[list[Any]]]]] = {}
    sides: dict[str, str | None] = {}  # actor -> its side, None if it does not speak for it
    for name, log in logs.items():
        actor, issue = name.split(SEP, 1)
        if actor in sides:
            side = sides[actor]
        else:
            side = sides[actor] = ctx.side(actor)
            if not speaks_for_side(actor, side, ctx.registry.get(actor)):
                sides[actor] = side = None
        if side is not None:
            cells.setdefault((side, issue), []).append((actor, log))
    out = []
    for (side, issue), found in cells.items():
        if len(found) == 1 and len(found[0][1]) < 2:
            continue  # one statement: nothing to disagree with
        # [(actor, speaker, that voice's latest statement, its claim status)]
        voices: list[tuple[str, str, list[Any], str]] = []
        for actor, log in found:
            # Oldest first: the latest statement of each speaker stays.
            for speaker, entry in {entry[SPEAKER]: entry for entry in log}.items():
                eid = entry[EID]
                own = entry[STATUS] or "confirmed"
                claim = claim_status(eid, own, claims) if eid in claims else own
                if claim != "denied":  # a denied statement holds nothing
                    voices.append((actor, speaker, entry, claim))
        if len(voices) < 2 or len({entry[STANCE] for _, _, entry, _ in voices}) < 2:
            continue
        voices.sort(key=lambda v: (v[0], v[1]))
        members = tuple(_voice(actor, speaker, entry, claim, ctx) for actor, speaker, entry, claim in voices)
        out.append(Contradiction.fast(side=side, issue=issue, voices=members,
                                      event_ids=tuple(v.event_ids[0] for v in members)))
    out.sort(key=attrgetter("issue", "side"))
    return tuple(out)


def _voice(actor: str, speaker: str, entry: list[Any], claim: str, ctx: Context) -> Voice:
    unsure = ctx.unsure(entry)
    key = (actor, speaker, claim, unsure, *entry)
    found = _VOICES.get(key)
    if found is None:
        if len(_VOICES) > _HELD_LIMIT:
            _VOICES.clear()
        found = _VOICES[key] = Voice.fast(actor=actor, speaker=speaker, stance=entry[STANCE], claim_status=claim,
                                          occurred=occ_of(entry[OCCURRED]), uncertain=unsure, event_ids=(entry[EID],))
    return found


def _claim_ids(acc: Acc) -> Iterable[str]:
    ids = [slot[EID] for slot in acc["stances"].values()]
    for log in acc["stance_log"].values():  # each voice's latest (a denied one is no contradiction)
        ids += [entry[EID] for entry in {entry[SPEAKER]: entry for entry in log}.values()]
    return ids


def _actors(acc: Acc) -> Iterable[str]:
    return {name.split(SEP, 1)[0] for name in acc["stances"]}


_TOWARDS = {"up": " (towards support)", "down": " (away from support)"}


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = {(s.actor, s.issue): s for s in a.stances}
    for s in b.stances:
        old = before.get((s.actor, s.issue))
        quote = f": \u201c{s.quote}\u201d" if s.quote else ""
        if old is None:
            yield Change(kind="stance_new", subject=f"{s.actor}/{s.issue}",
                         description=f"{s.actor} {s.stance} {s.issue}{quote}", event_ids=s.event_ids)
        elif old.stance != s.stance:
            towards = _TOWARDS.get(shift_direction(old.stance, s.stance) or "", "")
            yield Change(kind="stance_changed", subject=f"{s.actor}/{s.issue}",
                         description=f"{s.actor} on {s.issue}: shifted {old.stance} -> {s.stance}{towards}{quote}",
                         event_ids=(*old.event_ids, *s.event_ids))


_STANCE = {"supports": 1, "opposes": -1}

FAMILY = Family(
    "stances",
    slots={"stances": dict, "stance_log": dict},
    folds={"statement_made": _statement},
    freeze=_freeze, diff=_diff, claim_ids=_claim_ids, actors=_actors,
    scores={"statement_made": lambda b: _STANCE.get(b.get("stance", ""), 0)},
)

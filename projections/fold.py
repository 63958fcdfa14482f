"""The fold: events of one track -> an accumulator of keyed facts (plain JSON-able dicts).

ORDER-INSENSITIVE by construction: every fact is stored under a key (an actor, an issue, ...)
with the sort key (occurred.earliest, log position) of the event that established it, and a new
event replaces the fact only if its sort key is greater ("the latest wins"); first mentions keep
the smallest key; counters are sums. So folding the same set of events in any order gives the same
accumulator, and a snapshot plus the remaining events equals a fold from scratch, even when the
remaining events include back-dated ones logged later.

What the accumulator holds is bounded by the number of distinct actors and issues on a track, not
by the number of events: meetings, proposals, agreements and claim status changes, which grow
with the log, are folded per entity when a view needs them (projections.entities).

Claim status (reported / disputed / denied) never changes what the fold keeps: it is looked up
when the state is frozen for a view, so a denial logged later marks the fact as denied instead of
silently replacing it with an older one ("denied claims stay visible as denied, never as facts").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from projections.records import Ev
from projections.trend import score

Acc = dict[str, Any]
FOLD_VERSION = 3  # bump when the accumulator's layout changes: stored read models are then rebuilt
SEP = "\x1f"  # joins two slugs into one dict key; slugs cannot contain it

# Event types that put their actors at the table.
TABLE_TYPES = ("meeting_held", "agreement_reached")
# Event types that are not activity on the track (descriptions of the cast).
NOT_ACTIVITY = ("actor_described",)
# The parts of the accumulator a list of tracks needs (the rest is detail: who said what).
LIST_PARTS = ("track", "n", "types", "opened", "status", "last", "days")

# Every slot is [position, event id, claim status as logged ("" for confirmed), occurred, *values],
# `occurred` in compact text form (see occ_text); its sort key is (occurred.earliest, position).
POS, EID, STATUS, OCCURRED, VALUES = 0, 1, 2, 3, 4


def occ_text(occ: dict[str, Any]) -> str:
    """'2025-02-18', '2025-02-18T14:00:00' or '2025-02-10~2025-02-16~week': compact, sortable.
    An approximate or uncertain date adds its marks ('~a', '~u', '~au') and then its time."""
    flags = ("a" if occ.get("approximate") else "") + ("u" if occ.get("uncertain") else "")
    if occ["precision"] == "day" and not flags:
        return occ["earliest"] + ("T" + occ["time"] if occ.get("time") else "")
    text = f"{occ['earliest']}~{occ['latest']}~{occ['precision']}"
    if flags:
        text += f"~{flags}" + (f"~{occ['time']}" if occ.get("time") else "")
    return text


def occ_dict(text: str) -> dict[str, Any]:
    if "~" in text:
        earliest, latest, precision, *rest = text.split("~")
        flags = rest[0] if rest else ""
        return {"earliest": earliest, "latest": latest, "precision": precision,
                "time": rest[1] if len(rest) > 1 else None,
                "approximate": "a" in flags, "uncertain": "u" in flags}
    day, _, at = text.partition("T")
    return {"earliest": day, "latest": day, "precision": "day", "time": at or None}


def slot_key(slot: Sequence[Any]) -> tuple[str, int]:
    return slot[OCCURRED][:10], slot[POS]


def slot_status(slot: Sequence[Any]) -> str:
    return slot[STATUS] or "confirmed"


def empty(track: str) -> Acc:
    return {
        "track": track,
        "n": 0,  # events folded (facts, not record-keeping acts)
        "types": {},  # event type -> count
        "opened": None,  # [.., title, description, initial_status]  latest track_opened
        "status": None,  # [.., new_status, reason]  latest track_status_changed
        "agenda": {},  # issue -> [..]  first mention
        "stances": {},  # actor SEP issue -> [.., stance, speaker, quote, summary if no quote]  latest
        "presence": {},  # actor -> [..]  latest time at the table (meeting held, agreement)
        "excluded": {},  # actor SEP excluder -> [.., reason, rank in `by`]  latest exclusion of actor by excluder
        "seats": {},  # claimant SEP actor -> [.., rank in `seat_for`]  latest demand of a seat for actor
        "claimants": {},  # claimant -> [.., summary]  latest seat demand by claimant
        "offers": {},  # mediator -> [.., role, venue, between]  latest offer
        "hosted": {},  # host -> [.., title, location]  latest meeting hosted
        "voices": {},  # actor -> [..]  latest statement / analysis
        "last": None,  # [..]  latest activity
        "days": {},  # occurred.earliest day -> [score sum, events]  (for the trend)
    }


def _newer(slot: list[Any] | None, key: tuple[str, int]) -> bool:
    return slot is None or (slot[OCCURRED][:10], slot[POS]) < key


def _put(table: dict[str, Any], name: str, key: tuple[str, int], head: list[Any], *values: Any) -> None:
    slot = table.get(name)
    if slot is None or (slot[OCCURRED][:10], slot[POS]) < key:
        table[name] = [*head, *values]


def _first(table: dict[str, Any], name: str, key: tuple[str, int], head: list[Any]) -> None:
    slot = table.get(name)
    if slot is None or (slot[OCCURRED][:10], slot[POS]) > key:
        table[name] = head


def apply(acc: Acc, events: Iterable[Ev]) -> Acc:
    """Fold `events` (amended, already filtered to the moment and to this track) into `acc`.

    Mutates and returns `acc`; callers that keep a snapshot pass a copy.
    """
    track = acc["track"]
    types = acc["types"]
    days = acc["days"]
    put, first = _put, _first
    for ev in events:
        b = ev.body
        t = b["type"]
        occ = b["occurred"]
        earliest = occ["earliest"]
        key = (earliest, ev.position)
        status = b.get("status", "confirmed")
        head = [ev.position, b["id"], "" if status == "confirmed" else status, occ_text(occ)]
        acc["n"] += 1
        types[t] = types.get(t, 0) + 1
        if t not in NOT_ACTIVITY:
            if _newer(acc["last"], key):
                acc["last"] = head
            day = days.get(earliest)
            if day is None:
                day = days[earliest] = [0, 0]
            day[0] += score(b)
            day[1] += 1

        if t == "track_opened":
            if b["track"] == track:
                if _newer(acc["opened"], key):
                    acc["opened"] = [*head, b["title"], b.get("description"), b.get("initial_status") or "exploratory"]
                for issue in b.get("agenda") or ():
                    first(acc["agenda"], issue, key, head)
        elif t == "track_status_changed":
            if b["track"] == track and _newer(acc["status"], key):
                acc["status"] = [*head, b["new_status"], b.get("reason")]
        elif t == "statement_made":
            actor = b.get("on_behalf_of") or b["speaker"]
            quote = b.get("quote")
            put(acc["stances"], actor + SEP + b["issue"], key, head, b["stance"], b["speaker"], quote,
                None if quote else b["summary"])
            first(acc["agenda"], b["issue"], key, head)
            put(acc["voices"], actor, key, head)
            if b["speaker"] != actor:
                put(acc["voices"], b["speaker"], key, head)
        elif t == "analysis_published":
            for actor in dict.fromkeys([b["publisher"], *(b.get("authors") or ())]):
                put(acc["voices"], actor, key, head)
        elif t in TABLE_TYPES:
            names = b.get("participants") if t == "meeting_held" else b.get("parties")
            for actor in names or ():
                put(acc["presence"], actor, key, head)
            if b.get("host"):
                put(acc["hosted"], b["host"], key, head, b.get("title", ""), b.get("location"))
        elif t == "party_excluded":
            for actor in b.get("excluded") or ():
                for i, excluder in enumerate(b.get("by") or ("",)):
                    put(acc["excluded"], actor + SEP + excluder, key, head, b.get("reason"), i)
        elif t == "seat_demanded":
            for i, actor in enumerate(b.get("seat_for") or ()):
                put(acc["seats"], b["claimant"] + SEP + actor, key, head, i)
            put(acc["claimants"], b["claimant"], key, head, b["summary"])
        elif t == "mediation_offered":
            put(acc["offers"], b["mediator"], key, head, b.get("role") or "mediator", b.get("venue"),
                list(b.get("between") or ()))
    return acc


# What LIST_PARTS take from an event, for every type but these two (their title, status and reason
# are in the body): kept beside each fact in the read model's index, so a list of tracks folds
# without parsing events.
LIST_NEEDS_BODY = ("track_opened", "track_status_changed")
ListFact = tuple[int, str, str, str, str, str, int]  # position, earliest, type, id, status, occurred, score


def list_fact(ev: Ev) -> ListFact:
    b = ev.body
    occ = b["occurred"]
    status = b.get("status", "confirmed")
    return (ev.position, occ["earliest"], b["type"], b["id"], "" if status == "confirmed" else status,
            occ_text(occ), score(b))


def apply_list_facts(acc: Acc, facts: Iterable[ListFact]) -> Acc:
    """What `apply` does to the LIST_PARTS of `acc`, from the `list_fact`s of events of a type not
    in LIST_NEEDS_BODY (amended, filtered, as for `apply`). The other parts are untouched."""
    types = acc["types"]
    days = acc["days"]
    for position, earliest, t, eid, status, occ, points in facts:
        acc["n"] += 1
        types[t] = types.get(t, 0) + 1
        if t not in NOT_ACTIVITY:
            if _newer(acc["last"], (earliest, position)):
                acc["last"] = [position, eid, status, occ]
            day = days.get(earliest)
            if day is None:
                day = days[earliest] = [0, 0]
            day[0] += points
            day[1] += 1
    return acc


def fold(track: str, events: Iterable[Ev]) -> Acc:
    return apply(empty(track), events)

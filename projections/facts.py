"""What every fact family (projections.families) is written with: the accumulator's slots and their
compact dates, and claim status. Generic: it knows no event type.

A slot is [position, event id, claim status as logged ("" for confirmed), occurred, *values],
`occurred` in compact text form (see occ_text); its sort key is (occurred.earliest, position).
A family keeps its slots in dicts keyed by what they are about (an actor, an issue, ...): `put`
keeps the latest fact under a key, `first` the earliest, so a fold is order-insensitive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from events.occurred import Occurred
from projections.records import Ev
from projections.state import ClaimChange

Acc = dict[str, Any]
Key = tuple[str, int]  # (occurred.earliest, log position)
SEP = "\x1f"  # joins two slugs into one dict key; slugs cannot contain it

POS, EID, STATUS, OCCURRED, VALUES = 0, 1, 2, 3, 4


# -- slots ------------------------------------------------------------------------------------------
def occ_text(occ: Mapping[str, Any]) -> str:
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


def slot_key(slot: Sequence[Any]) -> Key:
    return slot[OCCURRED][:10], slot[POS]


def slot_status(slot: Sequence[Any]) -> str:
    return slot[STATUS] or "confirmed"


def newer(slot: list[Any] | None, key: Key) -> bool:
    return slot is None or (slot[OCCURRED][:10], slot[POS]) < key


def put(table: dict[str, Any], name: str, key: Key, head: list[Any], *values: Any) -> None:
    """Keep under `name` the latest fact (by sort key)."""
    slot = table.get(name)
    if slot is None or (slot[OCCURRED][:10], slot[POS]) < key:
        table[name] = [*head, *values]


def first(table: dict[str, Any], name: str, key: Key, head: list[Any]) -> None:
    """Keep under `name` the earliest fact (by sort key)."""
    slot = table.get(name)
    if slot is None or (slot[OCCURRED][:10], slot[POS]) > key:
        table[name] = head


# -- dates ------------------------------------------------------------------------------------------
_OCCURRED: dict[tuple[Any, ...], Occurred] = {}


def occ(data: Mapping[str, Any] | None) -> Occurred | None:
    """An Occurred from its JSON form; shared instances (they are immutable, and few are distinct)."""
    if not data:
        return None
    key = (data["earliest"], data["latest"], data["precision"], data.get("time"),
           data.get("approximate", False), data.get("uncertain", False))
    found = _OCCURRED.get(key)
    if found is None:
        if len(_OCCURRED) > 100_000:
            _OCCURRED.clear()
        found = _OCCURRED[key] = Occurred.model_validate(data)
    return found


_BY_TEXT: dict[str, Occurred] = {}


def occ_of(text: str | None) -> Occurred | None:
    """An Occurred from the accumulator's compact text form (occ_text)."""
    if not text:
        return None
    found = _BY_TEXT.get(text)
    if found is None:
        if len(_BY_TEXT) > 100_000:
            _BY_TEXT.clear()
        found = _BY_TEXT[text] = Occurred.model_validate(occ_dict(text))
    return found


def uncertain(occurred: Mapping[str, Any] | None, as_of: date | None) -> bool:
    """Counted as of `as_of` because it may have happened by then, but may also have happened later."""
    return bool(as_of is not None and occurred and occurred["latest"] > as_of.isoformat())


# -- claim status -----------------------------------------------------------------------------------
Claims = Mapping[str, Sequence[Ev]]  # target event id -> claim_status_changed events


def by_key(evs: Iterable[Ev]) -> list[Ev]:
    """Events in the order of facts: (occurred.earliest, position)."""
    return sorted(evs, key=lambda e: (e.body["occurred"]["earliest"], e.position))


def claim_status(ev_id: str, own: str, claims: Claims) -> str:
    """An event's effective claim status: that of the latest claim_status_changed targeting it
    (by sort key), else the status it was logged with."""
    changes = claims.get(ev_id)
    if not changes:
        return own
    return max(changes, key=lambda e: (e.body["occurred"]["earliest"], e.position)).body["new_status"]


def event_claim(ev: Ev, claims: Claims) -> str:
    """`ev`'s claim status as now known: as logged, or as a later claim_status_changed left it."""
    return claim_status(ev.id, ev.body.get("status", "confirmed"), claims)


def dated(ev: Ev, claims: Claims, as_of: date | None) -> dict[str, Any]:
    """What each dated step of an entity's history (an act on an agreement, an answer to a proposal,
    a change of sanctions...) takes from its event: its claim as now known, when, whether it may fall
    after `as_of`, and the event itself."""
    occurred = ev.body["occurred"]
    return {"claim_status": event_claim(ev, claims), "occurred": occ(occurred),
            "uncertain": uncertain(occurred, as_of), "event_ids": (ev.id,)}


def claim_history(ev: Ev, claims: Claims, as_of: date | None) -> tuple[ClaimChange, ...]:
    b = ev.body
    original = ClaimChange.fast(status=b.get("status", "confirmed"), by=tuple(b.get("proposer") or b.get("actors") or ())[:5],
                           summary=b["summary"], occurred=occ(b["occurred"]),
                           uncertain=uncertain(b["occurred"], as_of), event_ids=(b["id"],))
    rest = [
        ClaimChange.fast(status=c.body["new_status"], by=tuple(c.body.get("by") or ()), reason=c.body.get("reason"),
                    summary=c.body["summary"], occurred=occ(c.body["occurred"]),
                    uncertain=uncertain(c.body["occurred"], as_of), event_ids=(c.body["id"],))
        for c in by_key(claims.get(b["id"], ()))
    ]
    return (original, *rest)

"""The track itself: opened with a title, its status changed (exploratory, active, stalled ...)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from projections.facts import EID, OCCURRED, VALUES, Acc, Key, newer, occ_of, slot_key
from projections.family import Context, Family, Part
from projections.records import Body
from projections.state import Change, TrackState


def _opened(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    # [.., title, description, initial_status]  latest track_opened
    if b["track"] == acc["track"] and newer(acc["opened"], key):
        acc["opened"] = [*head, b["title"], b.get("description"), b.get("initial_status") or "exploratory"]


def _status_changed(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    # [.., new_status, reason]  latest track_status_changed
    if b["track"] == acc["track"] and newer(acc["status"], key):
        acc["status"] = [*head, b["new_status"], b.get("reason")]


def _freeze(acc: Acc, ctx: Context) -> Part:
    opened, changed = acc["opened"], acc["status"]
    ids: tuple[str, ...] = ()
    title, description, status, since, reason = acc["track"], None, "exploratory", None, None
    if opened:
        title, description, status = opened[VALUES], opened[VALUES + 1], opened[VALUES + 2]
        since, ids = opened[OCCURRED], (opened[EID],)
    deciding = opened
    if changed and (not opened or slot_key(changed) > slot_key(opened)):
        status, reason, since, ids = changed[VALUES], changed[VALUES + 1], changed[OCCURRED], (changed[EID],)
        deciding = changed
    return Part({
        "title": title, "description": description, "status": status, "status_since": occ_of(since),
        "status_reason": reason, "status_event_ids": ids,
        "status_claim": ctx.status_of(deciding) if ids else "confirmed",
    })


def _claim_ids(acc: Acc) -> Iterable[str]:
    return [acc[name][EID] for name in ("opened", "status") if acc[name]]


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    if a.title != b.title and a.event_count:
        yield Change(kind="title", subject=b.track, description=f"title: {a.title} -> {b.title}")
    if a.status != b.status and a.event_count:
        yield Change(kind="status", subject=b.track, description=f"status: {a.status} -> {b.status}"
                     + (f" ({b.status_reason})" if b.status_reason else ""), event_ids=b.status_event_ids)


_STATUS = {"active": 2, "concluded": 2, "stalled": -2, "suspended": -2, "collapsed": -3}

FAMILY = Family(
    "track",
    slots={"opened": lambda: None, "status": lambda: None},
    folds={"track_opened": _opened, "track_status_changed": _status_changed},
    list_slots=("opened", "status"),
    freeze=_freeze, diff=_diff, claim_ids=_claim_ids,
    scores={"track_status_changed": lambda b: _STATUS.get(b.get("new_status", ""), 0)},
)

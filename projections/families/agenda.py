"""The agenda of a track: issues named when it was opened, or first spoken about on it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from projections.facts import EID, Acc, Key, first, slot_key
from projections.family import Context, Family, Part
from projections.records import Body
from projections.state import Change, TrackState


def _opened(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    if b["track"] == acc["track"]:
        for issue in b.get("agenda") or ():
            first(acc["agenda"], issue, key, head)


def _statement(acc: Acc, b: Body, key: Key, head: list[Any]) -> None:
    first(acc["agenda"], b["issue"], key, head)


def _freeze(acc: Acc, ctx: Context) -> Part:
    items = sorted(acc["agenda"].items(), key=lambda kv: (slot_key(kv[1]), kv[0]))
    return Part({"agenda": tuple(k for k, _ in items),
                 "agenda_event_ids": tuple(dict.fromkeys(v[EID] for _, v in items))})


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    for issue in b.agenda:
        if issue not in a.agenda:
            yield Change(kind="agenda", subject=issue, description=f"on the agenda: {issue}",
                         event_ids=b.agenda_event_ids)


FAMILY = Family(
    "agenda",
    slots={"agenda": dict},  # issue -> [..]  first mention
    folds={"track_opened": _opened, "statement_made": _statement},
    freeze=_freeze, diff=_diff,
)

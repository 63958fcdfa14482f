"""Red lines and preconditions: what an actor says must (or must not) happen on an issue
(red_line_stated). One entity per issue; per actor (on_behalf_of, else the speaker) every demand
stated, latest first, a restatement of the same demand counting at its latest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from operator import attrgetter

from projections.facts import Acc, Claims, by_key, dated
from projections.family import Context, Entity, Family, Part, first_day
from projections.records import Ev
from projections.state import Change, RedLine, TrackState

ENTITY = Entity("red_line", ids={"red_line_stated": "issue"}, limit=30)


def red_lines(issue: str, evs: Sequence[Ev], claims: Claims, as_of: date | None) -> list[RedLine]:
    """The issue's red lines, by actor, then latest first."""
    # Latest by sort key per (actor, kind, demand), with every event that stated it: a busy track
    # states thousands, so each RedLine is made once, from validated events (`fast`).
    found: dict[tuple[str, str, str], list[Ev]] = {}
    for e in by_key(evs):
        b = e.body
        actor = b.get("on_behalf_of") or b["speaker"]
        key = (actor, b.get("kind") or "red_line", " ".join(b["demand"].lower().split()))
        stated = found.pop(key, [])
        stated.append(e)
        found[key] = stated  # re-inserted: in order of each one's latest
    out: list[RedLine] = []
    for (actor, kind, _), stated in found.items():
        e = stated[-1]
        b = e.body
        out.append(RedLine.fast(actor=actor, issue=issue, kind=kind, demand=b["demand"], speaker=b["speaker"],
                                quote=b.get("quote"),
                                **{**dated(e, claims, as_of), "event_ids": tuple(x.id for x in stated)}))
    # By actor, the latest first, then by demand (stable sorts, the last key first).
    out.sort(key=attrgetter("demand"))
    out.sort(key=lambda r: first_day(r.occurred), reverse=True)
    out.sort(key=attrgetter("actor"))
    return out


def _freeze(acc: Acc, ctx: Context) -> Part:
    found = [r for issue, evs in ctx.chosen(ENTITY) for r in red_lines(issue, evs, ctx.claims, ctx.as_of)]
    found.sort(key=lambda r: (r.actor, r.issue))  # stable: latest first within each
    return Part({"red_lines": tuple(found)}, found)


def _diff(a: TrackState, b: TrackState) -> Iterable[Change]:
    before = {(r.actor, r.issue, r.kind, r.demand) for r in a.red_lines}
    for r in b.red_lines:
        if (r.actor, r.issue, r.kind, r.demand) not in before:
            yield Change(kind="red_line_new", subject=f"{r.actor}/{r.issue}",
                         description=f"{r.actor} {r.kind.replace('_', ' ')} on {r.issue}: {r.demand}",
                         event_ids=r.event_ids)


FAMILY = Family("red_lines", entity=ENTITY, freeze=_freeze, diff=_diff, scores={"red_line_stated": -1})

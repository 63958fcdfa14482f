"""Things with a life of their own on a track: meetings, proposals, agreements, disputed claims, actors.

Each is folded from *all* of its own events (sorted by (occurred.earliest, position), so the
order they arrive in does not matter), when a view needs it; how, its family says (the `entity`
of a module of projections.families). A track with ten years of history has thousands of them; a
view shows the `LIMITS[kind]` with the latest dates (an upcoming meeting's planned date counts, so
upcoming meetings always come first), and the read model fetches only those, so the cost of a view
does not grow with the log.

Claim status: an event's effective status is that of the latest claim_status_changed targeting it
(by sort key), else the status it was logged with. Events whose effective status is "denied" do
not decide anything (a denied "meeting held" does not make the meeting held); they stay visible
as denied in the claim history and in the track's list of denied claims.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from projections.facts import Claims, claim_history, claim_status, occ_of, uncertain
from projections.families import FAMILIES
from projections.families.actors import actor_info
from projections.families.agreements import agreement
from projections.families.claims import denied_claim
from projections.families.meetings import meeting
from projections.families.proposals import proposal
from projections.family import Entity, newest_first
from projections.records import Body, Ev

__all__ = ["Claims", "actor_info", "agreement", "claim_history", "claim_status", "denied_claim", "meeting",
           "newest_first", "occ_of", "proposal", "uncertain"]

ENTITIES: dict[str, Entity] = {f.entity.kind: f.entity for f in FAMILIES if f.entity}
# Per kind, how many of the latest a view of a track shows (kinds not shown per track are left out).
LIMITS: dict[str, int] = {kind: e.limit for kind, e in ENTITIES.items() if e.limit is not None}
# event type -> (its entity, the field naming the entity)
_OF_TYPE: dict[str, tuple[Entity, str]] = {t: (e, name) for e in ENTITIES.values() for t, name in e.ids.items()}


def entity_of(body: Body) -> tuple[str, str] | None:
    """(kind, id) of the entity an event belongs to, if any."""
    found = _OF_TYPE.get(body["type"])
    return (found[0].kind, body[found[1]]) if found else None


def relevant_day(body: Body) -> str:
    """The day an event makes its entity current: its date, or the date a meeting is planned for."""
    found = _OF_TYPE.get(body["type"])
    return found[0].relevant_day(body) if found else body["occurred"]["earliest"]


def select(groups: Mapping[str, Sequence[Ev]], kind: str) -> list[str]:
    """The entity ids a view shows: the LIMITS[kind] with the latest relevant day (ties: by id)."""
    return ENTITIES[kind].select(groups)


def group(events: Iterable[Ev]) -> dict[str, dict[str, list[Ev]]]:
    """kind -> entity id -> its events."""
    out: dict[str, dict[str, list[Ev]]] = {}
    for ev in events:
        ent = entity_of(ev.body)
        if ent:
            out.setdefault(ent[0], {}).setdefault(ent[1], []).append(ev)
    return out

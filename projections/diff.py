"""What changed on a track between two moments: a pure comparison of two TrackStates."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from events.occurred import Occurred
from projections.entities import LIMITS
from projections.state import Change, ChangeKind, MeetingStatus, TrackDiff, TrackState

T = TypeVar("T")

# The change a meeting's status makes: for a meeting new in view, and for one whose status moved.
_NEW_MEETING: dict[MeetingStatus, ChangeKind] = {
    "held": "meeting_held", "cancelled": "meeting_cancelled", "postponed": "meeting_postponed"}
_MEETING_NOW: dict[MeetingStatus, ChangeKind] = {"held": "meeting_held", "cancelled": "meeting_cancelled"}


def _when(occ: Occurred | None) -> str:
    return occ.label() if occ else "no date"


def _by_key(items: Iterable[T], key: Callable[[T], str]) -> dict[str, T]:
    return {key(i): i for i in items}


def _appeared(kind: str, before: TrackState, after_ids: set[str], before_ids: set[str]) -> Callable[[str], bool]:
    # Views show the most recent LIMITS[kind] entities; an older one missing from a full "before"
    # list may just be out of view, so it is only called new if "before" was not full.
    full = len(before_ids) >= LIMITS[kind]
    return lambda key: key not in before_ids and (not full or key in after_ids)


def diff(a: TrackState | None, b: TrackState | None, track: str, before: str, after: str) -> TrackDiff:
    """Changes from state `a` (earlier) to state `b` (later). Either may be None (no track yet)."""
    out: list[Change] = []
    if b is None:
        return TrackDiff(track=track, before=before, after=after)
    if a is None:
        out.append(Change(kind="status", subject=track, description=f"track opened: {b.title} ({b.status})",
                          event_ids=b.status_event_ids))
        a = TrackState(track=track, title=b.title)
    if a.title != b.title and a.event_count:
        out.append(Change(kind="title", subject=track, description=f"title: {a.title} -> {b.title}"))
    if a.status != b.status and a.event_count:
        out.append(Change(kind="status", subject=track, description=f"status: {a.status} -> {b.status}"
                          + (f" ({b.status_reason})" if b.status_reason else ""), event_ids=b.status_event_ids))

    pa, pb = _by_key(a.parties, lambda p: p.actor), _by_key(b.parties, lambda p: p.actor)
    for actor in sorted(pb.keys() - pa.keys()):
        out.append(Change(kind="party_joined", subject=actor, description=f"{actor} at the table "
                          f"({_when(pb[actor].occurred)})", event_ids=pb[actor].event_ids))
    for actor in sorted(pa.keys() - pb.keys()):
        out.append(Change(kind="party_left", subject=actor, description=f"{actor} no longer at the table",
                          event_ids=pa[actor].event_ids))
    ea, eb = _by_key(a.excluded, lambda e: e.actor), _by_key(b.excluded, lambda e: e.actor)
    for actor in sorted(eb.keys() - ea.keys()):
        x = eb[actor]
        out.append(Change(kind="excluded", subject=actor, description=f"{actor} excluded"
                          + (f" by {', '.join(x.by)}" if x.by else "") + (f": {x.reason}" if x.reason else ""),
                          event_ids=x.event_ids))
    for actor in sorted(ea.keys() - eb.keys()):
        if actor in pb:
            out.append(Change(kind="readmitted", subject=actor, description=f"{actor} back at the table",
                              event_ids=pb[actor].event_ids))
    sa = {(d.claimant, s) for d in a.seat_demands for s in d.seat_for}
    for d in b.seat_demands:
        new = [s for s in d.seat_for if (d.claimant, s) not in sa]
        if new:
            out.append(Change(kind="seat_demand", subject=d.claimant,
                              description=f"{d.claimant} demands a seat for {', '.join(new)}", event_ids=d.event_ids))
    ma = {(m.actor, m.offered) for m in a.mediators}
    for m in b.mediators:
        if (m.actor, m.offered) not in ma:
            what = f"offers to act as {m.role}" if m.offered else "hosts talks"
            out.append(Change(kind="mediator", subject=m.actor, description=f"{m.actor} {what}"
                              + (f" ({m.venue})" if m.venue else ""), event_ids=m.event_ids))
    oa = {o.actor for o in a.observers}
    for o in b.observers:
        if o.actor not in oa:
            out.append(Change(kind="observer", subject=o.actor, description=f"{o.actor} speaks on the track",
                              event_ids=o.event_ids))
    for issue in b.agenda:
        if issue not in a.agenda:
            out.append(Change(kind="agenda", subject=issue, description=f"on the agenda: {issue}",
                              event_ids=b.agenda_event_ids))

    st_a = {(s.actor, s.issue): s for s in a.stances}
    for s in b.stances:
        old = st_a.get((s.actor, s.issue))
        quote = f": \u201c{s.quote}\u201d" if s.quote else ""
        if old is None:
            out.append(Change(kind="stance_new", subject=f"{s.actor}/{s.issue}",
                              description=f"{s.actor} {s.stance} {s.issue}{quote}", event_ids=s.event_ids))
        elif old.stance != s.stance:
            out.append(Change(kind="stance_changed", subject=f"{s.actor}/{s.issue}",
                              description=f"{s.actor} on {s.issue}: {old.stance} -> {s.stance}{quote}",
                              event_ids=(*old.event_ids, *s.event_ids)))

    pr_a = _by_key(a.proposals, lambda p: p.proposal)
    new_p = _appeared("proposal", a, {p.proposal for p in b.proposals}, set(pr_a))
    for p in b.proposals:
        old_p = pr_a.get(p.proposal)
        if old_p is None and new_p(p.proposal):
            out.append(Change(kind="proposal_new", subject=p.proposal, description=f"proposal tabled: {p.title} "
                              f"[{p.claim_status}]", event_ids=p.event_ids))
        elif old_p is not None and old_p.claim_status != p.claim_status:
            last = p.claim_history[-1]
            out.append(Change(kind="proposal_status", subject=p.proposal,
                              description=f"{p.title}: {old_p.claim_status} -> {p.claim_status}"
                              + (f" (by {', '.join(last.by)})" if last.by else ""), event_ids=last.event_ids))

    ag_a = _by_key(a.agreements, lambda g: g.agreement)
    new_g = _appeared("agreement", a, {g.agreement for g in b.agreements}, set(ag_a))
    for g in b.agreements:
        old_g = ag_a.get(g.agreement)
        if old_g is None and new_g(g.agreement):
            out.append(Change(kind="agreement_new", subject=g.agreement, description=f"agreement: {g.title} "
                              f"({', '.join(g.parties)}; {len(g.commitments)} commitments)", event_ids=g.event_ids))
            continue
        before_c = {c.id: c for c in old_g.commitments} if old_g else {}
        for c in g.commitments:
            prev = before_c.get(c.id)
            if prev is not None and prev.progress != c.progress:
                out.append(Change(kind="commitment_progress", subject=f"{g.agreement}/{c.id}",
                                  description=f"{c.text}: {prev.progress} -> {c.progress}", event_ids=c.event_ids))

    me_a = _by_key(a.meetings, lambda mt: mt.meeting)
    new_m = _appeared("meeting", a, {mt.meeting for mt in b.meetings}, set(me_a))
    for mt in b.meetings:
        old_m = me_a.get(mt.meeting)
        if old_m is None:
            if new_m(mt.meeting):
                kind: ChangeKind = _NEW_MEETING.get(mt.status, "meeting_new")
                out.append(Change(kind=kind, subject=mt.meeting, description=f"{mt.title}: {mt.status}"
                                  f" ({_when(mt.held or mt.planned)})", event_ids=mt.event_ids))
            continue
        if len(mt.postponements) > len(old_m.postponements):
            for pp in mt.postponements[len(old_m.postponements):]:
                out.append(Change(kind="meeting_postponed", subject=mt.meeting,
                                  description=f"{mt.title} postponed from {_when(pp.from_date)} to "
                                  f"{_when(pp.to_date) if pp.to_date else 'no new date'}"
                                  + (f" by {', '.join(pp.by)}" if pp.by else ""), event_ids=pp.event_ids))
        if old_m.status != mt.status and mt.status != "postponed":
            kind = _MEETING_NOW.get(mt.status, "meeting_changed")
            out.append(Change(kind=kind, subject=mt.meeting, description=f"{mt.title}: {old_m.status} -> {mt.status}"
                              f" ({_when(mt.held or mt.planned)})", event_ids=mt.event_ids))
        elif old_m.status == mt.status and old_m.planned != mt.planned and len(mt.postponements) == len(old_m.postponements):
            out.append(Change(kind="meeting_changed", subject=mt.meeting,
                              description=f"{mt.title}: planned {_when(old_m.planned)} -> {_when(mt.planned)}",
                              event_ids=mt.event_ids))

    da = {d.target for d in a.denied}
    for dc in b.denied:
        if dc.target not in da:
            out.append(Change(kind="denied", subject=dc.target, description="denied"
                              + (f" by {', '.join(dc.by)}" if dc.by else "") + f": {dc.summary}", event_ids=dc.event_ids))
    return TrackDiff(track=track, before=before, after=after, changes=tuple(out))

"""iCalendar (RFC 5545) of the meetings and deadlines the log knows, for calendar clients.

One VEVENT per meeting and per deadline, whatever the number of tracks it is filed on (its tracks
are its CATEGORIES). Its UID comes from its id alone (`MEETING@diplomacy-tracker`,
`deadline.DEADLINE@diplomacy-tracker`), so every export names the same entry the same way; a
postponement (an extension, for a deadline) raises SEQUENCE, so a client subscribed to the file
moves the entry rather than adding one. A day is an all-day entry (VALUE=DATE), a day with a time
a timed one (in UTC when it was given with a zone, else floating: as written), and an imprecise
date (a week, a month, a range) the span it covers, DTEND being the day after its last. STATUS is
CANCELLED for a meeting called off, TENTATIVE for one whose claim is not confirmed, CONFIRMED
otherwise. DTSTAMP is the newest recording time of the events behind the entry, never the wall
clock: two exports of the same log at the same moment are byte for byte the same. Text from the
log is escaped by icalendar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from events.occurred import Occurred
from projections.state import Deadline, DeadlineExtension, Meeting, Postponement
from tracker.publish import Scope, publisher
from tracker.service import EventRow, Tracker

if TYPE_CHECKING:  # imported where a calendar is made: 30 ms every command's start need not pay
    from icalendar import Event as VEvent

DOMAIN = "diplomacy-tracker"
PRODID = "-//diplomacy-tracker//tracker export//EN"
NO_STAMP = datetime(1970, 1, 1, tzinfo=UTC)  # for events logged without a recording time

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
T = TypeVar("T", Meeting, Deadline)


def _text(value: str) -> str:
    """One value as iCalendar text: any line break a plain newline (icalendar escapes it as \\n,
    and commas, semicolons, backslashes), other control characters (not allowed in TEXT) dropped."""
    return CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _dates(ev: VEvent, occ: Occurred) -> None:
    if occ.time is not None:
        ev.add("dtstart", datetime.combine(occ.earliest, occ.time))  # ends when it starts (RFC 5545 3.6.1)
    else:
        ev.add("dtstart", occ.earliest)
        ev.add("dtend", occ.latest + timedelta(days=1))


@dataclass(frozen=True)
class _Ctx:
    tracker: Tracker
    scope: Scope
    names: dict[str, str]  # actor id -> name
    rows: dict[str, EventRow]  # every event behind an entry, as known at the moment: read once

    def who(self, ids: Iterable[str]) -> str:
        return ", ".join(self.names.get(i, i) for i in ids)


def _sources(cx: _Ctx, event_ids: Sequence[str]) -> tuple[list[str], datetime]:
    """Each source behind the events (outlet and url, once each), and the newest recording time."""
    rows = sorted((cx.rows[i] for i in set(event_ids) if i in cx.rows), key=lambda r: r.position)  # log order
    lines: list[str] = []
    stamp = NO_STAMP
    for row in rows:
        recorded = row.stored.event.recorded_at
        if recorded is not None:
            stamp = max(stamp, recorded.astimezone(UTC))
        for s in row.event.sources:
            text = f"{s.outlet} {s.url}" if s.url else s.outlet
            if text not in lines:
                lines.append(text)
    return lines, stamp


def _entry(cx: _Ctx, uid: str, summary: str, occ: Occurred, tracks: Iterable[str],
           details: list[str], event_ids: Sequence[str], sequence: int, status: str, location: str | None) -> VEvent:
    from icalendar import Event as VEvent

    sources, stamp = _sources(cx, event_ids)
    details = [*details, "Sources:", *(f"- {s}" for s in sources)] if sources else [*details, "Sources: none"]
    ev = VEvent()
    ev.add("uid", uid)
    ev.add("dtstamp", stamp)
    _dates(ev, occ)
    ev.add("sequence", sequence)
    ev.add("status", status)
    ev.add("summary", _text(summary))
    ev.add("description", _text("\n".join(details)))
    if location:
        ev.add("location", _text(location))
    ev.add("categories", [_text(t) for t in tracks])
    return ev


def _meeting(cx: _Ctx, m: Meeting, tracks: list[str]) -> VEvent | None:
    last_from = m.postponements[-1].from_date if m.postponements else None
    occ = m.held or m.planned or m.occurred or last_from or m.first_planned
    if occ is None:
        return None
    status = "CANCELLED" if m.status == "cancelled" else "CONFIRMED" if m.claim_status == "confirmed" else "TENTATIVE"
    details = [_status(m.status, m.claim_status), f"When: {occ.label()}"]
    if m.participants:
        details.append(f"Participants: {cx.who(m.participants)}")
    if m.host:
        details.append(f"Host: {cx.who([m.host])}")
    details += _moves("Postponed", m.postponements, "no new date")
    if m.cancelled_by:
        details.append(f"Cancelled by: {cx.who(m.cancelled_by)}")
    if m.reason:
        details.append(f"Reason: {m.reason}")
    if m.outcome:
        details.append(f"Outcome: {m.outcome}")
    return _entry(cx, f"{m.meeting}@{DOMAIN}", m.title, occ, tracks, details, m.event_ids,
                  len(m.postponements), status, m.location)


def _status(status: str, claim_status: str) -> str:
    return f"Status: {status}" + ("" if claim_status == "confirmed" else f" ({claim_status})")


def _moves(word: str, moves: Sequence[Postponement | DeadlineExtension], open_end: str) -> list[str]:
    """A line per postponement of a meeting or extension of a deadline: from where, to where."""
    return [f"{word} from {x.from_date.label() if x.from_date else '?'} to "
            f"{x.to_date.label() if x.to_date else open_end}" for x in moves]


def _deadline(cx: _Ctx, d: Deadline, tracks: list[str]) -> VEvent | None:
    occ = d.due or d.occurred
    if occ is None:
        return None
    status = "CONFIRMED" if d.claim_status == "confirmed" else "TENTATIVE"
    details = [_status(d.status, d.claim_status), f"Due: {occ.label()}"]
    if d.set_by:
        details.append(f"Set by: {cx.who(d.set_by)}")
    details += _moves("Extended", d.extensions, "?")
    if d.consequence:
        details.append(f"If missed: {d.consequence}")
    if d.met_by_title:
        details.append(f"Met by: {d.met_by_title}")
    return _entry(cx, f"deadline.{d.deadline}@{DOMAIN}", f"Deadline: {d.title}", occ, tracks, details,
                  d.event_ids, len(d.extensions), status, None)


def _fullest(found: list[tuple[str, T]]) -> tuple[T, list[str]]:
    """One item filed on several tracks: the state that knows most of it, and its tracks."""
    best = max(found, key=lambda tf: len(tf[1].event_ids))[1]  # the first track wins a tie
    return best, [t for t, _ in found]


@publisher("ics", "a calendar (iCalendar, RFC 5545) of meetings and deadlines, one entry each.", ".ics")
def render(tracker: Tracker, scope: Scope) -> str:
    meetings: dict[str, list[tuple[str, Meeting]]] = {}
    deadlines: dict[str, list[tuple[str, Deadline]]] = {}
    titles: list[str] = []
    known = tracker.track_ids()
    for track in sorted(t for t in (scope.tracks or known) if t in known):
        state = tracker.track(track, scope.moment)
        if state is None:
            continue
        titles.append(state.title)
        for m in state.meetings:
            meetings.setdefault(m.meeting, []).append((track, m))
        for d in state.deadlines:
            deadlines.setdefault(d.deadline, []).append((track, d))
    ids = [i for ms in meetings.values() for _, m in ms for i in m.event_ids]
    ids += [i for ds in deadlines.values() for _, d in ds for i in d.event_ids]
    rows = {r.id: r for r in tracker.as_known(tracker.get_many(ids), scope.moment)}
    cx = _Ctx(tracker, scope, {a.id: a.name for a in tracker.actors()}, rows)
    entries = [_meeting(cx, *_fullest(found)) for found in meetings.values()]
    entries += [_deadline(cx, *_fullest(found)) for found in deadlines.values()]

    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = "Diplomacy tracker" + (f": {', '.join(titles)}" if scope.tracks else "")
    if scope.moment.as_of is not None or scope.moment.known_at is not None:
        name += f" ({scope.moment.label()})"
    cal.add("x-wr-calname", _text(name))
    for ev in sorted((e for e in entries if e is not None), key=_order):
        cal.add_component(ev)
    return cal.to_ical().decode("utf-8")


def _order(ev: VEvent) -> tuple[str, str]:
    start: date = ev.decoded("dtstart")
    return start.isoformat(), str(ev["uid"])

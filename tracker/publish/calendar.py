"""iCalendar (RFC 5545) of the meetings and deadlines the log knows, for calendar clients.

One VEVENT per meeting and per deadline, whatever the number of tracks it is filed on (its tracks
are its CATEGORIES). Its UID comes from its id alone (`MEETING@diplomacy-tracker`,
`deadline.DEADLINE@diplomacy-tracker`), so every export names the same entry the same way.

Dates. A day is an all-day entry (VALUE=DATE), a day with a time a timed one (in UTC when it was
given with a zone, else floating: as written), and an imprecise date (a week, a month, a range) the
span it covers, DTEND being the day after its last. An open-ended date ('from 10 Jan 2027 on',
'until 10 Jan 2027') is an all-day entry on its one known day, its description saying the date is
open-ended (its other end is no day at all: not 1800, not 2200). A meeting postponed with no new
date stays at the date it was to be (with its time, when known) but is TENTATIVE, its summary and
description saying it is postponed with no new date yet.

STATUS is CANCELLED for a meeting called off, TENTATIVE for one postponed with no new date or whose
claim is not confirmed, CONFIRMED otherwise.

SEQUENCE and DTSTAMP follow what the entry said as the log grew, so a subscribed client moves the
entry rather than adding one or keeping a stale one. The entry is made again as known when each
event bearing on it was logged (its own events, retracted ones too, and the corrections,
retractions and claim status changes of them), on the same as-of day: SEQUENCE counts the times its
date, time or STATUS changed from one of those moments to the next (a postponement, a cancellation,
a correction of the planned date, the retraction of a postponement: RFC 5545 3.8.7.4 names DTSTART,
DTEND and STATUS among the changes that must raise it), and DTSTAMP is when the latest event that
changed anything in the entry was logged. Both therefore never go down from one export to the next
as the log grows, and are never the wall clock: two exports of the same log at the same moment are
byte for byte the same. Text from the log is escaped by icalendar, and control characters are
shown as visible escapes (tracker.textsafe).

Cost: each state in an entry's history is a track folded by the service, one fold serving every
entry of the track whose state held then (`_stabs`), so an export folds a track about once per
stretch of time between two events of one of its meetings or deadlines. On a synthetic log of
20,000 events (1,486 entries) that is some 1,100 folds, about 17 s where counting postponements
took 3 s; a fold of one meeting's own events in the service would make it cheap again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from events.occurred import Occurred
from projections.moment import Moment
from projections.state import Deadline, DeadlineExtension, Meeting, Postponement, TrackState
from tracker.publish import Scope, publisher
from tracker.service import EventFilter, EventRow, StoredEvent, Tracker
from tracker.textsafe import printable

if TYPE_CHECKING:  # imported where a calendar is made: 30 ms every command's start need not pay
    from icalendar import Event as VEvent

DOMAIN = "diplomacy-tracker"
PRODID = "-//diplomacy-tracker//tracker export//EN"
NO_STAMP = datetime(1970, 1, 1, tzinfo=UTC)  # for events logged without a recording time
PAGE = 1000  # events read at a time to find those bearing on an entry

Kind = Literal["meeting", "deadline"]
Key = tuple[Kind, str]  # ("meeting", MEETING) or ("deadline", DEADLINE)
# The event types that make up a meeting or a deadline, and the field naming it (as the projections
# fold them: tests/views/test_publish_calendar.py checks the two agree).
FIELDS: dict[str, tuple[Kind, str]] = {
    **dict.fromkeys(("meeting_scheduled", "meeting_held", "meeting_postponed", "meeting_cancelled"),
                    ("meeting", "meeting")),
    **dict.fromkeys(("deadline_set", "deadline_extended", "deadline_met", "deadline_missed"), ("deadline", "deadline")),
}
ONE_TICK = timedelta(microseconds=1)  # recording times are kept to the microsecond


def _text(value: str) -> str:
    """One value as iCalendar text: any line break a plain newline (icalendar escapes it as \\n,
    and commas, semicolons, backslashes), other control characters (not allowed in TEXT, and
    acted on by a terminal showing the file) and bidi controls shown as visible escapes."""
    return printable(value.replace("\r\n", "\n").replace("\r", "\n"))


def _one_day(occ: Occurred) -> date | None:
    """The one known day of a date open at one end ('from D on': D; 'until D': D); else None."""
    if occ.open_start == occ.open_end:
        return None
    return occ.earliest if occ.open_end else occ.latest


def _span(occ: Occurred) -> tuple[date | datetime, date | None]:
    """DTSTART and DTEND (None: none, a timed entry ending when it starts, RFC 5545 3.6.1)."""
    day = _one_day(occ)
    if day is not None:  # its other end is no day at all: the entry goes on the day that is known
        return day, day + timedelta(days=1)
    if occ.time is not None:
        return datetime.combine(occ.earliest, occ.time), None
    return occ.earliest, occ.latest + timedelta(days=1)


def _label(occ: Occurred) -> str:
    if _one_day(occ) is not None:
        return f"{occ.label()} (open-ended: shown on its one known day)"
    return occ.label()


@dataclass(frozen=True)
class _Entry:
    """What one calendar entry says, before it is written as a VEVENT (DTSTAMP and SEQUENCE come
    from its history: `_revision`)."""

    uid: str
    summary: str
    start: date | datetime
    end: date | None
    status: str
    details: tuple[str, ...]
    location: str | None
    tracks: tuple[str, ...]

    @property
    def significant(self) -> tuple[object, ...]:
        """What a change of raises SEQUENCE (RFC 5545 3.8.7.4 names DTSTART, DTEND and STATUS)."""
        return self.start, self.end, self.status

    def vevent(self, sequence: int, stamp: datetime) -> VEvent:
        from icalendar import Event as VEvent

        ev = VEvent()
        ev.add("uid", self.uid)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", self.start)
        if self.end is not None:
            ev.add("dtend", self.end)
        ev.add("sequence", sequence)
        ev.add("status", self.status)
        ev.add("summary", _text(self.summary))
        ev.add("description", _text("\n".join(self.details)))
        if self.location:
            ev.add("location", _text(self.location))
        ev.add("categories", [_text(t) for t in self.tracks])
        return ev


@dataclass(frozen=True)
class _Ctx:
    names: dict[str, str]  # actor id -> name
    rows: dict[str, EventRow]  # the events behind the entries, as known at the moment: read once

    def who(self, ids: Iterable[str]) -> str:
        return ", ".join(self.names.get(i, i) for i in ids)

    def sources(self, event_ids: Sequence[str]) -> list[str]:
        """Each source behind the events (outlet and url, once each), in log order."""
        rows = sorted((self.rows[i] for i in set(event_ids) if i in self.rows), key=lambda r: r.position)
        lines: list[str] = []
        for row in rows:
            for s in row.event.sources:
                text = f"{s.outlet} {s.url}" if s.url else s.outlet
                if text not in lines:
                    lines.append(text)
        return lines


def _entry(cx: _Ctx, uid: str, summary: str, occ: Occurred, tracks: Iterable[str], details: list[str],
           event_ids: Sequence[str], status: str, location: str | None) -> _Entry | None:
    if occ.open_start and occ.open_end:
        return None  # no day known at all: nothing a calendar can show
    sources = cx.sources(event_ids)
    details = [*details, "Sources:", *(f"- {s}" for s in sources)] if sources else [*details, "Sources: none"]
    start, end = _span(occ)
    return _Entry(uid, summary, start, end, status, tuple(details), location, tuple(tracks))


def _was_to_be(m: Meeting) -> Occurred | None:
    """The date a meeting postponed with no new date was to take place: the postponement's
    'from' date, or the date planned before it when that is the same day with a time (a
    postponement logged without the time does not lose it)."""
    last = m.postponements[-1]
    before = m.postponements[-2].to_date if len(m.postponements) > 1 else m.first_planned
    was = last.from_date or before
    if (was is not None and before is not None and was.time is None and before.time is not None
            and (was.earliest, was.latest) == (before.earliest, before.latest)):
        return before
    return was


def _meeting(cx: _Ctx, m: Meeting, tracks: list[str]) -> _Entry | None:
    sine_die = m.status == "postponed" and m.planned is None and bool(m.postponements)
    occ = m.held or m.planned or (_was_to_be(m) if m.postponements and m.planned is None else None)
    occ = occ or m.occurred or m.first_planned
    if occ is None:
        return None
    status = ("CANCELLED" if m.status == "cancelled"
              else "CONFIRMED" if m.claim_status == "confirmed" and not sine_die else "TENTATIVE")
    if sine_die:  # not at its old date any more, and at no new one yet
        summary = f"{m.title} (postponed, no new date yet)"
        details = [_status("postponed, no new date yet", m.claim_status), f"Was to be: {_label(occ)}"]
    else:
        summary = m.title
        details = [_status(m.status, m.claim_status), f"When: {_label(occ)}"]
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
    return _entry(cx, f"{m.meeting}@{DOMAIN}", summary, occ, tracks, details, m.event_ids, status, m.location)


def _status(status: str, claim_status: str) -> str:
    return f"Status: {status}" + ("" if claim_status == "confirmed" else f" ({claim_status})")


def _moves(word: str, moves: Sequence[Postponement | DeadlineExtension], open_end: str) -> list[str]:
    """A line per postponement of a meeting or extension of a deadline: from where, to where."""
    return [f"{word} from {x.from_date.label() if x.from_date else '?'} to "
            f"{x.to_date.label() if x.to_date else open_end}" for x in moves]


def _deadline(cx: _Ctx, d: Deadline, tracks: list[str]) -> _Entry | None:
    occ = d.due or d.occurred
    if occ is None:
        return None
    status = "CONFIRMED" if d.claim_status == "confirmed" else "TENTATIVE"
    details = [_status(d.status, d.claim_status), f"Due: {_label(occ)}"]
    if d.set_by:
        details.append(f"Set by: {cx.who(d.set_by)}")
    details += _moves("Extended", d.extensions, "?")
    if d.consequence:
        details.append(f"If missed: {d.consequence}")
    if d.met_by_title:
        details.append(f"Met by: {d.met_by_title}")
    return _entry(cx, f"deadline.{d.deadline}@{DOMAIN}", f"Deadline: {d.title}", occ, tracks, details,
                  d.event_ids, status, None)


def _made(cx: _Ctx, found: Sequence[tuple[str, Meeting | Deadline]]) -> _Entry | None:
    """One meeting or deadline filed on several tracks: one entry, from the state that knows most
    of it (the first track wins a tie), its tracks all."""
    best = max((item for _, item in found), key=lambda item: len(item.event_ids))
    tracks = [t for t, _ in found]
    return _meeting(cx, best, tracks) if isinstance(best, Meeting) else _deadline(cx, best, tracks)


def _recorded(stored: StoredEvent) -> datetime:
    at = stored.event.recorded_at
    return at.astimezone(UTC) if at is not None else NO_STAMP


@dataclass
class _Bearing:
    """The events bearing on one entry as known at the moment: its own (retracted ones too: a
    retraction changes the entry back) and the corrections, retractions and claim status changes
    of them, or of those; when each was logged, and the tracks in scope they are filed on."""

    times: set[datetime] = field(default_factory=set)
    tracks: set[str] = field(default_factory=set)


class _Calendar:
    """The entries of the tracks in scope at the export's moment, and the history of each: the
    entry as it was between one event bearing on it being logged and the next, for SEQUENCE and
    DTSTAMP. Every state is a track folded by the service (Tracker.track), as every view shows it;
    one fold at a recording time serves every entry whose state held then, so the folds are as
    few as the histories allow (`_stabs`)."""

    def __init__(self, tracker: Tracker, scope: Scope) -> None:
        self.tracker, self.scope = tracker, scope
        known = tracker.track_ids()
        self.tracks = sorted(t for t in (scope.tracks or known) if t in known)
        self.names = {a.id: a.name for a in tracker.actors()}
        self._items: dict[tuple[str, datetime | None], dict[Key, Meeting | Deadline]] = {}
        self.states = {t: tracker.track(t, scope.moment) for t in self.tracks}

    def items(self, track: str, known_at: datetime | None) -> dict[Key, Meeting | Deadline]:
        """The meetings and deadlines of a track on the as-of day, as known at `known_at` (None:
        at the export's moment), by key; each fold made once."""
        if (track, known_at) not in self._items:
            state: TrackState | None = (self.states[track] if known_at is None else
                                        self.tracker.track(track, Moment(as_of=self.scope.moment.as_of, known_at=known_at)))
            found: dict[Key, Meeting | Deadline] = {}
            for m in state.meetings if state else ():
                found["meeting", m.meeting] = m
            for d in state.deadlines if state else ():
                found["deadline", d.deadline] = d
            self._items[track, known_at] = found
        return self._items[track, known_at]

    def entries(self, keys: Iterable[Key] | None = None, tracks: dict[Key, set[str]] | None = None,
                known_at: datetime | None = None) -> dict[Key, _Entry]:
        """The entries (all, or those of `keys` from the tracks given for each) as known at
        `known_at` (None: at the export's moment)."""
        found: dict[Key, list[tuple[str, Meeting | Deadline]]] = {}
        if keys is None:
            for track in self.tracks:
                for key, item in self.items(track, known_at).items():
                    found.setdefault(key, []).append((track, item))
        else:
            for key in keys:
                wanted = (tracks or {}).get(key, set())
                here = [(t, it) for t in self.tracks if t in wanted and (it := self.items(t, known_at).get(key))]
                if here:
                    found[key] = here
        ids = [i for f in found.values() for _, item in f for i in item.event_ids]
        moment = self.scope.moment if known_at is None else Moment(as_of=self.scope.moment.as_of, known_at=known_at)
        cx = _Ctx(self.names, {r.id: r for r in self.tracker.as_known(self.tracker.get_many(ids), moment)})
        made = {key: _made(cx, f) for key, f in found.items()}
        return {key: e for key, e in made.items() if e is not None}

    def bearing(self) -> dict[Key, _Bearing]:
        until = self.scope.moment.known_at
        out: dict[Key, _Bearing] = {}
        for row in self._rows(EventFilter(tracks=self.scope.tracks, types=tuple(FIELDS)), Moment(known_at=until)):
            keys = {(FIELDS[e.type][0], str(getattr(e, FIELDS[e.type][1]))) for e in (row.stored.event, row.event)}
            times = {_recorded(row.stored)} | {_recorded(a) for a in self._amendments(row.id)}
            for key in keys:
                b = out.setdefault(key, _Bearing())
                b.times |= {t for t in times if until is None or t <= until}
                b.tracks |= {*row.stored.event.tracks, *row.event.tracks}
        return out

    def _rows(self, f: EventFilter, moment: Moment) -> Iterator[EventRow]:
        after = None
        while page := self.tracker.events(f, moment, limit=PAGE, after=after, newest_first=False):
            yield from page
            after = page[-1].position

    def _amendments(self, event_id: str) -> list[StoredEvent]:
        """The record keeping that names the event, and that naming those (a retracted correction)."""
        out: dict[str, StoredEvent] = {}
        todo = [event_id]
        while todo:
            for a in self.tracker.amendments_of(todo.pop()):
                if a.id not in out:
                    out[a.id] = a
                    todo.append(a.id)
        return list(out.values())

    def revisions(self, final: dict[Key, _Entry]) -> dict[Key, tuple[int, datetime]]:
        """SEQUENCE and DTSTAMP of each entry, from its history (`_revision`)."""
        bearing = self.bearing()
        times = {key: sorted(bearing[key].times) if key in bearing else [] for key in final}
        # The entry between its i-th and next bearing event, seen by a fold just before the next
        # was logged; after its last, it is the entry as exported.
        # Entries filed on the same tracks share folds: their spans are seen together.
        groups: dict[frozenset[str], list[tuple[Key, int, datetime, datetime]]] = {}
        for key, ts in times.items():
            on = frozenset(bearing[key].tracks) & set(self.tracks) if key in bearing else frozenset()
            groups.setdefault(on, []).extend((key, i, ts[i], ts[i + 1]) for i in range(len(ts) - 1))
        seen: dict[tuple[Key, int], _Entry | None] = {}
        for spans in groups.values():
            for at, keys in _stabs(spans).items():
                made = self.entries(keys, {k: bearing[k].tracks for k in keys}, at)
                for key, i in keys.items():
                    seen[key, i] = made.get(key)
        out: dict[Key, tuple[int, datetime]] = {}
        for key, entry in final.items():
            ts = times[key]
            history = [(t, seen.get((key, i))) for i, t in enumerate(ts[:-1])] + [(ts[-1] if ts else NO_STAMP, entry)]
            out[key] = _revision(history)
        return out


def _stabs(spans: Sequence[tuple[Key, int, datetime, datetime]]) -> dict[datetime, dict[Key, int]]:
    """As few recording times as will see each entry's state between two of its events: the
    spans [start, end) sorted by end, each seen at the time just before its end unless the last
    time chosen already falls in it (the greedy choice, the fewest times). At each time, the
    entries (and which of their spans) to read there."""
    out: dict[datetime, dict[Key, int]] = {}
    last: datetime | None = None
    for key, i, start, end in sorted(spans, key=lambda s: s[3]):
        if last is None or last < start:
            last = end - ONE_TICK
        out.setdefault(last, {})[key] = i
    return out


def _revision(history: Sequence[tuple[datetime, _Entry | None]]) -> tuple[int, datetime]:
    """SEQUENCE and DTSTAMP from an entry's history: how many times its date, time or STATUS
    changed from one moment it was in the calendar to the next, and when the latest change of
    anything it says was logged (else when it first appeared)."""
    sequence, stamp = 0, NO_STAMP
    last: _Entry | None = None
    for at, entry in history:
        if entry is None:
            continue  # out of the calendar then (retracted, or not happened by the as-of day)
        if last is None:
            stamp = at
        else:
            sequence += entry.significant != last.significant
            if entry != last:
                stamp = at
        last = entry
    return sequence, stamp


@publisher("ics", "a calendar (iCalendar, RFC 5545) of meetings and deadlines, one entry each.", ".ics")
def render(tracker: Tracker, scope: Scope) -> str:
    from icalendar import Calendar

    book = _Calendar(tracker, scope)
    final = book.entries()
    revisions = book.revisions(final)
    events = [entry.vevent(*revisions[key]) for key, entry in final.items()]

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    titles = [s.title for s in book.states.values() if s is not None]
    name = "Diplomacy tracker" + (f": {', '.join(titles)}" if scope.tracks else "")
    if scope.moment.as_of is not None or scope.moment.known_at is not None:
        name += f" ({scope.moment.label()})"
    cal.add("x-wr-calname", _text(name))
    for ev in sorted(events, key=_order):
        cal.add_component(ev)
    return cal.to_ical().decode("utf-8")


def _order(ev: VEvent) -> tuple[str, str]:
    start: date = ev.decoded("dtstart")
    return start.isoformat(), str(ev["uid"])

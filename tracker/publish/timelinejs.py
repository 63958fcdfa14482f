"""A web timeline: TimelineJS's JSON (Knight Lab, https://timeline.knightlab.com/docs/json-format.html).

One slide per event of the tracks in scope, as `tracker timeline` gives them (what had happened by
the moment, as known then, in date order), and a title slide naming the tracks. A slide's dates
keep their precision: a day gives year, month and day (and hour and minute when known), a month
only year and month, a year only the year; an interval (a week, a quarter, a range) gives a start
and an end date, and `display_date` the honest label ('week of 10 Feb 2025'). `group` is the event
type in words, so TimelineJS puts each type on its own row; `unique_id` is the event's id. The
sources are the slide's credits, at the end of its text.

Not `media` (url, caption, credit): TimelineJS shows a slide's media url as a picture, video or
embed by what the url looks like (MediaType.js in TimelineJS3), and an article's url matches none,
so it falls to its catch-all, an image, and the slide would show a broken picture. Our sources are
articles, not media: they stay in the text, each linked when its url is http(s).

TimelineJS renders `text.headline` and `text.text` as HTML: every string from the log goes through
`html.escape` (a summary '<script>' is shown as text, never run), and only http(s) source URLs
become links.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date
from typing import Any

from events.occurred import Occurred
from projections.state import TimelineEntry
from tracker.publish import Scope, json_text, publisher
from tracker.service import EventRow, Tracker

JsonObject = dict[str, Any]

# Precisions whose interval is whole months: their dates are written as year and month only.
_MONTHLY = frozenset({"month", "quarter", "half", "season"})


def scoped_events(tracker: Tracker, scope: Scope) -> list[tuple[TimelineEntry, EventRow]]:
    """The events of the tracks in scope (none: all), each once, as the timeline gives them (in
    date order, as known at the moment), each with its full record as it stood then."""
    known = tracker.track_ids()
    tracks: Iterable[str | None] = [t for t in scope.tracks if t in known] if scope.tracks else [None]
    entries: dict[str, TimelineEntry] = {}
    for track in tracks:
        for entry in tracker.timeline(track, scope.moment):
            entries.setdefault(entry.event_id, entry)
    ordered = sorted(entries.values(), key=lambda e: (e.occurred.earliest, e.position))
    stored = tracker.get_many([e.event_id for e in ordered])
    rows = {r.id: r for r in tracker.as_known(stored, scope.moment)}
    return [(e, rows[e.event_id]) for e in ordered if e.event_id in rows]


def _date(d: date, unit: str, occ: Occurred | None = None) -> JsonObject:
    """A TimelineJS date object to `unit` ('year', 'month' or 'day'; a day's time when known)."""
    out: JsonObject = {"year": d.year}
    if unit in ("month", "day"):
        out["month"] = d.month
    if unit == "day":
        out["day"] = d.day
        if occ is not None and occ.time is not None:
            out["hour"], out["minute"] = occ.time.hour, occ.time.minute
    return out


def slide_dates(occ: Occurred) -> JsonObject:
    """start_date (and end_date for an interval) at the date's precision, and its label."""
    a, b = occ.earliest, occ.latest
    if occ.open_start:  # 'until 10 Mar 2025': a slide at its one known end, not at 1800
        return {"start_date": _date(b, "day"), "display_date": occ.label()}
    if occ.precision == "year":
        out: JsonObject = {"start_date": _date(a, "year")}
    elif occ.precision == "month":
        out = {"start_date": _date(a, "month")}
    elif occ.precision in _MONTHLY or (occ.precision == "part" and a.month != b.month):
        out = {"start_date": _date(a, "month"), "end_date": _date(b, "month")}
    elif occ.precision == "day":
        out = {"start_date": _date(a, "day", occ)}
    elif occ.open_end:  # 'from 10 Mar 2025 on'
        out = {"start_date": _date(a, "day")}
    else:  # week, weekend, around, part of a month, range
        out = {"start_date": _date(a, "day"), "end_date": _date(b, "day")}
    out["display_date"] = occ.label()
    return out


def _e(text: str) -> str:
    """Text from the log as HTML text: TimelineJS inserts these strings as HTML."""
    return html.escape(text, quote=True)


def _credits(row: EventRow) -> str:
    """The sources as one escaped HTML line: outlets, linked when their URL is http(s)."""
    parts = []
    for s in row.event.sources:
        name = _e(s.outlet) + (f" ({_e(s.published.isoformat())})" if s.published else "")
        if s.via:
            name += f", via {_e(s.via)}"
        if s.url and s.url.lower().startswith(("http://", "https://")):
            name = f'<a href="{_e(s.url)}">{name}</a>'  # escaped with quote=True: no breaking out of href
        parts.append(name)
    return "Sources: " + "; ".join(parts) if parts else "Sources: none given"


def _slide(entry: TimelineEntry, row: EventRow, names: dict[str, str]) -> JsonObject:
    ev = row.event
    paras = [_e(ev.details)] if ev.details else []
    if ev.location:
        paras.append(f"Where: {_e(ev.location)}")
    if entry.actors:
        paras.append("Who: " + _e(", ".join(names.get(a, a) for a in entry.actors)))
    marks = ([] if entry.claim_status == "confirmed" else [entry.claim_status]) + (["corrected"] if entry.corrected else [])
    if marks:
        paras.append(f"<em>{_e(', '.join(marks))}</em>")
    paras.append(_credits(row))
    return {
        **slide_dates(entry.occurred),
        "text": {"headline": _e(entry.summary), "text": "".join(f"<p>{p}</p>" for p in paras)},
        "group": _e(entry.type.replace("_", " ").capitalize()),
        "unique_id": entry.event_id,
    }


def _title(tracker: Tracker, scope: Scope) -> JsonObject:
    states = [s for s in (tracker.track(t, scope.moment) for t in scope.tracks) if s is not None]
    headline = "; ".join(s.title for s in states) if states else "Negotiation tracks"
    paras = [f"{s.description} (status: {s.status})" if s.description else f"Status: {s.status}" for s in states]
    paras.append(f"The record {scope.moment.label()}" if scope.moment else "The record as it stands now")
    return {"text": {"headline": _e(headline), "text": "".join(f"<p>{_e(p)}</p>" for p in paras)},
            "unique_id": "title"}


@publisher("timelinejs", "a web timeline (TimelineJS JSON), one slide per event.", ".json")
def render(tracker: Tracker, scope: Scope) -> str:
    names = {a.id: a.name for a in tracker.actors()}
    timeline = {"title": _title(tracker, scope),
                "events": [_slide(entry, row, names) for entry, row in scoped_events(tracker, scope)]}
    return json_text(timeline, indent=2) + "\n"

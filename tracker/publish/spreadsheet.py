"""CSV for spreadsheets: the events of the log, or the list of tracks, one row each.

`tracker export --format csv` writes the events (one row per event, in log order, each as the
record stood at the moment: a correction known then applied, a retraction known then marked);
`--tracks-table` writes the list of tracks instead, as `tracker status` gives it. `--bom` begins
the file with a UTF-8 byte order mark, for spreadsheets that guess the encoding otherwise. Lines
end in CRLF and values are quoted as RFC 4180 and the 'excel' dialect want them.

Event columns:

  position           the event's place in the log (1, 2, ...)
  id                 its ULID
  type               its type, e.g. statement_made
  occurred_earliest  the first day it may have happened (YYYY-MM-DD)
  occurred_latest    the last day it may have happened (YYYY-MM-DD)
  precision          how precise that date is: day, week, month, around, ...
  occurred           the date as people write it: '18 Feb 2025', 'c. 10 Feb 2025', 'Q4 2024?'
  tracks             its tracks, ';'-joined
  actors             its actors, ';'-joined
  summary            its summary (the corrected text, if corrected by the moment)
  claim_status       confirmed, reported, unverified, ... as it stood at the moment
  sources            each source as 'outlet url', joined with ' | '
  recorded_at        when it was logged (UTC, ISO 8601)
  recorded_by        who logged it
  corrected          yes if a correction of it was known at the moment, else no
  retracted          yes if it was retracted by the moment, else no

Track columns (--tracks-table):

  track, title, status, since (the date of the current status), trend, last_activity,
  next_meeting (its title and planned date); an unknown date is left empty.

A value that a spreadsheet would take for a formula is written with a leading "'", and a control
character other than a line break or tab (ESC, a C1 control such as U+009B) or a bidi control
(U+202E...) is written as the visible escape tracker.textsafe gives it ('\\x1b', '\\u202e'): the file
goes to a terminal as often as to a spreadsheet, and neither should act on them (see `cell`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from tracker.present import when
from tracker.publish import Scope, publisher
from tracker.service import EventFilter, EventRow, Tracker
from tracker.textsafe import printable

EVENT_COLUMNS = ("position", "id", "type", "occurred_earliest", "occurred_latest", "precision", "occurred",
                 "tracks", "actors", "summary", "claim_status", "sources", "recorded_at", "recorded_by",
                 "corrected", "retracted")
TRACK_COLUMNS = ("track", "title", "status", "since", "status_claim", "trend", "last_activity", "next_meeting")
PAGE = 1000  # events fetched at a time: a huge log is read page by page, never whole

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """A value made safe for a spreadsheet and a terminal.

    One that begins with '=', '+', '-', '@', a tab or a carriage return gets a leading "'".
    Spreadsheets (Excel, LibreOffice, Google Sheets) run such a cell as a formula when the file is
    opened, so a summary typed or pasted from a hostile source ('=HYPERLINK(...)', '@SUM(...)')
    could fetch a URL or run a command on the reader's machine (CSV injection). The quote makes
    them show it as text.

    Control and bidi characters are shown as visible escapes (tracker.textsafe.printable: ESC is
    '\\x1b', U+202E '\\u202e'), so `export --format csv` on a terminal cannot restyle or reorder
    it; line breaks (CR and LF) and tabs are kept, a cell may hold several lines. Visible rather
    than dropped or U+FFFD: the reader sees that something was there, and which. Everything else
    is kept as is."""
    value = "\r".join(printable(part) for part in value.split("\r"))  # printable escapes CR: keep it
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def event_cells(row: EventRow) -> list[str]:
    """One event, a value per column of EVENT_COLUMNS (before `cell`)."""
    e, occ = row.event, row.event.occurred
    recorded = row.stored.event.recorded_at
    return [str(row.position), row.id, e.type, occ.earliest.isoformat(), occ.latest.isoformat(), occ.precision,
            occ.label(), ";".join(e.tracks), ";".join(e.actors), e.summary, row.claim_status,
            " | ".join(f"{s.outlet} {s.url}" if s.url else s.outlet for s in e.sources),
            recorded.isoformat().replace("+00:00", "Z") if recorded else "", row.recorded_by,
            _yes(row.corrected), _yes(row.retracted)]


def _events(tracker: Tracker, scope: Scope) -> Iterator[EventRow]:
    f, after = EventFilter(tracks=scope.tracks), None
    while page := tracker.events(f, scope.moment, limit=PAGE, after=after, newest_first=False):
        yield from page
        after = page[-1].position


def _tracks(tracker: Tracker, scope: Scope) -> Iterator[list[str]]:
    for s in tracker.tracks(scope.moment):
        if scope.tracks and s.track not in scope.tracks:
            continue
        nxt = s.next_meeting
        yield [s.track, s.title, s.status, when(s.status_since) if s.status_since else "", s.status_claim,
               s.trend.direction,
               when(s.last_activity) if s.last_activity else "", f"{nxt.title} {when(nxt.planned)}" if nxt else ""]


def _csv(header: Sequence[str], rows: Iterator[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)  # the 'excel' dialect: CRLF line ends, quotes where needed
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


@publisher("csv", f"CSV for spreadsheets, one row per event ({', '.join(EVENT_COLUMNS)}); with --tracks-table, "
           f"one row per track ({', '.join(TRACK_COLUMNS)}). Cells that would start a formula begin with \"'\".", ".csv")
def render(tracker: Tracker, scope: Scope) -> str:
    if scope.what == "tracks":
        return _csv(TRACK_COLUMNS, _tracks(tracker, scope))
    return _csv(EVENT_COLUMNS, (event_cells(r) for r in _events(tracker, scope)))

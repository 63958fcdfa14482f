"""`tracker export --format ics`: a calendar of meetings and deadlines that calendar clients read
(parsed back with icalendar), one entry per meeting under a UID that stays the same from export to
export, so a postponement moves the entry (SEQUENCE rises) instead of adding one."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from icalendar import Calendar

from run_cli import tracker
from tracker.service import Tracker

ERDOGAN = "erdogan-saudi-visit-2025@diplomacy-tracker"


def ok(*args: str, db: Path) -> str:
    result = tracker(*args, db=db)
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


def export(db: Path, *args: str, name: str = "out.ics") -> bytes:
    out = db.parent / name
    ok("export", "--format", "ics", "-o", str(out), *args, db=db)
    return out.read_bytes()


def entries(data: bytes) -> dict[str, Any]:
    """The VEVENTs of the file by UID (each UID must appear once)."""
    cal = Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)), uids
    return {str(e["UID"]): e for e in events}


def demo_meetings(db: Path) -> set[str]:
    t = Tracker.open_existing(db)
    try:
        return {m.meeting for tr in t.track_ids() if (s := t.track(tr)) for m in s.meetings}
    finally:
        t.close()


def test_every_meeting_of_the_demo_is_one_entry(demo_db: Path) -> None:
    data = export(demo_db)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    cal = Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and str(cal["X-WR-CALNAME"]).startswith("Diplomacy tracker")
    found = entries(data)
    assert set(found) == {f"{m}@diplomacy-tracker" for m in demo_meetings(demo_db)}
    # A meeting filed on two tracks is one entry, with both tracks as categories.
    msc = found["msc-2025@diplomacy-tracker"]
    assert set(msc["CATEGORIES"].cats) == {"european-role", "transatlantic-defence"}
    assert msc.decoded("DTSTART") == date(2025, 2, 14)  # 14-16 Feb: the span it covers, all day
    assert msc.decoded("DTEND") == date(2025, 2, 17)
    assert "Russia Matters" in str(msc["DESCRIPTION"])


def test_a_postponement_moves_the_same_entry(demo_db: Path) -> None:
    now = entries(export(demo_db))[ERDOGAN]
    assert str(now["SUMMARY"]) == "Erdogan’s trip to Saudi Arabia"
    assert now["SEQUENCE"] == 1
    assert now.decoded("DTSTART") == date(2025, 3, 10) and now.decoded("DTEND") == date(2025, 3, 11)
    assert str(now["STATUS"]) == "CONFIRMED"
    text = str(now["DESCRIPTION"])
    assert "Postponed from 19 Feb 2025 to 10 Mar 2025" in text and "Unattributed news report, Riyadh" in text

    before = entries(export(demo_db, "--as-of", "2025-02-17", name="before.ics"))[ERDOGAN]
    assert before["SEQUENCE"] == 0
    assert before.decoded("DTSTART") == date(2025, 2, 19)
    assert before.decoded("DTSTAMP") < now.decoded("DTSTAMP")  # what a client compares after SEQUENCE

    # As known at the end of 17 Feb: the trip was logged on 18 Feb, so it is not in the calendar yet.
    assert ERDOGAN not in entries(export(demo_db, "--known-at", "2025-02-17", name="known.ics"))


def test_two_exports_are_byte_identical(demo_db: Path) -> None:
    assert export(demo_db, name="a.ics") == export(demo_db, name="b.ics")
    assert export(demo_db, "--as-of", "2025-02-17", name="c.ics") == export(demo_db, "--as-of", "2025-02-17",
                                                                           name="d.ics")


def test_track_limits_it(demo_db: Path) -> None:
    found = entries(export(demo_db, "--track", "transatlantic-defence"))
    assert set(found) == {"msc-2025@diplomacy-tracker", "msc-2025-panel-adversarial-alignment@diplomacy-tracker"}
    assert all("transatlantic-defence" in e["CATEGORIES"].cats for e in found.values())
    assert ERDOGAN not in found


def test_a_cancelled_meeting_and_text_from_the_log(demo_db: Path) -> None:
    ok("log", "meeting-cancelled", "--when", "2025-02-19", "--track", "ukraine-settlement", "--summary",
       "Macron's meeting called off", "--meeting", "macron-ukraine-meeting-2025-02-19", "--by", "fra",
       "--reason", "Too soon,\nsaid an aide; see \\annex", "--source", "Le Monde, Paris",
       "--url", "https://example.org/a,b;c", db=demo_db)
    title = 'Talks, round 2; "Geneva" \\ annex\nsecond line'
    ok("log", "meeting-scheduled", "--when", "2025-02-18", "--track", "ukraine-settlement", "--summary", "Talks set",
       "--meeting", "geneva-2", "--title", title, "--planned", "week of 10 Mar 2025", "--status", "reported",
       db=demo_db)
    ok("log", "meeting-scheduled", "--when", "2025-02-18", "--track", "ukraine-settlement", "--summary", "Call set",
       "--meeting", "call-3", "--title", "Call", "--planned", "2025-03-03 14:30", "--source", "Reuters", db=demo_db)
    data = export(demo_db)
    found = entries(data)

    cancelled = found["macron-ukraine-meeting-2025-02-19@diplomacy-tracker"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    # Logged after the meeting was in the calendar: a change a client must take (RFC 5546 CANCEL).
    assert cancelled["SEQUENCE"] == 1 and cancelled.decoded("DTSTART") == date(2025, 2, 19)
    text = str(cancelled["DESCRIPTION"])
    assert "Status: cancelled" in text and "Reason: Too soon,\nsaid an aide; see \\annex" in text
    assert "Le Monde, Paris https://example.org/a,b;c" in text

    # Commas, semicolons, backslashes and newlines in a title come back as they were typed.
    geneva = found["geneva-2@diplomacy-tracker"]
    assert str(geneva["SUMMARY"]) == title
    assert str(geneva["STATUS"]) == "TENTATIVE"  # only reported
    assert geneva.decoded("DTSTART") == date(2025, 3, 10) and geneva.decoded("DTEND") == date(2025, 3, 17)
    assert b"SUMMARY:Talks\\, round 2\\; \"Geneva\" \\\\ annex\\nsecond line\r\n" in data

    call = found["call-3@diplomacy-tracker"]
    assert call.decoded("DTSTART") == datetime(2025, 3, 3, 14, 30)  # timed (floating: no zone is logged)
    assert "DTEND" not in call


def test_deadlines_are_entries(demo_db: Path) -> None:
    ok("log", "deadline-set", "--when", "2025-02-18", "--track", "ukraine-settlement", "--summary", "Deadline set",
       "--deadline", "ceasefire-terms", "--title", "Ceasefire terms", "--due", "2025-03-01", "--source", "Reuters",
       db=demo_db)
    entry = entries(export(demo_db))["deadline.ceasefire-terms@diplomacy-tracker"]
    assert str(entry["SUMMARY"]) == "Deadline: Ceasefire terms"
    assert entry.decoded("DTSTART") == date(2025, 3, 1) and entry["SEQUENCE"] == 0
    assert "Reuters" in str(entry["DESCRIPTION"])


def test_a_time_given_with_an_offset_says_utc_everywhere_and_one_without_stays_as_written(demo_db: Path) -> None:
    """'17:00 +03:00' is stored as 14:00 in UTC: every view says 'UTC' beside it (a reader would
    otherwise take 14:00 for the local time it was not), and the calendar entry is that instant."""
    ok("log", "meeting-scheduled", "--when", "2025-02-18", "--track", "ukraine-settlement", "--summary",
       "Moscow call set", "--meeting", "call-msk", "--title", "Moscow call", "--planned", "2025-03-03 17:00 +03:00",
       "--source", "TASS", db=demo_db)
    ok("log", "meeting-scheduled", "--when", "2025-02-18", "--track", "ukraine-settlement", "--summary",
       "Local call set", "--meeting", "call-local", "--title", "Local call", "--planned", "2025-03-03 17:00",
       "--source", "TASS", db=demo_db)
    shown = ok("status", "ukraine-settlement", db=demo_db)
    assert "3 Mar 2025 14:00 UTC" in shown and "3 Mar 2025 17:00" in shown
    assert "3 Mar 2025 17:00 UTC" not in shown
    listed = json.loads(ok("status", "ukraine-settlement", "--json", db=demo_db))
    planned = {m["meeting"]: m["planned"] for m in listed["meetings"]}
    assert planned["call-msk"]["time"] == "14:00:00Z" and planned["call-msk"]["edtf"] == "2025-03-03T14:00:00Z"
    assert planned["call-local"]["time"] == "17:00:00" and planned["call-local"]["edtf"] == "2025-03-03T17:00:00"
    found = entries(export(demo_db))
    assert found["call-msk@diplomacy-tracker"].decoded("DTSTART") == datetime(2025, 3, 3, 14, 0, tzinfo=UTC)
    assert found["call-local@diplomacy-tracker"].decoded("DTSTART") == datetime(2025, 3, 3, 17, 0)  # floating


def log(db: Path, *args: str) -> str:
    """Log one event; its id."""
    out: dict[str, Any] = json.loads(ok("log", *args, "--json", db=db))
    return str(out["id"])


def test_an_open_ended_date_is_its_one_known_day(demo_db: Path) -> None:
    """'from 10 Jan 2027 on' is stored as 10 Jan 2027 to 31 Dec 2200, 'until ...' from 1 Jan
    1800: a calendar entry over either span would be absurd. The entry is the day that is known."""
    for meeting, planned in (("open-on", "from 10 Jan 2027 on"), ("open-until", "until 10 Jan 2027")):
        log(demo_db, "meeting-scheduled", "--when", "2025-02-18", "--track", "ukraine-settlement", "--summary",
            "Talks set", "--meeting", meeting, "--title", meeting, "--planned", planned, "--source", "Reuters")
    log(demo_db, "deadline-set", "--when", "2025-02-18", "--track", "ukraine-settlement", "--summary", "Deadline set",
        "--deadline", "open-due", "--title", "Open due", "--due", "from 1 Jan 2027 on", "--source", "Reuters")
    found = entries(export(demo_db))
    for uid, day in (("open-on", date(2027, 1, 10)), ("open-until", date(2027, 1, 10)),
                     ("deadline.open-due", date(2027, 1, 1))):
        entry = found[f"{uid}@diplomacy-tracker"]
        assert entry.decoded("DTSTART") == day and entry.decoded("DTEND") == date.fromordinal(day.toordinal() + 1), uid
        assert "open-ended" in str(entry["DESCRIPTION"]), uid


class Subscriber:
    """A calendar client subscribed to the export: after each step it reads the file again and
    checks that the entry's SEQUENCE and DTSTAMP never went down (else it keeps what it had)."""

    def __init__(self, db: Path, uid: str) -> None:
        self.db, self.uid, self.seen = db, uid, (-1, datetime.min.replace(tzinfo=UTC))

    def read(self) -> Any:
        entry = entries(export(self.db, name="sub.ics"))[self.uid]
        now = (int(entry["SEQUENCE"]), entry.decoded("DTSTAMP"))
        assert now[0] >= self.seen[0] and now[1] >= self.seen[1], (now, self.seen)
        self.seen = now
        return entry


def recorded(db: Path, event_id: str) -> datetime:
    t = Tracker.open_existing(db)
    try:
        stored = t.get(event_id)
        assert stored is not None and stored.event.recorded_at is not None
        return stored.event.recorded_at.astimezone(UTC).replace(microsecond=0)
    finally:
        t.close()


def test_sequence_and_dtstamp_follow_every_change_and_never_go_back(demo_db: Path) -> None:
    db, track = demo_db, ("--track", "ukraine-settlement")
    client = Subscriber(db, "geneva-3@diplomacy-tracker")
    scheduled = log(db, "meeting-scheduled", "--when", "2025-02-18", *track, "--summary", "Talks set",
                    "--meeting", "geneva-3", "--title", "Geneva round 3", "--planned", "2025-03-10 15:00",
                    "--source", "Reuters")
    entry = client.read()
    assert (entry["SEQUENCE"], entry.decoded("DTSTART")) == (0, datetime(2025, 3, 10, 15, 0))
    assert entry.decoded("DTSTAMP") == recorded(db, scheduled)

    moved = log(db, "meeting-postponed", "--when", "2025-02-19", *track, "--summary", "Talks moved",
                "--meeting", "geneva-3", "--to-date", "2025-03-20", "--source", "Reuters")
    entry = client.read()
    assert (entry["SEQUENCE"], entry.decoded("DTSTART")) == (1, date(2025, 3, 20))

    # The postponement was wrong: the entry goes back to 10 Mar, and that is one more change.
    retracted = log(db, "retraction", "--when", "2025-02-20", *track, "--summary", "Not moved",
                    "--target", moved, "--reason", "misreported")
    entry = client.read()
    assert (entry["SEQUENCE"], entry.decoded("DTSTART")) == (2, datetime(2025, 3, 10, 15, 0))
    assert str(entry["STATUS"]) == "CONFIRMED" and entry.decoded("DTSTAMP") == recorded(db, retracted)

    # A correction of the planned date moves it: one more.
    corrected = log(db, "correction", "--when", "2025-02-20", *track, "--summary", "Right date",
                    "--target", scheduled, "--changes", '{"planned": {"earliest": "2025-03-12", '
                    '"latest": "2025-03-12", "precision": "day", "time": "15:00:00"}}', "--reason", "typo")
    entry = client.read()
    assert (entry["SEQUENCE"], entry.decoded("DTSTART")) == (3, datetime(2025, 3, 12, 15, 0))
    assert entry.decoded("DTSTAMP") == recorded(db, corrected)

    # A correction the entry does not show changes neither.
    log(db, "correction", "--when", "2025-02-20", *track, "--summary", "Wording", "--target", scheduled,
        "--changes", '{"summary": "Talks set for Geneva"}', "--reason", "wording")
    entry = client.read()
    assert entry["SEQUENCE"] == 3 and entry.decoded("DTSTAMP") == recorded(db, corrected)

    # Postponed with no new date: still on its day and time, but no longer confirmed.
    log(db, "meeting-postponed", "--when", "2025-02-21", *track, "--summary", "Talks off for now",
        "--meeting", "geneva-3", "--from-date", "2025-03-12", "--source", "Reuters")
    entry = client.read()
    assert (entry["SEQUENCE"], entry.decoded("DTSTART"), str(entry["STATUS"])) == (
        4, datetime(2025, 3, 12, 15, 0), "TENTATIVE")
    assert str(entry["SUMMARY"]) == "Geneva round 3 (postponed, no new date yet)"
    assert "no new date yet" in str(entry["DESCRIPTION"])

    cancelled = log(db, "meeting-cancelled", "--when", "2025-02-22", *track, "--summary", "Talks called off",
                    "--meeting", "geneva-3", "--source", "Reuters")
    entry = client.read()
    assert (entry["SEQUENCE"], str(entry["STATUS"])) == (5, "CANCELLED")
    assert entry.decoded("DTSTAMP") == recorded(db, cancelled)


def test_a_deadline_extension_retracted_raises_sequence_again(demo_db: Path) -> None:
    db, track = demo_db, ("--track", "ukraine-settlement")
    client = Subscriber(db, "deadline.terms@diplomacy-tracker")
    log(db, "deadline-set", "--when", "2025-02-18", *track, "--summary", "Deadline set", "--deadline", "terms",
        "--title", "Terms", "--due", "2025-03-01", "--source", "Reuters")
    assert client.read()["SEQUENCE"] == 0
    extended = log(db, "deadline-extended", "--when", "2025-02-19", *track, "--summary", "Deadline moved",
                   "--deadline", "terms", "--to-date", "2025-03-15", "--source", "Reuters")
    entry = client.read()
    assert (entry["SEQUENCE"], entry.decoded("DTSTART")) == (1, date(2025, 3, 15))
    log(db, "retraction", "--when", "2025-02-20", *track, "--summary", "Not moved", "--target", extended,
        "--reason", "misreported")
    entry = client.read()
    assert (entry["SEQUENCE"], entry.decoded("DTSTART")) == (2, date(2025, 3, 1))


def test_the_calendar_follows_every_event_type_of_a_meeting_and_a_deadline() -> None:
    """calendar.FIELDS (which events bear on an entry) is the projections' own list, spelled out
    because a view may not import the folds (tests/unit/test_layers.py)."""
    from projections.families import deadlines, meetings
    from tracker.publish.calendar import FIELDS

    assert FIELDS == {**{t: ("meeting", name) for t, name in meetings.ENTITY.ids.items()},
                      **{t: ("deadline", name) for t, name in deadlines.ENTITY.ids.items()}}

"""Deadlines (projections.families.deadlines): set, extended, met by an event, missed, passed; as of a
date and as known at a moment, on a negotiation whose final deal came after five extensions."""

# mypy: disable-error-code="union-attr"

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from test_projections import ev

from projections.diff import diff
from projections.moment import Moment
from projections.records import Ev
from projections.replay import replay_track
from projections.state import Deadline, TrackState
from projections.trend import score
from tracker.present import Names, sections

T = ("iran-nuclear",)
DEADLINE = "comprehensive-deal"


def day(text: str) -> dict[str, str]:
    return {"earliest": text, "latest": text, "precision": "day"}


def at(text: str) -> str:
    return f"{text}T18:00:00"


def story() -> list[Ev]:
    """The interim deal, a deadline for the final one extended five times, met by the final deal
    (logged the day after). The first extension was logged two days late."""
    interim = ev("agreement_reached", "2013-11-24", recorded=at("2013-11-24"), tracks=T, agreement="jpoa",
                 title="Joint Plan of Action", parties=["irn", "p5"])
    out = [interim,
           ev("deadline_set", "2014-01-20", recorded=at("2014-01-20"), tracks=T, deadline=DEADLINE,
              title="Comprehensive deal", due=day("2014-07-20"), set_by=["irn", "p5"],
              consequence="the interim deal lapses")]
    moves = [("2014-07-19", "2014-11-24", "2014-07-21"), ("2014-11-24", "2015-06-30", "2014-11-24"),
             ("2015-06-30", "2015-07-07", "2015-06-30"), ("2015-07-07", "2015-07-10", "2015-07-07"),
             ("2015-07-10", "2015-07-13", "2015-07-10")]
    for when, to, logged in moves:
        out.append(ev("deadline_extended", when, recorded=at(logged), tracks=T, deadline=DEADLINE,
                      to_date=day(to), by=["irn", "p5"], reason="talks continue"))
    final = ev("agreement_reached", "2015-07-14", recorded=at("2015-07-15"), tracks=T, agreement="jcpoa",
               title="Joint Comprehensive Plan of Action", parties=["irn", "p5"])
    out += [final, ev("deadline_met", "2015-07-14", recorded=at("2015-07-15"), tracks=T, deadline=DEADLINE,
                      met_by=final.id)]
    return out


def state(events: list[Ev], as_of: str | None = None, known_at: str | None = None) -> TrackState:
    moment = Moment(as_of=date.fromisoformat(as_of) if as_of else None,
                    known_at=datetime.fromisoformat(known_at).replace(tzinfo=UTC) if known_at else None)
    found = replay_track(events, T[0], moment, today=date.fromisoformat(as_of) if as_of else date(2026, 1, 1))
    assert found is not None
    return found


def the(s: TrackState) -> Deadline | None:
    return next((d for d in s.deadlines if d.deadline == DEADLINE), None)


def shape(d: Deadline | None) -> tuple[Any, ...] | None:
    return None if d is None else (d.status, len(d.extensions), d.due.earliest.isoformat() if d.due else None)


def test_the_deadline_at_a_dozen_dates() -> None:
    events = story()
    expected: list[tuple[str, tuple[Any, ...] | None]] = [
        ("2013-12-01", None),
        ("2014-01-20", ("pending", 0, "2014-07-20")),
        ("2014-07-18", ("pending", 0, "2014-07-20")),
        ("2014-07-19", ("extended", 1, "2014-11-24")),
        ("2014-11-23", ("extended", 1, "2014-11-24")),
        ("2014-11-24", ("extended", 2, "2015-06-30")),
        ("2015-06-30", ("extended", 3, "2015-07-07")),
        ("2015-07-08", ("extended", 4, "2015-07-10")),
        ("2015-07-11", ("extended", 5, "2015-07-13")),
        ("2015-07-14", ("met", 5, "2015-07-13")),
        ("2016-01-16", ("met", 5, "2015-07-13")),
    ]
    for as_of, want in expected:
        assert shape(the(state(events, as_of))) == want, as_of
    s = state(events, "2014-02-01")
    assert s.next_deadline is not None and s.next_deadline.deadline == DEADLINE and s.next_deadline.upcoming
    d = the(state(events, "2015-07-14"))
    final = events[-2]
    assert (d.met_by, d.met_by_title, d.met_by_type) == (final.id, "Joint Comprehensive Plan of Action",
                                                          "agreement_reached")
    assert d.original_due.earliest == date(2014, 7, 20) and d.closed.earliest == date(2015, 7, 14)
    assert [x.to_date.earliest.isoformat() for x in d.extensions] == [
        "2014-11-24", "2015-06-30", "2015-07-07", "2015-07-10", "2015-07-13"]
    assert d.extensions[0].from_date.earliest.isoformat() == "2014-07-20"
    assert state(events, "2015-07-14").next_deadline is None
    # Its own events, and the agreement that met it (`why` lists it).
    assert set(d.event_ids) == {e.id for e in events if e.type.startswith("deadline_")} | {final.id}


def test_a_due_date_over_with_nothing_logged_has_passed() -> None:
    events = story()
    # As of 21 Jul 2014, as known on the 20th: the extension of the 19th was not logged yet.
    d = the(state(events, "2014-07-21", "2014-07-20T23:59:59"))
    assert shape(d) == ("passed", 0, "2014-07-20") and not d.upcoming
    assert shape(the(state(events, "2014-07-21", "2014-07-21T23:59:59"))) == ("extended", 1, "2014-11-24")
    # The deal was logged on the 15th: as known on the 14th, the deadline of the 13th had passed.
    assert shape(the(state(events, "2015-07-14", "2015-07-14T23:59:59"))) == ("passed", 5, "2015-07-13")
    assert shape(the(state(events, "2015-07-14", "2015-07-15T23:59:59"))) == ("met", 5, "2015-07-13")
    # Now, as known on 12 Jul 2015: extended five times, and due on the 13th.
    assert shape(the(state(events, None, "2015-07-12T23:59:59"))) == ("passed", 5, "2015-07-13")


def test_missed_and_a_denied_met() -> None:
    base = story()[:3]  # the interim deal, the deadline, one extension
    missed = ev("deadline_missed", "2014-11-25", recorded=at("2014-11-25"), tracks=T, deadline=DEADLINE,
                note="no deal")
    d = the(state([*base, missed], "2014-12-01"))
    assert (d.status, d.note, d.closed.earliest) == ("missed", "no deal", date(2014, 11, 25))
    # Missed, then extended all the same: the latest word counts.
    again = ev("deadline_extended", "2014-11-26", recorded=at("2014-11-26"), tracks=T, deadline=DEADLINE,
               to_date=day("2015-06-30"))
    assert shape(the(state([*base, missed, again], "2014-12-01"))) == ("extended", 2, "2015-06-30")
    met = ev("deadline_met", "2014-11-20", recorded=at("2014-11-20"), tracks=T, deadline=DEADLINE, met_by=base[0].id)
    denial = ev("claim_status_changed", "2014-11-21", recorded=at("2014-11-21"), tracks=T, target=met.id,
                new_status="denied")
    d = the(state([*base, met], "2014-11-20"))
    assert d.status == "met" and d.met_by_title == "Joint Plan of Action"
    assert shape(the(state([*base, met, denial], "2014-11-22"))) == ("extended", 1, "2014-11-24")


def test_the_diff_says_what_happened_to_the_deadline() -> None:
    events = story()

    def changes(d1: str, d2: str) -> list[tuple[str, str]]:
        out = diff(state(events, d1), state(events, d2), T[0], d1, d2)
        return [(c.kind, c.description) for c in out.changes if c.kind.startswith("deadline")]

    assert changes("2014-01-01", "2014-02-01") == [
        ("deadline_set", "Comprehensive deal: deadline set, due 20 Jul 2014")]
    assert changes("2014-02-01", "2014-12-01") == [
        ("deadline_extended", "Comprehensive deal: deadline extended from 20 Jul 2014 to 24 Nov 2014 by irn, p5"),
        ("deadline_extended", "Comprehensive deal: deadline extended from 24 Nov 2014 to 30 Jun 2015 by irn, p5")]
    met = changes("2015-07-12", "2015-07-15")
    assert met[-1] == ("deadline_met", ("Comprehensive deal: deadline met by Joint Comprehensive Plan of Action "
                                        "(agreement reached) (14 Jul 2015)"))
    missed = [*events[:2], ev("deadline_missed", "2014-07-21", recorded=at("2014-07-21"), tracks=T, deadline=DEADLINE)]
    out = diff(state(missed, "2014-07-01"), state(missed, "2014-08-01"), T[0], "a", "b")
    assert [(c.kind, c.description) for c in out.changes if c.kind.startswith("deadline")] == [
        ("deadline_missed", "Comprehensive deal: deadline missed (due 20 Jul 2014; said 21 Jul 2014)")]
    out = diff(state(events[:2], "2014-07-01"), state(events[:2], "2014-08-01"), T[0], "a", "b")
    assert [c.kind for c in out.changes if c.kind.startswith("deadline")] == ["deadline_passed"]


def test_the_sections_show_the_deadline_and_the_next_one() -> None:
    events = story()
    names = Names({"irn": "Iran", "p5": "P5+1"})
    shown = {s.key: [ln.text for ln in lines] for s, lines in sections(state(events, "2015-07-01"), names)}
    assert shown["next_deadline"] == ["Comprehensive deal, due 7 Jul 2015 (extended 3×)"]
    assert shown["deadlines"][0] == "Comprehensive deal: due 7 Jul 2015, extended 3× (first due 20 Jul 2014)"
    assert shown["deadlines"][1] == "set by Iran, P5+1; if missed: the interim deal lapses"
    assert "extended 20 Jul 2014 -> 24 Nov 2014 by Iran, P5+1 (19 Jul 2014): talks continue" in shown["deadlines"]
    assert "meetings" not in shown and "upcoming" not in shown  # a deadline is not a meeting
    shown = {s.key: [ln.text for ln in lines] for s, lines in sections(state(events, "2015-08-01"), names)}
    assert "next_deadline" not in shown
    assert shown["deadlines"][0] == ("Comprehensive deal: met 14 Jul 2015 by Joint Comprehensive Plan of Action "
                                     "(agreement reached) (due 13 Jul 2015), extended 5× (first due 20 Jul 2014)")


def test_scores_for_the_trend() -> None:
    assert [score({"type": t}) for t in ("deadline_set", "deadline_extended", "deadline_met", "deadline_missed")] \
        == [1, -1, 2, -2]

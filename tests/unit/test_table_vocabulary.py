"""Who is at the table (projections.families.table) with the vocabulary of issue 17: parties that
join and leave, withdraw from the agreement that seated them, meetings that are not talks, and the
mediators and observers of talks; as of several dates, as known at several times, in any order."""

# mypy: disable-error-code="union-attr"

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from test_projections import ev

from projections.diff import diff as track_diff
from projections.moment import Moment
from projections.records import Ev
from projections.replay import replay_track
from projections.state import Change, TrackState

CAST = [ev("actor_described", "2025-01-01", actor=a, name=a.title(), kind=k, affiliation=aff)
        for a, k, aff in (("rubio", "person", "usa"), ("lavrov", "person", "rus"), ("usa", "state", None),
                          ("rus", "state", None), ("fra", "state", None), ("eu", "bloc", None),
                          ("bremmer", "person", None), ("msc", "organisation", None), ("sau", "state", None),
                          ("qat", "state", None), ("un", "organisation", None))]


def state(events: list[Ev], as_of: str | None = None, known_at: str | None = None) -> TrackState:
    moment = Moment(as_of=date.fromisoformat(as_of) if as_of else None,
                    known_at=datetime.fromisoformat(known_at).replace(tzinfo=UTC) if known_at else None)
    found = replay_track([*CAST, *events], "t", moment, today=date(2025, 12, 31))
    assert found is not None
    return found


def table(s: TrackState) -> list[str]:
    return [p.actor for p in s.parties]


def left(s: TrackState) -> dict[str, tuple[str | None, str | None]]:
    return {d.actor: (d.reason, d.agreement) for d in s.left}


def diff(a: TrackState, b: TrackState) -> list[Change]:
    return list(track_diff(a, b, "t", "before", "after").changes)


def held(when: str, participants: list[str], **kw: Any) -> Ev:
    return ev("meeting_held", when, meeting=f"m-{when}-{kw.get('kind') or 'talks'}", title="Talks", participants=participants, **kw)


# -- meetings: only talks seat their participants ----------------------------------------------------
def test_a_consultation_or_a_conference_seats_no_one() -> None:
    events = [held("2025-02-15", ["bremmer"], kind="conference", host="msc"),
              held("2025-02-17", ["eu", "fra"], kind="consultation", host="fra")]
    s = state(events)
    assert table(s) == [] and s.mediators == ()  # nor are their hosts mediators of the negotiation
    events.append(held("2025-02-18", ["rubio", "lavrov"], host="sau"))  # kind not given: talks
    assert table(state(events, "2025-02-17")) == []
    s = state(events, "2025-02-18")
    assert table(s) == ["rus", "usa"]
    assert [(m.actor, m.role, m.offered) for m in s.mediators] == [("sau", "host", False)]
    assert table(state([held("2025-02-18", ["usa"], kind="talks")])) == ["usa"]


def test_mediators_and_observers_of_talks_are_not_parties() -> None:
    events = [held("2025-03-11", ["usa", "ukr"], kind="talks", host="sau", mediators=["qat"], observers=["un"])]
    s = state(events)
    assert table(s) == ["ukr", "usa"]
    assert [(m.actor, m.role, m.offered) for m in s.mediators] == [("qat", "mediator", False), ("sau", "host", False)]
    assert [(o.actor, o.role) for o in s.observers] == [("un", "observer")]
    # The host that takes part is a party, not a host.
    assert table(state([held("2025-03-11", ["usa", "sau"], host="sau")])) == ["sau", "usa"]


# -- joining and leaving ----------------------------------------------------------------------------
def test_joined_until_left_with_the_reasons_at_each_date() -> None:
    events = [ev("party_joined", "2025-03-01", parties=["usa"], reason="invited by both sides"),
              ev("party_joined", "2025-03-02", parties=["qat"], role="mediator"),
              ev("party_joined", "2025-03-02", parties=["un"], role="observer"),
              ev("party_left", "2025-03-10", parties=["rubio"], reason="no progress"),  # counts for usa
              ev("party_left", "2025-03-12", parties=["un"]),
              ev("party_joined", "2025-03-20", parties=["usa"], reason="talks resume")]
    assert table(state(events, "2025-02-28")) == []
    s = state(events, "2025-03-05")
    assert [(p.actor, p.reason) for p in s.parties] == [("usa", "invited by both sides")]
    assert [(m.actor, m.role) for m in s.mediators] == [("qat", "mediator")]
    assert [(o.actor, o.role) for o in s.observers] == [("un", "observer")]
    s = state(events, "2025-03-10")
    assert table(s) == [] and left(s) == {"usa": ("no progress", None)} and s.excluded == ()
    assert [o.actor for o in state(events, "2025-03-12").observers] == []  # un left its role too
    s = state(events, "2025-03-20")
    assert table(s) == ["usa"] and "usa" not in left(s)

    changes = diff(state(events, "2025-03-05"), state(events, "2025-03-10"))
    assert [(c.kind, c.description) for c in changes if c.subject == "usa"] == [
        ("party_left", "usa left the table (10 Mar 2025): no progress")]
    changes = diff(state(events, "2025-02-28"), state(events, "2025-03-01"))
    assert [(c.kind, c.description) for c in changes] == [
        ("party_joined", "usa joined the table as a party (1 Mar 2025): invited by both sides")]


def test_the_diff_dates_joining_by_the_first_seat_in_the_window_not_the_latest() -> None:
    """China seated by the talks of 16 Oct and again on 24 Nov: it joined on 16 Oct. Back after
    leaving, the first seat of the new stretch is not kept: said so, with the latest seat."""
    events = [ev("track_opened", "2013-01-01", track="t", title="Talks"),
              held("2013-10-16", ["chn", "usa"]), held("2013-11-24", ["chn", "usa"]),
              ev("party_left", "2014-01-10", parties=["chn"], reason="talks stalled"),
              held("2014-03-01", ["chn", "usa"]), held("2014-04-01", ["chn", "usa"])]
    s = state(events, "2013-12-01")
    assert [(p.actor, p.since.label(), p.occurred.label()) for p in s.parties] == [
        ("chn", "16 Oct 2013", "24 Nov 2013"), ("usa", "16 Oct 2013", "24 Nov 2013")]
    changes = diff(state(events, "2013-10-01"), s)
    assert [c.description for c in changes if c.kind == "party_joined"] == [
        "chn joined the table as a party (16 Oct 2013)", "usa joined the table as a party (16 Oct 2013)"]
    assert changes[0].event_ids == (events[1].id, events[2].id)  # the first seat, then the latest
    back = diff(state(events, "2014-02-01"), state(events, "2014-05-01"))
    assert [c.description for c in back if c.kind == "party_joined"] == [
        "chn back at the table as a party (last seated 1 Apr 2014)"]
    assert state(events, "2014-05-01").parties[0].since is None


def test_the_first_seat_does_not_depend_on_the_order_of_events() -> None:
    events = [held("2013-10-16", ["chn"]), held("2013-11-24", ["chn"]), held("2013-09-01", ["chn"], kind="consultation")]
    for order in (events, events[::-1], [events[1], events[2], events[0]]):
        assert state(order).parties[0].since.label() == "16 Oct 2013"


def test_speaking_about_a_track_makes_no_one_an_observer() -> None:
    """Observers are those with the observer role (at talks held on the track, or joining as one), not
    everyone who spoke: their stances are in the stances."""
    events = [ev("track_opened", "2025-01-01", track="t", title="Talks"),
              ev("statement_made", "2025-02-17", speaker="lavrov", on_behalf_of="rus", issue="peace",
                 stance="opposes"),
              ev("analysis_published", "2025-02-17", publisher="bremmer", title="Notes", findings=["x"]),
              held("2025-02-18", ["usa", "ukr"], observers=["un"])]
    s = state(events, "2025-02-17")
    assert s.observers == ()
    s = state(events, "2025-02-18")
    assert [(o.actor, o.role) for o in s.observers] == [("un", "observer")]
    changes = diff(state(events, "2025-02-16"), s)
    assert [c.description for c in changes if c.kind == "observer"] == ["un at the table as observer"]


def test_a_legacy_self_exclusion_reads_as_leaving() -> None:
    """Before party_left, leaving was logged as excluding oneself: read as leaving, not as an exclusion."""
    events = [ev("agreement_reached", "2018-01-01", agreement="deal", title="Deal", parties=["usa", "irn"]),
              ev("party_excluded", "2018-05-08", excluded=["usa"], by=["usa"], reason="a terrible deal")]
    s = state(events)
    assert table(s) == ["irn"] and s.excluded == () and left(s) == {"usa": ("a terrible deal", None)}
    changes = [c for c in diff(state(events, "2018-05-01"), s) if c.subject == "usa"]
    assert [c.kind for c in changes] == ["party_left"]
    assert "excluded" not in changes[0].description and "a terrible deal" in changes[0].description
    # Excluded by itself and by another: an exclusion (the other's) stands.
    events = [*events[:1], ev("party_excluded", "2018-05-08", excluded=["usa"], by=["usa", "irn"])]
    s = state(events)
    assert [(x.actor, x.by) for x in s.excluded] == [("usa", ("irn",))] and left(s) == {}


# -- withdrawing from an agreement ------------------------------------------------------------------
def test_withdrawing_from_the_agreement_that_seated_a_party_takes_it_off_the_table() -> None:
    events = [ev("agreement_reached", "2015-07-14", agreement="jcpoa", title="JCPOA", parties=["usa", "irn", "fra"]),
              ev("agreement_withdrawn", "2018-05-08", agreement="jcpoa", party="usa", reason="a terrible deal")]
    assert table(state(events, "2018-05-07")) == ["fra", "irn", "usa"]
    s = state(events, "2018-05-08")
    assert table(s) == ["fra", "irn"] and left(s) == {"usa": ("a terrible deal", "jcpoa")}
    changes = [c for c in diff(state(events, "2018-05-07"), s) if c.kind == "party_left"]
    assert [c.description for c in changes] == [
        "usa left the table (withdrew from JCPOA, 8 May 2018): a terrible deal"]  # by its title
    assert changes[0].event_ids == (events[1].id,)


def test_a_withdrawal_leaves_a_party_seated_since_by_talks_or_another_agreement() -> None:
    deal = ev("agreement_reached", "2015-07-14", agreement="jcpoa", title="JCPOA", parties=["usa", "irn"])
    out = ev("agreement_withdrawn", "2018-05-08", agreement="jcpoa", party="usa")
    talks = held("2016-01-10", ["rubio", "irn"])
    other = ev("agreement_reached", "2016-02-01", agreement="swap", title="Swap", parties=["usa", "irn"])
    assert table(state([deal, talks, out])) == ["irn", "usa"]  # took part in talks after the deal
    assert table(state([deal, other, out])) == ["irn", "usa"]  # seated since by another agreement
    old = ev("agreement_reached", "2014-01-01", agreement="old", title="Old", parties=["usa", "irn"])
    assert table(state([old, deal, ev("agreement_withdrawn", "2018-05-08", agreement="old", party="usa")])) \
        == ["irn", "usa"]  # withdrew from an agreement that is not its latest seat
    assert table(state([out])) == [] and state([out]).left == ()  # from an agreement never seen here


def test_a_withdrawal_that_takes_effect_later_leaves_from_then() -> None:
    events = [ev("agreement_reached", "2016-04-22", agreement="paris", title="Paris", parties=["usa", "fra"]),
              ev("agreement_withdrawn", "2017-06-01", agreement="paris", party="usa", reason="unfair",
                 effective={"earliest": "2020-11-04", "latest": "2020-11-04", "precision": "day"})]
    assert table(state(events, "2019-01-01")) == ["fra", "usa"]
    s = state(events, "2020-11-04")
    assert table(s) == ["fra"] and left(s) == {"usa": ("unfair", "paris")}


def test_signatories_are_parties_to_the_agreement() -> None:
    events = [ev("agreement_signed", "2025-03-01", agreement="deal", signatories=["rubio", "lavrov"])]
    assert table(state(events)) == ["rus", "usa"]
    events.append(ev("agreement_withdrawn", "2025-04-01", agreement="deal", party="rus"))
    assert table(state(events)) == ["usa"]


# -- exclusions and joining: the latest fact counts -----------------------------------------------------
def test_an_exclusion_after_leaving_is_an_exclusion_and_joining_after_it_seats_again() -> None:
    events = [ev("party_joined", "2025-03-01", parties=["eu"]),
              ev("party_left", "2025-03-05", parties=["eu"]),
              ev("party_excluded", "2025-03-08", excluded=["eu"], by=["rus"], reason="not wanted")]
    s = state(events, "2025-03-06")
    assert left(s) == {"eu": (None, None)} and s.excluded == ()
    s = state(events, "2025-03-09")
    assert left(s) == {} and [(x.actor, x.by) for x in s.excluded] == [("eu", ("rus",))]
    events.append(ev("party_joined", "2025-03-20", parties=["eu"]))
    s = state(events)
    assert table(s) == ["eu"] and s.excluded == () and s.left == ()


# -- as known at: what had been logged by then ------------------------------------------------------
def test_known_at_sees_a_departure_only_once_logged() -> None:
    joined = ev("party_joined", "2025-03-01", parties=["usa"], recorded="2025-03-01T12:00:00")
    gone = ev("party_left", "2025-03-10", parties=["usa"], reason="walked out", recorded="2025-03-15T12:00:00")
    events = [joined, gone]
    assert table(state(events, "2025-03-12", known_at="2025-03-12T00:00:00")) == ["usa"]
    assert table(state(events, "2025-03-12", known_at="2025-03-16T00:00:00")) == []
    assert table(state(events, "2025-03-12")) == []
    assert table(state(events, "2025-02-12", known_at="2025-03-16T00:00:00")) == []


def test_the_table_does_not_depend_on_the_order_of_events() -> None:
    events = [ev("agreement_reached", "2015-07-14", agreement="jcpoa", title="JCPOA", parties=["usa", "irn"]),
              held("2016-01-10", ["lavrov", "irn"], mediators=["qat"]),
              ev("party_joined", "2017-01-01", parties=["eu"], role="observer"),
              ev("agreement_withdrawn", "2018-05-08", agreement="jcpoa", party="usa", reason="r"),
              ev("party_excluded", "2018-06-01", excluded=["rus"], by=["rus"]),
              ev("party_left", "2019-01-01", parties=["irn"])]
    expected = state(events)
    assert (table(expected), left(expected)) == ([], {"usa": ("r", "jcpoa"), "rus": (None, None),
                                                      "irn": (None, None)})
    rnd = random.Random(17)
    for _ in range(5):
        shuffled = list(events)
        rnd.shuffle(shuffled)
        assert state(shuffled) == expected


def test_a_contact_about_talks_seats_no_one() -> None:
    """A leaders' call agreeing that their teams will negotiate is not a round of the talks."""
    events = [held("2025-02-12", ["usa", "rus"], kind="contact", format="phone"), held("2025-02-18", ["usa", "rus"])]
    assert table(state(events, "2025-02-17")) == []
    assert table(state(events, "2025-02-18")) == ["rus", "usa"]


def test_diff_reports_a_meeting_moving_to_a_new_format_and_round() -> None:
    scheduled = ev("meeting_scheduled", "2025-03-01", meeting="geneva", title="Geneva talks", planned={
        "earliest": "2025-04-01", "latest": "2025-04-01", "precision": "day"}, format="video", round=2)
    changed = ev("meeting_scheduled", "2025-03-10", meeting="geneva", title="Geneva talks", planned={
        "earliest": "2025-04-01", "latest": "2025-04-01", "precision": "day"}, format="in_person", round=3)
    changes = diff(state([scheduled], "2025-03-05"), state([scheduled, changed], "2025-03-15"))
    assert [c.description for c in changes if c.kind == "meeting_changed"] == [
        "Geneva talks: format video -> in person; round 2 -> 3"]

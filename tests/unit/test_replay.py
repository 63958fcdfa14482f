"""Replay of the bundled demo through the application service (tracker.service)."""

# The assertions here read fields straight off Optional results (state.meeting(id).status): a
# None fails the test right there, which is the check. Narrowing each one would rewrite the
# assertions, so this file's only relaxed check is union-attr.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from projections.moment import Moment
from projections.records import Ev, normalise
from projections.replay import replay_track
from tracker.service import Tracker

DEMO = Path(__file__).resolve().parents[2] / "tracker" / "data" / "demo.jsonl"
pytestmark = pytest.mark.skipif(not DEMO.exists(), reason="the demo data is not written yet")
TRACK = "ukraine-settlement"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    tracker, _ = Tracker.demo(tmp_path_factory.mktemp("demo") / "demo.db")
    yield tracker
    tracker.close()


def on(day: int) -> Moment:
    return Moment(as_of=date(2025, 2, day))


def known(day: int, hour: int = 23) -> datetime:
    return datetime(2025, 2, day, hour, 59, tzinfo=UTC)


def test_before_riyadh_there_are_no_riyadh_talks(demo: Tracker) -> None:
    state = demo.track(TRACK, on(16))
    assert state is not None
    assert state.meeting("riyadh-2025-02-18") is None
    assert not state.agreements and not state.proposals and not state.excluded
    assert state.status == "exploratory"
    assert state.stance("rus", "european-peacekeepers") is None
    visit = state.meeting("erdogan-saudi-visit-2025")
    assert visit is not None and visit.status == "scheduled" and visit.planned.label() == "19 Feb 2025"
    assert state.next_meeting == visit


def test_on_18_february(demo: Tracker) -> None:
    state = demo.track(TRACK, on(18))
    assert state is not None
    assert state.meeting("riyadh-2025-02-18").status == "held"
    assert state.status == "active"
    # The agreed negotiating teams.
    (riyadh,) = [a for a in state.agreements if a.agreement == "riyadh-understandings"]
    assert "appoint-negotiating-teams" in {c.id for c in riyadh.commitments}
    # Russia's opposition to European troops.
    assert state.stance("rus", "european-peacekeepers").stance == "opposes"
    # Zelensky's demand for a seat.
    assert any(d.claimant == "zelensky" and "ukr" in d.seat_for for d in state.seat_demands)
    assert "ukr" in {x.actor for x in state.excluded}
    assert {p.actor for p in state.parties} == {"usa", "rus"}
    # The three-stage plan: reported, then disputed (Lavrov knew nothing of it).
    plan = state.proposal("three-stage-plan")
    assert [c.status for c in plan.claim_history] == ["reported", "disputed"]
    assert plan.claim_history[1].by == ("lavrov",) and plan.claim_status == "disputed"
    # The Erdogan visit: postponed from 19 Feb to 10 March.
    visit = state.meeting("erdogan-saudi-visit-2025")
    assert visit.status == "postponed" and visit.planned.label() == "10 Mar 2025"
    assert [(p.from_date.label(), p.to_date.label()) for p in visit.postponements] == [("19 Feb 2025", "10 Mar 2025")]


def test_as_known_on_18_february_the_plan_was_only_reported(demo: Tracker) -> None:
    then = demo.track(TRACK, Moment(as_of=date(2025, 2, 18), known_at=known(18)))
    assert then is not None
    assert then.proposal("three-stage-plan").claim_status == "reported"
    assert [c.status for c in then.proposal("three-stage-plan").claim_history] == ["reported"]


def test_as_of_and_known_at_combine(demo: Tracker) -> None:
    # As it stood on 15 Feb as known on 17 Feb: less than as known now (later reports of that week).
    then = demo.track(TRACK, Moment(as_of=date(2025, 2, 15), known_at=known(17)))
    now = demo.track(TRACK, Moment(as_of=date(2025, 2, 15)))
    assert now is not None
    assert then is None or then.event_count < now.event_count
    nothing = demo.track(TRACK, Moment(known_at=datetime(2025, 1, 1, tzinfo=UTC)))
    assert nothing is None


def test_imprecise_dates_are_flagged_as_of_a_day_inside_them(demo: Tracker) -> None:
    state = demo.track(TRACK, on(12))
    assert state is not None
    call = state.meeting("trump-putin-call-2025-02")
    assert call is not None and call.uncertain and call.held.precision == "week"
    later = demo.track(TRACK, on(17))
    assert not later.meeting("trump-putin-call-2025-02").uncertain


def test_every_moment_equals_the_pure_fold(demo: Tracker) -> None:
    events = [Ev(p, normalise(json.loads(b))) for p, b in demo.store.iter_bodies(0)]
    moments = [Moment(), *(on(d) for d in range(9, 21))]
    moments += [Moment(as_of=date(2025, 2, d), known_at=known(k, h)) for d in (15, 18) for k in (17, 18, 19) for h in (8, 23)]
    for moment in moments:
        for track in demo.track_ids():
            today = moment.as_of or date.today()
            assert demo.track(track, moment) == replay_track(events, track, moment, today), (track, moment)


def test_corrections_and_retractions_in_the_demo(demo: Tracker) -> None:
    # The misspelt actor was retracted; the analysis it wrote is corrected to Camille Grand.
    ids = {a.id for a in demo.actors()}
    assert "grand" in ids
    assert "camile-grant" not in {a.id for a in demo.actors() if a.name == "Camile Grant"}
    entries = demo.timeline("european-role")
    corrected = [e for e in entries if e.corrected]
    assert corrected and all("Camille Grand" in e.summary for e in corrected)
    before = demo.timeline("european-role", Moment(known_at=known(18)))
    assert not any(e.corrected for e in before)


def test_track_states_lists_every_track_with_its_list_row(demo: Tracker) -> None:
    states = demo.tracks(on(18))
    assert [s.track for s in states] == sorted(s.track for s in states)
    by_id = {s.track: s for s in states}
    assert by_id[TRACK].status == "active" and not by_id[TRACK].detail
    assert by_id[TRACK].next_meeting is not None
    assert by_id[TRACK].trend.window_end == date(2025, 2, 18)
    full = demo.tracks(on(18), detail=True)
    assert {s.track: s for s in full}[TRACK] == demo.track(TRACK, on(18))
    assert len(demo.tracks(on(16))) < len(states)  # tracks opened on 17/18 Feb


def test_timeline_is_in_the_order_things_happened(demo: Tracker) -> None:
    entries = demo.timeline(TRACK)
    keys = [(e.occurred.earliest, e.position) for e in entries]
    assert keys == sorted(keys)
    assert not any(e.type in ("actor_described", "correction", "retraction") for e in entries)
    window = demo.timeline(TRACK, date_from=date(2025, 2, 18), date_to=date(2025, 2, 18), limit=5)
    assert len(window) == 5 and all(e.occurred.latest >= date(2025, 2, 18) for e in window)
    assert window == [e for e in entries if e.occurred.latest >= date(2025, 2, 18) and e.occurred.earliest <= date(2025, 2, 18)][-5:]
    everything = demo.timeline(None, on(16))
    assert everything and all(e.occurred.earliest <= date(2025, 2, 16) for e in everything)
    assert {t for e in everything for t in e.tracks} > {TRACK}


def test_diff_between_16_and_18_february(demo: Tracker) -> None:
    result = demo.diff(TRACK, on(16), on(18))
    kinds = {c.kind for c in result.changes}
    # France hosted the Europeans' Paris consultation, no talks: it speaks on the track, which makes
    # it no observer (observers are those with the role at talks of the track).
    # Rubio's three steps, new in the window with its first step agreed: both said (proposal_stages).
    assert kinds == {"delegation_appointed", "red_line_new", "status", "excluded", "seat_demand", "mediator", "stance_new", "proposal_new",
                     "proposal_stages", "agreement_new", "meeting_held", "meeting_new", "meeting_postponed", "party_joined"}
    # Riyadh seated the US and Russia (the Trump–Putin call before it agreed to talk: a contact, not talks).
    assert sorted(c.subject for c in result.changes if c.kind == "party_joined") == ["rus", "usa"]
    assert any(c.kind == "stance_new" and c.subject == "rus/european-peacekeepers" for c in result.changes)
    postponed = [c for c in result.changes if c.kind == "meeting_postponed"]
    assert postponed and "10 Mar 2025" in postponed[0].description
    assert all(c.event_ids for c in result.changes)
    assert result.before == "as of 16 Feb 2025" and result.after == "as of 18 Feb 2025"


def test_why_returns_the_events_behind_a_fact_and_what_bears_on_them(demo: Tracker) -> None:
    state = demo.track(TRACK, on(18))
    plan = state.proposal("three-stage-plan")
    events = demo.why(plan.event_ids[:1])
    assert events[0].id == plan.event_ids[0]
    assert [e.event.type for e in events[1:]] == ["claim_status_changed"]
    assert events[0].event.sources  # with its sources


def test_actor_state_and_dated_days(demo: Tracker) -> None:
    lavrov = demo.actor("lavrov")
    assert lavrov is not None and lavrov.info.name == "Sergei Lavrov"
    assert any(s.issue == "european-peacekeepers" and s.stance == "opposes" for s in lavrov.statements)
    assert TRACK in lavrov.tracks
    days = demo.dated_days()
    assert days == sorted(set(days)) and date(2025, 2, 18) in days
    raw = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    acts = ("actor_described", "correction", "retraction")
    assert days == sorted({date.fromisoformat(b["occurred"]["earliest"]) for b in raw if b["type"] not in acts})
    # The demo dates descriptions (12 Feb) and corrections (19 Feb) on days with nothing else: not steps.
    assert date(2025, 2, 12) not in days and date(2025, 2, 19) not in days
    k = known(18, 12)
    expected = sorted({date.fromisoformat(b["occurred"]["earliest"]) for b in raw
                       if b["recorded_at"] <= "2025-02-18T12:59:00.000000Z"
                       and b["type"] not in ("actor_described", "correction", "retraction")})
    assert demo.dated_days(k) == expected and len(expected) < len(days)

"""The pure folds: order-insensitivity, snapshots, amendments, claims, dates, trend, timeline, diff."""

# The assertions here read fields straight off Optional results (state.meeting(id).status): a
# None fails the test right there, which is the check. Narrowing each one would rewrite the
# assertions, so this file's only relaxed check is union-attr.
# mypy: disable-error-code="union-attr"

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from test_projections_logs import PROFILE, as_evs, logs, moments

from events import EVENT_ADAPTER, new_id
from projections.amend import amend, resolve, split
from projections.diff import diff
from projections.fold import apply, empty, fold
from projections.moment import Moment
from projections.records import Ev, recorded_text
from projections.replay import prepare, replay_track, state_from_facts, tracks_of
from projections.timeline import timeline
from projections.trend import trend
from tracker.readmodel.model import dumps

_n = iter(range(10**6))


def ev(etype: str, when: str | dict[str, Any] = "2025-02-18", *, position: int | None = None,
       recorded: str = "2025-02-18T12:00:00", tracks: tuple[str, ...] = ("t",), **fields: Any) -> Ev:
    """One stored-form event."""
    n = next(_n)
    occ = when if isinstance(when, dict) else {"earliest": when, "latest": when, "precision": "day"}
    body = {"id": new_id(at=datetime(2025, 2, 1, tzinfo=UTC), randomness=n.to_bytes(10, "big")),
            "type": etype, "occurred": occ, "tracks": list(tracks), "summary": fields.pop("summary", f"{etype} {n}"),
            **fields}
    stored = EVENT_ADAPTER.validate_python(body).model_dump(mode="json")
    stored["recorded_at"] = recorded_text(datetime.fromisoformat(recorded).replace(tzinfo=UTC))
    return Ev(position if position is not None else n + 1, stored)


def statement(speaker: str, issue: str, stance: str, when: str | dict[str, Any] = "2025-02-18", **kw: Any) -> Ev:
    return ev("statement_made", when, speaker=speaker, issue=issue, stance=stance, **kw)


def week(monday: str) -> dict[str, str]:
    d = date.fromisoformat(monday)
    return {"earliest": monday, "latest": d.replace(day=d.day + 6).isoformat(), "precision": "week"}


def acc_text(events: list[Ev], track: str) -> str:
    return dumps(fold(track, (e for e in events if track in e.body["tracks"])))


# -- the fold is order-insensitive, so snapshots compose ---------------------------------------------
@PROFILE
@given(logs(), st.randoms(use_true_random=False))
def test_fold_does_not_depend_on_the_order_of_events(bodies: list[dict[str, Any]], rnd: random.Random) -> None:
    facts = prepare(as_evs(bodies))
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    for track in tracks_of(facts):
        assert acc_text(shuffled, track) == acc_text(facts, track)
        assert state_from_facts(shuffled, track) == state_from_facts(facts, track)


@PROFILE
@given(logs(), st.randoms(use_true_random=False))
def test_snapshot_plus_remaining_events_equals_fold_from_scratch(bodies: list[dict[str, Any]], rnd: random.Random) -> None:
    facts = prepare(as_evs(bodies))
    for track in tracks_of(facts):
        mine = [e for e in facts if track in e.body["tracks"]]
        # Any split works, including "remaining" events dated before the snapshot (back-dated).
        cut = rnd.randint(0, len(mine))
        rnd.shuffle(mine)
        snapshot = fold(track, mine[:cut])
        resumed = apply(snapshot, mine[cut:])
        assert dumps(resumed) == acc_text(facts, track)


# -- replay on the two axes -------------------------------------------------------------------------
@PROFILE
@given(logs(), logs(max_size=8), moments())
def test_replay_at_d_does_not_depend_on_events_after_d(bodies: list[dict[str, Any]], later: list[dict[str, Any]],
                                                        moment: Moment) -> None:
    if moment.as_of is None:
        moment = Moment(as_of=date(2025, 2, 12), known_at=moment.known_at)
    d = moment.as_of.isoformat()
    # Facts that happen after D (corrections and retractions are record-keeping, not happenings).
    extra = [b for b in later if b["type"] not in ("correction", "retraction", "claim_status_changed")
             and b["occurred"]["earliest"] > d]
    known = {b["id"] for b in bodies}
    extra = [b for b in extra if b["id"] not in known]
    before = as_evs(bodies)
    after = before + as_evs(extra, start=len(before) + 1)
    for track in ("t-one", "t-two"):
        assert replay_track(after, track, moment) == replay_track(before, track, moment)


@PROFILE
@given(logs(), moments())
def test_known_at_k_does_not_depend_on_events_recorded_after_k(bodies: list[dict[str, Any]], moment: Moment) -> None:
    if moment.known_at is None:
        return
    k = moment.known_text
    assert k is not None  # known_at is set, so is its text
    events = as_evs(bodies)
    # Drop what was recorded after K, including corrections, retractions and claim changes, unless
    # something recorded by K refers to it (it could not have been logged without its target).
    kept = [e for e in events if e.recorded_at <= k]
    for track in ("t-one", "t-two"):
        assert replay_track(kept, track, moment) == replay_track(events, track, moment)


def test_an_imprecise_date_counts_from_its_earliest_day_and_is_flagged_until_its_latest() -> None:
    said = statement("lavrov", "peacekeepers", "opposes", week("2025-02-10"))
    events = [said]
    assert replay_track(events, "t", Moment(as_of=date(2025, 2, 9))) is None  # before the week
    mid = replay_track(events, "t", Moment(as_of=date(2025, 2, 12)))
    assert mid is not None and mid.stances[0].uncertain and mid.observers == ()  # speaking observes nothing
    assert mid.uncertain_count == 1  # the stance
    end = replay_track(events, "t", Moment(as_of=date(2025, 2, 16)))
    assert end is not None and not end.stances[0].uncertain
    timeline_mid = timeline(prepare(events, Moment(as_of=date(2025, 2, 12))), {}, "t", date(2025, 2, 12))
    assert [e.uncertain for e in timeline_mid] == [True]


def test_known_at_ignores_later_events_and_later_corrections() -> None:
    said = statement("lavrov", "peacekeepers", "supports", recorded="2025-02-18T10:00:00")
    fix = ev("correction", "2025-02-19", recorded="2025-02-19T10:00:00", target=said.id,
             changes={"stance": "opposes"}, reason="misquoted")
    late = statement("rubio", "peacekeepers", "opposes", recorded="2025-02-20T10:00:00")
    events = [said, fix, late]
    k18 = datetime(2025, 2, 18, 23, 59, tzinfo=UTC)
    then = replay_track(events, "t", Moment(known_at=k18))
    now = replay_track(events, "t", Moment())
    assert then is not None and now is not None
    assert [(s.actor, s.stance) for s in then.stances] == [("lavrov", "supports")]
    assert [(s.actor, s.stance) for s in now.stances] == [("lavrov", "opposes"), ("rubio", "opposes")]
    # Both axes: as it stood on 18 Feb as known on 19 Feb: corrected, without Rubio (logged 20 Feb).
    both = replay_track(events, "t", Moment(as_of=date(2025, 2, 18), known_at=datetime(2025, 2, 19, 23, tzinfo=UTC)))
    assert both is not None and [(s.actor, s.stance) for s in both.stances] == [("lavrov", "opposes")]


# -- corrections, retractions, claims -----------------------------------------------------------------
def test_retracted_events_contribute_nothing_and_retracting_a_correction_restores_the_original() -> None:
    a = statement("lavrov", "sanctions", "supports")
    b = statement("rubio", "sanctions", "opposes")
    gone = ev("retraction", target=b.id, reason="never said")
    fix = ev("correction", target=a.id, changes={"stance": "conditional", "quote": "maybe"}, reason="misquoted")
    state = replay_track([a, b, gone, fix], "t")
    assert state is not None
    assert [(s.actor, s.stance, s.quote) for s in state.stances] == [("lavrov", "conditional", "maybe")]
    assert state.event_count == 1
    undo = ev("retraction", target=fix.id, reason="the correction was wrong")
    restored = replay_track([a, b, gone, fix, undo], "t")
    assert restored is not None and [(s.actor, s.stance) for s in restored.stances] == [("lavrov", "supports")]
    # Retracting the retraction brings b back.
    back = replay_track([a, b, gone, fix, ev("retraction", target=gone.id, reason="it was said")], "t")
    assert back is not None and {s.actor for s in back.stances} == {"lavrov", "rubio"}


def test_a_correction_can_move_an_event_in_time_and_between_tracks() -> None:
    a = statement("lavrov", "sanctions", "supports", "2025-02-10")
    moved = ev("correction", target=a.id, changes={"occurred": {"earliest": "2025-02-20", "latest": "2025-02-20",
                                                               "precision": "day"}, "tracks": ["u"]}, reason="x")
    assert replay_track([a, moved], "t") is None
    assert replay_track([a, moved], "u", Moment(as_of=date(2025, 2, 15))) is None
    later = replay_track([a, moved], "u", Moment(as_of=date(2025, 2, 20)))
    assert later is not None and later.stances[0].event_ids == (a.id,)


def test_an_invalid_correction_is_ignored() -> None:
    a = statement("lavrov", "sanctions", "supports")
    bad = ev("correction", target=a.id, changes={"stance": "maybe"}, reason="x")
    assert amend(a, resolve([bad])) == a


def test_denied_claims_stay_visible_as_denied_never_as_facts() -> None:
    held = ev("meeting_held", meeting="m", title="Secret talks", participants=["usa", "rus"], status="reported")
    said = statement("peskov", "territory", "opposes")
    denial = ev("claim_status_changed", "2025-02-19", target=held.id, new_status="denied", by=["rus"])
    denied_said = ev("claim_status_changed", "2025-02-19", target=said.id, new_status="denied", by=["rus"])
    before = replay_track([held, said, denial, denied_said], "t", Moment(as_of=date(2025, 2, 18)))
    after = replay_track([held, said, denial, denied_said], "t")
    assert before is not None and after is not None
    assert before.meeting("m").status == "held" and before.meeting("m").claim_status == "reported"
    # After the denial the meeting is not held (the only event deciding it is denied) ...
    assert after.meeting("m").claim_status == "denied" and after.meeting("m").status != "held"
    # ... the stance is shown as denied, and both claims are listed as denied.
    assert after.stance("peskov", "territory").claim_status == "denied"
    assert {d.target for d in after.denied} == {held.id, said.id}


def test_proposal_claim_history_records_who_changed_it_and_when() -> None:
    plan = ev("proposal_tabled", proposal="plan", proposer=["usa", "rus"], title="Three stages",
              stages=["Ceasefire", "Elections", "Deal"], status="reported")
    dispute = ev("claim_status_changed", "2025-02-18", target=plan.id, new_status="disputed", by=["lavrov"],
                 recorded="2025-02-19T08:30:00")
    k = datetime(2025, 2, 18, 23, 59, tzinfo=UTC)
    then = replay_track([plan, dispute], "t", Moment(as_of=date(2025, 2, 18), known_at=k))
    now = replay_track([plan, dispute], "t", Moment(as_of=date(2025, 2, 18)))
    assert then is not None and now is not None
    assert then.proposal("plan").claim_status == "reported"
    p = now.proposal("plan")
    assert p.claim_status == "disputed"
    assert [(c.status, c.by) for c in p.claim_history] == [("reported", ("usa", "rus")), ("disputed", ("lavrov",))]
    assert p.event_ids == (plan.id, dispute.id)


# -- who sits where -------------------------------------------------------------------------------------
def test_sides_at_the_table_exclusions_and_seat_demands() -> None:
    cast = [ev("actor_described", actor="rubio", name="Marco Rubio", kind="person", affiliation="usa"),
            ev("actor_described", actor="zelensky", name="Zelensky", kind="person", affiliation="ukr")]
    talks = ev("meeting_held", "2025-02-18", meeting="riyadh", title="Riyadh", participants=["rubio", "rus"], host="sau")
    out = ev("party_excluded", "2025-02-18", excluded=["ukr"], by=["usa", "rus"], reason="bilateral")
    ankara = ev("meeting_held", "2025-02-18", meeting="ankara", title="Ankara", participants=["zelensky", "tur"], host="tur")
    seat = ev("seat_demanded", "2025-02-18", claimant="zelensky", seat_for=["ukr", "tur"])
    offer = ev("mediation_offered", "2025-02-18", mediator="tur", role="host", between=["rus", "ukr"])
    state = replay_track([*cast, talks, out, ankara, seat, offer], "t")
    assert state is not None
    assert [(p.actor, p.delegates) for p in state.parties] == [("rus", ()), ("usa", ("rubio",))]
    assert [(x.actor, x.by) for x in state.excluded] == [("ukr", ("usa", "rus"))]
    assert [(d.claimant, d.seat_for) for d in state.seat_demands] == [("zelensky", ("ukr", "tur"))]
    assert [(m.actor, m.offered) for m in state.mediators] == [("tur", True), ("sau", False)]
    # A later meeting with Ukraine at the table seats it.
    seated = ev("meeting_held", "2025-02-25", meeting="geneva", title="Geneva", participants=["ukr", "usa"])
    later = replay_track([*cast, talks, out, ankara, seat, offer, seated], "t")
    assert later is not None and "ukr" in {p.actor for p in later.parties} and not later.excluded


def test_postponements_are_kept_in_date_order_whatever_order_they_were_logged() -> None:
    sched = ev("meeting_scheduled", "2025-02-01", meeting="visit", title="Visit",
               planned={"earliest": "2025-02-19", "latest": "2025-02-19", "precision": "day"})
    second = ev("meeting_postponed", "2025-03-01", position=10, meeting="visit", by=["tur"],
                to_date={"earliest": "2025-04-01", "latest": "2025-04-30", "precision": "month"})
    first = ev("meeting_postponed", "2025-02-18", position=11, meeting="visit", by=["erdogan"],
               from_date={"earliest": "2025-02-19", "latest": "2025-02-19", "precision": "day"},
               to_date={"earliest": "2025-03-10", "latest": "2025-03-10", "precision": "day"})
    state = replay_track([sched, second, first], "t", today=date(2025, 3, 2))
    assert state is not None
    m = state.meeting("visit")
    assert m.status == "postponed" and m.planned.label() == "Apr 2025" and m.planned.precision == "month"
    assert [(p.from_date.label(), p.to_date.label()) for p in m.postponements] == [
        ("19 Feb 2025", "10 Mar 2025"), ("10 Mar 2025", "Apr 2025")]
    assert m.upcoming and state.next_meeting == m



def test_a_meeting_whose_date_passed_without_an_outcome_is_flagged_until_one_is_logged() -> None:
    sched = ev("meeting_scheduled", "2025-02-18", meeting="paris", title="Paris",
               planned={"earliest": "2025-02-19", "latest": "2025-02-19", "precision": "day"})
    moved = ev("meeting_postponed", "2025-02-19", meeting="paris",
               to_date={"earliest": "2025-03-01", "latest": "2025-03-31", "precision": "month"})
    held = ev("meeting_held", "2025-03-12", meeting="paris", title="Paris")

    def paris(events: list[Ev], today: date) -> Any:
        state = replay_track(events, "t", today=today)
        assert state is not None
        return state.meeting("paris")

    on_the_eve = paris([sched], date(2025, 2, 18))
    assert on_the_eve.upcoming and not on_the_eve.date_passed
    after = paris([sched], date(2025, 2, 20))
    assert after.status == "scheduled" and after.date_passed and not after.upcoming
    # Postponed to March: upcoming again until the whole month is over.
    assert not paris([sched, moved], date(2025, 3, 31)).date_passed
    assert paris([sched, moved], date(2025, 4, 1)).date_passed
    assert not paris([sched, moved, held], date(2025, 4, 1)).date_passed

# -- trend, timeline, diff ------------------------------------------------------------------------------
def test_trend_compares_the_recent_window_with_the_one_before() -> None:
    days = {"2025-01-10": [-3, 2], "2025-02-10": [4, 3]}
    assert trend(days, date(2025, 2, 15)).direction == "improving"
    assert trend({"2025-01-10": [4, 3], "2025-02-10": [-3, 2]}, date(2025, 2, 15)).direction == "deteriorating"
    assert trend({"2025-01-10": [1, 1], "2025-02-10": [2, 1]}, date(2025, 2, 15)).direction == "unchanged"
    assert trend(days, None).direction == "unchanged"


def test_timeline_orders_by_date_then_log_position_and_applies_corrections() -> None:
    late_logged = statement("a", "x", "supports", "2025-02-10", position=5)
    early_logged = statement("b", "x", "supports", "2025-02-12", position=1)
    same_day = statement("c", "x", "supports", "2025-02-12", position=3)
    fix = ev("correction", position=6, target=same_day.id, changes={"summary": "fixed"}, reason="x")
    facts = prepare([late_logged, early_logged, same_day, fix])
    entries = timeline(facts, {}, "t")
    assert [e.position for e in entries] == [5, 1, 3]
    assert entries[-1].summary == "fixed" and entries[-1].corrected
    assert [e.position for e in timeline(facts, {}, "t", limit=2)] == [1, 3]
    assert [e.position for e in timeline(facts, {}, "t", date_from=date(2025, 2, 11))] == [1, 3]


def test_diff_reports_new_stances_status_changes_and_postponements() -> None:
    opened = ev("track_opened", "2025-02-01", track="t", title="T")
    sched = ev("meeting_scheduled", "2025-02-01", meeting="v", title="Visit",
               planned={"earliest": "2025-02-19", "latest": "2025-02-19", "precision": "day"})
    said = statement("rus", "peacekeepers", "opposes", "2025-02-18", quote="unacceptable")
    active = ev("track_status_changed", "2025-02-18", track="t", new_status="active")
    postponed = ev("meeting_postponed", "2025-02-18", meeting="v",
                   to_date={"earliest": "2025-03-10", "latest": "2025-03-10", "precision": "day"}, by=["erdogan"])
    events = [opened, sched, said, active, postponed]
    a = replay_track(events, "t", Moment(as_of=date(2025, 2, 16)))
    b = replay_track(events, "t", Moment(as_of=date(2025, 2, 18)))
    changes = diff(a, b, "t", "16", "18").changes
    kinds = {c.kind for c in changes}
    assert {"status", "stance_new", "meeting_postponed", "agenda"} <= kinds
    post = next(c for c in changes if c.kind == "meeting_postponed")
    assert "19 Feb 2025" in post.description and "10 Mar 2025" in post.description
    assert post.event_ids == (postponed.id,)
    assert diff(b, b, "t", "18", "18").changes == ()


def test_split_and_resolve_handle_chains() -> None:
    a = statement("x", "y", "supports")
    r1 = ev("retraction", target=a.id, reason="x")
    r2 = ev("retraction", target=r1.id, reason="y")
    facts, acts = split([a, r1, r2])
    assert facts == [a] and acts == [r1, r2]
    assert amend(a, resolve(acts)) == a  # the retraction was itself retracted
    assert amend(a, resolve([r1])) is None
    assert empty("t")["n"] == 0

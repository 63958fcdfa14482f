"""Agreements signed, ratified and withdrawn from; proposals answered (accepted, rejected, countered)
and their chain of versions; agreed stages; commitment tallies. Folded at several dates, on both
time axes (as of / known at)."""

# mypy: disable-error-code="union-attr"

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from test_projections import ev

from projections import diff as df
from projections.moment import Moment
from projections.records import Ev
from projections.replay import replay_track
from projections.state import Change, TrackState
from tracker.present import Names, commitment_tally, sections

T = ("nuclear",)


def state(events: list[Ev], as_of: str | None = None, known_at: str | None = None) -> TrackState:
    moment = Moment(as_of=date.fromisoformat(as_of) if as_of else None,
                    known_at=datetime.fromisoformat(known_at).replace(tzinfo=UTC) if known_at else None)
    found = replay_track(events, "nuclear", moment)
    assert found is not None
    return found


def diff(a: TrackState, b: TrackState) -> list[Change]:
    return list(df.diff(a, b, "nuclear", "before", "after").changes)


def day(text: str) -> dict[str, Any]:
    return {"earliest": text, "latest": text, "precision": "day"}


def deal_log() -> list[Ev]:
    """An interim deal reached, signed, ratified by one side, then one party withdraws."""
    return [
        ev("track_opened", "2013-01-01", tracks=T, track="nuclear", title="Nuclear talks", recorded="2013-01-01T09:00:00"),
        ev("agreement_reached", "2013-11-24", tracks=T, agreement="jpoa", title="Joint Plan of Action",
           parties=["irn", "usa"], commitments=[{"id": "enrich", "text": "Cap enrichment at 5%"},
                                                {"id": "relief", "text": "Limited sanctions relief"},
                                                {"id": "inspect", "text": "Daily inspections"}],
           recorded="2013-11-24T12:00:00"),
        ev("agreement_signed", "2013-11-24", tracks=T, agreement="jpoa", signatories=["irn", "usa"], venue="Geneva",
           recorded="2013-11-24T13:00:00"),
        ev("agreement_ratified", "2014-01-12", tracks=T, agreement="jpoa", party="irn", ratified_by="Majlis",
           recorded="2014-01-12T13:00:00"),
        ev("commitment_progress", "2014-03-01", tracks=T, agreement="jpoa", commitment="enrich", progress="done",
           recorded="2014-03-01T13:00:00"),
        ev("commitment_progress", "2014-04-01", tracks=T, agreement="jpoa", commitment="relief", progress="partial",
           recorded="2014-04-01T13:00:00"),
        # Logged a year late: as known at 2018-06-01 it is not there yet.
        ev("agreement_withdrawn", "2018-05-08", tracks=T, agreement="jpoa", party="usa", reason="A one-sided deal",
           effective=day("2018-11-05"), recorded="2019-01-10T13:00:00"),
        ev("commitment_progress", "2018-05-09", tracks=T, agreement="jpoa", commitment="inspect", progress="broken",
           recorded="2018-05-09T13:00:00"),
    ]


def test_an_agreement_is_signed_ratified_and_withdrawn_from_as_of_each_date() -> None:
    log = deal_log()
    before = state(log, "2013-11-01")
    assert before.agreements == ()
    signed = state(log, "2013-12-01").agreements[0]
    assert (signed.signatories, signed.ratified_by, signed.withdrawn) == (("irn", "usa"), (), ())
    assert [x.act for x in signed.acts] == ["signed"] and signed.acts[0].detail == "Geneva"
    ratified = state(log, "2014-02-01").agreements[0]
    assert ratified.ratified_by == ("irn",) and ratified.acts[-1].detail == "Majlis"
    assert ratified.tally() == {"done": 0, "partial": 0, "broken": 0, "not_started": 3}
    mid = state(log, "2015-01-01").agreements[0]
    assert mid.tally() == {"done": 1, "partial": 1, "broken": 0, "not_started": 1}
    assert mid.withdrawn == ()
    after = state(log, "2018-06-01").agreements[0]
    assert after.withdrawn == ("usa",)
    last = after.acts[-1]
    assert (last.act, last.parties, last.reason, last.effective.earliest) == ("withdrawn", ("usa",), "A one-sided deal",
                                                                              date(2018, 11, 5))
    assert set(last.event_ids) <= set(after.event_ids)
    assert after.tally()["broken"] == 1


def test_a_withdrawal_logged_late_is_not_known_before_it_was_logged() -> None:
    log = deal_log()
    then = state(log, "2018-06-01", known_at="2018-06-01T00:00:00")
    assert then.agreements[0].withdrawn == () and then.agreements[0].tally()["broken"] == 1
    now = state(log, "2018-06-01", known_at="2019-02-01T00:00:00")
    assert now.agreements[0].withdrawn == ("usa",)


def test_the_diff_names_signing_ratification_withdrawal_and_progress() -> None:
    log = deal_log()
    changes = diff(state(log, "2013-11-01"), state(log, "2013-12-01"))
    kinds = [c.kind for c in changes]
    assert "agreement_new" in kinds
    new = next(c for c in changes if c.kind == "agreement_new")
    assert "3 commitments" in new.description
    later = diff(state(log, "2014-02-01"), state(log, "2018-06-01"))
    by_kind = {c.kind: c for c in later}
    assert "withdrawn by usa" in by_kind["agreement_withdrawn"].description
    assert "A one-sided deal" in by_kind["agreement_withdrawn"].description
    assert {c.subject for c in later if c.kind == "commitment_progress"} >= {"jpoa/inspect"}


def test_the_diff_follows_an_agreement_new_in_the_window_through_its_acts() -> None:
    """An agreement reached, signed and ratified in the same window, with a commitment done: the diff
    says all of it, not only that it was reached."""
    changes = diff(state(deal_log(), "2013-11-01"), state(deal_log(), "2014-03-15"))
    said = [(c.kind, c.description) for c in changes if c.kind.startswith(("agreement", "commitment"))]
    assert said == [
        ("agreement_new", "agreement: Joint Plan of Action (irn, usa; 3 commitments: 1 done, 0 partial, 0 broken)"),
        ("agreement_signed", "Joint Plan of Action: signed by irn, usa (Geneva)"),
        ("agreement_ratified", "Joint Plan of Action: ratified by irn (Majlis)"),
        ("commitment_progress", "Cap enrichment at 5%: not_started -> done"),
    ]


def test_the_diff_counts_every_kind_of_commitment_as_the_other_views_do() -> None:
    new = next(c for c in diff(state(deal_log(), "2013-11-01"), state(deal_log(), "2013-12-01"))
               if c.kind == "agreement_new")
    assert new.description.endswith("(irn, usa; 3 commitments: 0 done, 0 partial, 0 broken)")
    broken = next(c for c in diff(state(deal_log(), "2013-11-01"), state(deal_log(), "2018-06-01"))
                  if c.kind == "agreement_new")
    assert broken.description.endswith("3 commitments: 1 done, 1 partial, 1 broken (inspect))")


def test_counts_show_done_partial_and_broken_and_name_the_broken() -> None:
    g = state(deal_log(), "2018-06-01").agreements[0]
    text = "".join(s.text for s in commitment_tally(g))
    assert text == "3 commitments: 1 done, 1 partial, 1 broken (inspect)"
    none = state(deal_log(), "2014-02-01").agreements[0]
    assert "".join(s.text for s in commitment_tally(none)) == "3 commitments: 0 done, 0 partial, 0 broken"


def test_the_agreements_section_lists_the_acts() -> None:
    s = state(deal_log(), "2018-06-01")
    lines = {sec.key: [ln.text for ln in ls] for sec, ls in sections(s, Names({}))}["agreements"]
    assert lines[0].endswith("3 commitments: 1 done, 1 partial, 1 broken (inspect)")
    assert "signed by irn, usa (Geneva) 24 Nov 2013" in lines
    assert "ratified by irn (Majlis) 12 Jan 2014" in lines
    assert "withdrawal by usa 8 May 2018, effective 5 Nov 2018: A one-sided deal" in lines
    assert "[broken] Daily inspections" in lines


def test_a_signing_without_a_reached_agreement_still_shows() -> None:
    s = state([ev("agreement_signed", "2020-01-01", tracks=T, agreement="phase-one", signatories=["usa", "chn"])])
    g = s.agreements[0]
    assert (g.title, g.parties, g.signatories) == ("phase-one", ("usa", "chn"), ("usa", "chn"))


def test_a_denied_signing_is_no_signing() -> None:
    signing = ev("agreement_signed", "2020-01-01", tracks=T, agreement="g", signatories=["usa"])
    denial = ev("claim_status_changed", "2020-01-02", tracks=T, target=signing.id, new_status="denied", by=["usa"])
    assert state([signing], "2020-01-01").agreements[0].signatories == ("usa",)
    assert state([signing, denial], "2020-01-03").agreements[0].signatories == ()


# -- proposals --------------------------------------------------------------------------------------
def chain_log() -> list[Ev]:
    """A proposal countered, the counter revised, then accepted; one stage agreed along the way."""
    return [
        ev("proposal_tabled", "2014-01-10", tracks=T, proposal="p1", proposer=["usa"], title="Framework v1",
           stages=["Freeze", "Inspections", "Relief"], recorded="2014-01-10T12:00:00"),
        ev("proposal_answered", "2014-01-20", tracks=T, proposal="p1", responder="irn", response="countered",
           counter="p2", reason="Relief comes too late", recorded="2014-01-20T12:00:00"),
        ev("proposal_tabled", "2014-01-20", tracks=T, proposal="p2", proposer=["irn"], title="Framework v2",
           stages=["Relief", "Freeze"], revises="p1", recorded="2014-01-20T12:05:00"),
        ev("proposal_answered", "2014-02-01", tracks=T, proposal="p2", responder="usa", response="rejected",
           recorded="2014-02-01T12:00:00"),
        # The same proposal tabled again with its first stage now agreed.
        ev("proposal_tabled", "2014-03-01", tracks=T, proposal="p2", proposer=["irn"], title="Framework v2",
           stages=["Relief", "Freeze"], revises="p1", agreed_stages=[1], recorded="2014-03-01T12:00:00"),
        ev("proposal_answered", "2014-04-01", tracks=T, proposal="p2", responder="usa", response="accepted",
           recorded="2014-06-01T12:00:00"),  # logged two months late
    ]


def test_a_proposal_chain_reads_through_answers_and_revisions() -> None:
    log = chain_log()
    early = state(log, "2014-01-15")
    assert [p.proposal for p in early.proposals] == ["p1"] and early.proposal("p1").answers == ()
    countered = state(log, "2014-01-25")
    p1, p2 = countered.proposal("p1"), countered.proposal("p2")
    assert p1.countered_by == ("irn",) and p1.answers[0].counter == "p2" and p1.answers[0].reason == "Relief comes too late"
    assert p1.revised_by == ("p2",) and p2.revises == "p1"
    rejected = state(log, "2014-02-15").proposal("p2")
    assert (rejected.rejected_by, rejected.accepted_by, rejected.agreed_stages) == (("usa",), (), ())
    staged = state(log, "2014-03-15").proposal("p2")
    assert staged.agreed_stages == (1,) and staged.rejected_by == ("usa",)
    accepted = state(log, "2014-05-01").proposal("p2")
    assert accepted.accepted_by == ("usa",) and accepted.rejected_by == ()  # the latest answer of each counts
    assert [a.response for a in accepted.answers] == ["rejected", "accepted"]
    assert all(a.event_ids[0] in accepted.event_ids for a in accepted.answers)


def test_an_answer_logged_late_is_known_only_from_then() -> None:
    log = chain_log()
    assert state(log, "2014-05-01", known_at="2014-05-01T00:00:00").proposal("p2").accepted_by == ()
    assert state(log, "2014-05-01", known_at="2014-06-02T00:00:00").proposal("p2").accepted_by == ("usa",)


def test_the_diff_names_answers_and_agreed_stages() -> None:
    log = chain_log()
    changes = diff(state(log, "2014-01-15"), state(log, "2014-01-25"))
    answered = [c for c in changes if c.kind == "proposal_answered"]
    assert len(answered) == 1 and "countered by irn (counter-proposal Framework v2)" in answered[0].description
    assert any(c.kind == "proposal_new" and "revises Framework v1" in c.description for c in changes)
    staged = diff(state(log, "2014-02-15"), state(log, "2014-03-15"))
    assert [c.kind for c in staged] == ["proposal_stages"]
    assert "stages agreed 1" in staged[0].description


def test_the_diff_follows_a_proposal_new_in_the_window_through_its_answers() -> None:
    """Proposals tabled, answered, countered and agreed in part, all in one window: every answer is said,
    and a version is named by its title."""
    log = [ev("track_opened", "2013-01-01", tracks=T, track="nuclear", title="Nuclear talks"), *chain_log()]
    changes = diff(state(log, "2014-01-01"), state(log, "2014-05-01"))
    said = [(c.kind, c.subject, c.description) for c in changes]
    assert said == [
        ("proposal_new", "p1", "proposal tabled: Framework v1 [confirmed]"),
        ("proposal_answered", "p1", "Framework v1: countered by irn (counter-proposal Framework v2)"),
        ("proposal_new", "p2", "proposal tabled: Framework v2 [confirmed] (revises Framework v1)"),
        ("proposal_answered", "p2", "Framework v2: rejected by usa"),
        ("proposal_answered", "p2", "Framework v2: accepted by usa"),
        ("proposal_stages", "p2", "Framework v2: stages agreed 1"),
    ]


def test_a_counter_proposal_tabled_without_revises_still_revises_what_it_counters() -> None:
    """The answer names the counter-proposal; the counter-proposal, tabled without --revises, links back."""
    log = chain_log()[:3]
    log[2] = ev("proposal_tabled", "2014-01-20", tracks=T, proposal="p2", proposer=["irn"], title="Framework v2",
                stages=["Relief", "Freeze"], recorded="2014-01-20T12:05:00")
    s = state(log, "2014-01-25")
    assert (s.proposal("p1").revised_by, s.proposal("p2").revises) == (("p2",), "p1")
    lines = {sec.key: [ln.text for ln in ls] for sec, ls in sections(s, Names({}))}["proposals"]
    assert "revises Framework v1" in lines and "revised by Framework v2" in lines


def test_the_proposals_section_reads_as_a_chain() -> None:
    s = state(chain_log(), "2014-05-01")
    lines = {sec.key: [ln.text for ln in ls] for sec, ls in sections(s, Names({}))}["proposals"]
    assert "revised by Framework v2" in lines  # versions by their titles, not their ids
    assert "countered by irn 20 Jan 2014, counter-proposal Framework v2: Relief comes too late" in lines
    assert "revises Framework v1" in lines
    assert "stages:  1. Relief (agreed)  2. Freeze" in lines
    assert "accepted by usa 1 Apr 2014" in lines


def test_an_answer_to_a_proposal_not_logged_names_it_by_its_id() -> None:
    s = state([ev("proposal_answered", "2014-01-20", tracks=T, proposal="ghost", responder="irn", response="rejected")])
    p = s.proposal("ghost")
    assert (p.title, p.proposer, p.rejected_by, p.orphan) == ("ghost", (), ("irn",), True)
    lines = [ln.text for sec, ls in sections(s, Names({})) if sec.key == "proposals" for ln in ls]
    assert lines[:2] == ["ghost: a proposal not logged as tabled", "rejected by irn 20 Jan 2014"]
    said = [(c.kind, c.description) for c in diff(state([ev("track_opened", "2014-01-01", tracks=T, track="nuclear",
                                                           title="N")]), s) if c.kind.startswith("proposal")]
    assert said == [("proposal_answered", "ghost: rejected by irn (a proposal not logged as tabled)")]  # not "tabled"


def test_an_agreement_only_ratified_says_it_was_never_reached() -> None:
    s = state([ev("agreement_ratified", "2020-01-08", tracks=T, agreement="ghostdeal", party="usa", ratified_by="Senate")])
    g = s.agreements[0]
    assert g.orphan and g.ratified_by == ("usa",)
    lines = {sec.key: [ln.text for ln in ls] for sec, ls in sections(s, Names({}))}["agreements"]
    assert lines[:2] == ["ghostdeal: an agreement not logged as reached or signed (first named 8 Jan 2020)",
                         "ratified by usa (Senate) 8 Jan 2020"]
    assert not state([ev("agreement_signed", "2020-01-01", tracks=T, agreement="p1", signatories=["usa"])]).agreements[0].orphan


def test_agreed_stages_out_of_range_are_ignored() -> None:
    s = state([ev("proposal_tabled", "2014-01-10", tracks=T, proposal="p", proposer=["usa"], title="P",
                  stages=["a", "b"], agreed_stages=[2, 7])])
    assert s.proposal("p").agreed_stages == (2,)

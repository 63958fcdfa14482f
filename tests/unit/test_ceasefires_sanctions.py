"""Ceasefires, sanctions, delegations, red lines and a meeting's format: their families' folds at
several dates (as of D, as known at K), their diffs, their trend scores and their sections."""

# mypy: disable-error-code="union-attr, arg-type"

from __future__ import annotations

from datetime import UTC, date, datetime

from test_projections import ev

from projections.diff import diff
from projections.moment import Moment
from projections.records import Ev
from projections.replay import replay_track
from projections.state import Ceasefire, TrackState
from projections.trend import score
from tracker.present import Names, meeting_line, sections


def _log() -> list[Ev]:
    """A small negotiation: a ceasefire violated and ended, a second one that expires, sanctions
    imposed, eased and lifted, each side's negotiators, red lines, a phone call and a third round."""
    return [
        ev("track_opened", "2025-02-01", recorded="2025-02-01T10:00:00", track="t", title="Talks"),
        ev("ceasefire_declared", "2025-03-01", recorded="2025-03-01T10:00:00", ceasefire="energy", parties=["rus", "ukr"],
           scope="energy infrastructure", starts={"earliest": "2025-03-02", "latest": "2025-03-02", "precision": "day"}),
        ev("ceasefire_violated", "2025-03-05", recorded="2025-03-05T10:00:00", ceasefire="energy", by=["rus"]),
        ev("ceasefire_violated", "2025-03-08", recorded="2025-03-20T10:00:00", ceasefire="energy", by=["rus", "ukr"],
           details="strikes on a power plant"),  # logged late
        ev("ceasefire_ended", "2025-03-15", recorded="2025-03-15T10:00:00", ceasefire="energy", by=["rus"],
           reason="declared over"),
        ev("ceasefire_declared", "2025-04-19", recorded="2025-04-19T10:00:00", ceasefire="easter", parties=["rus"],
           ends={"earliest": "2025-04-21", "latest": "2025-04-21", "precision": "day"}),
        ev("sanctions_changed", "2025-03-01", recorded="2025-03-01T10:00:00", sanctions="oil-cap", action="imposed",
           by=["usa", "eu"], on=["rus"], measure="oil price cap"),
        ev("sanctions_changed", "2025-03-10", recorded="2025-03-10T10:00:00", sanctions="oil-cap", action="eased",
           by=["usa"], on=["rus"]),
        ev("sanctions_changed", "2025-04-01", recorded="2025-04-01T10:00:00", sanctions="oil-cap", action="lifted",
           by=["usa"], on=["rus"]),
        ev("delegation_appointed", "2025-03-02", recorded="2025-03-02T10:00:00", side="usa",
           negotiators=["rubio", "waltz"], lead="rubio", role="high-level team"),
        ev("delegation_appointed", "2025-03-03", recorded="2025-03-03T10:00:00", side="rus",
           negotiators=["lavrov", "ushakov"], lead="lavrov", role="high-level team"),
        ev("delegation_appointed", "2025-03-12", recorded="2025-03-12T10:00:00", side="usa",
           negotiators=["witkoff", "rubio"], lead="witkoff", role="high-level team"),  # replaces the first
        ev("delegation_appointed", "2025-03-12", recorded="2025-03-12T10:00:00", side="usa",
           negotiators=["kellogg"], role="technical group"),
        ev("red_line_stated", "2025-03-01", recorded="2025-03-01T10:00:00", speaker="lavrov", on_behalf_of="rus",
           issue="nato", demand="No NATO membership for Ukraine"),
        ev("red_line_stated", "2025-03-09", recorded="2025-03-09T10:00:00", speaker="peskov", on_behalf_of="rus",
           issue="nato", kind="precondition", demand="NATO rescinds its 2008 invitation"),
        ev("red_line_stated", "2025-03-11", recorded="2025-03-11T10:00:00", speaker="lavrov", on_behalf_of="rus",
           issue="nato", demand="No NATO membership for Ukraine"),  # restated
        ev("meeting_held", "2025-03-04", recorded="2025-03-04T10:00:00", meeting="call", title="Trump–Putin call",
           participants=["trump", "putin"], format="phone"),
        ev("meeting_scheduled", "2025-03-04", recorded="2025-03-04T10:00:00", meeting="geneva-3", title="Geneva talks",
           planned={"earliest": "2025-03-20", "latest": "2025-03-20", "precision": "day"}, round=3, format="in_person"),
    ]


def at(as_of: str, known: str | None = None, today: str | None = None) -> TrackState:
    moment = Moment(as_of=date.fromisoformat(as_of),
                    known_at=datetime.fromisoformat(known).replace(tzinfo=UTC) if known else None)
    state = replay_track(_log(), "t", moment, date.fromisoformat(today) if today else None)
    assert state is not None
    return state


def cease(state: TrackState, cid: str) -> Ceasefire | None:
    return next((c for c in state.ceasefires if c.ceasefire == cid), None)


def test_a_ceasefire_at_every_stage() -> None:
    assert cease(at("2025-02-28"), "energy") is None
    assert cease(at("2025-03-01"), "energy").status == "announced"  # starts on the 2nd
    assert cease(at("2025-03-03"), "energy").status == "in_force"
    first = cease(at("2025-03-06"), "energy")
    assert (first.status, first.violated_by(), first.parties, first.scope) == (
        "violated", {"rus": 1}, ("rus", "ukr"), "energy infrastructure")
    assert cease(at("2025-03-09"), "energy").violated_by() == {"rus": 2, "ukr": 1}
    # As known on the 10th, the violation of the 8th was not yet logged.
    assert cease(at("2025-03-09", "2025-03-10T00:00:00"), "energy").violated_by() == {"rus": 1}
    ended = cease(at("2025-03-20"), "energy")
    assert (ended.status, ended.ended_by, ended.reason, len(ended.violations)) == ("ended", ("rus",), "declared over", 2)
    assert len(ended.event_ids) == 4


def test_a_ceasefire_for_a_fixed_time_expires() -> None:
    assert cease(at("2025-04-20"), "easter").status == "in_force"
    assert cease(at("2025-04-21"), "easter").status == "in_force"
    assert cease(at("2025-04-22"), "easter").status == "expired"
    assert cease(at("2025-04-22", today="2025-04-20"), "easter").status == "in_force"  # measured against today


def test_a_denied_violation_counts_for_nothing() -> None:
    log = _log()
    violation = log[2]
    log.append(ev("claim_status_changed", "2025-03-06", recorded="2025-03-06T10:00:00", target=violation.id,
                  new_status="denied", by=["rus"]))
    state = replay_track(log, "t", Moment(as_of=date(2025, 3, 7)))
    assert (cease(state, "energy").status, cease(state, "energy").violations) == ("in_force", ())


def test_sanctions_at_every_step() -> None:
    assert at("2025-02-28").sanctions == ()
    imposed = at("2025-03-01").sanctions[0]
    assert (imposed.action, imposed.by, imposed.on, imposed.measure) == ("imposed", ("usa", "eu"), ("rus",), "oil price cap")
    eased = at("2025-03-15").sanctions[0]
    assert (eased.action, eased.by, eased.measure, [s.action for s in eased.history]) == (
        "eased", ("usa",), "oil price cap", ["imposed", "eased"])
    lifted = at("2025-04-02").sanctions[0]
    assert (lifted.action, len(lifted.event_ids)) == ("lifted", 3)
    assert at("2025-04-02", "2025-03-11T00:00:00").sanctions[0].action == "eased"


def test_each_sides_negotiators() -> None:
    early = {d.side: d for d in at("2025-03-05").delegations}
    assert (early["usa"].negotiators, early["rus"].negotiators) == (("rubio", "waltz"), ("lavrov", "ushakov"))
    later = {d.side: d for d in at("2025-03-12").delegations}
    usa = later["usa"]
    assert [t.role for t in usa.teams] == ["high-level team", "technical group"]
    assert usa.negotiators == ("witkoff", "rubio", "kellogg")  # the lead first; waltz's team was replaced
    assert "rus" not in {d.side for d in at("2025-03-02").delegations}


def test_red_lines_latest_first() -> None:
    assert [(r.kind, r.demand) for r in at("2025-03-10").red_lines] == [
        ("precondition", "NATO rescinds its 2008 invitation"), ("red_line", "No NATO membership for Ukraine")]
    restated = at("2025-03-12").red_lines
    assert restated[0].demand == "No NATO membership for Ukraine" and len(restated[0].event_ids) == 2
    assert {(r.actor, r.issue) for r in restated} == {("rus", "nato")}


def test_a_meetings_format_and_round_show_in_its_line() -> None:
    state = at("2025-03-05")
    names = Names({"trump": "Donald Trump"})
    assert meeting_line(state.meeting("call"), names).text == "Trump–Putin call (phone call): held 4 Mar 2025"
    assert meeting_line(state.meeting("geneva-3"), names).text.startswith("Geneva talks (in person, round 3): scheduled")


def test_the_diff_names_each_change() -> None:
    changes = diff(at("2025-03-04"), at("2025-04-02"), "t", "4 Mar", "2 Apr").changes
    kinds = [c.kind for c in changes]
    assert {"ceasefire_violated", "ceasefire_ended", "sanctions_changed", "delegation_appointed", "red_line_new"} <= set(kinds)
    assert kinds.count("ceasefire_violated") == 2
    declared = diff(at("2025-02-28"), at("2025-03-02"), "t", "28 Feb", "2 Mar").changes
    assert any(c.kind == "ceasefire_declared" and "energy infrastructure" in c.description for c in declared)
    lifted = next(c for c in changes if c.kind == "sanctions_changed")
    assert "lifted (was imposed)" in lifted.description


def test_trend_scores() -> None:
    assert [score(e.body) for e in _log()[1:9]] == [3, -2, -2, -2, 3, -2, 1, 2]


def test_the_sections_show_them() -> None:
    text = {s.key: [ln.text for ln in lines] for s, lines in sections(at("2025-03-20"), Names())}
    assert text["ceasefires"][0].startswith("energy infrastructure (rus, ukr): ended - declared 1 Mar 2025, from 2 Mar 2025")
    assert text["ceasefires"][1] == "2 violations reported: by rus (2×), ukr, last 8 Mar 2025"
    assert text["sanctions"] == ["oil price cap: eased by usa on rus 10 Mar 2025", "imposed 1 Mar 2025, then eased 10 Mar 2025"]
    assert text["delegations"][0] == "rus: lavrov (lead), ushakov - high-level team, appointed 3 Mar 2025"
    assert text["delegations"][1] == "usa: witkoff, rubio, kellogg"
    assert text["red_lines"][0] == "rus:"
    assert text["red_lines"][1].startswith("red line on nato: No NATO membership for Ukraine (lavrov) 11 Mar 2025")

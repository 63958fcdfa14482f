"""Who is at the table, by running the real `tracker` (issue 17): parties that join and leave,
withdraw from the agreement that seated them, meetings that are not talks; on a log written with
`tracker log`, through status, diff, why, the timeline, the brief, export and import; and on the
demo data (Europe's Paris consultation and the Munich panels seat no one)."""

# mypy: disable-error-code="union-attr"

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from test_sections import async_test, brief_of, flat, log, overview

from projections.moment import Moment
from run_cli import tracker
from tracker.service import Tracker

NUCLEAR = [
    ("agreement-reached", "2015-07-14", "--agreement", "jcpoa", "--title", "Joint plan", "--parties", "usa,irn,fra"),
    ("meeting-held", "2016-01-10", "--meeting", "vienna-1", "--title", "Vienna talks", "--participants", "irn,fra",
     "--host", "aut", "--mediators", "eu", "--observers", "iaea", "--kind", "talks"),
    ("meeting-held", "2016-01-12", "--meeting", "gulf-consult", "--title", "Gulf consultation",
     "--participants", "sau,usa", "--host", "sau", "--kind", "consultation"),
    ("party-joined", "2017-01-01", "--parties", "chn", "--reason", "invited by the E3"),
    ("party-joined", "2017-02-01", "--parties", "omn", "--role", "mediator"),
    ("agreement-withdrawn", "2018-05-08", "--agreement", "jcpoa", "--party", "usa", "--reason", "a terrible deal"),
    ("party-left", "2019-03-01", "--parties", "chn", "--reason", "talks stalled"),
    # How leaving was logged before party_left: read as leaving, never as "fra excluded by fra".
    ("party-excluded", "2019-04-01", "--excluded", "fra", "--by", "fra", "--reason", "walked out"),
]


def ok(*args: str, db: Path) -> str:
    run = tracker(*args, db=db)
    assert run.returncode == 0, run.stderr
    return run.stdout


def status(db: Path, track: str, as_of: str | None = None) -> dict:
    return json.loads(ok("status", track, *(["--as-of", as_of] if as_of else []), "--json", db=db))


def table(state: dict) -> list[str]:
    return [p["actor"] for p in state["parties"]]


@pytest.fixture(scope="module")
def nuclear(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("nuclear") / "log.db"
    for etype, when, *fields in NUCLEAR:
        ok("log", etype, "--when", when, "--track", "nuclear", "--summary", f"{etype} {when}",
           "--source", "Test", *fields, db=db)
    return db


def test_the_table_at_each_date(nuclear: Path) -> None:
    assert table(status(nuclear, "nuclear", "2015-07-14")) == ["fra", "irn", "usa"]
    s = status(nuclear, "nuclear", "2016-01-12")  # the Gulf consultation seats no one more
    assert table(s) == ["fra", "irn", "usa"] and "sau" not in table(s)
    assert [(m["actor"], m["role"], m["offered"]) for m in s["mediators"]] == [("eu", "mediator", False),
                                                                              ("aut", "host", False)]
    assert [(o["actor"], o["role"]) for o in s["observers"]] == [("iaea", "observer")]
    s = status(nuclear, "nuclear", "2017-06-01")
    assert table(s) == ["chn", "fra", "irn", "usa"]
    assert [p["reason"] for p in s["parties"] if p["actor"] == "chn"] == ["invited by the E3"]
    assert ("omn", "mediator") in [(m["actor"], m["role"]) for m in s["mediators"]]
    s = status(nuclear, "nuclear", "2018-05-08")
    assert table(s) == ["chn", "fra", "irn"]
    assert [(d["actor"], d["agreement"], d["reason"]) for d in s["left"]] == [("usa", "jcpoa", "a terrible deal")]
    s = status(nuclear, "nuclear")
    assert table(s) == ["irn"] and s["excluded"] == []
    assert [(d["actor"], d["reason"]) for d in s["left"]] == [("chn", "talks stalled"), ("fra", "walked out"),
                                                              ("usa", "a terrible deal")]


def test_status_and_diff_say_who_joined_and_left_and_why(nuclear: Path) -> None:
    out = ok("status", "nuclear", db=nuclear)
    assert ("Left the table\n  chn 1 Mar 2019: talks stalled\n  fra 1 Apr 2019: walked out\n"
             "  usa (withdrew from Joint plan) 8 May 2018: a terrible deal\n") in out
    assert "  eu, as mediator, last 10 Jan 2016\n" in out and "  iaea, as observer, last 10 Jan 2016\n" in out
    joined = ok("diff", "nuclear", "2016-06-01", "2017-06-01", db=nuclear)
    assert "party_joined         chn joined the table as a party (1 Jan 2017): invited by the E3" in joined
    # Seated by the talks of 10 Jan 2016 and again since: joined then, not at its latest seat.
    assert "party_joined         fra joined the table as a party (14 Jul 2015)" in ok(
        "diff", "nuclear", "2015-01-01", "2017-06-01", db=nuclear)
    diff = ok("diff", "nuclear", "2017-06-01", "2019-12-31", db=nuclear)
    assert "party_left           chn left the table (1 Mar 2019): talks stalled" in diff
    assert "party_left           usa left the table (withdrew from Joint plan, 8 May 2018): a terrible deal" in diff
    assert "party_left           fra left the table (1 Apr 2019): walked out" in diff
    assert "excluded" not in diff.replace("party_excluded", "")
    assert "mediator             omn at the table as mediator" in joined


def test_why_timeline_and_brief_reach_the_departures(nuclear: Path) -> None:
    why = ok("why", "nuclear", "left", "usa", db=nuclear)
    assert "agreement_withdrawn" in why and "1 event" in why
    assert "party_excluded" in ok("why", "nuclear", "left", "fra", db=nuclear)
    timeline = ok("timeline", "nuclear", db=nuclear)
    assert "party_joined" in timeline and "party_left" in timeline and "agreement_withdrawn" in timeline
    brief = ok("brief", db=nuclear)
    assert "**Left the table:**" in brief and "talks stalled" in brief


def test_export_and_import_keep_the_table(nuclear: Path, tmp_path: Path) -> None:
    exported = tmp_path / "log.jsonl"
    ok("export", "--format", "jsonl", "-o", str(exported), db=nuclear)
    other = tmp_path / "other.db"
    ok("import", str(exported), db=other)
    again = tmp_path / "again.jsonl"
    ok("export", "--format", "jsonl", "-o", str(again), db=other)
    assert again.read_bytes() == exported.read_bytes()
    for as_of in ("2016-01-12", "2018-05-08", None):
        assert status(other, "nuclear", as_of) == status(nuclear, "nuclear", as_of)


def test_help_of_the_table_types(nuclear: Path) -> None:
    joined = ok("log", "party-joined", "--help", db=nuclear)
    assert "A party joins the talks" in joined and "[party|mediator|observer]" in joined
    held = ok("log", "meeting-held", "--help", db=nuclear)
    assert "[talks|consultation|conference|contact]" in held and "--mediators" in held and "--observers" in held


# -- the demo data ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    ok("demo", "--no-tui", "--db", str(path), db=path)
    return path


def test_europe_is_not_at_the_ukraine_table_on_17_february(demo: Path) -> None:
    """Its leaders met in Paris (a consultation among allies), and von der Leyen met Kellogg: not talks."""
    for as_of in ("2025-02-17", "2025-02-18", None):
        s = status(demo, "ukraine-settlement", as_of)
        assert not {"eu", "europe", "fra"} & set(table(s)), as_of
    s = status(demo, "european-role", "2025-02-17")
    assert table(s) == []


def test_russia_and_the_united_states_are_at_the_ukraine_table_from_18_february(demo: Path) -> None:
    """Not before: the Trump-Putin call of the week before agreed that their teams would negotiate
    (a contact about talks, not a session of them); Riyadh was the first round."""
    for before in ("2025-02-12", "2025-02-17"):
        assert table(status(demo, "ukraine-settlement", before)) == [], before
    for as_of in ("2025-02-18", "2025-02-19", "2025-03-01", None):
        s = status(demo, "ukraine-settlement", as_of)
        assert table(s) == ["rus", "usa"], as_of
    s = status(demo, "ukraine-settlement", "2025-02-18")
    delegates = {p["actor"]: p["delegates"] for p in s["parties"]}
    assert {"rubio", "waltz", "witkoff"} <= set(delegates["usa"]) and "kellogg" not in delegates["usa"]
    assert {"lavrov", "ushakov"} <= set(delegates["rus"])


def test_munich_panellists_are_not_at_the_transatlantic_table(demo: Path) -> None:
    for as_of in ("2025-02-15", "2025-02-16", None):
        s = status(demo, "transatlantic-defence", as_of)
        assert table(s) == [], as_of
        assert "msc" not in [m["actor"] for m in s["mediators"]]  # it hosted a conference, not talks


def test_observers_are_only_those_with_the_observer_role(demo: Path) -> None:
    """Russia and Ukraine spoke about the Ukraine settlement by 17 Feb, Russia and the United States
    about Europe's role: none of them observed talks of the track, so none is an observer."""
    for track, as_of in (("ukraine-settlement", "2025-02-17"), ("ukraine-settlement", None),
                         ("european-role", "2025-02-17"), ("european-role", None)):
        assert status(demo, track, as_of)["observers"] == [], (track, as_of)
    out = ok("status", "ukraine-settlement", "--as-of", "2025-02-17", db=demo)
    assert "Observers" not in out and "last heard" not in out
    assert "speaks on the track" not in ok("diff", "ukraine-settlement", "2025-02-16", "2025-02-18", db=demo)


def test_nobody_at_the_table_after_every_party_left_says_so(tmp_path: Path) -> None:
    db = tmp_path / "log.db"
    for etype, when, *fields in [("track-opened", "2019-01-01", "--title", "Talks"),
                                 ("party-joined", "2020-01-01", "--parties", "usa,irn"),
                                 ("party-left", "2020-02-01", "--parties", "usa,irn", "--reason", "stalled")]:
        ok("log", etype, "--when", when, "--track", "t", "--summary", etype, "--source", "Test", *fields, db=db)
    assert "At the table\n  nobody yet\n" in ok("status", "t", "--as-of", "2019-12-31", db=db)
    assert "At the table\n  nobody (all parties have left)\n" in ok("status", "t", db=db)


def test_the_service_answers_the_same(demo: Path) -> None:
    service = Tracker.open(demo)
    try:
        on = lambda d: Moment(as_of=date.fromisoformat(d))  # noqa: E731
        assert service.track("ukraine-settlement", on("2025-02-17")).parties == ()
        assert [p.actor for p in service.track("ukraine-settlement", on("2025-02-18")).parties] == ["rus", "usa"]
        assert service.track("transatlantic-defence", on("2025-02-16")).parties == ()
        diff = service.diff("ukraine-settlement", on("2025-02-17"), on("2025-02-18"))
        assert sorted(c.subject for c in diff.changes if c.kind == "party_joined") == ["rus", "usa"]
        assert not [c for c in diff.changes if c.kind == "party_left"]
    finally:
        service.close()


@async_test
async def test_the_tui_overview_shows_who_left_and_the_roles_at_the_table(demo_db: Path) -> None:
    log(demo_db, type="party_joined", occurred={"earliest": "2025-03-01", "latest": "2025-03-01", "precision": "day"},
        summary="Saudi Arabia joins as mediator", parties=["sau"], role="mediator")
    log(demo_db, type="party_left", occurred={"earliest": "2025-03-02", "latest": "2025-03-02", "precision": "day"},
        summary="Russia walks out", parties=["rus"], reason="a provocation")
    text = flat(await overview(demo_db))
    assert "United States (Rubio, Waltz, Witkoff), as party, last 18 Feb 2025" in text
    assert "Saudi Arabia, as mediator, last 1 Mar 2025" in text
    assert "Left the table Russia 2 Mar 2025: a provocation" in text
    brief = brief_of(ok("brief", db=demo_db), "Ukraine war settlement")
    assert "Russia 2 Mar 2025: a provocation" in brief

"""Agreements signed, ratified, withdrawn from and proposals answered, through the real command:
logged, shown in status (text and --json), diff, why, timeline and the brief, exported and imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from run_cli import tracker


def ok(*args: str, db: Path) -> str:
    done = tracker(*args, db=db)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def nuclear(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("nuclear") / "log.db"
    common = ("--track", "nuclear", "--source", "Reuters")
    for args in [
        ("track-opened", "--when", "2013-01-01", "--title", "Nuclear talks", "--summary", "Talks open"),
        ("agreement-reached", "--when", "2013-11-24", "--summary", "Interim deal", "--agreement", "jpoa",
         "--title", "Joint Plan of Action", "--parties", "irn,usa", "--commitments", "enrich=Cap enrichment",
         "--commitments", "inspect=Daily inspections", "--commitments", "relief=Sanctions relief"),
        ("agreement-signed", "--when", "2013-11-24", "--summary", "Signed in Geneva", "--agreement", "jpoa",
         "--signatories", "irn,usa", "--venue", "Geneva"),
        ("agreement-ratified", "--when", "2014-01-12", "--summary", "Majlis approves", "--agreement", "jpoa",
         "--party", "irn", "--ratified-by", "Majlis"),
        ("commitment-progress", "--when", "2014-03-01", "--summary", "Enrichment capped", "--agreement", "jpoa",
         "--commitment", "enrich", "--progress", "done"),
        ("commitment-progress", "--when", "2014-04-01", "--summary", "Some relief", "--agreement", "jpoa",
         "--commitment", "relief", "--progress", "partial"),
        ("proposal-tabled", "--when", "2014-01-10", "--summary", "US framework", "--proposal", "p1",
         "--proposer", "usa", "--title", "Framework v1", "--stages", "Freeze,Relief"),
        ("proposal-answered", "--when", "2014-01-20", "--summary", "Iran counters", "--proposal", "p1",
         "--responder", "irn", "--response", "countered", "--counter", "p2", "--reason", "Relief too late"),
        ("proposal-tabled", "--when", "2014-01-20", "--summary", "Iran's counter", "--proposal", "p2",
         "--proposer", "irn", "--title", "Framework v2", "--stages", "Relief,Freeze", "--revises", "p1",
         "--agreed-stages", "1"),
        ("proposal-answered", "--when", "2014-02-01", "--summary", "US accepts", "--proposal", "p2",
         "--responder", "usa", "--response", "accepted"),
        ("agreement-withdrawn", "--when", "2018-05-08", "--reported-on", "2018-05-08", "--summary", "US withdraws",
         "--agreement", "jpoa", "--party", "usa", "--reason", "A one-sided deal", "--effective", "5 Nov 2018"),
        ("commitment-progress", "--when", "2018-05-09", "--summary", "Inspections stop", "--agreement", "jpoa",
         "--commitment", "inspect", "--progress", "broken"),
    ]:
        ok("log", *args, *common, db=db)
    return db


def test_help_reads_well() -> None:
    for kind, flags in [("proposal-answered", ("--responder", "--response [accepted|rejected|countered]", "--counter")),
                        ("agreement-signed", ("--signatories", "--venue")),
                        ("agreement-ratified", ("--party", "--ratified-by")),
                        ("agreement-withdrawn", ("--party", "--reason", "--effective DATE")),
                        ("proposal-tabled", ("--revises", "--agreed-stages"))]:
        done = tracker("log", kind, "--help")
        assert done.returncode == 0, done.stderr
        for flag in flags:
            assert flag in done.stdout, (kind, flag)


def test_status_shows_acts_answers_and_tallies(nuclear: Path) -> None:
    out = ok("status", "nuclear", "--as-of", "2018-06-01", db=nuclear)
    assert "Joint Plan of Action (irn, usa) 24 Nov 2013 - 3 commitments: 1 done, 1 partial, 1 broken (inspect)" in out
    assert "signed by irn, usa (Geneva) 24 Nov 2013" in out
    assert "ratified by irn (Majlis) 12 Jan 2014" in out
    assert "withdrawal by usa 8 May 2018, effective 5 Nov 2018: A one-sided deal" in out
    assert "countered by irn 20 Jan 2014, counter-proposal Framework v2: Relief too late" in out
    assert "accepted by usa 1 Feb 2014" in out
    assert "stages:  1. Relief (agreed)  2. Freeze" in out
    assert "revised by Framework v2" in out and "revises Framework v1" in out  # versions by title


def test_status_json_as_of_several_dates(nuclear: Path) -> None:
    def track(as_of: str) -> dict:
        return json.loads(ok("status", "nuclear", "--as-of", as_of, "--json", db=nuclear))

    assert track("2013-11-01")["agreements"] == []
    g = track("2013-12-01")["agreements"][0]
    assert (g["signatories"], g["ratified_by"], g["withdrawn"]) == (["irn", "usa"], [], [])
    g = track("2014-02-01")["agreements"][0]
    assert g["ratified_by"] == ["irn"] and g["withdrawn"] == []
    p = {x["proposal"]: x for x in track("2014-01-25")["proposals"]}
    assert p["p1"]["countered_by"] == ["irn"] and p["p1"]["revised_by"] == ["p2"] and p["p2"]["accepted_by"] == []
    p = {x["proposal"]: x for x in track("2014-02-02")["proposals"]}
    assert p["p2"]["accepted_by"] == ["usa"] and p["p2"]["agreed_stages"] == [1] and p["p2"]["revises"] == "p1"
    g = track("2018-06-01")["agreements"][0]
    assert g["withdrawn"] == ["usa"] and g["acts"][-1]["reason"] == "A one-sided deal"
    assert g["acts"][-1]["effective"]["edtf"] == "2018-11-05"


def test_diff_why_timeline_and_brief(nuclear: Path) -> None:
    out = ok("diff", "nuclear", "2014-01-15", "2018-06-01", db=nuclear)
    assert "proposal_answered" in out and "countered by irn (counter-proposal Framework v2)" in out
    assert "agreement_withdrawn" in out and "withdrawn by usa: A one-sided deal" in out
    why = ok("why", "nuclear", "agreements", "jpoa", db=nuclear)
    for kind in ("agreement_signed", "agreement_ratified", "agreement_withdrawn"):
        assert kind in why
    assert "proposal_answered" in ok("why", "nuclear", "proposals", "p2", db=nuclear)
    timeline = ok("timeline", "nuclear", db=nuclear)
    assert "agreement_withdrawn" in timeline and "US withdraws" in timeline and "proposal_answered" in timeline
    brief = ok("brief", "--as-of", "2018-06-01", db=nuclear)
    assert "3 commitments: 1 done, 1 partial, 1 broken (inspect)" in brief
    assert "[broken] Daily inspections" in brief


def test_diff_over_a_window_says_what_happened_to_what_is_new_in_it(nuclear: Path) -> None:
    """An agreement reached, signed and ratified, a proposal tabled and countered, all in one window:
    the diff says each act, not only that the agreement was reached and the proposal tabled."""
    out = ok("diff", "nuclear", "2013-06-01", "2014-03-15", db=nuclear)
    assert "agreement: Joint Plan of Action (irn, usa; 3 commitments: 1 done, 0 partial, 0 broken)" in out
    assert "Joint Plan of Action: signed by irn, usa (Geneva)" in out
    assert "Joint Plan of Action: ratified by irn (Majlis)" in out
    assert "Cap enrichment: not_started -> done" in out
    assert "Framework v1: countered by irn (counter-proposal Framework v2)" in out
    assert "Framework v2: accepted by usa" in out


def test_an_agreement_or_proposal_never_logged_is_refused_with_the_ones_that_are(nuclear: Path) -> None:
    """As an unknown --met-by is: an agreement ratified, withdrawn from or progressed that was never
    reached or signed, a proposal answered or revised that was never tabled. Nothing is written."""
    before = ok("export", "--format", "jsonl", db=nuclear)
    common = ("--when", "2014-05-01", "--track", "nuclear", "--summary", "typo", "--dry-run")
    for args, flag, said in [
        (("agreement-ratified", "--agreement", "jcpoa", "--party", "irn"), "--agreement",
         "no agreement 'jcpoa' has been reached or signed on track 'nuclear' (agreements reached or signed there: jpoa)"),
        (("agreement-withdrawn", "--agreement", "jcpoa", "--party", "usa"), "--agreement", "no agreement 'jcpoa'"),
        (("commitment-progress", "--agreement", "jcpoa", "--commitment", "enrich", "--progress", "done"),
         "--agreement", "no agreement 'jcpoa'"),
        (("proposal-answered", "--proposal", "p3", "--responder", "irn", "--response", "rejected"), "--proposal",
         "no proposal 'p3' has been tabled on track 'nuclear' (proposals tabled there: p2, p1)"),
        (("proposal-tabled", "--proposal", "p4", "--proposer", "irn", "--title", "v4", "--revises", "p3"),
         "--revises", "no proposal 'p3' has been tabled"),
    ]:
        refused = tracker("log", *args, *common, db=nuclear)
        assert refused.returncode == 2 and flag in refused.stderr and said in refused.stderr, (args, refused.stderr)
        assert "'tracker log " in refused.stderr  # how to log it first
    assert ok("log", "agreement-ratified", "--agreement", "jpoa", "--party", "usa", *common, db=nuclear)
    assert ok("export", "--format", "jsonl", db=nuclear) == before


def test_export_import_round_trip(nuclear: Path, tmp_path: Path) -> None:
    dump = tmp_path / "log.jsonl"
    ok("export", "--format", "jsonl", "-o", str(dump), db=nuclear)
    other = tmp_path / "other.db"
    ok("import", str(dump), db=other)
    for args in (("status", "nuclear", "--json", "--as-of", "2018-06-01"), ("verify",)):
        a, b = ok(*args, db=nuclear), ok(*args, db=other)
        if args[0] == "status":
            assert json.loads(a)["agreements"] == json.loads(b)["agreements"]
            assert json.loads(a)["proposals"] == json.loads(b)["proposals"]
    assert sum(json.loads(ln).get("type") == "agreement_withdrawn" for ln in dump.read_text().splitlines()) == 1


def test_demo_commitment_counts_show_every_kind(demo_db: Path) -> None:
    out = ok("brief", "--as-of", "2025-02-19", db=demo_db)
    assert "8 commitments: 0 done, 0 partial, 0 broken" in out
    assert "commitments done" not in out

"""The bundled demo log (tracker/data/demo.jsonl): what a user exploring the demo relies on."""

from __future__ import annotations

import json
from datetime import date, datetime
from importlib import resources

import pytest

from events import EVENT_ADAPTER
from events.ids import ULID_RE, id_time
from tracker.store import EventStore

SPEAKERS = (
    "rubio", "waltz", "witkoff", "ushakov", "lavrov", "grushko", "peskov", "markov",
    "zelensky", "erdogan", "macron", "von-der-leyen",
)
RIYADH_COMMITMENTS = {
    "restore-embassies", "appoint-negotiating-teams", "consultation-mechanism", "economic-dialogue",
    "regular-ukraine-consultations", "resume-communication-channels", "historic-partnerships",
    "end-of-war-parameters",
}


def _demo_text() -> str:
    return (resources.files("tracker") / "data" / "demo.jsonl").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def events() -> list[dict]:
    return [json.loads(line) for line in _demo_text().splitlines() if line.strip()]


def _of_type(events: list[dict], etype: str) -> list[dict]:
    return [e for e in events if e["type"] == etype]


def _one(events: list[dict], etype: str, **fields) -> dict:
    found = [e for e in _of_type(events, etype) if all(e.get(k) == v for k, v in fields.items())]
    assert len(found) == 1, f"expected one {etype} with {fields}, found {len(found)}"
    return found[0]


def _day(d: str) -> dict:
    return {"earliest": d, "latest": d, "precision": "day"}


def _actor_slugs(event: dict) -> set[str]:
    """Every actor slug an event names, in the envelope or in its own fields."""
    slugs = set(event.get("actors", []))
    for key in ("speaker", "on_behalf_of", "claimant", "mediator", "host", "publisher", "actor",
                "affiliation"):
        if event.get(key):
            slugs.add(event[key])
    for key in ("towards", "seat_for", "excluded", "by", "participants", "parties", "proposer",
                "between", "authors"):
        slugs.update(event.get(key) or [])
    for commitment in event.get("commitments", []):
        slugs.update(commitment.get("owners", []))
    return slugs


# -- loading ----------------------------------------------------------------------------------
def test_demo_loads_into_a_fresh_store_and_verifies(tmp_path, events):
    store = EventStore(tmp_path / "demo.db")
    result = store.append(events)
    assert result.skipped == 0
    assert store.count() == len(events)
    check = store.verify()
    assert check.ok, check.reason


def test_loading_twice_is_a_no_op(tmp_path, events):
    store = EventStore(tmp_path / "demo.db")
    store.append(events)
    again = store.append(events)
    assert again.appended == [] and again.skipped == len(events)
    assert store.count() == len(events)


def test_every_line_is_a_valid_event_of_plausible_size(events):
    assert 70 <= len(events) <= 130
    for e in events:
        EVENT_ADAPTER.validate_python(e)


def test_file_is_plain_utf8_json_lines():
    text = _demo_text()
    assert "\x00" not in text
    for line in text.splitlines():
        assert line.strip(), "no blank lines"
        assert isinstance(json.loads(line), dict)


# -- identity and time ------------------------------------------------------------------------
def test_ids_are_unique_ulids_matching_recorded_at(events):
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids))
    for e in events:
        assert ULID_RE.match(e["id"]), e["id"]
        recorded = datetime.fromisoformat(e["recorded_at"].replace("Z", "+00:00"))
        assert id_time(e["id"]) == recorded, e["summary"]


def test_recorded_at_is_set_in_utc_and_follows_log_order(events):
    stamps = [e["recorded_at"] for e in events]
    for s in stamps:
        assert s and s.endswith("Z") and len(s) == len("2025-02-18T21:00:00.000000Z")
    assert stamps == sorted(stamps)
    days = {s[:10] for s in stamps}
    assert {"2025-02-18", "2025-02-19"} <= days  # logged as the reports came in


def test_nothing_is_recorded_before_it_could_have_happened(events):
    for e in events:
        recorded = date.fromisoformat(e["recorded_at"][:10])
        assert date.fromisoformat(e["occurred"]["earliest"]) <= recorded, e["summary"]


def test_nothing_is_recorded_before_its_sources_were_published(events):
    for e in events:
        for source in e["sources"]:
            if source.get("published"):
                assert source["published"] <= e["recorded_at"][:10], e["summary"]


def test_as_known_on_the_morning_of_18_feb_the_riyadh_talks_are_not_yet_logged(tmp_path, events):
    from tracker.store import EventFilter

    store = EventStore(tmp_path / "demo.db")
    store.append(events)
    cutoff = datetime.fromisoformat("2025-02-18T12:00:00+00:00")
    known = store.query(EventFilter(recorded_until=cutoff), limit=1000)
    meetings = {s.event.meeting for s in known if s.event.type == "meeting_held"}
    assert "trump-putin-call-2025-02" in meetings
    assert "paris-emergency-2025-02-17" in meetings
    assert "riyadh-2025-02-18" not in meetings


# -- references: tracks, actors, targets ------------------------------------------------------
def test_at_least_four_tracks_and_every_track_used_is_opened_first(events):
    opened: dict[str, int] = {}
    for i, e in enumerate(events):
        if e["type"] == "track_opened":
            assert e["track"] not in opened, f"track {e['track']} opened twice"
            opened[e["track"]] = i
    assert len(opened) >= 4
    assert set(opened) >= {
        "ukraine-settlement", "us-russia-normalization", "european-role", "transatlantic-defence",
    }
    for i, e in enumerate(events):
        used = set(e["tracks"]) | ({e["track"]} if e.get("track") else set())
        for track in used:
            assert track in opened, f"track {track!r} has no track_opened"
            if e["type"] != "actor_described":  # actors are described before any track exists
                assert opened[track] <= i, f"track {track!r} used before opened: {e['summary']}"


def test_every_actor_used_is_described_before_first_use(events):
    described: dict[str, int] = {}
    for i, e in enumerate(events):
        if e["type"] == "actor_described":
            described.setdefault(e["actor"], i)
    for i, e in enumerate(events):
        for slug in _actor_slugs(e):
            assert slug in described, f"actor {slug!r} has no actor_described ({e['summary']})"
            assert described[slug] <= i, f"actor {slug!r} used before described: {e['summary']}"


def test_actor_descriptions_name_every_actor_and_come_first(events):
    first_other = next(i for i, e in enumerate(events) if e["type"] != "actor_described")
    upfront = {e["actor"] for e in events[:first_other]}
    for slug in ("usa", "rus", "ukr", "eu", "fra", "tur", "gbr", "sau", "nato", "trump", "putin",
                 "rubio", "waltz", "witkoff", "ushakov", "lavrov", "grushko", "peskov", "markov",
                 "zelensky", "erdogan", "macron", "von-der-leyen", "kellogg", "heinrich", "daalder",
                 "grand", "schwarzer", "bremmer", "hill", "kuleba", "osullivan", "sanger",
                 "belfer-center", "ecfr", "msc", "us-state-dept", "ru-mfa"):
        assert slug in upfront, slug
    for e in _of_type(events, "actor_described"):
        assert e["name"].strip()


def test_targets_name_earlier_events(events):
    seen: set[str] = set()
    for e in events:
        if "target" in e:
            assert e["target"] in seen, e["summary"]
        seen.add(e["id"])


# -- sources and statuses ---------------------------------------------------------------------
def test_every_event_has_a_source_with_outlet_date_and_quote(events):
    for e in events:
        assert e["sources"], e["summary"]
        for s in e["sources"]:
            assert s["outlet"].strip()
            assert s["published"] == "2025-02-18"
            assert s["quote"] and s["quote"].strip()


def test_second_hand_reports_name_who_we_read_them_in(events):
    vias = {(s["outlet"], s["via"]) for e in events for s in e["sources"]}
    assert ("NYT", "Russia Matters") in vias
    assert ("Fox News", "Brian McDonald, Twitter") in vias
    assert ("Fox News", "Russia Matters") in vias


# -- dates ------------------------------------------------------------------------------------
def test_trump_putin_call_is_dated_to_the_week_not_a_guessed_day(events):
    call = _one(events, "meeting_held", meeting="trump-putin-call-2025-02")
    assert call["occurred"]["precision"] == "week"
    assert call["occurred"]["earliest"] == "2025-02-10"
    assert call["occurred"]["latest"] == "2025-02-16"
    assert {"trump", "putin"} <= set(call["participants"])


def test_paris_emergency_meeting_on_monday_17_feb(events):
    paris = _one(events, "meeting_held", meeting="paris-emergency-2025-02-17")
    assert paris["occurred"] == _day("2025-02-17")
    assert paris["host"] == "fra"


def test_riyadh_talks(events):
    riyadh = _one(events, "meeting_held", meeting="riyadh-2025-02-18")
    assert riyadh["occurred"]["earliest"] == riyadh["occurred"]["latest"] == "2025-02-18"
    assert riyadh["occurred"]["precision"] == "day"
    assert riyadh["duration_hours"] == 4.5
    assert riyadh["host"] == "sau"
    assert "Riyadh" in riyadh["location"]
    assert {"usa", "rus", "rubio", "lavrov"} <= set(riyadh["participants"])


def test_erdogan_trip_scheduled_then_postponed_to_10_march(events):
    scheduled = _one(events, "meeting_scheduled", meeting="erdogan-saudi-visit-2025")
    assert scheduled["planned"]["earliest"] == "2025-02-19"
    postponed_rec = _one(events, "meeting_postponed", meeting="erdogan-saudi-visit-2025")["recorded_at"]
    assert scheduled["recorded_at"] < postponed_rec
    postponed = _one(events, "meeting_postponed", meeting="erdogan-saudi-visit-2025")
    assert postponed["from_date"]["earliest"] == postponed["from_date"]["latest"] == "2025-02-19"
    assert postponed["to_date"]["earliest"] == postponed["to_date"]["latest"] == "2025-03-10"
    assert postponed["by"] == ["erdogan"]
    assert postponed["reason"]
    assert events.index(scheduled) < events.index(postponed)


def test_macron_meeting_planned_for_wednesday_19_feb(events):
    m = _one(events, "meeting_scheduled", host="fra")
    assert m["planned"] == _day("2025-02-19")


def test_belfer_report_dated_to_the_munich_security_conference(events):
    belfer = _one(events, "analysis_published", publisher="belfer-center")
    assert belfer["occurred"] == {
        "earliest": "2025-02-14", "latest": "2025-02-16", "precision": "range",
    }
    assert set(belfer["authors"]) == {"daalder", "grand", "schwarzer"}
    assert belfer["title"] == (
        "Transatlantic Bargain: The Case for Building a Strong European Pillar"
    )
    assert len(belfer["findings"]) >= 3


# -- the three-stage plan ---------------------------------------------------------------------
def test_three_stage_plan_is_reported_and_disputed_by_lavrov(events):
    plan = _one(events, "proposal_tabled", proposal="three-stage-plan")
    assert plan["status"] == "reported"
    assert plan["stages"] == ["Ceasefire", "Elections in Ukraine", "Final agreement"]
    assert set(plan["proposer"]) == {"usa", "rus"}
    assert any(s["outlet"] == "Fox News" for s in plan["sources"])
    change = _one(events, "claim_status_changed", target=plan["id"])
    assert change["new_status"] == "disputed"
    assert change["by"] == ["lavrov"]
    assert change["recorded_at"] > plan["recorded_at"]


def test_reelection_beliefs_are_only_reported(events):
    beliefs = [e for e in _of_type(events, "statement_made") if e["issue"] == "elections"]
    assert {e["speaker"] for e in beliefs} == {"trump", "putin"}
    assert all(e["status"] in ("reported", "unverified") for e in beliefs)


# -- statements, seats, mediation -------------------------------------------------------------
@pytest.mark.parametrize("speaker", SPEAKERS)
def test_named_speaker_has_a_statement(events, speaker):
    mine = [e for e in _of_type(events, "statement_made") if e["speaker"] == speaker]
    assert mine, speaker
    assert all(e["quote"] and e["issue"] and e["stance"] for e in mine)


def test_statements_by_people_say_whom_they_speak_for(events):
    for e in _of_type(events, "statement_made"):
        if e["speaker"] != "markov":  # an analyst speaks for no state
            assert e["on_behalf_of"], e["summary"]


def test_rubio_territory_and_security_guarantees(events):
    issues = {e["issue"] for e in _of_type(events, "statement_made") if e["speaker"] == "rubio"}
    expected = {
        "territory", "security-guarantees", "european-participation", "economic-cooperation",
    }
    assert expected <= issues


def test_european_peacekeepers_opposed_by_russia(events):
    opposing = {e["speaker"] for e in _of_type(events, "statement_made")
                if e["issue"] == "european-peacekeepers" and e["stance"] == "opposes"}
    assert {"lavrov", "grushko", "ru-mfa"} <= opposing


def test_seats_demanded(events):
    seats = {(e["claimant"], frozenset(e["seat_for"])) for e in _of_type(events, "seat_demanded")}

    def demanded(claimant: str, *seat_for: str) -> bool:
        return any(c == claimant and set(seat_for) <= s for c, s in seats)

    assert ("zelensky", frozenset({"ukr"})) in seats
    assert demanded("zelensky", "eu", "gbr", "tur")
    assert demanded("eu", "eu")
    assert demanded("erdogan", "ukr", "eu", "tur", "gbr")


def test_exclusions(events):
    excluded = _of_type(events, "party_excluded")
    assert any(e["by"] == ["rus"] and "eu" in e["excluded"] for e in excluded)
    assert any(
        set(e["by"]) == {"usa", "rus"} and {"ukr", "eu"} <= set(e["excluded"]) for e in excluded
    )


def test_erdogan_offers_to_host(events):
    offer = _one(events, "mediation_offered", mediator="erdogan")
    assert offer["role"] == "host"
    assert set(offer["between"]) == {"rus", "ukr", "usa"}
    assert offer["venue"] == "Turkey"


# -- agreement, tracks ------------------------------------------------------------------------
def test_riyadh_agreement_commitments(events):
    agreement = _one(events, "agreement_reached", agreement="riyadh-understandings")
    assert set(agreement["parties"]) == {"usa", "rus"}
    ids = {c["id"] for c in agreement["commitments"]}
    assert RIYADH_COMMITMENTS <= ids
    assert all(c["text"].strip() for c in agreement["commitments"])


def test_ukraine_settlement_becomes_active_after_riyadh(events):
    opened = _one(events, "track_opened", track="ukraine-settlement")
    assert opened["initial_status"] == "exploratory"
    assert opened["agenda"]
    change = _one(events, "track_status_changed", track="ukraine-settlement")
    assert change["new_status"] == "active"
    assert change["occurred"]["earliest"] == "2025-02-18"


# -- the correction ---------------------------------------------------------------------------
def test_ecfr_analysis_logged_as_printed_then_corrected(events):
    ecfr = _one(events, "analysis_published", publisher="ecfr")
    assert "Camile Grant" in ecfr["summary"]
    assert ecfr["authors"] == ["camile-grant"]
    correction = _one(events, "correction", target=ecfr["id"])
    assert correction["changes"]["authors"] == ["grand"]
    assert "Camille Grand" in correction["changes"]["summary"]
    assert "Camile Grant" in correction["reason"]
    assert correction["recorded_at"] > ecfr["recorded_at"]
    assert events.index(correction) > events.index(ecfr)
    # the misspelt actor is withdrawn, the real one already exists
    misspelt = _one(events, "actor_described", actor="camile-grant")
    _one(events, "retraction", target=misspelt["id"])
    assert _one(events, "actor_described", actor="grand")["name"] == "Camille Grand"


def test_statement_issues_are_on_the_agenda_of_their_tracks(events):
    agenda = {e["track"]: set(e["agenda"]) for e in _of_type(events, "track_opened")}
    for e in _of_type(events, "statement_made"):
        assert any(e["issue"] in agenda[t] for t in e["tracks"]), f"{e['issue']!r}: {e['summary']}"


def test_rubios_three_steps_are_a_proposal_whose_first_step_was_agreed(events):
    plan = _one(events, "proposal_tabled", proposal="rubio-three-steps")
    assert plan["proposer"] == ["usa"] and len(plan["stages"]) == 3
    assert plan["agreed_stages"] == [1] and "embassies" in plan["stages"][0]
    assert any(s["outlet"] == "NYT" for s in plan["sources"])


def test_the_leaders_call_is_a_contact_about_talks_not_a_round_of_them(events):
    call = _one(events, "meeting_held", meeting="trump-putin-call-2025-02")
    assert call["format"] == "phone" and call["kind"] == "contact"


def test_zelensky_supports_ukraine_taking_part_in_the_talks(events):
    """He denounces talks 'on Ukraine without Ukraine': for Kyiv at the table, not against it."""
    mine = [e for e in _of_type(events, "statement_made")
            if e["speaker"] == "zelensky" and e["issue"] == "ukraine-participation"]
    assert mine and all(e["stance"] == "supports" for e in mine)


def test_the_unnamed_kremlin_spokesman_is_not_given_a_name(events):
    said = [e for e in _of_type(events, "statement_made") if "ready to negotiate with Zelensky" in (e["quote"] or "")]
    assert len(said) == 1 and said[0]["speaker"] == "rus" and "peskov" not in said[0]["actors"]
    assert "Kremlin spokesman" in said[0]["summary"]


def test_europe_and_kyiv_floated_a_european_force_as_reported(events):
    floated = {e["speaker"]: e for e in _of_type(events, "statement_made")
               if e["issue"] == "european-peacekeepers" and e["stance"] == "supports"}
    assert set(floated) == {"europe", "ukr"}
    for e in floated.values():
        assert e["status"] == "reported" and "floated the idea" in e["sources"][0]["quote"]

"""Random but valid event logs for property tests (hypothesis), and checks of the generator itself.

The logs are small and dense on purpose: two tracks, a handful of actors (some affiliated), two
issues, two meetings, dates within three weeks at every precision, recorded_at mostly rising but
sometimes back-dated, claim status changes, corrections (of summaries, statuses, dates, tracks,
stances) and retractions (also of corrections and of retractions) aimed at earlier events.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from events import EVENT_ADAPTER, EVENT_TYPES, new_id
from events.examples import example_fields
from projections.records import AMENDMENT_TYPES, Ev, normalise, recorded_text

TRACKS = ("t-one", "t-two")
STATES = ("usa", "rus", "ukr")
PEOPLE = {"rubio": "usa", "lavrov": "rus", "zelensky": "ukr"}
ACTORS = (*STATES, *PEOPLE)
ISSUES = ("territory", "sanctions")
MEETINGS = ("m-one", "m-two")
# One outlet in three spellings (outlet_key makes them one), and two others: sources and grades
# name them, so grading and independence are exercised.
OUTLETS = ("Reuters", " reuters ", "REUTERS", "TASS", "Kyiv Independent")
START = date(2025, 2, 1)
BASE = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
# Every type of the vocabulary but the amendments (statements three times as often): a type without
# a case in `_fields` gets fields derived from its model (events.examples).
FACT_KINDS = tuple(kind for kind in EVENT_TYPES if kind not in AMENDMENT_TYPES
                   for _ in range(3 if kind == "statement_made" else 1))
PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def occurred(draw: Any) -> dict[str, Any]:
    d = START + timedelta(days=draw(st.integers(0, 20)))
    kind = draw(st.sampled_from(("day", "day", "day", "week", "month", "range")))
    if kind == "week":
        monday = d - timedelta(days=d.weekday())
        return {"earliest": monday.isoformat(), "latest": (monday + timedelta(days=6)).isoformat(), "precision": "week"}
    if kind == "month":
        return {"earliest": "2025-02-01", "latest": "2025-02-28", "precision": "month"}
    if kind == "range":
        return {"earliest": d.isoformat(), "latest": (d + timedelta(days=draw(st.integers(1, 5)))).isoformat(),
                "precision": "range"}
    return {"earliest": d.isoformat(), "latest": d.isoformat(), "precision": "day"}


def sources() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"outlet": st.sampled_from(OUTLETS)}, optional={
        "via": st.sampled_from(("Russia Matters", "a Telegram channel")), "credibility": st.integers(1, 6)})


def _fields(kind: str, draw: Any, facts: list[dict[str, Any]]) -> dict[str, Any] | None:
    pick = lambda xs: draw(st.sampled_from(xs))  # noqa: E731
    track = pick(TRACKS)
    some = lambda: draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=3, unique=True))  # noqa: E731
    if kind == "track_opened":
        return {"track": track, "title": f"Track {track} v{draw(st.integers(1, 3))}", "tracks": [track],
                "initial_status": pick(("exploratory", "active")), "agenda": draw(st.lists(st.sampled_from(ISSUES), unique=True))}
    if kind == "track_status_changed":
        return {"track": track, "tracks": [track], "new_status": pick(("active", "stalled", "concluded"))}
    if kind == "actor_described":
        actor = pick(ACTORS)
        return {"actor": actor, "name": actor.title() + pick(("", " (updated)")),
                "kind": "person" if actor in PEOPLE else "state", "affiliation": PEOPLE.get(actor)}
    if kind == "meeting_scheduled":
        return {"meeting": pick(MEETINGS), "title": "Talks", "planned": occurred(draw), "participants": some()}
    if kind == "meeting_held":
        held = {"meeting": pick(MEETINGS), "title": "Talks", "participants": some(), "host": pick((None, "sau"))}
        # Only talks seat their participants (projections.families.table); mediators and observers are no parties.
        held.update(kind=pick((None, "talks", "consultation", "conference")), mediators=pick(([], ["tur"])),
                    observers=pick(([], ["ecfr"])))
        return held
    if kind == "meeting_postponed":
        return {"meeting": pick(MEETINGS), "to_date": pick((None, occurred(draw))), "by": some()}
    if kind == "meeting_cancelled":
        return {"meeting": pick(MEETINGS), "by": some()}
    if kind == "statement_made":
        speaker = pick(ACTORS)
        return {"speaker": speaker, "on_behalf_of": PEOPLE.get(speaker), "issue": pick(ISSUES),
                "stance": pick(("supports", "opposes", "conditional", "neutral")), "quote": pick((None, "quoted"))}
    if kind == "seat_demanded":
        return {"claimant": pick(ACTORS), "seat_for": some()}
    if kind == "party_excluded":
        return {"excluded": some(), "by": some()}
    if kind == "mediation_offered":
        return {"mediator": pick(("tur", "erdogan", "sau")), "role": pick(("mediator", "host")), "between": some()}
    if kind == "proposal_tabled":
        return {"proposal": pick(("p-one", "p-two")), "proposer": some(), "title": "Plan", "stages": ["a", "b"]}
    if kind == "agreement_reached":
        return {"agreement": "g-one", "title": "Deal", "parties": some(),
                "commitments": [{"id": "c1", "text": "First"}, {"id": "c2", "text": "Second"}]}
    if kind == "commitment_progress":
        return {"agreement": "g-one", "commitment": pick(("c1", "c2")), "progress": pick(("partial", "done", "broken"))}
    if kind == "analysis_published":
        return {"publisher": pick(("ecfr", "rubio")), "title": "Paper"}
    if kind == "source_graded":
        return {"outlet": pick(OUTLETS), "reliability": pick(tuple("ABCDEF"))}
    if kind == "claim_status_changed":
        if not facts:
            return None
        return {"target": pick([f["id"] for f in facts]), "new_status": pick(("confirmed", "disputed", "denied")),
                "by": some()}
    return example_fields(kind, _Picks(draw))


class _Picks:
    """Values for a type derived from its model (events.examples.Picks), from the small pools above."""

    def __init__(self, draw: Any) -> None:
        self.draw = draw

    def actor(self) -> str:
        return str(self.draw(st.sampled_from(ACTORS)))

    def actors(self) -> list[str]:
        return list(self.draw(st.lists(st.sampled_from(ACTORS), min_size=1, max_size=3, unique=True)))

    def slug(self, field: str) -> str:
        pools = {"issue": ISSUES, "meeting": MEETINGS, "track": TRACKS, "proposal": ("p-one", "p-two"),
                 "agreement": ("g-one",)}
        return str(self.draw(st.sampled_from(pools.get(field, (f"{field}-one", f"{field}-two")))))

    def text(self, field: str) -> str:
        return field.replace("_", " ").capitalize()

    def occurred(self, planned: bool) -> dict[str, Any]:
        return occurred(self.draw)

    def choice(self, options: Any) -> Any:
        return self.draw(st.sampled_from(options))

    def include(self, field: str) -> bool:
        return bool(self.draw(st.booleans()))


def _amendment(draw: Any, facts: list[dict[str, Any]], acts: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not facts:
        return None
    if acts and draw(st.integers(0, 5)) == 0:
        return {"type": "retraction", "target": draw(st.sampled_from([a["id"] for a in acts])), "reason": "withdrawn"}
    target = draw(st.sampled_from(facts))
    if draw(st.integers(0, 3)) == 0:
        return {"type": "retraction", "target": target["id"], "reason": "withdrawn"}
    options: list[dict[str, Any]] = [{"summary": "Corrected summary"}, {"status": "disputed"},
                                     {"occurred": occurred(draw)}, {"tracks": [draw(st.sampled_from(TRACKS))]}]
    if target["type"] == "statement_made":
        options.append({"stance": "opposes", "quote": "corrected quote"})
    changes = draw(st.sampled_from(options))
    try:
        EVENT_ADAPTER.validate_python({**target, **changes})
    except Exception:  # noqa: BLE001 - an impossible correction: fall back to the summary
        changes = {"summary": "Corrected summary"}
    return {"type": "correction", "target": target["id"], "changes": changes, "reason": "fixed"}


@st.composite
def logs(draw: Any, min_size: int = 1, max_size: int = 30) -> list[dict[str, Any]]:
    """A list of stored-form event bodies, in log order (recorded_at set, sometimes back-dated)."""
    n = draw(st.integers(min_size, max_size))
    seed = draw(st.integers(0, 10**9))
    facts: list[dict[str, Any]] = []
    acts: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    clock = BASE
    for i in range(n):
        clock += timedelta(hours=draw(st.integers(-30, 40)))  # negative: back-dated logging
        if draw(st.integers(0, 5)) == 0:
            extra = _amendment(draw, facts, acts)
        else:
            kind = draw(st.sampled_from(FACT_KINDS))
            extra = _fields(kind, draw, facts)
            if extra is not None:
                extra = {"type": kind, **extra}
        if extra is None:
            continue
        eid = new_id(at=BASE + timedelta(seconds=i), randomness=hashlib.sha256(f"{seed}:{i}".encode()).digest()[:10])
        track = draw(st.sampled_from(TRACKS))
        body = {"id": eid, "occurred": occurred(draw), "tracks": [track], "summary": f"event {i}",
                "status": draw(st.sampled_from(("confirmed", "confirmed", "reported", "unverified", "denied"))),
                "sources": draw(st.lists(sources(), max_size=3)), **extra}
        if extra["type"] in ("correction", "retraction"):
            body["status"], body["sources"] = "confirmed", []
        model = EVENT_ADAPTER.validate_python(body)
        stored = model.model_dump(mode="json")
        stored["recorded_at"] = recorded_text(clock)
        out.append(stored)
        (acts if extra["type"] in ("correction", "retraction") else facts).append(stored)
    return out


def as_evs(bodies: Iterable[dict[str, Any]], start: int = 1) -> list[Ev]:
    return [Ev(i, normalise(dict(b))) for i, b in enumerate(bodies, start)]


def moments_from(draw: Any) -> Any:
    from projections.moment import Moment

    as_of = draw(st.one_of(st.none(), st.builds(lambda n: START + timedelta(days=n), st.integers(-1, 22))))
    known = draw(st.one_of(st.none(), st.builds(lambda h: BASE + timedelta(hours=h), st.integers(-40, 400))))
    return Moment(as_of=as_of, known_at=known)


moments = st.composite(lambda draw: moments_from(draw))


# -- the generator itself ---------------------------------------------------------------------------
@PROFILE
@given(logs())
def test_generated_logs_are_valid_and_reference_earlier_events(bodies: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for b in bodies:
        EVENT_ADAPTER.validate_python(b)
        if "target" in b:
            assert b["target"] in seen
        seen.add(b["id"])


@pytest.mark.parametrize("wanted", [
    lambda bs: any(b["type"] == "retraction" and b["target"] in {x["id"] for x in bs if x["type"] == "correction"} for b in bs),
    lambda bs: any(b["type"] == "correction" and "occurred" in b["changes"] for b in bs),
    lambda bs: any(b["type"] == "claim_status_changed" and b["new_status"] == "denied" for b in bs),
    lambda bs: any(a["recorded_at"] > b["recorded_at"] for a, b in itertools.pairwise(bs)),  # back-dated logging
    lambda bs: any(b["occurred"]["precision"] == "week" for b in bs),
    lambda bs: any(b["status"] == "unverified" for b in bs),
    lambda bs: any(b["type"] == "source_graded" for b in bs) and any(len(b["sources"]) > 1 for b in bs),
])
def test_generator_reaches_every_ingredient(wanted: Any) -> None:
    # Generation only: the first log that has it proves the point; shrinking it would only cost time.
    find(logs(), wanted, settings=settings(max_examples=2000, deadline=None, phases=[Phase.generate], database=None))

"""A realistic synthetic event log, for benchmarks and tests: deterministic from a seed, fast.

`generate(n, seed)` yields `n` valid event bodies (plain dicts, the JSON Lines import format) that
mix every event type of `events.types`: tracks and actors are described the first time they are
used, meetings are scheduled before they are held, postponed or cancelled, claim status changes
target earlier proposals (and some statements), corrections and retractions target earlier events,
commitment progress names the commitments of earlier agreements. Occurred dates span ten years,
mostly to the day, some to the week, month or a range; `recorded_at` (transaction time) rises with
the log, with occasional back-dated logging and late reporting. Popular tracks and actors get most
of the traffic (a Zipf-like mix), as in real coverage. About 300 bytes of JSON per event.

`write_jsonl(path, n, seed)` streams them to a file without keeping them in memory.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from events import EVENT_TYPES, STANCES, TRACK_STATUSES
from events.examples import example_fields
from events.types import PROGRESS, actor_fields

START = datetime(2015, 1, 1, tzinfo=UTC)
SPAN_DAYS = 3652  # ten years of occurred dates
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Relative frequencies of the "news" event types once the log is running. Every track is opened
# (track_opened) and every actor described (actor_described) just before its first use; actors
# are described again now and then (the weight below).
WEIGHTS: dict[str, float] = {
    "statement_made": 30, "meeting_scheduled": 8, "meeting_held": 7, "meeting_postponed": 2.5,
    "meeting_cancelled": 1, "analysis_published": 8, "proposal_tabled": 5, "claim_status_changed": 4,
    "seat_demanded": 2, "party_excluded": 2, "mediation_offered": 3, "agreement_reached": 2,
    "commitment_progress": 4, "track_status_changed": 2, "actor_described": 1,
    "correction": 2.5, "retraction": 1,
}
# A type of the vocabulary without a case in `_Generator.event` gets its fields from its model
# (events.examples), at this weight.
DERIVED_WEIGHT = 2.0
WEIGHTS.update({t: DERIVED_WEIGHT for t in EVENT_TYPES if t not in WEIGHTS and t != "track_opened"})
# The first events after the opening go round every type once, so even a small log covers them all.
COVERAGE_ORDER: tuple[str, ...] = (
    "statement_made", "meeting_scheduled", "meeting_held", "meeting_scheduled", "meeting_postponed",
    "meeting_scheduled", "meeting_cancelled", "proposal_tabled", "claim_status_changed",
    "seat_demanded", "party_excluded", "mediation_offered", "agreement_reached", "commitment_progress",
    "analysis_published", "track_status_changed", "actor_described", "correction", "retraction",
)
COVERAGE_ORDER += tuple(t for t in WEIGHTS if t not in COVERAGE_ORDER)  # the derived types

REGIONS = ("ukraine", "gaza", "iran", "sudan", "yemen", "korea", "kosovo", "cyprus", "libya", "sahel",
           "caucasus", "taiwan", "venezuela", "myanmar", "ethiopia", "congo", "syria", "lebanon",
           "colombia", "haiti")
TOPICS = ("ceasefire", "settlement", "nuclear", "grain", "prisoners", "border", "humanitarian",
          "sanctions", "elections", "water")
ISSUES = ("ceasefire-lines", "sanctions-relief", "prisoner-exchange", "peacekeepers", "elections",
          "security-guarantees", "reconstruction", "energy", "grain-corridor", "refugees",
          "sovereignty", "monitoring", "amnesty", "disarmament")
OUTLETS = ("Reuters", "AFP", "AP", "TASS", "Al Jazeera", "BBC", "Kyiv Independent", "Kommersant",
           "Haaretz", "Le Monde", "Financial Times", "Xinhua", "Anadolu", "The Guardian", "NYT")
VERBS = ("says", "insists", "warns", "signals", "rejects", "welcomes", "hints at", "calls for",
         "questions", "backs")
OBJECTS = ("a phased ceasefire", "talks without preconditions", "international monitors",
           "a prisoner swap", "sanctions relief", "security guarantees", "a new round in Geneva",
           "a humanitarian corridor", "a referendum", "the draft framework")
KINDS = ("state", "person", "person", "person", "organisation", "bloc", "media", "think_tank", "other")
CLAIM = ("confirmed", "confirmed", "confirmed", "reported", "reported", "unverified", "disputed", "denied")
ROLES = ("mediator", "host", "facilitator", "guarantor")
VENUES = ("Geneva", "Riyadh", "Doha", "Istanbul", "Vienna", "Oslo", "Cairo", "Muscat", "Astana", "Abu Dhabi")

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]  # 10 bits -> two Crockford characters


def ulid(ms: int, rand80: int) -> str:
    """A ULID from a millisecond time and 80 random bits (13 table lookups, no loop per bit)."""
    value = (ms << 80) | rand80
    pairs = _PAIRS
    return "".join([pairs[(value >> shift) & 1023] for shift in range(120, -1, -10)])


_SYLLABLES = ("ka", "lo", "mi", "re", "su", "ta", "vo", "ne", "di", "ra")


def _person(i: int) -> str:
    """A short, pronounceable, unique actor slug: 0 -> 'kakaka', 123 -> 'kalomi'."""
    return "".join(_SYLLABLES[int(c)] for c in f"{i:03d}")


def _zipf_cum(n: int, s: float = 1.05) -> list[float]:
    return list(itertools.accumulate(1.0 / (k + 1) ** s for k in range(n)))


def sizes(n_events: int) -> tuple[int, int]:
    """(tracks, actors) for a log of n events: 200 and 500 from 100k events on, fewer below."""
    return max(6, min(200, n_events // 300)), max(24, min(500, n_events // 150))


class _Generator:
    def __init__(self, n: int, seed: int, n_tracks: int | None, n_actors: int | None) -> None:
        self.n = max(n, 0)
        self.rng = random.Random(seed)
        t, a = sizes(self.n)
        self.n_tracks, self.n_actors = n_tracks or t, n_actors or a
        rng = self.rng
        self.tracks = [f"{REGIONS[i % len(REGIONS)]}-{TOPICS[(i // len(REGIONS)) % len(TOPICS)]}"
                       + (f"-{i // (len(REGIONS) * len(TOPICS))}" if i >= len(REGIONS) * len(TOPICS) else "")
                       for i in range(self.n_tracks)]
        rng.shuffle(self.tracks)
        self.actors = [_person(i) for i in range(self.n_actors)]
        self.actor_index = {a: i for i, a in enumerate(self.actors)}
        self.track_cum = _zipf_cum(self.n_tracks)
        self.actor_cum = _zipf_cum(self.n_actors, 0.9)
        self.opened: set[str] = set()
        self.described: set[str] = set()
        self.recent: list[str] = []  # ring of recent ids that corrections / retractions may target
        self.old: list[str] = []  # reservoir of older ids
        self.proposals: list[str] = []
        self.statements: list[str] = []
        self.meetings: list[tuple[str, str, list[str]]] = []  # (slug, track, participants), pending
        self.agreements: list[tuple[str, str, list[str]]] = []  # (slug, track, commitment ids)
        self.counter = 0
        self.types = list(WEIGHTS)
        self.type_cum = list(itertools.accumulate(WEIGHTS.values()))
        self.start_ms = int((START - _EPOCH).total_seconds() * 1000)
        self.span_ms = SPAN_DAYS * 86_400_000
        self.start_day = START.date().toordinal()
        self.current_day = self.start_day  # the log's "today", moving over the ten years

    # -- picking -------------------------------------------------------------------------
    def track(self) -> str:
        return self.rng.choices(self.tracks, cum_weights=self.track_cum)[0]

    def actor(self) -> str:
        return self.rng.choices(self.actors, cum_weights=self.actor_cum)[0]

    def some_actors(self, lo: int, hi: int) -> list[str]:
        return list(dict.fromkeys(self.actor() for _ in range(self.rng.randint(lo, hi))))

    def slug(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter}"

    def target(self) -> str:
        rng = self.rng
        if self.old and rng.random() < 0.3:
            return rng.choice(self.old)
        return rng.choice(self.recent)

    def remember(self, eid: str) -> None:
        recent = self.recent
        recent.append(eid)
        if len(recent) > 4000:
            dropped = recent.pop(0)
            if len(self.old) < 4000:
                self.old.append(dropped)
            else:
                self.old[self.rng.randrange(4000)] = dropped

    # -- time ----------------------------------------------------------------------------
    def occurred(self, day: int, timed: bool = True) -> dict[str, Any]:
        rng = self.rng
        r = rng.random()
        if r < 0.80:
            iso = date.fromordinal(day).isoformat()
            occ: dict[str, Any] = {"earliest": iso, "latest": iso, "precision": "day"}
            if timed and r < 0.25:
                occ["time"] = f"{rng.randrange(6, 23):02d}:{rng.randrange(0, 60, 5):02d}:00"
            return occ
        d = date.fromordinal(day)
        if r < 0.88:
            monday = d - timedelta(days=d.weekday())
            return {"earliest": monday.isoformat(), "latest": (monday + timedelta(days=6)).isoformat(),
                    "precision": "week"}
        if r < 0.95:
            first = d.replace(day=1)
            last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            return {"earliest": first.isoformat(), "latest": last.isoformat(), "precision": "month"}
        return {"earliest": d.isoformat(), "latest": (d + timedelta(days=rng.randint(1, 10))).isoformat(),
                "precision": "range"}

    # -- one event -----------------------------------------------------------------------
    def envelope(self, i: int, etype: str, tracks: list[str], actors: list[str], summary: str) -> dict[str, Any]:
        rng = self.rng
        ms = self.start_ms + (self.span_ms * i) // max(self.n, 1) + rng.randrange(60_000)
        if rng.random() < 0.01:  # back-dated logging: entered with an earlier transaction time
            ms -= rng.randrange(86_400_000, 30 * 86_400_000)
        recorded = datetime.fromtimestamp(ms / 1000, tz=UTC)
        day = self.start_day + (ms - self.start_ms) // 86_400_000
        lag = rng.random()
        day -= 0 if lag < 0.3 else rng.randrange(1, 3) if lag < 0.95 else rng.randrange(30, 700)  # late reporting
        eid = ulid(ms, rng.getrandbits(80))
        body: dict[str, Any] = {
            "id": eid,
            "type": etype,
            "occurred": self.occurred(day, lag >= 0.3),
            "recorded_at": recorded.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "tracks": tracks,
            "summary": summary,
        }
        if actors:
            body["actors"] = actors
        if etype not in ("correction", "retraction"):
            status = CLAIM[rng.randrange(len(CLAIM))]
            if status != "confirmed":
                body["status"] = status
        if rng.random() < 0.7:
            src: dict[str, Any] = {"outlet": OUTLETS[rng.randrange(len(OUTLETS))]}
            if rng.random() < 0.3:
                src["url"] = f"https://news.example/{eid[-10:].lower()}"
            body["sources"] = [src]
        if rng.random() < 0.15:
            body["location"] = VENUES[rng.randrange(len(VENUES))]
        if rng.random() < 0.1:
            body["tags"] = [ISSUES[rng.randrange(len(ISSUES))]]
        return body

    def describe_track(self, i: int, track: str) -> dict[str, Any]:
        self.opened.add(track)
        body = self.envelope(i, "track_opened", [track], [], f"Track opened: {track.replace('-', ' ')} talks")
        body.update(track=track, title=f"{track.replace('-', ' ').title()} negotiations",
                    initial_status="exploratory", agenda=list(self.rng.sample(ISSUES, 3)))
        return body

    def describe_actor(self, i: int, actor: str, track: str) -> dict[str, Any]:
        self.described.add(actor)
        rng = self.rng
        kind = KINDS[self.actor_index[actor] % len(KINDS)]
        body = self.envelope(i, "actor_described", [track], [actor], f"Profile of {actor}")
        body.update(actor=actor, name=actor.title(), kind=kind)
        if kind == "person":
            body["role"] = "Foreign minister" if rng.random() < 0.5 else "Special envoy"
            body["affiliation"] = self.actors[rng.randrange(min(20, self.n_actors))]
        return body

    def event(self, i: int, etype: str) -> dict[str, Any]:
        rng = self.rng
        track = self.track()
        tracks = [track] if rng.random() < 0.9 else list(dict.fromkeys((track, self.track())))
        a, b = self.actor(), self.actor()
        extra: dict[str, Any]
        if etype == "statement_made":
            stance = STANCES[rng.randrange(4)]
            issue = ISSUES[rng.randrange(len(ISSUES))]
            actors = [a] if rng.random() < 0.6 else [a, b] if a != b else [a]
            summary = f"{a} {VERBS[rng.randrange(len(VERBS))]} {OBJECTS[rng.randrange(len(OBJECTS))]}"
            extra = {"speaker": a, "issue": issue, "stance": stance}
            if len(actors) > 1:
                extra["towards"] = [b]
            if rng.random() < 0.3:
                extra["quote"] = f"We {stance.replace('s', '', 1)} any step on {issue.replace('-', ' ')}."
        elif etype == "meeting_scheduled":
            meeting = self.slug("meeting")
            parts = self.some_actors(2, 4)
            actors = parts
            summary = f"Talks on {track.replace('-', ' ')} scheduled in {VENUES[rng.randrange(len(VENUES))]}"
            extra = {"meeting": meeting, "title": f"Round {self.counter} on {track}",
                     "planned": self.occurred(self.current_day + rng.randrange(3, 40)),
                     "participants": parts}
            self.meetings.append((meeting, track, parts))
            if len(self.meetings) > 500:
                self.meetings.pop(0)
        elif etype in ("meeting_held", "meeting_postponed", "meeting_cancelled"):
            if not self.meetings:
                return self.event(i, "statement_made")
            idx = rng.randrange(len(self.meetings))
            meeting, mtrack, parts = self.meetings[idx]
            tracks = [mtrack]
            actors = list(parts)
            if etype == "meeting_held":
                self.meetings.pop(idx)
                summary = f"Delegations meet on {mtrack.replace('-', ' ')}"
                extra = {"meeting": meeting, "title": f"Talks: {meeting}", "participants": parts,
                         "duration_hours": round(rng.uniform(0.5, 9), 1)}
                if rng.random() < 0.5:
                    extra["host"] = parts[0]
                if rng.random() < 0.4:
                    extra["outcome"] = f"Agreed to continue on {ISSUES[rng.randrange(len(ISSUES))]}"
            elif etype == "meeting_postponed":
                summary = f"Meeting {meeting} postponed"
                extra = {"meeting": meeting, "by": [parts[0]]}
                if rng.random() < 0.7:
                    extra["to_date"] = self.occurred(self.current_day + rng.randrange(7, 60))
            else:
                self.meetings.pop(idx)
                summary = f"Meeting {meeting} called off"
                extra = {"meeting": meeting, "by": [parts[-1]], "reason": "Security situation"}
        elif etype == "proposal_tabled":
            proposal = self.slug("proposal")
            actors = [a]
            summary = f"{a} tables a {rng.randint(3, 20)}-point plan"
            extra = {"proposal": proposal, "proposer": [a], "title": f"Plan {proposal}",
                     "stages": [f"Stage {k}" for k in range(1, rng.randint(1, 4) + 1)]}
        elif etype == "claim_status_changed":
            pool = self.proposals if self.proposals and rng.random() < 0.75 else self.statements
            if not pool:
                return self.event(i, "statement_made")
            target = rng.choice(pool)
            new = CLAIM[rng.randrange(len(CLAIM))]
            actors = [a]
            summary = f"Claim now {new} according to {a}"
            extra = {"target": target, "new_status": new, "by": [a]}
        elif etype == "seat_demanded":
            seat_for = self.some_actors(1, 3)
            actors = list(dict.fromkeys([a, *seat_for]))
            summary = f"{a} demands a seat at the table for {', '.join(seat_for)}"
            extra = {"claimant": a, "seat_for": seat_for}
        elif etype == "party_excluded":
            actors = [b, a] if a != b else [a]
            summary = f"{b} left out of talks on {track.replace('-', ' ')}"
            extra = {"excluded": [b], "by": [a]}
        elif etype == "mediation_offered":
            between = self.some_actors(2, 2)
            actors = list(dict.fromkeys([a, *between]))
            summary = f"{a} offers to mediate"
            extra = {"mediator": a, "role": ROLES[rng.randrange(4)], "between": between,
                     "venue": VENUES[rng.randrange(len(VENUES))]}
        elif etype == "agreement_reached":
            agreement = self.slug("agreement")
            parties = self.some_actors(2, 3)
            actors = parties
            cids = [f"c{k}" for k in range(1, rng.randint(1, 4) + 1)]
            summary = f"Agreement reached on {ISSUES[rng.randrange(len(ISSUES))]}"
            extra = {"agreement": agreement, "title": f"Memorandum {agreement}", "parties": parties,
                     "commitments": [{"id": c, "text": f"Commitment {c}", "owners": [parties[0]]} for c in cids]}
            self.agreements.append((agreement, track, cids))
            if len(self.agreements) > 300:
                self.agreements.pop(0)
        elif etype == "commitment_progress":
            if not self.agreements:
                return self.event(i, "statement_made")
            agreement, atrack, cids = rng.choice(self.agreements)
            tracks = [atrack]
            actors = []
            summary = f"Progress on {agreement}"
            extra = {"agreement": agreement, "commitment": rng.choice(cids), "progress": PROGRESS[rng.randrange(4)]}
        elif etype == "analysis_published":
            actors = [a]
            summary = f"Analysis: where the {track.replace('-', ' ')} talks stand"
            extra = {"publisher": a, "title": f"Briefing {self.counter}",
                     "findings": ["Positions have narrowed", "Sequencing remains the obstacle"][: rng.randint(0, 2)]}
            self.counter += 1
        elif etype == "track_status_changed":
            new = TRACK_STATUSES[rng.randrange(len(TRACK_STATUSES))]
            actors = []
            tracks = [track]
            summary = f"Track {track} now {new}"
            extra = {"track": track, "new_status": new}
        elif etype == "actor_described":
            actors = [a]
            tracks = [track]
            summary = f"Profile of {a} updated"
            extra = {"actor": a, "name": a.title(), "kind": KINDS[self.actor_index[a] % len(KINDS)],
                     "aliases": [a.upper()]}
        elif etype == "correction":
            target = self.target()
            actors = []
            summary = "Correction: earlier report misstated the details"
            field = rng.random()
            changes = ({"summary": f"Corrected account {self.counter}"} if field < 0.6
                       else {"location": VENUES[rng.randrange(len(VENUES))]} if field < 0.8
                       else {"status": "disputed"})
            self.counter += 1
            extra = {"target": target, "changes": changes, "reason": "The source revised its report"}
        elif etype == "retraction":
            target = self.target()
            actors = []
            summary = "Retraction: report withdrawn by its source"
            extra = {"target": target, "reason": "Source withdrew the story"}
        else:  # a type without a case above: fields derived from its model
            extra = example_fields(etype, _Picks(self))
            actors = list(dict.fromkeys(a for name in actor_fields(etype) if extra.get(name)
                                        for a in (extra[name] if isinstance(extra[name], list) else [extra[name]])))
            summary = f"{etype.replace('_', ' ').capitalize()}: {track.replace('-', ' ')}"
        body = self.envelope(i, etype, tracks, actors, summary)
        body.update(extra)
        return body

    # -- the stream ----------------------------------------------------------------------
    def __iter__(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        types, type_cum = self.types, self.type_cum
        coverage = iter(COVERAGE_ORDER)
        produced = 0
        i = 0
        while produced < self.n:
            self.current_day = self.start_day + (SPAN_DAYS * i) // max(self.n, 1)
            etype = next(coverage, None) or rng.choices(types, cum_weights=type_cum)[0]
            body = self.event(i, etype)
            # Describe tracks and actors before their first use, as a person would.
            for track in body["tracks"]:
                if track not in self.opened and produced < self.n:
                    yield self.describe_track(i, track)
                    produced += 1
            for actor in body.get("actors", ()):
                if actor not in self.described and produced < self.n:
                    yield self.describe_actor(i, actor, body["tracks"][0])
                    produced += 1
            if produced >= self.n:
                return
            yield body
            produced += 1
            i += 1
            eid = body["id"]
            if etype not in ("correction", "retraction"):
                self.remember(eid)
            if etype == "proposal_tabled":
                self.proposals.append(eid)
                if len(self.proposals) > 2000:
                    self.proposals.pop(0)
            elif etype == "statement_made" and rng.random() < 0.1:
                self.statements.append(eid)
                if len(self.statements) > 2000:
                    self.statements.pop(0)


class _Picks:
    """Values for a type derived from its model (events.examples.Picks), from the generator's pools."""

    def __init__(self, gen: _Generator) -> None:
        self.gen = gen

    def actor(self) -> str:
        return self.gen.actor()

    def actors(self) -> list[str]:
        return self.gen.some_actors(1, 3)

    def slug(self, field: str) -> str:
        if field == "issue":
            return ISSUES[self.gen.rng.randrange(len(ISSUES))]
        return self.gen.slug(field.replace("_", "-"))

    def text(self, field: str) -> str:
        return f"{field.replace('_', ' ').capitalize()} {self.gen.counter}"

    def occurred(self, planned: bool) -> dict[str, Any]:
        return self.gen.occurred(self.gen.current_day + (self.gen.rng.randrange(3, 40) if planned else 0))

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self.gen.rng.randrange(len(options))]

    def include(self, field: str) -> bool:
        return self.gen.rng.random() < 0.5


def generate(n: int, seed: int = 1, *, tracks: int | None = None,
             actors: int | None = None) -> Iterator[dict[str, Any]]:
    """`n` valid event bodies, the same for the same seed."""
    return iter(_Generator(n, seed, tracks, actors))


def write_jsonl(path: str | Path, n: int, seed: int = 1, *, tracks: int | None = None,
                actors: int | None = None) -> int:
    """Stream `n` events to a JSON Lines file; returns the number of bytes written."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    written = 0
    with open(path, "wb", buffering=1 << 20) as fh:
        batch: list[str] = []
        for body in generate(n, seed, tracks=tracks, actors=actors):
            batch.append(dumps(body))
            if len(batch) >= 2000:
                data = ("\n".join(batch) + "\n").encode("utf-8")
                fh.write(data)
                written += len(data)
                batch.clear()
        if batch:
            data = ("\n".join(batch) + "\n").encode("utf-8")
            fh.write(data)
            written += len(data)
    return written

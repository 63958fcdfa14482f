"""Grades of sources, in the manner of the Admiralty (NATO) system, and the support of a fact.

An outlet's reliability (A-F) is set by a `source_graded` event and holds log-wide, from that
event's date, until the outlet is graded again; a report's credibility (1-6) is given with the
source itself (`Source.credibility`). A source's grade reads "B2" (either half may be "?").

Support counts a fact's sources and how many of them are independent: sources are keyed by their
outlet, so the same outlet read twice, or read via two relays ("NYT via Russia Matters", "NYT via
a Twitter thread"), counts once. It is written "3 sources, 2 independent (B2, C3)", with the best
grade of each independent outlet, best first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from events.base import Source
from projections.state import Dated, Sourced, TrackState, sourced_fields

RELIABILITY: dict[str, str] = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
    "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
}
CREDIBILITY: dict[int, str] = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true", 4: "doubtful", 5: "improbable",
    6: "truth cannot be judged",
}


def outlet_key(name: str) -> str:
    """'Reuters', ' reuters ' and 'REUTERS' are one outlet."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True)
class Grades:
    """The reliability of each graded outlet at a moment (outlet_key -> 'A'...'F')."""

    reliability: Mapping[str, str] = field(default_factory=dict)

    def of(self, source: Source) -> str:
        """'B2'; '?2' or 'B?' when one half is unknown; '' when neither is."""
        letter = self.reliability.get(outlet_key(source.outlet), "")
        if not letter and source.credibility is None:
            return ""
        return f"{letter or '?'}{source.credibility or '?'}"

    def meets(self, source: Source, minimum: str) -> bool:
        """The source's outlet is graded `minimum` or better (A is best); an ungraded outlet is not."""
        letter = self.reliability.get(outlet_key(source.outlet), "")
        return bool(letter) and letter <= minimum


def keep_backed(state: TrackState, backed: Callable[[str], bool]) -> TrackState:
    """The state with only the sourced facts (stances, meetings, parties ...) that at least one
    event passing `backed` stands behind; facts held as one value (the status) stay."""
    kept = {name: tuple(item for item in items if any(backed(i) for i in item.event_ids))
            for name, (_, items) in sourced_fields(state).items()}
    return state.model_copy(update=kept)


def grades_from(graded: Iterable[tuple[str, str]]) -> Grades:
    """From (outlet, reliability) pairs in the order of facts: a later grade replaces an earlier one."""
    return Grades({outlet_key(outlet): letter for outlet, letter in graded})


def _rank(grade: str) -> tuple[str, str]:
    # 'A1' best; an unknown half ('?') after every known one.
    return (grade[0].replace("?", "Z"), grade[1].replace("?", "9")) if grade else ("ZZ", "99")


@dataclass(frozen=True)
class Support:
    sources: int
    independent: int
    grades: tuple[str, ...] = ()  # the best grade of each independent outlet that has one, best first

    def __str__(self) -> str:
        if not self.sources:
            return "no source"
        text = f"{self.sources} source{'s' if self.sources != 1 else ''}"
        if self.sources != self.independent:
            text += f", {self.independent} independent"
        return text + (f" ({', '.join(self.grades)})" if self.grades else "")


def support(sources: Iterable[Source], grades: Grades) -> Support:
    """How many sources stand behind a fact, how many are independent, and their grades."""
    given = list(sources)
    best: dict[str, str] = {}
    for src in given:
        key, grade = outlet_key(src.outlet), grades.of(src)
        if key not in best or _rank(grade) < _rank(best[key]):
            best[key] = grade
    shown = tuple(sorted((g for g in best.values() if g), key=_rank))
    return Support(len(given), len(best), shown)


# Claim statuses from the firmest to the weakest: a fact stands as firm as its firmest event.
FIRMNESS: tuple[str, ...] = ("confirmed", "reported", "unverified", "disputed", "denied")


def firmness(status: str) -> int:
    """0 for 'confirmed', then each weaker claim status (FIRMNESS); an unknown one last."""
    return FIRMNESS.index(status) if status in FIRMNESS else len(FIRMNESS)


def claim_mark(status: str) -> str:
    """' [unverified]' after a fact that is not confirmed, '' after one that is: the words every
    command-line view puts after such a fact (tracker.present says it the same way)."""
    return "" if status == "confirmed" else f" [{status}]"


@dataclass(frozen=True)
class Backing:
    """What stands behind one fact as a view lists it: its support, and the firmest claim status
    of the events behind it ('unverified' when each of them is unverified)."""

    support: Support
    claim_status: str = "confirmed"

    def __str__(self) -> str:
        return str(self.support)


def fact_key(field: str, item: Sourced) -> tuple[str, ...]:
    """One fact of a track as views and `Tracker.backing` name it: its field of TrackState, its
    leading value (an actor, an agreement id ...) and the events the state names for it."""
    own = [f for f in type(item).model_fields if f not in Dated.model_fields]
    return (field, str(getattr(item, own[0])) if own else "", *item.event_ids)


def backing(events: Iterable[tuple[str, Iterable[Source]]], grades: Grades) -> Backing:
    """From the (claim status, sources) of each event behind a fact: one rule for every view."""
    given = list(events)
    statuses = [status for status, _ in given]
    firmest = min(statuses, key=firmness, default="confirmed")
    return Backing(support((src for _, sources in given for src in sources), grades), firmest)

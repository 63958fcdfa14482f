"""Forms: what a person types (field values as text, dates in words) turned into validated events.

Used by the command line's `tracker log` flags and the terminal UI's log, correction and
retraction forms alike; pure (no log is read or written here: the service appends).
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from pydantic import StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from events import EVENT_ADAPTER, EVENT_TYPES, Event, Occurred, new_id, parse_occurred
from events.base import Slug
from events.dates import DateParseError
from events.occurred import in_bounds
from events.types import Commitment, actor_fields, ahead_fields, corrected, type_fields
from projections.families import REFERENCES, Reference
from tracker.records import InvalidEvents, Problem, StoredEvent, field_path


def normalise_type(name: str) -> str:
    """Accept 'statement-made', 'Statement_Made' and 'statement_made' alike."""
    key = name.strip().lower().replace("-", "_")
    if key not in EVENT_TYPES:
        raise InvalidEvents([Problem(None, "type", f"unknown event type {name!r}; expected one of: "
                                     f"{', '.join(sorted(EVENT_TYPES))}")])
    return key


# -- field kinds, for forms and command-line flags --------------------------------------------
FieldKind = Literal["text", "list", "choice", "date", "number", "integer", "json", "commitments"]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    required: bool
    choices: tuple[str, ...] = ()
    description: str = ""
    names_actors: bool = False  # its values are actor ids (events.types.actor_fields)
    ahead: bool = False  # a planned date: read forward (events.types.ahead_fields)


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def field_specs(event_type: str) -> list[FieldSpec]:
    """The type-specific fields of an event type, described for input."""
    specs = []
    actors = actor_fields(event_type)
    planned = ahead_fields(event_type)
    for name, info in type_fields(event_type).items():
        if name == "type":
            continue
        ann = _unwrap(info.annotation)
        origin = typing.get_origin(ann)
        if origin is Literal:
            kind: FieldKind = "choice"
            choices = tuple(str(a) for a in typing.get_args(ann))
        elif ann is Occurred:
            kind, choices = "date", ()
        elif ann is int:
            kind, choices = "integer", ()
        elif ann is float:
            kind, choices = "number", ()
        elif origin is list and _unwrap(typing.get_args(ann)[0]) is Commitment:
            kind, choices = "commitments", ()
        elif origin is list:
            kind, choices = "list", ()
        elif origin is dict:
            kind, choices = "json", ()
        else:
            kind, choices = "text", ()
        specs.append(FieldSpec(name, kind, info.is_required(), choices, info.description or "", name in actors,
                               name in planned))
    return specs


# -- dates, read and explained ----------------------------------------------------------------
# Two report days three years and a month (and not a whole number of weeks) either side of the
# real one: a phrase that reads the same against both is absolute ("18 Feb 2025", "Q4 2024"); one
# that does not ("yesterday", "Thursday", "14 Feb") was read relative to the report's day.
_PROBE_DAYS = 3 * 365 + 34


@dataclass(frozen=True)
class DateReading:
    """A date as typed, the interval it was read as, and what that reading rested on."""

    name: str  # as in the event: occurred, planned, from_date, to_date, published
    text: str  # as typed
    occurred: Occurred
    reference: date  # the day relative words counted from
    reference_given: bool  # the report's day (--reported-on); else today
    ahead: bool  # read as a planned date
    relative: bool  # the reading depends on the reference
    direction_mattered: bool  # read the other way, it would be another interval

    @property
    def span(self) -> str:
        return f"{self.occurred.earliest.isoformat()}..{self.occurred.latest.isoformat()}"

    @property
    def direction(self) -> str:
        return "forward" if self.ahead else "back"

    @property
    def basis(self) -> str:
        """'as written', or 'relative to the report day 2025-02-18[, looking forward]'."""
        if not self.relative:
            return "as written"
        day = (f"the report day {self.reference.isoformat()}" if self.reference_given
               else f"today, {self.reference.isoformat()}")
        looking = f", looking {self.direction}" if self.direction_mattered else ""
        return f"relative to {day}{looking}"

    def line(self, width: int = 0) -> str:
        """One line: 'planned: 20 Feb 2025 (2025-02-20..2025-02-20, precision day, EDTF 2025-02-20)
        from 'Thursday', relative to the report day 2025-02-18, looking forward'; the name padded
        to `width` so that the lines of an event align."""
        occ = self.occurred
        name = f"{self.name}:".ljust(width + 1)
        return (f"{name} {occ.label()} ({self.span}, precision {occ.precision}, EDTF {occ.edtf()}) "
                f"from {self.text!r}, {self.basis}")

    @property
    def warning(self) -> str | None:
        """Said when a date that happened (not a planned one) was read as after the day it counts
        from ('in two weeks', 'this weekend', 'Monday 24 Feb' in a report of Tuesday 18 Feb): kept,
        since a report may look ahead or be dated wrong, but never silently."""
        if self.ahead or self.occurred.earliest <= self.reference:
            return None
        day = (f"the report day {self.reference.isoformat()}" if self.reference_given
               else f"today, {self.reference.isoformat()}")
        what = "was published" if self.name.endswith("published") else "happened"
        return (f"{self.occurred.label()} is after {day}: check that this is when it {what} "
                "(planned dates have their own fields)")

    def as_json(self) -> dict[str, Any]:
        occ = self.occurred
        return {
            "field": self.name, "text": self.text, "label": occ.label(), "earliest": occ.earliest.isoformat(),
            "latest": occ.latest.isoformat(), "precision": occ.precision, "edtf": occ.edtf(),
            "relative": self.relative, "reference": self.reference.isoformat(),
            "direction": self.direction if self.direction_mattered else None, "basis": self.basis,
            "warning": self.warning,
        }


def read_date(text: str, reference: date | None = None, *, ahead: bool = False, name: str = "date",
              day_only: bool = False) -> DateReading:
    """`text` read as `events.dates.parse_occurred` reads it, with what the reading rested on.

    `day_only` (a source's published date, stored as a plain day) refuses anything but one day, as
    written: "Feb 2025" is refused with what it means rather than taken as 1 Feb.
    Raises DateParseError."""
    ref = reference or date.today()
    occ = parse_occurred(text, ref, ahead=ahead)
    if day_only:
        _check_one_day(text, occ)
    relative = _depends_on_reference(text, ref, occ, ahead)
    mattered = False
    if relative:
        try:
            mattered = parse_occurred(text, ref, ahead=not ahead) != occ
        except DateParseError:
            mattered = True
    return DateReading(name, text, occ, ref, reference is not None, ahead, relative, mattered)


def _depends_on_reference(text: str, ref: date, occ: Occurred, ahead: bool) -> bool:
    for shift in (-_PROBE_DAYS, _PROBE_DAYS):
        probe = ref + timedelta(days=shift)
        if not in_bounds(probe):
            continue
        try:
            if parse_occurred(text, probe, ahead=ahead) != occ:
                return True
        except DateParseError:
            return True
    return False


def _check_one_day(text: str, occ: Occurred) -> None:
    """A source is published on a day; the event stores that day and nothing more."""
    what = (f"{text!r} means {occ.label()} ({occ.earliest.isoformat()}..{occ.latest.isoformat()}, "
            f"precision {occ.precision})")
    if occ.precision != "day":
        raise DateParseError(f"a published date is one day, and {what}: give the day the source "
                             "was published, e.g. '18 Feb 2025' (leave it empty if unknown)")
    if occ.approximate or occ.uncertain:
        raise DateParseError(f"a published date is stored as a plain day, without 'c.' or '?', and {what}: "
                             "give the day as the source shows it (leave it empty if unknown)")


def _split(values: Any) -> list[str]:
    """A list field from text: repeated flags and/or comma-separated values."""
    if values is None:
        return []
    items = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def parse_commitments(values: Any) -> list[dict[str, Any]]:
    """Commitments as 'id=text' (repeatable, or ';'-separated) or as a JSON list."""
    if isinstance(values, str) and values.strip().startswith("["):
        return list(json.loads(values))
    items = [values] if isinstance(values, str) else list(values or [])
    out = []
    for item in items:
        for part in str(item).split(";"):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValueError(f"commitment {part.strip()!r} should be written id=text")
            cid, text = part.split("=", 1)
            out.append({"id": cid.strip(), "text": text.strip()})
    return out


@dataclass(frozen=True)
class SourceDraft:
    """One source as typed: the outlet, and what else is known of it (all text, as typed)."""

    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    via: str | None = None
    quote: str | None = None
    credibility: str | None = None  # 1-6 (events.base.Source)

    def blank(self) -> bool:
        """Nothing typed at all: a form's empty source block, left out rather than refused."""
        return not any((v or "").strip() for v in (self.outlet, self.url, self.published, self.via, self.quote,
                                                   self.credibility))


@dataclass(frozen=True)
class Draft:
    """What a person entered for a new event; everything as text, as typed.

    `status` None is "not stated": `build_event` makes it 'confirmed' when the event has a source
    and 'unverified' when it has none (UNSTATED_STATUS)."""

    type: str
    when: str
    summary: str
    tracks: list[str]
    fields: Mapping[str, Any]
    actors: list[str] = field(default_factory=list)
    location: str | None = None
    details: str | None = None
    status: str | None = None
    tags: list[str] = field(default_factory=list)
    sources: list[SourceDraft] = field(default_factory=list)
    event_id: str | None = None


# The claim status of an event whose status was not stated: one rule, for every view.
UNSTATED_STATUS = {True: "confirmed", False: "unverified"}  # keyed by "it has a source"
NEEDS_OUTLET = "a source needs its outlet (e.g. 'Reuters')"


# Types that record the team's own judgment, not a report: without a source they are still what
# the analyst states, so an unstated status is 'confirmed' (a grade of an outlet is not 'unverified').
OWN_JUDGMENT_TYPES = frozenset({"source_graded"})


def resolved_status(draft: Draft) -> str:
    """The status `build_event` stores for this draft: the one stated, else by its sources
    (UNSTATED_STATUS), except for the team's own judgment (OWN_JUDGMENT_TYPES): 'confirmed'."""
    if draft.status:
        return draft.status
    if _type_key(draft.type) in OWN_JUDGMENT_TYPES:
        return "confirmed"
    return UNSTATED_STATUS[any(not s.blank() for s in draft.sources)]


def _type_key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


# Types whose summary, left out, is written from their fields (generated_summary).
GENERATED_SUMMARY_TYPES = frozenset({"source_graded"})
_SUMMARY_LIMIT = 500  # events.base.Line


def generated_summary(event_type: str, fields: Mapping[str, Any]) -> str:
    """The summary of an event that needs none typed ('' for any other type): a grade reads
    'Reuters graded B: its reason' (shortened to fit a summary)."""
    if _type_key(event_type) not in GENERATED_SUMMARY_TYPES:
        return ""
    outlet = str(fields.get("outlet") or "").strip()
    letter = str(fields.get("reliability") or "").strip()
    if not outlet or not letter:
        return ""
    reason = " ".join(str(fields.get("reason") or "").split())
    text = f"{outlet} graded {letter}" + (f": {reason}" if reason else "")
    return text if len(text) <= _SUMMARY_LIMIT else text[:_SUMMARY_LIMIT - 1].rstrip() + "\u2026"


def references(event: Event) -> list[tuple[Reference, str]]:
    """What `event` names that must be in the log already (projections.families.Reference), with the
    id it gives: the deadline it extends, the ceasefire it reports violated, the proposal it answers.
    Whoever logs it checks these against the log (tracker log does); an import does not."""
    out = []
    for ref in REFERENCES.get(event.type, ()):
        value = getattr(event, ref.field, None)
        if value:
            out.append((ref, str(value)))
    return out


def needs_track(event_type: str) -> bool:
    """Whether an event of this type must name a track (a grade of an outlet holds for every track)."""
    return EVENT_TYPES[_type_key(event_type)].model_fields["tracks"].is_required()


def needs_summary(event_type: str) -> bool:
    """Whether a summary must be typed for an event of this type (else it is written: generated_summary)."""
    return _type_key(event_type) not in GENERATED_SUMMARY_TYPES


def build_event(draft: Draft, reported_on: date | None = None) -> Event:
    """A validated event from a draft, or InvalidEvents naming every field that is wrong, each once
    and in plain words (`plain_words`): all of them at once, not the unreadable dates first."""
    etype = normalise_type(draft.type)
    problems: list[Problem] = []
    reported: set[str] = set()  # fields already refused here: what the model says of them is not repeated
    body: dict[str, Any] = {"id": draft.event_id or new_id(), "type": etype}

    def refuse(name: str, message: str, key: str | None = None) -> None:
        problems.append(Problem(None, name, message))
        reported.add(key or name)

    def date_field(name: str, key: str, text: str, ahead: bool = False) -> Any:
        try:
            return parse_occurred(text, reported_on, ahead=ahead).model_dump(mode="json")
        except DateParseError as exc:
            refuse(name, str(exc), key)
            return _STAND_IN_DAY  # so that the model still checks every other field

    if draft.when:
        body["occurred"] = date_field("when", "occurred", draft.when)
    else:
        refuse("when", "required, e.g. 'yesterday', '2025-02-18'", "occurred")
        body["occurred"] = _STAND_IN_DAY
    for spec in field_specs(etype):
        raw = draft.fields.get(spec.name)
        if raw is None or raw == "" or raw == [] or raw == ():
            continue
        try:
            if spec.kind == "list":
                body[spec.name] = _split(raw)
            elif spec.kind == "date":
                body[spec.name] = date_field(spec.name, spec.name, str(raw), spec.ahead)
            elif spec.kind == "number":
                body[spec.name] = float(raw)
            elif spec.kind == "integer":
                body[spec.name] = int(raw)
            elif spec.kind == "json":
                body[spec.name] = json.loads(raw) if isinstance(raw, str) else dict(raw)
            elif spec.kind == "commitments":
                body[spec.name] = parse_commitments(raw)
            else:
                # A quote is kept exactly as given; other text loses stray surrounding blanks.
                body[spec.name] = str(raw) if spec.name == "quote" else str(raw).strip()
        except (ValueError, json.JSONDecodeError) as exc:
            expected = {"number": "a number, e.g. '2.5'", "integer": "a whole number, e.g. '3'"}.get(spec.kind)
            refuse(spec.name, f"{expected}; got {_shown(raw)}" if expected else str(exc))
    given_actors = _split(draft.actors)
    actors = list(given_actors)
    # Actors named in the type's own fields join `actors`, so a filter on an actor finds the event.
    for name in actor_fields(etype):
        value = body.get(name)
        for actor in ([value] if isinstance(value, str) else value or []):
            if actor not in actors:
                actors.append(actor)
    body.update(
        tracks=_split(draft.tracks), actors=actors, location=draft.location or None,
        summary=draft.summary.strip() or generated_summary(etype, draft.fields), details=draft.details or None,
        status=resolved_status(draft),
        tags=_split(draft.tags),
    )
    # Blank blocks (a form's unused ones) are left out; a problem is named by the source's place
    # in the draft ('sources.1.published'), which is where the form and the flags show it.
    given = [(i, s) for i, s in enumerate(draft.sources) if not s.blank()]
    sources = []
    for i, src in given:
        if not (src.outlet or "").strip():
            refuse(f"sources.{i}.outlet", NEEDS_OUTLET)
        published = None
        if (src.published or "").strip():
            try:
                published = read_date(src.published or "", reported_on, name="published",
                                      day_only=True).occurred.earliest.isoformat()
            except DateParseError as exc:
                refuse(f"sources.{i}.published", str(exc))
        credibility = None
        if (src.credibility or "").strip():
            try:
                credibility = int(str(src.credibility).strip())
            except ValueError:
                refuse(f"sources.{i}.credibility", f"a grade from 1 to 6; got {_shown(src.credibility)}")
        sources.append({
            "outlet": (src.outlet or "").strip(), "url": (src.url or "").strip() or None, "published": published,
            "via": (src.via or "").strip() or None, "quote": src.quote or None,
            **({"credibility": credibility} if credibility is not None else {}),
        })
    if sources:
        body["sources"] = sources
    try:
        event = EVENT_ADAPTER.validate_python(body)
    except ValidationError as exc:
        # An actor added from a type field is wrong there, and said there: not again under actors.
        found = [_in_draft(p, [i for i, _ in given]) for p in problems_in(exc, etype)]
        problems += [p for p in found
                     if p.field not in reported and _top(p.field) not in reported
                     and not _merged_actor(p.field, len(given_actors))]
    if problems:
        raise InvalidEvents(problems)
    return event


_STAND_IN_DAY = {"earliest": "2000-01-01", "latest": "2000-01-01", "precision": "day"}


def _in_draft(problem: Problem, places: list[int]) -> Problem:
    """A problem with the n-th stored source named by that source's place in the draft."""
    parts = (problem.field or "").split(".")
    if len(parts) > 1 and parts[0] == "sources" and parts[1].isdigit() and int(parts[1]) < len(places):
        parts[1] = str(places[int(parts[1])])
        return Problem(problem.line, ".".join(parts), problem.message)
    return problem


def _top(path: str | None) -> str:
    return (path or "").split(".")[0]


def _merged_actor(path: str | None, given: int) -> bool:
    parts = (path or "").split(".")
    return len(parts) > 1 and parts[0] == "actors" and parts[1].isdigit() and int(parts[1]) >= given


# -- problems in plain words -------------------------------------------------------------------
# What a person sees when a field is refused: what the field expects and what was given, never the
# model's own text ("String should match pattern '^[a-z0-9]...'"). Messages say what is expected;
# `field_label` names the field and `plain_problem` puts the two together for a form.
SLUG_PATTERN = str(next(  # the ids' own rule (events.base.Slug), which SLUG_WORDS says in words
    m.pattern for m in typing.get_args(Slug)[1:] if isinstance(m, StringConstraints)))
SLUG_WORDS = "lower-case letters, digits, '-', '.', '_'"
FIELD_LABELS = {
    "type": "Type", "when": "When it happened", "occurred": "When it happened", "reported_on": "Reported on",
    "summary": "Summary", "tracks": "Tracks", "actors": "Actors", "tags": "Tags", "status": "Claim status",
    "location": "Location", "details": "Details", "source_outlet": "Source outlet", "source_url": "Source URL",
    "source_published": "Source published", "source_via": "Source via", "source_quote": "Source quote",
    "source_credibility": "Source credibility",
}
ITEM_LABELS = {"tracks": "Track id", "actors": "Actor id", "tags": "Tag", "commitments": "Commitment"}
_AMOUNT = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
           "less_than_equal": "at most"}
_KIND_WORDS = {
    "float_parsing": "a number", "float_type": "a number", "int_parsing": "a whole number",
    "int_type": "a whole number", "int_from_float": "a whole number", "bool_parsing": "yes or no",
    "string_type": "text", "list_type": "a list", "dict_type": "an object ({...})",
    "model_type": "an object ({...})", "date_parsing": "a day, e.g. '2025-02-18'",
    "date_from_datetime_parsing": "a day, e.g. '2025-02-18'", "date_type": "a day, e.g. '2025-02-18'",
    "datetime_parsing": "a time, e.g. '2025-02-18T14:00:00Z'", "url_parsing": "a URL",
}


def plain_words(error: ErrorDetails) -> str:
    """One error of the event model (pydantic's), as what the field expects and what it got:
    "lower-case letters, digits, '-', '.', '_'; got 'Ukraine settlement' (as an id:
    'ukraine-settlement')"."""
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return f"{SLUG_WORDS}; got {_shown(given)}{_did_you_mean(given)}"
        return f"not in the expected form; got {_shown(given)}"
    if kind == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else f"at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length', 0):,} characters; got {len(str(given)):,}"
    if kind == "too_short":
        return "at least one is required" if ctx.get("min_length") == 1 else f"at least {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"at most {ctx.get('max_length', 0):,} items; got {ctx.get('actual_length', len(given or [])):,}"
    if kind == "literal_error":
        return f"one of {ctx.get('expected', '')}; got {_shown(given)}"
    if kind in _AMOUNT:
        bound = next(iter(ctx.values()), "")
        return f"{_AMOUNT[kind]} {f'{bound:g}' if isinstance(bound, float) else bound}; got {_shown(given)}"
    if kind in ("value_error", "assertion_error") and ctx.get("error"):
        return str(ctx["error"])
    if kind == "extra_forbidden":
        return "not a field of this event type"
    if kind in _KIND_WORDS:
        # None: a correction that empties a field the event cannot be without.
        return "must not be empty" if given is None else f"{_KIND_WORDS[kind]}; got {_shown(given)}"
    return f"{error['msg']}; got {_shown(given)}"


def problems_in(exc: ValidationError, event_type: str | None) -> list[Problem]:
    """Every error the model found, each at its field's path ('tracks.0'), in plain words."""
    return [Problem(None, field_path(err["loc"], event_type), plain_words(err))
            for err in exc.errors(include_url=False)]


def field_label(path: str | None) -> str:
    """The field a problem's path names, as a form labels it: 'tracks.0' -> 'Track id',
    'sources.0.published' -> 'Source published', 'sources.1.url' -> 'Source 2 URL',
    'occurred.earliest' -> 'When it happened',
    'changes.summary' (a correction's) -> 'Summary', 'on_behalf_of' -> 'On behalf of'."""
    parts = [p for p in (path or "").split(".") if p]
    if len(parts) > 1 and parts[0] == "changes":
        parts = parts[1:]
    if not parts:
        return "The event"
    head, rest = parts[0], [p for p in parts[1:] if not p.isdigit()]
    if head == "sources":
        # The first source as 'Source published', any other by its number: 'Source 2 published'.
        label = FIELD_LABELS.get(f"source_{rest[0] if rest else 'outlet'}", "Source")
        nth = int(parts[1]) + 1 if len(parts) > 1 and parts[1].isdigit() else 1
        return label if nth == 1 else label.replace("Source", f"Source {nth}", 1)
    if head in ITEM_LABELS and len(parts) > 1 and parts[1].isdigit():
        return ITEM_LABELS[head] + (f" {rest[0]}" if rest else "")
    return FIELD_LABELS.get(head, head.replace("_", " ").capitalize())


def plain_problem(problem: Problem) -> str:
    """A problem as a form shows it: "Track id: lower-case letters, ...; got 'Ukraine settlement'"."""
    return f"{field_label(problem.field)}: {problem.message}" if problem.field else problem.message


def _shown(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return f"{type(value).__name__} of {len(value)}"
    shown = repr(value)
    return shown[:60] + "..." if len(shown) > 60 else shown


def _did_you_mean(value: Any) -> str:
    """How an id written as a title looks as an id: 'Ukraine settlement' -> 'ukraine-settlement'
    (only its form: whether that id is in the log is for the completion to say)."""
    if not isinstance(value, str):
        return ""
    guess = re.sub(r"[^a-z0-9._-]+", "-", value.strip().lower()).strip("-._")
    return f" (as an id: {guess!r})" if guess and guess != value and re.fullmatch(SLUG_PATTERN, guess) else ""


def read_dates(draft: Draft, reported_on: date | None = None) -> list[DateReading]:
    """Every date the draft gives, read as `build_event` reads it, in the event's order: occurred,
    the type's date fields (planned ones forward), each source's published day. Unreadable ones are
    left out (build_event names them)."""
    etype = normalise_type(draft.type)
    wanted: list[tuple[str, str, bool, bool]] = [("occurred", draft.when, False, False)]
    wanted += [(s.name, str(draft.fields.get(s.name) or ""), s.ahead, False)
               for s in field_specs(etype) if s.kind == "date"]
    named = [s for s in draft.sources if (s.outlet or "").strip()]
    # One source: its date is 'published'; several: each by its place, as problems name them.
    wanted += [("published" if len(named) == 1 else f"sources.{i}.published", s.published or "", False, True)
               for i, s in enumerate(draft.sources) if s in named]
    out = []
    for name, text, ahead, day_only in wanted:
        if not text.strip():
            continue
        try:
            out.append(read_date(text, reported_on, ahead=ahead, name=name, day_only=day_only))
        except DateParseError:
            continue
    return out


# A correction or retraction is the analyst's own act, sure by its nature: no source makes it so.
OWN_ACT = "confirmed"


def correction_changes(target: StoredEvent, changes: Any, reported_on: date | None = None,
                       ) -> tuple[Any, list[DateReading]]:
    """A correction's changes as typed (`tracker log correction --changes`, a JSON object): each
    date of the target given as text (`occurred`, the type's own date fields, planned ones
    forward) read as `tracker log` reads its flags, against `reported_on` (default today), and
    the changes then checked against the target as the store checks them, so that a dry run
    refuses what a write would. Returns the changes with those dates resolved, and how each date
    was read (as written, for one given as an interval). Text that is not a JSON object is left
    as it is, for `build_event` to refuse. Raises InvalidEvents naming 'changes.FIELD'."""
    try:
        given = json.loads(changes) if isinstance(changes, str) else changes
    except json.JSONDecodeError:
        return changes, []
    if not isinstance(given, dict):
        return changes, []
    dates = {"occurred": False, **{s.name: s.ahead for s in field_specs(target.event.type) if s.kind == "date"}}
    ref = reported_on or date.today()
    out, readings, problems = dict(given), [], []
    for name, value in given.items():
        if name not in dates:
            continue
        try:
            if isinstance(value, str):
                reading = read_date(value, reported_on, ahead=dates[name], name=f"changes.{name}")
                out[name] = reading.occurred.model_dump(mode="json")
                readings.append(reading)
            elif isinstance(value, dict):
                readings.append(DateReading(f"changes.{name}", json.dumps(value), Occurred.model_validate(value),
                                            ref, reported_on is not None, dates[name], False, False))
        except DateParseError as exc:
            problems.append(Problem(None, f"changes.{name}", str(exc)))
        except ValidationError:
            continue  # an interval the model refuses: said below, as the store says it
    if problems:
        raise InvalidEvents(problems)
    check_correction(target, out)
    return out, readings


def check_correction(target: StoredEvent, changes: Mapping[str, Any]) -> None:
    """InvalidEvents when the changes would leave `target` an invalid event (what the store refuses)."""
    try:
        corrected(target.event.model_dump(mode="json"), changes)
    except ValidationError as exc:
        # Named as the store names them: what the change would leave wrong in the target.
        raise InvalidEvents([Problem(None, f"changes.{p.field}", p.message)
                             for p in problems_in(exc, target.event.type)]) from None


def correction_for(target: StoredEvent, changes: Mapping[str, Any], reason: str, when: str = "today",
                   reported_on: date | None = None) -> Event:
    """A correction of `target`, checked by applying the changes to it first."""
    check_correction(target, changes)
    return build_event(Draft(
        type="correction", when=when, summary=f"Correction: {target.event.summary}"[:500],
        tracks=list(target.event.tracks), fields={"target": target.id, "changes": dict(changes), "reason": reason},
        status=OWN_ACT,
    ), reported_on)


def retraction_for(target: StoredEvent, reason: str, when: str = "today", reported_on: date | None = None) -> Event:
    return build_event(Draft(
        type="retraction", when=when, summary=f"Retraction: {target.event.summary}"[:500],
        tracks=list(target.event.tracks), fields={"target": target.id, "reason": reason}, status=OWN_ACT,
    ), reported_on)

"""The sections of a track, defined once: what `tracker status`, `tracker brief` and the TUI's
overview show, in which order, under which title, in which words.

A section turns a `TrackState` into lines. A line is a run of spans, and each span says what kind
of text it holds, so that each view styles and escapes it its own way: `say` on the command line
(control characters made visible), `markdown_escape` in the brief, Rich `Text` in the terminal UI.
Text from the log is data, never markup: only spans of a TRUSTED kind hold our own words.

Adding a section to every view is adding one entry to SECTIONS.

Layer: this module imports only `events`, `projections.state` / `.moment` and the standard library,
so any view can use it and it can never reach the log by itself (tests/unit/test_present.py).
"""

from __future__ import annotations

import re
import typing
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from events.occurred import Occurred
from projections.state import ActorInfo, Agreement, Dated, Meeting, Proposal, Sourced, TrackState

# A fact whose imprecise date reaches past the moment viewed (`Dated.uncertain`): it may not have
# happened yet. One mark in every view (the timeline's flag column uses it too); not 'c.' (circa),
# which `Occurred.label` puts before a date the source gave as approximate, a different thing.
UNCERTAIN_MARK = "~"

SpanKind = Literal[
    "text",  # our own wording
    "date",  # a date label made by Occurred.label (our format, no log text)
    "absent",  # what a section says when it has nothing ("nobody yet")
    "mark",  # UNCERTAIN_MARK
    "subject",  # the name or title an entry is about
    "name",  # any other actor's display name
    "data",  # other text from the log: reasons, summaries, issues, venues, stages
    "quote",  # a quotation from a source
    "claim",  # a claim status: reported, disputed ...
    "status",  # a track status: active, stalled ...
    "stance",  # supports / opposes / conditional / neutral
    "progress",  # a commitment's progress: not_started / partial / done / broken
    "trend",  # improving / deteriorating / unchanged
]
# Kinds that never carry text from the log, so need no escaping for Markdown. The mark stays '~'
# there too, so that it reads the same in every view: GFM could take a lone '~' for strikethrough,
# but the mark always follows a space or '(', so it can open a strikethrough and never close one,
# and every '~' from the log is escaped.
TRUSTED: frozenset[str] = frozenset({"text", "date", "absent", "mark"})


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    kind: SpanKind = "text"

    @property
    def trusted(self) -> bool:
        return self.kind in TRUSTED


@dataclass(frozen=True, slots=True)
class Line:
    spans: tuple[Span, ...]
    level: int = 0  # 0: an entry of the section; 1: a detail of the entry above it

    @property
    def text(self) -> str:
        """The line as plain text (unescaped: print it through `say`)."""
        return "".join(s.text for s in self.spans)


Part = str | Span | Iterable[Span] | None


def line(*parts: Part, level: int = 0) -> Line:
    """A line from pieces: a str is our wording, a Span is itself, a list of spans is spliced
    in, None is left out (so optional pieces read inline)."""
    spans: list[Span] = []
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, str):
            spans.append(Span(part))
        elif isinstance(part, Span):
            spans.append(part)
        else:
            spans.extend(part)
    return Line(tuple(spans), level)


# -- names and dates -----------------------------------------------------------------------------
class Names:
    """Actor ids to display names: 'rus' -> 'Russia', 'lavrov' -> 'Sergei Lavrov' (short: 'Lavrov').

    Built from the actors' descriptions (ActorInfo, which know who is a person) or from a plain
    mapping of id to name; an actor never described shows as its id.
    """

    def __init__(self, actors: Iterable[ActorInfo] | Mapping[str, str] = ()) -> None:
        self.infos: dict[str, ActorInfo] = {}
        if isinstance(actors, Mapping):
            for actor_id, name in actors.items():
                self.infos[actor_id] = ActorInfo(id=actor_id, name=name)
        else:
            self.infos = {a.id: a for a in actors}

    def __call__(self, actor: str) -> str:
        info = self.infos.get(actor)
        return info.name if info and info.name else actor

    def short(self, actor: str) -> str:
        """A person by surname ('Lavrov', 'von der Leyen'), anyone else by full name."""
        info = self.infos.get(actor)
        if info and info.kind == "person" and info.name.strip():
            return surname(info.name)
        return self(actor)

    def many(self, actors: Iterable[str], empty: str = "") -> str:
        return ", ".join(self(a) for a in actors) or empty

    def spans(self, actors: Iterable[str], *, short: bool = False) -> list[Span]:
        """Names as spans, comma separated, for a line."""
        out: list[Span] = []
        for i, actor in enumerate(actors):
            if i:
                out.append(Span(", "))
            out.append(Span(self.short(actor) if short else self(actor), "name"))
        return out


# Words that belong to the surname they stand before ('Ursula von der Leyen' is 'von der Leyen',
# 'Marine Le Pen' is 'Le Pen'). Inside a name they are mostly written in lower case, which is
# enough to know them; this list also knows them capitalised ('Luigi Di Maio').
SURNAME_PARTICLES = frozenset({
    "al", "bin", "bint", "da", "dal", "das", "de", "del", "della", "den", "der", "des", "di", "do", "dos",
    "du", "el", "ibn", "la", "le", "st", "st.", "te", "ten", "ter", "van", "von", "zu",
})
# Written after a surname, and part of it in short: 'Martin Luther King Jr.' is 'King Jr.'.
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def surname(name: str) -> str:
    """A person's name in short: the last word with the particles before it, never the first
    word (a given name): 'Sergei Lavrov' -> 'Lavrov', 'Ursula von der Leyen' -> 'von der Leyen'.
    Only a guess for names written family name first ('Xi Jinping'), which this cannot tell."""
    words = name.split()
    start = len(words) - 1
    if start > 1 and words[start].lower() in NAME_SUFFIXES:
        start -= 1
    while start > 1 and (words[start - 1][:1].islower() or words[start - 1].lower() in SURNAME_PARTICLES):
        start -= 1
    return " ".join(words[max(start, 0):]) or name


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 event', '0 events', '2 analyses' (with `many` for a word that does not take an s): the one
    way every view counts things."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


# Marks a quotation can open with. A source's excerpt often keeps the marks it was printed with
# ('"We explained today that ..." Lavrov said'): ours around it would double them.
OPENING_QUOTES = "\"'\u201c\u2018\u201e\u00ab\u2039\u300c\u300e"


def own_quotes(text: str) -> bool:
    """Whether a quotation opens with a quotation mark of its own (then it is shown as it is)."""
    return text.lstrip()[:1] in OPENING_QUOTES


def quoted(text: str) -> str:
    """A quotation as shown: in curly quotes, unless it opens with a quotation mark of its own."""
    return text if own_quotes(text) else f"\u201c{text}\u201d"


def quote(text: str) -> list[Span]:
    """`quoted` as spans: the quotation itself, and our marks (if it needs them) around it."""
    return [Span(text, "quote")] if own_quotes(text) else [Span("\u201c"), Span(text, "quote"), Span("\u201d")]


# A text ending in one of these (before any closing quotes or brackets) is a sentence.
_SENTENCE_END = re.compile(r"[.!?\u2026:;][\"'\u201d\u2019\u00bb\u203a)\]]*$")


def joined(items: Iterable[str]) -> str:
    """Items of a list as one text: a sentence followed by a space, anything else by a comma
    (findings are sentences; tags and names are not: 'A. B.' but 'usa, rus')."""
    out = ""
    for item in items:
        if out:
            out += " " if _SENTENCE_END.search(out) else ", "
        out += item.strip()
    return out


def day(d: date) -> str:
    """'7 Feb 2025': the format of Occurred labels."""
    return f"{d.day} {d:%b %Y}"


def dated(occ: Occurred | None, uncertain: bool = False) -> list[Span]:
    """A date label as spans, with the uncertain mark in front when the date may lie after the
    moment viewed."""
    if occ is None:
        return [Span("no date", "date")]
    label = Span(occ.label(), "date")
    return [Span(UNCERTAIN_MARK, "mark"), label] if uncertain else [label]


def when(occ: Occurred | None, uncertain: bool = False) -> str:
    """The one date label as text: '18 Feb 2025', '~17–18 Feb 2025 (approx.)', 'no date'."""
    return "".join(s.text for s in dated(occ, uncertain))


def _claim(status: str, *, loud: bool = False) -> list[Span]:
    """' [reported]' after a fact that is not confirmed; nothing for a confirmed one."""
    if status == "confirmed":
        return []
    return [Span(" ["), Span(status.upper() if loud else status, "claim"), Span("]")]


def subject(text: str) -> Span:
    return Span(text, "subject")


def data(text: str) -> Span:
    return Span(text, "data")


# -- the sections ----------------------------------------------------------------------------------
def _status(s: TrackState, names: Names) -> list[Line]:
    return [line(Span(s.status, "status"),
                 [Span(" since "), *dated(s.status_since)] if s.status_since else None,
                 [Span(" - "), data(s.status_reason)] if s.status_reason else None,
                 _claim(s.status_claim))]


def _trend(s: TrackState, names: Names) -> list[Line]:
    t = s.trend
    if t.window_end is None:
        return [line(Span("unknown", "trend"))]
    return [line(Span(t.direction, "trend"),
                 f" ({t.recent:+d} from {plural(t.recent_events, 'event')} in the {t.window_days} days to "
                 f"{t.window_end.day} {t.window_end:%b}; before that {t.previous:+d} from "
                 f"{plural(t.previous_events, 'event')})")]


def _activity(s: TrackState, names: Names) -> list[Line]:
    return [line(dated(s.last_activity), f"; {plural(s.event_count, 'event')} in the log")]


def _parties(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(p.actor)),
                 [Span(" ("), *names.spans(p.delegates, short=True), Span(")")] if p.delegates else None,
                 ", last ", dated(p.occurred, p.uncertain))
            for p in s.parties]


def _excluded(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(x.actor)),
                 [Span(" by "), *names.spans(x.by)] if x.by else None,
                 " ", dated(x.occurred, x.uncertain),
                 [Span(": "), data(x.reason)] if x.reason else None)
            for x in s.excluded]


def _seat_demands(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(d.claimant)), " for ", names.spans(d.seat_for),
                 " ", dated(d.occurred, d.uncertain), _claim(d.claim_status))
            for d in s.seat_demands]


def _mediators(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(m.actor)), ": ",
                 [Span("offers to act as "), data(m.role)] if m.offered else "hosted talks",
                 [Span(" ("), data(m.venue), Span(")")] if m.venue else None,
                 [Span(" between "), *names.spans(m.between)] if m.between else None,
                 " ", dated(m.occurred, m.uncertain))
            for m in s.mediators]


def _observers(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(o.actor)), ", last heard ", dated(o.occurred, o.uncertain)) for o in s.observers]


def _agenda(s: TrackState, names: Names) -> list[Line]:
    if not s.agenda:
        return []
    spans: list[Span] = []
    for i, item in enumerate(s.agenda):
        spans += [Span(", ")] if i else []
        spans.append(data(item))
    return [line(spans)]


def _stances(s: TrackState, names: Names) -> list[Line]:
    """By issue (the state keeps them sorted by issue, then actor): the issue, then who says what."""
    out: list[Line] = []
    issue = None
    for st in s.stances:
        if st.issue != issue:
            issue = st.issue
            out.append(line(data(issue), ":"))
        out.append(line(subject(names(st.actor)),
                        [Span(" ("), Span(names.short(st.speaker), "name"), Span(")")] if st.speaker != st.actor else None,
                        ": ", Span(st.stance, "stance"), _claim(st.claim_status, loud=True),
                        [Span(" "), *quote(st.quote)] if st.quote else None,
                        " ", dated(st.occurred, st.uncertain), level=1))
    return out


def _proposal(p: Proposal, names: Names) -> list[Line]:
    history: list[Span] = []
    for i, c in enumerate(p.claim_history):
        if i:
            history.append(Span(", then "))
        history.append(Span(c.status, "claim"))
        if c.by and i:  # the first entry is the original report: its "by" is the proposer
            history += [Span(" by "), *names.spans(c.by)]
        history += [Span(" "), *dated(c.occurred, c.uncertain)]
    out = [line(subject(p.title), " (", names.spans(p.proposer), "): ", Span(p.claim_status.upper(), "claim"),
                [Span(" - "), *history] if history else None)]
    if p.stages:
        stages: list[Span] = [Span("stages:")]
        for i, stage in enumerate(p.stages, 1):
            stages += [Span(f"  {i}. "), data(stage)]
        out.append(line(stages, level=1))
    return out


def _proposals(s: TrackState, names: Names) -> list[Line]:
    return [ln for p in s.proposals for ln in _proposal(p, names)]


def _agreement(a: Agreement, names: Names) -> list[Line]:
    done = sum(1 for c in a.commitments if c.progress == "done")
    broken = sum(1 for c in a.commitments if c.progress == "broken")
    tally = f" - {done}/{len(a.commitments)} commitments done" + (f", {broken} broken" if broken else "")
    out = [line(subject(a.title), " (", names.spans(a.parties), ") ", dated(a.occurred, a.uncertain),
                _claim(a.claim_status), tally if a.commitments else None)]
    out += [line("[", Span(c.progress, "progress"), "] ", data(c.text), level=1) for c in a.commitments]
    return out


def _agreements(s: TrackState, names: Names) -> list[Line]:
    return [ln for a in s.agreements for ln in _agreement(a, names)]


def meeting_line(m: Meeting, names: Names) -> Line:
    """A meeting: where it stands, how it was moved, and whether its date passed unreported."""
    if m.status == "held":
        state: list[Span] = [Span("held "), *dated(m.held, m.uncertain)]
    elif m.status == "cancelled":
        state = [Span("cancelled"), *([Span(" by "), *names.spans(m.cancelled_by)] if m.cancelled_by else [])]
    elif m.status == "postponed":
        state = [Span("postponed to "), *(dated(m.planned) if m.planned else [Span("no new date")])]
    else:
        state = [Span("scheduled for "), *dated(m.planned)]
    moves: list[Span] = []
    for i, p in enumerate(m.postponements):
        moves += [Span("; " if i else "; postponed "), *dated(p.from_date), Span(" -> "),
                  *(dated(p.to_date) if p.to_date else [Span("sine die")]), Span(" (")]
        if p.by:
            moves += [Span("by "), *names.spans(p.by), Span(", ")]
        moves += [*dated(p.occurred, p.uncertain), Span(")")]
    return line(subject(m.title), ": ", state, moves,
                " - date passed, no outcome logged" if m.date_passed else None, _claim(m.claim_status))


def _upcoming(s: TrackState, names: Names) -> list[Line]:
    return [meeting_line(m, names) for m in s.meetings if m.upcoming]


def _meetings(s: TrackState, names: Names) -> list[Line]:
    return [meeting_line(m, names) for m in s.meetings if not m.upcoming]


def _denied(s: TrackState, names: Names) -> list[Line]:
    return [line(data(d.summary), " - denied", [Span(" by "), *names.spans(d.by)] if d.by else None,
                 " ", dated(d.occurred, d.uncertain))
            for d in s.denied]


def _uncertain(s: TrackState, names: Names) -> list[Line]:
    if not s.uncertain_count:
        return []
    after = day(s.as_of) if s.as_of else "the moment viewed"
    return [line(Span(UNCERTAIN_MARK, "mark"),
                 f" marks {plural(s.uncertain_count, 'fact')} with an imprecise date that may fall after "
                 f"{after}: each counts from its earliest possible day.")]


@dataclass(frozen=True, slots=True)
class Section:
    """One part of a track's state, as every view shows it."""

    key: str
    title: str
    lines: Callable[[TrackState, Names], list[Line]]
    inline: bool = False  # one line, shown beside its title ("Status: active ...")
    empty: str | None = None  # said when there is nothing; None: the section is left out then


SECTIONS: tuple[Section, ...] = (
    Section("status", "Status", _status, inline=True),
    Section("trend", "Trend", _trend, inline=True),
    Section("activity", "Last activity", _activity, inline=True),
    Section("parties", "At the table", _parties, empty="nobody yet"),
    Section("excluded", "Excluded", _excluded, empty="nobody"),
    Section("seat_demands", "Demanding a seat", _seat_demands, empty="nobody"),
    Section("mediators", "Mediators and hosts", _mediators, empty="nobody"),
    Section("observers", "Observers", _observers),
    Section("agenda", "Agenda", _agenda, empty="not set"),
    Section("stances", "Stances", _stances),
    Section("proposals", "Proposals", _proposals),
    Section("agreements", "Agreements", _agreements),
    Section("upcoming", "Upcoming meetings", _upcoming),
    Section("meetings", "Meetings", _meetings),
    Section("denied", "Denied claims", _denied),
    Section("uncertain", "Uncertain dates", _uncertain),
)


def sections(state: TrackState, names: Names) -> list[tuple[Section, list[Line]]]:
    """The sections to show for `state`, in order, each with its lines: what every view iterates,
    so all of them show the same sections in the same order."""
    out: list[tuple[Section, list[Line]]] = []
    for section in SECTIONS:
        lines = section.lines(state, names)
        if not lines and section.empty is not None:
            lines = [line(Span(section.empty, "absent"))]
        if lines:
            out.append((section, lines))
    return out


# -- Markdown ------------------------------------------------------------------------------------
# Characters that can open or close Markdown syntax wherever they stand: emphasis, code, links
# and images, raw HTML, tables, strikethrough, math. A backslash escapes them (CommonMark escapes
# any ASCII punctuation); '<', '>' and '&' become HTML entities instead, which every dialect leaves
# inert (not all honour '\<').
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#!|~$])")
_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Autolinks (GFM, linkify): 'http://x', '//x'. A ':' before a space ('Moscow says: ...') is left
# alone, as the brief is read raw in a terminal too.
_MD_LINK = re.compile(r":(?=\S)|/(?=/)")
# Only at the start of a text can '-', '+' or '1.' open a list: 'european-security' stays readable.
_MD_BULLET = re.compile(r"^(\s*)([-+])")
_MD_ORDERED = re.compile(r"^(\s*\d+)\.")


def markdown_escape(text: str) -> str:
    """`text` as inert Markdown: it shows as itself, never as a link, tag, heading or list.

    Line breaks become spaces: a break could open a new block (a heading, a link definition).
    """
    text = re.sub(r"[\r\n]+", " ", text)
    text = _MD_PUNCT.sub(r"\\\1", text)
    text = _MD_LINK.sub(r"\\\g<0>", text)
    text = _MD_BULLET.sub(r"\1\\\2", text)
    text = _MD_ORDERED.sub(r"\1\\.", text)
    return "".join(_MD_HTML.get(ch, ch) for ch in text)


def markdown_line(ln: Line) -> str:
    """A line as Markdown: our words as they are, everything else escaped."""
    return "".join(s.text if s.trusted else markdown_escape(s.text) for s in ln.spans)


# -- provenance: which events a fact of a track stands on ------------------------------------------
class UnknownFact(ValueError):
    """A `why` path that names no fact of the track at the moment viewed."""


class UnknownField(UnknownFact):
    """A `why` path that names no field of a track at all (a usage error)."""


# Facts held as one value, traced by the ids of the events behind them.
_SINGLE_FACTS: dict[str, str] = {
    "status": "status_event_ids", "status_since": "status_event_ids", "title": "status_event_ids",
    "agenda": "agenda_event_ids", "last_activity": "last_activity_event_ids",
}


def _families(state: TrackState) -> dict[str, tuple[list[str], tuple[Sourced, ...]]]:
    """Each field of TrackState that holds sourced facts, with the names of its items' own fields
    (an item is found by its leading ones: an actor, a meeting id, an actor and an issue ...).
    Derived from the state's types, so a new family of facts is traceable without a change here."""
    out: dict[str, tuple[list[str], tuple[Sourced, ...]]] = {}
    for name, info in TrackState.model_fields.items():
        args = typing.get_args(info.annotation)
        if typing.get_origin(info.annotation) is tuple and args and isinstance(args[0], type) \
                and issubclass(args[0], Sourced):
            own = [f for f in args[0].model_fields if f not in Dated.model_fields]
            out[name] = (own, getattr(state, name))
    return out


def sources_of(state: TrackState, path: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """(what, event ids) for a fact of the track: 'status', 'agenda', 'parties usa',
    'stances rus european-peacekeepers', 'meetings ID', 'proposals ID', 'excluded ACTOR', ...
    (a field of TrackState, then the values of its items' leading fields)."""
    parts = [p for item in path for p in item.replace(".", " ").replace("/", " ").split()]
    if not parts:
        raise UnknownField("name a field, e.g. 'status' or 'stances rus european-peacekeepers'")
    head, rest = parts[0].replace("-", "_"), parts[1:]
    if head in _SINGLE_FACTS and not rest:
        return head, tuple(getattr(state, _SINGLE_FACTS[head]))
    families = _families(state)
    if head not in families:
        raise UnknownField(f"unknown field {parts[0]!r}; try one of: {', '.join([*_SINGLE_FACTS, *families])}")
    keys, items = families[head]
    chosen = [i for i in items if all(getattr(i, k) == v for k, v in zip(keys, rest, strict=False))]
    if not chosen:
        which = f" {' '.join(rest)!r}" if rest else ""
        raise UnknownFact(f"no {head}{which} on {state.track} ({state.moment})")
    return " ".join([head, *rest]), tuple(dict.fromkeys(i for item in chosen for i in item.event_ids))


# -- columns ---------------------------------------------------------------------------------------
def cells(text: str) -> int:
    """How many terminal columns `text` takes: a wide (East Asian) character two, a combining mark none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def columns(rows: Sequence[Sequence[str]], align: str = "", gap: int = 2) -> list[str]:
    """Rows of text as lines whose columns line up, each column as wide as its widest value, so
    that no value, however long, pushes the ones after it out of line. `align` gives a column's
    alignment by its place ('>' right, anything else left: '>' for a column of numbers); the last
    column is not padded."""
    if not rows:
        return []
    count = max(len(r) for r in rows)
    widths = [max((cells(r[i]) for r in rows if i < len(r)), default=0) for i in range(count)]
    out = []
    for row in rows:
        parts = []
        for i, value in enumerate(row):
            pad = " " * (widths[i] - cells(value)) if i < len(row) - 1 or align[i:i + 1] == ">" else ""
            parts.append(pad + value if align[i:i + 1] == ">" else value + pad)
        out.append((" " * gap).join(parts).rstrip())
    return out

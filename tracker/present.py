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
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from events.occurred import Occurred
from projections.grades import fact_key
from projections.state import (
    ActorInfo,
    Agreement,
    Deadline,
    Meeting,
    Proposal,
    Sourced,
    TrackState,
)

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
    about: tuple[str, Sourced] | None = None  # the fact the line lists, if it lists one: its field of TrackState, itself

    @property
    def text(self) -> str:
        """The line as plain text (unescaped: print it through `say`)."""
        return "".join(s.text for s in self.spans)


Part = str | Span | Iterable[Span] | None


def line(*parts: Part, level: int = 0, about: tuple[str, Sourced] | None = None) -> Line:
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
    return Line(tuple(spans), level, about)


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


def activity_until(states: Iterable[TrackState]) -> date | None:
    """The Monday of the last week a list of tracks draws its weekly activity to: the latest
    week any of them counted (each counts to its trend's reference day: the day viewed, or its
    last activity), so that every track is drawn over the same weeks (Activity.until)."""
    return max((s.activity.last_week for s in states if s.activity.last_week), default=None)


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


def backed(ln: Line, support: str, claim_status: str = "confirmed") -> Line:
    """The line with what stands behind the fact it lists: ' · 2 sources, 1 independent (B2, C3)'
    (projections.grades.Support) and, when the line does not say its claim status itself, the
    firmest status of the events behind it unless confirmed (' [unverified]'): a fact that only a
    report or an unverified event stands behind never reads as plain fact."""
    said = any(s.kind == "claim" for s in ln.spans)
    shown = [Span(f" \u00b7 {support}")] if support else []
    return Line((*ln.spans, *([] if said else _claim(claim_status)), *shown), ln.level, ln.about)


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
    # Those at the table in another role than party (took part in talks, or joined, as mediators or
    # observers) follow the parties, each with its role; the parties say theirs only then.
    others = [(m.actor, "mediator", m.occurred, m.uncertain) for m in s.mediators
              if not m.offered and m.role == "mediator"]
    others += [(o.actor, "observer", o.occurred, o.uncertain) for o in s.observers if o.role]
    if not s.parties and not others and s.left:  # not "nobody yet": there were parties, and they left
        return [line(Span("nobody (all parties have left)" if len(s.left) > 1 else "nobody (the only party has left)",
                          "absent"))]
    return [line(subject(names(p.actor)),
                 [Span(" ("), *names.spans(p.delegates, short=True), Span(")")] if p.delegates else None,
                 ", as party" if others else None, ", last ", dated(p.occurred, p.uncertain),
                 [Span(", joined: "), data(p.reason)] if p.reason else None, about=("parties", p))
            for p in s.parties] + [line(subject(names(actor)), f", as {role}, last ", dated(occ, unsure))
                                   for actor, role, occ, unsure in others]


def _left(s: TrackState, names: Names) -> list[Line]:
    title = {g.agreement: g.title for g in s.agreements}.get  # the agreement withdrawn from, by its title
    return [line(subject(names(d.actor)),
                 [Span(" (withdrew from "), data(title(d.agreement, d.agreement)), Span(")")] if d.agreement else None,
                 " ", dated(d.occurred, d.uncertain),
                 [Span(": "), data(d.reason)] if d.reason else None, about=("left", d))
            for d in s.left]


def _excluded(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(x.actor)),
                 [Span(" by "), *names.spans(x.by)] if x.by else None,
                 " ", dated(x.occurred, x.uncertain),
                 [Span(": "), data(x.reason)] if x.reason else None, about=("excluded", x))
            for x in s.excluded]


def _seat_demands(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(d.claimant)), " for ", names.spans(d.seat_for),
                 " ", dated(d.occurred, d.uncertain), _claim(d.claim_status), about=("seat_demands", d))
            for d in s.seat_demands]


def _mediators(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(m.actor)), ": ",
                 [Span("offers to act as "), data(m.role)] if m.offered
                 else "hosted talks" if m.role == "host" else [Span("at the table as "), data(m.role)],
                 [Span(" ("), data(m.venue), Span(")")] if m.venue else None,
                 [Span(" between "), *names.spans(m.between)] if m.between else None,
                 " ", dated(m.occurred, m.uncertain), about=("mediators", m))
            for m in s.mediators]


def _observers(s: TrackState, names: Names) -> list[Line]:
    return [line(subject(names(o.actor)), ", at the table as observer, last " if o.role else ", last heard ",
                 dated(o.occurred, o.uncertain), about=("observers", o)) for o in s.observers]


def _agenda(s: TrackState, names: Names) -> list[Line]:
    if not s.agenda:
        return []
    spans: list[Span] = []
    for i, item in enumerate(s.agenda):
        spans += [Span(", ")] if i else []
        spans.append(data(item))
    return [line(spans)]


# How a stance last moved (projections.state.shift_direction): towards support, away from it, sideways.
SHIFT_ARROWS = {"up": "\u2191", "down": "\u2193", "across": "\u2194"}


def shift(previous: str | None, direction: str | None) -> list[Span]:
    """' ↑ was opposes' after a stance that changed; nothing if it never did."""
    if previous is None or direction is None:
        return []
    return [Span(f" {SHIFT_ARROWS[direction]} was "), Span(previous, "stance")]


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
                        ": ", Span(st.stance, "stance"), shift(st.previous, st.direction),
                        _claim(st.claim_status, loud=True),
                        [Span(" "), *quote(st.quote)] if st.quote else None,
                        " ", dated(st.occurred, st.uncertain), level=1, about=("stances", st)))
    return out


def _contradictions(s: TrackState, names: Names) -> list[Line]:
    """Voices of one side that say different things on one issue: the side and issue, then each voice."""
    out: list[Line] = []
    for c in s.contradictions:
        out.append(line(subject(names(c.side)), " on ", data(c.issue), ":"))
        for v in c.voices:
            speaker = names.short(v.speaker)
            out.append(line(Span(speaker, "name"),
                            [Span(" for "), Span(names.short(v.actor), "name")] if v.actor not in (v.speaker, c.side) else None,
                            ": ", Span(v.stance, "stance"), _claim(v.claim_status, loud=True),
                            " ", dated(v.occurred, v.uncertain), level=1))
    return out


def _proposal(p: Proposal, names: Names, titles: Mapping[str, str] | None = None) -> list[Line]:
    """A proposal, its stages and answers, and the versions before and after it (by title, where `titles`,
    proposal id -> title, knows it)."""
    title = (titles or {}).get
    history: list[Span] = []
    for i, c in enumerate(p.claim_history):
        if i:
            history.append(Span(", then "))
        history.append(Span(c.status, "claim"))
        if c.by and i:  # the first entry is the original report: its "by" is the proposer
            history += [Span(" by "), *names.spans(c.by)]
        history += [Span(" "), *dated(c.occurred, c.uncertain)]
    if p.orphan:  # only answered: what it proposed is not in the log
        out = [line(subject(p.title), ": a proposal not logged as tabled")]
    else:
        out = [line(subject(p.title), [Span(" ("), *names.spans(p.proposer), Span(")")] if p.proposer else None, ": ",
                    Span(p.claim_status.upper(), "claim"), [Span(" - "), *history] if history else None)]
    if p.revises:
        out.append(line("revises ", data(title(p.revises, p.revises)), level=1))
    if p.stages:
        stages: list[Span] = [Span("stages:")]
        for i, stage in enumerate(p.stages, 1):
            stages += [Span(f"  {i}. "), data(stage)]
            if i in p.agreed_stages:
                stages.append(Span(" (agreed)"))
        out.append(line(stages, level=1))
    out += [line(a.response, " by ", Span(names(a.responder), "name"), " ", dated(a.occurred, a.uncertain),
                 _claim(a.claim_status), [Span(", counter-proposal "), data(title(a.counter, a.counter))] if a.counter else None,
                 [Span(": "), data(a.reason)] if a.reason else None, level=1)
            for a in p.answers]
    if p.revised_by:
        spans: list[Span] = [Span("revised by ")]
        for i, nxt in enumerate(p.revised_by):
            spans += [Span(", ")] if i else []
            spans.append(data(title(nxt, nxt)))
        out.append(line(spans, level=1))
    return out


def _proposals(s: TrackState, names: Names) -> list[Line]:
    titles = {p.proposal: p.title for p in s.proposals}
    return [ln for p in s.proposals for ln in _proposal(p, names, titles)]


def commitment_tally(a: Agreement) -> list[Span]:
    """'8 commitments: 2 done, 1 partial, 1 broken (restore-embassies)': every count, even a zero,
    and the broken ones by name."""
    if not a.commitments:
        return []
    t = a.tally()
    spans = [Span(plural(len(a.commitments), "commitment"))]
    for i, kind in enumerate(("done", "partial", "broken")):
        spans += [Span(", " if i else ": "), Span(f"{t[kind]} {kind}", "progress")]
    broken = [c.id for c in a.commitments if c.progress == "broken"]
    if broken:
        spans.append(Span(" ("))
        for i, cid in enumerate(broken):
            spans += [Span(", ")] if i else []
            spans.append(data(cid))
        spans.append(Span(")"))
    return spans


_ACTED = {"signed": "signed by ", "ratified": "ratified by ", "withdrawn": "withdrawal by "}


def _agreement(a: Agreement, names: Names) -> list[Line]:
    tally = commitment_tally(a)
    if a.orphan:  # only ratified, withdrawn from ...: who reached it, and when, is not in the log
        out = [line(subject(a.title), ": an agreement not logged as reached or signed (first named ",
                    dated(a.first_seen), ")", [Span(" - "), *tally] if tally else None, about=("agreements", a))]
    else:
        out = [line(subject(a.title), " (", names.spans(a.parties), ") ", dated(a.occurred, a.uncertain),
                    _claim(a.claim_status), [Span(" - "), *tally] if tally else None, about=("agreements", a))]
    out += [line(_ACTED.get(x.act, x.act), names.spans(x.parties),
                 [Span(" ("), data(x.detail), Span(")")] if x.detail else None, " ", dated(x.occurred, x.uncertain),
                 [Span(", effective "), *dated(x.effective)] if x.effective else None, _claim(x.claim_status),
                 [Span(": "), data(x.reason)] if x.reason else None, level=1)
            for x in a.acts]
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
    how = ", ".join(x for x in (MEETING_FORMATS.get(m.format or "", m.format), f"round {m.round}" if m.round else None) if x)
    return line(subject(m.title), f" ({how})" if how else None, ": ", state, moves,
                " - date passed, no outcome logged" if m.date_passed else None, _claim(m.claim_status))


# How a meeting's format reads in a meeting line.
MEETING_FORMATS = {"in_person": "in person", "phone": "phone call", "video": "video call"}


def _delegations(s: TrackState, names: Names) -> list[Line]:
    """Each side's negotiators: one line per side, and a line per team when it has several."""
    out: list[Line] = []
    for d in s.delegations:
        lead = d.teams[-1].lead if len(d.teams) == 1 else None
        people: list[Span] = []
        for i, actor in enumerate(d.negotiators):
            people += [Span(", ")] if i else []
            people += [Span(names.short(actor), "name"), *([Span(" (lead)")] if actor == lead else [])]
        if len(d.teams) == 1:
            t = d.teams[0]
            out.append(line(subject(names(d.side)), ": ", people, [Span(" - "), data(t.role)] if t.role else None,
                            ", appointed ", dated(t.occurred, t.uncertain), _claim(t.claim_status)))
            continue
        out.append(line(subject(names(d.side)), ": ", people))
        out += [line(data(t.role) if t.role else "negotiators", ": ", names.spans(t.negotiators, short=True),
                     [Span(", lead "), Span(names.short(t.lead), "name")] if t.lead else None,
                     ", appointed ", dated(t.occurred, t.uncertain), _claim(t.claim_status), level=1)
                for t in d.teams]
    return out


def _red_lines(s: TrackState, names: Names) -> list[Line]:
    """By actor (whose red lines), latest first: the issue, the demand, who said it."""
    out: list[Line] = []
    actor = None
    for r in s.red_lines:
        if r.actor != actor:
            actor = r.actor
            out.append(line(subject(names(actor)), ":"))
        out.append(line("precondition" if r.kind == "precondition" else "red line", " on ", data(r.issue), ": ",
                        data(r.demand),
                        [Span(" ("), Span(names.short(r.speaker), "name"), Span(")")] if r.speaker != r.actor else None,
                        _claim(r.claim_status, loud=True), [Span(" "), *quote(r.quote)] if r.quote else None,
                        " ", dated(r.occurred, r.uncertain), level=1, about=("red_lines", r)))
    return out


def _ceasefires(s: TrackState, names: Names) -> list[Line]:
    out: list[Line] = []
    for c in s.ceasefires:
        status = c.status.replace("_", " ")
        if c.orphan:  # never declared here: only what was reported of it
            what = "violation reported of " if c.violations else "end reported of " if c.ended else ""
            out.append(line(subject(c.ceasefire), f": {what}a ceasefire not logged as declared"))
        else:
            out.append(line(subject(c.scope or c.ceasefire),
                            [Span(" ("), *names.spans(c.parties), Span(")")] if c.parties else None,
                            ": ", Span(status, "status"), " - declared ", dated(c.occurred, c.uncertain),
                            [Span(", from "), *dated(c.starts)] if c.starts else None,
                            [Span(", until "), *dated(c.ends)] if c.ends else None, _claim(c.claim_status)))
        counts = c.violated_by()
        if c.violations:
            by: list[Span] = []
            for i, (actor, n) in enumerate(counts.items()):
                by += [Span(", ")] if i else [Span(": by ")]
                by += [Span(names(actor), "name"), Span(f" ({n}×)" if n > 1 else "")]
            out.append(line(plural(len(c.violations), "violation"), " reported", by, ", last ",
                            dated(c.violations[-1].occurred, c.violations[-1].uncertain), level=1))
        if c.ended is not None:
            out.append(line("ended ", dated(c.ended), [Span(" by "), *names.spans(c.ended_by)] if c.ended_by else None,
                            [Span(": "), data(c.reason)] if c.reason else None, level=1))
    return out


def _sanctions(s: TrackState, names: Names) -> list[Line]:
    out: list[Line] = []
    for x in s.sanctions:
        out.append(line(subject(x.measure or x.sanctions), ": ", Span(x.action, "status"),
                        [Span(" by "), *names.spans(x.by)] if x.by else None,
                        [Span(" on "), *names.spans(x.on)] if x.on else None,
                        " ", dated(x.occurred, x.uncertain), _claim(x.claim_status)))
        if len(x.history) > 1:
            steps: list[Span] = []
            for i, step in enumerate(x.history):
                steps += [Span(", then " if i else "")]
                steps += [Span(step.action, "status"), Span(" "), *dated(step.occurred, step.uncertain),
                          *_claim(step.claim_status)]
            out.append(line(steps, level=1))
    return out


def _upcoming(s: TrackState, names: Names) -> list[Line]:
    return [meeting_line(m, names) for m in s.meetings if m.upcoming]


def _meetings(s: TrackState, names: Names) -> list[Line]:
    return [meeting_line(m, names) for m in s.meetings if not m.upcoming]


def met_by_spans(d: Deadline) -> list[Span]:
    """What met a deadline: the event's title and type when it is on the track, else its id."""
    if d.met_by_title:
        return [data(d.met_by_title), Span(f" ({(d.met_by_type or 'event').replace('_', ' ')})")]
    return [Span("event "), data(d.met_by)] if d.met_by else []


def deadline_line(d: Deadline, names: Names) -> Line:
    """A deadline: where it stands, its due date, how often it was extended."""
    moved = f", extended {len(d.extensions)}×" if d.extensions else None
    due = [Span("due "), *dated(d.due)] if d.due else []  # none: a deadline only met or missed, never set
    if d.status == "met":
        state: list[Span] = [Span("met "), *dated(d.closed, d.uncertain),
                             *([Span(" by "), *met_by_spans(d)] if d.met_by else []),
                             *([Span(" ("), *due, Span(")")] if due else [])]
    elif d.status == "missed":
        state = [Span("missed"), Span(" ("), *due, Span(", " if due else ""), Span("declared missed "),
                 *dated(d.closed, d.uncertain), Span(")")]
    else:
        state = due
    return line(subject(d.title), ": ", state, moved,
                [Span(" (first due "), *dated(d.original_due), Span(")")] if d.extensions and d.original_due else None,
                " - date passed, nothing logged says it was met or missed" if d.status == "passed" else None,
                " - a deadline not logged as set" if d.orphan else None, _claim(d.claim_status))


def _deadline(d: Deadline, names: Names) -> list[Line]:
    out = [deadline_line(d, names)]
    if d.set_by:
        out.append(line("set by ", names.spans(d.set_by),
                        [Span("; if missed: "), data(d.consequence)] if d.consequence else None, level=1))
    elif d.consequence:
        out.append(line("if missed: ", data(d.consequence), level=1))
    out += [line("extended ", [*dated(x.from_date), Span(" -> ")] if x.from_date else "to ", dated(x.to_date),
                 [Span(" by "), *names.spans(x.by)] if x.by else None, " (", dated(x.occurred, x.uncertain), ")",
                 [Span(": "), data(x.reason)] if x.reason else None, level=1)
            for x in d.extensions]
    if d.note:
        out.append(line(data(d.note), level=1))
    return out


def _next_deadline(s: TrackState, names: Names) -> list[Line]:
    d = s.next_deadline
    if d is None:
        return []
    return [line(subject(d.title), ", due ", dated(d.due),
                 f" (extended {len(d.extensions)}×)" if d.extensions else None, _claim(d.claim_status))]


def _deadlines(s: TrackState, names: Names) -> list[Line]:
    return [ln for d in s.deadlines for ln in _deadline(d, names)]


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
    Section("next_deadline", "Next deadline", _next_deadline, inline=True),
    Section("parties", "At the table", _parties, empty="nobody yet"),
    Section("delegations", "Negotiators", _delegations),
    Section("left", "Left the table", _left),
    Section("excluded", "Excluded", _excluded, empty="nobody"),
    Section("seat_demands", "Demanding a seat", _seat_demands, empty="nobody"),
    Section("mediators", "Mediators and hosts", _mediators, empty="nobody"),
    Section("observers", "Observers", _observers),
    Section("agenda", "Agenda", _agenda, empty="not set"),
    Section("stances", "Stances", _stances),
    Section("contradictions", "Contradictions", _contradictions),
    Section("red_lines", "Red lines and preconditions", _red_lines),
    Section("proposals", "Proposals", _proposals),
    Section("agreements", "Agreements", _agreements),
    Section("ceasefires", "Ceasefires", _ceasefires),
    Section("sanctions", "Sanctions", _sanctions),
    Section("upcoming", "Upcoming meetings", _upcoming),
    Section("meetings", "Meetings", _meetings),
    Section("deadlines", "Deadlines", _deadlines),
    Section("denied", "Denied claims", _denied),
    Section("uncertain", "Uncertain dates", _uncertain),
)


# The facts whose lines say their support ('· 2 sources (B2)'): who sits at the table, who demands
# a seat, who holds which stance or red line, what was agreed. Every other fact says only its claim
# status when its events are not confirmed (`backed`); `why` gives the support of any fact.
SUPPORT_SHOWN = frozenset({"parties", "seat_demands", "stances", "red_lines", "agreements"})


class Backs(Protocol):
    """What stands behind a fact (projections.grades.Backing): its support as text, its claim status."""

    @property
    def claim_status(self) -> str: ...

    def __str__(self) -> str: ...


def backed_by(backing: Mapping[tuple[str, ...], Backs] | None) -> Callable[[str, Sourced], Backs | None] | None:
    """The lookup `sections` takes, from what Tracker.backing gives: what stands behind a field's fact."""
    if backing is None:
        return None
    return lambda field, item: backing.get(fact_key(field, item))


def sections(state: TrackState, names: Names,
             backing: Callable[[str, Sourced], Backs | None] | None = None) -> list[tuple[Section, list[Line]]]:
    """The sections to show for `state`, in order, each with its lines: what every view iterates,
    so all of them show the same sections in the same order. With `backing` (what stands behind
    the fact a field of the state holds: Tracker.backing), each line that lists a fact says it (`backed`)."""
    out: list[tuple[Section, list[Line]]] = []
    for section in SECTIONS:
        lines = section.lines(state, names)
        if backing is not None:
            lines = [backed(ln, str(b) if ln.about[0] in SUPPORT_SHOWN else "", b.claim_status)
                     if ln.about and (b := backing(*ln.about)) is not None else ln for ln in lines]
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

"""tracker.present: the one definition of a track's sections, the shared names and date label,
and the Markdown escaping the brief relies on."""

from __future__ import annotations

import ast
import html
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from events.occurred import Occurred
from projections.state import (
    ActorInfo,
    Agreement,
    Commitment,
    Participant,
    Stance,
    TrackState,
)
from tracker import present
from tracker.present import (
    SECTIONS,
    UNCERTAIN_MARK,
    Names,
    markdown_escape,
    markdown_line,
    sections,
    when,
)

ROOT = Path(__file__).resolve().parents[2]
DAY = Occurred.day(date(2025, 2, 18))
SPAN = Occurred.between(date(2025, 2, 17), date(2025, 2, 18))
NAMES = Names([ActorInfo(id="usa", name="United States", kind="state"),
               ActorInfo(id="rus", name="Russia", kind="state"),
               ActorInfo(id="lavrov", name="Sergei Lavrov", kind="person")])
HOSTILE = "[click me](http://evil.example) <script>alert(1)</script>"


def rendered(markdown: str) -> str:
    """Markdown as GitHub-flavoured renderers make it: HTML (raw HTML allowed, URLs linkified)."""
    return MarkdownIt("gfm-like").render(markdown)


def shown_text(markdown_item: str) -> str:
    """The text a reader sees for `- ITEM`: the HTML of the list item, unescaped."""
    out = rendered(f"- {markdown_item}")
    match = re.fullmatch(r"<ul>\n<li>(.*)</li>\n</ul>\n", out, re.DOTALL)
    assert match, out
    return html.unescape(match.group(1))


# -- the layer -----------------------------------------------------------------------------------
def test_present_imports_only_events_projections_and_the_standard_library() -> None:
    tree = ast.parse((ROOT / "tracker" / "present.py").read_text(encoding="utf-8"))
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    allowed = ("events", "projections.state", "projections.moment", "projections.grades")
    wrong = [m for m in modules if m.split(".")[0] not in sys.stdlib_module_names and m != "__future__"
             and not any(m == a or m.startswith(a + ".") for a in allowed)]
    assert not wrong


# -- the definition ------------------------------------------------------------------------------
def test_the_sections_in_their_order() -> None:
    assert [s.title for s in SECTIONS] == [
        "Status", "Trend", "Last activity", "Next deadline", "At the table", "Negotiators", "Left the table",
        "Excluded", "Demanding a seat", "Mediators and hosts", "Observers", "Agenda", "Stances",
        "Contradictions", "Red lines and preconditions", "Proposals", "Agreements", "Ceasefires", "Sanctions",
        "Upcoming meetings", "Meetings", "Deadlines", "Denied claims", "Uncertain dates",
    ]
    assert len({s.key for s in SECTIONS}) == len(SECTIONS)


def test_a_bare_track_shows_its_headline_and_says_who_is_not_there() -> None:
    state = TrackState(track="t", title="T")
    shown = {s.key: [ln.text for ln in lines] for s, lines in sections(state, NAMES)}
    assert list(shown) == ["status", "trend", "activity", "parties", "excluded", "seat_demands",
                           "mediators", "agenda"]
    assert shown["parties"] == ["nobody yet"] and shown["status"] == ["exploratory"]
    assert shown["activity"] == ["no date; 0 events in the log"]


def test_an_agreement_counts_its_commitments_done_and_broken() -> None:
    agreement = Agreement(agreement="a", title="Riyadh understandings", parties=("usa", "rus"), occurred=DAY,
                          commitments=(Commitment(id="x", text="Restore embassies", progress="done"),
                                       Commitment(id="y", text="Regular consultations", progress="broken")))
    state = TrackState(track="t", title="T", agreements=(agreement,))
    [(_, lines)] = [(s, ln) for s, ln in sections(state, NAMES) if s.key == "agreements"]
    assert [ln.text for ln in lines] == [
        "Riyadh understandings (United States, Russia) 18 Feb 2025 - 2 commitments: 1 done, 0 partial, 1 broken (y)",
        "[done] Restore embassies",
        "[broken] Regular consultations",
    ]
    assert [ln.level for ln in lines] == [0, 1, 1]


def test_stances_are_grouped_by_issue_with_the_speaker_by_surname() -> None:
    state = TrackState(track="t", title="T", stances=(
        Stance(actor="rus", issue="peacekeepers", stance="opposes", speaker="lavrov", quote="no", occurred=DAY,
               claim_status="reported"),))
    [lines] = [ln for s, ln in sections(state, NAMES) if s.key == "stances"]
    assert [(ln.level, ln.text) for ln in lines] == [
        (0, "peacekeepers:"), (1, "Russia (Lavrov): opposes [REPORTED] \u201cno\u201d 18 Feb 2025")]


# -- names and dates -----------------------------------------------------------------------------
def test_names_from_descriptions_or_a_mapping() -> None:
    assert NAMES("lavrov") == "Sergei Lavrov" and NAMES.short("lavrov") == "Lavrov"
    assert NAMES.short("usa") == "United States"  # only people go by surname
    assert NAMES("nobody-described") == "nobody-described"
    assert NAMES.many(["usa", "rus"]) == "United States, Russia" and NAMES.many([], empty="—") == "—"
    plain = Names({"usa": "United States"})
    assert plain("usa") == "United States" and plain.short("usa") == "United States"


def test_one_date_label_with_one_uncertain_mark() -> None:
    assert when(DAY) == "18 Feb 2025"
    assert when(SPAN, uncertain=True) == UNCERTAIN_MARK + "17–18 Feb 2025" == "~17–18 Feb 2025"
    assert when(None) == "no date"
    state = TrackState(track="t", title="T", uncertain_count=2, as_of=date(2025, 2, 17), parties=(
        Participant(actor="usa", occurred=SPAN, uncertain=True),))
    shown = {s.key: [ln.text for ln in lines] for s, lines in sections(state, NAMES)}
    assert shown["parties"] == ["United States, last ~17–18 Feb 2025"]
    assert shown["uncertain"][0].startswith("~ marks 2 facts with an imprecise date that may fall after 17 Feb 2025")


# -- Markdown ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    HOSTILE,
    "**bold** _em_ `code` ~~gone~~ ~x~",
    "# heading", "- item", "+ item", "1. item", "12) item", "> quote", "---",
    "a | b | c", "![img](http://evil.example/x.png)", "[ref]: http://evil.example",
    "<b>bold</b> &amp; &lt; <!-- c -->", "\\[still text\\]", "http://evil.example //evil.example",
    "$x$", "european-security-architecture",
])
def test_escaped_text_shows_as_itself(text: str) -> None:
    assert shown_text(markdown_escape(text)) == text


def test_an_injected_link_or_tag_is_inert() -> None:
    out = rendered(f"- **At the table:** {markdown_escape(HOSTILE)}")
    assert "<a " not in out and "<script" not in out
    assert html.unescape(out).count(HOSTILE) == 1


def test_a_line_break_cannot_open_a_block() -> None:
    assert shown_text(markdown_escape("Russia\n# Owned\n[x]: http://evil.example")) == \
        "Russia # Owned [x]: http://evil.example"


def test_markdown_escape_keeps_common_text_readable() -> None:
    # Hyphens, full stops and ': ' are inert where they stand inside a text.
    assert markdown_escape("european-security: talks resume. 2025") == "european-security: talks resume. 2025"
    assert markdown_escape("<&>") == "&lt;&amp;&gt;"


def test_a_line_escapes_the_log_and_keeps_our_words() -> None:
    ln = present.line(present.subject(HOSTILE), " (", NAMES.spans(["lavrov"], short=True), "), last ",
                      present.dated(SPAN, uncertain=True))
    md = markdown_line(ln)
    assert md.endswith(" (Lavrov), last ~17–18 Feb 2025")
    assert shown_text(md) == f"{HOSTILE} (Lavrov), last ~17–18 Feb 2025"


def test_why_finds_a_fact_by_its_field_and_leading_values(demo_db: Path) -> None:
    from projections.provenance import UnknownFact, sources_of
    from tracker.service import Tracker

    with Tracker.open(demo_db) as tracker:
        state = tracker.track("ukraine-settlement")
    assert state is not None
    what, ids = sources_of(state, ["stances", "rus", "european-peacekeepers"])
    stance = state.stance("rus", "european-peacekeepers")
    assert what == "stances rus european-peacekeepers" and stance is not None and ids == stance.event_ids
    assert set(sources_of(state, ["stances rus"])[1]) == {i for s in state.stances if s.actor == "rus" for i in s.event_ids}
    assert sources_of(state, ["parties", "usa"])[1] == next(p for p in state.parties if p.actor == "usa").event_ids
    assert sources_of(state, ["status"])[1] == state.status_event_ids
    with pytest.raises(UnknownFact, match=r"unknown field 'nonsense'; try one of: .*seat_demands"):
        sources_of(state, ["nonsense"])
    with pytest.raises(UnknownFact, match="no parties 'xyz'"):
        sources_of(state, ["parties", "xyz"])

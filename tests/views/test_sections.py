"""`tracker status`, `tracker brief` and the TUI's track overview show a track through the one
definition in tracker.present: the same sections in the same order, the same words, the same
uncertain-date mark; and in the brief, text from the log cannot turn into Markdown."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from markdown_it import MarkdownIt

from events import EVENT_ADAPTER, new_id
from tracker.cli import cli
from tracker.present import SECTIONS, UNCERTAIN_MARK
from tracker.service import Tracker
from tui.app import TrackerApp
from tui_helpers import async_test, settle

TRACK = "ukraine-settlement"
TITLE = "Ukraine war settlement"
TITLES = [s.title for s in SECTIONS]
TALL = (160, 400)  # the whole overview on screen, no scrolling
HOSTILE = "[click me](http://evil.example) <script>alert(1)</script>"


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def status_titles(out: str) -> list[str]:
    """Section titles in `tracker status TRACK`: 'Title: value' lines, then blocks under a title."""
    found = []
    for ln in out.splitlines()[1:]:
        if ln and not ln.startswith(" "):
            head = ln.split(": ", 1)[0] if ": " in ln else ln
            found += [head] if head in TITLES else []
    return found


def brief_of(out: str, title: str) -> str:
    """One track's part of `tracker brief`."""
    return out.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def brief_titles(part: str) -> list[str]:
    return re.findall(r"^- \*\*(.+?):\*\*", part, re.MULTILINE)


async def overview(db: Path, as_of: date | None = None) -> list[str]:
    """The track overview's pane, line by line, as the terminal shows it."""
    app = TrackerApp(db, poll=False, verify=False, isolate=False)
    async with app.run_test(size=TALL) as pilot:
        await settle(pilot)
        if as_of is not None:
            app.travel_to(as_of)
            await settle(pilot)
        await app.open_track(TRACK)
        await settle(pilot)
        pane = app.screen.query_one("#overview-scroll").region
        strips = app.screen._compositor.render_strips()
        return [strip.text[pane.x:pane.right].rstrip() for strip in strips[pane.y:pane.bottom]]


def flat(lines: list[str]) -> str:
    """The overview's text with wrapped lines joined and runs of spaces made one."""
    return " ".join(" ".join(lines).split())


def overview_titles(lines: list[str]) -> list[str]:
    """The titles in the overview's first column (the grid puts a title at the start of its row)."""
    found = []
    for ln in lines:
        head = ln.strip().split("  ", 1)[0]
        if ln[:1] == " " and ln[1:2] != " " and head in TITLES:
            found.append(head)
    return found


def log(db: Path, **body: object) -> None:
    tracker = Tracker.open(db)
    try:
        tracker.log(EVENT_ADAPTER.validate_python({
            "id": new_id(), "tracks": [TRACK], "sources": [{"outlet": "Test"}], **body}))
    finally:
        tracker.close()


@async_test
async def test_the_three_views_show_the_same_sections_in_the_same_order(demo_db: Path) -> None:
    # Now: Riyadh's agreement and proposals; on 17 Feb: the note on uncertain dates instead.
    for as_of, including in ((None, {"Proposals", "Agreements", "Excluded"}), (date(2025, 2, 17), {"Uncertain dates"})):
        moment = ["--as-of", as_of.isoformat()] if as_of else []
        cli_titles = status_titles(run(demo_db, "status", TRACK, *moment))
        md_titles = brief_titles(brief_of(run(demo_db, "brief", *moment), TITLE))
        tui_titles = overview_titles(await overview(demo_db, as_of))
        assert cli_titles == md_titles == tui_titles, as_of
        assert cli_titles == [t for t in TITLES if t in cli_titles]  # the definition's order
        assert {"Status", "Trend", "Last activity", "At the table", "Stances", "Meetings"} | including <= set(cli_titles)


@async_test
async def test_the_uncertain_mark_is_the_same_in_every_view(demo_db: Path) -> None:
    # Kellogg met von der Leyen on 17 or 18 Feb: seen from 17 Feb, the meeting may not have happened.
    maybe = f"{UNCERTAIN_MARK}17–18 Feb 2025"
    status = run(demo_db, "status", TRACK, "--as-of", "2025-02-17")
    brief = brief_of(run(demo_db, "brief", "--as-of", "2025-02-17"), TITLE)
    tui = flat(await overview(demo_db, date(2025, 2, 17)))
    note = re.search(rf"{UNCERTAIN_MARK} marks \d+ facts with an imprecise date that may fall after 17 Feb 2025", status)
    assert note
    for view in (status, brief, tui):
        assert f"Kellogg–von der Leyen meeting: held {maybe}" in view
        assert note.group(0) in view
        assert "(may be later)" not in view and "c. 17" not in view
    # A mark that follows a space or '(' can never close a GFM strikethrough ('~' from the log is escaped).
    assert not re.search(r"(?<![\s(\\])~", brief)


@async_test
async def test_a_markdown_injection_in_an_actor_name_is_inert(demo_db: Path) -> None:
    log(demo_db, type="actor_described", occurred={"earliest": "2025-02-12", "latest": "2025-02-12", "precision": "day"},
        actors=["usa"], summary="renamed", actor="usa", name=HOSTILE, kind="state")
    # (Kellogg met von der Leyen in a consultation, not in talks: he is no delegate at this table.)
    brief = run(demo_db, "brief")
    page = MarkdownIt("gfm-like").render(brief)
    assert "<script" not in page and "<a " not in page
    assert f"{HOSTILE} (Rubio, Waltz, Witkoff), last 18 Feb 2025" in html.unescape(page)
    # The other views show the name as it is, never as markup.
    assert f"{HOSTILE} (Rubio, Waltz, Witkoff), last 18 Feb 2025" in run(demo_db, "status", TRACK)
    assert f"{HOSTILE} (Rubio, Waltz, Witkoff), last 18 Feb 2025" in flat(await overview(demo_db))


@async_test
async def test_broken_commitments_are_counted_in_every_view(demo_db: Path) -> None:
    for commitment, progress in (("restore-embassies", "done"), ("regular-ukraine-consultations", "broken")):
        log(demo_db, type="commitment_progress", occurred={"earliest": "2025-02-20", "latest": "2025-02-20",
                                                            "precision": "day"},
            summary=f"{commitment}: {progress}", agreement="riyadh-understandings", commitment=commitment,
            progress=progress)
    tally = "Riyadh understandings between the US and Russia (United States, Russia) 18 Feb 2025 - 8 commitments: 1 done, 0 partial, 1 broken (regular-ukraine-consultations)"
    assert tally in run(demo_db, "status", TRACK)
    assert tally in html.unescape(MarkdownIt("gfm-like").render(brief_of(run(demo_db, "brief"), TITLE)))
    assert tally in flat(await overview(demo_db))

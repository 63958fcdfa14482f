"""`tracker digest`: the morning note across every track (Tracker.digest), as Markdown or text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as TimeOfDay

import click

from projections.moment import Moment
from projections.state import Deadline, Meeting
from tracker.cli.common import Context, handle_errors, moment_options, parse_day, parse_moment, say
from tracker.cli.records import known_tracks
from tracker.present import (
    Line,
    Names,
    data,
    day,
    deadline_line,
    line,
    markdown_escape,
    markdown_line,
    meeting_line,
    plural,
)
from tracker.service import Digest, EventRow, claim_mark


def item_line(item: Meeting | Deadline, names: Names) -> Line:
    return meeting_line(item, names) if isinstance(item, Meeting) else deadline_line(item, names)


def logged_line(row: EventRow) -> Line:
    e = row.event
    mark = " [retracted]" if row.retracted else claim_mark(row.claim_status)
    return line(f"{e.occurred.label()}  {e.type.replace('_', ' ')}: ", data(e.summary),
                f"{mark}  (#{row.position}, logged by ", data(row.recorded_by), ")")


def render(digest: Digest, names: Names, markdown: bool, moment: Moment = Moment()) -> str:
    """The digest as Markdown (every string from the log escaped: no link, tag or heading can come
    from it) or as plain text; its head says the moment when it is not now."""
    text: Callable[[Line], str] = markdown_line if markdown else (lambda ln: ln.text)
    esc: Callable[[str], str] = markdown_escape if markdown else (lambda s: s)
    since = digest.since.strftime("%d %b %Y %H:%M UTC").lstrip("0")
    head = f"Digest: logged since {since} ({moment.label() if moment else f'today {day(digest.today)}'})"
    out = [f"# {head}" if markdown else head, ""]
    if not digest.tracks:
        out.append("Nothing logged since then, nothing coming up in the next "
                   f"{plural(digest.horizon_days, 'day')}, nothing overdue.")
    for t in digest.tracks:
        title = f"{esc(t.title)} ({esc(t.track)})"
        out += [f"## {title}" if markdown else title, ""]
        parts: list[tuple[str, list[str]]] = [
            (f"Logged since ({plural(len(t.logged), 'event')})", [text(logged_line(r)) for r in t.logged]),
            ("What changed", [f"{esc(c.description)}{claim_mark(c.claim_status)}" for c in t.changes.changes]),
            (f"Coming up (next {plural(digest.horizon_days, 'day')})", [text(item_line(x, names)) for x in t.coming]),
            ("Date passed, no outcome logged", [text(item_line(x, names)) for x in t.overdue]),
        ]
        for heading, items in parts:
            if items:
                out.append(f"**{heading}**" if markdown else heading)
                out += [f"- {i}" for i in items]
                out.append("")
    return "\n".join(out).rstrip() + "\n"


@click.command(short_help="The morning note: what was logged since, what changed, what is coming.")
@click.option("--since", required=True, metavar="DATE",
              help="What was logged from the start of DATE on ('yesterday', '17 Feb 2025').")
@click.option("--track", "tracks", multiple=True, help="Only these tracks. Repeatable.")
@click.option("--days", type=click.IntRange(min=0), default=7, show_default=True,
              help="How far ahead to look for meetings and deadlines.")
@click.option("--text", "as_text", is_flag=True, help="Plain text rather than Markdown.")
@moment_options
@click.pass_obj
@handle_errors
def digest(ctx: Context, since: str, tracks: tuple[str, ...], days: int, as_text: bool, as_of: str | None,
           known_at: str | None) -> None:
    """Across every track: the events logged since DATE (by when they were logged), what changed in
    each track's state from as known then to now, the meetings and deadlines of the next --days
    days, and those whose date passed with no outcome logged. Markdown by default, every string
    from the log escaped.

    With --known-at, the note as it would have read at the end of that day: logged since DATE and
    by then, the change up to then. With --as-of, only what had happened by that day, and the
    coming --days counted from it."""
    first = parse_day(since, "--since", "from")
    assert first is not None  # required
    moment = parse_moment(as_of, known_at)
    start = datetime.combine(first, TimeOfDay.min, tzinfo=UTC)
    if moment.known_at is not None and start > moment.known_at:
        raise click.BadParameter(f"--since {since!r} (from {first.isoformat()}) is after --known-at {known_at!r} "
                                 f"(the end of {moment.known_at.date().isoformat()}): nothing can have been "
                                 "logged between them; swap them", param_hint=["--since", "--known-at"])
    tracker = ctx.existing()
    known_tracks(tracker, tracks)
    found = tracker.digest(start, moment=moment, horizon_days=days, tracks=tracks)
    say(render(found, Names(tracker.actors()), markdown=not as_text, moment=moment).rstrip("\n"))


COMMANDS = [digest]

"""Commands that show projected state: status, timeline, diff, why, brief, rebuild.

Every date option takes the same words as `tracker log` ('18 Feb 2025', 'yesterday', 'last week'),
with one meaning per option (events.dates.bound_day): --from the phrase's first day, --to and
--as-of its last day, --known-at the end of its last day (UTC).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import click

from projections.moment import Moment
from projections.state import TimelineEntry, TrackState, sourced_fields
from tracker.cli.common import (
    Context,
    emit_json,
    handle_errors,
    moment_options,
    parse_day,
    parse_known_at,
    parse_moment,
    parse_range,
    say,
    to_json,
)
from tracker.present import (
    Names,
    backed_by,
    columns,
    markdown_escape,
    markdown_line,
    plural,
    quoted,
    sections,
    when,
)
from tracker.service import (
    RELIABILITY,
    Backing,
    Provenance,
    Tracker,
    UnknownFact,
    UnknownField,
    claim_mark,
    fact_key,
)
from tracker.textsafe import printable


# -- status -------------------------------------------------------------------------------------
def status_lines(state: TrackState, names: Names, backing: Mapping[tuple[str, ...], Backing] | None = None) -> list[str]:
    """A track's state as text, section by section (tracker.present), each fact listed with what
    stands behind it if `backing` is given (Tracker.backing); every data string passes through
    `say` when printed."""
    out = [f"{state.title}  [{state.track}]  {state.moment}"]
    if state.description:
        out.append(state.description)
    for section, lines in sections(state, names, backed_by(backing)):
        if section.inline:
            out.append(f"{section.title}: " + "; ".join(ln.text for ln in lines))
        else:
            out += ["", section.title, *("  " * (ln.level + 1) + ln.text for ln in lines)]
    return out


SUMMARY_HEADINGS = ("track", "status", "since", "trend", "last activity", "next meeting")


def summary_row(state: TrackState) -> list[str]:
    """A track's line of `tracker status`, a value per column of SUMMARY_HEADINGS."""
    nxt = state.next_meeting
    return [state.track, state.status + claim_mark(state.status_claim), when(state.status_since) if state.status_since else "-",
            state.trend.direction, when(state.last_activity) if state.last_activity else "-",
            f"{nxt.title} {when(nxt.planned)}" if nxt else ""]


def table(rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    """Rows as lines with their columns lined up (tracker.present.columns), each value made safe
    first: an escape shown for a control character takes the room it is shown in."""
    return columns([[printable(v, single_line=True) for v in row] for row in rows], align)


def summary_lines(states: Sequence[TrackState]) -> list[str]:
    """The list of tracks, under its headings; every column as wide as its longest value."""
    return table([SUMMARY_HEADINGS, *(summary_row(s) for s in states)])


@click.command(short_help="Where TRACK (or every track) stands, at any date.")
@click.argument("track", required=False)
@moment_options
@click.option("--min-grade", type=click.Choice(list(RELIABILITY)),
              help="Only facts backed by a source from an outlet graded this well or better "
                   "('tracker log source-graded'); needs TRACK.")
@click.option("--json", "as_json", is_flag=True, help="The projected state as JSON.")
@click.pass_obj
@handle_errors
def status(ctx: Context, track: str | None, as_of: str | None, known_at: str | None, min_grade: str | None,
           as_json: bool) -> None:
    """The state of TRACK (or a line per track), now or as it stood / as we knew it then."""
    tracker = ctx.existing()
    moment = parse_moment(as_of, known_at)
    if min_grade and track is None:
        raise click.UsageError("--min-grade needs a TRACK: it filters the facts of one track")
    if track is None:
        states = tracker.tracks(moment)
        if as_json:
            emit_json(states)
            return
        if not states:
            say(f"no tracks ({moment.label()})")
            return
        say(f"{plural(len(states), 'track')}, {moment.label()}")
        for line in summary_lines(states):
            say(line)
        return
    state = tracker.track(track, moment, min_grade=min_grade)
    if state is None:
        raise click.ClickException(f"nothing is known about track {track!r} ({moment.label()})")
    backing = tracker.backing(state, moment)
    if as_json:
        emit_json({**to_json(state), "backing": backing_json(state, backing)})
        return
    if min_grade:
        say(f"Only facts backed by a source graded {min_grade} or better ({RELIABILITY[min_grade]})")
    for line in status_lines(state, Names(tracker.actors()), backing):
        say(line)


def backing_json(state: TrackState, backing: Mapping[tuple[str, ...], Backing]) -> list[dict[str, object]]:
    """What stands behind each sourced fact, for --json: the fact's field and event ids, its
    support and the firmest claim status of its events (which a party or an exclusion, say, does
    not carry itself)."""
    out: list[dict[str, object]] = []
    for name, (_, items) in sourced_fields(state).items():
        for item in items:
            b = backing.get(fact_key(name, item))
            if b is not None:
                out.append({"field": name, "event_ids": list(item.event_ids), "claim_status": b.claim_status,
                            "support": {"sources": b.support.sources, "independent": b.support.independent,
                                        "grades": list(b.support.grades), "text": str(b.support)}})
    return out


def backings(tracker: Tracker, states: Sequence[TrackState], moment: Moment) -> dict[tuple[str, ...], Backing]:
    """What stands behind the facts of several tracks (Tracker.backing, track by track)."""
    out: dict[tuple[str, ...], Backing] = {}
    for s in states:
        out.update(tracker.backing(s, moment))
    return out


# -- timeline -----------------------------------------------------------------------------------
def timeline_row(e: TimelineEntry) -> list[str]:
    # '[corrected]' as `tracker events` marks it: one word for one mark in every list of events.
    status = f" [{e.claim_status}]" if e.claim_status != "confirmed" else ""
    mark = "[corrected] " if e.corrected else ""
    return [("~" if e.uncertain else " ") + e.occurred.label(), e.type, mark + e.summary + status]


@click.command(short_help="What happened, in the order it happened.")
@click.argument("track", required=False)
@click.option("--from", "date_from", metavar="DATE",
              help="Events that may have happened on or after DATE (its first day).")
@click.option("--to", "date_to", metavar="DATE",
              help="Events that may have happened on or before DATE (its last day).")
@moment_options
@click.option("--limit", type=click.IntRange(min=0), default=200, show_default=True, help="Show the latest N (0: all).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def timeline(ctx: Context, track: str | None, date_from: str | None, date_to: str | None, as_of: str | None,
             known_at: str | None, limit: int, as_json: bool) -> None:
    """What happened on TRACK (or everywhere), in the order it happened.

    By occurred date, then log order. Imprecise dates sort at their first possible day and keep
    their interval ('week of 10 Feb 2025'); '~' marks those that may lie after --as-of, and
    '[corrected]' events shown in their corrected form.
    """
    moment = parse_moment(as_of, known_at)
    start, end = parse_range(date_from, date_to)
    tracker = ctx.existing()
    entries = tracker.timeline(track, moment, start, end, limit or None)
    # Cut at the limit, it says so as `events` does.
    total = tracker.timeline_total(track, moment, start, end) if limit and len(entries) >= limit else len(entries)
    cut = f"({len(entries)} of {plural(total, 'entry', 'entries')} shown; --limit 0 shows all)" if len(entries) < total else ""
    if as_json:
        emit_json(entries)
        if cut:
            click.echo(cut, err=True)  # the JSON on stdout stays a plain list
        return
    if not entries:
        say(f"no events ({moment.label()})")
        return
    for line in table([timeline_row(e) for e in entries]):
        say(line)
    if cut:
        say(cut)


# -- diff ---------------------------------------------------------------------------------------
@click.command(short_help="What changed on TRACK between two dates.")
@click.argument("track")
@click.argument("d1")
@click.argument("d2")
@click.option("--known-at", metavar="DATE", help="Compare as we knew both dates at the end of DATE.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def diff(ctx: Context, track: str, d1: str, d2: str, known_at: str | None, as_json: bool) -> None:
    """What changed on TRACK between D1 and D2: parties, stances, status, meetings, proposals."""
    k = parse_known_at(known_at)
    m1, m2 = Moment(parse_day(d1, "D1", "as_of"), k), Moment(parse_day(d2, "D2", "as_of"), k)
    result = ctx.existing().diff(track, m1, m2)
    if as_json:
        emit_json(result)
        return
    say(f"{track}: {result.before} -> {result.after}")
    if not result.changes:
        say("  no changes")
    for c in result.changes:
        say(f"  {c.kind:<20} {c.description}{claim_mark(c.claim_status)}")


# -- why ----------------------------------------------------------------------------------------
ROLE_WIDTH = len("corroborates")  # the widest role (projections.provenance.Role)
QUOTE_CHARS = 240  # a source's quote is shortened beyond this: `why` lists many


def shortened(text: str, limit: int = QUOTE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def why_lines(result: Provenance) -> list[str]:
    """Each event behind the fact by date then position: its role, date, position, type, id and
    claim status, its summary, then each source (outlet, via, published, link, grade, quote)."""
    counts = Counter(x.role for x in result.entries)
    roles = ", ".join(f"{n} {role}" for role in ("sets", "corroborates", "superseded", "bears on") if (n := counts[role]))
    said = f" ({roles})" if roles else ""
    out = [(f"{result.track} {result.fact} ({result.moment}): {plural(len(result.entries), 'event')}{said}; "
            f"support: {result.support}")]
    for entry in result.entries:
        e = entry.event
        target = getattr(e, "target", None)
        bears = f"  (on {target})" if entry.role == "bears on" and target else ""
        flags = " [corrected]" if entry.corrected else ""
        out.append(f"- {entry.role:<{ROLE_WIDTH}} {e.occurred.label()}  #{entry.position} {e.type} {e.id} "
                   f"[{entry.claim_status}]{flags}{bears}  logged by {entry.recorded_by}")
        out.append(f"    {e.summary}")
        for src, grade in zip(e.sources, entry.grades or [""] * len(e.sources), strict=True):
            bits = [src.outlet] + ([f"via {src.via}"] if src.via else []) + ([str(src.published)] if src.published else [])
            out.append(f"    source: {', '.join(bits)}" + (f" <{src.url}>" if src.url else "")
                       + (f" [{grade}]" if grade else ""))
            if src.quote:
                out.append(f"      {quoted(shortened(src.quote))}")
    return out


@click.command(short_help="The events and sources behind a fact.")
@click.argument("track")
@click.argument("field", nargs=-1, required=True)
@moment_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def why(ctx: Context, track: str, field: tuple[str, ...], as_of: str | None, known_at: str | None, as_json: bool) -> None:
    """Every event behind a fact, by date: tracker why ukraine-settlement stances rus european-peacekeepers.

    Each is marked: 'sets' (the state names it for the fact), 'corroborates' (an earlier event
    that said the same: another seat of the side, the same stance again), 'superseded' (an
    earlier event that said otherwise: an earlier, different stance) or 'bears on' (a
    correction, retraction or claim status change of one of them). Retracted events are left out.
    """
    tracker = ctx.existing()
    moment = parse_moment(as_of, known_at)
    try:
        result = tracker.provenance(track, field, moment)
    except UnknownField as exc:
        raise click.BadParameter(str(exc), param_hint="FIELD") from None
    except UnknownFact as exc:
        raise click.ClickException(str(exc)) from None
    if result is None:
        raise click.ClickException(f"nothing is known about track {track!r} ({moment.label()})")
    if as_json:
        backing = result.support
        emit_json({"field": result.fact, "moment": result.moment, "event_ids": list(result.event_ids),
                   "support": {"sources": backing.sources, "independent": backing.independent,
                               "grades": list(backing.grades), "text": str(backing)},
                   "events": [{"role": x.role, "position": x.position, **x.event.model_dump(mode="json"),
                               "claim_status": x.claim_status, "corrected": x.corrected,
                               "source_grades": list(x.grades), "recorded_by": x.recorded_by}
                              for x in result.entries]})
        return
    for line in why_lines(result):
        say(line)


# -- brief --------------------------------------------------------------------------------------
def brief_markdown(states: Sequence[TrackState], names: Names, moment: Moment,
                   backing: Mapping[tuple[str, ...], Backing] | None = None) -> str:
    """Every track, section by section (tracker.present), as Markdown. Text from the log is
    escaped (markdown_escape): a name or summary can never become a link, a tag or a heading."""
    lines = [f"# Negotiations briefing ({moment.label()})", ""]
    if not states:
        lines.append("Nothing is known yet.")
    for s in states:
        lines += [f"## {markdown_escape(s.title)}", ""]
        if s.description:
            lines += [f"*{markdown_escape(s.description)}*", ""]
        for section, body in sections(s, names, backed_by(backing)):
            if section.inline:
                lines.append(f"- **{section.title}:** " + "; ".join(markdown_line(ln) for ln in body))
            else:
                lines.append(f"- **{section.title}:**")
                lines += [f"{'  ' * (ln.level + 1)}- {markdown_line(ln)}" for ln in body]
        lines.append("")
    return "\n".join(lines)


@click.command()
@moment_options
@click.option("--json", "as_json", is_flag=True, help="The full state of every track as JSON.")
@click.pass_obj
@handle_errors
def brief(ctx: Context, as_of: str | None, known_at: str | None, as_json: bool) -> None:
    """A Markdown briefing of every track."""
    tracker = ctx.existing()
    moment = parse_moment(as_of, known_at)
    states = tracker.tracks(moment, detail=True)
    backing = backings(tracker, states, moment)
    if as_json:
        emit_json([{**to_json(s), "backing": backing_json(s, backing)} for s in states])
        return
    say(brief_markdown(states, Names(tracker.actors()), moment, backing))


# -- rebuild ------------------------------------------------------------------------------------
@click.command(short_help="Recreate every read model from the log.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def rebuild(ctx: Context, as_json: bool) -> None:
    """Recreate every read model (folded state, indexes, snapshots) from the log."""
    report = ctx.tracker().rebuild()
    if as_json:
        emit_json({**report.__dict__, "seconds": round(report.seconds, 3)})
    else:
        say(f"rebuilt the read model from {plural(report.events, 'event')}: {plural(report.tracks, 'track')}, "
            f"{plural(report.snapshots, 'snapshot')} in {report.seconds:.2f} s")


COMMANDS = [status, timeline, diff, why, brief, rebuild]

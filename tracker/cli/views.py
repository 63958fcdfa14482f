"""Commands that show projected state: status, timeline, diff, why, brief, rebuild.

Every date option takes the same words as `tracker log` ('18 Feb 2025', 'yesterday', 'last week'),
with one meaning per option (events.dates.bound_day): --from the phrase's first day, --to and
--as-of its last day, --known-at the end of its last day (UTC).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import click

from events.occurred import Occurred
from projections.moment import Moment
from projections.state import ActorInfo, Meeting, Proposal, TimelineEntry, TrackState
from tracker.cli.common import (
    Context,
    emit_json,
    handle_errors,
    moment_options,
    parse_day,
    parse_known_at,
    parse_moment,
    say,
)


class Names:
    """Actor ids to display names: 'Russia', 'Lavrov'."""

    def __init__(self, infos: Iterable[ActorInfo]) -> None:
        self.infos = {a.id: a for a in infos}

    def __call__(self, actor: str) -> str:
        info = self.infos.get(actor)
        return info.name if info and info.name else actor

    def short(self, actor: str) -> str:
        info = self.infos.get(actor)
        if info and info.kind == "person":
            return info.name.split()[-1]
        return self(actor)

    def many(self, actors: Iterable[str]) -> str:
        return ", ".join(self(a) for a in actors)


def _when(occ: Occurred | None, uncertain: bool = False) -> str:
    if occ is None:
        return "no date"
    return ("~" if uncertain else "") + occ.label()


# -- status -------------------------------------------------------------------------------------
def _trend(state: TrackState) -> str:
    t = state.trend
    if t.window_end is None:
        return "trend unknown"
    return f"{t.direction} ({t.recent:+d} over {t.window_days} days to {t.window_end:%d %b}, before {t.previous:+d})"


def _meeting_line(m: Meeting, names: Names) -> str:
    if m.status == "held":
        text = f"{m.title}: held {_when(m.held, m.uncertain)}"
    elif m.status == "cancelled":
        text = f"{m.title}: cancelled" + (f" by {names.many(m.cancelled_by)}" if m.cancelled_by else "")
    elif m.status == "postponed":
        text = f"{m.title}: postponed to {_when(m.planned) if m.planned else 'no new date'}"
    else:
        text = f"{m.title}: scheduled for {_when(m.planned)}"
    history = [f"{_when(p.from_date)} -> {_when(p.to_date) if p.to_date else 'sine die'}"
               + (f" (by {names.many(p.by)}, {_when(p.occurred, p.uncertain)})" if p.by else f" ({_when(p.occurred, p.uncertain)})")
               for p in m.postponements]
    if history:
        text += "; postponed " + "; ".join(history)
    if m.date_passed:
        text += " - date passed, no outcome logged"
    if m.claim_status != "confirmed":
        text += f" [{m.claim_status}]"
    return text


def _proposal_line(p: Proposal, names: Names) -> list[str]:
    history = ", then ".join(
        f"{c.status}" + (f" by {names.many(c.by)}" if c.by and i else "") + f" {_when(c.occurred, c.uncertain)}"
        for i, c in enumerate(p.claim_history))
    lines = [f"{p.title} ({names.many(p.proposer)}): {p.claim_status.upper()} - {history}"]
    if p.stages:
        lines.append("    stages: " + "  ".join(f"{i}. {s}" for i, s in enumerate(p.stages, 1)))
    return lines


def status_lines(state: TrackState, names: Names) -> list[str]:
    """A track's state as text (every data string passes through `say` when printed)."""
    out = [f"{state.title}  [{state.track}]  {state.moment}"]
    since = f" since {_when(state.status_since)}" if state.status_since else ""
    out.append(f"Status: {state.status}{since}" + (f" - {state.status_reason}" if state.status_reason else "")
               + (f" [{state.status_claim}]" if state.status_claim != "confirmed" else ""))
    out.append(f"Trend: {_trend(state)}")
    out.append(f"Last activity: {_when(state.last_activity)}   Events: {state.event_count}")
    if state.description:
        out.append(state.description)

    def section(title: str, lines: Sequence[str]) -> None:
        if lines:
            out.append("")
            out.append(title)
            out.extend("  " + line for line in lines)

    section("At the table", [
        f"{names(p.actor)}" + (f" ({', '.join(names.short(d) for d in p.delegates)})" if p.delegates else "")
        + f", last {_when(p.occurred, p.uncertain)}" for p in state.parties])
    section("Excluded", [
        f"{names(x.actor)}" + (f" by {names.many(x.by)}" if x.by else "") + f" {_when(x.occurred, x.uncertain)}"
        + (f": {x.reason}" if x.reason else "") for x in state.excluded])
    section("Demanding a seat", [
        f"{names(d.claimant)} for {names.many(d.seat_for)} {_when(d.occurred, d.uncertain)}"
        + (f" [{d.claim_status}]" if d.claim_status != "confirmed" else "") for d in state.seat_demands])
    section("Mediators and hosts", [
        f"{names(m.actor)}: " + (f"offers to act as {m.role}" if m.offered else "hosted talks")
        + (f" ({m.venue})" if m.venue else "") + (f" between {names.many(m.between)}" if m.between else "")
        + f" {_when(m.occurred, m.uncertain)}" for m in state.mediators])
    section("Observers", [f"{names(o.actor)}, last heard {_when(o.occurred, o.uncertain)}" for o in state.observers])
    if state.agenda:
        section("Agenda", [", ".join(state.agenda)])
    stance_lines: list[str] = []
    issue = None
    for s in state.stances:
        if s.issue != issue:
            issue = s.issue
            stance_lines.append(f"{issue}:")
        who = names(s.actor) + (f" ({names.short(s.speaker)})" if s.speaker != s.actor else "")
        quote = f" \u201c{s.quote}\u201d" if s.quote else ""
        status = f" [{s.claim_status.upper()}]" if s.claim_status != "confirmed" else ""
        stance_lines.append(f"  {who}: {s.stance}{status}{quote} {_when(s.occurred, s.uncertain)}")
    section("Stances", stance_lines)
    proposal_lines: list[str] = []
    for p in state.proposals:
        proposal_lines.extend(_proposal_line(p, names))
    section("Proposals", proposal_lines)
    agreement_lines: list[str] = []
    for a in state.agreements:
        agreement_lines.append(f"{a.title} ({names.many(a.parties)}) {_when(a.occurred, a.uncertain)}"
                               + (f" [{a.claim_status}]" if a.claim_status != "confirmed" else ""))
        agreement_lines.extend(f"    [{c.progress}] {c.text}" for c in a.commitments)
    section("Agreements", agreement_lines)
    upcoming = [m for m in state.meetings if m.upcoming]
    past = [m for m in state.meetings if not m.upcoming]
    section("Upcoming meetings", [_meeting_line(m, names) for m in upcoming])
    section("Meetings", [_meeting_line(m, names) for m in past])
    section("Denied claims", [f"{d.summary} - denied" + (f" by {names.many(d.by)}" if d.by else "")
                              + f" {_when(d.occurred, d.uncertain)}" for d in state.denied])
    if state.uncertain_count:
        out.append("")
        out.append(f"~ {state.uncertain_count} fact(s) have imprecise dates that may fall after "
                   f"{state.as_of:%d %b %Y}: counted from their earliest possible day." if state.as_of else "")
    return out


def summary_line(state: TrackState) -> str:
    nxt = state.next_meeting
    upcoming = f"next: {nxt.title} {_when(nxt.planned)}" if nxt else ""
    since = f" since {_when(state.status_since)}" if state.status_since else ""
    return (f"{state.track:<28} {state.status:<11}{since:<26} {state.trend.direction:<13} "
            f"last {_when(state.last_activity):<24} {upcoming}")


@click.command(short_help="Where TRACK (or every track) stands, at any date.")
@click.argument("track", required=False)
@moment_options
@click.option("--json", "as_json", is_flag=True, help="The projected state as JSON.")
@click.pass_obj
@handle_errors
def status(ctx: Context, track: str | None, as_of: str | None, known_at: str | None, as_json: bool) -> None:
    """The state of TRACK (or a line per track), now or as it stood / as we knew it then."""
    tracker = ctx.existing()
    moment = parse_moment(as_of, known_at)
    if track is None:
        states = tracker.tracks(moment)
        if as_json:
            emit_json(states)
            return
        if not states:
            say(f"no tracks ({moment.label()})")
            return
        say(f"{len(states)} track(s), {moment.label()}")
        for s in states:
            say(summary_line(s))
        return
    state = tracker.track(track, moment)
    if state is None:
        raise click.ClickException(f"nothing is known about track {track!r} ({moment.label()})")
    if as_json:
        emit_json(state)
        return
    for line in status_lines(state, Names(tracker.actors())):
        say(line)


# -- timeline -----------------------------------------------------------------------------------
def timeline_line(e: TimelineEntry) -> str:
    flags = ("~" if e.uncertain else " ") + ("*" if e.corrected else " ")
    status = f" [{e.claim_status}]" if e.claim_status != "confirmed" else ""
    return f"{flags}{e.occurred.label():<24} {e.type:<22} {e.summary}{status}"


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
    their interval ('week of 10 Feb 2025'); '~' marks those that may lie after --as-of, '*' events
    shown as corrected.
    """
    moment = parse_moment(as_of, known_at)
    entries = ctx.existing().timeline(track, moment, parse_day(date_from, "--from", "from"),
                                      parse_day(date_to, "--to", "to"), limit or None)
    if as_json:
        emit_json(entries)
        return
    if not entries:
        say(f"no events ({moment.label()})")
        return
    for e in entries:
        say(timeline_line(e))


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
        say(f"  {c.kind:<20} {c.description}")


# -- why ----------------------------------------------------------------------------------------
def resolve_field(state: TrackState, path: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """(what, event ids) for a field path: 'status', 'parties usa', 'stances rus european-peacekeepers',
    'meetings ID', 'proposals ID', 'agreements ID', 'excluded ACTOR', 'seat_demands CLAIMANT',
    'mediators ACTOR', 'observers ACTOR', 'agenda', 'last_activity', 'denied'."""
    parts = [p for item in path for p in item.replace(".", " ").replace("/", " ").split()]
    if not parts:
        raise click.BadParameter("name a field, e.g. 'status' or 'stances rus european-peacekeepers'", param_hint="FIELD")
    head, rest = parts[0].replace("-", "_"), parts[1:]
    simple = {"status": state.status_event_ids, "status_since": state.status_event_ids, "title": state.status_event_ids,
              "agenda": state.agenda_event_ids, "last_activity": state.last_activity_event_ids}
    if head in simple and not rest:
        return head, simple[head]
    lists: dict[str, tuple[Any, str]] = {
        "parties": (state.parties, "actor"), "observers": (state.observers, "actor"),
        "mediators": (state.mediators, "actor"), "excluded": (state.excluded, "actor"),
        "seat_demands": (state.seat_demands, "claimant"), "meetings": (state.meetings, "meeting"),
        "proposals": (state.proposals, "proposal"), "agreements": (state.agreements, "agreement"),
        "denied": (state.denied, "target"),
    }
    if head == "stances":
        found = [s for s in state.stances if (not rest or s.actor == rest[0]) and (len(rest) < 2 or s.issue == rest[1])]
        if not found:
            raise click.ClickException(f"no stance {' '.join(rest)!r} on {state.track} ({state.moment})")
        return f"stances {' '.join(rest)}", tuple(i for s in found for i in s.event_ids)
    if head not in lists:
        raise click.BadParameter(f"unknown field {parts[0]!r}; try one of: "
                                 f"{', '.join([*simple, 'stances', *lists])}", param_hint="FIELD")
    items, attr = lists[head]
    chosen = [i for i in items if not rest or getattr(i, attr) == rest[0]]
    if not chosen:
        raise click.ClickException(f"no {head} {' '.join(rest)!r} on {state.track} ({state.moment})")
    return " ".join(parts), tuple(dict.fromkeys(i for item in chosen for i in item.event_ids))


@click.command(short_help="The events and sources behind a fact.")
@click.argument("track")
@click.argument("field", nargs=-1, required=True)
@moment_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def why(ctx: Context, track: str, field: tuple[str, ...], as_of: str | None, known_at: str | None, as_json: bool) -> None:
    """The events and sources behind a fact: tracker why ukraine-settlement stances rus european-peacekeepers."""
    tracker = ctx.existing()
    moment = parse_moment(as_of, known_at)
    state = tracker.track(track, moment)
    if state is None:
        raise click.ClickException(f"nothing is known about track {track!r} ({moment.label()})")
    what, ids = resolve_field(state, field)
    events = tracker.why(ids)
    if as_json:
        emit_json({"field": what, "moment": moment.label(), "event_ids": list(ids), "events": events})
        return
    say(f"{track} {what} ({moment.label()}): {len(ids)} event(s)")
    direct = set(ids)
    for row in events:
        e = row.event
        role = "" if e.id in direct else f"  (bears on {getattr(e, 'target', '')})"
        say(f"- #{row.position} {e.id} {e.occurred.label()} {e.type} [{e.status}]{role}")
        say(f"    {e.summary}")
        for src in e.sources:
            bits = [src.outlet] + ([f"via {src.via}"] if src.via else []) + ([str(src.published)] if src.published else [])
            say(f"    source: {', '.join(bits)}" + (f" <{src.url}>" if src.url else ""))
            if src.quote:
                say(f"      \u201c{src.quote}\u201d")


# -- brief --------------------------------------------------------------------------------------
def brief_markdown(states: Sequence[TrackState], names: Names, moment: Moment) -> str:
    lines = [f"# Negotiations briefing ({moment.label()})", ""]
    if not states:
        lines.append("Nothing is known yet.")
    for s in states:
        lines.append(f"## {s.title}")
        lines.append("")
        since = f" since {_when(s.status_since)}" if s.status_since else ""
        lines.append(f"**Status:** {s.status}{since}. **Trend:** {_trend(s)}. "
                     f"**Last activity:** {_when(s.last_activity)}.")
        lines.append("")
        if s.parties:
            lines.append("- **At the table:** " + ", ".join(names(p.actor) for p in s.parties))
        if s.excluded:
            lines.append("- **Excluded:** " + "; ".join(
                names(x.actor) + (f" (by {names.many(x.by)})" if x.by else "") for x in s.excluded))
        if s.seat_demands:
            lines.append("- **Demanding a seat:** " + "; ".join(
                f"{names(d.claimant)} for {names.many(d.seat_for)}" for d in s.seat_demands))
        if s.mediators:
            lines.append("- **Mediators / hosts:** " + ", ".join(
                names(m.actor) + (f" ({m.role})" if m.offered else " (hosted)") for m in s.mediators))
        if s.next_meeting:
            lines.append(f"- **Next meeting:** {_meeting_line(s.next_meeting, names)}")
        for p in s.proposals:
            lines.append(f"- **Proposal:** {p.title}: {p.claim_status}")
        for a in s.agreements:
            done = sum(1 for c in a.commitments if c.progress == "done")
            lines.append(f"- **Agreement:** {a.title} ({done}/{len(a.commitments)} commitments done)")
        changed = [st for st in s.stances if st.issue in s.agenda][:12]
        if changed:
            lines.append("- **Positions:** " + "; ".join(
                f"{names(st.actor)} {st.stance} {st.issue}" + (f" [{st.claim_status}]" if st.claim_status != "confirmed" else "")
                for st in changed))
        for d in s.denied:
            lines.append(f"- **Denied:** {d.summary}" + (f" (by {names.many(d.by)})" if d.by else ""))
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
    if as_json:
        emit_json(states)
        return
    say(brief_markdown(states, Names(tracker.actors()), moment))


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
        say(f"rebuilt the read model from {report.events} event(s): {report.tracks} track(s), "
            f"{report.snapshots} snapshot(s) in {report.seconds:.2f} s")


COMMANDS = [status, timeline, diff, why, brief, rebuild]

"""`tracker stances`: the dated history behind each stance of a track, with its sources.

Each cell (an actor x an issue, as in the positions matrix) lists its statements oldest first:
the day, the stance (with the shift it made: '↑ was opposes'), who said it, the claim status
unless confirmed, the quote (else the summary) and every source (outlet, via). The dates take
the same words and meanings as every other view (tracker.cli.common: --as-of, --known-at).
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from projections.state import StanceHistory
from tracker.cli.common import Context, emit_json, handle_errors, moment_options, parse_moment, say
from tracker.present import SHIFT_ARROWS, Names, quoted, when
from tracker.service import claim_mark, firmness


def history_lines(histories: Sequence[StanceHistory], names: Names) -> list[str]:
    """Each cell, then its statements and their sources (every data string passes through `say`)."""
    out: list[str] = []
    for h in histories:
        latest = h.steps[-1]
        # The stance stands as firm as the firmest statement that says it (projections.grades).
        firmest = min((s.claim_status for s in h.steps if s.stance == latest.stance), key=firmness)
        out += ["", f"{names(h.actor)} on {h.issue}: {latest.stance}" + claim_mark(firmest)]
        for step in h.steps:
            shifted = f" {SHIFT_ARROWS[step.direction]} was {step.previous}" if step.previous and step.direction else ""
            claim = claim_mark(step.claim_status)
            mark = " ~" if step.uncertain else ""
            out.append(f"  {when(step.occurred)}{mark}  {step.stance}{shifted}{claim}  "
                       f"({names.short(step.speaker)})  event {step.event_id}")
            if step.quote:
                out.append(f"      {quoted(step.quote)}")
            elif step.summary:
                out.append(f"      {step.summary}")
            for (outlet, via), grade in zip(step.sources, step.grades or [""] * len(step.sources), strict=True):
                out.append(f"      source: {outlet}" + (f" via {via}" if via else "") + (f" [{grade}]" if grade else ""))
            if not step.sources:
                out.append("      source: none recorded")
    return out


@click.command(short_help="The dated history of each stance on TRACK, with its sources.")
@click.argument("track")
@click.option("--actor", metavar="ACTOR", help="Only this actor's stances, or the statements this speaker made.")
@click.option("--issue", metavar="ISSUE", help="Only stances on this issue.")
@moment_options
@click.option("--json", "as_json", is_flag=True, help="The histories as JSON.")
@click.pass_obj
@handle_errors
def stances(ctx: Context, track: str, actor: str | None, issue: str | None, as_of: str | None,
            known_at: str | None, as_json: bool) -> None:
    """Who said what on each issue of TRACK, in date order: every statement behind a stance, the
    shifts between them ('↑' towards support, '↓' away from it) and the sources of each."""
    tracker = ctx.existing()
    moment = parse_moment(as_of, known_at)
    histories = tracker.stance_history(track, moment, actor=actor, issue=issue)
    if histories is None:
        raise click.ClickException(f"nothing is known about track {track!r} ({moment.label()})")
    if as_json:
        emit_json(histories)
        return
    if not histories:
        which = " ".join(part for part in (f"by {actor!r}" if actor else "", f"on {issue!r}" if issue else "") if part)
        raise click.ClickException(f"no stances{' ' + which if which else ''} on track {track!r} ({moment.label()})")
    say(f"{track}: stances, {moment.label()}")
    for line in history_lines(histories, Names(tracker.actors())):
        say(line)


COMMANDS = [stances]

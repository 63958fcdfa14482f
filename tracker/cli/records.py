"""Commands over the log as a record: import, export, events, verify."""

from __future__ import annotations

import io
import sys

import click

from tracker.cli.common import Context, emit_json, handle_errors, parse_day, parse_known_at, say
from tracker.service import EventFilter, EventRow, Moment


@click.command("import", short_help="Import a JSON Lines file, all or nothing.")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--expect-position", type=int, help="Fail unless the log is at this position.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def import_(ctx: Context, file: str, expect_position: int | None, as_json: bool) -> None:
    """Import events from a JSON Lines FILE ('-' for standard input), all or nothing.

    Any bad line is reported with its line number and field, and nothing is written.
    Events that are already in the log (same id, same content) are skipped.
    """
    tracker = ctx.tracker()
    if file == "-":
        # Of unknown length: worker processes join in once it proves long (tracker.store.jsonl).
        report = tracker.import_lines(sys.stdin.buffer, expect_position, workers=None)
    else:
        try:
            report = tracker.import_file(file, expect_position)
        except OSError as exc:
            raise click.FileError(file, exc.strerror) from None
    if as_json:
        emit_json(report.__dict__)
    else:
        say(f"imported {report.appended} event(s) from {report.lines} line(s)"
            f"{f', {report.skipped} already in the log' if report.skipped else ''}; log is at position {report.head}")


@click.command(short_help="Export the whole log as JSON Lines.")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write to this file (default: standard output).")
@click.pass_obj
@handle_errors
def export(ctx: Context, fmt: str, output: str) -> None:
    """Export the whole log as JSON Lines, exactly as stored (re-import gives the same hashes)."""
    tracker = ctx.tracker(readonly=True)
    if output == "-":
        # UTF-8 and '\n' whatever the terminal's locale: the export is data, byte for byte as stored.
        sys.stdout.flush()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True)
        try:
            tracker.export_jsonl(out)
        finally:
            out.flush()
            out.detach()
    else:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            n = tracker.export_jsonl(fh)
        click.echo(f"exported {n} event(s) to {output}", err=True)


def event_line(row: EventRow) -> str:
    """One event of a list: as known at the moment, with its marks ('corrected', 'RETRACTED')."""
    e = row.event
    claim = "RETRACTED" if row.retracted else row.claim_status
    mark = "[corrected] " if row.corrected else ""
    return (f"{row.position:>7}  {e.occurred.label():<24}  {e.type:<22} {claim:<10} "
            f"{','.join(e.tracks)[:30]:<30}  {mark}{e.summary}")


@click.command(short_help="List events, filtered, as the record stands.")
@click.option("--track", "tracks", multiple=True, help="Only these tracks. Repeatable.")
@click.option("--actor", "actors", multiple=True, help="Only events involving these actors. Repeatable.")
@click.option("--type", "types", multiple=True, help="Only these event types. Repeatable.")
@click.option("--status", "statuses", multiple=True, help="Only these claim statuses (as logged). Repeatable.")
@click.option("--from", "date_from", metavar="DATE",
              help="Events that may have happened on or after DATE (its first day).")
@click.option("--to", "date_to", metavar="DATE",
              help="Events that may have happened on or before DATE (its last day).")
@click.option("--known-at", metavar="DATE",
              help="As known at the end of DATE: events logged by then, with the corrections and "
                   "retractions logged by then.")
@click.option("--text", help="Text to search for (case-insensitive, literal).")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True,
              help="Show at most N events (0: all).")
@click.option("--oldest-first", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def events(ctx: Context, tracks: tuple[str, ...], actors: tuple[str, ...], types: tuple[str, ...],
           statuses: tuple[str, ...], date_from: str | None, date_to: str | None, known_at: str | None,
           text: str | None, limit: int, oldest_first: bool, as_json: bool) -> None:
    """List events in log order, newest first, filtered; each as the record stands (or stood at
    --known-at): corrected text marked [corrected], retracted events marked RETRACTED."""
    tracker = ctx.tracker(readonly=True)
    f = EventFilter(
        tracks=tracks, actors=actors, types=tuple(t.replace("-", "_") for t in types), statuses=statuses,
        occurred_from=parse_day(date_from, "--from", "from"), occurred_to=parse_day(date_to, "--to", "to"),
        text=text,
    )
    moment = Moment(known_at=parse_known_at(known_at))
    total = tracker.count_events(f, moment)
    rows = tracker.events(f, moment, limit=limit or max(total, 1), newest_first=not oldest_first)
    cut = f"({len(rows)} of {total} matching events shown; --limit 0 shows all)" if len(rows) < total else ""
    if as_json:
        emit_json(rows)
        if cut:
            click.echo(cut, err=True)  # the JSON on stdout stays a plain list
        return
    if not rows:
        say("no matching events")
        return
    for row in rows:
        say(event_line(row))
    if cut:
        say(cut)


@click.command(short_help="Check the hash chain; exit 1 if it is broken.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def verify(ctx: Context, as_json: bool) -> None:
    """Walk the hash chain; name the first position that does not hold up. Exit 1 if broken."""
    result = ctx.tracker(readonly=True).verify()
    if as_json:
        emit_json(result.__dict__)
    elif result.ok:
        say(f"ok: {result.checked} event(s), chain intact; head {result.head_hash}")
    else:
        say(f"BROKEN at position {result.first_bad_position}: {result.reason} "
            f"({result.checked} event(s) before it verified)")
    if not result.ok:
        sys.exit(1)

"""Commands over the log as a record: import, export, events, verify."""

from __future__ import annotations

import io
import sys
from typing import Any

import click

from tracker.cli.common import Context, emit_json, handle_errors, parse_day, parse_moment, say
from tracker.jsonl import export_jsonl, import_file, import_lines
from tracker.store import EventFilter


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
    store = ctx.store()
    if file == "-":
        # Of unknown length: worker processes join in once it proves long (tracker.jsonl).
        report = import_lines(store, sys.stdin.buffer, expect_position, workers=None)
    else:
        try:
            report = import_file(store, file, expect_position)
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
    store = ctx.store(readonly=True)
    if output == "-":
        # UTF-8 and '\n' whatever the terminal's locale: the export is data, byte for byte as stored.
        sys.stdout.flush()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True)
        try:
            export_jsonl(store, out)
        finally:
            out.flush()
            out.detach()
    else:
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            n = export_jsonl(store, fh)
        click.echo(f"exported {n} event(s) to {output}", err=True)


@click.command()
@click.option("--track", "tracks", multiple=True, help="Only these tracks. Repeatable.")
@click.option("--actor", "actors", multiple=True, help="Only events involving these actors. Repeatable.")
@click.option("--type", "types", multiple=True, help="Only these event types. Repeatable.")
@click.option("--status", "statuses", multiple=True, help="Only these claim statuses. Repeatable.")
@click.option("--from", "date_from", metavar="DATE", help="Events that may have happened on or after DATE.")
@click.option("--to", "date_to", metavar="DATE", help="Events that may have happened on or before DATE.")
@click.option("--known-at", metavar="DATE", help="Only events logged by the end of DATE.")
@click.option("--text", help="Text to search for (case-insensitive, literal).")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--oldest-first", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def events(ctx: Context, tracks: tuple[str, ...], actors: tuple[str, ...], types: tuple[str, ...],
           statuses: tuple[str, ...], date_from: str | None, date_to: str | None, known_at: str | None,
           text: str | None, limit: int, oldest_first: bool, as_json: bool) -> None:
    """List events in log order, newest first, filtered."""
    store = ctx.store(readonly=True)
    f = EventFilter(
        tracks=tracks, actors=actors, types=tuple(t.replace("-", "_") for t in types), statuses=statuses,
        occurred_from=parse_day(date_from, "--from"), occurred_to=parse_day(date_to, "--to"),
        recorded_until=parse_moment(known_at, "--known-at"), text=text,
    )
    rows = store.query(f, limit=limit, newest_first=not oldest_first)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        say("no matching events")
        return
    for row in rows:
        e = row.event
        say(f"{row.position:>7}  {e.occurred.label():<24}  {e.type:<22} {e.status:<10} "
            f"{','.join(e.tracks)[:30]:<30}  {e.summary}")


@click.command(short_help="Check the hash chain; exit 1 if it is broken.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def verify(ctx: Context, as_json: bool) -> None:
    """Walk the hash chain; name the first position that does not hold up. Exit 1 if broken."""
    result = ctx.store(readonly=True).verify()
    if as_json:
        emit_json(result.__dict__)
    elif result.ok:
        say(f"ok: {result.checked} event(s), chain intact; head {result.head_hash}")
    else:
        say(f"BROKEN at position {result.first_bad_position}: {result.reason} "
            f"({result.checked} event(s) before it verified)")
    if not result.ok:
        sys.exit(1)


def status_lines(store: Any) -> list[str]:
    """A short account of what a database holds, for `tracker demo` without the UI."""
    pos, head = store.head()
    lines = [f"{store.path}: {pos} events, chain head {head[:16]}"]
    for track in store.distinct("track"):
        n = store.count_matching(EventFilter(tracks=(track,)))
        lines.append(f"  {track:<32} {n:>5} events")
    return lines

"""Commands over the log as a record: import, export, events, verify."""

from __future__ import annotations

import io
import sys

import click

from tracker.cli.common import (
    Context,
    emit_json,
    handle_errors,
    moment_options,
    parse_known_at,
    parse_moment,
    parse_range,
    say,
)
from tracker.cli.views import table
from tracker.present import plural
from tracker.publish import FORMATS, Scope
from tracker.service import EventFilter, EventRow, Head, Moment, Tracker
from tracker.textsafe import printable


@click.command("import", short_help="Import a JSON Lines file, all or nothing.")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--expect-position", type=int, help="Fail unless the log is at this position.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def import_(ctx: Context, file: str, expect_position: int | None, as_json: bool) -> None:
    """Import events from a JSON Lines FILE ('-' for standard input), all or nothing.

    Any bad line is reported with its line number and field, and nothing is written.
    Events that are already in the log (same id, same content) are skipped. A file exported by
    'tracker export' carries each event's hash and the head: its chain is checked, and a line
    changed, removed or moved since is refused by its number (a file without hashes, written by
    hand, is taken as it is).
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
        emit_json({k: v for k, v in report.__dict__.items() if k != "written"})
    else:
        say(f"imported {plural(report.appended, 'event')} from {plural(report.lines, 'line')}"
            f"{f', {report.skipped} already in the log' if report.skipped else ''}; log is at position {report.head}"
            + (f"\nthe file's hash chain holds (its head {report.chain})" if report.chain else ""))


@click.command(short_help="Export the log as JSON Lines, or publish it (calendar, CSV, ...).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", *FORMATS]), default="jsonl", show_default=True,
              help="jsonl: the whole log as stored. " + " ".join(f"{f.name}: {f.help}" for f in FORMATS.values()))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write to this file (default: standard output).")
@click.option("--force", is_flag=True, help="Export a log whose hash chain is broken (each line keeps the hash "
              "stored for it, so an import of the file finds the break).")
@click.option("--track", "tracks", multiple=True, help="Publish only these tracks (not for jsonl). Repeatable.")
@click.option("--tracks-table", is_flag=True, help="csv only: the list of tracks (as 'status' gives it), not the events.")
@click.option("--bom", is_flag=True, help="csv only: begin the file with a UTF-8 byte order mark (for spreadsheets "
              "that need it).")
@moment_options
@click.pass_obj
@handle_errors
def export(ctx: Context, fmt: str, output: str, force: bool, tracks: tuple[str, ...], tracks_table: bool,
           bom: bool, as_of: str | None, known_at: str | None) -> None:
    """Export the whole log as JSON Lines, exactly as stored (re-import gives the same hashes); or
    publish what it knows in another format (--format), as of a date and as known at a date.

    Each JSON Lines line is an event as stored, with its "hash"; the last line, {"tracker_export":
    ...}, gives the head (POSITION:HASH). 'tracker import' checks that chain; other JSON Lines tools
    read every line as one JSON object. A log whose chain is broken is refused unless --force.
    """
    tracker = ctx.tracker(readonly=True)
    if fmt != "jsonl":
        csv_only = [name for name, value in (("--tracks-table", tracks_table), ("--bom", bom)) if value]
        if csv_only and fmt != "csv":  # a byte order mark makes JSON that JSON readers refuse
            raise click.UsageError(f"{', '.join(csv_only)}: only for --format csv, not {fmt}")
        moment = parse_moment(as_of, known_at)
        known_tracks(tracker, tracks)
        tracker.exportable(force=force)
        text = FORMATS[fmt].render(tracker, Scope(tracks, moment, "tracks" if tracks_table else "events"))
        _write(text, output, bom)
        if output != "-":
            click.echo(f"wrote {fmt} to {output}", err=True)
        return
    given = [name for name, value in (("--track", tracks), ("--tracks-table", tracks_table), ("--bom", bom),
                                      ("--as-of", as_of), ("--known-at", known_at)) if value]
    if given:
        raise click.UsageError(f"{', '.join(given)}: not for --format jsonl, which exports the whole log as stored")
    if output == "-":
        # UTF-8 and '\n' whatever the terminal's locale: the export is data, byte for byte as stored.
        sys.stdout.flush()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True)
        try:
            tracker.export_jsonl(out, force=force)
        finally:
            out.flush()
            out.detach()
    else:
        tracker.exportable(force=force)  # refused before the file is made
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            n = tracker.export_jsonl(fh, force=force)
        click.echo(f"exported {plural(n, 'event')} to {output}", err=True)


def known_tracks(tracker: Tracker, tracks: tuple[str, ...]) -> None:
    """A usage error naming the --track values the log has no track for: a typo would otherwise
    give an empty file or note without a word."""
    unknown = sorted(set(tracks) - set(tracker.track_ids()))
    if unknown:
        raise click.BadParameter(f"no track {', '.join(unknown)} in the log; it has: "
                                 f"{', '.join(tracker.track_ids()) or 'none'}", param_hint="--track")


def _write(text: str, output: str, bom: bool) -> None:
    """A published file, UTF-8, its line ends as the format wrote them (CRLF for CSV and iCalendar)."""
    data = ("\ufeff" if bom else "") + text
    if output == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    try:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(data)
    except OSError as exc:
        raise click.FileError(output, exc.strerror) from None


def event_row(row: EventRow) -> list[str]:
    """One event of a list, a value per column: as known at the moment, with its marks
    ('corrected', 'RETRACTED'); its tracks whole, however many."""
    e = row.event
    claim = "RETRACTED" if row.retracted else row.claim_status
    mark = "[corrected] " if row.corrected else ""
    return [str(row.position), e.occurred.label(), e.type, claim, ",".join(e.tracks), mark + e.summary]


@click.command(short_help="List events, filtered, as the record stands.")
@click.option("--track", "tracks", multiple=True, help="Only these tracks. Repeatable.")
@click.option("--actor", "actors", multiple=True, help="Only events involving these actors. Repeatable.")
@click.option("--type", "types", multiple=True, help="Only these event types. Repeatable.")
@click.option("--status", "statuses", multiple=True,
              help="Only these claim statuses, as the record stands (claim status changes known then count). "
                   "Repeatable.")
@click.option("--by", "loggers", multiple=True, metavar="NAME",
              help="Only events logged by NAME (a server log's role; a file's $TRACKER_ANALYST; 'unknown': "
                   "logged before names were kept). Repeatable.")
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
           statuses: tuple[str, ...], loggers: tuple[str, ...], date_from: str | None, date_to: str | None,
           known_at: str | None, text: str | None, limit: int, oldest_first: bool, as_json: bool) -> None:
    """List events in log order, newest first, filtered; each as the record stands (or stood at
    --known-at), and filtered in that form: corrected text marked [corrected] (a search finds it,
    not the text it replaced), retracted events marked RETRACTED."""
    occurred_from, occurred_to = parse_range(date_from, date_to)
    tracker = ctx.tracker(readonly=True)
    f = EventFilter(
        tracks=tracks, actors=actors, types=tuple(t.replace("-", "_") for t in types), statuses=statuses, by=loggers,
        occurred_from=occurred_from, occurred_to=occurred_to, text=text,
    )
    moment = Moment(known_at=parse_known_at(known_at))
    total = tracker.count_events(f, moment)
    rows = tracker.events(f, moment, limit=limit or max(total, 1), newest_first=not oldest_first)
    cut = f"({len(rows)} of {plural(total, 'matching event')} shown; --limit 0 shows all)" if len(rows) < total else ""
    if as_json:
        emit_json(rows)
        if cut:
            click.echo(cut, err=True)  # the JSON on stdout stays a plain list
        return
    if not rows:
        say("no matching events")
        return
    for line in table([event_row(row) for row in rows], align=">"):
        say(line)
    if cut:
        say(cut)


def _head(text: str | None) -> Head | None:
    if text is None:
        return None
    try:
        return Tracker.parse_head(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--expect-head") from None


@click.command(short_help="Check the hash chain and the head; exit 1 if either does not hold.")
@click.option("--expect-head", metavar="POSITION:HASH",
              help="Fail unless the log still holds this head, unchanged (a head 'tracker verify' printed "
                   "before, noted somewhere else): the log may have grown since, not been cut or rewritten.")
@click.option("--accept-head", is_flag=True,
              help="Take the log's head as it is now as the one to expect, after a warning that the log is "
                   "shorter than, or diverges from, the head last seen, once you know why.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
@handle_errors
def verify(ctx: Context, expect_head: str | None, accept_head: bool, as_json: bool) -> None:
    """Walk the hash chain; name the first position that does not hold up. Print the head
    (POSITION:HASH) and remember it; warn if the log no longer holds the head last seen.

    Exit 1 if the chain is broken, the head last seen is no longer held (the log was cut short or
    rewritten: an intact chain alone cannot show that), the --expect-head does not hold, or the
    list of tracks kept in the read model (derived from the log) does not match it. Events
    the chain holds but this release cannot read (written by an earlier one) are listed; they do
    not fail it.
    """
    expected = _head(expect_head)
    result = ctx.tracker(readonly=True, check=False).verify(expected, accept_head=accept_head)
    for line in result.warnings():
        click.echo(f"warning: {printable(line)}", err=True)
    if as_json:
        emit_json(result)
    else:
        if result.ok and result.pin:
            say(f"HEAD NOT HELD: {plural(result.checked, 'event')}, chain intact, but the head this program last saw is "
                f"gone (see the warning); head now {result.head}")
        elif result.ok and result.read_model:
            say(f"READ MODEL WRONG: {plural(result.checked, 'event')}, chain intact, but the list of tracks kept "
                f"beside the log does not match it (see the warning; 'tracker rebuild' mends it); head {result.head}")
        elif result.ok:
            say(f"ok: {plural(result.checked, 'event')}, chain intact; head {result.head}")
        else:
            say(f"BROKEN at position {result.first_bad_position}: {result.reason} "
                f"({plural(result.checked, 'event')} before it verified)")
        if result.unreadable_count:
            say(f"{plural(result.unreadable_count, 'event')} this release cannot read (written by an earlier release?):")
            for item in result.unreadable:
                say(f"  {item}")
            if result.unreadable_count > len(result.unreadable):
                say(f"  ... and {result.unreadable_count - len(result.unreadable)} more")
        if expected is not None:
            say(f"expected head {expected}: " + (f"NOT HELD: {result.expected}" if result.expected else "held"))
        if result.accepted:
            say(f"the head {result.head} is now the one to expect")
        elif accept_head and not result.ok:
            say("nothing accepted: the chain is broken")
    if not result.ok or result.expected or result.pin or result.read_model:
        sys.exit(1)

"""`tracker import-csv`: a spreadsheet a team kept, brought in with a column mapping (Tracker.import_csv)."""

from __future__ import annotations

import click

from tracker.cli.common import Context, emit_json, handle_errors, say
from tracker.present import plural


@click.command("import-csv", short_help="Import a spreadsheet (CSV) with a column mapping, all or nothing.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--mapping", "mapping", required=True, type=click.Path(exists=True, dir_okay=False),
              metavar="MAP.json", help="Which column holds what: a JSON object such as "
              '{"type": "statement_made", "when": "Date", "summary": "What happened", "tracks": "Track", '
              '"source": "Outlet", "fields": {"speaker": "Speaker"}, "defaults": {"tracks": "ukraine-settlement"}}.')
@click.option("--dry-run", is_flag=True, help="Read and check every row; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="The events (and counts) as JSON.")
@click.pass_obj
@handle_errors
def import_csv(ctx: Context, file: str, mapping: str, dry_run: bool, as_json: bool) -> None:
    """Import the rows of a CSV FILE (UTF-8, a byte order mark is fine; the first row names the
    columns) as events, reading each row through the mapping MAP.json.

    Mapping keys: type (a type, or {"column": "Kind"}), when, summary, tracks, actors, status,
    location, details, tags, source (the outlet), url, published, via, quote, credibility,
    fields (the type's own fields: {"speaker": "Speaker"}), reported_on (the day relative dates
    count from), defaults (a value for an empty or unmapped cell: {"tracks": "..."}). A cell of
    tracks, actors or tags may hold several, separated by ';' or ','.

    All or nothing: every bad row is reported by its row number (the header is row 1) and column,
    and nothing is written. Rows already imported (the same content) are skipped.
    """
    tracker = ctx.existing() if dry_run else ctx.tracker()
    report = tracker.import_csv(file, mapping, dry_run=dry_run)
    if as_json:
        emit_json({"dry_run": report.dry_run, "rows": len(report.rows), "appended": report.appended,
                   "skipped": report.skipped, "head": report.head,
                   "events": [{"row": r.number, **r.event.model_dump(mode="json")} for r in report.rows]})
        return
    if dry_run:
        for r in report.rows:
            ev = r.event
            say(f"row {r.number}: {ev.type} {ev.occurred.label()} [{', '.join(ev.tracks)}] {ev.summary}")
        say(f"dry run: {plural(len(report.rows), 'row')} read, each a valid event; nothing was written")
        return
    say(f"imported {plural(report.appended, 'event')} from {plural(len(report.rows), 'row')}"
        f"{f', {report.skipped} already in the log' if report.skipped else ''}; log is at position {report.head}")


COMMANDS = [import_csv]

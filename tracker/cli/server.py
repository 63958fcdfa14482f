"""Commands for a team's shared log on a PostgreSQL server (tracker.store.postgres)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from tracker.cli.common import handle_errors
from tracker.paths import expand
from tracker.service import Tracker, init_server, is_server
from tracker.textsafe import printable


@click.command("init-server")
@click.argument("url", metavar="URL")
@click.option("--analyst", "analysts", multiple=True, metavar="ROLE",
              help="A login role that may append and read (made if missing; repeatable).")
@click.option("--reader", "readers", multiple=True, metavar="ROLE",
              help="A login role that may only read (made if missing; repeatable).")
@click.option("--rebuild-read-side", is_flag=True,
              help="Drop what the views read (schema tracker_read) and make it again from the log: after "
                   "the log was re-created on purpose, which the read side otherwise refuses to follow.")
@handle_errors
def init_server_command(url: str, analysts: tuple[str, ...], readers: tuple[str, ...], rebuild_read_side: bool) -> None:
    """Make a team's shared log on a PostgreSQL database.

    It makes the log's table, the guards that keep it append-only and chained, and two group
    roles: tracker_analyst (append and read) and tracker_reader (read only).

    Run it once as the database's owner, e.g.

      createdb --encoding UTF8 --template template0 negotiations

      tracker init-server postgresql://owner@db.example/negotiations --analyst alice --reader bob

    then each analyst works with --db postgresql://alice@db.example/negotiations (or TRACKER_DB).
    Running it again changes nothing but adding the roles named, and upgrading a log made by an
    earlier release."""
    for line in init_server(url, analysts=analysts, readers=readers, rebuild_read_side=rebuild_read_side):
        click.echo(printable(line))


@click.command("copy")
@click.argument("source", metavar="SRC")
@click.argument("target", metavar="DST")
@click.option("--force", is_flag=True, help="Copy a log that no longer holds the head this program last saw "
              "(cut short or rewritten since), saying so; a broken chain is never copied.")
@handle_errors
def copy_command(source: str, target: str, force: bool) -> None:
    """Copy a whole log to another file or server.

    SRC and DST are each a file or a server's URL.

    Every event keeps its position, body, hash and who logged it, so `verify` gives the same head
    on both. SRC's chain is walked first, DST's after; DST must be a new or empty log. All or
    nothing: on any error DST is left as it was (a file made for the copy is removed).

    A SRC whose chain is broken is refused, and so is one that no longer holds the head this
    program last saw (the warning every command gives): its copy's chain would hold, and the cut
    or the rewrite would not show. --force copies the latter anyway, with a warning."""
    made = None if is_server(target) else expand(target)
    if made is not None and made.exists():
        made = None
    with Tracker.open(source, readonly=True) as src:
        try:
            with Tracker.open(target) as dst:
                report = src.copy_to(dst, force=force)
        except BaseException:
            if made is not None:
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):  # never made (a path inside a file): nothing to remove
                        Path(f"{made}{suffix}").unlink()
            raise
        if report.warning:
            click.echo(printable(f"warning: copied with --force although {src.location} no longer holds the head "
                                 f"last seen: {report.warning}"), err=True)
        click.echo(printable(f"copied {report.events} events from {src.location} to {dst.location} in "
                             f"{report.seconds:.1f} s; head {report.head} on both"))


COMMANDS = [init_server_command, copy_command]

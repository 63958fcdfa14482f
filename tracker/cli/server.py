"""Commands for a team's shared log on a PostgreSQL server (tracker.store.postgres)."""

from __future__ import annotations

import click

from tracker.cli.common import handle_errors
from tracker.service import init_server
from tracker.textsafe import printable


@click.command("init-server")
@click.argument("url", metavar="URL")
@click.option("--analyst", "analysts", multiple=True, metavar="ROLE",
              help="A login role that may append and read (made if missing; repeatable).")
@click.option("--reader", "readers", multiple=True, metavar="ROLE",
              help="A login role that may only read (made if missing; repeatable).")
@handle_errors
def init_server_command(url: str, analysts: tuple[str, ...], readers: tuple[str, ...]) -> None:
    """Make a team's shared log on a PostgreSQL database.

    It makes the log's table, the guards that keep it append-only and chained, and two group
    roles: tracker_analyst (append and read) and tracker_reader (read only).

    Run it once as the database's owner, e.g.

      createdb --encoding UTF8 --template template0 negotiations

      tracker init-server postgresql://owner@db.example/negotiations --analyst alice --reader bob

    then each analyst works with --db postgresql://alice@db.example/negotiations (or TRACKER_DB).
    Running it again changes nothing but adding the roles named."""
    for line in init_server(url, analysts=analysts, readers=readers):
        click.echo(printable(line))


COMMANDS = [init_server_command]

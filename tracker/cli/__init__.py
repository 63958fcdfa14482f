"""The `tracker` command line: thin commands over the application layer."""

from __future__ import annotations

import click

from tracker import __version__
from tracker.cli import bench, csvimport, demo, digest, server, stances, views
from tracker.cli.common import Context
from tracker.cli.log import log
from tracker.cli.records import events, export, import_, verify
from tracker.paths import ENV_VAR


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", envvar=ENV_VAR, metavar="PATH|URL", show_envvar=True,
              help="The log: an SQLite file (default: in your user data directory), or a team's "
                   "shared log on PostgreSQL, postgresql://USER@HOST[:PORT]/DATABASE.")
@click.version_option(__version__, prog_name="tracker")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Track diplomatic negotiations as an append-only log of dated, sourced events."""
    ctx.obj = Context(db)


for command in (log, import_, export, events, verify, *demo.COMMANDS, *views.COMMANDS, *stances.COMMANDS, *digest.COMMANDS, *server.COMMANDS, *bench.COMMANDS, *csvimport.COMMANDS):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="tracker")

"""`tracker demo` and `tracker tui`: the terminal UI, on the demo data or on your log."""

from __future__ import annotations

import click

from tracker.cli.common import Context, handle_errors, say
from tracker.paths import demo_db, resolve_db
from tracker.service import Tracker


def _run_tui(path: str) -> bool:
    try:
        from tui.app import run
    except ModuleNotFoundError:
        return False
    run(path)
    return True


@click.command(short_help="Open the terminal UI on the bundled demo data.")
@click.option("--db", "demo_path", metavar="PATH", help="Where to build the demo database (default: its own file).")
@click.option("--no-tui", is_flag=True, help="Load the demo and print its status; do not open the UI.")
@handle_errors
def demo(demo_path: str | None, no_tui: bool) -> None:
    """Load the bundled demo data into a fresh database of its own and open the terminal UI."""
    path = demo_path or str(demo_db())
    tracker, report = Tracker.demo(path)
    tracker.close()
    if no_tui or not _run_tui(path):
        say(f"demo: loaded {report.appended} events into {path}")
        with Tracker.open(path, readonly=True) as ro:
            position, head = ro.head()
            say(f"{ro.path}: {position} events, chain head {head[:16]}")
            for count in ro.track_counts():
                say(f"  {count.track:<32} {count.events:>5} events")


@click.command()
@click.pass_obj
@handle_errors
def tui(ctx: Context) -> None:
    """Open the terminal UI on your log."""
    if not _run_tui(str(resolve_db(ctx.db))):
        raise click.ClickException("the terminal UI is not installed")


COMMANDS = [demo, tui]

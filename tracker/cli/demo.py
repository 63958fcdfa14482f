"""`tracker demo` and `tracker tui`: the terminal UI, on the demo data or on your log."""

from __future__ import annotations

import click

from tracker.cli.common import Context, handle_errors, say
from tracker.paths import demo_db, resolve_location
from tracker.present import plural
from tracker.service import Tracker


def _run_tui(path: str) -> bool:
    try:
        from tui.app import run
    except ModuleNotFoundError:
        return False
    run(path)
    return True


@click.command(short_help="Open the terminal UI on the bundled demo data.")
@click.option("--db", "demo_path", metavar="PATH",
              help="The demo's database (default: demo.db in your user data directory, never your log).")
@click.option("--reset", is_flag=True, help="Build the demo afresh from the bundled data, dropping what was "
              "logged into it (only ever a demo log).")
@click.option("--no-tui", is_flag=True, help="Load the demo and print its status; do not open the UI.")
@click.pass_context
@handle_errors
def demo(click_ctx: click.Context, demo_path: str | None, reset: bool, no_tui: bool) -> None:
    """Open the terminal UI on the bundled demo data, in a database of its own.

    The first run builds it; later runs reopen it with whatever you logged into it (--reset
    builds it afresh). A path that holds anything but a demo log is refused, never replaced."""
    path = demo_path or _global_db(click_ctx) or str(demo_db())
    tracker, report = Tracker.demo(path, reset=reset)
    position, _ = tracker.head()
    tracker.close()
    if report is not None:
        say(f"demo: built {path} from the bundled data ({plural(report.appended, 'event')})")
    else:
        say(f"demo: reopened {path} ({plural(position, 'event')}, with what was logged into it; "
            "'tracker demo --reset' builds it afresh)")
    if no_tui or not _run_tui(path):
        with Tracker.open(path, readonly=True) as ro:
            position, head = ro.head()
            say(f"{ro.path}: {plural(position, 'event')}, chain head {head[:16]}")
            for count in ro.track_counts():
                say(f"  {count.track:<32} {count.events:>5} events")


def _global_db(click_ctx: click.Context) -> str | None:
    """`tracker --db X demo` means X; a TRACKER_DB in the environment names the user's own log,
    which is not where a demo should go."""
    parent = click_ctx.parent
    if parent is None or parent.get_parameter_source("db") != click.core.ParameterSource.COMMANDLINE:
        return None
    db = parent.params.get("db")
    return str(db) if db else None


@click.command()
@click.option("--create", is_flag=True, help="Start a new, empty log if there is none at the path.")
@click.pass_obj
@handle_errors
def tui(ctx: Context, create: bool) -> None:
    """Open the terminal UI on your log."""
    # Like every other command: a mistyped --db is an error, not a new empty log.
    with Tracker.open(ctx.db) if create else Tracker.open_existing(ctx.db):
        pass
    if not _run_tui(str(resolve_location(ctx.db))):
        raise click.ClickException("the terminal UI is not installed")


COMMANDS = [demo, tui]

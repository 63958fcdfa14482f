"""`tracker bench`: how fast the tracker is on this machine, against baselines from the same run."""

from __future__ import annotations

import click

from tracker.bench.names import DEFAULT_EVENTS, PHASES


@click.command(short_help="Measure speed against baselines run alongside.")
@click.option("--events", type=click.IntRange(min=1), default=DEFAULT_EVENTS, show_default=True,
              help="Events in the synthetic log.")
@click.option("--seed", type=int, default=1, show_default=True, help="The synthetic log's seed.")
@click.option("--workdir", type=click.Path(file_okay=False), default=None,
              help="Where to put the files (default: a temporary directory, removed afterwards).")
@click.option("--keep", is_flag=True, help="Keep the generated files.")
@click.option("--appends", type=click.IntRange(min=1), default=500, show_default=True,
              help="Durable single appends to time.")
@click.option("--queries", type=click.IntRange(min=1), default=100, show_default=True,
              help="Random dates for the as-of queries.")
@click.option("--skip", multiple=True, type=click.Choice(PHASES[2:]), help="Skip a phase. Repeatable.")
@click.option("--profile", multiple=True, type=click.Choice(PHASES[1:]),
              help="Run a phase under cProfile and show its top lines. Repeatable.")
@click.option("--no-schema-baseline", is_flag=True,
              help="Do not also time SQLite alone inserting the rows into the tracker's schema.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Also write every measurement as JSON.")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False), help="Also write the table to a file.")
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True,
              help="Run the import and rebuild figures (and their baselines) this many times, interleaved; "
                   "keep the best of each.")
@click.option("--quiet", is_flag=True, help="No progress messages.")
@click.option("--db", "server", metavar="URL",
              help="Also measure a log on this PostgreSQL server (postgresql://USER@HOST/DB, a role that may "
                   "create databases): a throwaway database is made on it and dropped afterwards.")
def bench(events: int, seed: int, workdir: str | None, keep: bool, appends: int, queries: int,
          skip: tuple[str, ...], profile: tuple[str, ...], no_schema_baseline: bool, json_path: str | None,
          markdown_path: str | None, repeat: int, quiet: bool, server: str | None) -> None:
    """Measure import, durable appends, rebuild, as-of queries, the TUI and memory on a synthetic log.

    Every figure is printed next to a baseline measured in the same run (raw sqlite3, and the
    eventsourcing library if installed: pip install -e '.[bench]'). Your own log is not touched.
    """
    from tracker.bench.harness import Options, finish, run_benchmark  # not on every command's start

    opts = Options(events=events, seed=seed, workdir=workdir, keep=keep, appends=appends, queries=queries,
                   skip=skip, profile=profile, schema_baseline=not no_schema_baseline, json_path=json_path,
                   markdown_path=markdown_path, quiet=quiet, repeat=repeat, server=server)
    run = run_benchmark(opts, log=None if not quiet else (lambda _: None))
    ctx = click.get_current_context()
    run.command = "tracker " + " ".join(ctx.command_path.split()[1:] + _args(ctx))
    click.echo(finish(run), nl=False)


def _args(ctx: click.Context) -> list[str]:
    out = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if value in (None, False, ()) or value == param.default:
            continue
        flag = param.opts[0]
        if value is True:
            out.append(flag)
        elif isinstance(value, tuple):
            out.extend(f"{flag} {v}" for v in value)
        else:
            out.append(f"{flag} {value}")
    return out


COMMANDS = [bench]

"""Issue 16, item 5: each option exists once per command, and every value a type's fields and the
envelope take can be set.

`tracker log actor-described` had two `--actor` options (the envelope's list of actors involved and
the type's described actor) and `analysis-published` two `--url` options (the source's URL and the
analysis' own): click warned on every call, and one of the two values could not be set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import click

from run_cli import tracker
from tracker.cli import cli


def commands(group: click.Command, path: tuple[str, ...] = ("tracker",)) -> Iterator[tuple[str, click.Command]]:
    """Every command and subcommand, recursively, with its full name."""
    yield " ".join(path), group
    if isinstance(group, click.Group):
        for name, command in sorted(group.commands.items()):
            yield from commands(command, (*path, name))


def test_no_command_defines_an_option_twice() -> None:
    seen = list(commands(cli))
    assert len(seen) > 25  # the walk reached the `log` subcommands
    twice = []
    for name, command in seen:
        flags: dict[str, int] = {}
        dests: dict[str, int] = {}
        for param in command.params:
            for flag in (*param.opts, *param.secondary_opts):
                flags[flag] = flags.get(flag, 0) + 1
            if param.name:
                dests[param.name] = dests.get(param.name, 0) + 1
        twice += [f"{name}: option {f} defined {n} times" for f, n in flags.items() if n > 1]
        twice += [f"{name}: parameter {d!r} defined {n} times" for d, n in dests.items() if n > 1]
    assert not twice, "\n".join(twice)


def dry_run(*args: str) -> dict:
    run = tracker("log", *args, "--when", "2025-03-03", "--track", "t", "--summary", "s",
                  "--dry-run", "--json")
    assert run.returncode == 0, run.stderr
    assert "more than once" not in run.stderr and "UserWarning" not in run.stderr, run.stderr
    return json.loads(run.stdout)


def test_actor_described_takes_the_described_actor_and_the_actors_involved() -> None:
    event = dry_run("actor-described", "--actor", "rubio", "--actor", "usa", "--name", "Marco Rubio",
                    "--kind", "person")
    assert event["actor"] == "rubio"  # the first --actor is the one described
    assert event["actors"] == ["rubio", "usa"]


def test_analysis_published_takes_its_own_url_and_its_sources_url() -> None:
    event = dry_run("analysis-published", "--publisher", "csis", "--title", "Ceasefire lines",
                    "--url", "https://example.org/analysis", "--source", "CSIS",
                    "--source-url", "https://example.org/press-release")
    assert event["url"] == "https://example.org/analysis"
    assert event["sources"][0]["url"] == "https://example.org/press-release"


def test_every_type_takes_the_sources_url_as_source_url_and_still_as_url() -> None:
    for flag in ("--source-url", "--url"):
        event = dry_run("statement-made", "--speaker", "lavrov", "--issue", "x", "--stance", "opposes",
                        "--source", "TASS", flag, "https://example.org/tass")
        assert event["sources"][0]["url"] == "https://example.org/tass", flag

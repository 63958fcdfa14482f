"""`tracker bench`: the benchmark harness, its baselines and its synthetic data.

Nothing in the tracker imports this package but the `tracker bench` command; it measures the
tracker through its service like any other caller. The harness is imported when first used:
every command's start imports the command that runs it.
"""

from typing import Any

from tracker.bench.names import DEFAULT_EVENTS, PHASES

__all__ = ["DEFAULT_EVENTS", "PHASES", "Options", "finish", "run_benchmark"]


def __getattr__(name: str) -> Any:
    if name in ("Options", "finish", "run_benchmark"):
        from tracker.bench import harness

        return getattr(harness, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""`tracker bench`: the benchmark harness, its baselines and its synthetic data.

Nothing in the tracker imports this package but the `tracker bench` command; it measures the
tracker through its service like any other caller.
"""

from tracker.bench.harness import DEFAULT_EVENTS, PHASES, Options, finish, run_benchmark

__all__ = ["DEFAULT_EVENTS", "PHASES", "Options", "finish", "run_benchmark"]

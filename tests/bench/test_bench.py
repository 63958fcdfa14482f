"""The benchmark harness runs end to end, and its synthetic log is valid, importable and complete.

No timing is asserted here: the figures themselves are for `tracker bench` on a quiet machine.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from events import EVENT_TYPES
from tracker.bench.synthetic import generate, write_jsonl
from tracker.store import EventStore, parse_body
from tracker.store.jsonl import import_lines

FIGURES = (
    "import of 2,000 events",
    "same import vs eventsourcing",
    "one logged event",
    "full projection rebuild (",
    "full projection rebuild vs eventsourcing",
    "as-of query, valid time",
    "as-of query, transaction time",
    "as-of query, both axes",
    "TUI: time to first paint",
    "TUI: time to reach the end of the event log",
    "peak resident memory",
)
OPTIONAL = ("same import vs eventsourcing", "full projection rebuild vs eventsourcing")  # extra `bench`


def test_tracker_bench_prints_every_figure_with_numbers(tmp_path: Path) -> None:
    out_json = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "bench", "--events", "2000", "--appends", "50", "--queries", "10",
         "--quiet", "--json", str(out_json), "--workdir", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ") and not line.startswith("| figure")]
    assert len(rows) == len(FIGURES), proc.stdout
    has_es = importlib.util.find_spec("eventsourcing") is not None
    for figure, row in zip(FIGURES, rows, strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[0].startswith(figure), (figure, row)
        if figure in OPTIONAL and not has_es:
            assert "pip install -e '.[bench]'" in cells[1], row
            continue
        assert "n/a" not in cells[1] and re.search(r"\d", cells[1]), row
    assert "machine:" in proc.stdout and "SQLite" in proc.stdout
    data = json.loads(out_json.read_text())
    assert data["results"]["import"]["events"] == 2000
    assert data["results"]["raw"]["events"] == 2000
    assert data["results"]["append"]["appends"] == 50


def test_synthetic_log_is_valid_importable_deterministic_and_covers_every_type(tmp_path: Path) -> None:
    n = 3000
    bodies = list(generate(n, seed=7))
    assert len(bodies) == n
    assert bodies == list(generate(n, seed=7))  # deterministic
    assert bodies != list(generate(n, seed=8))
    assert Counter(b["type"] for b in bodies).keys() == EVENT_TYPES.keys()
    for i, body in enumerate(bodies, start=1):
        event, problems = parse_body(body, i)
        assert event is not None, problems
    assert {b["occurred"]["precision"] for b in bodies} == {"day", "week", "month", "range"}
    ids = {b["id"] for b in bodies}
    assert len(ids) == n
    assert all(b["target"] in ids for b in bodies if "target" in b)
    recorded = [b["recorded_at"] for b in bodies]
    assert any(a > b for a, b in itertools.pairwise(recorded))  # some back-dated logging
    assert sorted(recorded)[0] < "2016" and sorted(recorded)[-1] >= "2024"  # ten years

    path = tmp_path / "log.jsonl"
    write_jsonl(path, n, seed=7)
    lines = path.read_bytes().splitlines()
    assert [json.loads(line) for line in lines] == bodies
    with EventStore(tmp_path / "log.db") as store:
        report = import_lines(store, lines)
        assert (report.appended, report.skipped, report.head) == (n, 0, n)
        assert store.verify().ok

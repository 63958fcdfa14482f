"""Every command on a server log, run as a user runs it: the same answers as on a file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from run_cli import tracker
from tracker.service import Tracker

# What each view prints as JSON, at moments before, during and after the Riyadh talks, and as
# known on the eve of them.
VIEWS = [
    ("status", "--json"),
    ("status", "ukraine-settlement", "--json"),
    ("status", "ukraine-settlement", "--json", "--as-of", "2025-02-17"),
    ("status", "us-russia-normalization", "--json", "--as-of", "2025-02-18", "--known-at", "2025-02-17"),
    ("timeline", "ukraine-settlement", "--json"),
    ("diff", "ukraine-settlement", "--from", "2025-02-10", "--to", "2025-02-19", "--json"),
    ("why", "ukraine-settlement", "parties", "usa", "--json"),
    ("stances", "ukraine-settlement", "--json"),
    ("events", "--json", "--limit", "0"),
    ("events", "--json", "--limit", "0", "--known-at", "2025-02-15"),
]


def _without_loggers(data: Any) -> Any:
    # Who logged an event differs by design: the copier's file name vs the server's record.
    if isinstance(data, dict):
        return {k: _without_loggers(v) for k, v in data.items() if k != "recorded_by"}
    if isinstance(data, list):
        return [_without_loggers(v) for v in data]
    return data


def test_the_demo_copied_to_the_server_and_back_keeps_every_hash_and_answers_alike(
        demo_db: Path, pg_url: str, tmp_path: Path) -> None:
    to_server = tracker("copy", str(demo_db), pg_url)
    assert to_server.returncode == 0, to_server.stderr
    back = tmp_path / "back.db"
    from_server = tracker("copy", pg_url, str(back))
    assert from_server.returncode == 0, from_server.stderr
    heads = {where: json.loads(tracker("verify", "--json", db=where).stdout)["head"]
             for where in (demo_db, pg_url, back)}
    assert len(set(heads.values())) == 1, heads
    exports = [tracker("export", db=where).stdout for where in (demo_db, pg_url, back)]
    assert exports[0] == exports[1] == exports[2]
    for view in VIEWS:
        on_file, on_server = tracker(*view, db=demo_db), tracker(*view, db=pg_url)
        assert on_file.returncode == on_server.returncode, (view, on_file.stderr, on_server.stderr)
        if on_file.returncode:  # nothing known then, say: the same message on both
            assert on_file.stderr == on_server.stderr
            continue
        assert _without_loggers(json.loads(on_file.stdout)) == _without_loggers(json.loads(on_server.stdout)), view


def test_log_and_read_on_the_server_from_the_command_line(pg_url: str) -> None:
    logged = tracker("log", "statement-made", "--track", "t", "--actor", "rus", "--speaker", "rus",
                     "--issue", "sanctions", "--stance", "opposes", "--summary", "Moscow rejects sanctions",
                     "--when", "2025-02-18", "--source", "TASS", db=pg_url)
    assert logged.returncode == 0, logged.stderr
    listed = json.loads(tracker("events", "--json", db=pg_url).stdout)
    assert [e["summary"] for e in listed] == ["Moscow rejects sanctions"]
    assert listed[0]["recorded_by"] == "postgres"  # the role the server saw append it
    assert json.loads(tracker("events", "--json", "--by", "postgres", db=pg_url).stdout) == listed
    assert json.loads(tracker("events", "--json", "--by", "someone-else", db=pg_url).stdout) == []
    why = tracker("why", "t", "stances", "rus", "sanctions", db=pg_url)
    assert why.returncode == 0 and "logged by postgres" in why.stdout, why.stderr
    assert tracker("verify", db=pg_url).returncode == 0


def test_copy_refuses_a_target_that_holds_events_and_leaves_both_as_they_were(
        demo_db: Path, tmp_path: Path, body: Any) -> None:
    other = tmp_path / "other.db"
    with Tracker.open(other) as log:
        log.store.append([body()])
    run = tracker("copy", str(demo_db), str(other))
    assert run.returncode == 1 and "already holds 1 event(s)" in run.stderr
    assert json.loads(tracker("verify", "--json", db=other).stdout)["checked"] == 1


def test_a_failed_copy_leaves_no_new_file(tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    run = tracker("copy", str(tmp_path / "missing.db"), str(target))
    assert run.returncode == 1 and "no database at" in run.stderr
    assert not target.exists()


def test_a_server_without_a_log_says_how_to_make_one(pg_cluster: Any) -> None:
    url = pg_cluster.url(pg_cluster.new_database())
    run = tracker("status", db=url)
    assert run.returncode == 1 and "tracker init-server" in run.stderr and "Traceback" not in run.stderr
    made = tracker("init-server", url, "--analyst", "ana")
    assert (made.returncode == 0 and "role tracker_analyst" in made.stdout) or "ana may append" in made.stdout
    assert tracker("status", db=url).returncode == 0
    again = tracker("init-server", url, "--rebuild-read-side")
    assert again.returncode == 0 and "read side (tracker_read) dropped" in again.stdout
    assert tracker("status", db=url).returncode == 0


@pytest.mark.parametrize("url", ["postgresql://nobody@127.0.0.1:1/none"])
def test_an_unreachable_server_is_a_clear_error(url: str) -> None:
    run = tracker("status", db=url)
    assert run.returncode == 1 and "cannot connect to" in run.stderr and "Traceback" not in run.stderr

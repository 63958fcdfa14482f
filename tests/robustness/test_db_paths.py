"""Every path that cannot hold a log gets one clear line naming it and why, exit 1: never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from run_cli import tracker

LOG_ARGS = ["log", "statement-made", "--when", "2025-02-18", "--track", "t", "--speaker", "s", "--issue", "i",
            "--stance", "supports", "--summary", "x"]


def bad_paths(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (path, what the error must say)"""
    afile = tmp / "afile"
    afile.write_text("precious\n")
    adir = tmp / "adir"
    adir.mkdir()
    empty_ro = tmp / "empty-ro.db"
    empty_ro.touch()
    empty_ro.chmod(0o444)
    return {
        "inside a file": (afile / "x.db", "not a directory"),
        "a directory": (adir, "is a directory"),
        "a text file": (afile, "not a readable SQLite database"),
        "a read-only empty file": (empty_ro, "empty file"),
        "a device": (Path("/dev/null"), "not a regular file"),
        "a /proc file": (Path("/proc/version"), "cannot hold one"),  # its size reads 0, yet it has content
    }


@pytest.mark.parametrize("command", ["status", "events", "log", "import", "tui", "verify"])
def test_a_path_that_cannot_hold_a_log_is_one_line_naming_it(tmp_path, command):
    if not Path("/proc/version").exists():
        pytest.skip("no /proc here")
    source = tmp_path / "in.jsonl"
    source.write_text("")
    args = {"log": LOG_ARGS, "import": ["import", str(source)]}.get(command, [command])
    for name, (path, says) in bad_paths(tmp_path).items():
        before = path.read_bytes() if path.is_file() and path.parent != Path("/proc") else None
        run = tracker(*args, db=path)
        assert run.returncode == 1, (name, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr, (name, run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0] and says in lines[0], (name, run.stderr)
        if before is not None:
            assert path.read_bytes() == before, name


def test_an_unwritable_directory_is_named(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere; the check is the same os.access test as for files")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    run = tracker(*LOG_ARGS, db=locked / "new.db")
    assert run.returncode == 1 and "not writable" in run.stderr and str(locked) in run.stderr


def test_tui_on_a_missing_path_says_so_like_status_and_creates_only_when_asked(tmp_path):
    typo = tmp_path / "typo.db"
    run = tracker("tui", db=typo)
    assert run.returncode == 1 and "no database at" in run.stderr and str(typo) in run.stderr
    assert not typo.exists()
    status = tracker("status", db=typo)
    assert status.returncode == 1 and "no database at" in status.stderr

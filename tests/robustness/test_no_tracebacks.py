"""Issue 16, the audit after it: inputs that still ended in a Python traceback. Each now gets one
clear line naming the file, the option or the line at fault, and why; exit 1 (2 for a usage
error), and nothing half done is left behind looking complete.
"""

from __future__ import annotations

import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from run_cli import tracker

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state"
    monkeypatch.setenv("TRACKER_STATE_DIR", str(path))
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo log (120 events), built by the real command, its WAL folded into the file."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    run = tracker("demo", "--db", str(path), "--no-tui")
    assert run.returncode == 0, run.stderr
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def log(demo_db: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(demo_db, tmp_path / "log.db"))


def one_error_line(run: subprocess.CompletedProcess[str], *says: str, code: int = 1) -> str:
    assert run.returncode == code, (run.returncode, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    for text in says:
        assert text in lines[0], (text, lines[0])
    return lines[0]


# -- a damaged file ---------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["verify"], ["status"], ["events"], ["export"], ["rebuild"], ["timeline"]])
def test_a_damaged_page_is_one_line_naming_the_file_as_damaged(log, command):
    assert log.stat().st_size > 65536 + 4096
    with open(log, "r+b") as fh:  # a page of the events table overwritten, as a bad disk would
        fh.seek(65536)
        fh.write(b"\x07" * 4096)
    line = one_error_line(tracker(*command, db=log), str(log), "damaged", "backup")
    assert "malformed" in line


# -- paths that cannot even be looked at --------------------------------------------------------------
def test_a_file_name_too_long_is_named_with_the_reason(tmp_path):
    long = tmp_path / ("a" * 300 + ".db")
    one_error_line(tracker("status", db=long), "File name too long")
    one_error_line(tracker("log", "statement-made", "--when", "2025-02-18", "--track", "t", "--speaker", "s",
                           "--issue", "i", "--stance", "supports", "--summary", "x", db=long), "File name too long")
    one_error_line(tracker("demo", "--db", str(long), "--no-tui"), "File name too long")
    one_error_line(tracker("copy", str(long), str(tmp_path / "b.db")), "File name too long")


def test_the_home_of_a_user_who_does_not_exist(tmp_path):
    for run in (tracker("status", db="~nosuchuser16/x.db"), tracker("copy", "~nosuchuser16/x.db", str(tmp_path / "b.db"))):
        one_error_line(run, "~nosuchuser16/x.db", "no user 'nosuchuser16'")


# -- numbers too large for anything --------------------------------------------------------------------
HUGE = "99999999999999999999999"


@pytest.mark.parametrize(("args", "named"), [
    (["verify", "--expect-head", f"{HUGE}:{'0' * 64}"], "--expect-head"),
    (["events", "--limit", HUGE], "--limit"),
    (["digest", "--since", "2025-02-01", "--days", HUGE], "--days"),
    (["digest", "--since", "2025-02-01", "--days", "999999999"], "--days"),  # fits, but no date is that far
    (["import", "--expect-position", HUGE, "/dev/null"], "--expect-position"),
])
def test_a_number_too_large_names_its_option(log, args, named):
    run = tracker(*args, db=log)
    assert run.returncode in (1, 2) and "Traceback" not in run.stderr, run.stderr
    assert named in run.stderr, run.stderr
    assert "too large" in run.stderr or "not a position" in run.stderr, run.stderr


# -- outputs that cannot be written ---------------------------------------------------------------------
def test_an_export_that_cannot_be_written_names_the_path_and_the_reason(log, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("x")
    one_error_line(tracker("export", "-o", str(afile / "x.jsonl"), db=log), f"cannot write {afile / 'x.jsonl'}",
                   "Not a directory")
    one_error_line(tracker("export", "--format", "csv", "-o", str(afile / "x.csv"), db=log), str(afile / "x.csv"),
                   "Not a directory")
    if Path("/dev/full").exists():
        one_error_line(tracker("export", "-o", "/dev/full", db=log), "/dev/full", "No space left on device")
    if sys.platform == "linux" and Path("/sys/kernel").is_dir():
        one_error_line(tracker("export", "-o", "/sys/tracker-export.jsonl", db=log), "/sys/tracker-export.jsonl")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() != 0:  # root writes anywhere
        one_error_line(tracker("export", "-o", str(locked / "x.jsonl"), db=log), "Permission denied")


def _limited(*args: str, db: Path, bytes_: int) -> subprocess.CompletedProcess[str]:
    """The command with a limit on the size of any file it writes (a full disk, as far as it knows)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (bytes_, bytes_))

    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("TRACKER_DB", None)
    return subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), *args], capture_output=True, text=True,
                          env=env, timeout=120, preexec_fn=limit)


def test_an_export_that_fails_part_way_leaves_no_partly_written_file(log, tmp_path):
    out = tmp_path / "out.jsonl"
    run = _limited("export", "-o", str(out), db=log, bytes_=20_000)  # the export is some 80 kB
    line = one_error_line(run, f"cannot write {out}", "File too large")
    assert "removed" in line
    assert not out.exists()
    assert tracker("export", "-o", str(out), db=log).returncode == 0  # no limit: the whole file
    assert out.read_text(encoding="utf-8").splitlines()[-1].startswith('{"tracker_export"')


def test_a_copy_into_a_path_inside_a_file_names_it(log, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("precious\n")
    one_error_line(tracker("copy", str(log), str(afile / "x.db")), str(afile / "x.db"), "not a directory")
    assert afile.read_text() == "precious\n"


# -- endless input ---------------------------------------------------------------------------------------
def test_an_import_of_a_line_without_end_stops_at_the_limit(tmp_path):
    target = tmp_path / "new.db"
    if Path("/dev/zero").exists():
        run = tracker("import", "/dev/zero", db=target)
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert "line 1: is longer than 1,000,000 bytes" in run.stderr and "nothing was written" in run.stderr
    piped = tracker("import", "-", db=target, stdin=b'{"id": "' + b"x" * 3_000_000)
    err = piped.stderr.decode()
    assert piped.returncode == 1 and "line 1: is longer than" in err and "Traceback" not in err, err
    assert not target.exists()  # the log made for the import is gone with it


# -- small ones --------------------------------------------------------------------------------------------
def test_a_failed_import_into_a_new_path_leaves_no_empty_log(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"x": 1}\n')
    target = tmp_path / "new.db"
    run = tracker("import", str(bad), db=target)
    assert run.returncode == 1 and "line 1" in run.stderr
    assert list(tmp_path.glob("new.db*")) == []
    existing = tmp_path / "existing.db"  # an existing empty log is not the command's to remove
    assert tracker("import", "/dev/null", db=existing).returncode == 0
    assert tracker("import", str(bad), db=existing).returncode == 1
    assert existing.exists()


def test_a_read_only_command_on_a_missing_file_in_an_unwritable_directory_says_there_is_none(tmp_path, monkeypatch):
    """Nothing would be created, so the directory's permissions are beside the point."""
    from click.testing import CliRunner

    from tracker.cli import cli
    from tracker.store import sqlite

    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    monkeypatch.setattr(sqlite.os, "access", lambda p, mode, **kw: False if Path(p) == locked else real(p, mode, **kw))
    result = CliRunner().invoke(cli, ["--db", str(locked / "x.db"), "status"])
    assert result.exit_code == 1 and "no database at" in result.output and "cannot create" not in result.output
    written = CliRunner().invoke(cli, ["--db", str(locked / "x.db"), "import", "/dev/null"])
    assert written.exit_code == 1 and "not writable" in written.output


def test_tui_on_a_missing_path_mentions_create(tmp_path):
    one_error_line(tracker("tui", db=tmp_path / "typo.db"), "no database at", "tracker tui --create")
    assert "--create" not in tracker("status", db=tmp_path / "typo.db").stderr


def test_output_closed_early_is_no_traceback(log):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("TRACKER_DB", None)
    proc = subprocess.Popen([sys.executable, "-m", "tracker", "--db", str(log), "export"],  # more than a pipe holds
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Traceback" not in err, err

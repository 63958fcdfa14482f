"""The real `tracker demo` command in a real terminal (tmux): it starts, shows the tracks, quits cleanly."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=30)


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session).stdout


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.fixture
def session(tmp_path: Path):  # type: ignore[no-untyped-def]
    name = f"tracker-test-{uuid.uuid4().hex[:8]}"
    yield name
    tmux("kill-session", "-t", name)


@pytest.mark.parametrize("quit_key", ["q", "C-q"])
def test_tracker_demo_starts_in_a_terminal_and_quits_cleanly(tmp_path: Path, session: str, quit_key: str) -> None:
    db = tmp_path / "demo.db"
    status = tmp_path / "exit-status"
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}
    command = (
        f"cd {shlex.quote(str(Path(__file__).resolve().parents[2]))} && "
        f"{shlex.quote(sys.executable)} -m tracker demo --db {shlex.quote(str(db))}; "
        f"echo $? > {shlex.quote(str(status))}; sleep 30"
    )
    started = tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50",
                   "-e", f"PATH={env.get('PATH', '')}", "-e", "TERM=xterm-256color", command)
    assert started.returncode == 0, started.stderr

    shown = wait_for(lambda: "Ukraine war settlement" in capture(session), timeout=60)
    screen = capture(session)
    assert shown, f"the tracks never appeared:\n{screen}"
    assert "◷ now" in screen
    assert "Traceback" not in screen

    tmux("send-keys", "-t", session, quit_key)
    assert wait_for(status.exists, timeout=20), f"did not quit on {quit_key}:\n{capture(session)}"
    assert wait_for(lambda: status.read_text().strip() != "", timeout=5)
    assert status.read_text().strip() == "0"
    after = capture(session)
    assert "Traceback" not in after
    # the terminal is given back: the alternate screen is gone, so the tracks table is no longer drawn
    assert "Ukraine war settlement" not in after

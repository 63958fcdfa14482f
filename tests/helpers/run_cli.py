"""Run the real `tracker` command in a subprocess, as a user would (no TRACKER_DB leaking in)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def tracker(*args: str, db: Path | str | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("TRACKER_DB", None)
    cmd = [sys.executable, "-m", "tracker"] + (["--db", str(db)] if db else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=stdin is None, input=stdin, env=env, timeout=120)

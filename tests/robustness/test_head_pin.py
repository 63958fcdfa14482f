"""Issue 16, item 2: tamper evidence cannot be laundered.

The chain alone shows an edit inside the log (tests/robustness/test_tampering.py), not a log cut
short or rewritten from the first row on. So:

- `verify` prints the head (POSITION:HASH) and `verify --expect-head POSITION:HASH` fails unless the
  log still holds that prefix unchanged;
- every write and every successful verify remembers the head, in a state file beside the user's
  data (TRACKER_STATE_DIR here), never in the log; the next command on a log shorter than, or
  diverging from, that head warns, one line on stderr, until `verify --accept-head`;
- every command on a log whose chain is broken warns (one line, with the position); writes are
  refused; `export` is refused unless --force;
- an export carries each line's hash and, on its last line, the head: importing it checks that
  chain and refuses a forged file naming the line. A file without hashes (written by hand) imports
  as before.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from events import GENESIS, canonical_json, chain_hash
from gen import event_id, write_jsonl
from run_cli import tracker
from tui.app import TrackerApp
from tui_helpers import SIZE, async_test, settle

N = 12


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The state file of these tests' own (run_cli passes the environment on)."""
    path = tmp_path / "state"
    monkeypatch.setenv("TRACKER_STATE_DIR", str(path))
    return path


@pytest.fixture
def log(tmp_path: Path) -> Path:
    """N statements imported by the real command (so the state file has seen its head)."""
    db = tmp_path / "log.db"
    run = tracker("import", str(write_jsonl(tmp_path / "in.jsonl", "pin", N)), db=db)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    return db


def rows(db: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(db) as raw:
        return raw.execute("SELECT position, body, hash FROM events ORDER BY position").fetchall()


def head(db: Path) -> str:
    position, _, hash_ = rows(db)[-1]
    return f"{position}:{hash_}"


def tamper(db: Path, *statements: str, params: tuple = ()) -> None:
    """As a hand with the sqlite3 shell would: drop the append-only triggers, then edit."""
    raw = sqlite3.connect(db)
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        raw.execute(f'DROP TRIGGER "{name}"')
    for sql in statements:
        raw.execute(sql, params) if params else raw.execute(sql)
    raw.commit()
    raw.close()


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def statement_args(n: int) -> list[str]:
    return ["log", "statement-made", "--when", "2025-03-01", "--track", "pin", "--speaker", "lavrov",
            "--issue", "x", "--stance", "opposes", "--summary", f"new statement {n}"]


# -- the head, printed and expected -----------------------------------------------------------------
def test_verify_prints_the_head_and_expect_head_holds_for_it_and_for_any_earlier_head(log):
    run = tracker("verify", db=log)
    assert run.returncode == 0 and f"head {head(log)}" in run.stdout, run.stdout
    assert json.loads(tracker("verify", "--json", db=log).stdout)["head"] == head(log)
    third = rows(log)[2]
    for expected in (head(log), f"3:{third[2]}"):  # a log that has grown since still holds an old head
        held = tracker("verify", "--expect-head", expected, db=log)
        assert held.returncode == 0, held.stdout + held.stderr


def test_an_unreadable_expect_head_is_a_usage_error(log):
    run = tracker("verify", "--expect-head", "twelve", db=log)
    assert run.returncode == 2 and "POSITION:HASH" in run.stderr and "Traceback" not in run.stderr


# -- the last rows deleted --------------------------------------------------------------------------
def test_deleted_last_rows_warn_on_the_next_open_and_fail_the_expected_head(log):
    noted = head(log)
    tamper(log, "DELETE FROM events WHERE position > 9", "DELETE FROM event_tracks WHERE position > 9",
           "DELETE FROM event_actors WHERE position > 9")
    status = tracker("status", db=log)
    assert status.returncode == 0, status.stderr
    shown = warnings(status.stderr)
    assert len(shown) == 1 and "shorter" in shown[0] and f"{N}" in shown[0] and "9" in shown[0], status.stderr
    plain = tracker("verify", db=log)  # the chain that is left holds, but the log lost its end
    assert plain.returncode == 1 and "HEAD NOT HELD" in plain.stdout and "shorter" in plain.stderr, plain.stdout
    verified = tracker("verify", "--expect-head", noted, db=log)
    assert verified.returncode == 1 and "expected head" in verified.stdout and "9" in verified.stdout, verified.stdout
    # The warning stays until someone who knows why says so.
    assert len(warnings(tracker("events", db=log).stderr)) == 1
    assert tracker("verify", "--accept-head", db=log).returncode == 0
    again = tracker("status", db=log)
    assert again.returncode == 0 and again.stderr == "", again.stderr


# -- the whole chain rewritten ----------------------------------------------------------------------
def test_a_consistently_rewritten_chain_verifies_but_fails_the_old_head_and_the_next_open_warns(log):
    noted = head(log)
    prev = GENESIS
    rewritten = []
    for position, body, _ in rows(log):
        data = json.loads(body)
        data["summary"] = data["summary"].replace("statement", "STATEMENT")
        text = canonical_json(data)
        prev = chain_hash(prev, text)
        rewritten.append((text, data["summary"], prev, position))
    raw = sqlite3.connect(log)
    for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        raw.execute(f'DROP TRIGGER "{name}"')
    raw.executemany("UPDATE events SET body = ?, summary = ?, hash = ? WHERE position = ?", rewritten)
    raw.commit()
    raw.close()

    verified = tracker("verify", db=log)  # the chain alone cannot tell; the head last seen can
    assert verified.returncode == 1 and "chain intact" in verified.stdout, verified.stdout
    assert "HEAD NOT HELD" in verified.stdout and "diverges" in verified.stderr, verified.stderr
    expected = tracker("verify", "--expect-head", noted, db=log)
    assert expected.returncode == 1 and f"position {N}" in expected.stdout, expected.stdout
    status = tracker("status", db=log)
    shown = warnings(status.stderr)
    assert len(shown) == 1 and "diverges" in shown[0] and f"position {N}" in shown[0], status.stderr


# -- a row in the middle edited ---------------------------------------------------------------------
def test_an_edited_middle_row_is_warned_by_every_read_and_refused_by_every_write(log, tmp_path):
    tamper(log, "UPDATE events SET body = replace(body, 'pin statement 5', 'pin statement V') WHERE position = 6")
    for command in (("status",), ("events",), ("timeline",)):
        run = tracker(*command, db=log)
        shown = warnings(run.stderr)
        assert len(shown) == 1 and "position 6" in shown[0] and "broken" in shown[0], (command, run.stderr)
    before = rows(log)
    for command in (statement_args(1), ["import", str(write_jsonl(tmp_path / "more.jsonl", "more", 2))],
                    ["log", "retraction", "--when", "2025-03-02", "--track", "pin", "--summary", "withdrawn",
                     "--target", event_id("pin", 3), "--reason", "wrong"]):
        refused = tracker(*command, db=log)
        assert refused.returncode == 1, (command, refused.stdout)
        assert "position 6" in refused.stderr and "nothing was written" in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
    assert rows(log) == before

    exported = tracker("export", db=log)
    assert exported.returncode == 1 and exported.stdout == "" and "--force" in exported.stderr, exported.stderr
    forced = tracker("export", "--force", "-o", str(tmp_path / "evidence.jsonl"), db=log)
    assert forced.returncode == 0 and "position 6" in forced.stderr
    # The evidence keeps the break: importing it elsewhere is refused at the edited line.
    laundered = tracker("import", str(tmp_path / "evidence.jsonl"), db=tmp_path / "clean.db")
    assert laundered.returncode == 1 and "line 6" in laundered.stderr, laundered.stderr
    assert "nothing was written" in laundered.stderr


# -- exports carry the chain ------------------------------------------------------------------------
def test_an_export_carries_each_lines_hash_and_the_head_and_reimports_identically(log, tmp_path):
    out = tmp_path / "log.jsonl"
    assert tracker("export", "-o", str(out), db=log).returncode == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]  # plain JSON Lines
    assert len(lines) == N + 1
    for line, (_, body, hash_) in zip(lines, rows(log), strict=False):
        assert line["hash"] == hash_
        assert canonical_json({k: v for k, v in line.items() if k != "hash"}) == body
    assert lines[-1] == {"tracker_export": {"events": N, "format": 1, "head": head(log)}}
    again = tmp_path / "again.db"
    imported = tracker("import", str(out), db=again)
    assert imported.returncode == 0, imported.stderr
    assert tracker("verify", "--expect-head", head(log), db=again).returncode == 0


def _changed(lines: list[str]) -> list[str]:
    body = json.loads(lines[4])
    body["summary"] = "forged"
    return [*lines[:4], json.dumps(body), *lines[5:]]


def _rehashed(lines: list[str]) -> list[str]:
    """Line 5 changed and its own hash recomputed: the next line no longer follows from it."""
    body = json.loads(lines[4])
    prev = json.loads(lines[3])["hash"]
    body["summary"] = "forged"
    body["hash"] = chain_hash(prev, canonical_json({k: v for k, v in body.items() if k != "hash"}))
    return [*lines[:4], json.dumps(body), *lines[5:]]


@pytest.mark.parametrize(("forge", "named"), [
    (_changed, "line 5"),
    (_rehashed, "line 6"),
    (lambda lines: [*lines[:4], *lines[5:]], "line 5"),  # a line removed
    (lambda lines: [*lines[:2], lines[3], lines[2], *lines[4:]], "line 3"),  # two lines swapped
    (lambda lines: lines[:-3], "cut short"),  # the last lines and the closing line removed
    (lambda lines: [*lines[:-1], json.dumps({"tracker_export": {"events": N - 1, "format": 1,
                                                                "head": "11:" + "0" * 64}})], "closing line"),
], ids=["body-changed", "line-rehashed", "line-removed", "lines-swapped", "cut-short", "head-forged"])
def test_a_forged_export_is_refused_naming_the_line(log, tmp_path, forge, named):
    out = tmp_path / "log.jsonl"
    assert tracker("export", "-o", str(out), db=log).returncode == 0
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join(forge(out.read_text(encoding="utf-8").splitlines())) + "\n", encoding="utf-8")
    target = tmp_path / "target.db"
    run = tracker("import", str(forged), db=target)
    assert run.returncode == 1 and named in run.stderr and "nothing was written" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not target.exists() or rows(target) == []


def test_an_export_with_its_hashes_taken_out_imports_as_a_hand_written_file(log, tmp_path):
    out = tmp_path / "log.jsonl"
    assert tracker("export", "-o", str(out), db=log).returncode == 0
    plain = tmp_path / "plain.jsonl"
    bodies = [{k: v for k, v in json.loads(line).items() if k != "hash"}
              for line in out.read_text(encoding="utf-8").splitlines()[:-1]]
    plain.write_text("".join(json.dumps(b) + "\n" for b in bodies), encoding="utf-8")
    again = tmp_path / "again.db"
    assert tracker("import", str(plain), db=again).returncode == 0
    assert head(again) == head(log)  # the same events, so the same chain


# -- the state file -----------------------------------------------------------------------------------
def test_the_head_is_remembered_beside_the_users_data_and_not_in_the_log(log, state_dir):
    logged = tracker(*statement_args(1), db=log)
    assert logged.returncode == 0, logged.stderr
    files = [p for p in state_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(files) == 1 and files[0].suffix == ".json"
    remembered = json.loads(files[0].read_text(encoding="utf-8"))["logs"][str(log.resolve())]
    assert f"{remembered['seen']['position']}:{remembered['seen']['hash']}" == head(log)
    with sqlite3.connect(log) as raw:
        assert {k for (k,) in raw.execute("SELECT key FROM meta")} == {"format_version", "created_at"}


def test_a_state_file_that_cannot_be_written_is_never_fatal(log, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("TRACKER_STATE_DIR", str(blocker))
    for command in (["status"], statement_args(2), ["verify"]):
        run = tracker(*command, db=log)
        assert run.returncode == 0 and "Traceback" not in run.stderr, (command, run.stderr)
        assert len(warnings(run.stderr)) <= 1


def test_limits_a_byte_edit_behind_sqlites_back_is_found_by_verify_not_by_the_quick_check(log):
    """The quick check on opening trusts rows it verified before while SQLite's schema cookie is
    unchanged (editing a row through SQL means dropping a trigger, which changes it). An edit of
    the file's bytes changes no cookie: only `tracker verify`, which walks the whole chain, finds
    it, and from then on every command warns."""
    for _ in range(2):  # the first builds the read model (which changes the cookie), the second is quick
        assert tracker("status", db=log).stderr == ""
    with sqlite3.connect(log) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = log.read_bytes()
    assert data.count(b"pin statement 5\"") >= 1
    log.write_bytes(data.replace(b"pin statement 5\"", b"pin statement V\""))
    assert warnings(tracker("status", db=log).stderr) == []  # not seen by the quick check
    verified = tracker("verify", db=log)
    assert verified.returncode == 1 and "BROKEN at position 6" in verified.stdout
    shown = warnings(tracker("events", db=log).stderr)
    assert len(shown) == 1 and "position 6" in shown[0]


# -- the terminal UI ----------------------------------------------------------------------------------
@async_test
async def test_the_tui_says_when_the_log_is_shorter_than_the_head_last_seen(log):
    tamper(log, "DELETE FROM events WHERE position > 9", "DELETE FROM event_tracks WHERE position > 9",
           "DELETE FROM event_actors WHERE position > 9")
    app = TrackerApp(log, poll=False, isolate=False)  # in this process: the state file of this test
    async with app.run_test(size=SIZE) as pilot:
        app.start_verify()
        await settle(pilot)
        assert app.integrity is not None and app.integrity.ok  # the chain holds; the head does not
        assert any("shorter" in str(n.message) for n in app._notifications), list(app._notifications)


# -- copy does not launder a log cut short or rewritten ----------------------------------------------
def test_copy_refuses_a_log_that_no_longer_holds_the_head_last_seen_unless_forced(log, tmp_path):
    tamper(log, "DELETE FROM events WHERE position > 9", "DELETE FROM event_tracks WHERE position > 9",
           "DELETE FROM event_actors WHERE position > 9", "DELETE FROM event_loggers WHERE position > 9")
    copy = tmp_path / "copy.db"
    refused = tracker("copy", str(log), str(copy))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "shorter" in refused.stderr and "Nothing was copied" in refused.stderr and "--force" in refused.stderr
    assert list(tmp_path.glob("copy.db*")) == []
    forced = tracker("copy", "--force", str(log), str(copy))
    assert forced.returncode == 0, forced.stderr
    shown = warnings(forced.stderr)
    assert len(shown) == 1 and "--force" in shown[0] and "shorter" in shown[0], forced.stderr
    assert len(rows(copy)) == 9


def test_copy_of_a_log_whose_head_holds_says_nothing_more(log, tmp_path):
    run = tracker("copy", str(log), str(tmp_path / "copy.db"))
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert head(tmp_path / "copy.db") == head(log)


# -- an export's closing line is checked even with the hashes taken out --------------------------------
def _unhashed(lines: list[str]) -> list[str]:
    return [json.dumps({k: v for k, v in json.loads(line).items() if k != "hash"}) for line in lines]


def test_hashes_taken_out_but_the_closing_line_kept_must_still_make_its_head(log, tmp_path):
    out = tmp_path / "log.jsonl"
    assert tracker("export", "-o", str(out), db=log).returncode == 0
    *events, closing = out.read_text(encoding="utf-8").splitlines()
    plain = _unhashed(events)
    kept = tmp_path / "kept.jsonl"
    kept.write_text("\n".join([*plain, closing]) + "\n", encoding="utf-8")
    ok = tracker("import", str(kept), db=tmp_path / "ok.db")
    assert ok.returncode == 0 and head(log) in ok.stdout, ok.stdout + ok.stderr  # the closing line's head, checked
    assert head(tmp_path / "ok.db") == head(log)

    edited = json.loads(plain[4])
    edited["summary"] = "forged"
    forged = tmp_path / "forged.jsonl"
    forged.write_text("\n".join([*plain[:4], json.dumps(edited), *plain[5:], closing]) + "\n", encoding="utf-8")
    target = tmp_path / "target.db"
    run = tracker("import", str(forged), db=target)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"line {N + 1}" in run.stderr and "closing line" in run.stderr and head(log) in run.stderr, run.stderr
    assert not target.exists()
    dropped = tmp_path / "dropped.jsonl"  # an edit on purpose: the closing line taken out too
    dropped.write_text("\n".join([*plain[:4], json.dumps(edited), *plain[5:]]) + "\n", encoding="utf-8")
    assert tracker("import", str(dropped), db=tmp_path / "dropped.db").returncode == 0


# -- the read model is derived: verify checks the list of tracks it keeps -------------------------------
def test_an_edited_list_row_is_found_by_verify_and_mended_by_rebuild(demo_log):
    assert tracker("status", db=demo_log).returncode == 0  # keeps the list rows
    with sqlite3.connect(demo_log) as raw:
        changed = raw.execute("""UPDATE rm_list_rows SET state = replace(state, '"status":"active"',
                                 '"status":"collapsed"')""").rowcount
    assert changed
    assert "collapsed" in tracker("status", db=demo_log).stdout  # what the edit makes status say
    run = tracker("verify", db=demo_log)
    shown = warnings(run.stderr)
    assert len(shown) == 1 and "tracker rebuild" in shown[0] and "read model" in shown[0], run.stderr
    assert run.returncode == 1, run.stdout
    assert tracker("rebuild", db=demo_log).returncode == 0
    again = tracker("verify", db=demo_log)
    assert again.returncode == 0 and again.stderr == "", again.stderr


@pytest.fixture
def demo_log(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    assert tracker("demo", "--db", str(path), "--no-tui").returncode == 0
    return path


# -- a long verify shows how far it got (on a terminal; tracker.cli.progress draws it) ------------------
def test_verify_tells_its_progress_to_whoever_watches(tmp_path, monkeypatch):
    from tracker.cli.progress import TITLES
    from tracker.service import VERIFY_PROGRESS, Tracker

    db = tmp_path / "long.db"
    assert tracker("import", str(write_jsonl(tmp_path / "long.jsonl", "long", 700)), db=db).returncode == 0
    monkeypatch.setenv("TRACKER_PROGRESS_AFTER", "0")
    told: list[tuple[int, int, str]] = []
    with Tracker.open(db, readonly=True) as t:
        t.watch(progress=lambda done, total, what: told.append((done, total, what)))
        assert t.verify().ok
    walked = [x for x in told if x[2] == VERIFY_PROGRESS]
    assert walked and walked[-1] == (700, 700, VERIFY_PROGRESS) and len(walked) >= 2, told
    assert TITLES[VERIFY_PROGRESS] == "verifying the chain"
    piped = tracker("verify", db=db)  # not a terminal: nothing but the result
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr

"""Issue 17's proof: a held-out negotiation (tests/helpers/held_out.py: an interim deal, a deadline
extended five times and met by the final agreement, a framework countered and accepted, a ceasefire
violated and ended, sanctions imposed, eased and lifted, a withdrawal and a broken commitment),
imported through the real command and asked, at a dozen dates, where it stood: `status --json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from held_out import TRACK, events
from tracker.cli import cli


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("held-out")
    source = folder / "talks.jsonl"
    source.write_text("".join(json.dumps(e) + "\n" for e in events()), encoding="utf-8")
    db = folder / "talks.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(source)])
    assert result.exit_code == 0, result.output
    return db


def status(db: Path, as_of: str, *more: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["--db", str(db), "status", TRACK, "--json", "--as-of", as_of, *more])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def deadline(s: dict[str, Any]) -> tuple[str, str] | None:
    found = [(d["status"], d["due"]["earliest"]) for d in s["deadlines"] if d["deadline"] == "final-deal"]
    return found[0] if found else None


def one(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any] | None:
    return next((i for i in items if i[key] == value), None)


# (as of, who sits at the table, the deadline (status, due), the ceasefire's status, the embargo's action)
QUESTIONS = [
    ("2012-06-30", [], None, None, None),
    ("2012-07-02", [], None, None, "imposed"),
    ("2013-10-15", ["aur", "bor", "gal"], None, None, "imposed"),
    ("2013-11-24", ["aur", "bor", "gal"], ("pending", "2014-07-20"), None, "imposed"),
    ("2014-03-15", ["aur", "bor", "gal"], ("pending", "2014-07-20"), "in_force", "eased"),
    ("2014-05-02", ["aur", "bor", "gal"], ("pending", "2014-07-20"), "violated", "eased"),
    ("2014-09-02", ["aur", "bor", "gal"], ("extended", "2014-11-24"), "ended", "eased"),
    ("2015-04-04", ["aur", "bor", "gal"], ("extended", "2015-06-30"), "ended", "eased"),
    ("2015-07-11", ["aur", "bor", "gal"], ("extended", "2015-07-14"), "ended", "eased"),
    ("2015-07-14", ["aur", "bor", "gal"], ("met", "2015-07-14"), "ended", "eased"),
    ("2016-02-01", ["aur", "bor", "gal"], ("met", "2015-07-14"), "ended", "lifted"),
    ("2018-05-09", ["aur", "bor"], ("met", "2015-07-14"), "ended", "lifted"),
    ("2020-01-01", ["aur", "bor"], ("met", "2015-07-14"), "ended", "lifted"),
]


@pytest.mark.parametrize(("as_of", "table", "due", "truce", "embargo"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_where_the_talks_stood(log: Path, as_of: str, table: list[str], due: tuple[str, str] | None,
                               truce: str | None, embargo: str | None) -> None:
    s = status(log, as_of)
    assert sorted(p["actor"] for p in s["parties"]) == table
    assert deadline(s) == due
    ceasefire = one(s["ceasefires"], "ceasefire", "border-truce")
    assert (ceasefire["status"] if ceasefire else None) == truce
    sanctions = one(s["sanctions"], "sanctions", "oil-embargo")
    assert (sanctions["action"] if sanctions else None) == embargo


def test_the_framework_reads_as_a_chain(log: Path) -> None:
    s = status(log, "2015-05-01")
    first, counter = one(s["proposals"], "proposal", "framework"), one(s["proposals"], "proposal", "framework-2")
    assert first is not None and counter is not None
    assert first["countered_by"] == ["bor"] and "framework-2" in first["revised_by"]
    assert counter["revises"] == "framework" and counter["accepted_by"] == ["aur"]
    early = status(log, "2015-04-02")  # tabled, not yet answered
    assert one(early["proposals"], "proposal", "framework")["countered_by"] == []  # type: ignore[index]


def test_the_withdrawal_and_the_broken_commitment(log: Path) -> None:
    before = one(status(log, "2018-05-07")["agreements"], "agreement", "final")
    after = one(status(log, "2019-07-02")["agreements"], "agreement", "final")
    assert before is not None and after is not None
    assert before["withdrawn"] == [] and after["withdrawn"] == ["gal"]
    progress = {c["id"]: c["progress"] for c in after["commitments"]}
    assert progress["stockpile"] == "broken"
    left = status(log, "2019-07-02")["left"]
    assert [d["actor"] for d in left] == ["gal"]


def test_what_was_known_then_differs_from_what_is_known_now(log: Path) -> None:
    """Everything here was logged on import (today): as known on a day before that, nothing was."""
    then = CliRunner().invoke(cli, ["--db", str(log), "status", TRACK, "--json", "--as-of", "2016-02-01",
                                    "--known-at", "2016-02-01"])
    assert then.exit_code == 1 and "nothing is known about track 'atom-talks'" in then.output, then.output
    assert status(log, "2016-02-01", "--known-at", "today")["deadlines"]

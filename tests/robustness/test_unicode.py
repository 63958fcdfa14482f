"""Names and quotes in any script survive log -> export -> import byte for byte, and search finds
them case-insensitively wherever Unicode's (locale-independent) case folding allows.

What search does with Turkish dotted and dotless i, documented and pinned here: the store looks for
`term.casefold()` inside the casefolded text, i.e. Python's full Unicode default case folding, which
knows no locale: 'I' folds to 'i', dotless 'ı' stays 'ı', and dotted capital 'İ' folds to 'i'
followed by U+0307 COMBINING DOT ABOVE. So for a Turkish reader:
- the same letters in another case are found: 'İSTANBUL' finds 'İstanbul', 'ERDOĞAN' finds 'Erdoğan';
- but the Turkish case pairs İ/i and I/ı are different letters: 'istanbul' does not find
  'İstanbul', 'ığdır' does not find 'Iğdır', 'diyarbakır' finds 'Diyarbakır' but not 'DİYARBAKIR',
  and 'ŞİŞLİ' does not find 'Şişli'.
Cyrillic, Greek (final sigma too), German ß and ligatures fold as their readers expect; Arabic,
Chinese and emoji have no case and are found as written.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from gen import event_id
from tracker.cli import cli
from tracker.store import EventFilter, EventStore

TEXTS = {
    "cyrillic": ("Лавров: размещение европейских войск на Украине неприемлемо",
                 "Это, конечно, неприемлемо», — заявил Сергей Лавров."),
    "turkish": ("Erdoğan İstanbul'da: DİYARBAKIR ve Iğdır heyetleri Şişli'de",
                "Türkiye arabuluculuğa hazır; ılımlı bir çözüm İSTENİYOR"),
    "arabic": ("فيصل بن فرحان: المملكة تستضيف المحادثات في الرياض",
               "نرحب بالحوار بين الولايات المتحدة وروسيا"),
    "emoji": ("Handshake 🤝 in Riyadh 🇸🇦 — 🇺🇸 and 🇷🇺 👍🏽 family 👨‍👩‍👧",
              "🕊️ peace? 🤷‍♂️ 💯"),
    "mixed": ("Ελλάδα: ΣΟΦΊΑΣ Straße 中文 नमस्ते Café (NFC) Cafe\u0301 (NFD)",
              "ﬁ ligature, Å vs A\u030a, Ω vs \u2126 ohm"),
}


def tracker_run(db: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), *args],
                          capture_output=True, env=env, input=stdin, timeout=120)


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Statements and actor descriptions in every script, logged with the real `tracker log`."""
    db = tmp_path_factory.mktemp("unicode") / "log.db"
    for n, (name, (summary, quote)) in enumerate(sorted(TEXTS.items())):
        run = tracker_run(db, "log", "statement-made", "--when", "2025-02-18", "--track", "ukraine-settlement",
                          "--speaker", f"speaker-{name}", "--issue", "peacekeepers", "--stance", "opposes",
                          "--summary", summary, "--quote", quote, "--source", f"{name} outlet «{summary[:12]}»",
                          "--location", summary[:20], "--id", event_id("unicode", n))
        assert run.returncode == 0, run.stderr.decode()
    run = tracker_run(db, "log", "actor-described", "--when", "2025-02-18", "--track", "ukraine-settlement",
                      "--actor", "lavrov", "--name", "Сергей Викторович Лавров", "--kind", "person",
                      "--role", "Министр иностранных дел", "--aliases", "Лавров", "--aliases", "ЛАВРОВ С. В.",
                      "--summary", "Сергей Лавров", "--id", event_id("unicode", 99))
    assert run.returncode == 0, run.stderr.decode()
    return db


def test_text_is_stored_exactly_as_given_no_normalisation(logged):
    with EventStore(logged, readonly=True) as s:
        for n, (name, (summary, quote)) in enumerate(sorted(TEXTS.items())):
            e = s.get(event_id("unicode", n)).event
            assert e.summary == summary and e.quote == quote, name
        mixed = s.get(event_id("unicode", sorted(TEXTS).index("mixed"))).event.summary
    # NFC and NFD spellings stay distinct: nothing was normalised on the way in.
    assert "Café" in mixed and "Cafe\u0301" in mixed and unicodedata.normalize("NFC", mixed) != mixed


def test_log_export_import_is_byte_identical_with_identical_hashes(logged, tmp_path):
    exported = tracker_run(logged, "export")
    assert exported.returncode == 0, exported.stderr.decode()
    data = exported.stdout
    for summary, quote in TEXTS.values():  # raw UTF-8, not \u escapes
        assert summary.encode("utf-8") in data and quote.encode("utf-8") in data
    other = tmp_path / "copy.db"
    assert tracker_run(other, "import", "-", stdin=data).returncode == 0
    q = "SELECT position, id, body, hash FROM events ORDER BY position"
    with sqlite3.connect(logged) as a, sqlite3.connect(other) as b:
        original, copy = a.execute(q).fetchall(), b.execute(q).fetchall()
    assert len(original) == len(TEXTS) + 1
    assert copy == original  # bodies byte-identical, hashes identical
    assert tracker_run(other, "export").stdout == data
    assert json.loads(tracker_run(other, "verify", "--json").stdout)["ok"]


def test_export_to_a_non_utf8_terminal_still_writes_utf8(logged):
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    run = subprocess.run([sys.executable, "-m", "tracker", "--db", str(logged), "export"],
                         capture_output=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr.decode(errors="replace")
    assert run.stdout == tracker_run(logged, "export").stdout


def test_events_and_json_show_every_script_unchanged(logged):
    listed = tracker_run(logged, "events", "--limit", "100")
    assert listed.returncode == 0
    text = listed.stdout.decode("utf-8")
    for summary, _ in TEXTS.values():
        assert summary in text
    as_json = json.loads(tracker_run(logged, "events", "--json", "--limit", "100").stdout)
    by_id = {e["id"]: e for e in as_json}
    for n, (summary, quote) in enumerate(v for _, v in sorted(TEXTS.items())):
        assert by_id[event_id("unicode", n)]["summary"] == summary
        assert by_id[event_id("unicode", n)]["quote"] == quote
    actor = by_id[event_id("unicode", 99)]
    assert actor["name"] == "Сергей Викторович Лавров" and actor["aliases"] == ["Лавров", "ЛАВРОВ С. В."]


def _found(db: Path, term: str) -> set[str]:
    result = CliRunner().invoke(cli, ["--db", str(db), "events", "--text", term, "--json", "--limit", "100"])
    assert result.exit_code == 0, result.output
    return {e["id"] for e in json.loads(result.stdout)}


def _ids(*names: str) -> set[str]:
    order = sorted(TEXTS)
    return {event_id("unicode", order.index(n)) for n in names}


@pytest.mark.parametrize(("term", "expected"), [
    ("ЛАВРОВ", {"cyrillic", "actor"}),  # finds 'Лавров'
    ("лавров", {"cyrillic", "actor"}),
    ("НЕПРИЕМЛЕМО", {"cyrillic"}),
    ("сергей викторович", {"actor"}),
    ("erdoğan", {"turkish"}),
    ("ERDOĞAN", {"turkish"}),
    ("ŞİŞLİ", set()),  # 'Şişli' folds to 'şişli', 'ŞİŞLİ' to 'şi̇şli̇': not found (see above)
    ("şişli", {"turkish"}),
    ("الرياض", {"arabic"}),  # no case in Arabic: found as written
    ("المحادثات في", {"arabic"}),
    ("🤝", {"emoji"}),
    ("🇷🇺", {"emoji"}),
    ("👨‍👩‍👧", {"emoji"}),
    ("σοφίας", {"mixed"}),  # final sigma and capital sigma fold alike
    ("STRASSE", {"mixed"}),  # ß folds to ss
    ("中文", {"mixed"}),
    ("FI LIGATURE", {"mixed"}),  # the ﬁ ligature folds to 'fi'
])
def test_search_is_case_insensitive_where_the_script_has_case(logged, term, expected):
    names = {n for n in expected if n != "actor"}
    want = _ids(*names) | ({event_id("unicode", 99)} if "actor" in expected else set())
    assert _found(logged, term) == want


def test_turkish_dotted_and_dotless_i_follow_unicode_default_case_folding(tmp_path):
    """Pin the documented behaviour: default folding, no Turkish locale rules."""
    assert "İ".casefold() == "i\u0307" and "I".casefold() == "i" and "ı".casefold() == "ı"
    db = tmp_path / "tr.db"
    words = ["İstanbul", "ISPARTA", "ısparta", "Diyarbakır", "DİYARBAKIR", "Iğdır"]
    with EventStore(db) as s:
        s.append([{"id": event_id("tr", n), "type": "statement_made",
                   "occurred": {"earliest": "2025-02-18", "latest": "2025-02-18", "precision": "day"},
                   "tracks": ["t"], "summary": f"word {w}", "speaker": "x", "issue": "y", "stance": "neutral"}
                  for n, w in enumerate(words)])

        def hits(term: str) -> list[str]:
            return sorted(e.event.summary[5:] for e in s.query(EventFilter(text=term)))

        # Same letters in another case: found.
        assert hits("İSTANBUL") == ["İstanbul"]
        assert hits("isparta") == ["ISPARTA"]  # I folds to i, so the dotless 'ısparta' is not found
        assert hits("ISPARTA") == ["ISPARTA"]
        assert hits("ISPARTA".lower()) == ["ISPARTA"]
        # Turkish pairs are different letters to default folding:
        assert hits("istanbul") == []  # 'İ' folds to i + combining dot
        assert hits("i\u0307stanbul") == ["İstanbul"]
        assert hits("diyarbakır") == ["Diyarbakır"]  # not 'DİYARBAKIR' (di̇yarbakir)
        assert hits("DİYARBAKIR") == ["DİYARBAKIR"]
        assert hits("ığdır") == []  # 'Iğdır' folds to 'iğdır'
        assert hits("iğdır") == ["Iğdır"]
        assert hits("ı") == ["Diyarbakır", "Iğdır", "ısparta"]


def test_limits_count_characters_not_bytes(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "lim.db")
    base = ["--db", db, "log", "statement-made", "--when", "2025-02-18", "--track", "t", "--speaker", "x",
            "--issue", "y", "--stance", "neutral", "--summary"]
    ok = runner.invoke(cli, base + ["Ж" * 250 + "🤝" * 250])  # 500 characters, 1,500 bytes
    assert ok.exit_code == 0, ok.output
    too_long = runner.invoke(cli, base + ["Ж" * 501])
    assert too_long.exit_code == 1 and "field 'summary'" in too_long.stderr


def test_non_ascii_ids_are_refused_clearly(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "log", "statement-made", "--when", "2025-02-18",
                                      "--track", "украина", "--speaker", "x", "--issue", "y", "--stance", "neutral",
                                      "--summary", "s"])
    assert result.exit_code == 1
    assert "field 'tracks.0'" in result.stderr and "'украина'" in result.stderr


def test_a_database_path_with_spaces_hash_question_mark_percent_and_cyrillic_works(tmp_path):
    """Read-only opens go through an SQLite URI, where '#', '?' and '%' mean something."""
    folder = tmp_path / "Переговоры #1? 100%"
    folder.mkdir()
    db = folder / "лог #2?.db"
    logged = tracker_run(db, "log", "statement-made", "--when", "2025-02-18", "--track", "t", "--speaker", "x",
                         "--issue", "y", "--stance", "neutral", "--summary", "путь с решёткой")
    assert logged.returncode == 0, logged.stderr.decode()
    for args in (("events",), ("verify",), ("export",)):
        run = tracker_run(db, *args)
        assert run.returncode == 0, (args, run.stderr.decode())
        assert "путь с решёткой".encode() in run.stdout or b"ok: 1 event" in run.stdout
    # and nothing was created anywhere else (a mis-parsed URI opens, and creates, another file)
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]
    assert {p.name for p in folder.iterdir()} <= {db.name, db.name + "-wal", db.name + "-shm"}

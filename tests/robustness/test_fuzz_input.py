"""Bad input, fuzzed: no line of JSON and no command-line argument can break the log.

Every bad input gets an error naming its line (for files) and its field (whenever the input got as
far as having fields: a line that is not valid UTF-8 or not JSON at all is named by line alone),
a non-zero exit status, and leaves the database unchanged: same head hash, same row counts, and
SQLite's `data_version` unchanged (no other connection committed anything).

Most cases run in-process (`import_lines`, click's CliRunner); a few run the real program.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events import CLAIM_STATUSES, EVENT_TYPES, STANCES
from events.ids import ULID_RE
from gen import event_id, statement, statements
from tracker.cli import cli
from tracker.store import EventStore, IdConflict, InvalidEvents, StoreError
from tracker.store.jsonl import MAX_LINE_BYTES, import_lines
from tracker.textsafe import printable

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SEEDED = 20


def fuzz(examples: int) -> settings:
    """Examples per test (1,366 in all across this file), no deadline: some inputs are megabytes."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture])


_fresh = itertools.count()


def fresh(**overrides: Any) -> dict[str, Any]:
    """A valid event no one has used yet."""
    return statement("fuzz", next(_fresh), **overrides)


# -- the database every case runs against, and the proof it did not change ---------------------
@dataclass
class Seeded:
    path: Path
    store: EventStore
    snapshot: tuple[Any, ...]
    ids: list[str]


def snapshot(store: EventStore) -> tuple[Any, ...]:
    c = store.conn
    return (
        store.head(),
        c.execute("SELECT count(*) FROM events").fetchone()[0],
        c.execute("SELECT count(*) FROM event_tracks").fetchone()[0],
        c.execute("SELECT count(*) FROM event_actors").fetchone()[0],
        store.data_version(),
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    path = tmp_path_factory.mktemp("fuzz") / "log.db"
    store = EventStore(path)
    bodies = list(statements("seed", SEEDED))
    store.append(bodies)
    yield Seeded(path, store, snapshot(store), [b["id"] for b in bodies])
    store.close()


def assert_unchanged(seeded: Seeded) -> None:
    assert snapshot(seeded.store) == seeded.snapshot, "the database changed"


# -- one bad line, and what the error must name -------------------------------------------------
@dataclass
class Bad:
    kind: str
    line: bytes
    field: str | None  # None: the line never got as far as having fields
    fragment: str = ""  # must appear in the message
    conflict: bool = False  # an id conflict (reported by line and id, not as a field problem)


def _line(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _without(body: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in keys}


not_slug = st.text(max_size=12).filter(lambda s: not SLUG.match(s))
scalars = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
not_a_string = st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(),
                         st.lists(st.text(max_size=3), max_size=2),
                         st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))

WRONG_TYPES: dict[str, st.SearchStrategy[Any]] = {
    "summary": st.one_of(not_a_string, st.none(), st.just(""), st.just("x" * 501)),
    "tracks": st.one_of(st.text(max_size=10), scalars, st.just([]), st.lists(not_slug, min_size=1, max_size=3),
                        st.lists(st.integers(), min_size=1, max_size=3)),
    "actors": st.one_of(st.text(min_size=1, max_size=10), st.lists(not_slug, min_size=1, max_size=3)),
    "occurred": st.one_of(st.text(max_size=10), scalars, st.lists(st.integers(), max_size=2)),
    "stance": st.one_of(st.text(max_size=12).filter(lambda s: s not in STANCES), scalars),
    "status": st.one_of(st.text(max_size=12).filter(lambda s: s not in CLAIM_STATUSES), st.integers()),
    "speaker": st.one_of(not_slug, st.integers(), st.lists(st.just("lavrov"), min_size=1, max_size=2)),
    "sources": st.one_of(st.text(max_size=5), scalars, st.just(["TASS"]), st.just([{"outlet": 5}]),
                         st.just([{"url": "https://example.org"}]), st.just([{"outlet": "x", "extra": 1}])),
    "id": st.one_of(st.text(max_size=30).filter(lambda s: not ULID_RE.match(s)), st.integers(),
                    st.just(event_id("x", 1).lower())),
    "recorded_at": st.one_of(st.sampled_from(["2025-02-18T10:00:00", "yesterday", "2025-02-30T00:00:00Z",
                                              "", "18/02/2025 10:00"]), st.lists(st.integers(), max_size=2)),
    "tags": st.one_of(st.text(min_size=1, max_size=8), st.lists(not_slug, min_size=1, max_size=3)),
    "location": st.one_of(not_a_string, st.just(""), st.just("y" * 501)),
}
REQUIRED = ("id", "type", "occurred", "tracks", "summary", "speaker", "issue", "stance")
BAD_DATES = ["2025-02-30", "2025-13-01", "2025-00-10", "2025-04-31", "2023-02-29", "03/04/2025",
             "4.5.2025", "18 Feb 2025", "yesterday", "", "2025-02-18T25:00", "0000-01-01", "+2025-01-01"]
BAD_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xe2\x82",
            b"\xc0\xaf", b"\xf4\x90\x80\x80"]


@st.composite
def bad_lines(draw: st.DrawFn, seeded_ids: list[str]) -> Bad:
    kind = draw(st.sampled_from([
        "wrong_type", "missing", "unknown_type", "impossible_date", "huge_string", "invalid_utf8", "nul",
        "deep", "duplicate_existing", "extra_field", "not_object", "malformed", "schema_version",
        "bad_reference", "old_schema",
    ]))
    # Drawn, not counted, so hypothesis can replay it; the "bad" series never clashes with fresh().
    body = statement("bad", draw(st.integers(0, 10**6)))
    if kind == "wrong_type":
        field = draw(st.sampled_from(sorted(WRONG_TYPES)))
        body[field] = draw(WRONG_TYPES[field])
        return Bad(kind, _line(body), field)
    if kind == "missing":
        field = draw(st.sampled_from(REQUIRED))
        return Bad(kind, _line(_without(body, field)), field, "missing")
    if kind == "unknown_type":
        body["type"] = draw(st.one_of(st.text(max_size=20).filter(lambda s: s not in EVENT_TYPES), scalars,
                                      st.just(["statement_made"]), st.just("Statement_Made")))
        return Bad(kind, _line(body), "type")
    if kind == "impossible_date":
        which = draw(st.sampled_from(["earliest", "latest", "precision", "order", "week", "month", "time"]))
        occ = dict(body["occurred"])
        if which in ("earliest", "latest"):
            occ[which] = draw(st.sampled_from(BAD_DATES))
            field = f"occurred.{which}"
        elif which == "precision":
            occ["precision"] = draw(st.text(max_size=10).filter(lambda s: s not in ("day", "week", "month", "range")))
            field = "occurred.precision"
        elif which == "order":
            occ.update(earliest="2025-02-18", latest="2025-02-10", precision="range")
            field = "occurred"
        elif which == "week":
            occ.update(earliest="2025-02-18", latest="2025-02-24", precision="week")  # a Tuesday
            field = "occurred"
        elif which == "month":
            occ.update(earliest="2025-02-01", latest="2025-02-27", precision="month")
            field = "occurred"
        else:
            occ.update(earliest="2025-02-10", latest="2025-02-16", precision="week", time="10:00:00")
            field = "occurred"
        body["occurred"] = occ
        return Bad(kind, _line(body), field)
    if kind == "huge_string":
        field, limit = draw(st.sampled_from([("summary", 500), ("details", 20_000), ("location", 500),
                                             ("tracks", 80), ("speaker", 80)]))
        size = draw(st.integers(limit + 1, limit * 4))
        text = "a" * size
        if field == "tracks":
            body["tracks"] = [text]
            field = "tracks.0"
        else:
            body[field] = text
        if draw(st.booleans()) and field in ("summary", "details"):  # multi-byte characters, same limit
            body[field] = "л" * size
        return Bad(kind, _line(body), field)
    if kind == "invalid_utf8":
        raw = _line(body)
        at = raw.index(b'"summary": "') + len(b'"summary": "') + draw(st.integers(0, 5))
        junk = draw(st.one_of(st.sampled_from(BAD_UTF8),
                              st.binary(min_size=1, max_size=8).filter(lambda b: not _decodes(b))))
        line = raw[:at] + junk + raw[at:]
        if _decodes(line):  # the junk completed a character with its neighbour: force an error
            line = raw[:at] + b"\xff" + raw[at:]
        return Bad(kind, line, None, "UTF-8")
    if kind == "nul":
        where = draw(st.sampled_from(["summary", "details", "location", "quote", "raw"]))
        if where == "raw":  # an unescaped NUL byte is not JSON
            raw = _line(body)
            at = draw(st.integers(1, len(raw) - 1))
            return Bad(kind, raw[:at] + b"\x00" + raw[at:], None, "JSON")
        text = draw(st.text(max_size=10))
        body[where] = text + "\x00" + text
        return Bad(kind, _line(body), where, "NUL")
    if kind == "deep":
        how = draw(st.sampled_from(["parser", "field", "changes"]))
        if how == "parser":  # too deep for any JSON parser
            depth = draw(st.integers(5_000, 200_000))
            line = _line(body)[:-1] + b', "details": ' + b"[" * depth + b"]" * depth + b"}"
            return Bad(kind, line, None, "nested too deeply")
        # in `changes` (free-form JSON), anything over 32 levels is refused as it is read
        depth = draw(st.integers(2, 900) if how == "field" else st.integers(33, 900))
        nested: Any = "x"
        for _ in range(depth):
            nested = [nested] if draw(st.booleans()) else {"k": nested}
        if how == "field":
            body["summary"] = nested
            return Bad(kind, _line(body), "summary")
        body = _without(body, "speaker", "issue", "stance")
        body.update(type="correction", target=seeded_ids[0], changes={"summary": nested}, reason="fuzz")
        return Bad(kind, _line(body), "changes")
    if kind == "duplicate_existing":
        body["id"] = draw(st.sampled_from(seeded_ids))
        return Bad(kind, _line(body), "id", body["id"], conflict=True)
    if kind == "extra_field":
        key = draw(st.text(min_size=1, max_size=12).filter(lambda k: k not in body and k not in (
            "details", "location", "status", "tags", "recorded_at", "schema_version", "on_behalf_of", "quote",
            "towards", "date", "source")))
        body[key] = draw(st.one_of(scalars, st.text(max_size=5)))
        return Bad(kind, _line(body), key, "Extra inputs")
    if kind == "not_object":
        value = draw(st.one_of(scalars, st.text(max_size=10), st.lists(st.integers(), max_size=3)))
        return Bad(kind, _line(value), None, "expected a JSON object")
    if kind == "malformed":
        raw = _line(body)
        how = draw(st.sampled_from(["truncate", "trailing", "quote", "nan"]))
        if how == "truncate":
            return Bad(kind, raw[: draw(st.integers(1, len(raw) - 1))], None, "malformed JSON")
        if how == "trailing":
            return Bad(kind, raw + b", {}", None, "malformed JSON")
        if how == "quote":
            return Bad(kind, raw.replace(b'"summary"', b"summary", 1), None, "malformed JSON")
        # Python's json reads NaN; it is then refused like any other non-string value.
        return Bad(kind, raw.replace(b'"summary": "', b'"summary": NaN, "x": "', 1), "summary")
    if kind == "schema_version":
        body["schema_version"] = draw(st.one_of(st.integers(max_value=0), st.integers(min_value=3),
                                                st.sampled_from(["2", 2.5, None, 1, True, [2]])))
        return Bad(kind, _line(body), "schema_version")
    if kind == "bad_reference":
        body = _without(body, "speaker", "issue", "stance")
        body.update(type=draw(st.sampled_from(["retraction", "correction"])), target=event_id("nowhere", 1),
                    reason="fuzz")
        if body["type"] == "correction":
            body["changes"] = {"summary": "corrected"}
        return Bad(kind, _line(body), "target", "no event with id")
    # old_schema: a version 1 line (single `date`, single `source`) with a bad value in it
    body = _without(body, "occurred", "sources")
    body.update(schema_version=1, date="2025-02-17", source="Reuters")
    which = draw(st.sampled_from(["no_date", "bad_date", "recorded_at"]))
    if which == "no_date":
        return Bad(kind, _line(_without(body, "date")), "schema_version", "no 'date'")
    if which == "bad_date":
        body["date"] = draw(st.sampled_from(BAD_DATES[:7] + [[2025, 2, 18], {"y": 2025}]))
        return Bad(kind, _line(body), "occurred")
    body["recorded_at"] = draw(st.sampled_from(["2025-02-18T10:00:00", "soon", "2025-02-30T10:00:00Z", [1]]))
    return Bad(kind, _line(body), "recorded_at")


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def check_error(message: str, problems: list[Any] | None, bad: Bad, line_no: int) -> None:
    """The error names the line, and the field when there is one; the user sees both in the text."""
    assert f"line {line_no}" in message, message
    assert bad.fragment in message, (bad.fragment, message)
    if bad.conflict:
        assert f"event id {bad.fragment}" in message
        return
    assert problems is not None
    mine = [p for p in problems if p.line == line_no]
    assert mine, message
    if bad.field is None:
        assert all(p.field is None for p in mine), message
        return
    assert any(p.field == bad.field or (p.field or "").startswith(bad.field + ".") for p in mine), (bad.field, message)
    assert f"line {line_no}: field '{bad.field}" in message, message


def import_and_expect_failure(seeded: Seeded, lines: list[bytes]) -> tuple[str, list[Any] | None]:
    with pytest.raises((InvalidEvents, IdConflict)) as info:
        import_lines(seeded.store, lines)
    assert_unchanged(seeded)
    exc = info.value
    return str(exc), exc.problems if isinstance(exc, InvalidEvents) else None


# -- in-process: import_lines ---------------------------------------------------------------------
@fuzz(600)
@given(data=st.data())
def test_a_bad_line_among_good_ones_is_named_and_nothing_is_written(seeded, data):
    bad = data.draw(bad_lines(seeded.ids))
    before = data.draw(st.integers(0, 4))
    after = data.draw(st.integers(0, 3))
    lines = [_line(fresh()) for _ in range(before)] + [bad.line] + [_line(fresh()) for _ in range(after)]
    message, problems = import_and_expect_failure(seeded, lines)
    check_error(message, problems, bad, before + 1)


@fuzz(200)
@given(data=st.data())
def test_every_bad_line_of_a_file_is_reported(seeded, data):
    bads = data.draw(st.lists(bad_lines(seeded.ids), min_size=2, max_size=4).filter(
        lambda bs: not any(b.conflict or b.kind == "bad_reference" for b in bs)))  # those are checked at write time
    lines, at = [], []
    for bad in bads:
        lines += [_line(fresh()) for _ in range(data.draw(st.integers(0, 2)))]
        lines.append(bad.line)
        at.append(len(lines))
        if data.draw(st.booleans()):
            lines.append(b"   ")  # blank lines are skipped but still counted
    message, problems = import_and_expect_failure(seeded, lines)
    for bad, line_no in zip(bads, at, strict=True):
        check_error(message, problems, bad, line_no)


@fuzz(60)
@given(data=st.data())
def test_the_same_id_twice_in_a_file_with_different_content_is_refused(seeded, data):
    first = fresh()
    changed = data.draw(st.sampled_from(["summary", "stance", "tracks", "occurred"]))
    second = dict(first)
    second[changed] = {"summary": "changed", "stance": "supports" if first["stance"] != "supports" else "neutral",
                       "tracks": ["elsewhere"], "occurred": {"earliest": "2024-01-01", "latest": "2024-01-01",
                                                             "precision": "day"}}[changed]
    gap = [_line(fresh()) for _ in range(data.draw(st.integers(0, 3)))]
    lines = [_line(first), *gap, _line(second)]
    message, _ = import_and_expect_failure(seeded, lines)
    check_error(message, None, Bad("dup", b"", "id", first["id"], conflict=True), len(lines))


def test_an_identical_duplicate_is_skipped_not_an_error(tmp_path):
    # The counterpart of the above: the same event twice (or already stored) is a no-op.
    with EventStore(tmp_path / "dup.db") as s:
        body = fresh()
        report = import_lines(s, [_line(body), _line(body)])
        assert (report.appended, report.skipped, s.count()) == (1, 1, 1)


def test_a_line_over_the_size_limit_is_named_and_nothing_is_written(seeded):
    body = fresh(details="d" * 19_000)
    padding = " " * (MAX_LINE_BYTES + 10 - len(_line(body)))
    huge = _line(body)[:-1] + padding.encode() + b"}"
    message, problems = import_and_expect_failure(seeded, [_line(fresh()), huge])
    check_error(message, problems, Bad("huge", huge, None, "limit"), 2)


# -- in-process: the command line --------------------------------------------------------------
def run_cli(seeded: Seeded, *args: str, input: bytes | None = None) -> Any:
    result = CliRunner().invoke(cli, ["--db", str(seeded.path), *args], input=input)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        f"crashed: {result.exception!r}\n{result.output}"
    return result


@fuzz(150)
@given(data=st.data())
def test_cli_import_of_a_bad_file_exits_non_zero_naming_line_and_field(seeded, data):
    bad = data.draw(bad_lines(seeded.ids))
    before = data.draw(st.integers(0, 3))
    content = b"".join(_line(fresh()) + b"\n" for _ in range(before)) + bad.line + b"\n"
    result = run_cli(seeded, "import", "-", input=content)
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr or bad.conflict
    assert result.stderr.startswith("error: ") and "Traceback" not in result.output
    line_no = before + 1
    assert f"line {line_no}" in result.stderr
    if bad.field and not bad.conflict:
        # what the user sees: the field name with any control characters made visible
        assert printable(f"line {line_no}: field '{bad.field}") in result.stderr, result.stderr
    assert_unchanged(seeded)


LOG_BASE = {
    "--when": "2025-02-18", "--summary": "Lavrov: no European troops", "--track": "ukraine-settlement",
    "--speaker": "lavrov", "--issue": "european-peacekeepers", "--stance": "opposes",
}

# flag -> (strategy of bad values, what the error must name)
BAD_FLAGS: dict[str, tuple[st.SearchStrategy[str], str]] = {
    "--when": (st.one_of(
        st.sampled_from(["2025-02-30", "31/02/2025", "2025-13-01", "31 April 2025", "29 Feb 2023", "", "   ",
                         "2025-02-18..2025-02-10", "between 5 March and 2 March", "3000-01-01", "1700-01-01",
                         "next blursday", "2025-02-18T25:61"]),
        # d/m versus m/d cannot be told apart when both are 12 or less and differ (dotted dates are
        # always day first: 10.02.2025 is 10 Feb)
        st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(1990, 2100))
        .filter(lambda t: t[0] != t[1]).map(lambda t: f"{t[0]:02d}/{t[1]:02d}/{t[2]}"),
        st.text(min_size=101, max_size=300),
        st.text(alphabet="qxzjkw", min_size=3, max_size=12).map(lambda s: "zq" + s),
        st.text(max_size=10).map(lambda s: s + "\x00"),
    ), "field 'when'"),
    "--summary": (st.one_of(st.just(""), st.just("   "), st.text(min_size=501, max_size=2000).filter(
        lambda s: len(s.strip()) > 500), st.text(max_size=20).map(lambda s: "a\x00" + s),
        # what Python makes of an argument that is not valid UTF-8 (surrogate escapes)
        st.binary(min_size=1, max_size=6).filter(lambda b: not _decodes(b)).map(
            lambda b: "caf" + b.decode("utf-8", "surrogateescape"))), "field 'summary'"),
    # The form strips what is typed ('0\r' is speaker '0'): bad means bad once stripped.
    "--track": (not_slug.filter(lambda s: not SLUG.match(s.strip()) and s.strip() and "," not in s
                                and not s.startswith("-")), "field 'tracks"),
    "--speaker": (not_slug.filter(lambda s: not SLUG.match(s.strip()) and s.strip() and not s.startswith("-")),
                  "field 'speaker'"),
    "--stance": (st.text(max_size=12).filter(lambda s: s not in STANCES and not s.startswith("-")), "--stance"),
    "--status": (st.text(max_size=12).filter(lambda s: s not in CLAIM_STATUSES and not s.startswith("-")),
                 "--status"),
    "--id": (st.text(max_size=30).filter(lambda s: s and not ULID_RE.match(s) and not s.startswith("-")),
             "field 'id'"),
    "--expect-position": (st.text(max_size=8).filter(lambda s: not s.strip().lstrip("+-").isdigit()
                                                     and not s.startswith("-")), "--expect-position"),
    "--published": (st.sampled_from(["2025-02-30", "03/04/2025", "soonish", "zqx"]), "field 'sources.0.published'"),
    "--quote": (st.one_of(st.text(max_size=10).map(lambda s: s + "\x00"), st.just("q" * 20_001)), "field 'quote'"),
    "--location": (st.one_of(st.just("l" * 501), st.just("Riyadh\x00")), "field 'location'"),
    "--reported-on": (st.sampled_from(["2025-02-30", "03/04/2025", "zqxj", ""]), "--reported-on"),
    "--tag": (not_slug.filter(lambda s: not SLUG.match(s.strip()) and s.strip() and "," not in s
                              and not s.startswith("-")), "field 'tags"),
}


@fuzz(400)
@given(data=st.data())
def test_cli_log_with_a_bad_argument_exits_non_zero_naming_it(seeded, data):
    flag = data.draw(st.sampled_from(sorted(BAD_FLAGS) + ["--url-without-source", "--duration", "--changes",
                                                          "--unknown-type"]))
    args = dict(LOG_BASE)
    command = "statement-made"
    if flag == "--url-without-source":
        args["--url"] = "https://example.org"
        expected = "--url 'https://example.org' comes before any --source"
    elif flag == "--duration":  # meeting-held's number field
        command = "meeting-held"
        args = {k: v for k, v in args.items() if k not in ("--speaker", "--issue", "--stance")}
        args.update({"--meeting": "riyadh", "--title": "Riyadh talks"})
        args["--duration-hours"] = data.draw(st.sampled_from(["0", "-1", "1001", "1e9", "nan", "inf", "abc", ""]))
        expected = "duration"
    elif flag == "--changes":
        command = "correction"
        args = {k: v for k, v in args.items() if k not in ("--speaker", "--issue", "--stance")}
        nested = "1"
        for _ in range(data.draw(st.integers(200, 900))):
            nested = "[" + nested + "]"
        args.update({"--target": seeded.ids[0], "--reason": "fuzz", "--changes": data.draw(st.sampled_from([
            "{not json", "[1, 2]", "{}", '{"id": "x"}', '{"stance": "maybe"}', '{"summary": ' + nested + "}",
        ]))})
        expected = "changes"
    elif flag == "--unknown-type":
        command = data.draw(st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20).filter(
            lambda s: s.replace("-", "_") not in EVENT_TYPES and not s.startswith("-")))
        expected = "No such command"
    else:
        value, expected = data.draw(BAD_FLAGS[flag][0]), BAD_FLAGS[flag][1]
        if flag == "--published":
            args["--source"] = "TASS"
        args[flag] = value
    argv = ["log", command]
    for k, v in args.items():
        argv += [k, v]
    result = run_cli(seeded, *argv)
    assert result.exit_code != 0, (argv, result.output)
    assert expected in result.stderr, (argv, result.stderr)
    assert "Traceback" not in result.output
    assert_unchanged(seeded)


# -- the real program, for good measure -----------------------------------------------------------
REAL_CASES = {
    "invalid_utf8": (b'{"id": "x", "summary": "caf\xe9"}', "line 2: not valid UTF-8"),
    "raw_nul": (b'{"id": "x",\x00 "summary": "y"}', "line 2: malformed JSON"),
    "deep": (b"[" * 100_000 + b"]" * 100_000, "line 2: malformed JSON: nested too deeply"),
    "nul_escape": (_line(statement("real", 1, summary="a\u0000b")), "line 2: field 'summary'"),
    "unknown_type": (_line(statement("real", 2, type="treaty_signed")), "line 2: field 'type'"),
    "newer_schema": (_line(statement("real", 3, schema_version=7)), "line 2: field 'schema_version'"),
}


@pytest.mark.parametrize("case", sorted(REAL_CASES))
def test_real_tracker_import_refuses_bad_files(tmp_path, case):
    db = tmp_path / "real.db"
    with EventStore(db) as s:
        s.append(list(statements("real-seed", 5)))
        before = (s.head(), s.count())
    line, expected = REAL_CASES[case]
    src = tmp_path / "bad.jsonl"
    src.write_bytes(_line(statement("real", 0)) + b"\n" + line + b"\n" + _line(statement("real", 9)) + b"\n")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    run = subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "import", str(src)],
                         capture_output=True, env=env, timeout=120)
    stderr = run.stderr.decode("utf-8")
    assert run.returncode == 1, stderr
    assert expected in stderr and "nothing was written" in stderr and "Traceback" not in stderr
    with EventStore(db) as s:
        assert (s.head(), s.count()) == before and s.verify().ok


def test_store_append_from_python_reports_the_event_and_field(seeded):
    # The same guarantees for programs that call the store directly (the TUI, scripts).
    with pytest.raises(InvalidEvents) as info:
        seeded.store.append([fresh(), fresh(stance="maybe"), fresh(summary=None)])
    fields = {(p.field, p.message.split(":")[0]) for p in info.value.problems}
    assert ("stance", "event 2") in fields and ("summary", "event 3") in fields
    assert_unchanged(seeded)
    with pytest.raises(StoreError):
        seeded.store.append([fresh(id=seeded.ids[3])])
    assert_unchanged(seeded)


def test_real_tracker_log_with_an_argument_that_is_not_utf8(tmp_path):
    db = tmp_path / "argv.db"
    with EventStore(db) as s:
        s.append(list(statements("argv-seed", 2)))
        before = s.head()
    argv = [sys.executable.encode(), b"-m", b"tracker", b"--db", str(db).encode(), b"log", b"statement-made",
            b"--when", b"2025-02-18", b"--track", b"t", b"--speaker", b"x", b"--issue", b"y", b"--stance",
            b"neutral", b"--summary", b"caf\xe9 \xff\xfe"]
    run = subprocess.run(argv, capture_output=True, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    stderr = run.stderr.decode("utf-8")
    assert run.returncode == 1 and "field 'summary'" in stderr and "Traceback" not in stderr, stderr
    with EventStore(db) as s:
        assert s.head() == before

"""The layer contract: data flows events -> log -> projections -> service -> views.

The command line and the terminal UI reach the log only through the application service
(tracker.service), plus the vocabulary (events), the state types and the moment (projections.state,
projections.moment), forms and rendering helpers. They never import the store, the read model,
sqlite3 or the benchmark, and hold no SQL. Projections are pure: they import no part of the tracker.
Every import is checked, including those inside functions.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VIEWS = [*sorted((ROOT / "tui").rglob("*.py")), *sorted((ROOT / "tracker" / "cli").rglob("*.py")),
         *sorted((ROOT / "tracker" / "publish").rglob("*.py"))]
VIEW_MAY_IMPORT = (
    "tracker.service", "tracker.forms", "tracker.present", "tracker.textsafe", "tracker.paths",
    "tracker.workers", "tracker.__version__", "tracker.cli", "tracker.publish", "tui", "events", "projections.moment",
    "projections.state",
)
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER))\b",
                 re.IGNORECASE | re.DOTALL)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def under(module: str, packages: tuple[str, ...]) -> bool:
    return any(inside(module, p) for p in packages)


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_reach_the_log_only_through_the_service(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    wrong = []
    for line, module in imports(path):
        first = module.split(".")[0]
        if first not in ("tracker", "tui", "events", "projections", "sqlite3", "sqlite_utils"):
            continue  # the standard library and third-party packages (textual, click, rich, ...)
        if rel == "tracker/cli/bench.py" and inside(module, "tracker.bench"):
            continue  # the `tracker bench` command runs the benchmark package
        if not under(module, VIEW_MAY_IMPORT):
            wrong.append(f"{rel}:{line} imports {module}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_views_hold_no_sql(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    found = [f"{path.relative_to(ROOT)}:{line}: {text[:60]!r}" for line, text in texts if SQL.search(text)]
    assert not found, "\n".join(found)


def test_projections_are_pure() -> None:
    wrong = [f"{p.relative_to(ROOT)}:{line} imports {m}" for p in sorted((ROOT / "projections").rglob("*.py"))
             for line, m in imports(p) if m.split(".")[0] in ("tracker", "tui", "sqlite3", "sqlite_utils")]
    assert not wrong, "\n".join(wrong)


def test_only_the_service_and_the_read_model_use_the_store() -> None:
    allowed = ("tracker/service.py", "tracker/store/", "tracker/readmodel/", "tracker/bench/")
    wrong = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(allowed):
            continue
        wrong += [f"{rel}:{line} imports {m}" for line, m in imports(path)
                  if under(m, ("tracker.store", "tracker.readmodel", "sqlite3", "sqlite_utils"))]
    assert not wrong, "\n".join(wrong)


def test_nothing_but_its_command_imports_the_benchmark() -> None:
    wrong = []
    for path in sorted([*(ROOT / "tracker").rglob("*.py"), *(ROOT / "tui").rglob("*.py"),
                        *(ROOT / "projections").rglob("*.py"), *(ROOT / "events").rglob("*.py")]):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("tracker/bench/") or rel == "tracker/cli/bench.py":
            continue
        wrong += [f"{rel}:{line} imports {m}" for line, m in imports(path) if inside(m, "tracker.bench")]
    assert not wrong, "\n".join(wrong)


def test_the_contract_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The checker itself: an import of the store in a view is caught, even inside a function."""
    view = ROOT / "tui" / "_contract_probe.py"
    view.write_text("def f():\n    from tracker.store import EventStore\n    import sqlite3\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError, match=r"imports tracker\.store\.EventStore"):
            test_views_reach_the_log_only_through_the_service(view)
        view.write_text("Q = 'SELECT position FROM events WHERE id = ?'\n", encoding="utf-8")
        with pytest.raises(AssertionError, match=r"SELECT position"):
            test_views_hold_no_sql(view)
    finally:
        view.unlink()

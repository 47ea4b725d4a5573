"""The headless layers (core, data, services, cli, demo) never load Qt; import-linter holds."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SCRIPT = """
import importlib, pkgutil, sys
import viewer.cli, viewer.core, viewer.data, viewer.demo, viewer.services
names = []
for pkg in (viewer.core, viewer.data, viewer.services, viewer.demo, viewer.cli):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
from viewer.cli import build_parser, main
build_parser()
assert main(["decode", "0", "--cause", "257"]) == 0
print("MODULES", len(names))
print("QT", sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")))
"""


def test_headless_layers_do_not_import_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert int(lines["MODULES"]) >= 15  # the walk really found the submodules
    assert lines["QT"] == "[]"


def test_import_linter_contracts() -> None:
    tool = Path(sys.executable).parent / "lint-imports"
    if not tool.exists():
        pytest.skip("import-linter is not installed next to this Python")
    result = subprocess.run([str(tool)], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


# -- the window holds no SQL ---------------------------------------------------------------

GUI = REPO / "viewer" / "gui"
SQL_PATTERNS = [
    re.compile(p, re.IGNORECASE | re.DOTALL)
    for p in (
        r"\bSELECT\b.+?\bFROM\s+\w+",
        r"\bSELECT\s+(count|min|max|sum|avg|total|coalesce|json_extract)\s*\(",
        r"\bINSERT\s+(OR\s+\w+\s+)?INTO\s+\w+",
        r"\bUPDATE\s+\w+\s+SET\b",
        r"\bDELETE\s+FROM\s+\w+",
        r"\bPRAGMA\s+\w+",
    )
]
DB_ATTRIBUTES = {"engine", "exec_driver_sql", "driver_connection", "dbapi_connection"}
"""Attributes whose use means the window reaches into the database itself."""


def _sql_in(source: str) -> list[str]:
    """The string literals (f-string parts too) and database attributes of ``source`` that
    look like SQL or a connection."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if any(p.search(node.value) for p in SQL_PATTERNS):
                found.append(f"line {node.lineno}: {node.value[:60]!r}")
        elif isinstance(node, ast.Attribute) and node.attr in DB_ATTRIBUTES:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('conn.exec_driver_sql("SELECT min(begin_time), max(begin_time) FROM bill")', 2),
        ('q = "select id, name from source_file"', 1),
        ('q = f"SELECT pk FROM bill WHERE pk IN ({marks})"', 1),
        ("q = 'INSERT OR REPLACE INTO meta(key) VALUES (?)'", 1),
        ("q = 'UPDATE bill SET agent_id = 1'", 1),
        ("q = 'DELETE FROM conflict'", 1),
        ("q = 'PRAGMA journal_mode'", 1),
        ("with db.engine.connect() as c: pass", 1),
        ("x.driver_connection.interrupt()", 1),
        ('m = "Select a bill first."', 0),
        ('m = "Update the labels, then delete the old ones."', 0),
    ],
)
def test_sql_detector_finds_sql_and_ignores_prose(source: str, expected: int) -> None:
    assert len(_sql_in(source)) == expected


def test_gui_holds_no_sql() -> None:
    files = sorted(GUI.glob("**/*.py"))
    assert len(files) >= 10  # the walk really found the window's modules
    found = [
        f"{path.relative_to(REPO)} {hit}"
        for path in files
        for hit in _sql_in(path.read_text(encoding="utf-8"))
    ]
    assert found == []

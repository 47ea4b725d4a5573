"""The headless layers (core, data, cli) never load Qt; import-linter's contracts hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import importlib, pkgutil, sys
import viewer.cli, viewer.core, viewer.data
names = []
for pkg in (viewer.core, viewer.data, viewer.cli):
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

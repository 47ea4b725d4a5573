"""The version has one value everywhere: pyproject.toml, the package, --version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import sqlalchemy

import viewer
from viewer.data.about import version_text

ROOT = Path(__file__).resolve().parents[2]


def _pyproject_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as fp:
        return tomllib.load(fp)["project"]["version"]


def test_package_version_is_the_pyproject_version() -> None:
    assert viewer.__version__ == _pyproject_version()


def test_version_text_names_versions_and_paths(tmp_path: Path) -> None:
    text = version_text(tmp_path / "x.sqlite")
    lines = text.splitlines()
    assert lines[0] == f"Agent Bill Viewer {_pyproject_version()}"
    assert lines[1].startswith("Qt (PySide6) ") and lines[1] != "Qt (PySide6) unknown"
    assert lines[2] == f"SQLAlchemy {sqlalchemy.__version__}"
    assert lines[3] == f"database: {tmp_path / 'x.sqlite'}"
    assert lines[4].startswith("data folder: ")


def test_version_command_loads_no_qt() -> None:
    code = (
        "import sys; from viewer.cli import main; rc = main(['--version']); "
        "assert 'PySide6' not in sys.modules, 'Qt loaded'; sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"Agent Bill Viewer {_pyproject_version()}\n")

"""Shared fixtures: Qt offscreen, temporary databases, generated exports."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from viewer.data.db import Database, open_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_DIR = ROOT / "resources" / "demo"


@pytest.fixture
def fixtures_dir() -> Path:
    """The folder of tiny synthetic export files (see tests/fixtures/README.md)."""
    return FIXTURES


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh bill database in a temporary file."""
    database = open_database(tmp_path / "bills.sqlite")
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the real user's data folder, default database and settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BILL_VIEWER_DB", str(home / "default.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))

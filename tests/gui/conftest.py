"""Fixtures for window tests: databases holding small generated exports, settings, message boxes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


@pytest.fixture
def export_csv(tmp_path: Path) -> Path:
    """A generated export of a few thousand bills of 6 agents."""
    path = tmp_path / "20261102101530123456_agentOprInfo_1.csv"
    write_csv(path, generate_bills(GeneratorConfig(agents=6, seed=7, target_bills=3000)))
    return path


@pytest.fixture
def filled_db(tmp_path: Path, export_csv: Path) -> Iterator[Database]:
    """A database with ``export_csv`` imported."""
    db = open_database(tmp_path / "filled.sqlite")
    report = import_paths(db, [export_csv])
    assert report.total("imported") == 3000
    yield db
    db.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Window settings in a temporary ini file, away from the user's own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the blocking warning and information boxes instead of blocking on them."""
    seen: list[str] = []

    def record(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        seen.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "information", record)
    return seen


@pytest.fixture
def gen_config() -> GeneratorConfig:
    """One day of 8 agents from 2026-11-02 08:00, the investigation tests' export."""
    return GeneratorConfig(agents=8, days=1, seed=5, start=datetime(2026, 11, 2, 8, 0, 0))


@pytest.fixture
def gen_db(db: Database, tmp_path: Path, gen_config: GeneratorConfig) -> Database:
    """``db`` with the ``gen_config`` export imported."""
    path = tmp_path / "export.csv"
    assert write_csv(path, generate_bills(gen_config)) > 500
    assert import_paths(db, [path]).ok
    return db

"""Fixtures for window tests: a database holding a small generated export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from viewer.data.db import Database, open_database
from viewer.data.generator import GeneratorConfig, generate_bills, write_csv
from viewer.data.importer import import_paths


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

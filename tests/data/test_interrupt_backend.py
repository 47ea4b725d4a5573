"""Interrupting a running statement goes through the database's backend, not the driver.

Issue 10: the driver-level interrupt sits behind ``Backend.interrupt`` so that another engine
can bring its own. The table's readers and the export's Cancel must reach it through
``Database.backend``: a backend that records its calls (and still interrupts, as SQLite's does)
shows they do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection

from viewer.core.filters import BillFilter
from viewer.core.tasks import Cancelled, CancelToken
from viewer.data.backend.sqlite import SqliteBackend
from viewer.data.db import Database, open_database
from viewer.data.export.exporter import export_xlsx
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.services.browse import BrowseService


class RecordingBackend(SqliteBackend):
    """SQLite's backend that also notes each connection it was asked to interrupt."""

    def __init__(self) -> None:
        self.interrupted: list[Connection] = []

    def interrupt(self, conn: Connection) -> None:
        self.interrupted.append(conn)
        super().interrupt(conn)


@pytest.fixture(scope="module")
def bills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("interrupt")
    write_csv(folder / "b.csv", generate_bills(GeneratorConfig(agents=3, seed=2, target_bills=600)))
    db = open_database(folder / "b.sqlite")
    assert import_paths(db, [folder / "b.csv"]).ok
    yield db
    db.close()


def test_a_readers_interrupt_asks_the_databases_backend(bills: Database) -> None:
    backend = RecordingBackend()
    db = dataclasses.replace(bills, backend=backend)
    with BrowseService(db).reader() as reader:
        assert reader.total() > 0
        reader.interrupt()
        assert len(backend.interrupted) == 1
        assert reader.total() > 0  # nothing was running: the next read goes on


def test_an_export_cancel_interrupts_through_the_databases_backend(
    bills: Database, tmp_path: Path
) -> None:
    backend = RecordingBackend()
    db = dataclasses.replace(bills, backend=backend)
    cancel = CancelToken()

    def progress(_done: int, _total: int) -> None:
        if not cancel.is_set():
            cancel.set()  # at the first bill, while the bill query's connection is open

    out = tmp_path / "cancelled.xlsx"
    with pytest.raises(Cancelled):
        export_xlsx(db, BillFilter(), out, progress=progress, cancel=cancel)
    assert len(backend.interrupted) == 1
    assert not out.exists()

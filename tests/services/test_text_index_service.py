"""The browse service's reader plans text searches per read: pages and counts alike match the scan.

A page gives up the index sooner (``PAGE_CANDIDATES``) than a count (``MAX_CANDIDATES``): both
answer what the LIKE scan answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import StoreBills
from viewer.core.filters import BillFilter
from viewer.data import queries, text_index
from viewer.data.db import open_database
from viewer.services.browse import BrowseService
from viewer.services.text_index import TextIndexService


def test_pages_and_counts_of_the_reader_are_the_scans(
    tmp_path: Path, store_bills: StoreBills, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    try:
        bills = [
            {"bill_id": f"b{i:04d}", "begin_time": i % 97, "phone_no": f"10.{i % 7}.{i}.1"}
            for i in range(600)
        ]
        store_bills(db, bills)
        service = TextIndexService(db)
        assert service.needs_build()
        service.build()
        assert not service.needs_build() and service.state() == text_index.IndexState(600, 600)
        monkeypatch.setattr(text_index, "PAGE_CANDIDATES", 50)
        browse = BrowseService(db)
        with db.engine.connect() as conn, browse.reader() as reader:
            for needle in ("10.3.", "b00", "b0012", ".1", "10.6.1"):
                f = BillFilter(text=needle)
                expected = list(queries.ids_for(conn, f))  # the scan
                assert browse.count(f) == len(expected)
                assert list(reader.ids_for(f)) == expected
                assert reader.checkpoints(f).count == len(expected)
                page = [row[0] for row, _key in reader.page(f, 40)]
                assert page == expected[:40]
                assert [r[0] for r in reader.first_rows(f, 40)] == expected[:40]
    finally:
        db.close()


def test_a_cancelled_build_keeps_its_chunks(tmp_path: Path, store_bills: StoreBills) -> None:
    from viewer.core.tasks import Cancelled, CancelToken

    db = open_database(tmp_path / "bills.sqlite")
    try:
        store_bills(db, [{"bill_id": f"b{i}", "begin_time": i} for i in range(250)])
        token = CancelToken()
        seen: list[tuple[int, int]] = []

        def progress(done: int, total: int) -> None:
            seen.append((done, total))
            token.set()  # Cancel after the first chunk

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(text_index, "CHUNK", 100)
            with pytest.raises(Cancelled):
                TextIndexService(db).build(progress, token)
            assert seen == [(100, 250)]
            assert TextIndexService(db).state() == text_index.IndexState(100, 250)
            with pytest.raises(Cancelled):  # an import starting stops it the same way
                TextIndexService(db).build(give_way=lambda: True)
            assert TextIndexService(db).state() == text_index.IndexState(200, 250)
            TextIndexService(db).build()
        assert TextIndexService(db).state() == text_index.IndexState(250, 250)
    finally:
        db.close()

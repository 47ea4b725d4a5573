"""The text index (FTS5 trigram) answers the free-text filter exactly as the LIKE scan does.

Random bills over a small alphabet full of the awkward cases (letter case, LIKE's wildcards and
escape, FTS5's quote, non-ASCII letters whose case SQLite's LIKE does not fold but FTS5 does),
random needles and needles cut from stored values: the index's answers (rows and order) must be
the scan's, with the index complete, half built, and behind an import.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine

from tests.conftest import StoreBills
from viewer.core.criteria import TEXT_COLUMNS
from viewer.core.filters import BillFilter
from viewer.data import queries, schema, text_index
from viewer.data.db import Database, open_database
from viewer.services.text_index import TextIndexService

ALPHABET = "aAbB1.2_%\\\"' éÉKKßx"  # the second K is U+212A KELVIN SIGN (FTS5 folds it to k)


def _word(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(lo, hi)))


def _bills(rng: random.Random, n: int, first: int) -> list[dict[str, Any]]:
    out = []
    for i in range(first, first + n):
        b: dict[str, Any] = {"bill_id": f"{_word(rng, 0, 6)}#{i}", "begin_time": rng.randint(0, 50)}
        for col in TEXT_COLUMNS[1:]:
            b[col] = None if rng.random() < 0.2 else _word(rng, 0, 8)
        out.append(b)
    return out


def _needles(rng: random.Random, bills: list[dict[str, Any]], n: int) -> list[str]:
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            out.append(_word(rng, 1, 5))
            continue
        value = str(rng.choice(bills)[rng.choice(TEXT_COLUMNS)] or "abc")
        i = rng.randint(0, len(value))
        cut = value[i : i + rng.randint(1, 6)] or value
        out.append("".join(c.swapcase() if rng.random() < 0.3 else c for c in cut))
    return out


def _scan(conn: Connection, text: str) -> list[int]:
    return list(queries.ids_for(conn, BillFilter(text=text)))  # no plan: the LIKE scan


def _indexed(conn: Connection, text: str) -> list[int]:
    f = BillFilter(text=text)
    with text_index.searching(conn, f):
        return list(queries.ids_for(conn, f))


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(tmp_path / "bills.sqlite")
    yield database
    database.close()


@pytest.mark.parametrize("seed", range(4))
def test_index_answers_are_the_scans(db: Database, store_bills: StoreBills, seed: int) -> None:
    rng = random.Random(seed)
    bills = _bills(rng, 300, 0)
    store_bills(db, bills)
    with db.engine.connect() as conn:
        text_index.build(conn, chunk=70)  # several chunks
        assert text_index.state(conn).ready
    store_bills(db, more := _bills(rng, 60, 300))  # imported after the build: above the watermark
    used = 0
    with db.engine.connect() as conn:
        for needle in _needles(rng, bills + more, 250):
            scan = _scan(conn, needle)
            assert _indexed(conn, needle) == scan, needle
            assert queries.count(conn, BillFilter(text=needle)) == len(scan)
            used += text_index.choose(conn, needle) is not None
    assert used > 100  # most needles went through the index (the short ones scan)


def test_half_built_index_answers_too(db: Database, store_bills: StoreBills) -> None:
    rng = random.Random(7)
    bills = _bills(rng, 200, 0)
    store_bills(db, bills)

    class Stop(Exception):
        pass

    def stop() -> None:
        raise Stop

    with db.engine.connect() as conn:
        with pytest.raises(Stop):
            text_index.build(conn, cancel_check=stop, chunk=50)
        st = text_index.state(conn)
        assert st.upto == 50 and not st.ready  # the first chunk stays committed
        for needle in _needles(rng, bills, 150):
            assert _indexed(conn, needle) == _scan(conn, needle), needle
        conn.rollback()  # build takes its own transactions
        seen: list[tuple[int, int]] = []
        text_index.build(conn, progress=lambda d, t: seen.append((d, t)), chunk=50)
        assert text_index.state(conn).ready
        assert seen == [(50, 150), (100, 150), (150, 150)]


def test_the_index_is_used_only_where_it_helps(
    db: Database, store_bills: StoreBills, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_bills(
        db, [{"bill_id": f"id{i}", "begin_time": i, "phone_no": "10.1.2"} for i in range(30)]
    )
    with db.engine.connect() as conn:
        assert text_index.choose(conn, "10.1") is None  # nothing indexed yet: the scan
    with db.engine.connect() as conn:
        text_index.build(conn)
        assert text_index.choose(conn, "10.1") == 30
        assert text_index.choose(conn, "10") is None  # two characters: no trigram
        assert text_index.choose(conn, "10.\x001") is None  # FTS5 would stop at the NUL
        assert _indexed(conn, "d1\x00") == _scan(conn, "d1\x00")
        # every bill a candidate: the scan in the table's order finds the first rows sooner
        assert text_index.choose(conn, "10.1", limit=30) is None
        assert text_index.choose(conn, "10.1", limit=31) == 30
        assert text_index.choose(conn, "id2", limit=30) == 30  # 11 candidates
        monkeypatch.setattr(text_index, "MAX_CANDIDATES", 30)  # the default limit
        assert text_index.choose(conn, "10.1") is None


def test_fts_query_quotes_every_trigram() -> None:
    assert text_index.fts_query('ab"cd') == '"ab""" AND "b""c" AND """cd"'
    assert text_index.fts_query("aaaa") == '"aaa"'  # a repeated trigram once


def test_a_schema_4_file_gains_an_empty_index_and_scans_until_built(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    schema.metadata.create_all(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '4')")
        conn.executemany(
            "INSERT INTO bill (bill_id, begin_time, phone_no, source_id, line) "
            "VALUES (?, ?, ?, 1, ?)",
            [(f"old{i}", i, f"10.0.{i}.7", i) for i in range(40)],
        )
    db = open_database(path)
    try:
        with db.engine.connect() as conn:
            assert text_index.supported(conn)
            assert text_index.state(conn) == text_index.IndexState(0, 40)
            assert text_index.choose(conn, ".1.7") is None  # nothing indexed: the scan
        TextIndexService(db).build()
        with db.engine.connect() as conn:
            assert text_index.choose(conn, ".1.7") == 40
            assert _indexed(conn, ".1.7") == _scan(conn, ".1.7") == [2]
    finally:
        db.close()

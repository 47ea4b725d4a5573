"""A verbatim reason code is not the "not used" marker in filters and reason lists.

A reason whose text is not a plain integer ("05", "1e3") is stored as NULL in ``op_cause`` with
its text aside (``raw_codes``); NULL also means "not used". The reason filter and the reason
list must not count such a bill as "not used" (the literal ``US_NO_USE`` still is).
"""

from __future__ import annotations

from pathlib import Path

from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import open_database
from viewer.data.imports.loading import import_paths

ROW = (
    "{id},1075100312,ECC20190815,0107,1,0,,2026-11-02 08:00:{s:02d},2026-11-02 08:01:00,"
    "3,65535,{cause},5,12,1,4,61234,0,0,4180017,6102\n"
)
CAUSES = {"a": "05", "b": "1e3", "c": "US_NO_USE", "d": "65535", "e": "-1", "f": "", "g": "201"}
NOT_USED = {"c", "d", "e", "f"}


def _db(tmp_path: Path):  # type: ignore[no-untyped-def]
    csv = tmp_path / "causes.csv"
    csv.write_text(
        "".join(
            ROW.format(id=f"bill-{k}", s=i, cause=c) for i, (k, c) in enumerate(CAUSES.items())
        ),
        encoding="utf-8",
    )
    db = open_database(tmp_path / "bills.sqlite")
    report = import_paths(db, [csv])
    assert report.total("imported") == len(CAUSES)
    return db


def _bill_ids(db, f: BillFilter) -> set[str]:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        rows = queries.rows_by_ids(conn, list(queries.ids_for(conn, f)))
    return {r[1].removeprefix("bill-") for r in rows}


def test_not_used_reason_matches_markers_only(tmp_path: Path) -> None:
    db = _db(tmp_path)
    try:
        assert _bill_ids(db, BillFilter(reasons=((3, None),))) == NOT_USED
        assert _bill_ids(db, BillFilter(exclude_reasons=((3, None),))) == set(CAUSES) - NOT_USED
    finally:
        db.close()


def test_reason_list_does_not_count_verbatim_causes_as_not_used(tmp_path: Path) -> None:
    db = _db(tmp_path)
    try:
        with db.engine.connect() as conn:
            counts = queries.reason_counts(conn, [3])
        not_used = sum(n for _t, cause, n in counts if cause in (None, "", -1, 65535))
        assert not_used == len(NOT_USED)
        assert sum(n for *_k, n in counts) == len(CAUSES) - 2  # "05" and "1e3" are no reason code
    finally:
        db.close()

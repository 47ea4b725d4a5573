"""The import report's reasons and the error messages in the reader's language.

Reject reasons and file notes are stored (database, ledger): they are kept in English whatever
language the import ran in, and shown translated; errors that are not stored read in the
language in effect when they are raised.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from viewer.core import i18n
from viewer.core.errors import DatabaseError, ExportError
from viewer.core.filters import BillFilter
from viewer.data.db import open_database
from viewer.data.imports.loading import import_paths
from viewer.services.export import ExportService
from viewer.services.imports import reason_text


@pytest.fixture(autouse=True)
def _english_process() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _stored_reasons(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT reason FROM reject ORDER BY line")]


def test_reject_reasons_are_stored_in_english_and_shown_in_chinese(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    try:
        with i18n.use_language("zh_CN"):  # a Chinese user imports into a shared database
            report = import_paths(db, [fixtures_dir / "bad_lines.csv"])
    finally:
        db.close()
    stored = _stored_reasons(tmp_path / "bills.sqlite")
    assert stored == [r.reason for r in report.files[0].rejects]
    assert stored[:3] == [
        "too few columns (10; a bill has 17 to 21)",
        "unparseable begin_time '2026-11-02 25:61:00'",
        "empty bill id",
    ]
    with i18n.use_language("zh_CN"):
        shown = [reason_text(r) for r in stored]
    assert shown == [
        "列数太少（10 列；话单应有 17 到 21 列）",
        "无法解析的 begin_time '2026-11-02 25:61:00'",
        "话单ID为空",
        "行过长（超过 64 KiB）",
        "无法解码的字节（既不是UTF-8也不是GB18030）",
    ]
    assert [reason_text(r) for r in stored] == stored  # an English reader reads them as stored


def test_file_notes_and_file_errors_read_in_chinese(tmp_path: Path, fixtures_dir: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    try:
        files = [fixtures_dir / n for n in ("upper_header.csv", "binary.csv", "duplicate_ids.csv")]
        first = import_paths(db, files)
        again = import_paths(db, [fixtures_dir / "upper_header.csv"])
    finally:
        db.close()
    header, binary, duplicates = (f.message for f in first.files)
    with i18n.use_language("zh_CN"):
        assert reason_text(header) == "已识别表头行"
        assert (
            reason_text(binary) == f"{fixtures_dir / 'binary.csv'}：二进制数据，不是CSV话单导出文件"
        )
        assert reason_text(duplicates) == "1 个话单ID已以不同的值存储"
        assert reason_text(again.files[0].message).endswith("；如需重新读取，请使用 --force")
        assert reason_text("something no template makes") == "something no template makes"


def test_a_nested_reason_is_translated_inside_its_file_error() -> None:
    text = "a.csv: line 3: empty bill id"
    with i18n.use_language("zh_CN"):
        assert reason_text(text) == "a.csv：第 3 行：话单ID为空"


def test_database_errors_read_in_chinese(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    with i18n.use_language("zh_CN"), pytest.raises(DatabaseError) as raised:
        open_database(missing, create=False)
    assert str(raised.value) == f"{missing}：数据库不存在"
    with pytest.raises(DatabaseError) as english:
        open_database(missing, create=False)
    assert str(english.value) == f"{missing}: no such database"


def test_export_target_errors_read_in_chinese(tmp_path: Path) -> None:
    out = tmp_path / "taken.xlsx"
    out.write_bytes(b"x")
    db = open_database(tmp_path / "bills.sqlite")
    try:
        with pytest.raises(ExportError) as raised:
            ExportService(db).export(BillFilter(), out, language="zh_CN")
    finally:
        db.close()
    assert str(raised.value) == f"{out}：文件已存在；请确认覆盖（--force）或选择其他名称"

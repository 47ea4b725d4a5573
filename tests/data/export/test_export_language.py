"""The Excel export in a chosen language: sheet names, headers, explanations and the Report,
independently of the caller's language; both languages verify, and are read back with openpyxl.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from viewer.cli import main
from viewer.core import i18n
from viewer.core.filters import BillFilter
from viewer.data.db import Database, open_database
from viewer.data.export.verify import verify_xlsx
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.services.export import ExportService
from viewer.services.labels import LabelsService

CJK = re.compile(r"[\u4e00-\u9fff]")
CONFIG = GeneratorConfig(agents=4, seed=5, target_bills=600)


@pytest.fixture(autouse=True)
def _english_process() -> Iterator[None]:
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("export-language")
    csv = folder / "20261102101530123456_agentOprInfo_1.csv"
    write_csv(csv, generate_bills(CONFIG))
    db = open_database(folder / "bills.sqlite")
    assert import_paths(db, [csv]).ok
    LabelsService(db).set(3, 201, "午餐 Lunch")
    yield db
    db.close()


def _read(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def _report(rows: list[tuple[Any, ...]]) -> dict[Any, Any]:
    return {r[0]: r[1] for r in rows if r and len(r) > 1 and r[0] is not None}


def _export(db: Database, path: Path, language: str | None, f: BillFilter | None = None) -> Path:
    ExportService(db).export(f or BillFilter(), path, language=language)
    return path


@pytest.fixture(scope="module")
def both(filled: Database, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("both")
    return {lang: _export(filled, folder / f"{lang}.xlsx", lang) for lang in ("en", "zh_CN")}


def test_sheet_names_follow_the_export_language(both: dict[str, Path]) -> None:
    assert list(_read(both["en"])) == ["Bills", "Summary", "Anomalies", "Report"]
    assert list(_read(both["zh_CN"])) == ["话单", "汇总", "异常", "报告"]


def test_headers_and_explanations_are_chinese_and_the_values_the_same(
    both: dict[str, Path],
) -> None:
    en, zh = _read(both["en"])["Bills"], _read(both["zh_CN"])["话单"]
    assert len(en) == len(zh) > 500
    header_en, header_zh = en[0], zh[0]
    assert header_zh[:4] == ("开始时间", "结束时间", "时长（秒）", "座席")
    op, meaning = header_en.index("Operation"), header_en.index("Operation (meaning)")
    assert (header_zh[op], header_zh[meaning]) == ("操作类型", "操作类型（含义）")
    reason_meaning = header_en.index("Reason (meaning)")
    seen_busy = False
    for row_en, row_zh in zip(en[1:], zh[1:], strict=True):
        # codes, times, agents and numbers as stored: only the words differ
        words = {meaning, reason_meaning, *(i for i, h in enumerate(header_en) if "(meaning)" in h)}
        assert [v for i, v in enumerate(row_en) if i not in words] == [
            v for i, v in enumerate(row_zh) if i not in words
        ]
        assert CJK.search(row_zh[meaning]), row_zh[meaning]
        if row_zh[op] == 3:
            assert row_zh[meaning] == "示忙"
            seen_busy = True
        if row_zh[op] == 3 and row_en[reason_meaning] == "午餐 Lunch":
            assert row_zh[reason_meaning] == "午餐 Lunch"  # the site's label, as typed
    assert seen_busy


def test_the_report_and_the_investigation_sheets_are_chinese(both: dict[str, Path]) -> None:
    zh = _read(both["zh_CN"])
    report = _report(zh["报告"])
    assert report["筛选条件"] == "全部话单，按开始时间升序排列。"
    assert report["导出的话单数"] == len(zh["话单"]) - 1
    assert re.fullmatch(r"[0-9a-f]{64}", report["导出行的SHA-256"])
    assert report["时间"].startswith("开始时间和结束时间为按导出原样（租户时间）")
    assert "“话单”“话单 (2)”" in report["如何重新计算SHA-256"]
    assert zh["汇总"][0][:3] == ("座席", "签入时长", "通话时长")
    assert zh["异常"][0][:2] == ("座席", "异常")
    labels = [r for r in zh["报告"] if r and r[0] == "示忙 (3)"]
    assert labels == [("示忙 (3)", 201, "午餐 Lunch", "业务自定义的示忙原因码")]


def test_both_languages_verify_and_hash_what_they_show(both: dict[str, Path]) -> None:
    results = {lang: verify_xlsx(path) for lang, path in both.items()}
    for result in results.values():
        assert result.ok, result
        assert result.signature is not None and result.signature.valid
        assert result.stated_rows == result.rows > 500
    # the hash is over the values as exported: other words, another hash
    assert results["en"].actual != results["zh_CN"].actual


def test_a_changed_cell_of_a_chinese_export_is_caught(
    both: dict[str, Path], tmp_path: Path
) -> None:
    book = openpyxl.load_workbook(both["zh_CN"])
    sheet = book["话单"]
    sheet.cell(row=2, column=5).value = "篡改"
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    result = verify_xlsx(changed)
    assert not result.hash_ok and result.expected != result.actual


def test_the_export_language_stays_in_the_export_s_thread(filled: Database, tmp_path: Path) -> None:
    """An auditor's Chinese export from a worker thread; the process (the window) stays English."""
    i18n.set_language("en")
    seen: list[str] = []

    def work() -> None:
        _export(filled, tmp_path / "auditor.xlsx", "zh_CN", BillFilter(op_types=(3,)))
        seen.append(i18n.language())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == ["en"] and i18n.language() == "en"
    assert list(_read(tmp_path / "auditor.xlsx"))[0] == "话单"
    i18n.set_language("zh_CN")
    _export(filled, tmp_path / "english.xlsx", "en", BillFilter(op_types=(3,)))
    assert list(_read(tmp_path / "english.xlsx")) == ["Bills", "Summary", "Anomalies", "Report"]


def test_an_empty_chinese_export_verifies(filled: Database, tmp_path: Path) -> None:
    path = _export(filled, tmp_path / "empty.xlsx", "zh_CN", BillFilter(agents=("nobody",)))
    bills = _read(path)["话单"]
    assert bills[1][0] == "没有话单符合本次导出的筛选条件（见“报告”工作表）。"
    result = verify_xlsx(path)
    assert result.ok and result.rows == 0


def test_the_command_line_exports_in_chinese_and_verifies_in_english(
    filled: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli.xlsx"
    db = str(filled.path)
    assert main(["export", "--db", db, "--out", str(out), "--op-type", "3", "--lang", "zh_CN"]) == 0
    assert list(_read(out))[0] == "话单"
    capsys.readouterr()
    assert main(["verify", str(out), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("OK ")

"""The window in Simplified Chinese: live switching, Qt's own buttons, the gui catalog's health."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QMessageBox, QWidget

from viewer.cli import build_parser
from viewer.core import i18n
from viewer.core.filters import BillFilter
from viewer.gui.connect_dialog import ConnectDialog
from viewer.gui.i18n import (
    SETTING,
    CatalogTranslator,
    apply_language,
    installed_language,
    relabel,
)
from viewer.gui.main_window import MainWindow
from viewer.services.saved_filters import SavedFiltersService
from viewer.services.team import TeamService

ROOT = Path(__file__).resolve().parents[2]
GUI_TS = ROOT / "resources" / "i18n" / "gui_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{\w*\}|%n")


@pytest.fixture(autouse=True)
def english_afterwards(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's fixture
    """The language is process-wide: every test here leaves the application in English."""
    yield
    apply_language("en", qapp)


def _tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} not installed"
    return found


def _entries(path: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(path).getroot()
    return {
        (ctx.findtext("name") or "", msg.findtext("source") or ""): msg
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    }


def _menu_titles(w: MainWindow) -> list[str]:
    return [a.text() for a in w.menuBar().actions()]


def test_switching_language_rewords_the_window_and_keeps_filter_and_selection(
    qtbot, filled_db, settings
) -> None:
    w = MainWindow(filled_db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.filters.op_types.list.count() > 0, timeout=10_000)
    busy = next(
        w.filters.op_types.list.item(i)
        for i in range(w.filters.op_types.list.count())
        if w.filters.op_types.list.item(i).data(Qt.ItemDataRole.UserRole) == 3
    )
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000):
        busy.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: w.model.bill_filter.op_types == (3,), timeout=10_000)
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    w.table.selectRow(4)
    chosen = w.model.pk_at(4)
    before = w.model.bill_filter
    assert _menu_titles(w) == ["&File", "&Edit", "&View", "&Tools", "&Help"]

    with qtbot.waitSignal(w.model.headerDataChanged, timeout=5_000):
        w.choose_language("zh_CN")

    assert _menu_titles(w) == ["文件(&F)", "编辑(&E)", "视图(&V)", "工具(&T)", "帮助(&H)"]
    assert w.act_refresh.text() == "刷新(&R)"
    assert w.filter_dock.windowTitle() == "筛选"
    assert w.filter_dock.toggleViewAction().text() == "筛选窗格(&I)"
    assert w.tabs.tabText(0) == "话单" and w.tabs.tabText(1) == "调查"
    assert w.filters.clear_btn.text() == "清除所有筛选条件"
    assert w.filters.op_types.exclude.text() == "排除勾选项"
    assert w.filters.text.placeholderText() == "按文本搜索…"
    assert w.filters.text.toolTip().startswith("显示座席、呼叫标识")
    assert w.filters.media.itemText(0) == "任意媒体类型"
    assert w.filters.time_box.title().startswith("时间，")
    assert "条话单" in w.status_count.text()
    # the table's headers and the filter sentence are asked again in the new language (the
    # column titles and the sentence are the core's: Chinese once its catalog has them)
    assert w.model.columns[0].key == "begin_time"
    header = w.model.headerData(0, Qt.Orientation.Horizontal)
    assert header == i18n.translate("Column", "Begin") == w.model.columns[0].title
    assert w.sentence.text() == w.filters.describe(w.model.bill_filter)
    assert w.windowTitle().startswith("座席操作详单查看器 — ")
    panel = w.investigation
    assert panel is not None
    assert panel.tabs.tabText(0) == "时间轴"
    assert panel.moment_model.headerData(0, Qt.Orientation.Horizontal) == "座席"
    assert "异常" in panel.legend.titles
    # only the words changed: the same filter, the same bill selected, the setting kept
    assert w.model.bill_filter == before
    assert w.filters.op_types.checked() == [3]
    assert w.model.pk_at(w.table.currentIndex().row()) == chosen
    assert w.table.selectionModel().isRowSelected(w.table.currentIndex().row())
    assert settings.value(SETTING) == "zh_CN"
    assert i18n.language() == "zh_CN" and installed_language() == "zh_CN"
    assert w.language_actions["zh_CN"].isChecked()

    w.choose_language("en")
    assert _menu_titles(w) == ["&File", "&Edit", "&View", "&Tools", "&Help"]
    assert w.filters.clear_btn.text() == "Clear all filters"
    qtbot.waitUntil(lambda: "bills" in w.status_count.text(), timeout=5_000)
    assert w.model.bill_filter == before
    w.close()


def test_the_window_opens_in_the_saved_language(qtbot, filled_db, settings) -> None:
    settings.setValue(SETTING, "zh_CN")
    apply_language(str(settings.value(SETTING)))
    w = MainWindow(filled_db, settings)
    qtbot.addWidget(w)
    assert _menu_titles(w)[0] == "文件(&F)"
    assert w.language_actions["zh_CN"].isChecked()
    assert [a.text() for a in w.language_actions.values()] == [
        "&English",
        "简体中文(&C)",
        "跟随系统(&S)",
    ]
    w.close()


def test_qt_buttons_and_dialogs_say_chinese(qtbot, no_keyring) -> None:  # noqa: ARG001
    apply_language("zh_CN")
    box = QMessageBox(QMessageBox.Icon.Question, "t", "x")
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Ok).text() == "确定"
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"
    dialog = ConnectDialog(TeamService())
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "连接团队数据库"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "连接"
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert dialog.host.placeholderText() == "默认（PGHOST 或本机）"
    # room for the whole Chinese hint, and no English space between Chinese sentences
    assert dialog.host.minimumWidth() >= dialog.host.fontMetrics().horizontalAdvance(
        "默认（PGHOST 或本机）"
    )
    assert "keyring" in dialog.defaults_note.text()  # both notes: no password store here
    assert "。 " not in dialog.defaults_note.text()


def test_catalog_translator_answers_qt_from_the_ts_catalog(qapp) -> None:
    translator = CatalogTranslator("zh_CN", qapp)
    qapp.installTranslator(translator)
    try:
        assert QCoreApplication.translate("MainWindow", "&File") == "文件(&F)"
        assert QCoreApplication.translate("MainWindow", "no such text") == "no such text"
        assert QCoreApplication.translate("Nowhere", "&File") == "&File"
    finally:
        qapp.removeTranslator(translator)
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


def test_lang_option_of_the_gui_command() -> None:
    args = build_parser().parse_args(["gui", "--lang", "zh_CN"])
    assert args.lang == "zh_CN"
    assert build_parser().parse_args(["gui"]).lang is None
    with pytest.raises(SystemExit):
        build_parser().parse_args(["gui", "--lang", "fr"])


def test_gui_catalog_is_complete() -> None:
    result = subprocess.run(
        [_tool("pyside6-lrelease"), "-fail-on-unfinished", str(GUI_TS), "-qm", "/dev/null"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    entries = _entries(GUI_TS)
    assert len(entries) > 250
    for (ctx, source), msg in entries.items():
        node = msg.find("translation")
        assert node is not None and node.get("type") is None, (ctx, source)
        # Chinese words, or at least Chinese punctuation for a pure template ("{files}：{counts}")
        assert re.search(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]", node.text or ""), (
            ctx,
            source,
        )
        assert "坐席" not in (node.text or ""), (ctx, source)  # Huawei writes 座席


def test_gui_catalog_is_up_to_date(tmp_path: Path) -> None:
    """Extraction from today's sources into a copy of the catalog finds nothing new."""
    copy = tmp_path / GUI_TS.name
    shutil.copy(GUI_TS, copy)
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "viewer" / "gui").rglob("*.py"))
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            "-no-obsolete",
            "-locations",
            "none",
            *sources,
            "-ts",
            str(copy),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    fresh = _entries(copy)
    assert set(fresh) == set(_entries(GUI_TS))
    unfinished = [k for k, m in fresh.items() if m.find("translation").get("type")]  # type: ignore[union-attr]
    assert unfinished == []


def test_gui_catalog_says_different_strings_differently_within_a_context() -> None:
    """Switching back from Chinese finds each text's source: no two sources share a wording."""
    seen: dict[tuple[str, str], str] = {}
    for (ctx, source), msg in _entries(GUI_TS).items():
        said = msg.findtext("translation") or ""
        assert seen.setdefault((ctx, said), source) == source, (ctx, said)


def test_gui_catalog_placeholders_match() -> None:
    for (ctx, source), msg in _entries(GUI_TS).items():
        said = msg.findtext("translation") or ""
        assert sorted(PLACEHOLDER.findall(said)) == sorted(PLACEHOLDER.findall(source)), (
            ctx,
            source,
        )
        # an accelerator stays an accelerator
        assert ("&" in said) == ("&" in source), (ctx, source)


def test_switching_leaves_user_data_alone(qtbot, filled_db, settings) -> None:
    """A saved filter named like a window string ("Agents") keeps its name; "saved by" changes."""
    SavedFiltersService(filled_db).save("Agents", BillFilter(op_types=(3,)))
    w = MainWindow(filled_db, settings)
    qtbot.addWidget(w)
    assert w.filters.saved.itemData(0) == "Agents"
    assert w.filters.saved.itemText(0).startswith("Agents — saved by ")
    w.choose_language("zh_CN")
    qtbot.waitUntil(lambda: "保存" in w.filters.saved.itemText(0), timeout=5_000)
    assert w.filters.saved.itemText(0).startswith("Agents — 由 ")
    assert w.filters.saved.placeholderText() == "已保存的筛选"
    w.close()


def test_relabel_rewords_window_texts_not_data(qtbot) -> None:
    """Static texts found in the catalog change language; a combo box's items (data) do not."""
    root = QWidget()
    qtbot.addWidget(root)
    label = QLabel("Agents", root)
    combo = QComboBox(root)
    combo.addItem("Agents")
    combo.setPlaceholderText("Saved filters")
    composed = QLabel("Agents 42", root)
    assert relabel([root], "en", "zh_CN") == 2
    assert label.text() == "座席" and combo.placeholderText() == "已保存的筛选"
    assert combo.itemText(0) == "Agents" and composed.text() == "Agents 42"
    assert relabel([root], "zh_CN", "en") == 2
    # 座席 is also "Agent" (a column of the investigation): the entry noted at the switch wins
    assert label.text() == "Agents" and combo.placeholderText() == "Saved filters"


def test_relabel_from_chinese_takes_the_enclosing_class_entry(qtbot, filled_db, settings) -> None:
    """A window opened in Chinese switches to English with each ambiguous word rightly."""
    apply_language("zh_CN")
    w = MainWindow(filled_db, settings)
    qtbot.addWidget(w)
    agents_box = w.filters.agents.parentWidget()
    assert agents_box.title() == "座席"  # "Agents" (FilterPanel) and "Agent" (investigation)
    w.choose_language("en")
    assert agents_box.title() == "Agents"
    assert w.investigation is not None
    assert w.investigation.tabs.tabText(3) == "Anomalies"
    w.close()

"""The Qt-free catalog reader: Qt's .ts files read without Qt, per thread language."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from viewer.core import i18n

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>OpType</name>
    <message>
        <source>Sign in</source>
        <translation>签入</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation type="unfinished">签出</translation>
    </message>
    <message>
        <source>Rest</source>
        <translation type="vanished">休息</translation>
    </message>
</context>
<context>
    <name>Report</name>
    <message numerus="yes">
        <source>%n bill(s)</source>
        <translation><numerusform>%n 条话单</numerusform></translation>
    </message>
</context>
</TS>
"""


@pytest.fixture
def zh_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A resources folder whose only catalog is TS, and a clean language state."""
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "test_zh_CN.ts").write_text(TS, encoding="utf-8")
    monkeypatch.setattr(i18n, "resources_dir", lambda: tmp_path)
    i18n.catalog.cache_clear()
    monkeypatch.setattr(i18n, "_process_language", "en")
    yield
    i18n.catalog.cache_clear()


def test_finished_entries_translate_and_unfinished_ones_stay_english(zh_catalog: None) -> None:
    with i18n.use_language("zh_CN"):
        assert i18n.translate("OpType", "Sign in") == "签入"
        assert i18n.translate("OpType", "Sign out") == "Sign out"
        assert i18n.translate("OpType", "Rest") == "Rest"
        assert i18n.translate("Other", "Sign in") == "Sign in"
    assert i18n.translate("OpType", "Sign in") == "Sign in"


def test_plural_entries_fill_in_the_count(zh_catalog: None) -> None:
    with i18n.use_language("zh_CN"):
        assert i18n.translate("Report", "%n bill(s)", 3) == "3 条话单"
    assert i18n.translate("Report", "%n bill(s)", 1) == "1 bill(s)"


def test_a_thread_override_does_not_change_other_threads(zh_catalog: None) -> None:
    i18n.set_language("zh_CN")
    seen: list[str] = []

    def worker() -> None:
        with i18n.use_language("en"):
            seen.append(i18n.translate("OpType", "Sign in"))
        seen.append(i18n.translate("OpType", "Sign in"))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen == ["Sign in", "签入"]
    assert i18n.translate("OpType", "Sign in") == "签入"


def test_noop_marker_returns_the_source() -> None:
    assert i18n.QT_TRANSLATE_NOOP("OpType", "Sign in") == "Sign in"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh-CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh_TW", "zh_CN"),
        ("en_US.UTF-8", "en"),
        ("C", "en"),
        ("de_DE@euro", "en"),
    ],
)
def test_locale_spellings_map_to_our_languages(value: str, expected: str) -> None:
    assert i18n.normalize_language(value) == expected


def test_system_language_follows_gettext_order() -> None:
    assert i18n.system_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert i18n.system_language({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.system_language({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}) == "zh_CN"
    assert i18n.system_language({}) == "en"
    assert i18n.resolve_language("system", {"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert i18n.resolve_language("en", {"LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.resolve_language(None, {}) == "en"
    with pytest.raises(ValueError):
        i18n.normalize_language("  ")

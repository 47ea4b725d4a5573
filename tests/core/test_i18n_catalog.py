"""The Qt-free layers' catalog (resources/i18n/core_zh_CN.ts) is complete, current and consistent.

pyside6-lupdate and pyside6-lrelease come with the PySide6 wheel, so these run wherever the tests
do (CI included): a string marked in the code but missing from the catalog, a string without its
translation, or a translation that lost a placeholder fails here.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from viewer.core import i18n

ROOT = Path(__file__).resolve().parents[2]
CORE_TS = ROOT / "resources" / "i18n" / "core_zh_CN.ts"
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\}|%n|%\d")


def _translations_tool() -> ModuleType:
    """``packaging/translations.py`` (not a package: loaded by path)."""
    path = ROOT / "packaging" / "translations.py"
    spec = importlib.util.spec_from_file_location("_translations", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messages(path: Path) -> list[tuple[str, str, ET.Element]]:
    """``(context, source, translation element)`` of every message of a ``.ts`` file."""
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            node = message.find("translation")
            assert node is not None
            found.append((name, message.findtext("source") or "", node))
    return found


def test_extraction_finds_nothing_new(tmp_path: Path) -> None:
    """Running the project's ``update`` into a copy changes nothing: the catalog is current."""
    tool = _translations_tool()
    for ts in (ROOT / "resources" / "i18n").glob("*.ts"):
        shutil.copy(ts, tmp_path / ts.name)
    tool.update(tmp_path)
    before = [(c, s) for c, s, _ in _messages(CORE_TS)]
    after = _messages(tmp_path / CORE_TS.name)
    assert [(c, s) for c, s, _ in after] == before
    unfinished = [(c, s) for c, s, node in after if node.get("type") == "unfinished"]
    assert unfinished == []


def test_lrelease_finds_every_string_finished(tmp_path: Path) -> None:
    tool = _translations_tool()
    qm = tmp_path / "core_zh_CN.qm"
    done = subprocess.run(
        [tool.tool("pyside6-lrelease"), "-fail-on-unfinished", str(CORE_TS), "-qm", str(qm)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    counts = re.search(
        r"Generated (\d+) translation\(s\) \((\d+) finished and (\d+) unfinished\)", done.stdout
    )
    assert counts is not None, done.stdout
    generated, finished, unfinished = map(int, counts.groups())
    assert generated == finished > 400 and unfinished == 0
    assert qm.stat().st_size > 0


def test_every_translation_keeps_the_placeholders_of_its_source() -> None:
    messages = _messages(CORE_TS)
    assert len(messages) > 400
    for context, source, node in messages:
        forms = node.findall("numerusform")
        texts = [f.text or "" for f in forms] if forms else [node.text or ""]
        for text in texts:
            assert text, f"{context}: {source!r} is not translated"
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
                f"{context}: {source!r} -> {text!r}"
            )


def test_every_translation_is_chinese_and_uses_huawei_s_word_for_agent() -> None:
    """座席 as Huawei writes it (never 坐席); a translation equal to its source only for names."""
    same_allowed = {"VDN", "SHA-256", "{words} {values}"}
    messages = _messages(CORE_TS)
    assert len(messages) > 400
    for context, source, node in messages:
        text = node.text or ""
        assert "坐席" not in text, f"{context}: {source!r}"
        if text == source:
            assert source in same_allowed, f"{context}: {source!r} left in English"


@pytest.mark.parametrize(("context", "source"), [("Codes", "not used"), ("Sheet", "Bills")])
def test_the_qt_free_reader_finds_the_catalog(context: str, source: str) -> None:
    with i18n.use_language("zh_CN"):
        assert i18n.translate(context, source) != source

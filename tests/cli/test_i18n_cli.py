"""The command line speaks the user's language: LANG/LC_MESSAGES by default, ``--lang`` on every
command, and JSON output whose keys and codes do not change with the language.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from viewer.cli import build_parser, main
from viewer.core import i18n

REPO = Path(__file__).resolve().parents[2]
LOCALE_KEYS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _english_after(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No locale from the machine running the tests; the process back in English afterwards."""
    for key in LOCALE_KEYS:
        monkeypatch.delenv(key, raising=False)
    yield
    i18n.set_language("en")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_decode_answers_in_chinese_under_a_chinese_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, out, _ = run_cli(capsys, "decode", "3", "--cause", "2")
    assert code == 0
    assert out.splitlines()[:2] == ["操作类型 3：示忙", "  座席示忙。"]
    assert "  操作原因 2：久不应答被示忙" in out.splitlines()


def test_lc_messages_wins_over_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_MESSAGES", "zh_CN.UTF-8")
    _, out, _ = run_cli(capsys, "decode", "0", "--cause", "257")
    assert out.startswith("操作类型 0：签出\n")
    assert "被质检员强制签出" in out


def test_an_english_locale_and_lang_en_answer_in_english(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, plain, _ = run_cli(capsys, "decode", "3", "--cause", "2")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    _, chosen, _ = run_cli(capsys, "decode", "3", "--cause", "2", "--lang", "en")
    assert plain == chosen
    assert plain.startswith("Operation type 3: Busy\n")


def test_lang_goes_before_or_after_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    _, before, _ = run_cli(capsys, "--lang", "zh_CN", "decode", "26", "--cause", "0")
    _, after, _ = run_cli(capsys, "decode", "26", "--cause", "0", "--lang", "zh_CN")
    assert before == after
    assert before.startswith("操作类型 26：休息\n")
    assert "休息原因 0（默认）" in before


def test_decode_takes_the_chinese_name_of_a_type(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "decode", "强制签出", "--lang", "zh_CN")
    assert code == 0 and out.startswith("操作类型 29：强制签出\n")


def test_every_command_takes_lang() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices
    for name, command in sub.choices.items():
        options = {o for a in command._actions for o in a.option_strings}
        assert "--lang" in options, name


def test_an_unknown_language_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["decode", "3", "--lang", "fr"])
    assert stop.value.code == 2
    assert "--lang: invalid choice: 'fr'" in capsys.readouterr().err


def _shape(value: Any) -> Any:
    """The keys of a JSON value all the way down, and its numbers; other text left out."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, str):
        return str
    return value


def test_json_keeps_english_keys_and_codes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    db = tmp_path / "bills.sqlite"
    path = fixtures_dir / "no_header.csv"
    code, imported, _ = run_cli(capsys, "import", "--db", db, "--json", path, "--lang", "zh_CN")
    assert code == 0
    assert set(json.loads(imported)) >= {"files", "imported", "rejected"}
    outputs = {}
    for lang in ("en", "zh_CN"):
        at = ["at", "2026-11-02 08:02", "--until", "08:06", "--db", db, "--json", "--lang", lang]
        summary = ["summary", "--db", db, "--json", "--lang", lang]
        outputs[lang] = [json.loads(run_cli(capsys, *argv)[1]) for argv in (at, summary)]
    assert _shape(outputs["zh_CN"]) == _shape(outputs["en"])
    at_zh, summary_zh = outputs["zh_CN"]
    [agent] = at_zh["agents"]
    assert agent["before"]["state"] == "busy"  # the state's code, not its Chinese title
    assert agent["after"]["state"] == "conversation"
    assert at_zh["from"] == "2026-11-02 08:02:00"
    assert summary_zh["agents"] == outputs["en"][1]["agents"]  # figures keyed in English
    assert summary_zh["time_label"] == "按导出原样（租户时间）"  # the words follow the language


def test_stats_import_and_export_summaries_read_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    db = tmp_path / "bills.sqlite"
    code, out, _ = run_cli(
        capsys, "import", "--db", db, fixtures_dir / "bad_lines.csv", "--lang", "zh_CN"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("：读取 9 行，导入 4 条，重复 0 条（其中 0 条冲突），拒绝 5 行")
    assert lines[1] == "  第 2 行：列数太少（10 列；话单应有 17 到 21 列）"
    assert (
        lines[-1]
        == f"合计：1 个文件，读取 9 行，导入 4 条，重复 0 条（其中 0 条冲突），拒绝 5 行 -> {db}"
    )
    _, stats, _ = run_cli(capsys, "stats", "--db", db, "--lang", "zh_CN")
    assert stats.splitlines()[1:3] == ["话单数：4", "座席数：1"]
    assert "，时间按导出原样（租户时间）" in stats
    out_file = tmp_path / "bills.xlsx"
    _, exported, _ = run_cli(capsys, "export", "--db", db, "--out", out_file, "--lang", "zh_CN")
    assert exported.startswith(f"已导出 4 张话单（1 个工作表）到 {out_file}（行 sha256 ")


def test_a_chinese_locale_reaches_a_real_process() -> None:
    env = {k: v for k, v in os.environ.items() if k not in LOCALE_KEYS}
    env.pop("QT_QPA_PLATFORM", None)
    env["LANG"] = "zh_CN.UTF-8"
    done = subprocess.run(
        [sys.executable, "-m", "viewer", "decode", "3", "--cause", "2"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=REPO,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("操作类型 3：示忙\n")

"""The rest of the command line in Chinese: verify, key, time-zone, labels, usage errors.

Each answer reads in Chinese under ``--lang zh_CN`` and in English otherwise; the parts a script
reads (verify's first word, the path, the hashes, exit statuses) are the same in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from viewer.cli import main
from viewer.core import i18n
from viewer.core.filters import BillFilter
from viewer.core.records import COLUMNS
from viewer.data.db import Database, open_database
from viewer.data.export import signing
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.verify import recompute_sha256
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

LOCALE_KEYS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _english_after(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No locale from the machine, a key folder of this test's own, English again afterwards."""
    for key in LOCALE_KEYS:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv(signing.ENV_KEY_DIR, str(tmp_path / "keys"))
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("i18n-rest")
    write_csv(folder / "bills.csv", generate_bills(GeneratorConfig(agents=3, seed=5)))
    database = open_database(folder / "bills.sqlite")
    assert import_paths(database, [folder / "bills.csv"]).ok
    yield database
    database.close()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def both(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> dict[str, tuple[int, str, str]]:
    """The same command in English and in Chinese."""
    return {lang: run_cli(capsys, *argv, "--lang", lang) for lang in ("en", "zh_CN")}


def assert_chinese(said: str, english: str) -> None:
    assert CJK.search(said), said
    assert said != english
    assert not CJK.search(english), english


def test_verify_ok_unsigned_and_mismatch_in_both_languages(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "signed.xlsx"
    export_xlsx(db, BillFilter(), out)
    sha = recompute_sha256(out)
    ok = both(capsys, "verify", out)
    assert ok["en"][0] == ok["zh_CN"][0] == 0
    assert ok["en"][1].startswith(f"OK {out}: ") and "signature valid, signed by" in ok["en"][1]
    assert ok["zh_CN"][1].startswith(f"OK {out}：") and sha in ok["zh_CN"][1]
    assert "签名有效，签名者" in ok["zh_CN"][1] and "（本计算机的密钥）" in ok["zh_CN"][1]
    assert_chinese(ok["zh_CN"][1], ok["en"][1])

    unsigned = tmp_path / "unsigned.xlsx"
    export_xlsx(db, BillFilter(), unsigned, sign=False)
    old = both(capsys, "verify", unsigned)
    assert old["en"][0] == old["zh_CN"][0] == 3
    assert "the file has no signature" in old["en"][1]
    assert old["zh_CN"][1].startswith(f"UNSIGNED {unsigned}：")
    assert "但文件没有签名" in old["zh_CN"][1]
    assert_chinese(old["zh_CN"][1], old["en"][1])

    wb = openpyxl.load_workbook(out)
    wb["Bills"]["D2"] = "someone else"
    wb.save(out)
    bad = both(capsys, "verify", out)
    assert bad["en"][0] == bad["zh_CN"][0] == 1
    assert "the signature does not match the workbook" in bad["en"][1]
    assert bad["zh_CN"][1].startswith(f"MISMATCH {out}: ")
    assert "签名与工作簿不符" in bad["zh_CN"][1] and f"报告中记载的是 {sha}" in bad["zh_CN"][1]
    assert_chinese(bad["zh_CN"][1], bad["en"][1])


def test_verify_errors_and_key_file_errors_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK nonsense")
    runs = both(capsys, "verify", junk)
    assert runs["en"][0] == runs["zh_CN"][0] == 1
    assert "not a readable .xlsx workbook" in runs["en"][2]
    assert f"{junk}：不是可读取的 .xlsx 工作簿" in runs["zh_CN"][2]
    assert_chinese(runs["zh_CN"][2], runs["en"][2])

    not_pem = tmp_path / "key.pem"
    not_pem.write_text("not a key")
    runs = both(capsys, "verify", junk, "--key", not_pem)
    assert runs["en"][0] == runs["zh_CN"][0] == 1
    assert "not a public key file" in runs["en"][2]
    assert f"{not_pem}：不是公钥文件" in runs["zh_CN"][2]
    assert_chinese(runs["zh_CN"][2], runs["en"][2])


def test_key_show_and_export_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "key", "show", "--lang", "zh_CN")
    assert code == 0
    assert "bill-viewer: 已在" in err and "生成新的签名密钥" in err
    lines = out.splitlines()
    assert lines[0].startswith("名称：") and lines[1].startswith("指纹：")
    assert lines[2].startswith("私钥：") and "切勿交给他人" in lines[2]
    code, english, _ = run_cli(capsys, "key", "show", "--lang", "en")
    assert code == 0 and english.splitlines()[1] == lines[1].replace("指纹：", "fingerprint: ")
    assert_chinese(out, english)

    pem = tmp_path / "public.pem"
    runs = both(capsys, "key", "export", "--out", pem)
    assert runs["en"][1].startswith("wrote the public key of ")
    assert runs["zh_CN"][1].startswith("已将 ") and f"的公钥写入 {pem}" in runs["zh_CN"][1]
    assert_chinese(runs["zh_CN"][1], runs["en"][1])

    folder = tmp_path / "public.pem.d"
    folder.mkdir()
    runs = both(capsys, "key", "export", "--out", folder)
    assert runs["en"][0] == runs["zh_CN"][0] == 1
    assert "cannot write the key" in runs["en"][2] and "无法写入密钥" in runs["zh_CN"][2]


def test_signing_key_readable_by_others_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(capsys, "key", "show")[0] == 0
    private = tmp_path / "keys" / signing.PRIVATE_NAME
    private.chmod(0o644)
    runs = both(capsys, "key", "show")
    assert runs["en"][0] == runs["zh_CN"][0] == 1
    assert "must be readable by its owner only" in runs["en"][2]
    assert f"签名私钥必须只有其所有者可读（请运行：chmod 600 {private}）" in runs["zh_CN"][2]
    assert_chinese(runs["zh_CN"][2], runs["en"][2])


def test_time_zone_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "zone.sqlite"
    runs = both(capsys, "time-zone", "--db", db, "Asia/Shanghai")
    assert runs["en"][1] == "times are shown as exported (tenant time, Asia/Shanghai)\n"
    assert runs["zh_CN"][1].startswith("时间显示为：") and "Asia/Shanghai" in runs["zh_CN"][1]
    assert_chinese(runs["zh_CN"][1], runs["en"][1])
    runs = both(capsys, "time-zone", "--db", db, "x" * 200)
    assert runs["en"][0] == runs["zh_CN"][0] == 2
    assert "printable characters" in runs["en"][2]
    assert "bill-viewer: 错误：时区名称最多" in runs["zh_CN"][2]
    runs = both(capsys, "time-zone", "--db", db, "UTC", "--clear")
    assert runs["en"][2].endswith("bill-viewer: error: give a NAME or --clear, not both\n")
    assert runs["zh_CN"][2].endswith("bill-viewer: 错误：请给出 NAME 或 --clear，不能同时给出\n")


def test_labels_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "labels.sqlite"
    runs = both(capsys, "labels", "list", "--db", db)
    first = runs["zh_CN"][1].splitlines()[0]
    assert runs["en"][1].splitlines()[0].startswith("type 0 (")
    assert first.startswith("类型 0（") and "），代码 " in first
    assert_chinese(runs["zh_CN"][1], runs["en"][1])

    runs = both(capsys, "labels", "unset", "26", "7", "--db", db)
    assert runs["en"][1] == "26:7 had no label\n"
    assert runs["zh_CN"][1] == "26:7 没有标签\n"

    runs = both(capsys, "labels", "set", "3", "2", "mine", "--db", db)
    assert runs["en"][0] == runs["zh_CN"][0] == 2
    assert "is defined by the vendor" in runs["en"][2]
    assert "操作类型 3 的原因 2 由厂商定义" in runs["zh_CN"][2]
    runs = both(capsys, "labels", "set", "26", "--db", db)
    assert runs["en"][2].endswith("error: labels set needs TYPE CODE\n")
    assert runs["zh_CN"][2].endswith("错误：labels set 需要 TYPE CODE\n")
    runs = both(capsys, "labels", "set", "x", "2", "y", "--db", db)
    assert "TYPE must be a whole number, not 'x'" in runs["en"][2]
    assert "TYPE 必须是整数，而不是 'x'" in runs["zh_CN"][2]


@pytest.mark.parametrize(
    ("argv", "english", "chinese"),
    [
        (("decode", "zzz"), "no operation type is named 'zzz'", "没有名为 'zzz' 的操作类型"),
        (("decode", "internal"), "could be any of", "可能是以下"),
        (("decode", "!!"), "must be a number or an operation type's name", "必须是数字"),
        (("export", "--columns", "nope"), "unknown column 'nope'", "未知的列 'nope'"),
        (("export", "--columns", "agent_id,agent_id"), "lists a column twice", "有列重复出现"),
        (("export", "--out", "."), "names no file", "不是文件名"),
        (("export", "--from", "yesterday"), "invalid time 'yesterday'", "无效的时间 'yesterday'"),
        (("export", "--reason", "3"), "invalid reason '3'", "无效的原因 '3'"),
    ],
)
def test_usage_errors_in_both_languages(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    argv: tuple[str, ...],
    english: str,
    chinese: str,
) -> None:
    where: tuple[str | Path, ...] = ()
    if argv[0] == "export":
        where = ("--db", tmp_path / "none.sqlite")
        if "--out" not in argv:
            where += ("--out", tmp_path / "out.xlsx")
    runs = both(capsys, *argv, *where)
    assert runs["en"][0] == runs["zh_CN"][0] == 2
    assert "bill-viewer: error: " in runs["en"][2] and english in runs["en"][2]
    assert "bill-viewer: 错误：" in runs["zh_CN"][2] and chinese in runs["zh_CN"][2]
    assert_chinese(runs["zh_CN"][2].splitlines()[-1], runs["en"][2].splitlines()[-1])


def test_export_s_note_on_cut_cells_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = list(generate_bills(GeneratorConfig(agents=2, seed=9, target_bills=20)))
    rows[3][COLUMNS.index("phone_no")] = "1" * 40_000  # over Excel's 32,767 characters
    csv = tmp_path / "long.csv"
    write_csv(csv, rows)
    db = tmp_path / "long.sqlite"
    assert run_cli(capsys, "import", "--db", db, csv)[0] == 0
    said = {}
    for lang in ("en", "zh_CN"):
        out = tmp_path / f"long-{lang}.xlsx"
        code, _, err = run_cli(capsys, "export", "--db", db, "--out", out, "--lang", lang)
        assert code == 0
        said[lang] = err
    assert "bill-viewer: note: 1 cell longer than Excel's limit" in said["en"]
    assert "bill-viewer: 注意：有 1 个单元格超过 Excel 32,767 个字符的上限而被截断" in said["zh_CN"]
    assert_chinese(said["zh_CN"], said["en"])

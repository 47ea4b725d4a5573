"""Tests of the command line (viewer.cli): import, decode, labels, stats.

Most run ``viewer.cli.main`` in-process; a few run ``python -m viewer`` as a real subprocess to
check exit statuses and the JSON shape as a script would see them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.data.db import open_database
from viewer.data.queries import stats

REPO = Path(__file__).resolve().parents[2]
FILE_KEYS = {
    "path",
    "sha256",
    "status",
    "rows_read",
    "imported",
    "duplicates",
    "conflicts",
    "rejected",
    "message",
}
TOTAL_KEYS = {"files", "rows_read", "imported", "duplicates", "conflicts", "rejected", "rejects"}


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_module(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run(
        [sys.executable, "-m", "viewer", *(str(a) for a in argv)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )


# --- import ----------------------------------------------------------------------------------


def test_import_json_shape(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    db = tmp_path / "bills.sqlite"
    code, out, _ = run_cli(
        capsys,
        "import",
        "--db",
        db,
        "--json",
        fixtures_dir / "bad_lines.csv",
        fixtures_dir / "duplicate_ids.csv",
    )
    assert code == 0
    report = json.loads(out)
    assert set(report) == TOTAL_KEYS
    assert [set(f) for f in report["files"]] == [FILE_KEYS, FILE_KEYS]
    bad, dup = report["files"]
    assert (bad["status"], bad["rows_read"], bad["imported"], bad["rejected"]) == (
        "imported",
        9,
        4,
        5,
    )
    assert (dup["duplicates"], dup["conflicts"]) == (2, 1)
    for f in report["files"]:
        assert f["rows_read"] == f["imported"] + f["duplicates"] + f["rejected"]
    for key in ("rows_read", "imported", "duplicates", "conflicts", "rejected"):
        assert report[key] == sum(f[key] for f in report["files"])
    assert all(set(r) == {"path", "line", "reason"} for r in report["rejects"])
    assert {r["path"] for r in report["rejects"]} == {str(fixtures_dir / "bad_lines.csv")}
    assert [r["line"] for r in report["rejects"]] == [2, 4, 5, 7, 8]


def test_import_text_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    db = tmp_path / "bills.sqlite"
    path = fixtures_dir / "bad_lines.csv"
    code, out, _ = run_cli(capsys, "import", "--db", db, path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}: 9 lines read, 4 imported")
    assert "5 rejected" in lines[0]
    assert lines[1].strip() == "line 2: too few columns (10; a bill has 17 to 21)"
    assert [line.split(":")[0].strip() for line in lines[1:6]] == [
        "line 2",
        "line 4",
        "line 5",
        "line 7",
        "line 8",
    ]
    assert lines[-1].startswith("total: 1 file(s), 9 lines read, 4 imported")
    assert str(db) in lines[-1]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.csv", "empty"),
        ("binary.csv", "binary"),
        ("20261102101530123456_call_1.csv", "not an agent operation bill export"),
        ("20261102_fedcba9876543210fedcba9876543210.zip", "not a readable zip"),
        ("missing.csv", "no such file"),
    ],
)
def test_unusable_files_give_one_line_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path, name: str, words: str
) -> None:
    path = fixtures_dir / name
    code, out, err = run_cli(capsys, "import", "--db", tmp_path / "b.sqlite", path)
    assert code == 1
    [line] = [line for line in out.splitlines() if not line.startswith("total:")]
    assert line.startswith(str(path))
    assert words in line
    assert "Traceback" not in err


def test_unreadable_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "secret.csv"
    path.write_bytes((fixtures_dir / "no_header.csv").read_bytes())
    path.chmod(0)
    code, out, _ = run_cli(capsys, "import", "--db", tmp_path / "b.sqlite", path)
    assert code == 1
    assert f"{path}: cannot read" in out


def test_import_zip_members_and_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    db = tmp_path / "bills.sqlite"
    zip_path = fixtures_dir / "20261102_0123456789abcdef0123456789abcdef.zip"
    code, out, _ = run_cli(capsys, "import", "--db", db, "--json", zip_path)
    assert code == 1  # the _record_ member is not a bill export
    report = json.loads(out)
    assert [f["path"].split("!")[1] for f in report["files"]] == [
        "20261103021530123456_agentOprInfo_1.csv",
        "20261103021530987654_agentOprInfo_2.csv",
        "20261103021531000321_record_1.csv",
    ]
    assert [f["status"] for f in report["files"]] == [
        "imported",
        "imported",
        "not_a_bill_export",
    ]
    member = report["files"][0]["path"]
    assert member == f"{zip_path}!20261103021530123456_agentOprInfo_1.csv"
    code, out, _ = run_cli(capsys, "import", "--db", db, "--json", fixtures_dir / "pipe.csv")
    assert code == 0
    code, out, _ = run_cli(capsys, "import", "--db", db, fixtures_dir / "pipe.csv")
    assert code == 0
    assert "already imported" in out and "--force" in out
    code, out, _ = run_cli(capsys, "import", "--db", db, "--json", "--force", "pipe.csv")
    assert code == 1  # relative to the working folder: not found
    code, out, _ = run_cli(
        capsys, "import", "--db", db, "--json", "--force", fixtures_dir / "pipe.csv"
    )
    assert code == 0
    [f] = json.loads(out)["files"]
    assert (f["status"], f["imported"], f["duplicates"]) == ("imported", 0, 6)


def test_import_into_a_newer_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    db = tmp_path / "future.sqlite"
    open_database(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    code, out, err = run_cli(capsys, "import", "--db", db, fixtures_dir / "pipe.csv")
    assert code == 1
    assert "newer" in err and str(db) in err
    assert out == ""


def test_default_database_from_environment(
    capsys: pytest.CaptureFixture[str], fixtures_dir: Path
) -> None:
    code, out, _ = run_cli(capsys, "import", fixtures_dir / "pipe.csv")
    assert code == 0
    assert os.environ["BILL_VIEWER_DB"] in out
    db = open_database(os.environ["BILL_VIEWER_DB"])
    try:
        assert stats(db).bills == 6
    finally:
        db.close()


# --- decode, labels, stats -------------------------------------------------------------------


def test_decode_forced_logout(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "decode", "0", "--cause", "257")
    assert code == 0
    assert "QC inspector" in out
    assert "cause 257" in out


def test_decode_unknown_and_not_used(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "decode", "99")
    assert code == 0
    assert "[UNKNOWN]" in out
    code, out, _ = run_cli(capsys, "decode", "3", "--cause", "199")
    assert "[UNKNOWN]" in out
    code, out, _ = run_cli(capsys, "decode", "1", "--object", "65535")
    assert "not used" in out


def test_decode_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "decode", "busy")
    assert code == 2
    assert "OP_TYPE must be a whole number" in err


def test_labels_set_list_unset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "labels.sqlite"
    code, out, _ = run_cli(capsys, "labels", "set", "3", "201", "Coaching", "session", "--db", db)
    assert code == 0
    assert out.strip() == "3:201 = Coaching session"
    code, out, _ = run_cli(capsys, "labels", "list", "--db", db)
    assert code == 0
    assert "  3:201 = Coaching session" in out.splitlines()
    code, out, _ = run_cli(capsys, "decode", "3", "--cause", "201", "--db", db)
    assert "Coaching session" in out and "[site label]" in out
    code, out, _ = run_cli(capsys, "labels", "unset", "3", "201", "--db", db)
    assert code == 0
    code, out, _ = run_cli(capsys, "labels", "list", "--db", db)
    assert "Coaching session" not in out
    code, out, _ = run_cli(capsys, "labels", "unset", "3", "201", "--db", db)
    assert code == 0 and "had no label" in out


def test_labels_refuse_vendor_codes_and_bad_usage(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "labels.sqlite"
    code, _, err = run_cli(capsys, "labels", "set", "0", "257", "Kicked", "--db", db)
    assert code == 1
    assert "defined by the vendor" in err
    code, _, err = run_cli(capsys, "labels", "set", "3", "--db", db)
    assert code == 2 and "needs TYPE CODE" in err
    code, _, err = run_cli(capsys, "labels", "set", "3", "201", "--db", db)
    assert code == 2 and "TEXT" in err
    code, _, err = run_cli(capsys, "labels", "set", "3", "two", "x", "--db", db)
    assert code == 2 and "CODE must be a whole number" in err


def test_stats(capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path) -> None:
    db = tmp_path / "bills.sqlite"
    run_cli(capsys, "import", "--db", db, fixtures_dir / "duplicate_ids.csv")
    run_cli(capsys, "import", "--db", db, fixtures_dir / "bad_lines.csv")
    code, out, _ = run_cli(capsys, "stats", "--db", db, "--json")
    assert code == 0
    figures = json.loads(out)
    database = open_database(db)
    try:
        assert figures == stats(database).as_dict()
    finally:
        database.close()
    assert (figures["bills"], figures["files"], figures["rejects"], figures["conflicts"]) == (
        7,
        2,
        5,
        1,
    )
    code, out, _ = run_cli(capsys, "stats", "--db", db)
    assert code == 0
    assert "bills:     7" in out
    assert f"time span: {figures['first_begin']} to {figures['last_begin']}" in out


def test_stats_of_a_missing_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "nothing.sqlite"
    code, _, err = run_cli(capsys, "stats", "--db", db)
    assert code == 1
    assert str(db) in err
    assert not db.exists()


# --- a real process ---------------------------------------------------------------------------


def test_subprocess_exit_statuses_and_json(tmp_path: Path, fixtures_dir: Path) -> None:
    db = tmp_path / "bills.sqlite"
    ok = run_module("import", "--db", db, "--json", fixtures_dir / "no_header.csv")
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout)
    assert set(report) == TOTAL_KEYS
    [f] = report["files"]
    assert set(f) == FILE_KEYS
    assert (f["status"], f["rows_read"], f["imported"]) == ("imported", 6, 6)
    assert len(f["sha256"]) == 64

    again = run_module("import", "--db", db, "--json", fixtures_dir / "no_header.csv")
    assert again.returncode == 0
    assert json.loads(again.stdout)["files"][0]["status"] == "already_imported"

    failed = run_module(
        "import", "--db", db, "--json", fixtures_dir / "pipe.csv", fixtures_dir / "empty.csv"
    )
    assert failed.returncode == 1
    statuses = [f["status"] for f in json.loads(failed.stdout)["files"]]
    assert statuses == ["imported", "failed"]

    usage = run_module("import", "--db", db)
    assert usage.returncode == 2
    assert "usage:" in usage.stderr

    usage = run_module("labels", "set", "3", "--db", db)
    assert usage.returncode == 2

    missing = run_module("import", "--db", db, tmp_path / "nope.csv")
    assert missing.returncode == 1
    assert f"{tmp_path / 'nope.csv'}: no such file" in missing.stdout
    assert "Traceback" not in missing.stderr

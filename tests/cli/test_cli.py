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
import zipfile
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
    assert lines[-1].startswith("total: 1 file, 9 lines read, 4 imported")
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


def test_corrupt_zip_member_is_one_line_not_a_traceback(tmp_path: Path, fixtures_dir: Path) -> None:
    """A real process: the damaged member fails with one line, the next file is imported."""
    data = b"".join(
        (fixtures_dir / n).read_bytes() for n in ("no_header.csv", "pipe.csv", "tab.csv")
    )
    path = tmp_path / "20261102_00112233445566778899aabbccddeeff.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("20261103021530123456_agentOprInfo_1.csv", data * 200)
    raw = bytearray(path.read_bytes())
    raw[200:260] = b"\xff" * 60  # inside the deflated data
    path.write_bytes(bytes(raw))
    proc = run_module("import", "--db", tmp_path / "b.sqlite", path, fixtures_dir / "tab.csv")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    failed = [line for line in lines if line.startswith(f"{path}!")]
    assert len(failed) == 1
    assert "agentOprInfo_1.csv: the zip member is damaged" in failed[0]
    assert any(line.startswith(f"{fixtures_dir / 'tab.csv'}: 6 lines read") for line in lines)


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
    code, _, err = run_cli(capsys, "decode", "nosuchtype")
    assert code == 2
    assert "no operation type is named 'nosuchtype'" in err


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
    assert code == 2
    assert "defined by the vendor" in err
    code, _, err = run_cli(capsys, "labels", "set", "3", "7", "Foo", "--db", db)
    assert code == 2
    assert "operation type 3 reason 7 is defined by the vendor" in err
    assert "Traceback" not in err
    assert not db.exists()  # a usage error does not create the database
    code, _, err = run_cli(capsys, "labels", "set", "3", "201", " ", "--db", db)
    assert code == 2 and "needs some text" in err
    code, _, err = run_cli(capsys, "labels", "set", "3", "--db", db)
    assert code == 2 and "needs TYPE CODE" in err
    code, _, err = run_cli(capsys, "labels", "set", "3", "201", "--db", db)
    assert code == 2 and "TEXT" in err
    code, _, err = run_cli(capsys, "labels", "set", "3", "two", "x", "--db", db)
    assert code == 2 and "CODE must be a whole number" in err


def test_labels_help_lists_the_site_definable_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["labels", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for line in (
        "type 0  (Logout), codes 1-255",
        "type 3  (Busy), codes 200-250",
        "type 26 (Rest), codes 0-255",
        "type 27 (Work), codes 0-255",
        "type 56 (Agent status set), codes 0-65534",
    ):
        assert line in out
    assert "Rest reasons (type 26) have no documented range" in out


def test_rest_reasons_can_be_labelled_within_their_bounds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "labels.sqlite"
    for code, status in (("0", 0), ("255", 0), ("256", 2), ("-1", 2)):
        got, _, _ = run_cli(capsys, "labels", "set", "26", code, "Prayer", "--db", db)
        assert got == status, code


def test_decode_uses_the_default_database_labels(capsys: pytest.CaptureFixture[str]) -> None:
    default = Path(os.environ["BILL_VIEWER_DB"])
    code, out, _ = run_cli(capsys, "decode", "3", "--cause", "201")
    assert code == 0 and "[site label]" not in out
    assert not default.exists()  # decode never creates a database
    code, _, _ = run_cli(capsys, "labels", "set", "3", "201", "Coaching")
    assert code == 0 and default.exists()
    code, out, _ = run_cli(capsys, "decode", "3", "--cause", "201")
    assert code == 0
    assert "Coaching" in out and "[site label]" in out


def test_decode_with_a_broken_default_database_still_decodes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    default = Path(os.environ["BILL_VIEWER_DB"])
    default.write_bytes(b"not a database at all\n" * 100)
    code, out, err = run_cli(capsys, "decode", "0", "--cause", "257")
    assert code == 0
    assert "QC inspector" in out
    assert "warning: site labels not loaded" in err and str(default) in err
    # a database named with --db is what the user asked for: its failure is the answer
    code, out, err = run_cli(capsys, "decode", "0", "--cause", "257", "--db", default)
    assert code == 1 and out == "" and str(default) in err


def test_broken_schema_version_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = tmp_path / "edited.sqlite"
    open_database(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    code, out, err = run_cli(capsys, "stats", "--db", db)
    assert code == 1 and out == ""
    assert err.startswith(f"bill-viewer: {db}: damaged bill database")
    assert "Traceback" not in err


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


# --- at TIME --to TIME2 ------------------------------------------------------------------------


def test_at_until_prints_what_changed_between_two_moments(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures_dir: Path
) -> None:
    # agent 0107: busy (reason 201) 08:01:00-08:04:30, call 1793577688-34 08:05:10-08:12:41
    db = tmp_path / "bills.sqlite"
    run_cli(capsys, "import", "--db", db, fixtures_dir / "no_header.csv")
    code, out, _ = run_cli(
        capsys, "at", "2026-11-02", "08:02", "--until", "2026-11-02", "08:06", "--db", db, "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert (data["from"], data["to"]) == ("2026-11-02 08:02:00", "2026-11-02 08:06:00")
    assert (data["agents_total"], data["agents_changed"]) == (1, 1)
    [agent] = data["agents"]
    assert agent["agent"] == "0107" and agent["changed"] is True
    assert (agent["before"]["state"], agent["before"]["since"]) == ("busy", "2026-11-02 08:01:00")
    assert agent["after"]["state"] == "conversation"
    assert agent["after"]["since"] == "2026-11-02 08:05:10"
    assert [(iv["state"], iv["since"]) for iv in agent["started"]] == [
        ("conversation", "2026-11-02 08:05:10")
    ]
    assert [(iv["state"], iv["until"]) for iv in agent["ended"]] == [
        ("busy", "2026-11-02 08:04:30")
    ]
    # only bills up to the second moment are read: the call goes on past it
    assert agent["started"][0]["open_ended"] is True

    # text; a time of day alone is on TIME's day
    code, out, _ = run_cli(capsys, "at", "2026-11-02 08:02", "--until", "08:06", "--db", db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Changes between 2026-11-02 08:02:00 and 2026-11-02 08:06:00")
    assert "1 of 1 agent changed" in lines[0]
    assert "2026-11-02 08:04:30  ended  Busy" in out
    assert "2026-11-02 08:05:10  began  In conversation" in out
    assert out.index("08:04:30  ended") < out.index("08:05:10  began")

    # nothing changes while signed out; --until before TIME is a usage error
    code, out, _ = run_cli(capsys, "at", "2026-11-02 18:00", "--until", "19:00", "--db", db)
    assert code == 0 and "0 of 1 agent changed" in out
    code, _, err = run_cli(capsys, "at", "2026-11-02 08:06", "--until", "08:02", "--db", db)
    assert code == 2 and "--until" in err

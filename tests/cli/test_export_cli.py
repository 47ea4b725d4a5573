"""Tests of ``bill-viewer export`` and ``bill-viewer verify`` (viewer.cli.export_cmd).

The command's filter options must select exactly what the equivalent ``BillFilter`` selects
(``viewer.data.queries``), and the workbook must say so when read back with openpyxl.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from viewer.cli import main
from viewer.core.columns import ALL_COLUMNS, DEFAULT_KEYS, IDX
from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import Database, open_database
from viewer.data.export.bill_rows import export_header
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.verify import recompute_sha256
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("export-cli")
    write_csv(folder / "bills.csv", generate_bills(GeneratorConfig(agents=6, seed=11)))
    database = open_database(folder / "bills.sqlite")
    assert import_paths(database, [folder / "bills.csv"]).ok
    yield database
    database.close()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def bill_ids(db: Database, f: BillFilter) -> list[str]:
    with db.engine.connect() as conn:
        return [r[IDX["bill_id"]] for r in queries.iter_rows(conn, f)]


def sheet(path: Path, title: str = "Bills") -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(path)[title].iter_rows(values_only=True))


def some_values(db: Database) -> dict[str, Any]:
    """Real values to filter on: a busy reason, two agents, a call, a skill, a time window."""
    with db.engine.connect() as conn:
        rows = list(queries.iter_rows(conn, BillFilter()))
    busy = next(r for r in rows if r[IDX["op_type"]] == 3 and r[IDX["op_cause"]] not in (None,))
    call = next(r for r in rows if r[IDX["call_id"]])
    agents = sorted({r[IDX["agent_id"]] for r in rows})
    return {"busy": busy, "call": call, "agents": agents, "rows": rows}


def test_export_with_every_filter_option(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v = some_values(db)
    cases: list[tuple[list[str], BillFilter]] = [
        (
            ["--agent", v["agents"][0], "--agent", v["agents"][1]],
            BillFilter(agents=tuple(v["agents"][:2])),
        ),
        (["--exclude-agent", v["agents"][0]], BillFilter(exclude_agents=(v["agents"][0],))),
        (["--op-type", "3", "--op-type", "26"], BillFilter(op_types=(3, 26))),
        (["--exclude-op-type", "60"], BillFilter(exclude_op_types=(60,))),
        (
            ["--reason", f"3:{v['busy'][IDX['op_cause']]}", "--reason", "1:-"],
            BillFilter(reasons=((3, v["busy"][IDX["op_cause"]]), (1, None))),
        ),
        (
            ["--from", "2026-11-02 10:00", "--to", "2026-11-02 12:30:15"],
            BillFilter(time_from="2026-11-02 10:00:00", time_to="2026-11-02 12:30:15"),
        ),
        (["--call-id", v["call"][IDX["call_id"]]], BillFilter(call_id=v["call"][IDX["call_id"]])),
        (["--skill", "101"], BillFilter(skill="101")),
        (["--media-type", "1", "--media-type", "53"], BillFilter(media_types=(1, 53))),
        (["--text", "10.1"], BillFilter(text="10.1")),
        (["--sort", "agent_id:desc"], BillFilter(sort="agent_id", descending=True)),
    ]
    for n, (options, f) in enumerate(cases):
        out = tmp_path / f"case{n}.xlsx"
        code, stdout, err = run_cli(
            capsys, "export", "--db", db.path, "--out", out, "--columns", "id,agent_id", *options
        )
        assert code == 0, err
        expected = bill_ids(db, f)
        assert expected, options  # every case selects something
        rows = sheet(out)
        assert rows[0] == ("Bill ID", "Agent")
        assert [r[0] for r in rows[1:]] == expected, options
        assert f"exported {len(expected):,} bills in 1 sheet to {out}" in stdout
        assert recompute_sha256(out) in stdout
        report = {r[0]: r[1] for r in sheet(out, "Report") if r[0]}
        assert BillFilter.from_json(report["Filter (JSON)"]) == f
        assert report["Bills exported"] == len(expected)


def test_default_and_all_columns(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "default.xlsx"
    assert run_cli(capsys, "export", "--db", db.path, "--out", out, "--op-type", "3")[0] == 0
    assert sheet(out)[0] == export_header(DEFAULT_KEYS)
    out = tmp_path / "all.xlsx"
    assert run_cli(capsys, "export", "--db", db.path, "--out", out, "--columns", "all")[0] == 0
    assert sheet(out)[0] == export_header(tuple(c.key for c in ALL_COLUMNS))


def test_overwrite_needs_force(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "twice.xlsx"
    out.write_bytes(b"precious")
    code, stdout, err = run_cli(capsys, "export", "--db", db.path, "--out", out)
    assert code == 1 and "already exists" in err and "--force" in err and stdout == ""
    assert out.read_bytes() == b"precious"
    code, stdout, err = run_cli(capsys, "export", "--db", db.path, "--out", out, "--force")
    assert code == 0 and "exported" in stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["twice.xlsx"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--columns", "agent_id,nope"], "unknown column 'nope'"),
        (["--columns", "agent_id,agent_id"], "twice"),
        (["--from", "yesterday"], "invalid time"),
        (["--reason", "3"], "invalid reason"),
        (["--sort", "agent_id:sideways"], "invalid sort direction"),
        (["--sort", "colour"], "cannot sort by"),
    ],
)
def test_usage_errors_exit_2(
    db: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    message: str,
) -> None:
    code, _, err = run_cli(
        capsys, "export", "--db", db.path, "--out", tmp_path / "x.xlsx", *options
    )
    assert code == 2 and message in err
    assert list(tmp_path.iterdir()) == []


def test_out_must_be_xlsx_and_is_required(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "export", "--db", db.path, "--out", "")
    assert code == 2 and "bills.xlsx" in err
    with pytest.raises(SystemExit) as exc:
        main(["export", "--db", str(db.path)])
    assert exc.value.code == 2


def test_known_errors_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], db: Database
) -> None:
    code, _, err = run_cli(
        capsys, "export", "--db", tmp_path / "none.sqlite", "--out", tmp_path / "x.xlsx"
    )
    assert code == 1 and "no such database" in err
    code, _, err = run_cli(
        capsys, "export", "--db", db.path, "--out", tmp_path / "missing" / "x.xlsx"
    )
    assert code == 1 and "no such folder" in err


def test_verify_ok_and_mismatch(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "v.xlsx"
    assert run_cli(capsys, "export", "--db", db.path, "--out", out, "--op-type", "3")[0] == 0
    sha = recompute_sha256(out)
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 0 and stdout.startswith("OK ") and sha in stdout
    wb = openpyxl.load_workbook(out)
    wb["Bills"]["D2"] = "someone else"
    wb.save(out)
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 1 and stdout.startswith("MISMATCH ") and sha in stdout
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK nonsense")
    code, _, err = run_cli(capsys, "verify", junk)
    assert code == 1 and "not a readable" in err


def test_real_command_exit_statuses(db: Database, tmp_path: Path) -> None:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)

    def run(*argv: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "viewer", *(str(a) for a in argv)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
            env=env,
        )

    out = tmp_path / "real.xlsx"
    done = run("export", "--db", db.path, "--out", out, "--agent", "nobody")
    assert done.returncode == 0, done.stderr
    assert "exported 0 bills in 1 sheet" in done.stdout
    assert run("export", "--db", db.path, "--out", out).returncode == 1
    assert run("export", "--db", db.path, "--out", out, "--columns", "x").returncode == 2
    assert run("verify", out).returncode == 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM cannot be caught on Windows")
def test_sigterm_mid_export_leaves_nothing(tmp_path: Path) -> None:
    """A real ``bill-viewer export`` terminated while writing: exit 143, no partial files."""
    data = tmp_path / "data"
    data.mkdir()
    config = GeneratorConfig(agents=40, seed=2, target_bills=20_000)
    write_csv(data / "big.csv", generate_bills(config))
    database = open_database(data / "big.sqlite")
    try:
        assert import_paths(database, [data / "big.csv"]).ok
    finally:
        database.close()
    target = tmp_path / "target"
    target.mkdir()
    out = target / "o.xlsx"
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    command = ["export", "--db", data / "big.sqlite", "--out", out, "--columns", "all"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "viewer", *(str(a) for a in command), "--no-investigation"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            parts = list(target.glob(".o.xlsx.*.part/*"))  # the package, streamed as rows come
            if parts and parts[0].stat().st_size > 200_000:  # rows are being written
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the export ended before it could be terminated"
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 143, stderr
    assert "bill-viewer: terminated" in stderr and stdout == ""
    assert list(target.iterdir()) == []


def test_verify_checks_the_filter_ids_sheet(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ids.xlsx"
    f = BillFilter(ids=tuple(range(1, 8001)))
    export_xlsx(db, f, out, columns=("id",))
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 0 and stdout.startswith("OK ")
    wb = openpyxl.load_workbook(out)
    wb["Filter ids"].delete_rows(3)
    wb.save(out)
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 1 and stdout.startswith("MISMATCH ")
    assert "the filter's ids: the Report states 8000 values, the sheet(s) hold 7,999" in stdout

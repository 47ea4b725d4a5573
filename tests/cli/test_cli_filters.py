"""The command line's filters and texts: --overlapping, `at` fitting the terminal, --out names,
decode by name, plural wording and export progress (a real process, piped and on a terminal).
"""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from viewer.cli import main
from viewer.cli.common import ProgressLine, plural, progress_printer
from viewer.core.filters import BillFilter
from viewer.core.paths import xlsx_target
from viewer.data import queries
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths

REPO = Path(__file__).resolve().parents[2]
DEMO = sorted((REPO / "resources" / "demo").glob("*.zip"))
MOMENT = ["2026-11-02", "10:00"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The demo export (30 agents, long state texts) in a real SQLite file."""
    db = open_database(tmp_path_factory.mktemp("cli-filters") / "demo.sqlite")
    assert DEMO and import_paths(db, DEMO).ok
    yield db
    db.close()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def module_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    return env


# --- --overlapping -------------------------------------------------------------------------


def test_export_overlapping_selects_what_the_filter_selects(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    window = ["--from", "2026-11-02 10:00", "--to", "2026-11-02 10:05"]
    out = tmp_path / "o.xlsx"
    code, stdout, err = run_cli(
        capsys, "export", "--db", demo_db.path, "--out", out, *window, "--overlapping"
    )
    assert code == 0, err
    f = BillFilter(time_from="2026-11-02 10:00:00", time_to="2026-11-02 10:05:00", overlapping=True)
    with demo_db.engine.connect() as conn:
        expected = queries.count(conn, f)
        begins_within = queries.count(conn, BillFilter(time_from=f.time_from, time_to=f.time_to))
        # independent of where_sql: bills begun before the end and not ended by the start
        lo, hi = conn.exec_driver_sql(
            "SELECT strftime('%s', ?), strftime('%s', ?)", (f.time_from, f.time_to)
        ).one()
        by_hand = conn.exec_driver_sql(
            "SELECT count(*) FROM bill WHERE begin_time < ? AND (end_time IS NULL OR end_time > ?)",
            (int(hi), int(lo)),
        ).scalar_one()
    assert expected == by_hand > begins_within
    assert f"exported {expected:,} bills" in stdout
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        report = [str(v) for row in book["Report"].iter_rows(values_only=True) for v in row]
        assert sum(1 for _ in book["Bills"].iter_rows()) == expected + 1
    finally:
        book.close()
    assert any("going on between 2026-11-02 10:00:00" in v for v in report)


# --- at: fit the terminal ------------------------------------------------------------------


def test_at_fits_the_terminal_width_and_wide_prints_everything(
    demo_db: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, narrow, _ = run_cli(capsys, "at", *MOMENT, "--db", demo_db.path)
    assert code == 0
    table = narrow.splitlines()[1:]
    assert max(len(line) for line in table) <= 80
    assert "\u2026" in narrow  # long states are elided, not wrapped
    code, wide, _ = run_cli(capsys, "at", *MOMENT, "--db", demo_db.path, "--wide")
    assert code == 0
    assert max(len(line) for line in wide.splitlines()) > 80
    assert "\u2026" not in wide
    # the same agents, in the same order, either way
    agents = [line.split()[0] for line in narrow.splitlines()[3:]]
    assert agents == [line.split()[0] for line in wide.splitlines()[3:]]
    assert len(agents) == 30

    monkeypatch.setenv("COLUMNS", "100")
    code, changes, _ = run_cli(capsys, "at", *MOMENT, "--until", "10:05", "--db", demo_db.path)
    assert code == 0
    assert max(len(line) for line in changes.splitlines()[1:]) <= 100


def test_texts_have_no_nested_brackets_and_right_plurals(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for argv in (
        ["at", *MOMENT, "--agent", "0144"],
        ["at", *MOMENT, "--until", "10:30", "--agent", "0144"],
        ["summary", "--from", "2026-11-02 08:00", "--to", "2026-11-02 09:00", "--agent", "0144"],
    ):
        code, out, err = run_cli(capsys, *argv, "--db", demo_db.path)
        assert code == 0, err
        outputs.append(out)
    for out in outputs:
        assert not re.search(r"\([^()]*\(", out.splitlines()[0]), out.splitlines()[0]
        assert "(s)" not in out
    assert "1 agent," in outputs[0]
    assert "of 1 agent changed" in outputs[1]
    assert "(1 agent)" in outputs[2]

    one = tmp_path / "one.xlsx"
    with demo_db.engine.connect() as conn:
        bill_id = conn.exec_driver_sql("SELECT bill_id FROM bill LIMIT 1").scalar_one()
    code, out, err = run_cli(
        capsys, "export", "--db", demo_db.path, "--out", one, "--text", bill_id
    )
    assert code == 0, err
    assert out.startswith("exported 1 bill in 1 sheet to ")


def test_plural() -> None:
    assert [plural(n, "bill") for n in (0, 1, 2, 1500)] == [
        "0 bills",
        "1 bill",
        "2 bills",
        "1,500 bills",
    ]


# --- export --out without .xlsx ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Q3 v1.2", "Q3 v1.2.xlsx"),
        ("bills", "bills.xlsx"),
        ("bills.csv", "bills.csv.xlsx"),
        ("bills.xlsx", "bills.xlsx"),
        ("Bills.XLSX", "Bills.XLSX"),
        ("out/report", "out/report.xlsx"),
        ("report.", "report.xlsx"),
    ],
)
def test_xlsx_target(typed: str, meant: str) -> None:
    assert xlsx_target(typed) == Path(meant)
    assert xlsx_target(Path(typed)) == Path(meant)


@pytest.mark.parametrize("typed", ["", "  ", "out/", ".."])
def test_xlsx_target_refuses_what_names_no_file(typed: str) -> None:
    with pytest.raises(ValueError, match="names no file"):
        xlsx_target(typed)


def test_export_out_without_suffix_adds_it(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(
        capsys, "export", "--db", demo_db.path, "--out", tmp_path / "Q3 v1.2", "--agent", "0144"
    )
    assert code == 0, err
    made = tmp_path / "Q3 v1.2.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == [made.name]
    assert str(made) in out
    book = openpyxl.load_workbook(made, read_only=True)
    try:
        assert "Report" in book.sheetnames
    finally:
        book.close()


# --- decode by name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("busy", 3),
        ("BUSY", 3),
        ("Rest", 26),
        ("login", 1),
        ("forcible logout", 29),
        ("forcible-l", 29),
        ("Conversation (text)", 4),
        ("internal t", 45),
        ("internal help", 40),  # exact, though it starts "Internal help: held call switched"
        ("26", 26),
    ],
)
def test_decode_accepts_names(capsys: pytest.CaptureFixture[str], name: str, code: int) -> None:
    status, out, err = run_cli(capsys, "decode", name)
    assert status == 0, err
    assert out.startswith(f"Operation type {code}: ")


def test_decode_ambiguous_or_unknown_names_list_the_candidates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run_cli(capsys, "decode", "conv")
    assert status == 2
    assert "4 Conversation (text)" in err and "60 Conversation (all calls)" in err
    status, _, err = run_cli(capsys, "decode", "forcible")
    assert status == 2
    for candidate in ("29 Forcible logout", "30 Forcible idle", "31 Forcible busy"):
        assert candidate in err
    status, _, err = run_cli(capsys, "decode", "forced logout")
    assert status == 2
    assert "no operation type is named 'forced logout'" in err and "29 Forcible logout" in err
    status, _, err = run_cli(capsys, "decode", "qwerty")
    assert status == 2 and "3 Busy" in err and "60 Conversation (all calls)" in err


# --- export progress ------------------------------------------------------------------------


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_on_a_terminal_rewrites_one_line() -> None:
    stream = FakeTty()
    line = ProgressLine(stream, every=0)
    line.show("selecting and sorting the bills…")
    count = line.counter(lambda d, t: f"{d} of {t}")
    for done in (0, 5, 10):
        count(done, 10)
    line.clear()
    text = stream.getvalue()
    assert "\n" not in text
    shown = [part.rstrip() for part in text.split("\r") if part.strip()]
    assert shown == ["selecting and sorting the bills…", "0 of 10", "5 of 10", "10 of 10"]
    # each text covers the longer one before it, and the line ends blank
    assert text.split("\r")[2] == "0 of 10".ljust(len("selecting and sorting the bills…"))
    assert text.endswith("\r")


def test_progress_printer_is_silent_when_not_a_terminal() -> None:
    piped = io.StringIO()
    progress_printer(piped, lambda d, t: f"{d} of {t}")(10, 10)
    line = ProgressLine(piped)
    line.show("working")
    line.clear()
    assert piped.getvalue() == ""
    tty = FakeTty()
    progress_printer(tty, lambda d, t: f"{d} of {t}")(10, 10)
    assert tty.getvalue() == "\r10 of 10"


def test_export_progress_real_process_piped_and_on_a_terminal(
    demo_db: Database, tmp_path: Path
) -> None:
    agents = ["--agent", "0144", "--agent", "0292"]  # a few hundred bills: quick
    command = [sys.executable, "-m", "viewer", "export", "--db", str(demo_db.path), *agents]
    with demo_db.engine.connect() as conn:
        rows = queries.count(conn, BillFilter(agents=("0144", "0292")))
    piped = subprocess.run(
        [*command, "--out", str(tmp_path / "piped.xlsx")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=module_env(),
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    assert "\r" not in piped.stdout and "%" not in piped.stdout

    pty = pytest.importorskip("pty", reason="no pseudo-terminals here")
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.Popen(
            [*command, "--out", str(tmp_path / "tty.xlsx")],
            stdout=subprocess.PIPE,
            stderr=terminal,
            cwd=REPO,
            env=module_env(),
        )
        os.close(terminal)
        seen = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if not select.select([controller], [], [], 1)[0]:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal's other end closed: the process is gone
                break
            if not chunk:
                break
            seen += chunk
        stdout = proc.communicate(timeout=120)[0].decode()
    finally:
        os.close(controller)
    assert proc.returncode == 0
    text = seen.decode()
    for phase in (
        "reading the bills for the Summary and Anomalies sheets",
        "states 100.0%",
        "selecting and sorting the bills",
        "saving the workbook",
    ):
        assert phase in text, text
    assert text.endswith("\r") and text.count("\n") == 0
    assert stdout.startswith(f"exported {rows:,} bills in 1 sheet")

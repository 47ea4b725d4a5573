"""Codes kept verbatim reach the investigation as written, not as empty or "not used".

An operation type, reason or media type whose text is not a plain integer ("05", twenty digits)
is stored as NULL with its text in ``bill.raw_codes``. The state loader read only the integer
columns, so ``at`` called such a bill "unknown operation type (empty)", a conversation of media
"05" "In conversation (not used ...)", and ``summary`` counted a busy bill of reason "0201"
under "not used", while the Bills sheet showed the text of the file. Checked through the real
command line on a real file and database, and through the exported Summary sheet read back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

ROW = (
    "{id},1075100312,ECC20190815,{agent},1,0,{call},{begin},{end},{op},65535,{cause},{media},"
    "12,1,4,10.0.0.1,0,0,S{agent},\n"
)
BILLS = [
    # agent 7001: signed in, a conversation of media "05", an event of type 20 digits
    dict(id="a1", agent="7001", call="", begin="08:00:00", end="08:00:00", op="1", cause="65535"),
    dict(id="a2", agent="7001", call="c-2", begin="08:05:00", end="09:00:00", op="60", media="05"),
    dict(id="a3", agent="7001", call="", begin="08:06:00", end="08:06:00", op="9" * 20),
    # agent 7002: signed in, busy with reason "0201", an event of type "05"
    dict(id="b1", agent="7002", call="", begin="08:00:00", end="08:00:00", op="1", cause="65535"),
    dict(id="b2", agent="7002", call="", begin="08:05:00", end="09:00:00", op="3", cause="0201"),
    dict(id="b3", agent="7002", call="", begin="08:06:00", end="08:06:00", op="05"),
]


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "verbatim_agentOprInfo_1.csv"
    lines = []
    for b in BILLS:
        values = {"cause": "65535", "media": "5", **b}
        values["begin"] = "2026-11-02 " + values["begin"]
        values["end"] = "2026-11-02 " + values["end"]
        lines.append(ROW.format(**values))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _run(tmp_path: Path, *args: str) -> str:
    env = {**os.environ, "BILL_VIEWER_KEY_DIR": str(tmp_path / "keys")}
    done = subprocess.run(
        [sys.executable, "-m", "viewer", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def _database(tmp_path: Path) -> Path:
    db = tmp_path / "bills.sqlite"
    _run(tmp_path, "import", "--db", str(db), str(_csv(tmp_path)))
    return db


def test_at_names_verbatim_types_and_media_as_written(tmp_path: Path) -> None:
    db = _database(tmp_path)
    out = _run(
        tmp_path, "at", "2026-11-02 08:00", "--until", "2026-11-02 08:30", "--wide", "--db", str(db)
    )
    assert '"99999999999999999999"' in out
    assert '"05"' in out
    assert "(empty)" not in out
    assert "In conversation (not used" not in out


def test_summary_keeps_a_verbatim_busy_reason_apart_from_not_used(tmp_path: Path) -> None:
    db = _database(tmp_path)
    data = json.loads(_run(tmp_path, "summary", "--json", "--db", str(db)))
    rows = {r["agent"]: r for r in data["agents"]}
    assert rows["7002"]["busy_by_reason"] == {"0201": 55 * 60}
    text = _run(tmp_path, "summary", "--db", str(db))
    assert '"0201"' in text


def test_export_summary_sheet_keeps_a_verbatim_busy_reason(tmp_path: Path) -> None:
    db = _database(tmp_path)
    out = tmp_path / "out.xlsx"
    _run(tmp_path, "export", "--db", str(db), "--out", str(out))
    wb = openpyxl.load_workbook(out, read_only=True)
    try:
        cells = [str(v) for row in wb["Summary"].iter_rows(values_only=True) for v in row]
    finally:
        wb.close()
    assert any('"0201"' in c for c in cells), cells

"""The data's time zone: a per-database statement that every view and export repeats."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from viewer.cli import main
from viewer.core.filters import BillFilter
from viewer.core.timefmt import clean_zone_name, time_label
from viewer.data.db import open_database
from viewer.data.export.exporter import export_xlsx
from viewer.data.imports.loading import import_paths
from viewer.data.zone import data_time_label, data_time_zone, set_data_time_zone


def test_label_names_the_zone_only_when_given() -> None:
    assert time_label() == "as exported (tenant time)"
    assert time_label("Asia/Shanghai") == "as exported (tenant time, Asia/Shanghai)"


@pytest.mark.parametrize(
    ("text", "name"),
    [("  Asia/Shanghai ", "Asia/Shanghai"), ("UTC+08:00", "UTC+08:00"), ("", None), ("  ", None)],
)
def test_zone_names_are_trimmed(text: str, name: str | None) -> None:
    assert clean_zone_name(text) == name


@pytest.mark.parametrize("text", ["x" * 65, "Asia/\x00Shanghai"])
def test_bad_zone_names_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="time zone name"):
        clean_zone_name(text)


def test_zone_lives_in_the_database_and_reaches_the_export(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    db = open_database(tmp_path / "z.sqlite")
    import_paths(db, [fixtures_dir / "no_header.csv"])
    assert data_time_zone(db) is None
    assert set_data_time_zone(db, " Asia/Shanghai ") == "Asia/Shanghai"
    db.close()
    db = open_database(tmp_path / "z.sqlite")
    assert data_time_label(db) == "as exported (tenant time, Asia/Shanghai)"
    out = tmp_path / "z.xlsx"
    export_xlsx(db, BillFilter(time_from="2026-11-02 00:00:00"), out)
    report = {
        row[0].value: row[1].value for row in openpyxl.load_workbook(out)["Report"].iter_rows()
    }
    assert "as exported (tenant time, Asia/Shanghai)" in report["Times"]
    assert ", times as exported (tenant time, Asia/Shanghai)" in report["Filter"]
    set_data_time_zone(db, "")
    assert data_time_zone(db) is None
    db.close()


def test_time_zone_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "c.sqlite")
    assert main(["time-zone", "--db", db, "Asia/Shanghai"]) == 0
    assert capsys.readouterr().out == "times are shown as exported (tenant time, Asia/Shanghai)\n"
    assert main(["time-zone", "--db", db]) == 0
    assert "Asia/Shanghai" in capsys.readouterr().out
    assert main(["time-zone", "--db", db, "--clear"]) == 0
    assert capsys.readouterr().out == "times are shown as exported (tenant time)\n"
    assert main(["time-zone", "--db", db, "x" * 70]) == 2
    assert "time zone name" in capsys.readouterr().err
    assert main(["time-zone", "--db", db, "UTC", "--clear"]) == 2

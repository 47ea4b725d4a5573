"""``--db postgresql://...`` and ``BILL_VIEWER_DB`` on the command line (a team database)."""

from __future__ import annotations

import pytest

from viewer.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_takes_a_url(pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "labels", "set", "3", "201", "Coaching", "--db", pg_url)[0] == 0
    code, out, err = run(capsys, "labels", "list", "--db", pg_url)
    assert code == 0, err
    assert "  3:201 = Coaching\n" in out
    code, out, err = run(capsys, "stats", "--db", pg_url)
    assert code == 0, err
    assert f"database:  {pg_url}\nbills:     0\n" in out


def test_bill_viewer_db_takes_a_url(
    pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILL_VIEWER_DB", pg_url)
    assert run(capsys, "labels", "set", "3", "201", "Coaching")[0] == 0
    code, out, _ = run(capsys, "labels", "list", "--db", pg_url)
    assert "  3:201 = Coaching\n" in out


def test_a_server_that_is_not_there_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "stats", "--db", "postgresql://ann:Secret-991@127.0.0.1:1/bills")
    assert code == 1 and out == ""
    assert err.startswith("bill-viewer: postgresql://ann@127.0.0.1:1/bills: cannot reach")
    assert err.count("\n") == 1 and "Secret-991" not in err and "Traceback" not in err


def test_version_shows_a_team_database_without_its_password(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BILL_VIEWER_DB", "postgresql://ann:Secret-991@db.example/bills")
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert "database: postgresql://ann@db.example/bills\n" in out
    assert "Secret-991" not in out

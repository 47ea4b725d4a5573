"""The same exports give the same answers on a SQLite file and on a team database (PostgreSQL).

Every filter criterion, the investigation (summary, a moment) and the export's Bills sheet are
asked of both backends after importing the same files; the SQLite answers are the reference.
Codes kept as written (``unknown_codes.csv``) and the "not used" reason are included: they read
``raw_codes``, which each engine reads its own way.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from viewer.core.filters import BillFilter
from viewer.core.timefmt import to_epoch
from viewer.services.browse import BrowseService
from viewer.services.database import Database, open_database
from viewer.services.export import ExportService
from viewer.services.imports import ImportService
from viewer.services.investigation import InvestigationService

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILES = [
    FIXTURES / "20261102_0123456789abcdef0123456789abcdef.zip",
    FIXTURES / "unknown_codes.csv",
    FIXTURES / "duplicate_ids.csv",
    FIXTURES / "gb18030.csv",
]


@pytest.fixture
def both(tmp_path: Path, pg_url: str) -> Iterator[tuple[Database, Database]]:
    lite, team = open_database(tmp_path / "bills.sqlite"), open_database(pg_url)
    for db in (lite, team):
        ImportService(db).import_paths(FILES)
    yield lite, team
    lite.close()
    team.close()


def _filters(lite: Database) -> list[BillFilter]:
    rows = BrowseService(lite).first_rows(BillFilter(), 10_000)
    assert rows, "the fixtures hold bills"
    return [
        BillFilter(),
        BillFilter(agents=("0107",)),
        BillFilter(exclude_agents=("0107",)),
        BillFilter(op_types=(3,)),
        BillFilter(exclude_op_types=(3, 1)),
        BillFilter(reasons=((3, None),)),
        BillFilter(reasons=((3, 2),), op_types=(26,)),
        BillFilter(exclude_reasons=((3, None),)),
        BillFilter(time_from="2026-11-02 09:00:00", time_to="2026-11-02 12:00:00"),
        BillFilter(
            time_from="2026-11-02 09:00:00", time_to="2026-11-02 12:00:00", overlapping=True
        ),
        BillFilter(media_types=(5,)),
        BillFilter(text="0"),
        BillFilter(text="a"),
        BillFilter(sort="end_time", descending=True),
    ]


def test_every_criterion_counts_and_lists_the_same_bills(both: tuple[Database, Database]) -> None:
    lite, team = both
    for f in _filters(lite):
        want = BrowseService(lite).first_rows(f, 10_000)
        got = BrowseService(team).first_rows(f, 10_000)
        key = lambda r: tuple(r[1:24])  # noqa: E731 - the stored fields, not the row key
        assert BrowseService(team).count(f) == BrowseService(lite).count(f) == len(want), f
        assert [key(r) for r in got] == [key(r) for r in want], f


def test_the_investigation_is_the_same(both: tuple[Database, Database]) -> None:
    lite, team = both
    f = BillFilter()
    a, b = InvestigationService(lite).summary(f), InvestigationService(team).summary(f)
    assert a.rows == b.rows and a.total == b.total
    t = to_epoch("2026-11-02 10:00:00")
    assert InvestigationService(lite).at(f, t) == InvestigationService(team).at(f, t)


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    try:
        return [tuple(r) for r in wb["Bills"].iter_rows(values_only=True)]
    finally:
        wb.close()


def test_the_export_is_the_same_and_names_the_team_database(
    both: tuple[Database, Database], tmp_path: Path, pg_url: str
) -> None:
    lite, team = both
    ExportService(lite).export(BillFilter(), tmp_path / "lite.xlsx")
    ExportService(team).export(BillFilter(), tmp_path / "team.xlsx")
    assert _sheet(tmp_path / "team.xlsx") == _sheet(tmp_path / "lite.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "team.xlsx")
    try:
        facts = {r[0]: r[1] for r in wb["Report"].iter_rows(values_only=True) if r and r[0]}
    finally:
        wb.close()
    assert facts["Database"] == str(team.path)
    assert pg_url.rsplit("/", 1)[1] in facts["Database"]


def test_text_search_ignores_letter_case_on_both(both: tuple[Database, Database]) -> None:
    lite, team = both
    rows = BrowseService(lite).first_rows(BillFilter(), 10_000)
    word = next(
        str(v) for r in rows for v in r[1:24] if isinstance(v, str) and any(c.isalpha() for c in v)
    )
    assert word.swapcase() != word
    for text in (word, word.swapcase(), word.upper(), word.lower()):
        f = BillFilter(text=text)
        found = BrowseService(lite).count(f)
        assert found > 0, text
        assert BrowseService(team).count(f) == found, text

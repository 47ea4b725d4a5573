"""LabelsService: the rules the labels dialog and ``bill-viewer labels`` share, on real files."""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from viewer.core import codes
from viewer.core.errors import KnownError
from viewer.data.db import Database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.services.labels import LabelsService


def _stored(db: Database) -> dict[tuple[int, int], str]:
    """The site_label table read with plain sqlite3."""
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        rows = conn.execute("SELECT op_type, code, text FROM site_label").fetchall()
    return {(t, c): x for t, c, x in rows}


def test_store_sets_trimmed_text_and_blank_text_removes(db: Database) -> None:
    labels = LabelsService(db)
    labels.store(3, 201, "  Team meeting ")
    assert _stored(db) == {(3, 201): "Team meeting"}
    assert labels.labels() == {(3, 201): "Team meeting"}
    labels.store(3, 201, "   ")
    assert _stored(db) == {}
    assert labels.unset(3, 201) is False


def test_a_vendor_code_is_refused_and_nothing_is_stored(db: Database) -> None:
    labels = LabelsService(db)
    assert not codes.is_site_definable(3, 100)
    assert "defined by the vendor" in (LabelsService.problem(3, 100, "x") or "")
    with pytest.raises(KnownError, match="defined by the vendor"):
        labels.set(3, 100, "Renamed")
    assert _stored(db) == {}


def test_by_range_puts_each_label_under_its_own_range(db: Database) -> None:
    labels = LabelsService(db)
    labels.set(26, 7, "Lunch")
    labels.set(3, 250, "Coaching")
    labels.set(3, 200, "Meeting")
    ranges = labels.by_range()
    assert [site for site, _ in ranges] == list(codes.SITE_DEFINABLE)
    got = {(site.op_type, site.low): named for site, named in ranges}
    busy = next(s for s in codes.SITE_DEFINABLE if s.op_type == 3)
    rest = next(s for s in codes.SITE_DEFINABLE if s.op_type == 26)
    assert got[(3, busy.low)] == [(3, 200, "Meeting"), (3, 250, "Coaching")]
    assert got[(26, rest.low)] == [(26, 7, "Lunch")]
    others = [named for (t, _), named in got.items() if t not in (3, 26)]
    assert all(named == [] for named in others)


def test_site_codes_count_the_bills_and_list_labelled_codes(tmp_path: Path, db: Database) -> None:
    export = tmp_path / "20261102101530123456_agentOprInfo_1.csv"
    write_csv(export, generate_bills(GeneratorConfig(agents=4, seed=3, target_bills=1500)))
    import_paths(db, [export])
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        pairs = conn.execute("SELECT op_type, op_cause FROM bill").fetchall()
    expected = Counter(
        (t, c)
        for t, c in pairs
        if isinstance(t, int) and isinstance(c, int) and codes.is_site_definable(t, c)
    )
    assert expected  # the generated data uses site-definable reasons
    unused = next(c for c in range(200, 251) if (3, c) not in expected)
    LabelsService(db).set(3, unused, "Never used")
    rows = LabelsService(db).site_codes()
    assert [(r.op_type, r.code) for r in rows] == sorted({*expected, (3, unused)})
    by_key = {(r.op_type, r.code): r for r in rows}
    assert {k: r.bills for k, r in by_key.items() if k != (3, unused)} == dict(expected)
    assert by_key[(3, unused)].bills == 0 and by_key[(3, unused)].label == "Never used"
    meaning = by_key[(3, unused)].meaning  # the documented meaning, not the site's label
    assert str(unused) in meaning and "Never used" not in meaning

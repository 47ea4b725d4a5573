"""The generator's order of bill ids (``GeneratorConfig.id_order``, ``--id-order``)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from viewer.demo.generator import GeneratorConfig, generate_bills, main


def _bills(order: str, n: int = 3000, seed: int = 4) -> list[list[str]]:
    return list(
        generate_bills(GeneratorConfig(agents=12, seed=seed, target_bills=n, id_order=order))
    )


def test_ascending_ids_count_up_in_file_order_and_are_unique() -> None:
    ids = [row[0] for row in _bills("ascending")]
    assert ids == sorted(ids)  # text order, as the database's unique index compares them
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert [int(i, 16) - int(ids[0], 16) for i in ids] == list(range(len(ids)))


def test_random_ids_are_in_no_order_by_default() -> None:
    assert GeneratorConfig().id_order == "random"
    ids = [row[0] for row in _bills("random")]
    assert len(set(ids)) == len(ids)
    rises = sum(a < b for a, b in zip(ids, ids[1:], strict=False))
    assert 0.4 < rises / (len(ids) - 1) < 0.6  # about half the neighbours rise: no order


def test_both_orders_give_the_same_bills_but_for_the_ids() -> None:
    random_rows, ascending_rows = _bills("random"), _bills("ascending")
    assert [r[1:] for r in random_rows] == [r[1:] for r in ascending_rows]
    assert {r[0] for r in random_rows}.isdisjoint({r[0] for r in ascending_rows})


def test_the_seed_moves_the_ascending_ids() -> None:
    assert _bills("ascending", 10, seed=1)[0][0] != _bills("ascending", 10, seed=2)[0][0]


def test_unknown_order_is_refused() -> None:
    with pytest.raises(ValueError, match="id_order"):
        GeneratorConfig(id_order="descending")


def test_command_line_writes_ascending_ids(tmp_path: Path) -> None:
    out = tmp_path / "asc.csv"
    assert (
        main(["--bills", "500", "--agents", "5", "--id-order", "ascending", "--out", str(out)]) == 0
    )
    with out.open(newline="", encoding="utf-8") as fp:
        ids = [row[0] for row in csv.reader(fp)]
    assert len(ids) == 500
    assert ids == sorted(ids)

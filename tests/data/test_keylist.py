"""``KeyList``: row keys kept in a temporary file beyond a bound read back exactly as a list would.

Every slice, index and position of a spilled list is checked against a plain Python list of the
same keys; a real SQLite database's ``ids_for`` spills and gives the scan's order; a folder the
file cannot be made in is a clear message naming it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.conftest import StoreBills
from viewer.core.errors import KnownError
from viewer.core.filters import BillFilter
from viewer.data import keylist, queries
from viewer.data.db import open_database
from viewer.data.keylist import KeyList, KeyListError


@pytest.mark.parametrize("memory_keys", [1, 3, 7, 1_000])
def test_every_slice_and_position_reads_as_the_list(memory_keys: int, tmp_path: Path) -> None:
    rng = random.Random(memory_keys)
    expected = [rng.randrange(-(2**63), 2**63) for _ in range(23)]
    keys = KeyList(memory_keys, folder=str(tmp_path))
    for start in range(0, len(expected), 5):  # appended in uneven pieces, as chunks arrive
        keys.extend(expected[start : start + 5])
    assert keys.spilled == (memory_keys <= len(expected))
    assert len(keys) == len(expected)
    assert list(keys) == expected
    for i in range(-len(expected), len(expected)):
        assert keys[i] == expected[i]
    for start in range(-3, len(expected) + 3):
        for stop in range(-3, len(expected) + 3):
            assert list(keys[start:stop]) == expected[start:stop], (start, stop)
    assert list(keys[::3]) == expected[::3]
    for key in expected:
        assert keys.index(key) == expected.index(key)
    with pytest.raises(ValueError):
        keys.index(12345)  # 1 in 2**64 of being drawn
    with pytest.raises(IndexError):
        keys[len(expected)]
    keys.close()


def test_close_empties_the_list_and_lets_its_file_go(tmp_path: Path) -> None:
    keys = KeyList(2, folder=str(tmp_path))
    keys.extend(range(10))
    assert keys.spilled
    keys.close()
    assert len(keys) == 0 and not keys.spilled and list(keys) == []


def test_a_folder_without_room_is_named_in_a_known_error(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    keys = KeyList(2, folder=str(missing))
    with pytest.raises(KeyListError) as caught:
        keys.extend(range(10))
    assert isinstance(caught.value, KnownError)
    assert str(missing) in str(caught.value) and "temporary folder" in str(caught.value)


def test_ids_for_spills_and_keeps_the_scans_order(
    tmp_path: Path, store_bills: StoreBills, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    rng = random.Random(4)
    store_bills(
        db,
        [
            {"bill_id": f"b{i}", "begin_time": rng.randrange(1000), "phone_no": str(rng.random())}
            for i in range(500)
        ],
    )
    f = BillFilter(sort="phone_no", descending=True)
    with db.engine.connect() as conn:
        expected = [r[0] for r in conn.execute(queries.ids_statement(f))]
        monkeypatch.setattr(keylist, "MEMORY_KEYS", 64)
        seen: list[int] = []
        keys = queries.ids_for(conn, f, progress=seen.append)
    assert keys.spilled and list(keys) == expected and seen[-1] == 500
    keys.close()
    db.close()

"""Why the import's row insert is driver-level: the backend's bulk writer against Core.

Inserts the same bills (read from a generated export by the importer's reader) into a fresh
database twice, in batches as the import does: once with ``SqliteBulkWriter.insert_bills``
(the driver's ``executemany``, the import's path) and once with a SQLAlchemy Core
``insert(bill)`` executemany of dicts. Prints each time (best of three) and the ratio.

Run: ``python benchmarks/bench_bulk_insert.py --bills 100000``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

from sqlalchemy import insert  # noqa: E402

from viewer.data.db import open_database  # noqa: E402
from viewer.data.imports.csv_source import open_bill_stream  # noqa: E402
from viewer.data.schema import BILL_FIELDS, bill  # noqa: E402
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv  # noqa: E402

BATCH = 5000


def _rows(csv: Path, count: int) -> list[list[object]]:
    """The first ``count`` bills of ``csv`` as the importer's reader gives them."""
    rows: list[list[object]] = []
    with csv.open("rb") as fp:
        _layout, batches = open_bill_stream(fp, str(csv))
        for batch in batches:
            rows.extend(batch.rows)
            if len(rows) >= count:
                break
    return rows[:count]


def _insert_seconds(rows: list[list[object]], how: str, folder: Path) -> float:
    db = open_database(folder / f"{how}.sqlite")
    try:
        with db.engine.begin() as conn:
            started = time.perf_counter()
            if how == "driver":
                writer = db.backend.bulk_writer(conn, 1)
                for i in range(0, len(rows), BATCH):
                    writer.insert_bills(rows[i : i + BATCH], wide=False)
            else:
                statement = insert(bill).prefix_with("OR IGNORE")
                names = (*BILL_FIELDS, "line")
                for i in range(0, len(rows), BATCH):
                    chunk = [
                        dict(zip(names, r, strict=True), source_id=1) for r in rows[i : i + BATCH]
                    ]
                    conn.execute(statement, chunk)
            seconds = time.perf_counter() - started
    finally:
        db.close()
    (folder / f"{how}.sqlite").unlink()
    return seconds


def main(argv: list[str] | None = None) -> int:
    """Generate an export, time both inserts (best of three), print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--bills", type=int, default=100_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = folder / "bills.csv"
        write_csv(
            csv, generate_bills(GeneratorConfig(agents=1500, seed=1, target_bills=args.bills))
        )
        rows = _rows(csv, args.bills)
        best = {
            how: min(_insert_seconds(rows, how, folder) for _ in range(3))
            for how in ("driver", "core")
        }
    print(f"bills inserted                 {len(rows):>10,}")
    print(f"bulk writer (driver executemany) {best['driver']:>8.2f} s")
    print(f"SQLAlchemy Core executemany      {best['core']:>8.2f} s")
    print(f"Core / bulk writer               {best['core'] / best['driver']:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

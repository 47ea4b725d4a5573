"""``queries.time_span``: the right span, read from the begin_time index's ends, not a scan."""

from __future__ import annotations

from pathlib import Path

from viewer.core.timefmt import from_epoch
from viewer.data import queries
from viewer.data.db import open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


def test_time_span_is_the_first_and_last_begin_and_reads_no_table(tmp_path: Path) -> None:
    rows = list(generate_bills(GeneratorConfig(agents=4, seed=7)))
    csv = tmp_path / "bills.csv"
    write_csv(csv, rows)
    db = open_database(tmp_path / "span.sqlite")
    try:
        with db.engine.connect() as conn:
            assert queries.time_span(conn) == (None, None)
        import_paths(db, [csv])
        begins = sorted(row[7] for row in rows)
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            seen: list[str] = []
            raw.set_trace_callback(seen.append)
            lo, hi = queries.time_span(conn)
            raw.set_trace_callback(None)
            assert (from_epoch(lo), from_epoch(hi)) == (begins[0], begins[-1])
            (sql,) = [s for s in seen if "begin_time" in s]
            plan = [str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
        assert not [step for step in plan if step.startswith("SCAN bill")], plan
        stats = queries.stats(db)
        assert (stats.first_begin, stats.last_begin) == (begins[0], begins[-1])
    finally:
        db.engine.dispose()

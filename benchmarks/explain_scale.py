"""PostgreSQL's plans and sizes for the window's and the investigation's queries at scale.

On a team database (``--db postgresql://...``, e.g. the one ``bench_window.py --db`` filled),
prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the statements the application runs (built by
``viewer.data.queries`` and ``viewer.data.investigation``, bound values rendered) for the
filters ``bench_window.py`` times, the planner's estimate beside the exact count, and the size
of every bill partition and of its indexes: the measurements behind the README's paragraph on
200,000,000 bills.

Run inside the server's session: ``pg_virtualenv -t .venv/bin/python
benchmarks/explain_scale.py --db postgresql:///bills``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

from sqlalchemy import Select  # noqa: E402

from viewer.core.filters import BillFilter  # noqa: E402
from viewer.core.timefmt import from_epoch  # noqa: E402
from viewer.data import investigation, queries  # noqa: E402
from viewer.data.db import open_database  # noqa: E402

MB = 1024 * 1024


def sql_of(conn: Any, stmt: Select[Any]) -> tuple[str, dict[str, Any]]:
    """The statement's text for this server and its parameters (lists expanded)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    return compiled.string, dict(compiled.params)


def explain(conn: Any, title: str, stmt: Select[Any], *, analyze: bool = True) -> None:
    """Print the plan (with timing and buffers when ``analyze``)."""
    text, params = sql_of(conn, stmt)
    how = "ANALYZE, BUFFERS" if analyze else "COSTS"
    started = time.perf_counter()
    rows = conn.exec_driver_sql(f"EXPLAIN ({how}) {text}", params).all()
    elapsed = time.perf_counter() - started
    print(f"\n=== {title} ({elapsed * 1000:,.0f} ms with EXPLAIN)")
    for (line,) in rows:
        print("  " + line)


def sizes(conn: Any) -> None:
    """Every bill partition: rows (planner), table and index sizes; then the totals."""
    rows = conn.exec_driver_sql(
        "SELECT c.relname, c.reltuples::bigint, pg_relation_size(c.oid), "
        "pg_indexes_size(c.oid), pg_total_relation_size(c.oid) "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'bill' ORDER BY c.relname"
    ).all()
    print("\n=== bill partitions: planner rows, table MB, indexes MB, total MB")
    total = [0, 0, 0, 0]
    for name, n, table, idx, whole in rows:
        print(f"  {name:<24} {n:>12,} {table / MB:>9,.0f} {idx / MB:>9,.0f} {whole / MB:>9,.0f}")
        for i, v in enumerate((n, table, idx, whole)):
            total[i] += v
    n, table, idx, whole = total
    print(f"  {'total':<24} {n:>12,} {table / MB:>9,.0f} {idx / MB:>9,.0f} {whole / MB:>9,.0f}")
    print("\n=== indexes of the bill partitions, MB (all partitions together)")
    for name, size, count in conn.exec_driver_sql(
        "SELECT regexp_replace(ic.relname, '^bill_[0-9_]+', 'bill_*'), "
        "sum(pg_relation_size(ic.oid)), count(*) "
        "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent "
        "JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class ic ON ic.oid = x.indexrelid "
        "WHERE p.relname = 'bill' GROUP BY 1 ORDER BY 1"
    ):
        print(f"  {name:<40} {int(size) / MB:>9,.0f}  ({count} partitions)")
    for table in ("bill_key", "raw_codes", "source", "ledger"):
        try:
            size = conn.exec_driver_sql(f"SELECT pg_total_relation_size('{table}')").scalar()
        except Exception:  # noqa: BLE001 - a table this schema does not have
            conn.rollback()
            continue
        print(f"  table {table:<34} {int(size or 0) / MB:>9,.0f}")


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a postgresql:// URL")
    args = parser.parse_args(argv)
    db = open_database(args.db, readonly=True)
    with db.engine.connect() as conn:
        print(conn.exec_driver_sql("SELECT version()").scalar())
        for guc in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
            print(f"{guc} = {conn.exec_driver_sql(f'SHOW {guc}').scalar()}")
        sizes(conn)
        lo, hi = conn.exec_driver_sql("SELECT min(begin_time), max(begin_time) FROM bill").one()
        mid = (int(lo) + int(hi)) // 2
        mid -= mid % 3600
        agents = queries.value_counts(conn, "agent_id")
        agents.sort(key=lambda kv: kv[1])
        agent = str(agents[len(agents) // 2][0])
        month = BillFilter(time_from="2026-11-02 00:00:00", time_to="2026-12-02 00:00:00")
        filters = [
            ("all bills", BillFilter()),
            (f"agent {agent}", BillFilter(agents=(agent,))),
            ("op type 3", BillFilter(op_types=(3,))),
            ("type 3 + reason 201", BillFilter(op_types=(3,), reasons=((3, 201),))),
            ("one hour", BillFilter(time_from=from_epoch(mid), time_to=from_epoch(mid + 3600))),
            ("a month (November)", month),
        ]
        low = queries.nulls_low(conn)
        for name, f in filters:
            explain(conn, f"{name}: first page", queries.page_statement(f, 256, low=low))
            explain(
                conn,
                f"{name}: last page",
                queries.page_statement(f, 256, backward=True, low=low),
            )
            estimate = queries.estimate_count(conn, f)
            started = time.perf_counter()
            exact = queries.count(conn, f)
            took = time.perf_counter() - started
            print(f"\n--- {name}: estimate {estimate:,} vs exact {exact:,} ({took:,.2f} s)")
            explain(conn, f"{name}: count", queries.count_statement(f))
            explain(
                conn, f"{name}: estimate (plan only)", queries.estimate_statement(f), analyze=False
            )
            explain(conn, f"{name}: checkpoints scan", queries.checkpoints_statement(f))
        window = investigation.window_for(db, month)
        explain(
            conn, "investigation, a month: state query", investigation.state_query(month, window)
        )
        lanes = investigation.Window(
            tuple(a for a, _ in agents[:60]), window.read_from, window.read_to, None, None
        )
        explain(
            conn, "investigation, 60 lanes over a month", investigation.state_query(month, lanes)
        )
        conn.rollback()
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

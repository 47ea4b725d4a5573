r"""PostgreSQL import benchmark: the application's import against ``psql``'s ``\\copy``.

Generates (once, cached in ``--workdir``) a realistic export with a header row
(``viewer.demo.generator``), then, in a fresh database of the server the PG* variables name
(or ``--url``), in the same run:

a. ``psql -c "\\copy t FROM file CSV HEADER"`` of the CSV into a table of 21 text columns,
   timed as a subprocess (the floor: parse the CSV and write the rows, nothing else);
b. the application's import of the same file (``import_paths``: hash, read, ``COPY`` into
   staging, merge into the bills with their indexes and ids, ledger), timed in this process.

It prints both times and their ratio (target: at most 2.0), and beside them two more
references of the same run:

- ``\\copy`` into the same text table with the indexes the bills have (a primary key, bill_id
  unique, begin_time, agent and time, type, reason and time, the end time for the duration),
  which is what keeping the bills indexed row by row costs the server whoever sends the rows;
- the server's floor: ``\\copy`` into the plain table, then those indexes built after the load
  (one sorted pass each, as attaching a month builds them), then the ``pg_trgm`` index of the
  text search over the same nine columns. No client can import the bills, indexed as they are,
  in less than this: it is the target's reference multiplied by the floor's ratio.

The database is opened with ``viewer.data.db.open_database`` when it takes a URL (the team
database: migrations, partitioned bills); otherwise the bill tables are made with
``metadata.create_all`` and the import runs through ``PostgresBulkWriter`` directly, and the
table says so.

Run: ``pg_virtualenv -t .venv/bin/python benchmarks/bench_pg_import.py --bills 1000000``
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from viewer.data.db import Database  # noqa: E402

try:
    from viewer.data.backend.postgres_bulk import INDEX_BUILD_MEM  # noqa: E402
except ImportError:  # a checkout from before the month loads
    INDEX_BUILD_MEM = "256MB"
from viewer.data.imports.loading import import_paths  # noqa: E402
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv  # noqa: E402

TARGET_RATIO = 2.0


def export_file(workdir: Path, bills: int, agents: int, seed: int) -> Path:
    """The cached generated export with a header row (a partial file is never reused)."""
    path = workdir / f"bills-{bills}-a{agents}-s{seed}-header.csv"
    if path.exists():
        return path
    workdir.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    started = time.perf_counter()
    config = GeneratorConfig(agents=agents, seed=seed, target_bills=bills)
    written = write_csv(part, generate_bills(config), header=True)
    part.replace(path)
    print(
        f"generated {written:,} bills into {path} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return path


COLUMN_NAMES = ", ".join(f"c{i}" for i in range(21))
"""The 21 export columns of the reference tables, as ``\\copy`` lists them."""

TEXT_TABLE_COLUMNS = ", ".join(f"c{i} text" for i in range(21))
"""The same, declared as text: the reference tables' columns."""


def libpq_url(url: str) -> str:
    """``url`` as libpq (``psql``, ``psycopg.connect``) takes it, password included."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database on the server of ``url`` (dropped at the end); yields its URL."""
    name = f"bench_pg_import_{uuid.uuid4().hex[:10]}"
    server = make_url(url)
    conninfo = libpq_url(url)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield server.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name} WITH (FORCE)")


class _BenchBackend:
    """The import's needs of a PostgreSQL backend, for a checkout without ``PostgresBackend``."""

    name = "postgresql"
    driver_errors: tuple[type[BaseException], ...] = (psycopg.Error,)

    def error_kind(self, exc: BaseException) -> None:
        return None  # every error is shown with its traceback here

    @contextmanager
    def settings(self, conn: Any, **values: int) -> Iterator[None]:
        yield

    def bulk_writer(self, conn: Any, source_id: int) -> Any:
        from viewer.data.backend.postgres_bulk import PostgresBulkWriter

        return PostgresBulkWriter(conn, source_id)


def open_db(url: str) -> tuple[Database, str]:
    """The database at ``url`` and how it was opened (see the module docstring)."""
    try:  # the team database's backend: open_database takes URLs
        import viewer.data.backend.postgres  # noqa: F401
    except ImportError:
        pass
    else:
        from viewer.data import db as db_module

        return db_module.open_database(url), "open_database (migrated schema)"
    from viewer.data.schema import metadata

    engine = create_engine(url)
    metadata.create_all(engine)
    database = Database(path=Path(make_url(url).database or ""), engine=engine)
    database.backend = _BenchBackend()  # type: ignore[assignment]
    return database, "create_all (plain bill table) + PostgresBulkWriter"


def psql_copy(url: str, csv_path: Path, table: str, indexes: tuple[str, ...] = ()) -> float:
    r"""Seconds for ``psql \\copy`` of the CSV into a new table of 21 text columns.

    ``indexes``: column lists of indexes made on the table first (the second reference: the
    same rows kept in indexes as the bills are, the first unique).
    """
    conninfo = libpq_url(url)
    ddl = [f"CREATE TABLE {table} (pk bigserial PRIMARY KEY, {TEXT_TABLE_COLUMNS})"]
    for i, names in enumerate(indexes):
        unique = "UNIQUE " if i == 0 else ""
        ddl.append(f"CREATE {unique}INDEX ON {table} ({names})")
    subprocess.run(["psql", "-q", "-X", conninfo, "-c", "; ".join(ddl)], check=True)
    started = time.perf_counter()
    subprocess.run(
        [
            "psql",
            "-q",
            "-X",
            conninfo,
            "-c",
            f"\\copy {table} ({COLUMN_NAMES}) FROM '{csv_path}' CSV HEADER",
        ],
        check=True,
    )
    return time.perf_counter() - started


BILL_LIKE_INDEXES = ("c0", "c7", "c3, c7", "c9, c12, c7", "c8")
"""bill_id (unique), begin_time, agent and time, type, reason and time, end time (the duration):
as ``bill`` has them."""

TEXT_COLUMNS = ("c0", "c3", "c1", "c2", "c4", "c5", "c6", "c10", "c11")
"""The text search's nine columns (``viewer.data.text_index``) in the export's order."""


def server_floor(url: str, csv_path: Path, table: str) -> tuple[float, float, float]:
    r"""Seconds of ``\\copy`` into a plain table, then of its indexes, then of the trigram index.

    Each step is timed by the server (``\\timing``), in one ``psql`` session with the
    ``maintenance_work_mem`` the import's month builds use.
    """
    conninfo = libpq_url(url)
    joined = " || E'\\x1f' || ".join(f"coalesce({c}, '')" for c in TEXT_COLUMNS)
    steps = [
        f"CREATE TABLE {table} (pk bigserial PRIMARY KEY, {TEXT_TABLE_COLUMNS})",
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"SET maintenance_work_mem = '{INDEX_BUILD_MEM}'",
        "\\timing on",
        f"\\copy {table} ({COLUMN_NAMES}) FROM '{csv_path}' CSV HEADER",
    ]
    for i, index in enumerate(BILL_LIKE_INDEXES):
        steps.append(f"CREATE {'UNIQUE ' if i == 0 else ''}INDEX ON {table} ({index})")
    steps.append(f"CREATE INDEX ON {table} USING gin (({joined}) gin_trgm_ops)")
    args = ["psql", "-q", "-X", conninfo]
    for step in steps:
        args += ["-c", step]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    times = [float(line.split()[1]) / 1000 for line in out.splitlines() if line.startswith("Time:")]
    copy_s, trigram_s = times[0], times[-1]
    return copy_s, sum(times[1:-1]), trigram_s


class _Phases(logging.Handler):
    """Keeps the writer's debug line naming the time of each merge step (``postgres_bulk``)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("merged "):
            self.lines.append(record.getMessage())


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the export, run both measurements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--bills", type=int, default=1_000_000, help="bills in the export")
    parser.add_argument("--agents", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("bench-out"))
    parser.add_argument(
        "--no-indexed-reference",
        action="store_true",
        help="skip the second reference (\\copy into a table with bill's indexes: slow)",
    )
    parser.add_argument(
        "--url",
        default="postgresql+psycopg:///" + os.environ.get("PGDATABASE", "postgres"),
        help="a database on the server to use (default: the PG* variables')",
    )
    args = parser.parse_args(argv)
    csv_path = export_file(args.workdir.resolve(), args.bills, args.agents, args.seed)
    size_mb = csv_path.stat().st_size / 1e6

    with scratch_database(args.url) as url:
        # the bill database first: open_database refuses a database holding other tables
        db, how = open_db(url)
        copy_s = psql_copy(url, csv_path, "t")
        indexed_s = (
            None
            if args.no_indexed_reference
            else psql_copy(url, csv_path, "t_indexed", BILL_LIKE_INDEXES)
        )
        floor = None if args.no_indexed_reference else server_floor(url, csv_path, "t_floor")
        phases = _Phases()
        writer_log = logging.getLogger("viewer.data.backend.postgres_bulk")
        writer_log.addHandler(phases)
        writer_log.setLevel(logging.DEBUG)
        try:
            started = time.perf_counter()
            report = import_paths(db, [csv_path])
            import_s = time.perf_counter() - started
        finally:
            writer_log.removeHandler(phases)
            db.close()
    fr = report.files[0]
    assert fr.rows_read == fr.imported + fr.duplicates + fr.rejected, fr
    ratio = import_s / copy_s
    print(f"export: {fr.rows_read:,} lines, {size_mb:.0f} MB; schema: {how}")
    print(f"load: {os.getloadavg()[0]:.1f} (1 min) on {os.cpu_count()} cores")
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    lines = [
        ("measure", "seconds", "target"),
        ("psql \\copy into 21 text columns (reference)", f"{copy_s:.2f}", ""),
        (f"bill-viewer import ({fr.imported:,} bills)", f"{import_s:.2f}", ""),
        ("ratio import / \\copy", f"{ratio:.2f}", f"<= {TARGET_RATIO}  {verdict}"),
    ]
    if indexed_s is not None:
        lines[3:3] = [("psql \\copy into them with bill's indexes", f"{indexed_s:.2f}", "")]
        lines.append(("ratio import / \\copy with the indexes", f"{import_s / indexed_s:.2f}", ""))
    if floor is not None:
        copy_f, btree_f, trigram_f = floor
        floor_s = copy_f + btree_f + trigram_f
        plain_s = copy_f + btree_f
        lines += [
            ("server floor: \\copy, then the indexes", f"{plain_s:.2f}", ""),
            (f"  ratio to \\copy (copy {copy_f:.2f} + indexes)", f"{plain_s / copy_s:.2f}", ""),
            ("server floor with the trigram index", f"{floor_s:.2f}", ""),
            (f"  ratio to \\copy (+ trigram {trigram_f:.2f})", f"{floor_s / copy_s:.2f}", ""),
            ("ratio import / server floor", f"{import_s / floor_s:.2f}", ""),
        ]
    for name, value, target in lines:
        print(f"{name:46} {value:>8}  {target}")
    for line in phases.lines:  # where the import's time went, step by step
        print(f"writer: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

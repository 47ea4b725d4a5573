"""The PostgreSQL bulk writer: one file's bills through ``COPY`` into staging, then one merge.

Driver-level on purpose (a measured fast path, ``benchmarks/bench_pg_import.py``): rows go
through psycopg's ``cursor.copy()`` (``COPY ... FROM STDIN``) into a temporary staging table
of the file's transaction (dropped at its end), and when the file is read they are merged into
the bills with one ``INSERT ... SELECT``, under the same rules as SQLite's ``INSERT OR IGNORE``:
the first line of a bill id not stored yet is imported, every other line with that id is a
duplicate (or a conflict, told apart by the importer in ``viewer.data.imports.loading``).

Concurrency: staging needs no lock, so two imports read and copy their files at the same time;
the merge runs under a transaction-level advisory lock (``MERGE_LOCK``), so the merges of two
imports follow each other, each seeing the bills the other committed: every bill is stored
once, both reports are exact, and no two imports can deadlock on each other's bill ids (which
they would, holding some ids each until commit). Readers are never blocked (MVCC) and see the
new bills once the file commits.

On PostgreSQL one process reads the file (no two-process read: that hand-over is SQLite's)
and the bill indexes stay in place (a shared database is never left without them).

Two schemas are served: bills partitioned by month with their ids in ``bill_key(bill_id
PRIMARY KEY, begin_time)`` (a unique index cannot span partitions), and a plain ``bill`` table
with a unique index on ``bill_id``. New months are created by ``ensure_partitions`` on a
connection of its own, committed before the merge, so that the file's transaction never holds
the partition DDL's lock on ``bill`` while it merges.

Fast path for a file whose bills all fall in months not stored yet (a new day's or month's
export): each new month is made as a plain table without indexes in the file's transaction
(``bill_new_month``), filled, and attached (``bill_attach_month``, which runs ``ALTER TABLE bill
ATTACH PARTITION``), which builds the month's indexes in one sorted pass each instead of row by
row (measured: ``benchmarks/bench_pg_import.py``). The two functions (migration 0007) belong to
``bill``'s owner, so an importer role granted them takes the fast path too. ``ATTACH`` takes
only a ``SHARE UPDATE EXCLUSIVE`` lock on ``bill`` (readers and other imports' staging go on),
the new table is invisible to others until commit, and the month check runs under
``MERGE_LOCK``, so a concurrent import either sees the month attached (and merges into it) or
waits.

Whatever the target, the common case (every bill of the file new: no id stored already, none
twice in the file) is tried first: ``bill_key`` filled by one plain insert in id order, its
unique index the check, the rows inserted as staged (``_insert_new``); a duplicate id rolls
that back to a savepoint and the file is merged the careful way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import Connection, Integer, func, literal, select

from viewer.core.errors import BadInputError
from viewer.data.schema import BILL_FIELDS, bill

log = logging.getLogger(__name__)

MERGE_LOCK = (0x62696C6C, 1)
"""``pg_advisory_xact_lock(classid, objid)`` key of the merge into the bills ("bill", 1)."""

CONTENT_LOCK_CLASS = 0x62696C6C + 1
"""Advisory lock class of one file content (objid: ``hashtext`` of its SHA-256)."""

MERGE_WORK_MEM = "64MB"
"""PostgreSQL's sort memory for the merge, for its transaction only."""

INDEX_BUILD_MEM = "256MB"
"""``maintenance_work_mem`` for the index builds of an attached month, its transaction only."""

EnsurePartitions = Callable[[Connection, int, int], None]
"""``ensure_partitions(conn, min_begin, max_begin)``: create the missing months' partitions."""

FIRSTS = (
    'SELECT DISTINCT ON (bill_id COLLATE "C") * FROM bill_stage ORDER BY bill_id COLLATE "C", line'
)
"""The first line of each bill id in the file (SQLite's ``INSERT OR IGNORE`` keeps it); sorted
bytewise, which finds the same firsts as the database's collation, faster (no locale compare)."""

_INT_FIELDS = frozenset(name for name in BILL_FIELDS if isinstance(bill.c[name].type, Integer))
"""Integer columns: codes arrive as their exported text ("" for empty) and are cast in SQL."""

_TIMES = ("begin_time", "end_time")

LOAD_FUNCTIONS = ("bill_new_month(text)", "bill_attach_month(text)", "bill_take_pks(bigint)")
"""What the fast path for new months runs (migration 0007): ``bill``'s owner's functions."""

UNIQUE_VIOLATION = "23505"
"""SQLSTATE of a duplicate key in a unique index."""


class NulCharacterError(BadInputError):
    """A field holds a NUL character: SQLite stores it, PostgreSQL's text cannot hold one."""


def _line_with_nul(rows: Sequence[Sequence[Any]]) -> int | None:
    """The line of the first row with a NUL character in a field (only looked for on error)."""
    for row in rows:
        if any(isinstance(value, str) and "\x00" in value for value in row):
            return int(row[21])
    return None


@runtime_checkable
class StagingBulkWriter(Protocol):
    """A writer that stages a file's bills and merges them at the end (``loading`` asks)."""

    def stage_bills(self, rows: Sequence[Sequence[Any]], *, wide: bool) -> None:
        """Stage rows (the 21 fields, the line, and ``extra``, ``raw_codes`` when wide)."""
        ...

    def merge_staged(self) -> tuple[int, Iterator[tuple[list[Any], tuple[Any, ...]]]]:
        """Merge the staged bills; return how many were new and the others with their match.

        The iterator yields ``(row, stored)``: the staged row as ``stage_bills`` took it (22
        or 24 items) and ``(source_id, line, *21 fields, raw_codes)`` of the stored bill.
        """
        ...

    def insert_conflicts(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Store ``(bill_id, source_id, line, fields_json, differs)`` conflict records."""
        ...

    def insert_rejects(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Store ``(line, reason, raw)`` rejected lines of this file."""
        ...


def _stage_type(name: str) -> str:
    if name in _TIMES:
        return "bigint"
    return "text"


def _cast(name: str, alias: str = "s") -> str:
    """A staged field as the bill column wants it (codes: "" is no value)."""
    col = f"{alias}.{name}"
    if name in _INT_FIELDS and name not in _TIMES:
        return f"NULLIF({col}, '')::bigint"
    return col


class PostgresBulkWriter:
    """One file's bills, rejects and conflicts on a psycopg connection (module docstring)."""

    def __init__(
        self,
        conn: Connection,
        source_id: int,
        columns: Sequence[str] = BILL_FIELDS,
        *,
        ensure_partitions: EnsurePartitions | None = None,
    ) -> None:
        self.conn = conn
        self.raw = conn.connection.driver_connection  # a psycopg.Connection
        self.cur = self.raw.cursor()  # type: ignore[union-attr]
        self.source_id = int(source_id)
        self.columns = tuple(columns)
        self.ensure_partitions = ensure_partitions
        self.staged = 0
        self.min_begin: int | None = None
        self.max_begin: int | None = None
        self.max_line = 0
        self._stage_made = False
        self.phases: dict[str, float] = {}
        """Seconds spent per step (``stage``, ``keys``, ``rows``, ``attach``...), logged at
        debug level when the merge is done (``benchmarks/bench_pg_import.py`` prints them)."""

    @contextmanager
    def _timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - started
            self.phases[phase] = self.phases.get(phase, 0.0) + spent

    @contextmanager
    def _driver(self) -> Iterator[None]:
        """Driver calls: a connection the server ended is invalidated before the error goes on.

        SQLAlchemy does not see these calls; told nothing, it would roll back on the dead
        connection and raise "the connection is lost" in place of the server's reason.
        """
        try:
            yield
        except Exception:
            if getattr(self.raw, "broken", False) or getattr(self.raw, "closed", False):
                self.conn.invalidate()
            raise

    def _make_stage(self) -> None:
        cols = ", ".join(f"{name} {_stage_type(name)}" for name in self.columns)
        self.cur.execute(
            f"CREATE TEMPORARY TABLE bill_stage ({cols}, line bigint NOT NULL, extra text, "
            "raw_codes text, seq bigint NOT NULL) ON COMMIT DROP"
        )
        self._stage_made = True

    def stage_bills(self, rows: Sequence[Sequence[Any]], *, wide: bool) -> None:
        """COPY rows into the staging table (created at the first rows)."""
        if not rows:
            return
        names = (*self.columns, "line", *(("extra", "raw_codes") if wide else ()), "seq")
        with self._driver(), self._timed("stage"):
            if not self._stage_made:
                self._make_stage()
            try:
                with self.cur.copy(f"COPY bill_stage ({', '.join(names)}) FROM STDIN") as copy:
                    write = copy.write_row
                    # seq: the row's place among the staged rows (its pk if all are new)
                    for seq, row in enumerate(rows, self.staged + 1):
                        write((*row, seq))
            except Exception as exc:  # psycopg refuses NUL in text before sending it
                line = _line_with_nul(rows)
                if line is None:
                    raise
                raise NulCharacterError(
                    f"line {line}: a NUL character in a field, which PostgreSQL cannot store; "
                    "nothing of this file was kept"
                ) from exc
        begins = [row[7] for row in rows]
        low, high = min(begins), max(begins)
        self.min_begin = low if self.min_begin is None else min(self.min_begin, low)
        self.max_begin = high if self.max_begin is None else max(self.max_begin, high)
        self.staged += len(rows)
        at = len(self.columns)  # the line follows the fields
        self.max_line = max(self.max_line, max(int(row[at]) for row in rows))

    def _partitioned(self) -> bool:
        self.cur.execute("SELECT to_regclass('bill_key') IS NOT NULL")
        row = self.cur.fetchone()
        return bool(row and row[0])

    def merge_staged(self) -> tuple[int, Iterator[tuple[list[Any], tuple[Any, ...]]]]:
        """Merge the staged bills into ``bill`` under ``MERGE_LOCK`` (see the module docstring).

        Returns how many were new, and the staged rows that were not with the stored bill of
        their id (streamed: a re-import of a big file may hold millions).
        """
        if not self.staged:
            return 0, iter(())
        imported, copies = self._merge_staged()
        log.debug(
            "merged %d of %d staged bills: %s",
            imported,
            self.staged,
            ", ".join(f"{phase} {spent:.2f} s" for phase, spent in self.phases.items()),
        )
        return imported, copies

    def _merge_staged(self) -> tuple[int, Iterator[tuple[list[Any], tuple[Any, ...]]]]:
        if self._attach_candidate():
            with self._driver():
                done = self._merge_attaching()
            if done is not None:
                return done
        if self.ensure_partitions is not None:
            assert self.min_begin is not None and self.max_begin is not None
            with self._timed("months"), self.conn.engine.connect() as side, side.begin():
                # one import at a time makes months (waits for a merge that is under way)
                side.execute(select(func.pg_advisory_xact_lock(*map(literal, MERGE_LOCK))))
                self.ensure_partitions(side, self.min_begin, self.max_begin)
        with self._driver():
            return self._merge()

    def _missing_months(self) -> list[tuple[str, int, int | None]]:
        """``(partition, low, high)`` of the staged range's months ``bill`` has no partition for."""
        from viewer.data.backend.postgres import (  # psycopg: lazily, SQLite sessions import this
            month_start,
            months_between,
            partition_name,
        )

        assert self.min_begin is not None and self.max_begin is not None
        self.cur.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'bill'::regclass"
        )
        have = {row[0] for row in self.cur.fetchall()}
        out: list[tuple[str, int, int | None]] = []
        for year, month in months_between(self.min_begin, self.max_begin):
            name = partition_name(year, month)
            if name not in have:
                nxt = (year + 1, 1) if month == 12 else (year, month + 1)
                high = None if nxt[0] > 9999 else month_start(*nxt)
                out.append((name, month_start(year, month), high))
        return out

    def _month_count(self) -> int:
        """How many months the staged begin times span."""
        from viewer.data.backend.postgres import months_between  # psycopg: lazily

        assert self.min_begin is not None and self.max_begin is not None
        return len(months_between(self.min_begin, self.max_begin))

    def _attach_candidate(self) -> bool:
        """Whether the fast path may apply: partitioned, no month stored, the role may load.

        Loading a month is done by ``bill_new_month`` and ``bill_attach_month`` (migration
        0007), functions of ``bill``'s owner: the owner may run them, an importer role when it
        was granted them (README); a role that was not imports the ordinary way.
        """
        if self.ensure_partitions is None or self.min_begin is None:
            return False
        with self._driver():
            if not self._partitioned():
                return False
            if not self._may_run(*LOAD_FUNCTIONS):
                return False
            months = self._missing_months()
        return len(months) == self._month_count()

    def _merge_attaching(self) -> tuple[int, Iterator[tuple[list[Any], tuple[Any, ...]]]] | None:
        """The fast path (module docstring); None when, under the lock, a month now exists."""
        assert self.min_begin is not None and self.max_begin is not None
        with self._timed("lock"):
            self.cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", MERGE_LOCK)
        months = self._missing_months()
        if len(months) != self._month_count():
            # another import attached one meanwhile: the ordinary merge, months made here
            assert self.ensure_partitions is not None
            self.ensure_partitions(self.conn, self.min_begin, self.max_begin)
            return self._merge()
        self.cur.execute(f"SET LOCAL work_mem = '{MERGE_WORK_MEM}'")
        self.cur.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEM}'")
        for name, _low, _high in months:
            # like bill without its indexes (the attach builds them) and identity (pk from
            # bill's), with a CHECK of its bounds (the attach need not scan it to prove them)
            self.cur.execute("SELECT bill_new_month(%s)", (name,))
        imported = self._insert_new(months)
        for name, _low, _high in months:
            # a partition as bill_add_month makes one, its indexes built in one pass each
            with self._timed("attach"):
                self.cur.execute("SELECT bill_attach_month(%s)", (name,))
        return imported, self._duplicates(imported)

    def _merge(self) -> tuple[int, Iterator[tuple[list[Any], tuple[Any, ...]]]]:
        with self._timed("lock"):
            self.cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", MERGE_LOCK)
        # The sorts below in memory, not in temporary files (200k bills: 6.7 s -> 3.6 s).
        self.cur.execute(f"SET LOCAL work_mem = '{MERGE_WORK_MEM}'")
        cols = ", ".join(self.columns)
        values = ", ".join(_cast(name) for name in self.columns)
        if self._partitioned():
            imported = self._insert_new([("bill", None, None)], into_bill=True)
            return imported, self._duplicates(imported)
        sql = (
            f"INSERT INTO bill ({cols}, source_id, line, extra, raw_codes) "
            f"SELECT {values}, %s, s.line, s.extra, s.raw_codes "
            f"FROM ({FIRSTS}) s ORDER BY s.line ON CONFLICT (bill_id) DO NOTHING"
        )
        self.cur.execute(sql, (self.source_id,))
        imported = self.cur.rowcount
        return imported, self._duplicates(imported)

    def _may_run(self, *functions: str) -> bool:
        """Whether the session's role may execute all these functions (and they exist)."""
        self.cur.execute(
            "SELECT bool_and(f IS NOT NULL AND has_function_privilege(f, 'EXECUTE')) "
            "FROM unnest(%s::text[]) name, to_regprocedure(name) f",
            (list(functions),),
        )
        row = self.cur.fetchone()
        return bool(row and row[0])

    def _pk_block(self, size: int) -> int:
        """The first of ``size`` consecutive ``bill`` identity numbers, drawn at once.

        ``bill_take_pks`` (migration 0007) sets the sequence past them; it needs the
        ``MERGE_LOCK`` every insert into ``bill`` runs under, so no other session draws
        numbers meanwhile. A nextval per row cost 1.4 s of 5.3 s at 200,000 bills.
        """
        self.cur.execute("SELECT bill_take_pks(%s)", (size,))
        row = self.cur.fetchone()
        assert row is not None
        return int(row[0])

    def _insert_new(
        self,
        targets: Sequence[tuple[str, int, int | None] | tuple[str, None, None]],
        *,
        into_bill: bool = False,
    ) -> int:
        """Insert the file's new bills into ``targets`` and their ids into ``bill_key``.

        ``targets``: ``(table, low, high)`` of begin times (new months), or ``bill`` itself
        with no bounds.

        First the common case, tried under a savepoint: every staged id is new, in the file
        and in the database. Then ``bill_key`` is filled by a plain insert in id order (its
        unique index is the check: no per-row conflict handling, which doubled the cost, and
        no sort of the wide rows), and the rows go in as staged, numbered as SQLite numbers
        them (one after the other, in line order: ``seq``). A unique violation (an id stored
        already, or twice in the file) rolls the savepoint back (before any number is drawn)
        and the file is merged the careful way: the first line of each id, ``ON CONFLICT DO
        NOTHING``. Under ``MERGE_LOCK`` no other import adds ids meanwhile, so a violation is
        this file's own. Returns how many bills were new.
        """
        cols = ", ".join(self.columns)
        values = ", ".join(_cast(name) for name in self.columns)

        def inserts(source: str, pk: str) -> str:
            out = []
            for i, (name, low, high) in enumerate(targets):
                where = ""
                if low is not None:
                    upper = "" if high is None else f" AND s.begin_time < {int(high)}"
                    where = f" WHERE s.begin_time >= {int(low)}{upper}"
                out.append(
                    f"m{i} AS (INSERT INTO {name} (pk, {cols}, source_id, line, extra, "
                    f"raw_codes) SELECT {pk}, {values}, %(source)s, s.line, "
                    f"s.extra, s.raw_codes FROM {source} s{where})"
                )
            return ", ".join(out)

        self.cur.execute("SAVEPOINT bill_viewer_all_new")
        try:
            with self._timed("keys"):
                self.cur.execute(
                    "INSERT INTO bill_key (bill_id, begin_time) SELECT bill_id, begin_time "
                    'FROM bill_stage ORDER BY bill_id COLLATE "C"'
                )
        except Exception as exc:
            if getattr(exc, "sqlstate", None) != UNIQUE_VIOLATION:
                raise
            self.cur.execute("ROLLBACK TO SAVEPOINT bill_viewer_all_new")
        else:
            self.cur.execute("RELEASE SAVEPOINT bill_viewer_all_new")
            if into_bill and not self._may_run("bill_take_pks(bigint)"):
                # a role not granted the block of keys: one nextval a row, in line order
                with self._timed("rows"):
                    self.cur.execute(
                        f"INSERT INTO bill ({cols}, source_id, line, extra, raw_codes) "
                        f"SELECT {values}, %s, s.line, s.extra, s.raw_codes "
                        "FROM bill_stage s ORDER BY s.seq",
                        (self.source_id,),
                    )
                return self.staged
            params = {"source": self.source_id, "base": self._pk_block(self.staged)}
            with self._timed("rows"):
                self.cur.execute(
                    f"WITH {inserts('bill_stage', '%(base)s - 1 + s.seq')} SELECT 1", params
                )
            return self.staged
        keys = (
            f"WITH firsts AS ({FIRSTS}), keys AS ("
            "INSERT INTO bill_key (bill_id, begin_time) SELECT bill_id, begin_time "
            "FROM firsts ON CONFLICT (bill_id) DO NOTHING RETURNING bill_id)"
        )
        if into_bill:  # numbered one after the other in line order, as SQLite numbers them
            with self._timed("careful"):
                self.cur.execute(
                    f"{keys} INSERT INTO bill ({cols}, source_id, line, extra, raw_codes) "
                    f"SELECT {values}, %(source)s, s.line, s.extra, s.raw_codes "
                    "FROM firsts s JOIN keys USING (bill_id) ORDER BY s.line",
                    {"source": self.source_id},
                )
            return int(self.cur.rowcount)
        # new months: numbered from one block as SQLite numbers them (the new ones in line
        # order), so the block is as big as the ids not stored yet (exact under MERGE_LOCK)
        with self._timed("careful"):
            self.cur.execute(
                "SELECT count(*) FROM (SELECT DISTINCT bill_id FROM bill_stage) f "
                "WHERE NOT EXISTS (SELECT FROM bill_key k WHERE k.bill_id = f.bill_id)"
            )
        row = self.cur.fetchone()
        new = int(row[0]) if row else 0
        if not new:
            return 0
        params = {"source": self.source_id, "base": self._pk_block(new)}
        with self._timed("careful"):
            self.cur.execute(
                f"{keys}, new AS MATERIALIZED (SELECT row_number() OVER (ORDER BY s.line) "
                "AS n, s.* FROM firsts s JOIN keys USING (bill_id)), "
                f"{inserts('new', '%(base)s - 1 + s.n')} SELECT count(*) FROM new",
                params,
            )
        row = self.cur.fetchone()
        imported = int(row[0]) if row else 0
        assert imported == new, (imported, new)
        return imported

    def _duplicates(self, imported: int) -> Iterator[tuple[list[Any], tuple[Any, ...]]]:
        if imported == self.staged:
            return
        with self._driver():
            yield from self._copies()

    def _copies(self) -> Iterator[tuple[list[Any], tuple[Any, ...]]]:
        staged = ", ".join(f"s.{name}" for name in self.columns)
        stored = ", ".join(f"b.{name}" for name in self.columns)
        # A server-side cursor of its own: the importer writes conflicts meanwhile.
        with self.raw.cursor(name="bill_viewer_duplicates") as cur:  # type: ignore[union-attr]
            cur.itersize = 5000
            cur.execute(
                f"SELECT {staged}, s.line, s.extra, s.raw_codes, "
                f"b.source_id, b.line, {stored}, b.raw_codes "
                "FROM bill_stage s JOIN bill b ON b.bill_id = s.bill_id "
                "WHERE NOT (b.source_id = %s AND b.line = s.line) ORDER BY s.line",
                (self.source_id,),
            )
            n = len(self.columns)
            for row in cur:
                yield list(row[: n + 3]), tuple(row[n + 3 :])

    def insert_conflicts(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Store ``(bill_id, source_id, line, fields_json, differs)`` conflict records."""
        if not rows:
            return
        with (
            self._driver(),
            self.cur.copy(
                "COPY conflict (bill_id, source_id, line, fields, differs) FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def insert_rejects(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Store ``(line, reason, raw)`` rejected lines of this file."""
        if not rows:
            return
        with (
            self._driver(),
            self.cur.copy("COPY reject (source_id, line, reason, raw) FROM STDIN") as copy,
        ):
            for line, reason, raw in rows:
                copy.write_row((self.source_id, line, reason, raw))

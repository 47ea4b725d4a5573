"""What an export reads besides the bills: labels, zone, file names, ledger, the quick check.

The reads are SQLAlchemy Core statements (``*_statement``), so they run on any backend. Two
things stay at the driver: SQLite's quick check (a pragma, with no portable equivalent) and the
interrupt that lets Cancel stop a long statement (``_interruptible``, through the backend).
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import DBAPIError

from viewer.core.errors import DatabaseError
from viewer.core.tasks import CancelToken
from viewer.data import queries
from viewer.data.backend import Backend
from viewer.data.schema import meta, site_label, source_file
from viewer.data.zone import ZONE_KEY

_CHECK_CACHE_KIB = 4096
"""SQLite's page cache during the quick check, which reads every page once (memory stays flat)."""


@contextlib.contextmanager
def _interruptible(conn: Any, cancel: CancelToken | None, backend: Backend) -> Iterator[None]:
    """Let Cancel interrupt the statement running on ``conn`` (the quick check, a sort).

    Such a statement checks no token (1M bills: over a second of quick check); the backend's
    ``interrupt`` stops it, and the error it then raises is the cancel, not a damaged database.
    """
    if cancel is None:
        yield
        return
    with cancel.calling(functools.partial(backend.interrupt, conn)):
        try:
            yield
        except (DBAPIError, DatabaseError):
            cancel.raise_if_set()
            raise


def _check_database(conn: Any, path: Path) -> None:
    """Refuse a damaged database: SQLite's quick check of every page's structure.

    An export's reads touch only the pages its query needs, so a damaged page elsewhere (an
    index, another table) would go unnoticed; an auditor must not receive an export from it.
    Driver-level SQL by necessity: the check is SQLite's own pragma (as are ``cache_size``
    and ``sqlite_master``); another backend's server keeps its own pages, so nothing runs there.
    """
    if conn.dialect.name != "sqlite":
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{_CHECK_CACHE_KIB}")  # it reads every page once
    try:
        found = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(10)")]
    except DBAPIError as exc:  # damage can stop the check itself
        found = [str(exc.orig)]
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
    if found == ["ok"]:
        return
    lines = [x.strip() for r in found for x in r.splitlines()]
    lines = [x for x in lines if x and not x.startswith("***")]
    try:  # name the table or index whose root page is damaged, where SQLite can still say
        roots = {
            int(page): f"{kind} {name}"
            for kind, name, page in conn.exec_driver_sql(
                "SELECT type, name, rootpage FROM sqlite_master WHERE rootpage > 0"
            )
        }
    except DBAPIError:
        roots = {}

    def name_page(m: re.Match[str]) -> str:
        where = roots.get(int(m.group(1)))
        return f"{m.group()} ({where})" if where else m.group()

    detail = "; ".join(re.sub(r"\b[Pp]age (\d+)", name_page, x) for x in lines)
    raise DatabaseError(
        f"{path}: the database is damaged, so nothing was exported (SQLite's quick check: "
        f"{detail}). Restore it from a backup, or import the source files into a new database."
    )


def labels_statement() -> Select[Any]:
    """The site labels: ``(op_type, code, text)`` rows."""
    return select(site_label.c.op_type, site_label.c.code, site_label.c.text)


def zone_statement() -> Select[Any]:
    """The data's time zone name (one row, or none when it was never named)."""
    return select(meta.c.value).where(meta.c.key == bindparam("key", ZONE_KEY))


def source_names_statement() -> Select[Any]:
    """Every source file's ``(id, name)``."""
    return select(source_file.c.id, source_file.c.name)


def ledger_statement() -> Select[Any]:
    """The ledger entries of the files whose ids the expanding parameter ``ids`` lists."""
    c = source_file.c
    return (
        select(c.id, c.name, c.path, c.sha256, c.imported_at, c.imported)
        .where(c.id.in_(bindparam("ids", expanding=True)))
        .order_by(c.id)
    )


def site_labels(conn: Any) -> dict[tuple[int, int], str]:
    """The site labels by ``(operation type, code)``."""
    return {(int(t), int(c)): str(x) for t, c, x in conn.execute(labels_statement())}


def zone_name(conn: Any) -> str | None:
    """The data's time zone name, or None."""
    return conn.execute(zone_statement()).scalar() or None


def source_names(conn: Any) -> dict[int, str]:
    """Every source file's name by id."""
    return {int(i): str(n) for i, n in conn.execute(source_names_statement())}


def _ledger(conn: Any, per_source: Mapping[int, int]) -> list[tuple[Any, ...]]:
    """Ledger entries of the files that contributed rows, in import order."""
    if not per_source:
        return []
    ids = sorted(per_source)
    statement = ledger_statement()
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(ids), queries.MAX_VARS):  # SQLite's limit of bound variables
        chunk = ids[i : i + queries.MAX_VARS]
        out += [tuple(r) for r in conn.execute(statement, {"ids": chunk})]
    return out

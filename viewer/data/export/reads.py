"""What an export reads from the database besides the bills: the quick check and the ledger.

SQLite's quick check refuses a damaged database before anything is written; Cancel interrupts
a long statement through the driver (``_interruptible``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from viewer.core.errors import DatabaseError
from viewer.core.tasks import CancelToken
from viewer.data import queries

_CHECK_CACHE_KIB = 4096
"""SQLite's page cache during the quick check, which reads every page once (memory stays flat)."""


@contextlib.contextmanager
def _interruptible(conn: Any, cancel: CancelToken | None) -> Iterator[None]:
    """Let Cancel interrupt the statement running on ``conn`` (the quick check, a sort).

    Such a statement checks no token (1M bills: over a second of quick check); SQLite's
    ``interrupt`` stops it, and the error it then raises is the cancel, not a damaged database.
    """
    if cancel is None:
        yield
        return
    with cancel.calling(conn.connection.driver_connection.interrupt):
        try:
            yield
        except (DBAPIError, DatabaseError):
            cancel.raise_if_set()
            raise


def _check_database(conn: Any, path: Path) -> None:
    """Refuse a damaged database: SQLite's quick check of every page's structure.

    An export's reads touch only the pages its query needs, so a damaged page elsewhere (an
    index, another table) would go unnoticed; an auditor must not receive an export from it.
    """
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


def _ledger(conn: Any, per_source: Mapping[int, int]) -> list[tuple[Any, ...]]:
    """Ledger entries of the files that contributed rows, in import order."""
    if not per_source:
        return []
    ids = sorted(per_source)
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(ids), queries.MAX_VARS):
        chunk = ids[i : i + queries.MAX_VARS]
        marks = ",".join("?" * len(chunk))
        out += [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT id, name, path, sha256, imported_at, imported FROM source_file "
                f"WHERE id IN ({marks}) ORDER BY id",
                tuple(chunk),
            )
        ]
    return out

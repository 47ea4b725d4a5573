"""The staging file the import's child process writes (a plain SQLite file, driver only).

Loaded in the child process (``viewer.data.imports.parallel``), which needs neither SQLAlchemy
nor Qt: this module imports only the ``sqlite3`` driver. Journal and sync are off: the file is
thrown away whatever happens, so nothing in it needs to survive a crash.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any


def _insert_sql(columns: tuple[str, ...], source_id: int, *, pk: bool, extra: bool) -> str:
    wide = ["extra", "raw_codes"] if extra else []
    names = [*(["pk"] if pk else []), *columns, "source_id", "line", *wide]
    marks = ["?"] * (len(columns) + pk) + [str(int(source_id)), "?"] + ["?"] * len(wide)
    return f"INSERT INTO bill ({', '.join(names)}) VALUES ({', '.join(marks)})"


class StagingWriter:
    """One transaction writing bills and rejects into a new staging file."""

    def __init__(self, path: str, bill_ddl: str, columns: tuple[str, ...], source_id: int) -> None:
        self.con = sqlite3.connect(path, isolation_level=None)
        try:
            self.con.execute("PRAGMA journal_mode = OFF")
            self.con.execute("PRAGMA synchronous = OFF")
            self.con.execute(bill_ddl)
            self.con.execute(
                "CREATE TABLE reject "
                "(line INTEGER NOT NULL, reason TEXT NOT NULL, raw TEXT NOT NULL)"
            )
            self.con.execute("BEGIN")
        except BaseException:
            self.con.close()
            raise
        self.cur = self.con.cursor()
        self._sql = {
            (pk, extra): _insert_sql(columns, source_id, pk=pk, extra=extra)
            for pk in (False, True)
            for extra in (False, True)
        }

    def insert_bills(
        self, rows: Sequence[Sequence[Any]], *, wide: bool, first_pk: int | None
    ) -> None:
        """Insert rows; ``first_pk`` numbers the first one (the rest follow it)."""
        if first_pk is not None and rows:
            self.cur.execute(self._sql[True, wide], (first_pk, *rows[0]))
            rows = rows[1:]
        self.cur.executemany(self._sql[False, wide], rows)

    def insert_rejects(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Store ``(line, reason, raw)`` rejected lines."""
        self.cur.executemany("INSERT INTO reject (line, reason, raw) VALUES (?, ?, ?)", rows)

    def commit(self) -> None:
        """End the transaction: the staging file is complete."""
        self.con.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (an uncommitted file is incomplete and never copied)."""
        self.con.close()

"""The investigation's "Summary" and "Anomalies" sheets as exporter ``SheetSpec``s, typed.

Kept apart from both modules so the exporter does not depend on the investigation and the
investigation does not depend on openpyxl; the window and the command line call this. Durations
become Excel durations (``[h]:mm:ss``, so they sum) and begin/end real date-times, as on the
Bills sheet. The anomalies stream: the rebuild finds them agent by agent, the sheet lists them
by time, so they are sorted in a temporary SQLite file (``AnomalySpool``), not held in memory.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, event, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from viewer.core.errors import ExportError
from viewer.core.filters import BillFilter
from viewer.core.investigation import Anomaly, AnomalyKind
from viewer.core.investigation.summary import ANOMALY_HEADER
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.data.db import Database
from viewer.data.export.cells import DATETIME_FORMAT
from viewer.data.export.workbook import SheetSpec
from viewer.data.investigation import (
    Labels,
    anomaly_sheet_rows,
    summary_and_anomalies,
    summary_sheet_rows,
)

DURATION_FORMAT = "[h]:mm:ss"
_DAY = 86400


def _duration_columns(text_rows: list[list[Any]]) -> set[int]:
    """Columns whose text form is ``h:mm:ss`` in every row (durations, not counts)."""
    cols: set[int] | None = None
    for row in text_rows:
        here = {i for i, v in enumerate(row) if isinstance(v, str) and v.count(":") == 2}
        cols = here if cols is None else cols & here
    return cols or set()


def investigation_sheet_specs(
    db: Database,
    f: BillFilter,
    *,
    cancel: CancelToken | None = None,
    progress: ProgressFn | None = None,
) -> list[SheetSpec]:
    """Summary and Anomalies of the filtered period, ready for ``export_xlsx(extra_sheets=...)``.

    Args:
        db: The bill database.
        f: The export's filter (its agents and period choose what is read).
        cancel: Checked while reading (raises ``Cancelled``).
        progress: ``progress(rows_read, rows_total)`` while the agents' bills are read to
            rebuild their states (the long part, before any row is exported; the rows include the
            look-back before the period, so the total differs from the export's), once per
            20,000 rows, then ``(total, total)`` when the sheets are ready; never called when
            nothing is read.
    """
    seen = [0]

    def reading(done: int, total: int) -> None:
        seen[0] = total
        if progress is not None:
            progress(done, total)

    # One agent's states at a time: memory stays flat however many bills (1M bills: 360 MB
    # peak for the whole export when every agent's states were held at once).
    spool = AnomalySpool()
    try:
        summary, _none, labels = summary_and_anomalies(
            db, f, cancel=cancel, progress=reading if progress else None, anomalies_to=spool.add
        )
    except BaseException:
        spool.close()
        raise
    title, header, text_rows = summary_sheet_rows(db, f, labels, result=summary)
    _t, _h, second_rows = summary_sheet_rows(db, f, labels, result=summary, durations_as_text=False)
    durations = _duration_columns(list(text_rows))
    rows = [
        [v / _DAY if i in durations and isinstance(v, int | float) else v for i, v in enumerate(r)]
        for r in second_rows
    ]
    specs = [SheetSpec(title, header, rows, {i: DURATION_FORMAT for i in durations})]

    a_title, a_header, _none = anomaly_sheet_rows(db, f, labels, result=[])
    begin, end, span = (ANOMALY_HEADER.index(n) for n in ("Begin", "End", "Duration"))
    specs.append(
        SheetSpec(
            a_title,
            a_header,
            _anomaly_rows(db, f, labels, spool, (begin, end, span)),
            {begin: DATETIME_FORMAT, end: DATETIME_FORMAT, span: DURATION_FORMAT},
        )
    )
    if progress is not None and seen[0]:
        progress(seen[0], seen[0])  # the summary and anomalies are made too
    return specs


def _anomaly_rows(
    db: Database,
    f: BillFilter,
    labels: Labels,
    spool: AnomalySpool,
    columns: tuple[int, int, int],
) -> Iterator[list[Any]]:
    """The Anomalies sheet's rows, typed, a chunk of the sorted anomalies at a time."""
    begin, end, span = columns
    for chunk in spool.sorted():
        for r in anomaly_sheet_rows(db, f, labels, result=chunk)[2]:
            r = list(r)
            for i in (begin, end):
                r[i] = datetime.strptime(r[i], "%Y-%m-%d %H:%M:%S") if r[i] else None
            if r[begin] is not None and r[end] is not None:
                r[span] = (r[end] - r[begin]).total_seconds() / _DAY
            yield r


_SPOOL_CHUNK = 2000
"""Anomalies written or read back at a time (the bill IDs of a chunk are read together)."""
_DISK_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY")
"""SQLite's errors of a temporary file that cannot be written (``sqlite_errorname``)."""
_spool_meta = MetaData()
_spool = Table(
    "anomaly",
    _spool_meta,
    Column("seq", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("agent", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("end", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("bill_pks", Text, nullable=False),
)


def _throwaway(dbapi_connection: Any, _record: Any) -> None:
    """No journal and no sync for the spool: a crash loses nothing that is not thrown away.

    Driver-level pragmas for a measured fast path: 100,000 anomalies were written in 2.8 s with
    SQLite's defaults (a journal and a sync per chunk), in 0.9 s without.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = OFF")
    cursor.execute("PRAGMA synchronous = OFF")
    cursor.close()


class AnomalySpool:
    """Anomalies kept in a temporary SQLite file, read back once by time, agent and kind.

    The order is the sheet's (``summary_and_anomalies``'s sort, stable: ties keep the order
    of arrival). Held as Python objects, the anomalies of 1.05M anomaly-heavy bills peaked at
    2.5 GB. The file lives in its own temporary folder, removed after the read or when the
    spool is collected (an export that failed before the Anomalies sheet).
    """

    def __init__(self) -> None:
        try:
            self._dir = Path(tempfile.mkdtemp(prefix="bill-viewer-anomalies-"))
        except OSError as exc:
            raise ExportError(
                f"{tempfile.gettempdir()}: cannot make a temporary folder for the anomalies "
                f"({exc.strerror or exc})"
            ) from exc
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._dir, True)
        try:
            self._engine = create_engine(
                f"sqlite:///{(self._dir / 'spool.sqlite').as_posix()}", poolclass=NullPool
            )
            event.listen(self._engine, "connect", _throwaway)
            _spool_meta.create_all(self._engine)
        except DBAPIError as exc:
            self.close()
            known = self._known(exc)
            if known is None:
                raise
            raise known from exc
        self._buffer: list[dict[str, Any]] = []
        self.count = 0
        """Anomalies added."""

    def _known(self, exc: DBAPIError) -> ExportError | None:
        """A full disk or a failing temporary folder is the user's to fix; anything else a bug."""
        name = getattr(exc.orig, "sqlite_errorname", "")
        if not name.startswith(_DISK_ERRORS):
            return None
        return ExportError(
            f"{self._dir}: cannot keep the anomalies in a temporary file ({exc.orig}); "
            "free some disk space and export again"
        )

    def add(self, a: Anomaly) -> None:
        """Keep one anomaly (written a chunk at a time)."""
        self._buffer.append(
            {
                "start": a.start,
                "agent": a.agent,
                "kind": str(a.kind),
                "end": a.end,
                "message": a.message,
                "bill_pks": " ".join(map(str, a.bill_pks)),
            }
        )
        self.count += 1
        if len(self._buffer) >= _SPOOL_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(_spool), self._buffer)
        except DBAPIError as exc:
            known = self._known(exc)
            if known is None:
                raise
            raise known from exc
        self._buffer.clear()

    def sorted(self) -> Iterator[list[Anomaly]]:
        """The anomalies in the sheet's order, a chunk at a time; then the file is removed."""
        try:
            self._flush()
            if self.count == 0:
                return
            c = _spool.c
            with self._engine.connect() as conn:
                rows = conn.execute(
                    select(c.agent, c.kind, c.message, c.start, c.end, c.bill_pks).order_by(
                        c.start, c.agent, c.kind, c.seq
                    )
                )
                for part in rows.partitions(_SPOOL_CHUNK):
                    yield [
                        Anomaly(
                            agent,
                            AnomalyKind(kind),
                            message,
                            start,
                            end,
                            tuple(int(pk) for pk in pks.split()),
                        )
                        for agent, kind, message, start, end, pks in part
                    ]
        except DBAPIError as exc:
            known = self._known(exc)
            if known is None:
                raise
            raise known from exc
        finally:
            self.close()

    def close(self) -> None:
        """Remove the temporary file (also done when the spool is collected)."""
        engine = getattr(self, "_engine", None)
        if engine is not None:
            engine.dispose()
        self._finalizer()

"""The investigation's "Summary" and "Anomalies" sheets as exporter ``SheetSpec``s, typed.

Kept apart from both modules so the exporter does not depend on the investigation and the
investigation does not depend on openpyxl; the window and the command line call this. Durations
become Excel durations (``[h]:mm:ss``, so they sum) and begin/end real date-times, as on the
Bills sheet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from viewer.core.filters import BillFilter
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.data.db import Database
from viewer.data.export.cells import DATETIME_FORMAT
from viewer.data.export.workbook import SheetSpec
from viewer.data.investigation import anomaly_sheet_rows, summary_and_anomalies, summary_sheet_rows

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
    summary, anomalies, labels = summary_and_anomalies(
        db, f, cancel=cancel, progress=reading if progress else None
    )
    title, header, text_rows = summary_sheet_rows(db, f, labels, result=summary)
    _t, _h, second_rows = summary_sheet_rows(db, f, labels, result=summary, durations_as_text=False)
    durations = _duration_columns(list(text_rows))
    rows = [
        [v / _DAY if i in durations and isinstance(v, int | float) else v for i, v in enumerate(r)]
        for r in second_rows
    ]
    specs = [SheetSpec(title, header, rows, {i: DURATION_FORMAT for i in durations})]

    a_title, a_header, a_rows = anomaly_sheet_rows(db, f, labels, result=anomalies)
    begin, end, span = (a_header.index(n) for n in ("Begin", "End", "Duration"))
    typed = []
    for r in a_rows:
        r = list(r)
        for i in (begin, end):
            r[i] = datetime.strptime(r[i], "%Y-%m-%d %H:%M:%S") if r[i] else None
        if r[begin] is not None and r[end] is not None:
            r[span] = (r[end] - r[begin]).total_seconds() / _DAY
        typed.append(r)
    specs.append(
        SheetSpec(
            a_title,
            a_header,
            typed,
            {begin: DATETIME_FORMAT, end: DATETIME_FORMAT, span: DURATION_FORMAT},
        )
    )
    if progress is not None and seen[0]:
        progress(seen[0], seen[0])  # the summary and anomalies are made too
    return specs

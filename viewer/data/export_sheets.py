"""The investigation's "Summary" and "Anomalies" sheets as exporter ``SheetSpec``s.

Kept apart from both modules so the exporter does not depend on the investigation and the
investigation does not depend on openpyxl; the window and the command line call this.
"""

from __future__ import annotations

from viewer.core.filters import BillFilter
from viewer.core.tasks import CancelToken
from viewer.data.db import Database
from viewer.data.exporter import SheetSpec
from viewer.data.investigate import investigation_sheets


def investigation_sheet_specs(
    db: Database, f: BillFilter, *, cancel: CancelToken | None = None
) -> list[SheetSpec]:
    """Summary and Anomalies of the filtered period, ready for ``export_xlsx(extra_sheets=...)``."""
    return [
        SheetSpec(title, header, rows)
        for title, header, rows in investigation_sheets(db, f, cancel=cancel)
    ]

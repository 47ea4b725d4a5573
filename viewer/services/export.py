"""Export of the filtered view to Excel: the one flow the window and ``bill-viewer export`` run.

The investigation's Summary and Anomalies sheets are read first (the agents' states), then the
bills are written with the Report, signed; progress comes in these two phases (``EXPORT_PHASES``)
and Cancel stops either, leaving no file behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from viewer.core.columns import DEFAULT_KEYS
from viewer.core.filters import BillFilter
from viewer.core.i18n import use_language
from viewer.core.tasks import CancelToken, PhasedProgress, ProgressFn
from viewer.data.db import Database
from viewer.data.export.exporter import ExportResult, export_xlsx
from viewer.data.export.investigation_sheets import investigation_sheet_specs
from viewer.data.export.workbook import SheetSpec

__all__ = [
    "EXPORT_BILLS",
    "EXPORT_PHASES",
    "EXPORT_STATES",
    "SAVING",
    "ExportResult",
    "ExportService",
    "Phases",
]

EXPORT_STATES = "agent states for the Summary and Anomalies sheets"
EXPORT_BILLS = "bills"
EXPORT_PHASES = ((EXPORT_STATES, 0.1), (EXPORT_BILLS, 0.82))
"""Shares of the export's one progress bar; the rest is the other sheets and the save.

Measured on 20,000 and 100,000 generated bills: states 2-4% of the time, bill rows 90-91%,
the other sheets and the save 6%.
"""
SAVING = "saving the workbook…"
"""What follows the last bill row without progress of its own."""


class Phases(Protocol):
    """A caller that shows each phase of the export its own way (``PhasedProgress`` does)."""

    def phase(self, words: str, unit: str = "rows", after: str = "") -> ProgressFn:
        """The ``progress(done, total)`` callback of the phase named ``words``, as it begins."""
        ...


class ExportService:
    """Exports of one database's bills to ``.xlsx`` workbooks."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def export(
        self,
        f: BillFilter,
        out: Path,
        *,
        columns: Sequence[str] = DEFAULT_KEYS,
        force: bool = False,
        investigation: bool = True,
        filter_sentence: str | None = None,
        progress: ProgressFn | Phases | None = None,
        cancel: CancelToken | None = None,
        language: str | None = None,
    ) -> ExportResult:
        """Export the bills ``f`` selects (with the Summary and Anomalies sheets) to ``out``.

        Args:
            f: Which bills, in which order.
            out: The target (``.xlsx``; see ``export_xlsx``).
            columns: Column keys in sheet order.
            force: Replace an existing ``out``.
            investigation: Add the investigation's "Summary" and "Anomalies" sheets.
            filter_sentence: The filter as the caller words it (default: ``describe_filter``).
            progress: ``progress(position, PhasedProgress.SCALE)`` on one bar that never goes
                back, or a ``Phases`` given each phase's own counts (``EXPORT_STATES`` in rows
                read, then ``EXPORT_BILLS`` in rows written).
            cancel: Stops the export (raises ``Cancelled``); nothing is left behind.
            language: The workbook's language (``en``, ``zh_CN``): sheet names, headers,
                explanations and the Report, whatever the caller's own language (an auditor
                may read the other one); None: the current language. Only this thread (the
                export's) speaks it, so the window stays in its own.

        Raises:
            ExportError, DatabaseError, SigningKeyError, Cancelled: as ``export_xlsx``.
        """
        if language is None:
            return self._export(
                f, out, columns, force, investigation, filter_sentence, progress, cancel
            )
        with use_language(language):
            return self._export(
                f, out, columns, force, investigation, filter_sentence, progress, cancel
            )

    def _export(
        self,
        f: BillFilter,
        out: Path,
        columns: Sequence[str],
        force: bool,
        investigation: bool,
        filter_sentence: str | None,
        progress: ProgressFn | Phases | None,
        cancel: CancelToken | None,
    ) -> ExportResult:
        """The body of :meth:`export`, in the language in effect."""
        phases: Phases | None
        if progress is None or hasattr(progress, "phase"):
            phases = progress  # type: ignore[assignment]
        else:
            phases = PhasedProgress(progress, EXPORT_PHASES)  # type: ignore[arg-type]

        def phase(words: str, after: str = "") -> Callable[[int, int], None] | None:
            return phases.phase(words, after=after) if phases is not None else None

        extra: list[SheetSpec] = []
        if investigation:
            extra = investigation_sheet_specs(
                self.db, f, cancel=cancel, progress=phase(EXPORT_STATES)
            )
        return export_xlsx(
            self.db,
            f,
            out,
            columns=columns,
            force=force,
            progress=phase(EXPORT_BILLS, after=SAVING),
            cancel=cancel,
            filter_sentence=filter_sentence,
            extra_sheets=extra,
        )

"""The bill's column layout and the result records of an import.

The 21 columns are those of the platform's agent operation details file, in file order
(see docs in README: "Columns").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from viewer.core.i18n import QT_TRANSLATE_NOOP
from viewer.core.timefmt import time_label

COLUMNS: tuple[str, ...] = (
    "id",
    "developer_id",
    "account_id",
    "agent_id",
    "service_no",
    "skill_id",
    "call_id",
    "begin_time",
    "end_time",
    "op_type",
    "op_object",
    "op_cause",
    "media_type",
    "vdn_id",
    "cc_id",
    "agent_type",
    "phone_no",
    "callIn_out",
    "location_id",
    "logon_sn",
    "skillInfo_sn",
)
"""Export column names in file order; a header row uses these names (any case)."""

MIN_COLUMNS = 17
"""Older exports end after ``phone_no``."""

COLUMN_TITLES: dict[str, str] = {
    "id": QT_TRANSLATE_NOOP("Column", "Bill ID"),
    "developer_id": QT_TRANSLATE_NOOP("Column", "Developer ID"),
    "account_id": QT_TRANSLATE_NOOP("Column", "Account"),
    "agent_id": QT_TRANSLATE_NOOP("Column", "Agent"),
    "service_no": QT_TRANSLATE_NOOP("Column", "Service no."),
    "skill_id": QT_TRANSLATE_NOOP("Column", "Skill"),
    "call_id": QT_TRANSLATE_NOOP("Column", "Call ID"),
    "begin_time": QT_TRANSLATE_NOOP("Column", "Begin"),
    "end_time": QT_TRANSLATE_NOOP("Column", "End"),
    "op_type": QT_TRANSLATE_NOOP("Column", "Operation"),
    "op_object": QT_TRANSLATE_NOOP("Column", "Object"),
    "op_cause": QT_TRANSLATE_NOOP("Column", "Reason"),
    "media_type": QT_TRANSLATE_NOOP("Column", "Media type"),
    "vdn_id": QT_TRANSLATE_NOOP("Column", "VDN"),
    "cc_id": QT_TRANSLATE_NOOP("Column", "Call center"),
    "agent_type": QT_TRANSLATE_NOOP("Column", "Agent type"),
    "phone_no": QT_TRANSLATE_NOOP("Column", "Phone/IP"),
    "callIn_out": QT_TRANSLATE_NOOP("Column", "In/out"),
    "location_id": QT_TRANSLATE_NOOP("Column", "Location"),
    "logon_sn": QT_TRANSLATE_NOOP("Column", "Logon session"),
    "skillInfo_sn": QT_TRANSLATE_NOOP("Column", "Skill list"),
}
"""Human column titles shared by the table, the details pane and the spreadsheet (English
sources: ``translate("Column", title)`` or ``viewer.core.columns`` give them translated)."""

TIME_LABEL = time_label()
"""The export carries no time zone; every view and export states this unless a user names one
(``viewer.data.zone``)."""


class ImportStatus:
    """Outcome of one source file (string constants, as they appear in JSON output)."""

    IMPORTED = "imported"
    ALREADY_IMPORTED = "already_imported"
    NOT_A_BILL_EXPORT = "not_a_bill_export"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RowIssue:
    """A line that could not become a bill, with its reason and raw text."""

    line: int
    reason: str
    raw: str = ""


@dataclass
class FileReport:
    """Counts and outcome for one source file (a CSV, or a CSV inside a zip)."""

    path: str
    sha256: str = ""
    status: str = ImportStatus.IMPORTED
    rows_read: int = 0
    imported: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    message: str = ""
    rejects: list[RowIssue] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """The JSON form of the command line's ``--json`` output (without rejects)."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "status": self.status,
            "rows_read": self.rows_read,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "conflicts": self.conflicts,
            "rejected": self.rejected,
            "message": self.message,
        }


@dataclass
class ImportReport:
    """The result of importing one or more paths."""

    files: list[FileReport] = field(default_factory=list)

    def total(self, name: str) -> int:
        """Sum of one counter over all files."""
        return sum(int(getattr(f, name)) for f in self.files)

    @property
    def ok(self) -> bool:
        """True when every file was imported or had been already."""
        return all(
            f.status in (ImportStatus.IMPORTED, ImportStatus.ALREADY_IMPORTED) for f in self.files
        )

    def as_dict(self, max_rejects: int = 1000) -> dict[str, object]:
        """The JSON object of ``bill-viewer import --json``."""
        rejects: list[dict[str, object]] = []
        for f in self.files:
            for issue in f.rejects:
                if len(rejects) >= max_rejects:
                    break
                rejects.append({"path": f.path, "line": issue.line, "reason": issue.reason})
        out: dict[str, object] = {"files": [f.as_dict() for f in self.files]}
        for name in ("rows_read", "imported", "duplicates", "conflicts", "rejected"):
            out[name] = self.total(name)
        out["rejects"] = rejects
        return out

"""Site labels: the names a site gives its own codes, for the window's dialog and ``labels``.

One place for the rules both callers follow: which codes can be named (``problem``), that an
empty text removes a label (``store``), and which codes the dialog lists (``site_codes``: those
present in the data and those already named, with their bill counts).
"""

from __future__ import annotations

from dataclasses import dataclass

from viewer.core import codes
from viewer.core.errors import KnownError
from viewer.data import browse
from viewer.data.db import Database, user_errors
from viewer.data.labels import label_problem, load_labels, set_label, unset_label

__all__ = ["KnownError", "LabelsService", "SiteCodeRow"]


@dataclass(frozen=True)
class SiteCodeRow:
    """One site-definable code as the labels dialog lists it."""

    op_type: int
    code: int
    meaning: str
    """The documented (generic) meaning, without the site's label."""
    bills: int
    label: str
    """The site's label, or "" when it has none."""


class LabelsService:
    """Read and change the site labels of one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def labels(self) -> dict[tuple[int, int], str]:
        """All labels as ``{(op_type, code): text}``."""
        return load_labels(self.db)

    @staticmethod
    def problem(op_type: int, code: int, text: str) -> str | None:
        """Why ``text`` cannot label this code (no text, a vendor code), or None if it can.

        For callers that check a user's values before opening anything (the command line).
        """
        return label_problem(op_type, code, text)

    def set(self, op_type: int, code: int, text: str) -> None:
        """Name a site-definable code; raises ``KnownError`` for a vendor code or no text."""
        set_label(self.db, op_type, code, text)

    def unset(self, op_type: int, code: int) -> bool:
        """Remove a label; returns whether one existed."""
        return unset_label(self.db, op_type, code)

    def store(self, op_type: int, code: int, text: str) -> None:
        """Set the label to ``text``, or remove it when ``text`` is blank (an emptied cell)."""
        if text.strip():
            self.set(op_type, code, text)
        else:
            self.unset(op_type, code)

    def site_codes(self) -> list[SiteCodeRow]:
        """Site-definable codes present in the bills or labelled, by type and code.

        Reads a count of bills per reason, which grows with the database: call it off the
        GUI thread.
        """
        types = sorted({s.op_type for s in codes.SITE_DEFINABLE})
        with user_errors(self.db.path):
            labels = load_labels(self.db)
            present = browse.reason_counts(self.db, types)
        bills: dict[tuple[int, int], int] = {}
        for t, c, n in present:
            code = codes.parse_code(c)
            if code is not None and codes.is_site_definable(int(t), code):
                bills[(int(t), code)] = bills.get((int(t), code), 0) + n
        for key in labels:
            bills.setdefault(key, 0)
        return [
            SiteCodeRow(t, c, codes.explain_reason(t, c).text, n, labels.get((t, c), ""))
            for (t, c), n in sorted(bills.items())
        ]

    def by_range(self) -> list[tuple[codes.SiteCode, list[tuple[int, int, str]]]]:
        """Each site-definable range with the labels it holds, sorted (``labels list``)."""
        labels = sorted(self.labels().items())
        return [
            (
                site,
                [
                    (t, c, text)
                    for (t, c), text in labels
                    if t == site.op_type and site.low <= c <= site.high
                ],
            )
            for site in codes.SITE_DEFINABLE
        ]

"""A filter as the plain sentence users read: codes named, so nobody needs the code tables.

``BillFilter.describe`` knows the sentence's shape; this module supplies the names
(operation types and reasons decoded by ``viewer.core.codes``, site labels included), so the
window's status bar and the export's report sheet say exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping

from viewer.core import codes
from viewer.core.filters import BillFilter
from viewer.core.i18n import translate
from viewer.core.records import TIME_LABEL

Labels = Mapping[tuple[int, int], str]


def op_type_name(op_type: int) -> str:
    """``"3 (Busy)"``; an undefined type keeps its number and says it is unknown."""
    return translate("Filter", "{code} ({text})").format(
        code=op_type, text=codes.explain_op_type(op_type).text
    )


def reason_name(op_type: int, cause: int | None, labels: Labels | None = None) -> str:
    """``"3:201 (Lunch)"`` with the site's label where one is defined, else the documented text.

    A cause of None is the "not used" marker (``3:not used``).
    """
    if cause is None:
        return f"{op_type}:{codes.not_used_text()}"
    explanation = codes.explain_reason(op_type, cause, labels)
    return translate("Filter", "{code} ({text})").format(
        code=f"{op_type}:{cause}", text=explanation.text
    )


def describe_filter(
    f: BillFilter, labels: Labels | None = None, time_label: str = TIME_LABEL
) -> str:
    """The filter as one plain sentence with operation types and reasons named.

    Args:
        f: The filter.
        labels: Site labels by ``(op_type, code)`` (used for site-definable reasons only).
        time_label: How times are qualified (``viewer.core.timefmt.time_label``).

    Returns:
        E.g. ``"Bills with agent 1001; reason 3:201 (Lunch), sorted by begin ascending."``.
    """
    return f.describe(
        op_label=op_type_name,
        reason_label=lambda t, c: reason_name(t, c, labels),
        time_label=time_label,
    )

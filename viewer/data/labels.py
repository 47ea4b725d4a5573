"""Site labels: names a site gives to its own codes (busy 200-250, rest and work reasons, ...).

They live in the database, so that every window, command and export on it uses the same names.
Statements are built by the ``*_statement`` functions (SQLAlchemy Core, any dialect) and run by
the thin functions beside them.
"""

from __future__ import annotations

from sqlalchemy import Delete, Select, delete, select
from sqlalchemy.sql.dml import Insert

from viewer.core.codes import is_site_definable
from viewer.core.errors import KnownError
from viewer.core.i18n import translate
from viewer.data.db import Database, user_errors
from viewer.data.schema import site_label
from viewer.data.upsert import upsert_statement


def labels_statement() -> Select:
    """Every label: ``(op_type, code, text)``."""
    return select(site_label.c.op_type, site_label.c.code, site_label.c.text)


def set_label_statement(dialect: str, op_type: int, code: int, text: str) -> Insert:
    """Store ``text`` as the label of ``(op_type, code)``, replacing one there."""
    values = {"op_type": op_type, "code": code, "text": text}
    return upsert_statement(dialect, site_label, values, ("op_type", "code"))


def unset_label_statement(op_type: int, code: int) -> Delete:
    """Remove the label of ``(op_type, code)``."""
    return delete(site_label).where(site_label.c.op_type == op_type, site_label.c.code == code)


def load_labels(db: Database) -> dict[tuple[int, int], str]:
    """All site labels as ``{(op_type, code): text}``."""
    with user_errors(db.path), db.engine.connect() as conn:
        rows = conn.execute(labels_statement()).all()
    return {(int(t), int(c)): str(x) for t, c, x in rows}


def label_problem(op_type: int, code: int, text: str) -> str | None:
    """Why a label cannot be set (no text, a code the vendor defines), or None if it can.

    Callers that take the values from a user (the command line) check first, so that a wrong
    code is reported as a usage error rather than a failure.
    """
    if not text.strip():
        return translate("Labels", "a label needs some text; use 'labels unset' to remove one")
    if not is_site_definable(op_type, code):
        return translate(
            "Labels",
            "operation type {op_type} reason {code} is defined by the vendor, not by the site; "
            "only site-defined codes can be labelled (see 'bill-viewer labels list')",
        ).format(op_type=op_type, code=code)
    return None


def set_label(db: Database, op_type: int, code: int, text: str) -> None:
    """Name a site-definable code; raises ``KnownError`` for codes the vendor defines."""
    problem = label_problem(op_type, code, text)
    if problem is not None:
        raise KnownError(problem)
    text = text.strip()
    with user_errors(db.path), db.engine.begin() as conn:
        conn.execute(set_label_statement(conn.dialect.name, op_type, code, text))


def unset_label(db: Database, op_type: int, code: int) -> bool:
    """Remove a label; returns whether one existed."""
    with user_errors(db.path), db.engine.begin() as conn:
        result = conn.execute(unset_label_statement(op_type, code))
    return bool(result.rowcount)

"""Schema 5: the text index of the free-text filter (``bill_text``), on SQLite.

A contentless FTS5 table with the trigram tokenizer (SQLite 3.34 or later) over the searched
columns, created empty: ``viewer.data.text_index.build`` fills it after an import, in chunks,
and a search scans until it covers the bills. A PostgreSQL team database has none (its text
search scans).
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SEARCHED = (
    "bill_id",
    "agent_id",
    "call_id",
    "phone_no",
    "op_object",
    "skill_id",
    "logon_sn",
    "account_id",
    "developer_id",
)
"""The columns of the free-text filter at schema 5 (frozen here)."""


def upgrade() -> None:
    """Create the empty FTS5 table on SQLite."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS bill_text USING fts5({', '.join(SEARCHED)}, "
        "content='', tokenize='trigram', detail='none', columnsize=0)"
    )


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

"""Schema 5: the text index of the free-text filter.

SQLite: ``bill_text``, a contentless FTS5 table with the trigram tokenizer (SQLite 3.34 or
later) over the searched columns, created empty: ``viewer.data.text_index.build`` fills it
after an import, in chunks, and a search scans until it covers the bills.

PostgreSQL: ``ix_bill_text_trgm``, a ``pg_trgm`` GIN index on the searched columns joined into
one text (every partition gets it; the server keeps it current). ``CREATE EXTENSION pg_trgm``
needs a role that may create it in the database (it is a trusted extension: the database's
owner may); where it cannot, the migration goes on without the index and text search scans.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

log = logging.getLogger(__name__)

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


PG_TEXT = " || E'\\x1f' || ".join(f"coalesce({c}, '')" for c in SEARCHED)
"""The searched columns as one text on PostgreSQL (``viewer.data.text_index.PG_TEXT``)."""


def upgrade() -> None:
    """Create the empty FTS5 table on SQLite, the trigram index on PostgreSQL."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _pg_index(bind)
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS bill_text USING fts5({', '.join(SEARCHED)}, "
                "content='', tokenize='trigram', detail='none', columnsize=0)"
            )
    except sa.exc.DBAPIError as exc:  # a SQLite without FTS5 or older than 3.34: no trigrams
        log.warning("no FTS5 trigram table (%s): text search will scan", exc.orig)


def _pg_index(bind: sa.Connection) -> None:
    """``pg_trgm`` and the index, or neither (then text search scans) if the role may not."""
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        log.warning("no pg_trgm (%s): text search will scan", str(exc.orig).splitlines()[0])
        return
    bind.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS ix_bill_text_trgm ON bill USING gin (({PG_TEXT}) gin_trgm_ops)"
    )


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

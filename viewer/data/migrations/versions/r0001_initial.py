"""Schema 1: bills with their provenance, the source-file ledger, rejects, conflicts, labels.

On SQLite the tables are what version 1 of the application created. On PostgreSQL (a team
database, where hundreds of millions of bills are expected):

- every integer column is BIGINT (begin times up to year 9999 do not fit int4);
- ``bill`` is partitioned by RANGE on ``begin_time``, one partition per calendar month (made
  on demand by ``viewer.data.backend.postgres.ensure_partitions``), so that a time filter reads
  only its months and each month's indexes stay the size of one month; its primary key is
  ``(pk, begin_time)`` (a partitioned table's keys must hold the partition column), ``pk``
  an identity column;
- a unique index cannot span partitions, so the uniqueness of ``bill_id`` lives in a table of
  its own, ``bill_key(bill_id PRIMARY KEY, begin_time)``, that the import fills in the same
  transaction as the bills (``INSERT ... ON CONFLICT DO NOTHING`` there decides which bills are
  new; ``begin_time`` finds the stored copy's partition). ``ix_bill_bill_id`` on the bills is
  then an ordinary (per-partition) index for looking up a stored copy;
- creating a partition needs the ownership of ``bill``, which an importer role (a team lead's
  login) does not have: ``bill_add_month(part, low, high)`` is a ``SECURITY DEFINER`` function
  of the tables' owner that creates one month's partition and nothing else; ``EXECUTE`` on it
  is revoked from PUBLIC and granted to the importer role (README, "Team database").
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BILL_TEXT_BEFORE = (
    "bill_id",
    "developer_id",
    "account_id",
    "agent_id",
    "service_no",
    "skill_id",
    "call_id",
)
"""The bill's columns of version 1, in file order (types below)."""


def _tables(pg: bool) -> sa.MetaData:
    """The tables of schema 1 (frozen here: later revisions change them, not this one)."""
    meta = sa.MetaData()
    integer: sa.types.TypeEngine[int] = sa.BigInteger() if pg else sa.Integer()
    sa.Table(
        "meta",
        meta,
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    sa.Table(
        "source_file",
        meta,
        sa.Column("id", integer, primary_key=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("size", integer, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False, index=True),
        sa.Column("imported_at", sa.Text, nullable=False),
        *(
            sa.Column(name, integer, nullable=False, server_default="0")
            for name in ("rows_read", "imported", "duplicates", "conflicts", "rejected")
        ),
        sa.Column("message", sa.Text, nullable=False, server_default=""),
    )
    bill_columns = [
        sa.Column("pk", integer, *([sa.Identity()] if pg else []), primary_key=True),
        *(sa.Column(name, sa.Text, nullable=name != "bill_id") for name in BILL_TEXT_BEFORE),
        sa.Column("begin_time", integer, nullable=False, primary_key=pg),
        sa.Column("end_time", integer),
        sa.Column("op_type", integer),
        sa.Column("op_object", sa.Text),
        sa.Column("op_cause", integer),
        sa.Column("media_type", integer),
        sa.Column("vdn_id", sa.Text),
        sa.Column("cc_id", sa.Text),
        sa.Column("agent_type", integer),
        sa.Column("phone_no", sa.Text),
        sa.Column("call_in_out", integer),
        sa.Column("location_id", sa.Text),
        sa.Column("logon_sn", sa.Text),
        sa.Column("skill_info_sn", sa.Text),
        sa.Column("source_id", integer, nullable=False),
        sa.Column("line", integer, nullable=False),
        sa.Column("extra", sa.Text),
    ]
    sa.Table(
        "bill",
        meta,
        *bill_columns,
        sa.Index("ix_bill_bill_id", "bill_id", unique=not pg),
        sa.Index("ix_bill_begin", "begin_time"),
        sa.Index("ix_bill_agent_begin", "agent_id", "begin_time"),
        sa.Index("ix_bill_type_cause_begin", "op_type", "op_cause", "begin_time"),
        **({"postgresql_partition_by": "RANGE (begin_time)"} if pg else {}),
    )
    sa.Table(
        "reject",
        meta,
        sa.Column("id", integer, primary_key=True),
        sa.Column("source_id", integer, nullable=False, index=True),
        sa.Column("line", integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
    )
    sa.Table(
        "conflict",
        meta,
        sa.Column("id", integer, primary_key=True),
        sa.Column("bill_id", sa.Text, nullable=False, index=True),
        sa.Column("source_id", integer, nullable=False),
        sa.Column("line", integer, nullable=False),
        sa.Column("fields", sa.Text, nullable=False),
        sa.Column("differs", sa.Text, nullable=False),
    )
    sa.Table(
        "site_label",
        meta,
        sa.Column("op_type", integer, primary_key=True),
        sa.Column("code", integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    if pg:
        sa.Table(
            "bill_key",
            meta,
            sa.Column("bill_id", sa.Text, primary_key=True),
            sa.Column("begin_time", integer, nullable=False),
        )
    return meta


def upgrade() -> None:
    """Create the tables of schema 1 (none exist yet: a fresh database)."""
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    _tables(pg).create_all(bind)
    if pg:
        op.execute(ADD_MONTH)
        op.execute("REVOKE ALL ON FUNCTION bill_add_month(text, bigint, bigint) FROM PUBLIC")


ADD_MONTH = """
CREATE FUNCTION bill_add_month(part text, low bigint, high bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
BEGIN
    IF part !~ '^bill_y[0-9]{4}m[0-9]{2}$' THEN
        RAISE EXCEPTION 'not a month partition name: %', part;
    END IF;
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I PARTITION OF bill FOR VALUES FROM (%s) TO (%s)',
        part, low, CASE WHEN high IS NULL THEN 'MAXVALUE' ELSE high::text END
    );
END
$fn$
"""


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

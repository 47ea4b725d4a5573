"""The database schema: bills with their provenance, the source-file ledger, rejects, conflicts.

Bills keep their exported values (codes are not translated on import; decoding happens on read):
a code is stored as an integer only when its text is exactly that integer (``plain_code``),
otherwise its text is kept in ``raw_codes``.
Times are stored as whole seconds of the exported wall-clock time (``viewer.core.timefmt``), which
converts back to exactly the exported text and keeps the time indexes small.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, Table, Text, UniqueConstraint

from viewer.core.columns import DB_FIELDS

SCHEMA_VERSION = 7
"""Bump with a migration in ``viewer.data.migrations`` (revision ``f"{SCHEMA_VERSION:04d}"``)."""

Int = BigInteger().with_variant(Integer, "sqlite")
"""An integer column: BIGINT on PostgreSQL (seconds up to year 9999 do not fit int4), INTEGER
on SQLite (where an ``INTEGER PRIMARY KEY`` is the rowid; every SQLite integer has 64 bits)."""

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

source_file = Table(
    "source_file",
    metadata,
    Column("id", Int, primary_key=True),
    Column("path", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("size", Int, nullable=False),
    Column("sha256", Text, nullable=False, index=True),
    Column("imported_at", Text, nullable=False),
    Column("rows_read", Int, nullable=False, server_default="0"),
    Column("imported", Int, nullable=False, server_default="0"),
    Column("duplicates", Int, nullable=False, server_default="0"),
    Column("conflicts", Int, nullable=False, server_default="0"),
    Column("rejected", Int, nullable=False, server_default="0"),
    Column("message", Text, nullable=False, server_default=""),
)

# Column names follow the export (section "Columns" of the README) except ``id``, which is
# ``bill_id`` here so that it cannot be confused with the row key ``pk``.
bill = Table(
    "bill",
    metadata,
    Column("pk", Int, primary_key=True),
    Column("bill_id", Text, nullable=False),
    Column("developer_id", Text),
    Column("account_id", Text),
    Column("agent_id", Text),
    Column("service_no", Text),
    Column("skill_id", Text),
    Column("call_id", Text),
    Column("begin_time", Int, nullable=False),
    Column("end_time", Int),
    Column("op_type", Int),
    Column("op_object", Text),
    Column("op_cause", Int),
    Column("media_type", Int),
    Column("vdn_id", Text),
    Column("cc_id", Text),
    Column("agent_type", Int),
    Column("phone_no", Text),
    Column("call_in_out", Int),
    Column("location_id", Text),
    Column("logon_sn", Text),
    Column("skill_info_sn", Text),
    Column("source_id", Int, nullable=False),
    Column("line", Int, nullable=False),
    Column("extra", Text),
    # JSON {field: text} of the code fields whose exported text is not a plain integer (they
    # hold NULL): "05", " 5 ", "1e3", 20 digits. NULL on all other bills. Added in version 3.
    Column("raw_codes", Text),
    Index("ix_bill_bill_id", "bill_id", unique=True),
    Index("ix_bill_begin", "begin_time"),
    Index("ix_bill_agent_begin", "agent_id", "begin_time"),
    Index("ix_bill_type_cause_begin", "op_type", "op_cause", "begin_time"),
)

DURATION = bill.c.end_time - bill.c.begin_time
"""A bill's duration in seconds (NULL while it has no end): what the Duration column sorts by."""

Index("ix_bill_duration", DURATION)
# The sort by duration pages by this index (schema 6). Ties are broken by the row key: SQLite's
# index holds it (the rowid), so its order is the index's own; PostgreSQL sorts each run of
# equal durations by it (an incremental sort). A second column ``pk`` would cost SQLite 40% more
# index (10 MB a million bills without it) for nothing.

BILL_INDEXES: tuple[Index, ...] = tuple(sorted(bill.indexes, key=lambda i: str(i.name)))
"""Indexes of the bill table (dropped and rebuilt around a bulk import)."""

BILL_FIELDS: tuple[str, ...] = tuple(
    c.name for c in bill.columns if c.name not in ("pk", "source_id", "line", "extra", "raw_codes")
)
"""The 21 stored export fields in file order (database column names)."""

DB_NAME: dict[str, str] = {
    "id": "bill_id",
    "callIn_out": "call_in_out",
    "skillInfo_sn": "skill_info_sn",
}
"""Export column name -> database column name, where they differ."""

reject = Table(
    "reject",
    metadata,
    Column("id", Int, primary_key=True),
    Column("source_id", Int, nullable=False, index=True),
    Column("line", Int, nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
)

conflict = Table(
    "conflict",
    metadata,
    Column("id", Int, primary_key=True),
    Column("bill_id", Text, nullable=False, index=True),
    Column("source_id", Int, nullable=False),
    Column("line", Int, nullable=False),
    Column("fields", Text, nullable=False),  # JSON list of the 21 values of the rejected copy
    Column("differs", Text, nullable=False),  # comma-separated names of the differing columns
)

site_label = Table(
    "site_label",
    metadata,
    Column("op_type", Int, primary_key=True),
    Column("code", Int, primary_key=True),
    Column("text", Text, nullable=False),
)

saved_filter = Table(
    "saved_filter",
    metadata,
    Column("name", Text, primary_key=True),
    Column("filter_json", Text, nullable=False),
    # Who saved it: ``current_user`` on PostgreSQL, the OS user on SQLite. Added in version 4.
    Column("saved_by", Text),
    UniqueConstraint("name"),
)

assert BILL_FIELDS == DB_FIELDS, "schema and viewer.core.columns disagree on the bill fields"


pg_metadata = MetaData()
"""Tables only a PostgreSQL team database has (not part of a SQLite file's schema)."""

pg_bill_key = Table(
    "bill_key",
    pg_metadata,
    Column("bill_id", Text, primary_key=True),
    Column("begin_time", BigInteger, nullable=False),
)
"""The unique bill ids of a team database (a unique index cannot span ``bill``'s partitions):
the import inserts here first (``ON CONFLICT DO NOTHING``) in the same transaction as the bills.
Created by migration 0001."""

"""Schema 7: an importer role that does not own ``bill`` may load a new month in bulk.

PostgreSQL only (SQLite files have no months: nothing changes there). The import loads a file
whose months the team database has no partition for into plain tables without indexes, then
attaches them to ``bill`` (``viewer.data.backend.postgres_bulk``): each month's indexes are then
built in one sorted pass instead of row by row. Making and attaching a partition needs the
ownership of ``bill``, which an importer role (a team lead's login) does not have, so, as
``bill_add_month`` does for an ordinary month, two ``SECURITY DEFINER`` functions of the tables'
owner do it, each for a month name and nothing else:

- ``bill_new_month(part)`` creates the plain table of month ``part`` (``bill_y2026m11``), shaped
  like ``bill`` and owned by ``bill``'s owner, with a ``CHECK`` of the month's bounds (so that
  the attach need not scan it), and lets the calling login insert into it;
- ``bill_take_pks(n)`` draws ``n`` consecutive row keys at once (setting the sequence needs
  more than ``USAGE``), for a session holding the import's merge lock;
- ``bill_attach_month(part)`` attaches such a table as the month's partition (building its
  indexes), drops the ``CHECK`` and the login's rights on it: the month is then as
  ``bill_add_month`` makes one. It refuses any table ``bill_new_month`` did not make.

The bounds come from the name, in the stored time scale (seconds since 1970-01-01 of the
month's first day, as ``viewer.data.backend.postgres.month_start``). Neither function gives an
importer more than it has: it may insert bills into ``bill`` already. ``EXECUTE`` is revoked
from PUBLIC; the README's importer role is granted it beside ``bill_add_month``. A role without
it imports as before, month partitions made by ``bill_add_month`` and filled row by row.
"""

from __future__ import annotations

from alembic import op

MERGE_LOCK = (0x62696C6C, 1)
"""The merge lock's key (frozen here: ``viewer.data.backend.postgres_bulk.MERGE_LOCK``)."""

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MONTH_BOUNDS = """
CREATE OR REPLACE FUNCTION bill_month_bounds(part text, OUT low bigint, OUT high bigint)
LANGUAGE plpgsql IMMUTABLE SET search_path = public, pg_temp AS $fn$
DECLARE
    first date;
BEGIN
    IF part !~ '^bill_y[0-9]{4}m(0[1-9]|1[0-2])$' THEN
        RAISE EXCEPTION 'not a month partition name: %', part;
    END IF;
    first := make_date(substr(part, 7, 4)::int, substr(part, 12, 2)::int, 1);
    low := (first - date '1970-01-01')::bigint * 86400;
    IF first >= date '9999-12-01' THEN
        high := NULL;
    ELSE
        high := ((first + interval '1 month')::date - date '1970-01-01')::bigint * 86400;
    END IF;
END
$fn$
"""

NEW_MONTH = """
CREATE OR REPLACE FUNCTION bill_new_month(part text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    b record;
BEGIN
    SELECT * INTO b FROM bill_month_bounds(part);
    EXECUTE format(
        'CREATE TABLE %I (LIKE bill, CONSTRAINT %I CHECK (begin_time >= %s%s))',
        part, part || '_bounds', b.low,
        CASE WHEN b.high IS NULL THEN '' ELSE ' AND begin_time < ' || b.high END
    );
    IF session_user <> current_user THEN
        EXECUTE format('GRANT SELECT, INSERT ON %I TO %I', part, session_user);
    END IF;
END
$fn$
"""

ATTACH_MONTH = """
CREATE OR REPLACE FUNCTION bill_attach_month(part text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    b record;
    rel regclass;
BEGIN
    SELECT * INTO b FROM bill_month_bounds(part);
    rel := to_regclass(quote_ident(part));
    IF rel IS NULL OR NOT EXISTS (
        SELECT FROM pg_class c JOIN pg_constraint k ON k.conrelid = c.oid
        WHERE c.oid = rel AND NOT c.relispartition AND c.relkind = 'r'
          AND c.relowner = current_user::regrole AND k.conname = part || '_bounds'
    ) THEN
        RAISE EXCEPTION 'not a month table made by bill_new_month: %', part;
    END IF;
    EXECUTE format(
        'ALTER TABLE bill ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
        part, b.low, CASE WHEN b.high IS NULL THEN 'MAXVALUE' ELSE b.high::text END
    );
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_bounds');
    IF session_user <> current_user THEN
        EXECUTE format('REVOKE ALL ON %I FROM %I', part, session_user);
    END IF;
END
$fn$
"""

TAKE_PKS = """
CREATE OR REPLACE FUNCTION bill_take_pks(n bigint) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    seq text := pg_get_serial_sequence('bill', 'pk');
BEGIN
    IF n < 1 OR NOT EXISTS (
        SELECT FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
          AND classid = {classid} AND objid = {objid} AND granted
    ) THEN
        RAISE EXCEPTION 'bill_take_pks: % numbers asked without the merge lock', n;
    END IF;
    RETURN setval(seq, nextval(seq) - 1 + n) - n + 1;
END
$fn$
"""
"""``bill_take_pks(n)``: the first of ``n`` consecutive bill row keys, for a session holding
the merge lock (``postgres_bulk.MERGE_LOCK``: no other session draws keys meanwhile). Setting the
sequence needs more than the importer's ``USAGE`` on it."""

FUNCTIONS = (
    "bill_month_bounds(text)",
    "bill_new_month(text)",
    "bill_attach_month(text)",
    "bill_take_pks(bigint)",
)


def upgrade() -> None:
    """Create the month functions on PostgreSQL (nothing to do on SQLite)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    classid, objid = MERGE_LOCK
    for sql in (
        MONTH_BOUNDS,
        NEW_MONTH,
        ATTACH_MONTH,
        TAKE_PKS.format(classid=classid, objid=objid),
    ):
        op.execute(sql)
    for function in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC")


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

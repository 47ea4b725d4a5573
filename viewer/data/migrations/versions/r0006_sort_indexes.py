"""Schema 6: an index on the bill's duration (``end_time - begin_time``).

The table's sort by duration (longest conversations first) pages by this index instead of
sorting every matching bill. PostgreSQL builds it on each month's partition.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import CreateIndex

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``ix_bill_duration`` unless it is there (on a partitioned ``bill``: every month)."""
    bill = sa.Table(
        "bill",
        sa.MetaData(),
        sa.Column("begin_time", sa.Integer),
        sa.Column("end_time", sa.Integer),
    )
    index = sa.Index("ix_bill_duration", bill.c.end_time - bill.c.begin_time)
    op.execute(CreateIndex(index, if_not_exists=True))


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

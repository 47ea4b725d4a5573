"""Schema 4: who saved a saved filter (``saved_filter.saved_by``).

``current_user`` on PostgreSQL (a team database: the login), the OS user on SQLite; NULL for
the filters saved before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``saved_filter.saved_by`` unless it is there."""
    have = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("saved_filter")}
    if "saved_by" not in have:
        pg = op.get_bind().dialect.name == "postgresql"
        default = sa.text("current_user") if pg else None
        op.add_column("saved_filter", sa.Column("saved_by", sa.Text, server_default=default))


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

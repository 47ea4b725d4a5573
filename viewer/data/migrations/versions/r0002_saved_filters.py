"""Schema 2: saved filters (a name and the filter as JSON)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``saved_filter`` unless it is there (some version-1 files already have it)."""
    if sa.inspect(op.get_bind()).has_table("saved_filter"):
        return
    op.create_table(
        "saved_filter",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("filter_json", sa.Text, nullable=False),
        sa.UniqueConstraint("name"),
    )


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

"""Schema 3: code texts that are not plain integers are kept verbatim (``bill.raw_codes``).

Bills imported before keep what SQLite's type affinity made of such texts ("05" became 5,
"1e3" 1000, 20 digits a rounded real): the file's text is gone and cannot be recovered;
importing the file again (``--force``) into a new database keeps it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``bill.raw_codes`` unless it is there."""
    have = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("bill")}
    if "raw_codes" not in have:
        op.add_column("bill", sa.Column("raw_codes", sa.Text))


def downgrade() -> None:
    """Not supported: a bill database is never taken back to an older schema."""
    raise NotImplementedError("a bill database cannot be downgraded")

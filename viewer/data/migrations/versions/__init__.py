"""The revisions of the bill database schema, one file each (loaded by Alembic, not imported)."""

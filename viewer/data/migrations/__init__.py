"""Schema migrations: one Alembic history for SQLite files and PostgreSQL team databases.

Run from code (``upgrade``), with no ``alembic.ini`` or ``env.py`` on disk: the revisions are
the files of ``versions/`` (``r0001_initial.py`` ...), revision ``"0004"`` being schema version
4. ``meta.schema_version`` keeps the number in step, as before Alembic: it is what an older
application reads to refuse a newer schema, and what ``viewer.data.db`` reads at startup, so
that a database already at the head never imports Alembic (a quarter of a second).

Databases made before Alembic (SQLite files at schema 1 to 3) have no ``alembic_version``
table: they are stamped at the revision of their ``meta.schema_version``, then upgraded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

HERE = Path(__file__).resolve().parent


def revision_of(version: int) -> str:
    """The Alembic revision id of a schema version (4 -> ``"0004"``)."""
    return f"{version:04d}"


@cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(HERE))


def head() -> str:
    """The newest revision this application knows (imports Alembic)."""
    found = _script().get_current_head()
    assert found is not None, "the migration history has no head"
    return found


def upgrade(conn: Connection, from_version: int | None) -> None:
    """Bring the schema on ``conn`` (inside its transaction) to the head revision.

    ``from_version``: the database's ``meta.schema_version`` (None: an empty database, built
    from the first revision on). A database without Alembic's table is stamped at that version
    first.
    """
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    script = _script()
    context = MigrationContext.configure(conn)
    if context.get_current_revision() is None and from_version is not None:
        context.stamp(script, revision_of(from_version))

    def steps(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs("head", rev)

    context = MigrationContext.configure(conn, opts={"script": script, "fn": steps})
    with Operations.context(context):
        context.run_migrations()

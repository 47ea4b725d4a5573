"""A SQLite session never loads SQLAlchemy's PostgreSQL dialect (issue 10 review).

The upsert is each dialect's own construct; importing the PostgreSQL one at module level loaded
``sqlalchemy.dialects.postgresql`` and its drivers' modules for every start of the command and
the window (``bill-viewer --version`` included). The meta table's upsert is the same builder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.dialects import postgresql, sqlite

from viewer.data.db import meta_upsert_statement
from viewer.data.schema import meta
from viewer.data.upsert import upsert_statement

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
from pathlib import Path
import viewer.cli
from viewer.data.db import open_database
db = open_database(Path(sys.argv[1]))
db.meta_set("probe", "1")
assert db.meta_get("probe") == "1"
db.close()
print(sorted(m for m in sys.modules if m.startswith("sqlalchemy.dialects.postgresql")))
"""


def test_a_sqlite_session_does_not_load_the_postgresql_dialect(tmp_path: Path) -> None:
    # The first session creates the file through the migrations (Alembic loads every dialect's
    # DDL support, once); every later start opens a database at the head and must not.
    for session in ("creates", "opens"):
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(tmp_path / "probe.sqlite")],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
        )
        assert result.returncode == 0, (session, result.stderr)
    assert result.stdout.strip() == "[]"


def test_the_meta_upsert_is_the_shared_builder_on_both_dialects() -> None:
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        ours = meta_upsert_statement(dialect.name, "k", "v").compile(dialect=dialect)
        shared = upsert_statement(dialect.name, meta, {"key": "k", "value": "v"}, ("key",))
        assert str(ours) == str(shared.compile(dialect=dialect))
        assert "DO UPDATE SET value = excluded.value" in str(ours)

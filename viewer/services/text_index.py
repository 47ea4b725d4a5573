"""The text index of the free-text filter: how far it has got, and building it.

``TextIndexService(db).build(progress, cancel)`` indexes the bills the index does not cover yet
(all of them the first time, the newly imported ones after an import), in chunks committed one
by one: cancelled, it keeps what it did and the next build goes on from there. Until it covers
the bills a search scans (``viewer.data.text_index``). Qt-free; the build is for a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable

from viewer.core.tasks import Cancelled, CancelToken, ProgressFn, no_progress
from viewer.data import text_index
from viewer.data.db import Database, user_errors
from viewer.data.text_index import IndexState

__all__ = ["IndexState", "TextIndexService"]


class TextIndexService:
    """The text index of one database (SQLite files have one; team databases scan)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def state(self) -> IndexState | None:
        """How far the index has got; None when this database has none (or is read-only)."""
        if self.db.readonly or self.db.is_server:  # a team database's index is the server's
            return None
        with user_errors(self.db.path), self.db.engine.connect() as conn:
            if not text_index.supported(conn):
                return None
            return text_index.state(conn)

    def needs_build(self) -> bool:
        """Whether bills are waiting to be indexed (a quick look: the GUI thread may ask)."""
        st = self.state()
        return st is not None and not st.ready

    def build(
        self,
        progress: ProgressFn = no_progress,
        cancel: CancelToken | None = None,
        give_way: Callable[[], bool] | None = None,
    ) -> None:
        """Index the bills not indexed yet; ``progress(done, total)`` in bills.

        ``give_way()`` true between chunks stops the build as Cancel does (an import starting).

        Raises:
            Cancelled: ``cancel`` was set or ``give_way`` said so (what was indexed stays).
            DatabaseError: the file is locked, read-only or damaged.
        """

        def check() -> None:
            if cancel is not None:
                cancel.raise_if_set()
            if give_way is not None and give_way():
                raise Cancelled()

        with user_errors(self.db.path), self.db.engine.connect() as conn:
            found = text_index.supported(conn)
            conn.rollback()  # the look ends its read: the build takes its own transactions
            if found:
                text_index.build(conn, progress, check)

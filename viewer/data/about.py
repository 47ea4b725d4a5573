"""Version and path facts for ``--version`` and the About dialog."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy

from viewer import __version__
from viewer.data.db import data_dir, default_db_path, display_target


def version_text(db_path: Path | str | None = None, qt_version: str | None = None) -> str:
    """Application, Qt and SQLAlchemy versions, the database path and the data folder."""
    lines = [f"Agent Bill Viewer {__version__}"]
    if qt_version is None:
        qt_version = _installed_version("PySide6-Essentials", "PySide6")
    lines.append(f"Qt (PySide6) {qt_version}")
    lines.append(f"SQLAlchemy {sqlalchemy.__version__}")
    lines.append(f"database: {display_target(db_path or default_db_path())}")
    lines.append(f"data folder: {data_dir()}")
    return "\n".join(lines)


def _installed_version(*distributions: str) -> str:
    """The version of the first installed distribution (without importing it: no Qt here)."""
    from importlib.metadata import PackageNotFoundError, version

    for name in distributions:
        try:
            return version(name)
        except PackageNotFoundError:
            continue
    return "unknown"

"""Version and path facts for ``--version`` and the About dialog."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy

from viewer import __version__
from viewer.data.db import data_dir, default_db_path


def version_text(db_path: Path | None = None, qt_version: str | None = None) -> str:
    """Application, Qt and SQLAlchemy versions, the database path and the data folder."""
    lines = [f"Agent Bill Viewer {__version__}"]
    if qt_version is None:
        try:
            from importlib.metadata import version

            qt_version = version("PySide6-Essentials")
        except Exception:  # noqa: BLE001 - a frozen bundle may lack package metadata
            qt_version = "unknown"
    lines.append(f"Qt (PySide6) {qt_version}")
    lines.append(f"SQLAlchemy {sqlalchemy.__version__}")
    lines.append(f"database: {db_path or default_db_path()}")
    lines.append(f"data folder: {data_dir()}")
    return "\n".join(lines)

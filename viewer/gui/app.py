"""Composition root of the window: QApplication, database, main window, startup imports."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer import __version__
from viewer.core.errors import KnownError
from viewer.core.resources import demo_export, icon_path
from viewer.gui.i18n import SETTING, apply_language
from viewer.gui.main_window import MainWindow
from viewer.services.database import default_db_path, open_database

log = logging.getLogger(__name__)
SMOKE_TIMEOUT_S = 60


def run(args: argparse.Namespace) -> int:
    """Open the main window as the command line asked; returns the exit status."""
    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Agent Bill Viewer")
    app.setOrganizationName("agent-bill-viewer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("bill-viewer")  # matches packaging/bill-viewer.desktop (Wayland icon)
    if icon_path().exists():
        app.setWindowIcon(QIcon(str(icon_path())))
    settings = QSettings("agent-bill-viewer", "Agent Bill Viewer")
    # --lang for this run, else the View ▸ Language choice, else the system's language
    apply_language(getattr(args, "lang", None) or str(settings.value(SETTING, "system")), app)
    demo = bool(getattr(args, "demo", False))
    paths: list[Path] = list(getattr(args, "paths", None) or [])
    tmp: tempfile.TemporaryDirectory[str] | None = None
    db_path: Path | str
    if demo:
        tmp = tempfile.TemporaryDirectory(prefix="bill-viewer-demo-")
        db_path = Path(tmp.name) / "demo.sqlite"
        paths = [demo_export(), *paths]
    else:
        db_path = getattr(args, "db", None) or default_db_path()
    try:
        db = open_database(db_path)
    except KnownError as exc:
        if getattr(args, "smoke_test", False):
            sys.stderr.write(f"bill-viewer: {exc}\n")
            return 1
        QMessageBox.critical(
            None, QCoreApplication.translate("MainWindow", "Agent Bill Viewer"), str(exc)
        )
        return 1
    smoke = bool(getattr(args, "smoke_test", False))
    window = MainWindow(
        db,
        settings,
        remember_db=not demo,  # a throwaway database has no place among the recent ones
        transient=smoke,  # a smoke test leaves the user's layout alone
    )
    window.show()
    if paths:
        window.quiet_reports = demo or smoke
        window.import_paths(paths)
    if smoke:
        return _smoke(app, window, started)
    try:
        return app.exec()
    finally:
        db.close()
        if tmp is not None:
            tmp.cleanup()


def _smoke(app: QApplication, window: MainWindow, started: float) -> int:
    """Wait until rows are shown, print how long it took, and quit (bundle and startup checks)."""
    result = {"code": 1}

    def check() -> None:
        busy = window.imports.running
        if window.model.rowCount() > 0 and not busy:
            ms = (time.perf_counter() - started) * 1000
            sys.stdout.write(f"rows shown: {window.model.rowCount()}\nstartup ms: {ms:.0f}\n")
            sys.stdout.flush()
            result["code"] = 0
            window.close()
            app.quit()
        elif time.perf_counter() - started > SMOKE_TIMEOUT_S:
            sys.stdout.write("rows shown: 0\n")
            window.close()
            app.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(20)
    app.exec()
    return result["code"]

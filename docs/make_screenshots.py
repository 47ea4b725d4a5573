"""Make the README's screenshots: the real window on the demo export, rendered offscreen.

Run from the project root: ``python docs/make_screenshots.py`` (offscreen, on a virtual
1600x1000 screen, so that the window opens at its usual size whatever machine runs it).
It imports the bundled demo export into a temporary database, filters the table to logouts,
busy and forcible-busy bills, selects a bill, and saves ``docs/screenshot.png``; then opens the
Investigation tab and saves ``docs/investigation.png``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

_SCREEN = Path(tempfile.gettempdir()) / "bill-viewer-screenshot-screen.json"
_SCREEN.write_text(
    '{"screens": [{"name": "s", "x": 0, "y": 0, "width": 1600, "height": 1000, '
    '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from viewer.core.filters import BillFilter  # noqa: E402
from viewer.core.resources import demo_export  # noqa: E402
from viewer.data.db import open_database  # noqa: E402
from viewer.data.imports.loading import import_paths  # noqa: E402  # noqa: E402
from viewer.gui.main_window import MainWindow  # noqa: E402

DOCS = Path(__file__).resolve().parent
SIZE = (1500, 860)


def wait_until(app: QApplication, done: object, seconds: float = 60) -> None:
    """Run the event loop until ``done()`` is true."""
    loop = QEventLoop()
    timer = QTimer()
    timer.timeout.connect(lambda: loop.quit() if done() else None)  # type: ignore[operator]
    timer.start(50)
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    app.processEvents()


def main() -> int:
    """Save both screenshots; returns the exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "demo.sqlite")
        import_paths(db, [demo_export()])
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        w = MainWindow(db, settings, remember_db=False, transient=True)
        w.quiet_reports = True
        w.resize(*SIZE)
        w.show()
        w.filters.set_filter(BillFilter(op_types=(0, 3, 31)))
        wait_until(
            app,
            lambda: (
                w.model.bill_filter.op_types == (0, 3, 31)
                and w.model.has_snapshot
                and not w.model.is_loading
                and w.filters.op_types.list.count() > 0
            ),
        )
        w.table.setCurrentIndex(w.model.index(3, 0))
        w.table.selectRow(3)
        wait_until(app, lambda: True, 0.5)
        w.grab().save(str(DOCS / "screenshot.png"))
        w.tabs.setCurrentWidget(w.investigation)
        wait_until(app, lambda: w.investigation.investigation is not None)
        wait_until(app, lambda: True, 0.5)
        w.grab().save(str(DOCS / "investigation.png"))
        w.close()
        db.close()
    sys.stdout.write(f"saved {DOCS / 'screenshot.png'} and {DOCS / 'investigation.png'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

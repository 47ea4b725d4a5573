"""Dialogs of the Tools and Help menus: site labels, the data's time zone, about, the demo."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import QInputDialog, QMessageBox

from viewer.core.errors import KnownError
from viewer.core.records import TIME_LABEL
from viewer.gui.controllers.base import Controller
from viewer.gui.dialogs import SiteLabelsDialog, about_text, show_failure
from viewer.gui.empty_state import demo_command
from viewer.gui.workers import failure_of, status_problem
from viewer.services.time_zone import TimeZoneService

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow

log = logging.getLogger(__name__)


class DialogsController(Controller):
    """Site labels and the time zone (which change what every view shows), About, the demo."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.start_detached: Callable[[str, list[str]], Any] = QProcess.startDetached
        """Starts a program on its own (the demo window); tests put a recorder here."""
        self.act_labels = self._action(self.tr("&Site labels…"), self.labels_dialog, "Ctrl+L")
        self.act_zone = self._action(
            self.tr("Time &zone of the data…"),
            self.time_zone_dialog,
            tip=self.tr("Name the tenant's time zone: shown beside every time and in every export"),
        )
        self.act_about = self._action(self.tr("&About"), self.about)
        self.act_demo = self._action(
            self.tr("Open the &demo in a new window"),
            self.open_demo,
            tip=self.tr("Sample bills in a throwaway database, in a second window"),
        )

    def labels_dialog(self) -> None:
        """Edit site labels; the table updates at once."""
        dialog = SiteLabelsDialog(self.win._db, self.win)
        dialog.labels_changed.connect(self.labels_changed)
        dialog.exec()

    def labels_changed(self) -> None:
        """Site labels were edited: the table, filters, sentence, details and investigation."""
        self.win.model.reload_labels()
        self.win.filters.set_labels(self.win.model.labels)
        self.win.browse.update_sentence(self.win.model.bill_filter)
        index = self.win.table.currentIndex()
        self.win.bill_details.show_details(index.row() if index.isValid() else None)
        self.win.browse.investigate(force=True)

    def show_time_label(self) -> None:
        """The data's time zone in the status bar, the time filter and the sentence."""
        try:
            label = TimeZoneService(self.win._db).label()
        except KnownError as exc:  # a locked database: keep the generic label
            log.warning("time zone unreadable: %s", exc)
            label = TIME_LABEL
        except Exception as exc:  # noqa: BLE001 - a bug: the generic label, and said to be one
            self.win.statusBar().showMessage(status_problem(exc, "reading the time zone"), 15000)
            label = TIME_LABEL
        self.win.status_tz.setText(self.tr("times {label}").format(label=label))
        self.win.filters.set_time_label(label)
        self.win.browse.update_sentence(self.win.model.bill_filter)

    def time_zone_dialog(self) -> None:
        """Name the data's time zone (a statement beside every time; nothing is converted)."""
        current = TimeZoneService(self.win._db).zone() or ""
        text, ok = QInputDialog.getText(
            self.win,
            self.tr("Time zone of the data"),
            self.tr(
                "Bill exports carry no time zone, so times are shown as exported.\n"
                "Name the tenant's zone (e.g. Asia/Shanghai or UTC+08:00) to state it beside\n"
                "every time and in every export; leave empty to remove it."
            ),
            text=current,
        )
        if ok:
            self.set_time_zone(text)

    def set_time_zone(self, text: str) -> None:
        """Store the data's zone name (empty removes it) and show it everywhere."""
        try:
            TimeZoneService(self.win._db).set_zone(text)
        except Exception as exc:  # noqa: BLE001 - a bad name or read-only database; a bug as one
            show_failure(
                self.win, self.tr("Time zone of the data"), failure_of(exc, "naming the time zone")
            )
            return
        self.show_time_label()

    def about(self) -> None:
        """Versions, database path and data folder."""
        QMessageBox.about(
            self.win, self.tr("About Agent Bill Viewer"), about_text(str(self.win._db.path))
        )

    def open_demo(self) -> None:
        """Open the demo export in a new window on a throwaway database (this one stays as is)."""
        program, args = demo_command()
        result = self.start_detached(program, args)
        started = result[0] if isinstance(result, tuple) else bool(result)
        self.win.statusBar().showMessage(
            self.tr("Opening the demo in a new window…")
            if started
            else self.tr("Could not start {program}.").format(program=program),
            8000,
        )

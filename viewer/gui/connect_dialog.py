"""File > Connect to team database: where the PostgreSQL database is, its password, Test."""

from __future__ import annotations

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from viewer.core.i18n import QT_TRANSLATE_NOOP
from viewer.gui.i18n import sentences
from viewer.gui.workers import BackgroundCall, Failure
from viewer.services.team import SSL_MODES, TeamDatabase, TeamService

DEFAULTS_NOTE = QT_TRANSLATE_NOOP(
    "ConnectDialog",
    "Empty host, port, database or user: libpq's defaults (PGHOST, PGPORT, PGDATABASE, PGUSER). "
    "An empty password uses ~/.pgpass or PGPASSWORD.",
)
NO_KEYRING_NOTE = QT_TRANSLATE_NOOP(
    "ConnectDialog",
    "No password store (keyring) is available here: the password is asked for each time "
    "(or put it in ~/.pgpass).",
)


class ConnectDialog(QDialog):
    """The settings of a team database and its password; Test connects off the GUI thread.

    The password is only held in memory (``password()``); "Remember password" (offered when a
    keyring backend is there) asks the caller to keep it in the keyring.
    """

    def __init__(
        self,
        service: TeamService,
        parent: QWidget | None = None,
        team: TeamDatabase | None = None,
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Connect to team database"))
        self._service = service
        self._tester = BackgroundCall(self)
        team = team or TeamDatabase(sslmode="prefer")

        self.host = QLineEdit(team.host)
        self.host.setPlaceholderText(self.tr("default (PGHOST or this computer)"))
        self.port = QLineEdit(str(team.port) if team.port else "")
        self.port.setValidator(QIntValidator(1, 65535, self))
        self.port.setPlaceholderText(self.tr("default (PGPORT or 5432)"))
        self.database = QLineEdit(team.database)
        self.database.setPlaceholderText(self.tr("default (PGDATABASE or the user name)"))
        self.user = QLineEdit(team.user)
        self.user.setPlaceholderText(self.tr("default (PGUSER or your login name)"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("empty: ~/.pgpass or PGPASSWORD"))
        self.tls = QComboBox()
        self.tls.addItems(SSL_MODES)
        self.tls.setCurrentText(team.sslmode if team.sslmode in SSL_MODES else "prefer")
        self.remember = QCheckBox(self.tr("Remember password (in the system's password store)"))
        self.keyring_available = service.passwords.available()
        self.remember.setVisible(self.keyring_available)
        self.remember.setEnabled(self.keyring_available)

        for edit in (self.host, self.port, self.database, self.user, self.password_edit):
            # room for the whole hint (a translation may be wider than the English)
            hint = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
            edit.setMinimumWidth(hint + 24)
        form = QFormLayout()
        form.addRow(self.tr("&Host:"), self.host)
        form.addRow(self.tr("&Port:"), self.port)
        form.addRow(self.tr("&Database:"), self.database)
        form.addRow(self.tr("&User:"), self.user)
        form.addRow(self.tr("Pass&word:"), self.password_edit)
        form.addRow(self.tr("&TLS mode:"), self.tls)
        form.addRow("", self.remember)

        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        defaults = QLabel(
            sentences(
                self.tr(DEFAULTS_NOTE),
                "" if self.keyring_available else self.tr(NO_KEYRING_NOTE),
            )
        )
        defaults.setWordWrap(True)
        self.defaults_note = defaults
        self.result = QLabel("")
        self.result.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Connect"))
        self.test_button = QPushButton(self.tr("&Test"))
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.clicked.connect(self.test_connection)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(defaults)
        layout.addWidget(self.result)
        layout.addWidget(self.buttons)
        if note and team.database:
            self.password_edit.setFocus()

    def team(self) -> TeamDatabase:
        """The settings as typed (empty parts left to libpq)."""
        port = self.port.text().strip()
        return TeamDatabase(
            host=self.host.text().strip(),
            port=int(port) if port.isdigit() else None,
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            sslmode=self.tls.currentText(),
        )

    def password(self) -> str | None:
        """The typed password; None (empty) leaves it to the keyring or libpq."""
        return self.password_edit.text() or None

    def remember_password(self) -> bool:
        """Whether the user asked to keep the password in the keyring."""
        return self.keyring_available and self.remember.isChecked()

    def test_connection(self) -> None:
        """Connect once off the GUI thread and say who answered, or why not, below the form."""
        team, password = self.team(), self.password()
        self.test_button.setEnabled(False)
        self.result.setText(self.tr("Connecting to {team}…").format(team=team.label))

        def done(sentence: str) -> None:
            self.test_button.setEnabled(True)
            self.result.setText(sentence)

        def failed(failure: Failure) -> None:
            self.test_button.setEnabled(True)
            self.result.setText(failure.message)

        self._tester.run(
            lambda: self._service.test(team, password),
            done,
            on_failure=failed,
            what=f"testing the connection to {team.label}",
        )

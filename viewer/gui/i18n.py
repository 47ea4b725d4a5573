"""The window's language: Qt translators serving the project's ``.ts`` catalog, and live switching.

The window's strings are marked with ``self.tr()`` / ``QCoreApplication.translate()`` and
extracted by ``pyside6-lupdate`` into ``resources/i18n/gui_<lang>.ts``. Rather than compiling
``.qm`` files, :class:`CatalogTranslator` answers Qt's lookups from
:func:`viewer.core.i18n.catalog`, the same reader the Qt-free layers use: one catalog format,
read once, no build step. Qt's own buttons (Cancel, OK) come from qtbase's shipped catalog.

Switching language while the window is open (:func:`apply_language`) re-words every static text
of the open windows (:func:`relabel`: a text found in the old language's catalog is replaced by
its entry in the new one) and then installs the new translators, whose ``LanguageChange`` event
has the windows re-render what they compose (sentences, counts, headers, details).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from viewer.core import i18n

__all__ = [
    "CHOICES",
    "SETTING",
    "CatalogTranslator",
    "apply_language",
    "choice_language",
    "installed_language",
    "relabel",
    "sentences",
]

SETTING = "ui/language"
"""The QSettings key of the user's choice: ``en``, ``zh_CN`` or ``system``."""
CHOICES: tuple[str, ...] = ("en", "zh_CN", "system")

_installed: list[QTranslator] = []
_language = i18n.DEFAULT_LANGUAGE


class CatalogTranslator(QTranslator):
    """A QTranslator answering from the ``.ts`` catalog as :mod:`viewer.core.i18n` reads it.

    PySide6 calls this Python override for every ``tr()`` / ``QCoreApplication.translate()``;
    None (not found) lets Qt try the next translator and finally show the source text.
    """

    def __init__(self, lang: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lang = lang
        self._entries = i18n.catalog(lang)

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        """The catalog's translation of ``source`` in ``context``, or None when it has none."""
        del disambiguation, n  # Chinese has one plural form; Qt replaces %n itself
        return self._entries.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return not self._entries

    def language(self) -> str:
        return self.lang


def choice_language(choice: str | None) -> str:
    """The language a choice means: ``en``, ``zh_CN``, or the system's for ``system``/None.

    The system's language is Qt's (``QLocale.system()``: LANG/LC_* on Linux, the user's
    setting on Windows and macOS).
    """
    if choice is None or choice.strip().lower() in {"", "system"}:
        return i18n.normalize_language(QLocale.system().name() or i18n.DEFAULT_LANGUAGE)
    return i18n.normalize_language(choice)


def sentences(*parts: str) -> str:
    """Sentences in a row: a space between them in English, none after a Chinese 。."""
    gap = "" if i18n.language() == "zh_CN" else " "
    return gap.join(part for part in parts if part)


def installed_language() -> str:
    """The language the window speaks now."""
    return _language


def apply_language(choice: str | None, app: QCoreApplication | None = None) -> str:
    """Speak the language ``choice`` means in the whole application; returns that language.

    Sets the Qt-free layers' language, re-words the open windows' static texts, replaces the
    translators (the ``LanguageChange`` event has the windows re-render the rest) and makes
    the language the default locale (calendar popups, Qt's standard dialogs).
    """
    global _language
    app = app or QCoreApplication.instance()
    lang = choice_language(choice)
    old, _language = _language, lang
    i18n.set_language(lang)
    if isinstance(app, QApplication) and old != lang:
        relabel(app.topLevelWidgets(), old, lang)
    if app is None:
        return lang
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    # the system's locale where it speaks the language chosen (its date and number habits)
    QLocale.setDefault(QLocale.system() if lang == choice_language(None) else QLocale(lang))
    if lang != i18n.DEFAULT_LANGUAGE:
        qt = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(QLocale(lang), "qtbase", "_", folder):
            _installed.append(qt)
        _installed.append(CatalogTranslator(lang, app))
    for translator in _installed:
        app.installTranslator(translator)
    return lang


def _back_map(old: str, new: str) -> dict[str, str]:
    """Each text as ``old`` says it -> the same string as ``new`` says it (changed ones only)."""
    keys: set[tuple[str, str]] = set()
    for lang in i18n.LANGUAGES:
        keys.update(i18n.catalog(lang))

    def said(lang: str, key: tuple[str, str]) -> str:
        return i18n.catalog(lang).get(key, key[1])

    found: dict[str, str] = {}
    for key in keys:
        before, after = said(old, key), said(new, key)
        if before != after:
            found.setdefault(before, after)
    return found


def _texts(obj: QObject) -> Iterable[tuple[Callable[[], str], Callable[[str], None]]]:
    """The (getter, setter) pairs of the user-visible texts of ``obj``."""
    if isinstance(obj, QAction):
        yield obj.text, obj.setText
        yield obj.statusTip, obj.setStatusTip
        yield obj.toolTip, obj.setToolTip
        return
    if not isinstance(obj, QWidget):
        return
    yield obj.toolTip, obj.setToolTip
    yield obj.windowTitle, obj.setWindowTitle
    if isinstance(obj, (QLabel, QAbstractButton)):
        yield obj.text, obj.setText
    elif isinstance(obj, QGroupBox):
        yield obj.title, obj.setTitle
    elif isinstance(obj, QLineEdit):
        yield obj.placeholderText, obj.setPlaceholderText
    elif isinstance(obj, QComboBox):
        yield obj.placeholderText, obj.setPlaceholderText
        for i in range(obj.count()):
            yield (lambda i=i: obj.itemText(i)), (lambda t, i=i: obj.setItemText(i, t))
    elif isinstance(obj, QTabWidget):
        for i in range(obj.count()):
            yield (lambda i=i: obj.tabText(i)), (lambda t, i=i: obj.setTabText(i, t))
            yield (lambda i=i: obj.tabToolTip(i)), (lambda t, i=i: obj.setTabToolTip(i, t))


def relabel(roots: Iterable[QWidget], old: str, new: str) -> int:
    """Re-word the static texts of ``roots`` and their children from ``old`` to ``new``.

    A text that is a catalog entry in ``old`` becomes that entry in ``new``; composed texts
    (counts, names) are left to their owners, who re-render them on ``LanguageChange``.
    Returns how many texts changed.
    """
    back = _back_map(old, new)
    changed = 0
    for root in roots:
        for obj in [root, *root.findChildren(QObject)]:
            for get, put in _texts(obj):
                text = get()
                if text and text in back:
                    put(back[text])
                    changed += 1
    return changed

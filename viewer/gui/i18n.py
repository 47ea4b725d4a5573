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

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
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


def choice_menu(
    title: str,
    parent: QWidget,
    choices: Sequence[tuple[str, str]],
    chosen: str,
    choose: Callable[[str], None],
) -> tuple[QMenu, dict[str, QAction]]:
    """A menu of exclusive checkable ``(choice, text)`` actions; a click calls ``choose``.

    ``chosen`` starts checked. The languages each name themselves (English, 简体中文).
    """
    menu = QMenu(title, parent)
    group = QActionGroup(menu)
    actions: dict[str, QAction] = {}
    for choice, text in choices:
        act = menu.addAction(text)
        act.setCheckable(True)
        act.setChecked(choice == chosen)
        act.triggered.connect(lambda _on=False, c=choice: choose(c))
        group.addAction(act)
        actions[choice] = act
    return menu, actions


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


Key = tuple[str, str]
"""A catalog entry: (context, English source)."""


def _said(lang: str, key: Key) -> str:
    """How ``lang`` says the entry ``key`` (its source where the catalog has no translation)."""
    return key[1] if lang == i18n.DEFAULT_LANGUAGE else i18n.catalog(lang).get(key, key[1])


def _entries_by_text(lang: str) -> dict[str, list[Key]]:
    """Each text as ``lang`` says it -> the catalog entries it may stand for, in a stable order."""
    keys: set[Key] = set()
    for each in i18n.LANGUAGES:
        keys.update(i18n.catalog(each))
    found: dict[str, list[Key]] = {}
    for key in sorted(keys):
        found.setdefault(_said(lang, key), []).append(key)
    return found


def _contexts(obj: QObject) -> list[str]:
    """The class names of ``obj`` and its ancestors, nearest first (``self.tr()``'s contexts)."""
    names: list[str] = []
    node: QObject | None = obj
    while node is not None:
        names.extend(cls.__name__ for cls in type(node).__mro__)
        node = node.parent()
    return names


def _entry(
    obj: QObject, slot: str, text: str, old: str, by_text: dict[str, list[Key]]
) -> Key | None:
    """The catalog entry ``obj`` shows as ``text`` in ``slot`` (None: not a catalog text).

    The entry noted at the last switch when the text is still the one set then; else the
    entries ``old`` says this way, the one of the nearest enclosing class first (座席 is
    "Agents" in the filter panel, "Agent" in a table of the investigation).
    """
    noted = obj.property(f"i18n_{slot}")
    if isinstance(noted, str) and "\x00" in noted:
        key = tuple(noted.split("\x00", 1))
        if _said(old, key) == text:  # type: ignore[arg-type]
            return key  # type: ignore[return-value]
    candidates = by_text.get(text)
    if not candidates:
        return None
    order = {name: i for i, name in reversed(list(enumerate(_contexts(obj))))}
    return min(candidates, key=lambda key: order.get(key[0], len(order)))


Text = tuple[str, Callable[[], str], Callable[[str], None]]
"""A user-visible text of a widget: its slot name, getter and setter."""


def _texts(obj: QObject) -> Iterable[Text]:
    """The user-visible texts of ``obj``."""
    if isinstance(obj, QAction):
        yield "text", obj.text, obj.setText
        yield "statusTip", obj.statusTip, obj.setStatusTip
        yield "toolTip", obj.toolTip, obj.setToolTip
        return
    if not isinstance(obj, QWidget):
        return
    yield "toolTip", obj.toolTip, obj.setToolTip
    yield "windowTitle", obj.windowTitle, obj.setWindowTitle
    if isinstance(obj, (QLabel, QAbstractButton)):
        yield "text", obj.text, obj.setText
    elif isinstance(obj, QGroupBox):
        yield "title", obj.title, obj.setTitle
    elif isinstance(obj, (QLineEdit, QComboBox)):
        # not a combo box's items: they are data (saved filters' names) or filled by their owner
        yield "placeholder", obj.placeholderText, obj.setPlaceholderText
    elif isinstance(obj, QTabWidget):
        for i in range(obj.count()):
            yield f"tab{i}", (lambda i=i: obj.tabText(i)), (lambda t, i=i: obj.setTabText(i, t))
            yield (
                f"tabTip{i}",
                (lambda i=i: obj.tabToolTip(i)),
                (lambda t, i=i: obj.setTabToolTip(i, t)),
            )


def relabel(roots: Iterable[QWidget], old: str, new: str) -> int:
    """Re-word the static texts of ``roots`` and their children from ``old`` to ``new``.

    A text that is a catalog entry in ``old`` becomes that entry in ``new``, and the entry is
    noted on the widget for the next switch; composed texts (counts, names) are left to their
    owners, who re-render them on ``LanguageChange``. Returns how many texts changed.
    """
    by_text = _entries_by_text(old)
    changed = 0
    for root in roots:
        for obj in [root, *root.findChildren(QObject)]:
            for slot, get, put in _texts(obj):
                text = get()
                key = _entry(obj, slot, text, old, by_text) if text else None
                if key is None:
                    continue
                obj.setProperty(f"i18n_{slot}", "\x00".join(key))
                said = _said(new, key)
                if said != text:
                    put(said)
                    changed += 1
    return changed

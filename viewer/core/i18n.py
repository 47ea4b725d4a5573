"""The application's languages: one catalog of Qt ``.ts`` files, read here without Qt.

Every translatable string is marked where it is written, with ``translate(context, text)`` or,
in module-level tables, ``QT_TRANSLATE_NOOP(context, text)`` (translated later, at display
time). ``pyside6-lupdate`` extracts both spellings from any Python file, Qt or not, into
``resources/i18n/*_<lang>.ts``. This module reads those same files with the standard library,
so the command line and the Qt-free layers translate without importing Qt, and the window's
strings come from the very same catalog: one source of truth per string.

The language is process-wide (:func:`set_language`), and a thread can override it for a piece
of work (:func:`use_language`), e.g. an export written in the auditor's language while the
window stays in the user's.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from viewer.core.resources import resources_dir

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "QT_TRANSLATE_NOOP",
    "catalog",
    "catalog_files",
    "in_every_language",
    "language",
    "load_catalog",
    "normalize_language",
    "resolve_language",
    "set_language",
    "system_language",
    "translate",
    "translate_message",
    "use_language",
]

DEFAULT_LANGUAGE = "en"
#: The languages the application speaks; English is the source language of every string.
LANGUAGES: tuple[str, ...] = ("en", "zh_CN")

_process_language = DEFAULT_LANGUAGE
_thread_language: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "bill_viewer_language", default=None
)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Mark ``text`` for extraction under ``context`` and return it untranslated.

    For module-level tables: translating at import time would freeze the language, so the
    table keeps the English source and the display code calls :func:`translate` later.
    """
    del context
    return text


def i18n_dir() -> Path:
    """Where the ``.ts`` catalogs live (``resources/i18n``, in the source tree or a bundle)."""
    return resources_dir() / "i18n"


def catalog_files(lang: str) -> list[Path]:
    """The catalog files of ``lang`` (``*_<lang>.ts``), in a stable order."""
    return sorted(i18n_dir().glob(f"*_{lang}.ts"))


@functools.cache
def catalog(lang: str) -> Mapping[tuple[str, str], str]:
    """``(context, source) -> translation`` for ``lang``, read once from its ``.ts`` files."""
    if lang == DEFAULT_LANGUAGE:
        return {}
    return load_catalog(catalog_files(lang))


def load_catalog(paths: list[Path]) -> dict[tuple[str, str], str]:
    """The finished entries of the ``.ts`` files ``paths``: ``(context, source) -> translation``.

    Unfinished, obsolete and vanished entries are left out, so an untranslated string shows in
    English rather than empty. Plural (numerus) entries use their first form: Chinese has one.
    """
    found: dict[tuple[str, str], str] = {}
    for path in paths:
        root = ET.parse(path).getroot()
        for context in root.iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source")
                node = message.find("translation")
                if source is None or node is None:
                    continue
                if node.get("type") in {"unfinished", "obsolete", "vanished"}:
                    continue
                forms = node.findall("numerusform")
                text = forms[0].text if forms else node.text
                if text:
                    found[(name, source)] = text
    return found


def language() -> str:
    """The language in effect for this thread: its override, or the process's language."""
    return _thread_language.get() or _process_language


def set_language(lang: str) -> None:
    """Make ``lang`` (one of :data:`LANGUAGES`) the process's language."""
    global _process_language
    _process_language = normalize_language(lang)


@contextlib.contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Speak ``lang`` in this thread (and its context) for the duration of the block."""
    token = _thread_language.set(normalize_language(lang))
    try:
        yield
    finally:
        _thread_language.reset(token)


def translate(context: str, text: str, n: int = -1) -> str:
    """``text`` in the current language; ``%n`` becomes ``n`` when ``n`` is given (Qt's rule)."""
    lang = language()
    found = text if lang == DEFAULT_LANGUAGE else catalog(lang).get((context, text), text)
    if n >= 0:
        found = found.replace("%n", str(n))
    return found


def in_every_language(context: str, text: str) -> frozenset[str]:
    """``text`` and its translation in every language: what a file written in any of them says.

    For readers of the application's own files (an export's sheet names and Report labels), which
    must understand a file whatever language it was written in.
    """
    return frozenset({text, *(catalog(lang).get((context, text), text) for lang in LANGUAGES)})


@functools.cache
def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching what ``template.format(...)`` makes, one group per field."""
    parts = re.split(r"\{([A-Za-z_][A-Za-z0-9_]*)\}", template)
    pattern = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts)
    )
    return re.compile(pattern, re.DOTALL)


def translate_message(context: str, templates: Sequence[str], text: str, sep: str = "; ") -> str:
    """A message stored in English (a reject reason, an import's note) in the current language.

    Such text is made once as ``template.format(...)`` and kept (in the database), so it stays
    in English for every reader; shown, it is matched against its ``templates`` (English sources
    marked for translation), whose translation is filled with the same values (themselves
    translated when a template made them). A text joining
    several messages with ``sep`` is translated part by part. A text no template makes, or any
    text in English, comes back unchanged.
    """
    if language() == DEFAULT_LANGUAGE or not text:
        return text
    for template in templates:
        found = _pattern(template).fullmatch(text)
        if found is not None:  # a value may be a message itself (a file's line and its reason)
            values = {
                name: translate_message(context, templates, value, sep="\0")
                for name, value in found.groupdict().items()
            }
            return translate(context, template).format(**values)
    parts = text.split(sep)
    if len(parts) > 1:
        shown = [translate_message(context, templates, part, sep="\0") for part in parts]
        if shown != parts:
            return translate(context, sep).join(shown)
    return text


def normalize_language(value: str) -> str:
    """A user's or a locale's spelling (``zh``, ``zh-CN``, ``zh_CN.UTF-8``, ``C``) as ours.

    Any Chinese locale gets Simplified Chinese (the only Chinese catalog); anything else English.
    Raises :class:`ValueError` for an empty value.
    """
    cleaned = value.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if not cleaned:
        raise ValueError("empty language")
    if cleaned.lower().startswith("zh"):
        return "zh_CN"
    return DEFAULT_LANGUAGE


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for, as gettext reads it (LANGUAGE, LC_ALL, ...)."""
    env = os.environ if environ is None else environ
    for key in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key, "")
        if value:
            return normalize_language(value.split(":", 1)[0] or DEFAULT_LANGUAGE)
    return DEFAULT_LANGUAGE


def resolve_language(choice: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language for a user's choice: ``en``, ``zh_CN`` or ``system``/``None`` (the locale)."""
    if choice is None or choice.strip().lower() in {"", "system"}:
        return system_language(environ)
    return normalize_language(choice)

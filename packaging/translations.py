"""Extract the translatable strings into the ``.ts`` catalogs, and check the catalogs are complete.

Two catalogs, one per side of the Qt line, both read by :mod:`viewer.core.i18n`:
``core_<lang>.ts`` holds the Qt-free layers (core tables, data, services, command line) and
``gui_<lang>.ts`` the window. ``python packaging/translations.py update`` re-runs
``pyside6-lupdate`` (obsolete strings dropped, no line numbers, so catalogs change only when
strings do); ``check`` runs ``pyside6-lrelease -fail-on-unfinished`` on each into a temporary
folder and exits non-zero when a string lacks its translation.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
#: Catalog name -> the source folders whose strings it holds.
CATALOGS: dict[str, tuple[str, ...]] = {
    "core": ("viewer/core", "viewer/data", "viewer/services", "viewer/cli"),
    "gui": ("viewer/gui",),
}
TRANSLATED = ("zh_CN",)


def tool(name: str) -> str:
    """The path of a PySide6 console tool (``pyside6-lupdate``) beside this Python, or on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found: install PySide6 (pip install -e .)")
    return found


def sources(catalog: str) -> list[str]:
    """The Python files of a catalog, relative to the project root, in a stable order."""
    files: list[str] = []
    for folder in CATALOGS[catalog]:
        files += sorted(str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*.py"))
    return files


def ts_path(catalog: str, lang: str, folder: Path = I18N) -> Path:
    """Where a catalog's ``.ts`` for ``lang`` lives."""
    return folder / f"{catalog}_{lang}.ts"


def update(folder: Path = I18N) -> None:
    """Run ``pyside6-lupdate`` for every catalog and language into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for catalog in CATALOGS:
        for lang in TRANSLATED:
            command = [tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none"]
            command += [*sources(catalog), "-ts", str(ts_path(catalog, lang, folder))]
            subprocess.run(command, cwd=ROOT, check=True)


def check() -> int:
    """``pyside6-lrelease -fail-on-unfinished`` on every catalog; the number that failed."""
    failed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for catalog in CATALOGS:
            for lang in TRANSLATED:
                path = ts_path(catalog, lang)
                qm = Path(scratch) / f"{catalog}_{lang}.qm"
                command = [
                    tool("pyside6-lrelease"),
                    "-fail-on-unfinished",
                    str(path),
                    "-qm",
                    str(qm),
                ]
                if subprocess.run(command, cwd=ROOT).returncode != 0:
                    failed += 1
    return failed


def main(argv: list[str] | None = None) -> int:
    """``update`` the catalogs from the sources, or ``check`` they are complete."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("update", "check"))
    args = parser.parse_args(argv)
    if args.action == "update":
        update()
        return 0
    return 1 if check() else 0


if __name__ == "__main__":
    raise SystemExit(main())

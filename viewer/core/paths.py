"""File names the user types: one rule for the window and the command line."""

from __future__ import annotations

import os
from pathlib import Path

from viewer.core.i18n import translate

XLSX = ".xlsx"


def xlsx_target(text: str | os.PathLike[str]) -> Path:
    """The workbook a user means by ``text``: ``.xlsx`` is added when the name lacks it.

    A name is never given another suffix in place of its own: ``"Q3 v1.2"`` becomes
    ``"Q3 v1.2.xlsx"`` and ``"bills.csv"`` becomes ``"bills.csv.xlsx"``; ``"a.XLSX"`` stays.

    Raises:
        ValueError: the text names no file (empty, or a folder such as ``"out/"``).
    """
    raw = os.fspath(text)
    path = Path(raw)
    if not raw.strip() or raw.endswith(("/", os.sep)) or path.name in ("", ".", ".."):
        said = translate("Cli", "{name} names no file: give a workbook name such as bills.xlsx")
        raise ValueError(said.format(name=repr(raw)))
    if path.suffix.lower() == XLSX:
        return path
    return path.with_name(path.name + ("xlsx" if path.name.endswith(".") else XLSX))

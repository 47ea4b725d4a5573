"""The target file: its checks, the messages of OS errors, and the leftovers of killed exports.

An export writes into a hidden, locked folder beside the target (``.NAME.xlsx.XXXXXXXX.part``)
and renames the workbook into place when complete; ``remove_stale_parts`` removes the folders
of exports killed outright.
"""

from __future__ import annotations

import errno
import os
import re
import time
from pathlib import Path

from viewer.core.errors import ExportError
from viewer.core.i18n import translate

try:
    import fcntl
except ImportError:  # Windows: msvcrt.locking instead
    fcntl = None  # type: ignore[assignment]


STALE_AFTER_SECONDS = 6 * 3600
"""A temporary export folder untouched this long is a leftover of a killed export (removed)."""


_MAX_NAME = 255
"""Longest file name (bytes) of the usual file systems (ext4, NTFS counts 255 UTF-16 units)."""


def _check_target(out: Path, force: bool) -> None:
    if out.suffix.lower() != ".xlsx":
        raise ExportError(
            translate("Errors", "{path}: the file name must end with .xlsx").format(path=out)
        )
    size = len(os.fsencode(out.name))
    if size > _MAX_NAME:
        raise ExportError(
            translate(
                "Errors",
                "{path}: the file name is {size} bytes long; file systems take at most {most}: "
                "choose a shorter name",
            ).format(path=out, size=f"{size:,}", most=_MAX_NAME)
        )
    try:
        _check_target_file(out, force)
    except OSError as exc:  # a path too long for the system, an unreadable folder, ...
        raise ExportError(_os_message(exc, out)) from exc


def _check_target_file(out: Path, force: bool) -> None:
    if not out.parent.is_dir():
        raise ExportError(
            translate("Errors", "{path}: no such folder; create it or choose another one").format(
                path=out.parent
            )
        )
    if out.is_dir():
        raise ExportError(
            translate("Errors", "{path}: is a folder; give a file name ending with .xlsx").format(
                path=out
            )
        )
    if out.exists():
        if not force:
            raise ExportError(
                translate(
                    "Errors",
                    "{path}: the file already exists; confirm overwriting it (--force) or choose "
                    "another name",
                ).format(path=out)
            )
        try:  # a file open in Excel (Windows) or read-only fails here, before any work
            with out.open("r+b"):
                pass
        except OSError as exc:
            raise ExportError(_os_message(exc, out)) from exc


def _os_message(exc: OSError, out: Path) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        text = translate(
            "Errors",
            "{path}: the disk is full; nothing was written (free some space or choose another "
            "drive)",
        )
    elif isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
        text = translate(
            "Errors",
            "{path}: cannot write the file: it is open in another program (close it in Excel) "
            "or you have no permission to write there",
        )
    elif exc.errno == errno.ENAMETOOLONG:
        text = translate(
            "Errors", "{path}: the file name or path is too long; choose a shorter one"
        )
    elif isinstance(exc, FileNotFoundError):
        text = translate(
            "Errors", "{path}: the folder disappeared during the export; nothing was written"
        )
    else:
        text = translate("Errors", "{path}: cannot write the file ({error}); nothing was written")
    return text.format(path=out, error=exc.strerror or exc)


_PART_FOLDER = re.compile(r"\.(.+\.xlsx)\.[a-z0-9_]{8}\.part", re.IGNORECASE)
"""A temporary folder of ``export_xlsx`` (``tempfile.mkdtemp`` names: 8 of ``[a-z0-9_]``)."""
_PART_SHEET = re.compile(r"sheet[0-9]+\.xml")
_LOCK_NAME = "export.lock"
"""Locked by the running export (an OS lock, released when its process ends, however)."""
_PART_EXTRA = len(".") + len(".XXXXXXXX.part")


def _part_stem(name: str) -> str:
    """The target's name in its temporary folder's name, cut (before .xlsx) to fit 255 bytes."""
    budget = _MAX_NAME - _PART_EXTRA
    if len(os.fsencode(name)) <= budget:
        return name
    stem, suffix = name[: -len(".xlsx")], name[-len(".xlsx") :]
    while len(os.fsencode(stem + suffix)) > budget:
        stem = stem[:-1]
    return stem + suffix


def _try_lock(fd: int) -> bool:
    """Lock an open file without waiting; False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _hold_lock(folder: Path) -> int:
    """Lock ``folder``'s lock file for as long as this export runs; returns its descriptor.

    The file is locked under a temporary name and renamed, so ``remove_stale_parts`` never
    finds it unlocked while its export lives.
    """
    tmp = folder / f"{_LOCK_NAME}.tmp"
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if not _try_lock(fd):
            raise OSError(errno.EAGAIN, "cannot lock the export's temporary folder")
        os.replace(tmp, folder / _LOCK_NAME)
    except OSError:
        os.close(fd)
        raise
    return fd


def _owner_gone(folder: str) -> int | None:
    """A descriptor holding the lock of a part folder whose export has ended, else None."""
    try:
        fd = os.open(os.path.join(folder, _LOCK_NAME), os.O_RDWR)
    except OSError:
        return None  # no lock file: an export of an earlier version, or one just starting
    if _try_lock(fd):
        return fd
    os.close(fd)
    return None


def remove_stale_parts(folder: Path, max_age: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Remove what exports killed outright (SIGKILL, a crash, a power cut) left in ``folder``.

    Only folders named as ``export_xlsx`` names its own (``.NAME.xlsx.XXXXXXXX.part``), holding
    nothing but its own files (``sheetN.xml``, ``NAME.xlsx`` and its lock file), and either
    with a lock file that no process holds (its export was killed: removed at once) or, for
    folders without one, none of them modified for ``max_age`` seconds (a running export writes
    into its folder all the time). Errors are ignored: this is housekeeping.

    Returns:
        The folders removed.
    """
    removed: list[Path] = []
    cutoff = time.time() - max_age
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _PART_FOLDER.fullmatch(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        gone = _owner_gone(entry.path)
        try:
            if gone is None and entry.stat().st_mtime > cutoff:
                continue
            files = list(os.scandir(entry.path))
            if not all(
                f.is_file(follow_symlinks=False)
                and _part_file(f.name, match.group(1))
                and (gone is not None or f.stat(follow_symlinks=False).st_mtime <= cutoff)
                for f in files
            ):
                continue
            if gone is not None:  # Windows removes no open file
                os.close(gone)
                gone = None
            for f in files:
                os.remove(f.path)
            os.rmdir(entry.path)
        except OSError:
            continue
        finally:
            if gone is not None:
                os.close(gone)
        removed.append(Path(entry.path))
    return removed


def _part_file(name: str, target: str) -> bool:
    """Whether a file in a part folder is one ``export_xlsx`` makes there.

    ``target`` is the name in the folder's name: the workbook's own, or its cut form
    (``_part_stem``) that the workbook's name begins with.
    """
    cut = len(os.fsencode(target)) > _MAX_NAME - _PART_EXTRA - 4  # 4: one character's bytes
    return bool(
        _PART_SHEET.fullmatch(name)
        or name in (target, _LOCK_NAME, f"{_LOCK_NAME}.tmp")
        or (cut and name.endswith(".xlsx") and name.startswith(target[: -len(".xlsx")]))
    )

"""Finding what to import: files, zips of CSVs and folders, as sources with their hashes.

``expand_paths`` turns what the user named into ``Source`` items (a file or a zip member) and
``Unusable`` ones (with the reason, reported as the file's line); ``sha256_of`` hashes a source
for the ledger. Nothing here touches the database (``viewer.data.imports.loading`` does).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from viewer.core.errors import BadInputError
from viewer.core.records import ImportStatus
from viewer.core.tasks import CancelToken
from viewer.data.imports import messages
from viewer.data.imports.csv_source import sibling_export_kind

FOLDER_SUFFIXES = (".csv", ".zip")
"""What a folder import takes; a file named on its own may be any CSV (a ``.txt`` too)."""

_HASH_CHUNK = 1 << 20
_ZIP_ENCRYPTED = 0x1  # general purpose flag bit 0 of a zip entry


@dataclass(frozen=True)
class Source:
    """One CSV to import: a plain file or a member of a zip."""

    display: str
    name: str
    size: int
    path: Path
    member: str | None = None

    @property
    def ledger_path(self) -> str:
        """The absolute path the ledger records (``zip!member`` for a zip member).

        ``display`` is the path as the user typed it, which means nothing once the working
        folder changes; the ledger keeps the resolved one so that it always names the file.
        """
        where = str(self.path.resolve())
        return where if self.member is None else f"{where}!{self.member}"

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """Open the content as a binary stream (a zip member is decompressed on the fly).

        Raises:
            BadInputError: a zip member that cannot be read: encrypted, compressed with a
                method Python cannot decompress, or damaged (bad data, bad CRC, cut short).
                Raised while opening or, for damage, from the reads of the ``with`` body.
        """
        if self.member is None:
            with self.path.open("rb") as fp:
                yield fp
            return
        with _zip_archive(self.path) as zf:
            try:
                info = zf.getinfo(self.member)
            except KeyError:
                raise BadInputError(messages.ZIP_MEMBER_GONE.format(name=self.display)) from None
            if info.flag_bits & _ZIP_ENCRYPTED:
                raise BadInputError(messages.ZIP_ENCRYPTED.format(name=self.display))
            try:
                raw = zf.open(info)
            except (NotImplementedError, RuntimeError) as exc:  # what zipfile raises for these
                raise BadInputError(
                    messages.ZIP_METHOD.format(name=self.display, error=exc)
                ) from None
            with raw:
                try:
                    yield io.BufferedReader(raw, buffer_size=1 << 16)  # type: ignore[arg-type]
                except (zlib.error, zipfile.BadZipFile, EOFError) as exc:
                    raise BadInputError(
                        messages.ZIP_DAMAGED.format(name=self.display, error=exc)
                    ) from exc


_OPEN_ZIPS: ContextVar[dict[Path, zipfile.ZipFile] | None] = ContextVar(
    "bill_viewer_open_zips", default=None
)
"""The zip archive kept open while ``import_paths`` reads its members (see ``zips_kept_open``)."""


@contextmanager
def zips_kept_open() -> Iterator[None]:
    """Keep the last zip archive open from one member to the next while inside.

    Opening a ``ZipFile`` reads the whole central directory; done again for each member (to
    hash it, then to read it), a zip of N small members took time in N squared.
    """
    cache: dict[Path, zipfile.ZipFile] = {}
    token = _OPEN_ZIPS.set(cache)
    try:
        yield
    finally:
        _OPEN_ZIPS.reset(token)
        for zf in cache.values():
            zf.close()


@contextmanager
def _zip_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    """The zip archive at ``path``: the one kept open by ``zips_kept_open``, or opened now."""
    cache = _OPEN_ZIPS.get()
    if cache is None:
        with zipfile.ZipFile(path) as zf:
            yield zf
        return
    zf = cache.get(path)
    if zf is None:
        for other in cache.values():  # one archive at a time: the import goes zip by zip
            other.close()
        cache.clear()
        zf = cache[path] = zipfile.ZipFile(path)
    yield zf


@dataclass(frozen=True)
class Unusable:
    """A path that cannot be imported at all, with its status and message."""

    display: str
    status: str
    message: str


def expand_paths(paths: Iterable[Path | str]) -> list[Source | Unusable]:
    """Turn files, zips and folders into the list of CSV sources to import, in a stable order.

    Folders are searched recursively for ``.csv`` and ``.zip`` files only (a ``readme.txt``
    beside the exports is not one); a subfolder that cannot be read is listed as failed, so
    that nothing in a folder is left out without a word.
    """
    out: list[Source | Unusable] = []
    for p in paths:
        path = Path(p)
        try:
            is_dir = path.is_dir()
        except OSError as exc:  # a name too long for the file system, say
            out.append(_unreadable(path, exc))
            continue
        if is_dir:
            found, unreadable = _folder_files(path)
            if not found and not unreadable:
                out.append(
                    Unusable(
                        str(path),
                        ImportStatus.FAILED,
                        f"{path}: folder holds no .csv or .zip files",
                    )
                )
            for q in found:
                out.extend(_expand_file_all(q))
            out.extend(unreadable)
            continue
        out.extend(_expand_file_all(path))
    return out


def _folder_files(folder: Path) -> tuple[list[Path], list[Unusable]]:
    """The ``.csv`` and ``.zip`` files under ``folder``, sorted, and the parts it cannot read."""
    found: list[Path] = []
    unreadable: list[Unusable] = []

    def cannot_read(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else folder
        unreadable.append(
            Unusable(
                str(where),
                ImportStatus.FAILED,
                f"{where}: cannot read this folder ({exc.strerror}); its files were not imported",
            )
        )

    for top, _dirs, names in os.walk(folder, onerror=cannot_read):
        for name in names:
            if not name.lower().endswith(FOLDER_SUFFIXES):
                continue
            q = Path(top, name)
            try:
                if q.is_file():
                    found.append(q)
                else:
                    unreadable.append(_not_a_file(q))
            except OSError as exc:
                unreadable.append(_unreadable(q, exc))
    return sorted(found), unreadable


def _not_a_file(path: Path) -> Unusable:
    """Why ``path`` (named like an export) cannot be read: a dangling link, a link loop, a FIFO."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            why = "a symbolic link that loops back on itself"
        elif path.is_symlink():
            why = f"a symbolic link to {os.readlink(path)}, which does not exist"
        else:
            why = f"cannot read ({exc.strerror})"
        return Unusable(str(path), ImportStatus.FAILED, f"{path}: {why}; not imported")
    return Unusable(str(path), ImportStatus.FAILED, _not_regular_message(path, mode))


def _not_regular_message(path: Path, mode: int) -> str:
    """One line for something that is not a regular file (reading it might never end)."""
    if stat.S_ISFIFO(mode):
        kind = "a named pipe (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISDIR(mode):
        kind = "a folder"
    else:
        kind = "not a regular file"
    return f"{path}: {kind}, not a file; only files, zips and folders are imported"


def _unreadable(path: Path, exc: OSError) -> Unusable:
    return Unusable(str(path), ImportStatus.FAILED, f"{path}: cannot read ({exc.strerror})")


def _expand_file_all(path: Path) -> list[Source | Unusable]:
    try:
        info = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return [_not_a_file(path)]
        return [Unusable(str(path), ImportStatus.FAILED, f"{path}: no such file or folder")]
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return [_not_a_file(path)]
        return [_unreadable(path, exc)]
    if not stat.S_ISREG(info.st_mode):  # a FIFO or /dev/zero would be read for ever
        return [Unusable(str(path), ImportStatus.FAILED, _not_regular_message(path, info.st_mode))]
    try:
        size = info.st_size
        with path.open("rb") as fp:
            magic = fp.read(4)
    except OSError as exc:
        return [_unreadable(path, exc)]
    if magic.startswith(b"PK") or path.suffix.lower() == ".zip":
        return _expand_zip(path)
    kind = sibling_export_kind(path.name)
    if kind:
        return [
            Unusable(
                str(path),
                ImportStatus.NOT_A_BILL_EXPORT,
                f"{path}: not an agent operation bill export ({kind})",
            )
        ]
    return [Source(str(path), path.name, size, path)]


def _expand_zip(path: Path) -> list[Source | Unusable]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return [
            Unusable(str(path), ImportStatus.FAILED, f"{path}: not a readable zip archive ({exc})")
        ]
    if not infos:
        return [Unusable(str(path), ImportStatus.NOT_A_BILL_EXPORT, f"{path}: empty zip archive")]
    names = [i.filename.rsplit("/", 1)[-1] for i in infos]
    if not any(_csv_name(n) or sibling_export_kind(n) for n in names):
        return [Unusable(str(path), ImportStatus.NOT_A_BILL_EXPORT, _no_csv_message(path, infos))]
    out: list[Source | Unusable] = []
    for info in sorted(infos, key=lambda i: i.filename):
        display = f"{path}!{info.filename}"
        base = info.filename.rsplit("/", 1)[-1]
        kind = sibling_export_kind(base)
        if kind:
            out.append(
                Unusable(
                    display,
                    ImportStatus.NOT_A_BILL_EXPORT,
                    f"{display}: not an agent operation bill export ({kind})",
                )
            )
        elif not _csv_name(base):
            out.append(
                Unusable(display, ImportStatus.NOT_A_BILL_EXPORT, f"{display}: not a CSV file")
            )
        else:
            out.append(Source(display, base, info.file_size, path, info.filename))
    return out


def _csv_name(name: str) -> bool:
    """Whether a zip member's name is that of a CSV (the platform's, or a renamed ``.txt``)."""
    return name.lower().endswith((".csv", ".txt"))


def _no_csv_message(path: Path, infos: list[zipfile.ZipInfo]) -> str:
    """One line for a zip without a single CSV in it (an Excel workbook is such a zip)."""
    names = {i.filename for i in infos}
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return (
            f"{path}: an Excel workbook, not a CSV export; open it in Excel and save it as "
            "CSV (File > Save As > CSV), then import the CSV"
        )
    return (
        f"{path}: not an agent operation bill export: the zip archive holds no CSV file "
        f"({len(infos)} other file(s), e.g. {infos[0].filename})"
    )


def sha256_of(
    source: Source, on_bytes: Callable[[int], None] | None = None, cancel: CancelToken | None = None
) -> str:
    """SHA-256 of the source's content (of the member, for a zip member)."""
    digest = hashlib.sha256()
    with source.open() as fp:
        while chunk := fp.read(_HASH_CHUNK):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
            if cancel:
                cancel.raise_if_set()
    return digest.hexdigest()

"""Row keys in order, spilled to a temporary file once they are many: flat memory at any size.

A sort the database cannot seek keeps every matching row key in order, so that a far page is read
by primary key (``viewer.gui.bill_model``). Held in memory that is 8 bytes a bill (160 MB at
20,000,000 bills); here the first ``MEMORY_KEYS`` stay in an ``array('q')`` and the rest go to an
unnamed temporary file (removed by the operating system when it is closed or the program ends),
read back a page at a time. A page is one seek and one read of 2 KB; finding a key's position reads
the file once, in chunks, off the GUI thread.
"""

from __future__ import annotations

import tempfile
import threading
from array import array
from collections.abc import Iterable, Iterator
from typing import IO, overload

from viewer.core.errors import KnownError
from viewer.core.i18n import translate

MEMORY_KEYS = 1 << 20
"""Keys kept in memory before the list spills to its file (8 MB); also the file's write unit."""

_WIDTH = array("q").itemsize


class KeyListError(KnownError):
    """The temporary folder has no room (or no permission) for the keys of a sort."""


class KeyList:
    """64-bit row keys appended in order, then read by position (``len``, slices, ``index``).

    Appending is for one thread (the reader that scans the keys); reading may then happen from
    any thread (a lock guards the file's position).
    """

    def __init__(self, memory_keys: int | None = None, folder: str | None = None) -> None:
        self._memory_keys = max(1, MEMORY_KEYS if memory_keys is None else memory_keys)
        self._folder = folder
        self._file: IO[bytes] | None = None
        self._filed = 0  # keys [0, _filed) are in the file, the rest in _tail
        self._tail = array("q")
        self._lock = threading.Lock()

    @classmethod
    def of(cls, keys: Iterable[int]) -> KeyList:
        """A list holding ``keys``."""
        out = cls()
        out.extend(keys)
        return out

    @property
    def spilled(self) -> bool:
        """Whether some keys live in the temporary file."""
        return self._file is not None

    def extend(self, keys: Iterable[int]) -> None:
        """Append ``keys``; writes the full chunks to the file beyond ``MEMORY_KEYS``."""
        self._tail.extend(keys)
        while len(self._tail) >= self._memory_keys:
            self._spill(self._tail[: self._memory_keys])
            del self._tail[: self._memory_keys]

    def _spill(self, chunk: array) -> None:
        try:
            if self._file is None:
                # kept open for the life of the list (closed by close())
                self._file = tempfile.TemporaryFile(prefix="bill-viewer-keys-", dir=self._folder)  # noqa: SIM115
            with self._lock:
                self._file.seek(self._filed * _WIDTH)
                self._file.write(chunk.tobytes())
        except OSError as exc:
            folder = self._folder or tempfile.gettempdir()
            said = translate(
                "Errors",
                "no room for the row keys of this sort in the temporary folder {folder} ({error})",
            )
            raise KeyListError(said.format(folder=folder, error=exc.strerror or exc)) from exc
        self._filed += len(chunk)

    def _read(self, start: int, stop: int) -> array:
        """Keys ``[start, stop)`` of the file part."""
        out = array("q")
        if stop > start and self._file is not None:
            with self._lock:
                self._file.seek(start * _WIDTH)
                out.frombytes(self._file.read((stop - start) * _WIDTH))
        return out

    def __len__(self) -> int:
        return self._filed + len(self._tail)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> array: ...

    def __getitem__(self, index: int | slice) -> int | array:
        n = len(self)
        if isinstance(index, slice):
            start, stop, step = index.indices(n)
            if step != 1:
                return array("q", (self[i] for i in range(start, stop, step)))
            if stop <= start:
                return array("q")
            out = self._read(start, min(stop, self._filed))
            lo, hi = max(start, self._filed) - self._filed, stop - self._filed
            if hi > 0:
                out.extend(self._tail[lo:hi])
            return out
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError("key list index out of range")
        return self._read(i, i + 1)[0] if i < self._filed else self._tail[i - self._filed]

    def chunks(self) -> Iterator[array]:
        """The keys in order, ``MEMORY_KEYS`` at a time."""
        for start in range(0, self._filed, self._memory_keys):
            yield self._read(start, min(start + self._memory_keys, self._filed))
        if self._tail:
            yield self._tail[:]

    def __iter__(self) -> Iterator[int]:
        for chunk in self.chunks():
            yield from chunk

    def index(self, key: int) -> int:
        """The position of the first ``key``; ``ValueError`` when it is not there."""
        at = 0
        for chunk in self.chunks():
            try:
                return at + chunk.index(key)
            except ValueError:
                at += len(chunk)
        raise ValueError(f"{key} is not in the key list")

    def close(self) -> None:
        """Drop the keys and the file (the list is empty afterwards)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
            self._filed = 0
            self._tail = array("q")

    def __del__(self) -> None:
        # a list dropped without close() (a superseded snapshot's): its file goes with it
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()

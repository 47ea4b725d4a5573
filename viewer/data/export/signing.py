"""Signed exports: an Ed25519 key per user, and the canonical form of a workbook it signs.

The row hash on an export's Report catches accidents, not forgery: whoever edits a cell can
recompute it. A signature can only be made with the private key, which stays in the user's data
folder (``key_dir``), readable by its owner only. It covers the canonical serialisation of the
whole workbook (``Canon``): every sheet in order with its title and every cell's type, text and
(for typed cells) number format as openpyxl reads the saved file back, the signature cell alone
excepted. The exporter feeds ``Canon`` the cells it writes; ``verify`` feeds it the cells it reads.
"""

from __future__ import annotations

import base64
import contextlib
import getpass
import hashlib
import json
import os
import socket
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from openpyxl.cell.cell import Cell
from openpyxl.styles.numbers import is_date_format, is_timedelta_format
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel, to_excel

from viewer.core.errors import KnownError
from viewer.core.i18n import QT_TRANSLATE_NOOP, translate
from viewer.data.db import data_dir

__all__ = [
    "CANON_VERSION",
    "ENV_KEY_DIR",
    "Canon",
    "existing_key",
    "SigningKey",
    "SigningKeyError",
    "fingerprint",
    "key_dir",
    "load_or_create_key",
    "load_public_key",
    "public_key_pem",
    "signature_valid",
]

ENV_KEY_DIR = "BILL_VIEWER_KEY_DIR"
"""Overrides the folder of the signing key (tests; a shared site key on a network drive)."""
PRIVATE_NAME = "signing-key.pem"
NAME_FILE = "signing-key.name"
CANON_VERSION = "agent-bill-viewer canonical workbook 1"
"""First line of the canonical serialisation (a new form gets a new number)."""
_FLUSH_EVERY = 1000
_EXACT = 10**15
"""Integers below this in size are written and read back digit for digit."""
_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


class SigningKeyError(KnownError):
    """The signing key or a public key file cannot be used (unreadable, not private, wrong type)."""


# --------------------------------------------------------------------------------------------
# Keys
# --------------------------------------------------------------------------------------------


def key_dir() -> Path:
    """``$BILL_VIEWER_KEY_DIR`` if set, else ``keys`` in the user's data folder."""
    env = os.environ.get(ENV_KEY_DIR)
    return Path(env).expanduser() if env else data_dir() / "keys"


def fingerprint(public_raw: bytes) -> str:
    """The fingerprint people compare: SHA-256 of the 32 raw public key bytes, in hex."""
    return "SHA256:" + hashlib.sha256(public_raw).hexdigest()


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class SigningKey:
    """This user's (or site's) private key, with the name it signs under."""

    name: str
    private: Ed25519PrivateKey
    path: Path
    created: bool = False
    """Made by this call (first use)."""

    @property
    def public_raw(self) -> bytes:
        """The 32 raw bytes of the public key."""
        return _raw(self.private.public_key())

    @property
    def public_b64(self) -> str:
        """The public key as the Report states it (base64 of the raw bytes)."""
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        """``fingerprint`` of the public key."""
        return fingerprint(self.public_raw)

    def sign(self, digest: bytes) -> str:
        """The base64 Ed25519 signature of a canonical digest (``Canon.digest``)."""
        return base64.b64encode(self.private.sign(_message(digest))).decode("ascii")


def _message(digest: bytes) -> bytes:
    """What is signed: the version line and the canonical serialisation's SHA-256."""
    return CANON_VERSION.encode("ascii") + b"\n" + digest


def _default_name() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service, a container)
        user = "unknown"
    return f"{user}@{socket.gethostname() or 'localhost'}"


def _check_private(path: Path) -> None:
    """Refuse a private key file others can read or write (as ssh does)."""
    if sys.platform == "win32":  # the user's profile folder is private by default
        return
    st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        said = translate(
            "Signing",
            "{path}: the private signing key must be readable by its owner only "
            "(run: chmod 600 {path})",
        )
        raise SigningKeyError(said.format(path=path))


def _load(folder: Path) -> SigningKey:
    path = folder / PRIVATE_NAME
    _check_private(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        said = translate("Signing", "{path}: not a readable private key ({error})")
        raise SigningKeyError(said.format(path=path, error=exc)) from None
    if not isinstance(key, Ed25519PrivateKey):
        said = translate("Signing", "{path}: not an Ed25519 private key")
        raise SigningKeyError(said.format(path=path))
    try:
        name = (folder / NAME_FILE).read_text(encoding="utf-8").strip() or _default_name()
    except FileNotFoundError:
        name = _default_name()
    return SigningKey(name, key, path)


def _create(folder: Path, name: str) -> None:
    """Make the key: written to a private temporary file, then linked into place.

    ``os.link`` fails if another process made the key meanwhile; its key is then used.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (folder / NAME_FILE).write_text(name + "\n", encoding="utf-8")
    tmp = folder / f".{PRIVATE_NAME}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(pem)
            fp.flush()
            os.fsync(fp.fileno())
        with contextlib.suppress(FileExistsError):  # made by another process meanwhile
            os.link(tmp, folder / PRIVATE_NAME)
    finally:
        tmp.unlink(missing_ok=True)


def load_or_create_key(folder: Path | None = None) -> SigningKey:
    """The signing key in ``folder`` (default ``key_dir()``), made on first use.

    Raises:
        SigningKeyError: The key file exists but is not private or not readable.
    """
    folder = folder if folder is not None else key_dir()
    path = folder / PRIVATE_NAME
    created = False
    try:
        if not path.exists():
            _create(folder, _default_name())
            created = True
        key = _load(folder)
    except OSError as exc:
        said = translate("Signing", "{path}: cannot use the signing key ({error})")
        raise SigningKeyError(said.format(path=path, error=exc.strerror or exc)) from None
    return replace(key, created=created)


def existing_key(folder: Path | None = None) -> SigningKey | None:
    """This user's signing key if one was made (never makes one), else None."""
    folder = folder if folder is not None else key_dir()
    if not (folder / PRIVATE_NAME).exists():
        return None
    try:
        return _load(folder)
    except (OSError, SigningKeyError):
        return None


def public_key_pem(key: SigningKey) -> bytes:
    """The public key as a PEM file to hand to an auditor (``verify --key FILE``)."""
    return key.private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_key(path: Path) -> bytes:
    """The raw public key of a PEM file written by ``key export``.

    Raises:
        SigningKeyError: Missing, unreadable, or not an Ed25519 public key.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        said = translate("Signing", "{path}: cannot read the key file ({error})")
        raise SigningKeyError(said.format(path=path, error=exc.strerror or exc)) from None
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        said = translate(
            "Signing",
            "{path}: not a public key file (expected the PEM that 'bill-viewer key export' writes)",
        )
        raise SigningKeyError(said.format(path=path)) from None
    if not isinstance(key, Ed25519PublicKey):
        said = translate("Signing", "{path}: not an Ed25519 public key")
        raise SigningKeyError(said.format(path=path))
    return _raw(key)


def signature_valid(public_b64: str, digest: bytes, signature_b64: str) -> bool:
    """Whether ``signature_b64`` is the Ed25519 signature of ``digest`` by ``public_b64``."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64, validate=True))
        public.verify(base64.b64decode(signature_b64, validate=True), _message(digest))
    except (InvalidSignature, ValueError):
        return False
    return True


# --------------------------------------------------------------------------------------------
# The canonical serialisation of a workbook
# --------------------------------------------------------------------------------------------

_CANON_METHOD = QT_TRANSLATE_NOOP(
    "Report",
    "The signature is an Ed25519 signature (RFC 8032) by the public key above of the text "
    "'{version}', a line feed, and the 32 bytes of the SHA-256 of the workbook's "
    "canonical form. That form is UTF-8 text, one JSON line per line feed: the version line, "
    'then for every sheet in workbook order ["sheet", TITLE] followed by one line per row from '
    "row 1, the row's cells in a JSON array with trailing empty cells left out. An empty cell "
    "is null, a text cell its text as the file stores it (Excel's _xHHHH_ escapes kept), any "
    'other cell an array [TYPE, NUMBER FORMAT, VALUE]: "n" a number (an integer in digits, '
    'else Python\'s repr of the float), "d" a date-time or time in ISO 8601 with a space '
    '("2026-11-02 10:15:30", fraction of a second only when there is one), "t" a duration as '
    'an integer of microseconds, "b" a boolean (TRUE, FALSE), or the file\'s own cell type '
    '(e.g. "e", "f") with the text. Values are as openpyxl\'s load_workbook reads them '
    "(dates from a date number format). The cell of this signature counts as empty. "
    "'bill-viewer verify FILE.xlsx --key PUBLIC.pem' checks it.",
)
"""How to check the signature (English source; ``version`` is :data:`CANON_VERSION`)."""

CANON_METHOD = _CANON_METHOD.format(version=CANON_VERSION)
"""How to check the signature, as the Report states it in English."""


def canon_method() -> str:
    """How to check the signature, in the current language."""
    return translate("Report", _CANON_METHOD).format(version=CANON_VERSION)


"""How to check the signature (the Report sheet states it)."""


NumberText = Callable[[int | float], str]
"""How the workbook writer writes a number into the file (what the reader parses back)."""


def openpyxl_number_text(value: int | float) -> str:
    """Number text as openpyxl's writer makes it: 16 significant digits (``safe_string``)."""
    return f"{value:.16g}"


def _number(value: int | float, number_text: NumberText) -> int | float:
    """A number as openpyxl reads back what the writer wrote (an int or a float)."""
    text = number_text(value)
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


def _typed(value: Any, fmt: str) -> list[Any]:
    """``[type, number format, text]`` of a non-text value as openpyxl reads it back."""
    if isinstance(value, bool):
        return ["b", fmt, "TRUE" if value else "FALSE"]
    if isinstance(value, int):
        return ["n", fmt, str(value)]
    if isinstance(value, float):
        return ["n", fmt, repr(value)]
    if isinstance(value, datetime):
        return ["d", fmt, value.isoformat(sep=" ")]
    if isinstance(value, date | time):
        return ["d", fmt, value.isoformat()]
    if isinstance(value, timedelta):
        return ["t", fmt, str(value // timedelta(microseconds=1))]
    return ["?", fmt, str(value)]


_STYLED_CACHE = 100_000
"""Styled values remembered by ``Canon`` (bounded: memory stays flat however long the export)."""

_DATE_KINDS: dict[str, tuple[bool, bool]] = {}
"""``(is a date format, is a duration format)`` by number format, as openpyxl's reader decides."""


def _read_back(value: Any, fmt: str, number_text: NumberText) -> Any:
    """What openpyxl's reader returns for a number or date written with number format ``fmt``."""
    if isinstance(value, datetime | date | time | timedelta):
        value = to_excel(value, WINDOWS_EPOCH)
    number = _number(value, number_text)
    kind = _DATE_KINDS.get(fmt)
    if kind is None:
        kind = _DATE_KINDS[fmt] = (is_date_format(fmt), is_timedelta_format(fmt))
    if kind[0]:
        return from_excel(number, WINDOWS_EPOCH, timedelta=kind[1])
    return number


def written_cell(
    value: Any, number_text: NumberText = openpyxl_number_text, style_format: Any = None
) -> Any:
    """The canonical item of a value as the exporter hands it to ``ws.append``.

    ``number_text`` is how the writer writes numbers (and date serials) into the file.
    """
    cls = value.__class__
    if cls is str:
        return value or None
    if value is None:
        return None
    if cls is int:
        if -_EXACT < value < _EXACT:
            return ["n", "General", str(value)]
        return _typed(_number(value, number_text), "General")
    if isinstance(value, tuple) and hasattr(value, "style") and style_format is not None:
        fmt = style_format(value.style)
        return _typed(_read_back(value.value, fmt, number_text), fmt)
    if isinstance(value, Cell):
        kind, raw = value.data_type, value._value
        if raw is None or raw == "":
            return None
        if kind == "s":
            return raw
        fmt = value.number_format
        if kind == "b":
            return _typed(bool(raw), fmt)
        if kind in ("n", "d"):
            return _typed(_read_back(raw, fmt, number_text), fmt)
        return [kind, fmt, str(raw)]
    if isinstance(value, bool):
        return _typed(value, "General")
    if isinstance(value, int | float):
        return _typed(_number(value, number_text), "General")
    if isinstance(value, datetime | date | time | timedelta):
        # openpyxl gives such a cell a default date format; the exporter never does this
        raise TypeError(f"write {type(value).__name__} values as styled cells")
    return str(value) or None


def read_cell(cell: Any) -> Any:
    """The canonical item of a cell as openpyxl's read-only reader returns it."""
    value = cell.value
    if value is None or value == "":
        return None
    if isinstance(value, str):
        kind = cell.data_type
        return value if kind in ("s", "inlineStr", "str") else [kind, "", value]
    return _typed(value, cell.number_format)


class Canon:
    """A streaming SHA-256 of a workbook's canonical form (see ``CANON_METHOD``)."""

    def __init__(
        self, number_text: NumberText = openpyxl_number_text, style_format: Any = None
    ) -> None:
        self._number_text = number_text
        self._style_format = style_format
        self._formats: dict[int, tuple[Any, str]] = {}
        """Number format by style (id; the style is kept so that its id stays its own)."""
        self._styled: dict[tuple[Any, str], Any] = {}
        """Items of styled values (date-times repeat: two a bill, a few thousand a day)."""
        self._sha = hashlib.sha256()
        self._lines: list[str] = [CANON_VERSION]

    def sheet(self, title: str) -> None:
        """A new sheet begins (sheets in workbook order)."""
        self._lines.append(json.dumps(["sheet", title], ensure_ascii=False))

    def row(self, items: Sequence[Any]) -> None:
        """A row of canonical items (``written_cell`` / ``read_cell``), from row 1 on."""
        n = len(items)
        while n and items[n - 1] is None:
            n -= 1
        self._lines.append(_encode(items[:n] if n < len(items) else items))
        if len(self._lines) >= _FLUSH_EVERY:
            self._flush()

    def written(self, values: Iterable[Any]) -> None:
        """A row as the exporter writes it (plain text, empty and small integers inline)."""
        items: list[Any] = []
        add = items.append
        for v in values:
            cls = v.__class__
            if cls is str:
                add(v or None)
            elif v is None:
                add(None)
            elif cls is int and -_EXACT < v < _EXACT:
                add(["n", "General", str(v)])
            elif self._style_format is not None and isinstance(v, tuple) and hasattr(v, "style"):
                add(self._styled_item(v.value, v.style))
            else:
                add(written_cell(v, self._number_text, self._style_format))
        self.row(items)

    def _styled_item(self, value: Any, style: Any) -> Any:
        """``written_cell`` of a styled value, remembered per value and format (the hot path)."""
        known = self._formats.get(id(style))
        if known is None:
            assert self._style_format is not None
            known = self._formats[id(style)] = (style, self._style_format(style))
        fmt = known[1]
        item = self._styled.get((value, fmt))
        if item is None:
            if len(self._styled) >= _STYLED_CACHE:
                self._styled.clear()
            item = _typed(_read_back(value, fmt, self._number_text), fmt)
            self._styled[(value, fmt)] = item
        return item

    def _flush(self) -> None:
        self._sha.update(("\n".join(self._lines) + "\n").encode("utf-8", "surrogatepass"))
        self._lines.clear()

    def digest(self) -> bytes:
        """The SHA-256 of everything so far (call once, at the end)."""
        self._flush()
        return self._sha.digest()

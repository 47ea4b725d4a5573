"""Checking exported workbooks, and the user's signing key: ``bill-viewer verify`` and ``key``.

No database is involved: a workbook carries its row hash and signature, and the key lives in
the user's data folder (``viewer.data.export.signing``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from viewer.data.export import signing
from viewer.data.export.signing import SigningKey
from viewer.data.export.verify import SignatureCheck, VerifyResult, verify_xlsx

__all__ = ["SignatureCheck", "SigningKey", "Verification", "VerifyResult", "VerifyService"]


@dataclass(frozen=True)
class Verification:
    """A workbook checked, with what its caller needs to word the outcome."""

    result: VerifyResult
    trusted_fingerprint: str = ""
    """Fingerprint of the key the caller named as the signer's (empty: none named)."""
    own_key: bool = False
    """The workbook's signature names this user's own key."""


class VerifyService:
    """Verification of exports and this user's signing key."""

    def __init__(self, key_folder: Path | None = None) -> None:
        """``key_folder``: where the key lives (default: ``signing.key_dir()``)."""
        self.key_folder = key_folder

    def verify(self, path: Path, trusted_key: Path | None = None) -> Verification:
        """Check an export's row hash, filter lists and signature.

        Args:
            path: The workbook.
            trusted_key: A PEM public key (``key export``) that must be the one that signed.

        Raises:
            ExportError: Not a readable workbook or not an export of this application.
            SigningKeyError: ``trusted_key`` cannot be read.
        """
        raw = signing.load_public_key(trusted_key) if trusted_key is not None else None
        result = verify_xlsx(path, key=raw)
        own = self.own_key()
        sig = result.signature
        return Verification(
            result,
            signing.fingerprint(raw) if raw is not None else "",
            own is not None and sig is not None and own.fingerprint == sig.fingerprint,
        )

    def own_key(self) -> SigningKey | None:
        """This user's signing key, or None if none was made yet (never makes one)."""
        return signing.existing_key(self.key_folder)

    def signing_key(self) -> SigningKey:
        """This user's signing key, made on first use (``SigningKey.created`` says so)."""
        return signing.load_or_create_key(self.key_folder)

    def public_key_pem(self, key: SigningKey) -> bytes:
        """The public half of ``key`` as PEM, for an auditor."""
        return signing.public_key_pem(key)

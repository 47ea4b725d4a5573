"""``bill-viewer key``: the signing key of this user (``show``) and its public half (``export``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from viewer.core.errors import KnownError
from viewer.core.i18n import translate
from viewer.services.verify import VerifyService


def cmd_key_show(_args: argparse.Namespace) -> int:
    """Print the key's name, fingerprint and file (making the key on first use)."""
    key = VerifyService().signing_key()
    if key.created:
        made = translate("Cli", "made a new signing key in {path}").format(path=key.path)
        sys.stderr.write(f"bill-viewer: {made}\n")
    said = translate(
        "Cli",
        "name: {name}\nfingerprint: {fingerprint}\n"
        "private key: {path} (readable by you only; never hand it out)\n",
    )
    sys.stdout.write(said.format(name=key.name, fingerprint=key.fingerprint, path=key.path))
    return 0


def cmd_key_export(args: argparse.Namespace) -> int:
    """Write the public key as PEM (to --out or standard output) for an auditor."""
    service = VerifyService()
    key = service.signing_key()
    pem = service.public_key_pem(key)
    out: Path | None = args.out
    if out is None:
        sys.stdout.write(pem.decode("ascii"))
        return 0
    try:
        out.write_bytes(pem)
    except OSError as exc:
        said = translate("Cli", "{path}: cannot write the key ({error})")
        raise KnownError(said.format(path=out, error=exc.strerror or exc)) from None
    said = translate("Cli", "wrote the public key of {name} ({fingerprint}) to {path}")
    sys.stdout.write(said.format(name=key.name, fingerprint=key.fingerprint, path=out) + "\n")
    return 0


def register(sub: Any) -> None:
    """Add ``key show`` and ``key export`` to the subcommand parser."""
    p = sub.add_parser(
        "key",
        help="show this user's export signing key or export its public key for an auditor",
        description=(
            "Exports are signed with an Ed25519 key made on first use in the user's data folder "
            "(or $BILL_VIEWER_KEY_DIR), readable by its owner only. 'key show' prints its name "
            "and fingerprint; 'key export' writes the public key, which an auditor passes to "
            "'bill-viewer verify FILE.xlsx --key FILE.pem'."
        ),
    )
    keys = p.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    show = keys.add_parser("show", help="print the key's name, fingerprint and file")
    show.set_defaults(handler=cmd_key_show)
    export = keys.add_parser("export", help="write the public key (PEM) for an auditor")
    export.add_argument(
        "--out", type=Path, metavar="FILE.pem", help="write it here (default: standard output)"
    )
    export.set_defaults(handler=cmd_key_export)

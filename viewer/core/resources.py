"""Where the application's runtime assets (icon, demo export) are, from source or a bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: inside a PyInstaller bundle, or at the top of the source tree."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def demo_export() -> Path:
    """The bundled demo export (a zip in the platform's naming)."""
    found = sorted((resources_dir() / "demo").glob("*.zip"))
    if not found:
        raise FileNotFoundError(f"no demo export in {resources_dir() / 'demo'}")
    return found[0]


def icon_path() -> Path:
    """The application icon (PNG)."""
    return resources_dir() / "icons" / "bill-viewer.png"

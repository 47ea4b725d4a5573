#!/usr/bin/env bash
# Build the one-folder application for this platform into packaging/dist/bill-viewer/.
# Needs the packaging extra: pip install -e ".[packaging]"
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python}" -m PyInstaller --noconfirm \
  --distpath packaging/dist --workpath packaging/build packaging/viewer.spec "$@"

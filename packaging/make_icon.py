"""Draw the application icon offscreen with Qt: ``resources/icons/bill-viewer.png`` (256x256).

Also writes ``bill-viewer.ico`` for Windows: with Pillow when it is installed, otherwise as an
ICO container of PNG images (valid since Windows Vista). Run from anywhere:

    python packaging/make_icon.py
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import (  # noqa: E402
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def draw(size: int = SIZE) -> QImage:
    """A rounded blue tile with a white bill sheet: a header bar over ruled table rows."""
    img = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    s = size / 256.0
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    # Tile.
    grad = QLinearGradient(0, 0, 0, size)
    grad.setColorAt(0.0, QColor("#2f7fd8"))
    grad.setColorAt(1.0, QColor("#1c4f9c"))
    tile = QPainterPath()
    tile.addRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    p.fillPath(tile, grad)

    # Sheet with a folded corner.
    sheet = QPainterPath()
    left, top, right, bottom, fold = 64 * s, 40 * s, 192 * s, 216 * s, 36 * s
    sheet.moveTo(left, top)
    sheet.lineTo(right - fold, top)
    sheet.lineTo(right, top + fold)
    sheet.lineTo(right, bottom)
    sheet.lineTo(left, bottom)
    sheet.closeSubpath()
    p.fillPath(sheet, QColor("#ffffff"))
    corner = QPainterPath()
    corner.moveTo(right - fold, top)
    corner.lineTo(right - fold, top + fold)
    corner.lineTo(right, top + fold)
    corner.closeSubpath()
    p.fillPath(corner, QColor("#c9d8ee"))

    # Table rows: a header bar and ruled lines of varying length.
    p.fillRect(QRectF(82 * s, 92 * s, 92 * s, 14 * s), QColor("#1c4f9c"))
    pen = QPen(QColor("#8aa6cf"), max(1.0, 8 * s), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    for i, length in enumerate((92, 70, 86, 60, 78)):
        y = (126 + i * 18) * s
        p.drawLine(int(86 * s), int(y), int((82 + length - 4) * s), int(y))
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    """The image encoded as PNG."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def write_ico(path: Path, images: dict[int, bytes]) -> None:
    """An ICO file whose entries are PNG images (one per size)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, blob in sorted(images.items()):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
        blobs += blob
    path.write_bytes(header + entries + blobs)


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - fonts etc.
    ICONS.mkdir(parents=True, exist_ok=True)
    png = ICONS / "bill-viewer.png"
    big = draw(SIZE)
    png.write_bytes(png_bytes(big))
    ico = ICONS / "bill-viewer.ico"
    try:
        from PIL import Image

        Image.open(png).save(ico, sizes=[(n, n) for n in ICO_SIZES])
        how = "Pillow"
    except ImportError:
        write_ico(ico, {n: png_bytes(draw(n)) for n in ICO_SIZES})
        how = "PNG-in-ICO"
    sys.stdout.write(f"wrote {png} and {ico} ({how})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Custom item data roles of the bill table model."""

from PySide6.QtCore import Qt

RAW_ROLE = int(Qt.ItemDataRole.UserRole) + 1
"""The stored value of a cell: the exported code, seconds for times, (file id, line) for source."""
PK_ROLE = int(Qt.ItemDataRole.UserRole) + 2
"""The bill's row key in the database."""
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 3
"""The whole row tuple (``viewer.core.columns.ROW_FIELDS`` order)."""

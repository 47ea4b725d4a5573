"""Data layer: SQLite through SQLAlchemy, CSV reading, spreadsheet writing. No Qt."""

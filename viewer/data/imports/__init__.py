"""The import feature's data side: finding sources, reading CSV, loading into the database.

- ``sources``: files, zips and folders to ``Source`` items, hashing;
- ``csv_source``: reading an export (layout, encodings, rows and rejected lines);
- ``loading``: one transaction per file: the ledger, duplicates and conflicts, bulk loads and
  the two-process reading of big files (``import_paths``, ``import_source``);
- ``parallel``: the child process that reads the second part of a big file.

Empty on purpose: the child process imports ``parallel`` through this package and must not load
SQLAlchemy (``loading`` does).
"""

"""Export of the bills in view to an xlsx workbook an auditor accepts, and its verification.

``exporter.export_xlsx`` writes exactly the filtered view, typed, with its provenance: "Bills"
(continued in "Bills (2)", ... past Excel's rows), the caller's extra sheets, "Filter <field>"
sheets for a filter too long for one cell, and "Report" (who, when, which database, filter and
source files, the counts, a SHA-256 over the rows and an Ed25519 signature of the workbook).

The modules, in the order an export runs through them:

* ``exporter``: ``export_xlsx``, the orchestration (one database snapshot, then the sheets).
* ``target``: the target file: checks, hidden part folder and lock, OS error messages, and the
  removal of what killed exports left (``remove_stale_parts``).
* ``reads``: what is read besides the bills: SQLite's quick check, the source file ledger.
* ``cells``: a value as a typed cell (formula-safe text, escapes, cuts, date-times), widths.
* ``workbook``: the workbook over openpyxl's writer (``xlsx_stream``): sheets, print settings,
  tables split over sheets, the caller's ``SheetSpec`` sheets.
* ``bill_rows``: the Bills sheet's rows and their hash.
* ``report``: the Report sheet and the filter list sheets.
* ``signing``: the user's Ed25519 key and the workbook's canonical form that it signs.
* ``verify``: reading an export back (``verify_xlsx``, ``read_export_filter``).
* ``investigation_sheets``: the investigation's Summary and Anomalies as ``SheetSpec``s.
* ``xlsx_stream``: the streaming zip writer under ``workbook``.
"""

"""Export of the bills in view to an xlsx workbook an auditor accepts, and its verification."""

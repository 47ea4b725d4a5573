"""Pure-Python core: code tables, records, filters, task plumbing. No Qt, no SQLAlchemy."""

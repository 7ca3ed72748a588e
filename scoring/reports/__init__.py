"""Reports built from scoring results (JSON now; workbooks later)."""

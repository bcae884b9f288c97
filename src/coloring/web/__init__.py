"""`coloring serve`: the auditor's workbench in the browser (read only)."""

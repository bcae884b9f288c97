"""The pilot folder boundary: reading and validating the CSV files of the pilot data contract."""

"""The domain: coloured units, documents, the registry and the rules. No I/O here."""

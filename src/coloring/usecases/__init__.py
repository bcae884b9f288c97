"""The use cases of the ledger, apart from its unit of work: one method each, records in, plain
results out. Each works through the unit of work it is given (`coloring.store.LedgerStore`:
aggregates in use, record order, batched saves with the record index); the application
(`coloring.application.ColoringApplication`) holds them and the store, and offers the use
cases' methods as its own."""

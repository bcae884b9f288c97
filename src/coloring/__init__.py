"""coloring: an event-sourced ledger of coloured budget money."""

__version__ = "0.1.0"

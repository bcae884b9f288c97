"""The domain: coloured units, documents, the registry and the rules. No I/O here.

Importing the domain defines every aggregate and so registers every stored event's topic: the
store resolves an event by its topic alone, including kinds the application no longer writes
(the per-animal `animals.Animal` of older ledgers).
"""

from coloring.domain import acts, aggregates, animals, documents, prices, registry

__all__ = ["acts", "aggregates", "animals", "documents", "prices", "registry"]

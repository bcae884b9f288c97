"""Subcontract chains of one folder: a contract may not be its own ancestor."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple


class Linked(NamedTuple):
    """What the checks across contracts look at of a contract (the first row of its id): a
    large folder has ~0.5M contracts, ~0.5 KB each as records with their lines."""

    parent: str | None
    program_id: str
    customer: str
    contractor: str
    line: int


def cycles(contracts: Mapping[str, Linked]) -> Iterator[tuple[str, str]]:
    """Each contract on a cycle of parents, with the message naming the chain from it back to
    itself, in the order a walk from each contract in turn first meets them."""
    parent_of = {
        contract_id: c.parent
        for contract_id, c in contracts.items()
        if c.parent is not None and c.parent in contracts
    }
    done: set[str] = set()
    for start in parent_of:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done and node not in on_path:
            on_path[node] = len(path)
            path.append(node)
            node = parent_of.get(node)
        if node is not None and node in on_path:
            cycle = path[on_path[node] :]
            for i, member in enumerate(cycle):
                chain = [*cycle[i:], *cycle[:i], member]
                yield member, f"contract {member!r} is its own ancestor ({' > '.join(chain)})"
        done.update(path)

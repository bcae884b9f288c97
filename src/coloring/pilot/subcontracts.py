"""Subcontract chains of one folder: a contract may not be its own ancestor."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from coloring.domain.records import ContractRecord


def cycles(records: Mapping[str, tuple[ContractRecord, int]]) -> Iterator[tuple[str, str]]:
    """Each contract on a cycle of parents, with the message naming the chain from it back to
    itself, in the order a walk from each contract in turn first meets them."""
    parent_of = {
        c.contract_id: c.parent_contract_id
        for c, _ in records.values()
        if c.parent_contract_id is not None and c.parent_contract_id in records
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

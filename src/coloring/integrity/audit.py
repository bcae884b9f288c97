"""`verify`: every check an auditor needs, in one pass over the stored log.

1. The hash chain, recomputed from the first event (`chain.recompute`), and a seal if given.
2. Every event decoded and applied to its aggregate with the library's own `mutate`, from the
   first event and never from a snapshot; each stored snapshot compared with that replay at its
   version; the units of every program checked (`coloring.integrity.replay`).
3. The record index (`ledger_records`) against the `seq` the events carry.
4. The read models rebuilt in a scratch space from the same decoded events and compared with
   the live ones, plus conservation and "no holder ever below zero" on both.

Damaged rows are findings with their position, never exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coloring.integrity.chain import ChainReport, event_table, recompute
from coloring.integrity.merkle import merkle_root
from coloring.integrity.replay import Problem, Replay, last_versions, reason, stored_snapshots
from coloring.integrity.seal import Seal
from coloring.persistence import RECORDS_TABLE
from coloring.projections.runner import ProjectionRunner
from coloring.projections.verify import conservation, differences, negative_holdings

if TYPE_CHECKING:
    from coloring.store import LedgerStore


@dataclass
class Audit:
    chain: ChainReport
    problems: list[Problem] = field(default_factory=list)
    snapshots: int = 0
    aggregates: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def audit(store: LedgerStore, runner: ProjectionRunner, seal: Seal | None = None) -> Audit:
    """Run every check; the read models are caught up first (a failure is a finding)."""
    problems: list[Problem] = []
    replay = Replay(store, stored_snapshots(runner, store), last_versions(runner, store))
    chain = recompute(
        runner.db, store, on_row=replay.feed, keep_link_at=None if seal is None else seal.position
    )
    replay.finish()
    if chain.unchained:
        problems.append(
            Problem(
                "chain",
                chain.unchained[0],
                f"{len(chain.unchained)} event(s) from here to position {chain.unchained[-1]} "
                "are not chained (written before the chain existed, or their links were "
                "removed); `coloring migrate` chains them as they are now",
            )
        )
    problems.extend(Problem("chain", p, m) for p, m in chain.breaks)
    if seal is not None:
        problems.extend(check_seal(chain, seal))
    problems.extend(replay.problems)
    problems.extend(_index_problems(runner, replay.seqs))
    problems.extend(_read_model_problems(store, runner, replay))
    problems.sort(key=lambda p: (p.position is None, p.position or 0))
    return Audit(chain, problems, len(replay.snapshots), replay.replayed)


def check_seal(chain: ChainReport, seal: Seal) -> list[Problem]:
    found = []

    def problem(message: str) -> None:
        found.append(Problem("seal", seal.position, message))

    if len(chain.leaves) < seal.size:
        end = chain.head[0] if chain.head else 0
        problem(
            f"the log was truncated: the seal covers {seal.size} chained events up to this "
            f"position, the log now holds {len(chain.leaves)} (ending at position {end})"
        )
        return found
    if chain.first_chained != seal.first_position:
        problem(
            f"the chain now starts at position {chain.first_chained}, the seal's at "
            f"{seal.first_position}"
        )
    if chain.positions[seal.size - 1] != seal.position if seal.size else seal.position != 0:
        problem("the sealed head is no longer the event at this position")
    link = chain.link_at.get(seal.position)
    if link is None or link.hex() != seal.chain_hash:
        problem(
            "the chain recomputed up to this position differs from the sealed one: an event "
            "at or before it was changed, removed or inserted"
        )
    if merkle_root(chain.leaves[: seal.size]).hex() != seal.merkle_root:
        problem("the Merkle root of the sealed events differs from the seal's")
    return found


def _index_problems(runner: ProjectionRunner, seqs: dict[int, int]) -> list[Problem]:
    found = []
    indexed: set[int] = set()
    for kind, key, seq in runner.db.query(
        f"SELECT kind, key, seq FROM {RECORDS_TABLE} ORDER BY seq, kind, key"
    ):
        indexed.add(int(seq))
        if int(seq) not in seqs:
            shown = str(key).replace("\x1f", "|")
            found.append(
                Problem(
                    "index",
                    None,
                    f"{kind} {shown!r} is indexed at seq {seq}, which no event carries: the "
                    "index was edited or the event removed",
                )
            )
    for seq, position in sorted(seqs.items(), key=lambda kv: kv[1]):
        if seq not in indexed:
            found.append(
                Problem(
                    "index",
                    position,
                    f"the event carries record seq {seq}, which the record index lacks: "
                    "index rows were removed or edited",
                )
            )
    return found


def _read_model_problems(
    store: LedgerStore, runner: ProjectionRunner, replay: Replay
) -> list[Problem]:
    found = []
    table, column = event_table(runner.db, store)
    top = int(runner.db.query(f"SELECT MAX({column}) FROM {table}")[0][0] or 0)
    folded = runner.position()
    if folded > top:
        found.append(
            Problem(
                "read models",
                folded,
                f"the read models say they folded the log up to here, but it ends at {top}: "
                "events were removed (or the position was edited)",
            )
        )
    try:
        runner.run()
    except Exception as e:
        found.append(
            Problem(
                "read models",
                folded + 1,
                f"catching the read models up from here failed ({reason(e)}); "
                "`coloring rebuild` replays them once the log is sound",
            )
        )
    if replay.scratch is not None:
        found.extend(
            Problem("read models", None, d) for d in differences(replay.scratch.db, runner.db)
        )
        for d in conservation(replay.scratch.db):
            found.append(Problem("units", None, f"the events imply: {d}"))
        for program, holder, _, seq, held in negative_holdings(replay.scratch.db):
            found.append(
                Problem(
                    "units",
                    replay.seqs.get(seq),
                    f"{holder} holds {held} tiyn of {program} after this event: "
                    "a payment of units its payer did not hold",
                )
            )
    found.extend(Problem("read models", None, f"live: {d}") for d in conservation(runner.db))
    return found

"""`coloring verify`, `rebuild`, `seal`, `prove`, `check-proof` and `migrate`: the evidence an
auditor can rely on. `cli.py` imports this module when one of them runs (`cli.register(app,
"verify", ...)` adds them to another typer app); they use the CLI's ledger opening, imported
when a command runs."""

from __future__ import annotations

import json
import sys
from bisect import bisect_left
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from coloring.cli_options import DbOption, WaitOption
from coloring.clock import utc_now
from coloring.i18n import _
from coloring.integrity.merkle import audit_path, merkle_root
from coloring.integrity.seal import (
    EvidenceFileError,
    Seal,
    check_proof,
    proof_document,
    read_seal,
)

if TYPE_CHECKING:
    from coloring.integrity.audit import Audit
    from coloring.integrity.chain import ChainReport
    from coloring.projections.runner import ProjectionRunner
    from coloring.store import LedgerStore

SealOption = Annotated[
    Path | None,
    typer.Option(
        "--seal", help="A seal printed by `coloring seal`: check that the ledger extends it."
    ),
]


def _seal(path: Path | None) -> Seal | None:
    return None if path is None else _read_seal(path)


def _read_seal(path: Path) -> Seal:
    from coloring.cli import fail

    try:
        return read_seal(path)
    except EvidenceFileError as e:
        fail(str(e), 2)


def verify(
    db: DbOption = None,
    seal_file: SealOption = None,
    fmt: Annotated[
        Literal["text", "json"],
        typer.Option("--format", help="text (one finding a line) or json."),
    ] = "text",
) -> None:
    """Check the ledger as an auditor would: the hash chain from the first event (and the seal),
    every aggregate replayed from its events and compared with the stored snapshots, no holder
    ever below zero, the record index, the read models. Exit 1 naming each finding's position."""
    from coloring.cli import err, fail, ledger
    from coloring.integrity.audit import audit

    sealed = _seal(seal_file)
    with ledger(db, catch_up=False) as (app, runner):
        result = audit(app.store, runner, sealed)
    if fmt == "json":
        sys.stdout.write(json.dumps(_as_dict(result, sealed), indent=1) + "\n")
    else:
        for problem in result.problems:
            sys.stdout.write(problem.line() + "\n")
    chain = result.chain
    if result.ok and chain.head is None:
        err.print("verified: the ledger holds no event", highlight=False)
        return
    if result.ok:
        head = chain.head
        err.print(
            f"verified: {chain.events} events, chained from position {chain.first_chained} to "
            f"{head[0] if head else 0}; every aggregate replays ({result.aggregates}), "
            f"{result.snapshots} snapshot(s) match, the record index and the read models agree, "
            "money is conserved"
            + ("" if sealed is None else f"; the ledger extends the seal at {sealed.position}"),
            highlight=False,
        )
        return
    first = next((p for p in result.problems if p.position is not None), result.problems[0])
    fail(
        f"{len(result.problems)} finding(s); the first: {first.line().splitlines()[0]}",
        1,
    )


def _as_dict(result: Audit, sealed: Seal | None) -> dict[str, Any]:
    chain = result.chain
    return {
        "ok": result.ok,
        "events": chain.events,
        "chain": {
            "first_position": chain.first_chained,
            "head_position": chain.head[0] if chain.head else None,
            "head_hash": chain.head[1].hex() if chain.head else None,
        },
        "seal": None if sealed is None else sealed.as_dict(),
        "problems": [
            {"check": p.check, "position": p.position, "message": p.message}
            for p in result.problems
        ],
    }


def _refuse_broken(chain: ChainReport, doing: str) -> None:
    from coloring.cli import fail

    if chain.breaks:
        position, message = chain.breaks[0]
        fail(
            f"the hash chain is broken at position {position} ({message}; "
            f"{len(chain.breaks)} break(s) in all): refusing to {doing}; "
            "`coloring verify` lists them",
            1,
        )


def rebuild(db: DbOption = None, wait: WaitOption = 0.0) -> None:
    """Drop the read models and replay them from the event log (never changes an event). The
    hash chain is checked page by page as the log is read: at a break the rebuild stops before
    folding the tampered page, and exits 1 naming the position."""
    from coloring.cli import err, fail, ledger
    from coloring.integrity.chain import ChainBrokenError, ChainGuard

    with ledger(db, catch_up=False, write="rebuild", wait=wait) as (_application, runner):
        guard = ChainGuard(runner.db)
        runner.log.inspect = guard
        try:
            n = runner.rebuild()
            guard.finish()
        except ChainBrokenError as e:
            fail(
                f"the hash chain is broken at position {e.position} ({e.reason}): the read models "
                f"were rebuilt only up to position {runner.position()}, nothing after it was "
                "folded; `coloring verify` lists every finding",
                1,
            )
        except Exception as e:
            # A chain-valid log can still be inconsistent (a forger who recomputed the links).
            fail(
                f"the read models cannot be rebuilt from the log ({type(e).__name__}: {e}); "
                "`coloring verify` names the events at fault",
                1,
            )
        unchained = guard.check.report.unchained
        if unchained:
            err.print(
                f"warning: {len(unchained)} event(s) from position {unchained[0]} "
                "are not chained and cannot be checked; `coloring migrate` chains them",
                highlight=False,
            )
    err.print(_("rebuilt the read models from {n} events").format(n=n), highlight=False)


def _sound_chain(
    store: LedgerStore, runner: ProjectionRunner, keep_link_at: int | None = None
) -> ChainReport:
    from coloring.cli import fail
    from coloring.integrity.chain import recompute

    chain = recompute(runner.db, store, keep_link_at=keep_link_at)
    _refuse_broken(chain, "vouch for it")
    if chain.unchained:
        fail(
            f"{len(chain.unchained)} event(s) from position {chain.unchained[0]} are not "
            "chained; run `coloring migrate` first",
            1,
        )
    return chain


def seal(db: DbOption = None) -> None:
    """Print the head of the log as JSON (position, chain hash, Merkle root, instant) for an
    auditor to keep or sign. Recomputes the chain first: a broken chain is never sealed."""
    from coloring.cli import err, fail, ledger

    with ledger(db, catch_up=False) as (app, runner):
        chain = _sound_chain(app.store, runner)
    if chain.head is None:
        fail("the ledger holds no event: nothing to seal", 1)
    position, link = chain.head
    result = Seal(
        position=position,
        chain_hash=link.hex(),
        size=len(chain.leaves),
        merkle_root=merkle_root(chain.leaves).hex(),
        first_position=chain.positions[0],
        sealed_at=utc_now(),
    )
    sys.stdout.write(json.dumps(result.as_dict(), indent=1) + "\n")
    err.print(f"sealed {result.size} events up to position {position}", highlight=False)


def prove(
    event: Annotated[
        str, typer.Argument(help="A transfer or allocation id, or a position in the log.")
    ],
    seal_file: Annotated[
        Path, typer.Option("--seal", help="The seal the proof is against (`coloring seal`).")
    ],
    db: DbOption = None,
) -> None:
    """Print, as JSON, a proof that one event (a payment) is in the sealed log: the event, its
    leaf index and the audit path to the seal's Merkle root. `coloring check-proof` checks it
    without the database."""
    from coloring.cli import fail, ledger
    from coloring.integrity.audit import check_seal
    from coloring.integrity.chain import stored_rows

    sealed = _read_seal(seal_file)
    with ledger(db) as (app, runner):
        position = _position(runner, event)
        chain = _sound_chain(app.store, runner, keep_link_at=sealed.position)
        problems = check_seal(chain, sealed)
        if problems:
            fail(f"the ledger does not extend this seal: {problems[0].line()}", 1)
        index = bisect_left(chain.positions, position)
        if index >= len(chain.positions) or chain.positions[index] != position:
            fail(f"there is no event at position {position}", 1)
        if index >= sealed.size:
            fail(
                f"the event at position {position} was written after the seal (which ends at "
                f"{sealed.position}); seal again to prove it",
                1,
            )
        row = stored_rows(runner.db, app.store, position, position + 1)[0]
        path = audit_path(index, chain.leaves[: sealed.size])
    document = proof_document(
        (row[0], row[1], int(row[2]), str(row[3]), bytes(row[4])), index, sealed.size, path, sealed
    )
    sys.stdout.write(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


def _position(runner: ProjectionRunner, event: str) -> int:
    from coloring.cli import fail

    if event.isdigit():
        return int(event)
    found = runner.db.query(
        "SELECT notification_id FROM rm_movements WHERE movement_id = ?", (event,)
    )
    if not found:
        fail(f"no transfer or allocation {event!r} in the ledger (or give a position)", 1)
    return int(found[0][0])


def check_proof_command(
    proof: Annotated[Path, typer.Argument(help="A proof printed by `coloring prove`.")],
    seal_file: Annotated[Path, typer.Option("--seal", help="The seal to check the proof against.")],
) -> None:
    """Check an inclusion proof against a seal, with no database: exit 0 and the proven event on
    stdout if it holds, exit 1 if not. The algorithm is in docs/integrity.md."""
    from coloring.cli import err, fail

    sealed = _read_seal(seal_file)
    try:
        result = check_proof(proof, sealed)
    except EvidenceFileError as e:
        fail(str(e), 2)
    if not result.ok:
        fail(f"the proof does not hold: {result.reason}", 1)
    sys.stdout.write(json.dumps(result.event, indent=1, ensure_ascii=False) + "\n")
    err.print(
        f"the proof holds: this event is {result.reason} sealed at {sealed.sealed_at}",
        highlight=False,
    )


def migrate(db: DbOption = None, wait: WaitOption = 0.0) -> None:
    """Chain the events written before the hash chain existed. This vouches for them AS THEY ARE
    NOW (check them first) and re-links the whole chain: seals taken before no longer match."""
    from coloring.cli import err, ledger
    from coloring.integrity.chain import recompute
    from coloring.integrity.migrate import chain_unchained

    with ledger(db, catch_up=False, write="migrate", wait=wait) as (app, runner):
        chain = recompute(runner.db, app.store)
        _refuse_broken(chain, "migrate")
        if not chain.unchained:
            err.print("every event is chained: nothing to migrate", highlight=False)
            return
        n = chain_unchained(runner.db, app.store)
    err.print(
        f"chained {n} events from position 1; earlier seals no longer match: seal again",
        highlight=False,
    )

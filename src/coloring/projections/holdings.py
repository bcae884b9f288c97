"""Holdings at an instant: each holder's balance after its last movement at or before it."""

from __future__ import annotations

from coloring.projections import schema
from coloring.projections.db import Database


def holdings_at(db: Database, t: int, program_id: str | None = None) -> list[tuple[str, str, int]]:
    """(program, participant, held) after every record at or before `t`: for each holder that
    ever held, its balance after its last movement at or before `t` (one index seek each),
    or the balances now less what moved after `t` when that is fewer rows to read."""
    back = _back_from_now(db, t, program_id)
    if back is not None:
        return back
    with db.transaction(commit=False) as c:
        keyed = schema.steps_keyed(c)
    if not keyed:
        # A first load or a rebuild builds the key at its end: a reader meanwhile would scan
        # every step once a holder (at 17k holders and 360k steps, minutes).
        return _read_back(db, t, program_id)
    where = "WHERE h.program_id = ? " if program_id else ""
    rows = db.query(
        "SELECT program_id, participant_id, held FROM (SELECT h.program_id, h.participant_id, "
        "(SELECT s.held FROM rm_balance_steps s WHERE s.program_id = h.program_id "
        "AND s.participant_id = h.participant_id AND s.at_us <= ? "
        "ORDER BY s.at_us DESC, s.seq DESC LIMIT 1) AS held "
        f"FROM rm_holders h {where}) AS at_t WHERE held > 0 "
        "ORDER BY program_id, participant_id",
        (t, program_id) if program_id else (t,),
    )
    return [(p, h, int(v)) for p, h, v in rows]


def _back_from_now(
    db: Database, t: int, program_id: str | None
) -> list[tuple[str, str, int]] | None:
    """`holdings_at` from `rm_holdings` (the balances after every movement) less the applied
    movements after `t`, as each moves a balance (`schema.BACKFILL_BALANCE_STEPS`); None if
    those movements are as many as the holders: the seeks are then fewer reads. At a program's
    expiry (UNRETURNED_AFTER_EXPIRY) a few hundred movements came after, for 30,000 holders
    (on PostgreSQL, 200k payments: 1.4 ms against 18-57 ms of seeks for the largest program).
    Summed and sorted in SQL, as the seeks are: in the database's order of ids."""
    where, params = _program(program_id)
    holders = db.query(f"SELECT COUNT(*) FROM rm_holders WHERE {where}", params)[0][0]
    # Counted on an index alone (the applied ones are no more), stopping at `holders`.
    counted = db.query(
        f"SELECT COUNT(*) FROM (SELECT 1 FROM rm_movements WHERE {where} AND at_us > ? LIMIT ?) "
        "AS later",
        [*params, t, holders],
    )[0][0]
    if counted >= holders:
        return None
    return _read_back(db, t, program_id)


def _read_back(db: Database, t: int, program_id: str | None) -> list[tuple[str, str, int]]:
    """`holdings_at` as `rm_holdings` less the applied movements after `t`, whatever their
    number: one pass over those movements."""
    where, params = _program(program_id)
    later = f"FROM rm_movements WHERE {where} AND at_us > ? AND status = 'applied'"
    rows = db.query(
        "SELECT program_id, participant_id, SUM(held) FROM ("
        f"SELECT program_id, participant_id, held FROM rm_holdings WHERE {where} "
        f"UNION ALL SELECT program_id, payee, -amount {later} AND outcome = 'held' "
        f"UNION ALL SELECT program_id, payer, amount {later} AND kind = 'transfer'"
        ") AS back GROUP BY program_id, participant_id HAVING SUM(held) > 0 "
        "ORDER BY program_id, participant_id",
        [*params, *params, t, *params, t],
    )
    return [(p, h, int(v)) for p, h, v in rows]


def _program(program_id: str | None) -> tuple[str, list[str]]:
    """The condition on `program_id`, and its parameters, that reads one program or all."""
    return ("program_id = ?", [program_id]) if program_id else ("1 = 1", [])

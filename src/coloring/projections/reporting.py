"""The report's and the scenarios' questions to the read models, each one SQL aggregate that
returns plain values (`coloring.report` and `coloring.scenarios.report` shape them).

SQL is portable (SQLite >= 3.28 and PostgreSQL: window functions, `VALUES` lists, ordinal
GROUP BY); every sum is converted with `int()` because PostgreSQL returns `SUM(BIGINT)` as a
decimal. `t` is the evaluation instant (microseconds, UTC); `only` a program the question is
limited to, or None for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from coloring.domain.time import DAY_US
from coloring.projections.db import Database


def number(value: int | Decimal | None) -> int:
    """A count or sum as an int (PostgreSQL sums are decimals; None, for no rows, is 0)."""
    return int(value or 0)


CHUNK = 500
"""Ids per `IN (...)` list: under SQLite's smallest limit of bound parameters."""


def _only(only: str | None, alias: str = "") -> tuple[str, list[str]]:
    """` AND <alias>.program_id = ?` and its parameter when the question is for one program."""
    if only is None:
        return "", []
    column = f"{alias}.program_id" if alias else "program_id"
    return f" AND {column} = ?", [only]


def _node(table: str, column: str, party: str, keys: Sequence[str]) -> str:
    """SQL for the flow node of `table.column` (a participant of `table.program_id` whose
    rm_participants row is `party`): itself when one of `keys` ("program|participant") or a
    treasury, else `*role`. Its parameters are `keys`."""
    marks = ",".join("?" * len(keys)) or "NULL"
    return (
        f"CASE WHEN {party}.role = 'treasury' OR {table}.program_id || '|' || "
        f"{table}.{column} IN ({marks}) THEN {table}.{column} ELSE '*' || {party}.role END"
    )


# -- the ledger ----------------------------------------------------------------------------


def final_roles(db: Database) -> dict[str, str]:
    """Program id -> its final roles, space separated."""
    return {
        str(p): str(roles)
        for p, roles in db.query("SELECT program_id, final_roles FROM rm_programs")
    }


def program_ids(db: Database) -> list[str]:
    return [str(p) for (p,) in db.query("SELECT program_id FROM rm_programs ORDER BY program_id")]


def ledger_mode(db: Database) -> str | None:
    rows = db.query("SELECT value FROM rm_meta WHERE key = 'mode'")
    return str(rows[0][0]) if rows else None


def latest_offset(db: Database) -> int | None:
    """The UTC offset (minutes) of the latest movement, the one a report's instant is shown in."""
    rows = db.query("SELECT at_offset FROM rm_movements ORDER BY at_us DESC, seq DESC LIMIT 1")
    return int(rows[0][0]) if rows else None


def first_allocation(db: Database) -> str | None:
    rows = db.query("SELECT allocation_id FROM rm_allocations ORDER BY allocation_id LIMIT 1")
    return str(rows[0][0]) if rows else None


Movement = tuple[str, str, str, str, str, int, int, str, str | None]
"""movement_id, kind, program_id, payer, payee, amount, at_us, status, outcome."""


def movements_until(db: Database, t: int) -> list[Movement]:
    """Every movement at or before `t`, in the ledger's order."""
    return [
        (mid, kind, pid, payer, payee, number(amount), number(at_us), status, outcome)
        for mid, kind, pid, payer, payee, amount, at_us, status, outcome in db.query(
            "SELECT movement_id, kind, program_id, payer, payee, amount, at_us, status, outcome "
            "FROM rm_movements WHERE at_us <= ? ORDER BY seq",
            (t,),
        )
    ]


def _in_chunks(db: Database, sql: str, ids: Sequence[str]) -> list[tuple[object, ...]]:
    """`sql` (ending in `IN `) over every id, CHUNK at a time."""
    rows: list[tuple[object, ...]] = []
    for i in range(0, len(ids), CHUNK):
        chunk = list(ids[i : i + CHUNK])
        rows.extend(db.query(f"{sql}({','.join('?' * len(chunk))})", chunk))
    return rows


def roles(db: Database, ids: Sequence[str]) -> dict[str, str]:
    """Participant id -> role, for these participants."""
    sql = "SELECT participant_id, role FROM rm_participants WHERE participant_id IN "
    return {str(pid): str(role) for pid, role in _in_chunks(db, sql, ids)}


def regions(db: Database, ids: Sequence[str]) -> dict[str, str]:
    """Participant id -> region ("" when none), for these participants."""
    sql = "SELECT participant_id, region FROM rm_participants WHERE participant_id IN "
    return {str(pid): str(region or "") for pid, region in _in_chunks(db, sql, ids)}


def participants(db: Database, ids: Sequence[str]) -> list[tuple[str, str, str, str | None]]:
    """(id, name, role, region) of these participants (at most CHUNK)."""
    return [
        (pid, name, role, region)
        for pid, name, role, region in db.query(
            "SELECT participant_id, name, role, region FROM rm_participants "
            f"WHERE participant_id IN ({','.join('?' * len(ids))})",
            list(ids),
        )
    ]


# -- flows ---------------------------------------------------------------------------------


def top_payees(
    db: Database, t: int, only: str | None, top: int
) -> list[tuple[str, str, str, str, str | None, int]]:
    """Per program and role, the `top` participants by held money received: (program, id,
    name, role, region, how many participants the role has), by program, role and rank."""
    where, params = _only(only)
    rows = db.query(
        "WITH inflow AS (SELECT program_id, payee, SUM(amount) AS v FROM rm_movements "
        f"WHERE status = 'applied' AND outcome = 'held' AND at_us <= ?{where} "
        "GROUP BY program_id, payee), "
        "ranked AS (SELECT i.program_id, i.payee, p.name, p.role, p.region, ROW_NUMBER() OVER "
        "(PARTITION BY i.program_id, p.role ORDER BY i.v DESC, i.payee) AS rk, "
        "COUNT(*) OVER (PARTITION BY i.program_id, p.role) AS n "
        "FROM inflow i JOIN rm_participants p ON p.participant_id = i.payee) "
        "SELECT program_id, payee, name, role, region, rk, n FROM ranked WHERE rk <= ? "
        "ORDER BY program_id, role, rk",
        [t, *params, top],
    )
    return [(p, pid, name, role, region, number(n)) for p, pid, name, role, region, _, n in rows]


def node_links(
    db: Database, t: int, only: str | None, keys: Sequence[str]
) -> list[tuple[str, str, str, int, int]]:
    """(program, source node, target node or sink, amount, payments) of the applied movements,
    nodes as `_node` names them; the sink of a payment out of the queues is `=returned` or
    `=spent_ok`."""
    where, params = _only(only, "m")
    rows = db.query(
        f"SELECT m.program_id, {_node('m', 'payer', 'pa', keys)}, "
        f"CASE WHEN m.outcome = 'held' THEN {_node('m', 'payee', 'pb', keys)} "
        "WHEN m.outcome = 'returned' THEN '=returned' ELSE '=spent_ok' END, "
        "SUM(m.amount), COUNT(*) "
        "FROM rm_movements m JOIN rm_participants pa ON pa.participant_id = m.payer "
        "JOIN rm_participants pb ON pb.participant_id = m.payee "
        f"WHERE m.status = 'applied' AND m.at_us <= ?{where} "
        "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        [*keys, *keys, t, *params],
    )
    return [(p, s, d, number(amount), number(count)) for p, s, d, amount, count in rows]


def _queued_deliveries(columns: str, where_d: str) -> str:
    """The query's first table, `d`: the deliveries up to an instant (a parameter after any in
    `columns`), each with `columns` and `queue_end`, where it ends in its holder's queue (units
    leave in the order they came: the running sum of the holder's deliveries by instant, then
    by the ledger's order)."""
    return (
        f"WITH d AS (SELECT d.program_id, d.holder, d.amount, {columns}, "
        "SUM(d.amount) OVER (PARTITION BY d.program_id, d.holder ORDER BY d.at_us, mv.seq "
        "ROWS UNBOUNDED PRECEDING) AS queue_end "
        "FROM rm_deliveries d JOIN rm_movements mv ON mv.movement_id = d.delivery_id "
        f"WHERE d.at_us <= ?{where_d}), "
    )


def remaining(
    db: Database, t: int, only: str | None, keys: Sequence[str]
) -> list[tuple[str, str, int, int]]:
    """(program, node, idle, held within the limit) at the instant: a holder's units leave in
    the order they came, so delivery d still has `clamp(received up to d - paid out, 0, d)`."""
    where_d, params_d = _only(only, "d")
    where_o, params_o = _only(only)
    rows = db.query(
        _queued_deliveries(
            "CASE WHEN d.at_us + d.idle_limit_us < ? THEN 1 ELSE 0 END AS late", where_d
        )
        + "o AS (SELECT program_id, payer AS holder, SUM(amount) AS v FROM rm_movements "
        f"WHERE status = 'applied' AND kind = 'transfer' AND at_us <= ?{where_o} "
        "GROUP BY program_id, payer), "
        "r AS (SELECT d.program_id, d.holder, d.late, d.amount, "
        "d.queue_end - COALESCE(o.v, 0) AS left_end FROM d LEFT JOIN o "
        "ON o.program_id = d.program_id AND o.holder = d.holder), "
        "s AS (SELECT program_id, holder, late, CASE WHEN left_end <= 0 THEN 0 "
        "WHEN left_end >= amount THEN amount ELSE left_end END AS rest FROM r) "
        f"SELECT s.program_id, {_node('s', 'holder', 'ph', keys)}, "
        "SUM(CASE WHEN s.late = 1 THEN s.rest ELSE 0 END), "
        "SUM(CASE WHEN s.late = 1 THEN 0 ELSE s.rest END) "
        "FROM s JOIN rm_participants ph ON ph.participant_id = s.holder "
        "GROUP BY 1, 2 HAVING SUM(s.rest) > 0 ORDER BY 1, 2",
        [t, t, *params_d, t, *params_o, *keys],
    )
    return [(p, k, number(idle), number(held)) for p, k, idle, held in rows]


# -- series --------------------------------------------------------------------------------


def first_applied(db: Database, t: int, only: str | None) -> int | None:
    """The instant of the first applied movement at or before `t`."""
    where, params = _only(only)
    first = db.query(
        f"SELECT MIN(at_us) FROM rm_movements WHERE status = 'applied' AND at_us <= ?{where}",
        [t, *params],
    )[0][0]
    return None if first is None else number(first)


def daily_sums(
    db: Database, t: int, only: str | None, local_us: int
) -> list[tuple[str, int, int, int, int]]:
    """(program, day, allocated, spent, returned) of the applied movements, a day being counted
    from the epoch at the offset `local_us`."""
    where, params = _only(only, "m")
    return [
        (program, number(day), number(allocated), number(spent), number(returned))
        for program, day, allocated, spent, returned in db.query(
            f"SELECT m.program_id, (m.at_us + {local_us}) / {DAY_US}, "
            "SUM(CASE WHEN m.kind = 'allocation' THEN m.amount ELSE 0 END), "
            "SUM(CASE WHEN m.outcome = 'spent' THEN m.amount ELSE 0 END), "
            "SUM(CASE WHEN m.outcome = 'returned' THEN m.amount ELSE 0 END) "
            f"FROM rm_movements m WHERE m.status = 'applied' AND m.at_us <= ?{where} "
            "GROUP BY 1, 2",
            [t, *params],
        )
    ]


def idle_stock(
    db: Database, t: int, only: str | None, ends: Sequence[int]
) -> dict[tuple[str, int], int]:
    """(program, i) -> units idle at `ends[i]`: per holder, max(0, received before the end -
    limit - paid out by it), because a holder's units leave in the order they came (FIFO).
    Only holders with a delivery that ever went idle are looked at."""
    where_d, params_d = _only(only, "d")
    where_h, params_h = _only(only)
    values = ", ".join(f"({i}, ?)" for i in range(len(ends)))
    rows = db.query(
        f"WITH g(i, t) AS (VALUES {values}), "
        "h AS (SELECT DISTINCT program_id, holder FROM rm_deliveries "
        f"WHERE amount > departed_within AND at_us + idle_limit_us < ?{where_h}), "
        # one pass over each table against the (small) set of holders, not a loop per holder
        "hk AS (SELECT program_id || '|' || holder AS k FROM h), "
        "ev AS ("
        "SELECT d.program_id, d.holder, d.at_us + d.idle_limit_us AS t, 2 AS k, -1 AS i, "
        "d.amount AS late_in, 0 AS paid FROM rm_deliveries d "
        f"WHERE d.at_us <= ?{where_d} AND d.program_id || '|' || d.holder IN (SELECT k FROM hk) "
        "UNION ALL SELECT m.program_id, m.payer, m.at_us, 0, -1, 0, m.amount "
        "FROM rm_movements m WHERE m.status = 'applied' AND m.kind = 'transfer' "
        "AND m.at_us <= ? AND m.program_id || '|' || m.payer IN (SELECT k FROM hk) "
        "UNION ALL SELECT h.program_id, h.holder, g.t, 1, g.i, 0, 0 FROM h CROSS JOIN g), "
        "run AS (SELECT program_id, i, k, SUM(late_in) OVER w AS late_in, SUM(paid) OVER w AS paid "
        "FROM ev WINDOW w AS (PARTITION BY program_id, holder ORDER BY t, k "
        "ROWS UNBOUNDED PRECEDING)) "
        "SELECT program_id, i, SUM(CASE WHEN late_in > paid THEN late_in - paid ELSE 0 END) "
        "FROM run WHERE k = 1 GROUP BY 1, 2",
        [*ends, t, *params_h, t, *params_d, t],
    )
    return {(p, number(i)): number(v) for p, i, v in rows}


def stays(db: Database, t: int, only: str | None) -> list[tuple[str, int, bool, int, int]]:
    """(program, days, over the idle limit, deliveries, amount): how long deliveries to
    intermediaries stayed, from arrival until their last unit left (the first payment by the
    holder that took the cumulative paid-out past the delivery's cumulative position in its
    queue), or until `t` when some of it is still there."""
    where_d, params_d = _only(only, "d")
    where_m, params_m = _only(only)
    rows = db.query(
        _queued_deliveries("d.at_us, d.idle_limit_us", where_d)
        + "o AS (SELECT program_id, payer AS holder, at_us, SUM(amount) OVER (PARTITION BY "
        "program_id, payer ORDER BY at_us, seq ROWS UNBOUNDED PRECEDING) AS c FROM rm_movements "
        f"WHERE status = 'applied' AND kind = 'transfer' AND at_us <= ?{where_m}), "
        "ev AS (SELECT program_id, holder, queue_end AS c, 0 AS k, at_us, NULL AS left_at, amount, "
        "idle_limit_us FROM d UNION ALL SELECT program_id, holder, c, 1, NULL, at_us, 0, 0 "
        "FROM o), "
        # The first departure at or after each arrival: a running MIN from the end (c is
        # strictly increasing within each kind), since PostgreSQL recomputes a frame that ends
        # at UNBOUNDED FOLLOWING row by row (8.4 s of a 200k report, now 1.1 s).
        "x AS (SELECT k, program_id, at_us, amount, idle_limit_us, MIN(left_at) OVER "
        "(PARTITION BY program_id, holder ORDER BY c DESC, k DESC "
        "ROWS UNBOUNDED PRECEDING) AS left_at FROM ev), "
        "y AS (SELECT program_id, amount, idle_limit_us, "
        "COALESCE(left_at, ?) - at_us AS stay FROM x WHERE k = 0) "
        f"SELECT program_id, stay / {DAY_US}, CASE WHEN stay > idle_limit_us THEN 1 ELSE 0 END, "
        "COUNT(*), SUM(amount) FROM y GROUP BY 1, 2, 3",
        [t, *params_d, t, *params_m, t],
    )
    return [
        (program, number(days), bool(number(over)), number(count), number(amount))
        for program, days, over, count, amount in rows
    ]


def risk(
    db: Database, t: int, only: str | None
) -> tuple[list[tuple[str, str, str, int, int]], list[tuple[str, str, int]]]:
    """The findings known at `t` and the idle deliveries by the region of their first
    participant ("" when none): (program, region, rule, count, amount) per rule, and (program,
    region, money at risk: each subject once, at its largest amount)."""
    where_f, params_f = _only(only)
    where_d, params_d = _only(only)
    base = (
        "WITH f AS (SELECT program_id, rule, subject, amount, COALESCE(party_a, party_b) AS who "
        f"FROM rm_findings WHERE known_us <= ?{where_f} "
        "UNION ALL SELECT program_id, 'IDLE_FUNDS', delivery_id, amount - departed_within, holder "
        f"FROM rm_deliveries WHERE at_us + idle_limit_us < ? AND amount > departed_within"
        f"{where_d}), "
        "r AS (SELECT f.program_id, COALESCE(p.region, '') AS region, f.rule, f.subject, "
        "f.amount FROM f LEFT JOIN rm_participants p ON p.participant_id = f.who) "
    )
    params = [t, *params_f, t, *params_d]
    by_rule = [
        (program, region, rule, number(count), number(amount))
        for program, region, rule, count, amount in db.query(
            base + "SELECT program_id, region, rule, COUNT(*), SUM(amount) FROM r GROUP BY 1, 2, 3",
            params,
        )
    ]
    at_risk = [
        (program, region, number(top))
        for program, region, top in db.query(
            base + "SELECT program_id, region, SUM(top) FROM (SELECT program_id, region, subject, "
            "MAX(amount) AS top FROM r GROUP BY 1, 2, 3) s GROUP BY 1, 2",
            params,
        )
    ]
    return by_rule, at_risk

"""Read-model tables (documented in docs/read-models.md). Amounts are tiyn, instants are
microseconds since the epoch (UTC) with the offset they were written in."""

from __future__ import annotations

from coloring.projections.db import Cursor

TABLES = {
    "rm_position": "name TEXT PRIMARY KEY, position BIGINT NOT NULL",
    "rm_meta": "key TEXT PRIMARY KEY, value TEXT NOT NULL",
    "rm_participants": (
        "participant_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, region TEXT, "
        "related_to TEXT NOT NULL"
    ),
    "rm_programs": (
        "program_id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, route TEXT NOT NULL, "
        "final_roles TEXT NOT NULL, expires_at_us BIGINT NOT NULL, "
        "expires_at_offset INTEGER NOT NULL, "
        "max_idle_days INTEGER NOT NULL, subsidy_cap_percent TEXT, retention_days INTEGER, "
        "price_tolerance_percent TEXT NOT NULL"
    ),
    "rm_program_amendments": (
        "program_id TEXT NOT NULL, seq BIGINT NOT NULL, at_us BIGINT NOT NULL, "
        "at_offset INTEGER NOT NULL, expires_at_us BIGINT NOT NULL, "
        "expires_at_offset INTEGER NOT NULL, max_idle_days INTEGER NOT NULL, reason TEXT NOT NULL, "
        "PRIMARY KEY (program_id, seq)"
    ),
    "rm_movements": (
        "movement_id TEXT PRIMARY KEY, kind TEXT NOT NULL, program_id TEXT NOT NULL, "
        "payer TEXT NOT NULL, payee TEXT NOT NULL, amount BIGINT NOT NULL, at_us BIGINT NOT NULL, "
        "at_offset INTEGER NOT NULL, status TEXT NOT NULL, outcome TEXT, purpose_ref TEXT, "
        "settles TEXT, seq BIGINT NOT NULL, notification_id BIGINT NOT NULL"
    ),
    "rm_holdings": (
        "program_id TEXT NOT NULL, participant_id TEXT NOT NULL, held BIGINT NOT NULL, "
        "PRIMARY KEY (program_id, participant_id)"
    ),
    # Each holder's balance after every movement that changed it: holdings at any instant are
    # one index seek per (program, holder) in rm_holders, however far back the instant is. Its
    # key is a query index, not the primary key (`STEPS_KEY`).
    "rm_balance_steps": (
        "program_id TEXT NOT NULL, participant_id TEXT NOT NULL, at_us BIGINT NOT NULL, "
        "seq BIGINT NOT NULL, held BIGINT NOT NULL"
    ),
    "rm_holders": "program_id TEXT NOT NULL, participant_id TEXT NOT NULL, "
    "PRIMARY KEY (program_id, participant_id)",
    "rm_allocations": (
        "allocation_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, amount BIGINT NOT NULL, "
        "held BIGINT NOT NULL, spent BIGINT NOT NULL, returned BIGINT NOT NULL"
    ),
    "rm_deliveries": (
        "delivery_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, holder TEXT NOT NULL, "
        "amount BIGINT NOT NULL, at_us BIGINT NOT NULL, at_offset INTEGER NOT NULL, "
        "idle_limit_us BIGINT NOT NULL, departed_within BIGINT NOT NULL"
    ),
    "rm_unit_moves": (
        "allocation_id TEXT NOT NULL, unit_start BIGINT NOT NULL, unit_end BIGINT NOT NULL, "
        "seq BIGINT NOT NULL, at_us BIGINT NOT NULL, at_offset INTEGER NOT NULL, "
        "holder TEXT NOT NULL, via TEXT NOT NULL, outcome TEXT NOT NULL"
    ),
    "rm_documents": (
        "document_id TEXT PRIMARY KEY, kind TEXT NOT NULL, program_id TEXT NOT NULL, "
        "payer TEXT, payee TEXT NOT NULL, party TEXT, at_us BIGINT NOT NULL, "
        "at_offset INTEGER NOT NULL, value BIGINT NOT NULL, parent_id TEXT, seq BIGINT NOT NULL"
    ),
    "rm_purchase_animals": (
        "purchase_id TEXT NOT NULL, animal_id TEXT NOT NULL, species TEXT NOT NULL, "
        "price BIGINT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (purchase_id, animal_id)"
    ),
    "rm_subsidies": (
        "subsidy_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, applicant TEXT NOT NULL, "
        "supplier TEXT NOT NULL, asset_id TEXT NOT NULL, asset_kind TEXT NOT NULL, "
        "asset_value BIGINT NOT NULL, amount BIGINT NOT NULL, at_us BIGINT NOT NULL, "
        "at_offset INTEGER NOT NULL, seq BIGINT NOT NULL"
    ),
    "rm_acts": (
        "act_id TEXT PRIMARY KEY, contract_id TEXT NOT NULL, amount BIGINT NOT NULL, "
        "at_us BIGINT NOT NULL, at_offset INTEGER NOT NULL, seq BIGINT NOT NULL"
    ),
    "rm_registry": (
        "animal_id TEXT NOT NULL, seq BIGINT NOT NULL, at_us BIGINT NOT NULL, "
        "at_offset INTEGER NOT NULL, event TEXT NOT NULL, owner TEXT, species TEXT NOT NULL, "
        "PRIMARY KEY (animal_id, seq)"
    ),
    "rm_prices": (
        "item TEXT NOT NULL, region TEXT NOT NULL, valid_from_us BIGINT NOT NULL, "
        "seq BIGINT NOT NULL, price BIGINT NOT NULL, PRIMARY KEY (item, region, valid_from_us, seq)"
    ),
    "rm_findings": (
        "rule TEXT NOT NULL, subject TEXT NOT NULL, program_id TEXT NOT NULL, "
        "amount BIGINT NOT NULL, at_us BIGINT NOT NULL, at_offset INTEGER NOT NULL, "
        "status TEXT NOT NULL, known_us BIGINT NOT NULL, party_a TEXT, party_b TEXT, "
        "evidence TEXT NOT NULL, shown TEXT NOT NULL, PRIMARY KEY (rule, subject)"
    ),
}
# Columns added to a table after ledgers were written without them: `create` adds each one
# and fills it in, and until then the read models are not complete (readers take the path
# that catches up). Each is the table's last column, where ALTER TABLE puts it.
ADDED_COLUMNS = {("rm_findings", "shown"): "TEXT NOT NULL DEFAULT ''"}

DROPPED_COLUMNS = [("rm_documents", "accepted"), ("rm_documents", "paid")]
"""Columns of ledgers written before, which `create` drops (until then the read models are not
complete). A document's totals, what it was paid and the acts accepted under a contract: a load
raised them in documents of every age, so each batch rewrote pages all over `rm_documents`
(22% of the pages a batch wrote at 1M payments; docs/performance.md, "Documents without
totals"), while one reader, `explain`, asked for `paid`, which is the sum of the payments
counted towards the document (`rm_movements.settles`, an index the fold keeps), and none for
`accepted`."""

STEPS_KEY = "rm_balance_steps (program_id, participant_id, at_us, seq)"
"""The balance steps' key, which only queries read. As the primary key (until 2026-12-07) it was
kept up to date row by row through a load, in the order of the movements, not of the key: at
1M payments its B-tree's pages were 23% of the pages a batch wrote to the write-ahead log
(docs/performance.md, "Growth at scale, second pass"). A ledger written with that primary key
keeps it, and it serves there as this index (`KEYED_BEFORE`)."""

KEYED_BEFORE = {STEPS_KEY: ("sqlite_autoindex_rm_balance_steps_1", "rm_balance_steps_pkey")}
"""Indexes of INDEXES that a ledger written before has as a table's primary key (its index's
name on SQLite, on PostgreSQL): not made a second time there."""

INDEXES = [
    STEPS_KEY,
    "rm_movements (program_id, at_us)",
    "rm_movements (at_us)",
    "rm_movements (payer)",
    "rm_movements (payee)",
    "rm_movements (settles)",
    "rm_acts (contract_id)",
    "rm_unit_moves (allocation_id, unit_start)",
    "rm_unit_moves (via)",
    "rm_purchase_animals (animal_id)",
    "rm_purchase_animals (species)",
    "rm_subsidies (asset_id)",
    "rm_subsidies (asset_kind)",
    "rm_findings (at_us)",
    "rm_findings (program_id)",
    "rm_deliveries (program_id)",
]

# The indexes the fold itself reads while it writes (documents re-judged per animal, asset,
# priced item and settled purchase). The others serve queries only: a rebuild and a first load
# fold without them and create them once at the end (`drop_query_indexes`). The acts' contract
# is one of those since documents keep no totals and only purchases are judged again: kept
# row by row, its B-tree was 7% of the pages a batch of a 1M load wrote.
FOLD_INDEXES = {
    "rm_movements (settles)",
    "rm_purchase_animals (animal_id)",
    "rm_purchase_animals (species)",
    "rm_subsidies (asset_id)",
    "rm_subsidies (asset_kind)",
}

# Of those, the ones only judging documents reads: a bulk fold judges once, at its end
# (`Fold.finish`, which creates them first), so its pages go without them too.
JUDGING_INDEXES = {
    "rm_purchase_animals (animal_id)",
    "rm_purchase_animals (species)",
    "rm_subsidies (asset_id)",
    "rm_subsidies (asset_kind)",
}

# Deliveries not (yet) passed on within their limit: the only candidates for IDLE_FUNDS.
PARTIAL_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_rm_deliveries_unpassed ON rm_deliveries (at_us) "
    "WHERE amount > departed_within",
]

BACKFILL_BALANCE_STEPS = (
    "INSERT INTO rm_balance_steps SELECT program_id, holder, at_us, seq, "
    "SUM(delta) OVER (PARTITION BY program_id, holder ORDER BY at_us, seq "
    "ROWS UNBOUNDED PRECEDING) FROM ("
    "SELECT program_id, payee AS holder, at_us, seq, amount AS delta FROM rm_movements "
    "WHERE status = 'applied' AND outcome = 'held' "
    "UNION ALL SELECT program_id, payer, at_us, seq, -amount FROM rm_movements "
    "WHERE status = 'applied' AND kind = 'transfer') AS moves"
)

BULK = "bulk_fold"
"""The `rm_meta` key present while a bulk fold (a rebuild) is under way: its pages write no
document findings, which are judged once for the whole record in the transaction of its last
page (`Fold.finish`). Kept in the read models, so a bulk fold interrupted between pages is
completed by the next catch-up, whichever process runs it."""
BULK_STEPS_AT_END = "1"
"""The marker's value when the bulk fold was begun by a version whose pages left the balance
steps to its end too (until 2026-12-07): its end derives them all (`BACKFILL_BALANCE_STEPS`).
Pages now write their steps, as a live fold does: 20k payments, ~0.07 CPU s less than the
window query over the whole record at the end."""
BULK_STEPS_BY_PAGES = "2"

# Tables rebuilt by a replay; the position table says how far the replay got.
READ_MODELS = [t for t in TABLES if t != "rm_position"]

UNKEYED = [t for t, columns in TABLES.items() if "PRIMARY KEY" not in columns]
"""Tables without a primary key. PostgreSQL refuses to delete from (or update) such a table
while a publication of it publishes deletes (`CREATE PUBLICATION ... FOR ALL TABLES`, made by an
operator for logical replication or change capture), unless the table says how its rows are
identified: `REPLICA IDENTITY FULL` (the whole row), set by `create`. It costs nothing unless
`wal_level` is `logical`, and then a deleted row's values in the log."""


def _exists(c: Cursor, table: str) -> bool:
    if c.postgres:
        return c.query("SELECT to_regclass(?) IS NOT NULL", (table,))[0][0] is True
    return bool(c.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)))


def _columns(c: Cursor, table: str) -> set[str]:
    if c.postgres:
        # The catalog, not `information_schema.columns`: that view (privileges, types, domains)
        # cost ~12-23 ms of the server's time a question, this ~1 ms, in every read command's
        # start (`is_complete`). The schema by its name as text: `current_schema()::regnamespace`
        # reads it as an identifier, folded to lower case ("Mixed" -> no schema "mixed").
        sql = (
            "SELECT a.attname FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE n.nspname = current_schema() AND t.relname = ? "
            "AND a.attnum > 0 AND NOT a.attisdropped"
        )
    else:
        sql = "SELECT name FROM pragma_table_info(?)"
    return {name for (name,) in c.query(sql, (table,))}


def _missing_columns(c: Cursor) -> list[tuple[str, str]]:
    tables = {table for table, _ in ADDED_COLUMNS}
    present = {table: _columns(c, table) for table in tables}
    return [(t, column) for t, column in ADDED_COLUMNS if present[t] and column not in present[t]]


def _dropped_columns(c: Cursor) -> list[tuple[str, str]]:
    """The columns of DROPPED_COLUMNS that this ledger still has."""
    present = {table: _columns(c, table) for table in {table for table, _ in DROPPED_COLUMNS}}
    return [(t, column) for t, column in DROPPED_COLUMNS if column in present[t]]


def create(c: Cursor) -> None:
    had_steps = _exists(c, "rm_balance_steps")
    for name, columns in TABLES.items():
        c.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    if c.postgres:
        _identify_rows(c)
    for table, column in _missing_columns(c):
        c.execute(f"ALTER TABLE {table} ADD COLUMN {column} {ADDED_COLUMNS[(table, column)]}")
        if (table, column) == ("rm_findings", "shown"):
            _fill_shown(c)
    dropped = _dropped_columns(c)
    if c.postgres:
        for table, column in dropped:
            c.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        for table in dict.fromkeys(table for table, _ in dropped):
            _made_again(c, table)
    if not had_steps:
        # Read models of a ledger projected before balance steps existed: derive them once.
        c.execute(BACKFILL_BALANCE_STEPS)
        c.execute(
            "INSERT INTO rm_holders SELECT DISTINCT program_id, participant_id "
            "FROM rm_balance_steps"
        )
    create_indexes(c)


def _made_again(c: Cursor, table: str) -> None:
    """SQLite: `table` made again as `TABLES` has it, with its rows, to lose the columns of
    `DROPPED_COLUMNS`. SQLite has `ALTER TABLE ... DROP COLUMN` from 3.35 (2021) only, a syntax
    error before, and the read models' SQL is kept to 3.28 (`reporting`); this is the way
    SQLite's documentation gives for any other change of a table, and what DROP COLUMN does
    too (it writes the table again). Its indexes go with it: `create_indexes` makes them."""
    kept = [
        name
        for (name,) in c.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", (table,))
        if (table, name) not in DROPPED_COLUMNS
    ]
    columns = ", ".join(kept)
    c.execute(f"CREATE TABLE {table}_kept ({TABLES[table]})")
    c.execute(f"INSERT INTO {table}_kept ({columns}) SELECT {columns} FROM {table}")
    c.execute(f"DROP TABLE {table}")
    c.execute(f"ALTER TABLE {table}_kept RENAME TO {table}")


def _identify_rows(c: Cursor) -> None:
    """`REPLICA IDENTITY FULL` on every `UNKEYED` table that lacks it (ledgers written before it
    was set too), so that a rebuild may clear them under a publication of all tables."""
    lacking = c.query(
        "SELECT t.relname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = current_schema() AND t.relname = ANY(?) AND t.relreplident <> 'f'",
        (UNKEYED,),
    )
    for (table,) in lacking:
        c.execute(f"ALTER TABLE {table} REPLICA IDENTITY FULL")


def _fill_shown(c: Cursor) -> None:
    """Each stored finding's text, as the fold writes it (read models written before it)."""
    from coloring.projections.listing import shown_row

    rows = c.query(
        "SELECT rule, subject, program_id, amount, at_us, at_offset, status, known_us, party_a, "
        "party_b, evidence FROM rm_findings"
    )
    c.executemany(
        "UPDATE rm_findings SET shown = ? WHERE rule = ? AND subject = ?",
        [(shown_row(row)[-1], row[0], row[1]) for row in rows],
    )


def create_indexes(c: Cursor) -> None:
    """Every index of the schema that is missing (after a bulk fold, or one interrupted)."""
    present = _relations(c)
    for index, spec in _indexes():
        if not _keyed_before(c, spec, present):
            c.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {spec}")
    for statement in PARTIAL_INDEXES:
        c.execute(statement)


def drop_query_indexes(c: Cursor, keep: set[str] = FOLD_INDEXES) -> None:
    """Drop the indexes only queries read (all but `keep`), before a fold from nothing: a
    B-tree built once from sorted keys at the end costs a fraction of one kept up to date row
    by row. `create` (on the next open) or `create_indexes` puts them back."""
    partial = [s.split(" IF NOT EXISTS ", 1)[1].split(" ", 1)[0] for s in PARTIAL_INDEXES]
    for index in [name for name, spec in _indexes() if spec not in keep] + partial:
        c.execute(f"DROP INDEX IF EXISTS {index}")


def _indexes() -> list[tuple[str, str]]:
    """(name, table and columns) of each index of INDEXES."""
    named = []
    for spec in INDEXES:
        table, cols = spec.split(" ", 1)
        index = "ix_" + table + "_" + "_".join(x.strip() for x in cols.strip("()").split(","))
        named.append((index, spec))
    return named


def start_bulk(c: Cursor) -> None:
    """Begin a bulk fold on empty read models: without the query indexes, and with the marker
    that leaves document findings to its end."""
    drop_query_indexes(c, FOLD_INDEXES - JUDGING_INDEXES)
    c.execute(
        "INSERT INTO rm_meta VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        (BULK, BULK_STEPS_BY_PAGES),
    )


def in_bulk(c: Cursor) -> bool:
    return bool(c.query("SELECT 1 FROM rm_meta WHERE key = ?", (BULK,)))


def steps_left_to_end(c: Cursor) -> bool:
    """Whether the bulk fold under way was begun with its balance steps left to its end."""
    return c.query("SELECT value FROM rm_meta WHERE key = ?", (BULK,)) == [(BULK_STEPS_AT_END,)]


def end_bulk(c: Cursor) -> None:
    c.execute("DELETE FROM rm_meta WHERE key = ?", (BULK,))


def is_complete(c: Cursor) -> bool:
    """Whether every table and index that `create` makes exists already and no bulk fold is
    unfinished (then a reader need not run `create`, which would have to write, nor catch up)."""
    partial = [s.split(" IF NOT EXISTS ", 1)[1].split(" ", 1)[0] for s in PARTIAL_INDEXES]
    present = _relations(c)
    indexes = [name for name, spec in _indexes() if not _keyed_before(c, spec, present)]
    wanted = {*TABLES, *indexes, *partial}
    return (
        wanted <= present and not _missing_columns(c) and not _dropped_columns(c) and not in_bulk(c)
    )


def _keyed_before(c: Cursor, spec: str, present: set[str]) -> bool:
    """Whether the index `spec` is, in this ledger, its table's primary key (`KEYED_BEFORE`)."""
    key = KEYED_BEFORE.get(spec)
    return key is not None and key[c.postgres] in present


def steps_keyed(c: Cursor) -> bool:
    """Whether the balance steps have their key (`STEPS_KEY`): a first load into an empty
    SQLite ledger and a rebuild go without it until their end."""
    named = {index for index, spec in _indexes() if spec == STEPS_KEY}
    return bool({*named, KEYED_BEFORE[STEPS_KEY][c.postgres]} & _relations(c))


def _relations(c: Cursor) -> set[str]:
    """The names of the tables and indexes of the ledger's schema."""
    if c.postgres:
        sql = (
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relkind IN ('r', 'i', 'p')"
        )
    else:
        sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'index')"
    return {name for (name,) in c.query(sql)}


def position(c: Cursor, name: str) -> int | None:
    """The last notification id projection `name` has folded (None before its first page)."""
    row = c.query("SELECT position FROM rm_position WHERE name = ?", (name,))
    return int(row[0][0]) if row else None


def set_position(c: Cursor, name: str, notification_id: int) -> None:
    c.execute(
        "INSERT INTO rm_position VALUES (?, ?) ON CONFLICT (name) "
        "DO UPDATE SET position = excluded.position",
        (name, notification_id),
    )


def clear(c: Cursor) -> None:
    for name in READ_MODELS:
        c.execute(f"DELETE FROM {name}")
    c.execute("DELETE FROM rm_position")

"""The FLOOR for `rebuild`: read every stored event from `stored_events` with sqlite3,
json-decode its state, fold holdings per (program, holder) in a dict. No read models written
(besides nothing): the minimum any replay has to pay.  Usage: python benchmarks/fold_floor.py DB"""

from __future__ import annotations

import json
import sqlite3
import sys


def main(db_path: str) -> None:
    con = sqlite3.connect(db_path)
    holdings: dict[tuple[str, str], int] = {}
    n = 0
    for topic, state in con.execute("SELECT topic, state FROM stored_events ORDER BY rowid"):
        n += 1
        d = json.loads(state)
        if topic.endswith(".PaymentsRecorded"):
            # A page of one program's movements: [kind, seq, id, payer, payee, amount, ...].
            prog = d["program_id"]
            for kind, _, _, payer, payee, amount, *rest in d["entries"]:
                outcome = (
                    rest[2] if kind == "allocated" else rest[4] if kind == "transferred" else None
                )
                if kind == "transferred":
                    k = (prog, payer)
                    holdings[k] = holdings.get(k, 0) - amount
                if outcome == "held":
                    k = (prog, payee)
                    holdings[k] = holdings.get(k, 0) + amount
        elif topic.endswith(".UnitsAllocated") or topic.endswith(".UnitsTransferred"):
            outcome = d.get("outcome")
            if outcome == "refused":
                continue
            prog, amount = d["program_id"], d["amount"]
            if topic.endswith(".UnitsTransferred"):
                k = (prog, d["payer"])
                holdings[k] = holdings.get(k, 0) - amount
            if outcome == "held":
                k = (prog, d.get("payee") or d.get("recipient"))
                holdings[k] = holdings.get(k, 0) + amount
    con.close()
    print(json.dumps({"events": n, "holders": sum(1 for v in holdings.values() if v > 0)}))


if __name__ == "__main__":
    main(sys.argv[1])

"""Rules across rows and files: unique ids, references, treasury payers, subcontracts.

The checks work on the raw cells of every row that has a usable id, even when another cell of
the row is wrong, so that one bad cell does not cascade into "unknown ..." errors elsewhere.
References may also name records of earlier loads, through the `LedgerView`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping

from coloring.digests import Digests
from coloring.domain.records import Role
from coloring.pilot.cells import ID_RE, is_id, split_id_list
from coloring.pilot.contract import DOCUMENT_FILES, FILES
from coloring.pilot.csvfile import CsvRow, RawPage
from coloring.pilot.errors import ErrorSink
from coloring.pilot.ledgerview import LedgerView
from coloring.pilot.subcontracts import Linked, cycles

_FILES_CHECKED_BY_ROW = (
    "participants.csv",
    "allocations.csv",
    "purchase_animals.csv",
    "acts.csv",
    "contracts.csv",
)
"""The files whose rows `Checker.row` checks beyond their id and references (keep in step)."""

_NAMED_BY_NO_FILE = ("transfers.csv", "acts.csv")
"""Files whose ids no other file names: only duplicates are looked for, so their ids can be
kept as digests (millions in a large folder), as can the (purchase, animal) pairs."""

_ANIMALS = "purchase_animals.csv"

_id_match = ID_RE.fullmatch

_DOCUMENT_IDS = "document ids are unique across loans, purchases, subsidies and contracts"


class Checker:
    """Feed it every row, file by file, in dependency order (see `reader.READ_ORDER`)."""

    def __init__(
        self, ledger: LedgerView, sink: ErrorSink, digest: Callable[[Hashable], int] = hash
    ) -> None:
        self.ledger = ledger
        self.sink = sink
        self.ids: dict[str, dict[str, int]] = {
            name: {} for name in FILES if name not in _NAMED_BY_NO_FILE
        }
        """Per file: the ids seen (line of first use), also of rows with other errors."""
        self._digest = digest
        self.digests = {name: Digests(digest) for name in (*_NAMED_BY_NO_FILE, _ANIMALS)}
        """The ids seen of the files no other file names, the (purchase, animal) pairs of
        purchase_animals.csv, as digests."""
        self._unsure: dict[str, list[tuple[int, str | tuple[str, str]]]] = {}
        """Per file: (line, id or pair) of the good rows whose digest was seen before."""
        self.unusable: set[str] = set()
        """Files missing when required, or with a broken header: references to their records
        are not checked (that would only repeat the file's own error many times)."""
        self.roles: dict[str, str] = {}
        self.documents: dict[str, str] = {}
        """Document id -> the file that first gave it in a whole row (its line is that file's
        in `ids`): millions of ids in a large folder, so no (file, line) pair each."""
        self._related: list[tuple[int, str]] = []
        self._parents: list[tuple[int, str]] = []
        self._ledger_roles: dict[str, str | None] = {}
        self._ledger_programs: dict[str, bool] = {}
        self._ledger_kinds: dict[str, str | None] = {}

    # -- ledger look-ups, cached (a large file names the same few parties again and again)

    def _ledger_role(self, participant_id: str) -> str | None:
        if participant_id not in self._ledger_roles:
            self._ledger_roles[participant_id] = self.ledger.participant_role(participant_id)
        return self._ledger_roles[participant_id]

    def _ledger_kind(self, document_id: str) -> str | None:
        if document_id not in self._ledger_kinds:
            self._ledger_kinds[document_id] = self.ledger.document_kind(document_id)
        return self._ledger_kinds[document_id]

    def _ledger_program(self, program_id: str) -> bool:
        if program_id not in self._ledger_programs:
            self._ledger_programs[program_id] = self.ledger.program_exists(program_id)
        return self._ledger_programs[program_id]

    # -- rows

    def checks_rows(self, file: str) -> bool:
        """Whether `row` has anything to check in this file's rows: a registry extract (most
        of a large folder) has no id and no reference, so its rows need not be shown it."""
        spec = FILES[file]
        return (
            spec.id_column is not None
            or bool(spec.participant_columns)
            or spec.program_column is not None
            or file in _FILES_CHECKED_BY_ROW
        )

    def row(self, file: str, row: CsvRow) -> None:
        spec = FILES[file]
        if spec.id_column is not None:
            self._own_id(file, spec.id_column, row)
        if row.broken:
            return
        cells, line = row.cells, row.line
        participants = self.ids["participants.csv"]
        for column in spec.participant_columns:
            value = cells.get(column)
            if value is not None and value not in participants and is_id(value):
                self._participant(file, line, column, value)
        if spec.program_column is not None:
            value = cells.get(spec.program_column)
            if value is not None and value not in self.ids["programs.csv"] and is_id(value):
                self._program(file, line, spec.program_column, value)
        if file == "participants.csv":
            self._participant_row(row)
        elif file == "allocations.csv":
            self._allocation_row(row)
        elif file == "purchase_animals.csv":
            self._animal_row(row)
        elif file == "acts.csv":
            value = cells.get("contract_id")
            if value is not None and is_id(value):
                self._contract(file, line, "contract_id", value)
        elif file == "contracts.csv":
            value = cells.get("parent_contract_id")
            if value is not None and is_id(value):
                self._parents.append((line, value))

    def page(self, file: str, page: RawPage) -> None:
        """`row` of each row of a page of usual rows (`csvfile.RawPage`: plain text, as many
        cells as the header, no required cell empty), by columns: a reference found among the
        folder's ids is settled for the whole column at once, and only the others are looked
        at one by one. The errors are `row`'s, in its order once sorted by cell (as
        `PilotInputError` does): no check here gives one cell two errors."""
        if file in _FILES_CHECKED_BY_ROW and file != "acts.csv":  # acts': a reference, below
            for row in page.as_rows():
                self.row(file, row)
            return
        spec = FILES[file]
        at = {column: i for i, column in enumerate(page.header)}
        lines, rows = page.lines, page.rows
        if spec.id_column is not None:
            k = at[spec.id_column]  # an id column is required: the header has it
            own = self._own_value
            for line, value in zip(lines, [row[k] for row in rows], strict=True):
                if _id_match(value) is not None:
                    own(file, spec.id_column, line, value, False)
        refs: list[tuple[str, Callable[[str, int, str, str], None], str]] = [
            (column, self._participant, "participants.csv") for column in spec.participant_columns
        ]
        if spec.program_column is not None:
            refs.append((spec.program_column, self._program, "programs.csv"))
        if file == "acts.csv":
            refs.append(("contract_id", self._contract, "contracts.csv"))
        for column, check, source in refs:
            place = at.get(column)
            if place is None:
                continue
            values = [row[place] for row in rows]
            known = self.ids[source]
            # Each distinct value looked up once (a difference with `known` would go through
            # all of it); "" is an empty optional cell.
            unknown = {value for value in set(values) if value not in known and value}
            if unknown:
                for line, value in zip(lines, values, strict=True):
                    if value in unknown and _id_match(value) is not None:
                        check(file, line, column, value)

    def _own_id(self, file: str, column: str, row: CsvRow) -> None:
        value = row.cells.get(column)
        if value is not None and is_id(value):
            self._own_value(file, column, row.line, value, row.broken)

    def _own_value(self, file: str, column: str, line: int, value: str, broken: bool) -> None:
        """The checks of an id in its own file's `column`, on `line` (a row `broken` only
        registers its id)."""
        digests = self.digests.get(file)
        if digests is not None:
            if not digests.add(value):
                if not broken:
                    self._unsure.setdefault(file, []).append((line, value))
                return
        else:
            seen = self.ids[file]
            first = seen.get(value)
            if first is not None:
                if not broken:
                    self._duplicate(file, line, column, value, first)
                return
            seen[value] = line
        if not broken:
            self._new_id(file, line, column, value)

    def _duplicate(self, file: str, line: int, column: str, value: str, first: int) -> None:
        self.sink.add(file, line, column, f"duplicate {column} {value!r} (first on line {first})")

    def _new_id(self, file: str, line: int, column: str, value: str) -> None:
        """The checks of a row's id used for the first time in its file."""
        kind = DOCUMENT_FILES.get(file)
        if kind is not None:
            earlier = self.documents.get(value)
            if earlier is not None:
                self.sink.add(
                    file,
                    line,
                    column,
                    f"{value!r} is already used by {earlier}:{self.ids[earlier][value]}"
                    f" ({_DOCUMENT_IDS})",
                )
            else:
                self.documents[value] = file
                # Not cached: an id new in its file is asked once (a large folder's documents
                # were ~0.1 GB of answers kept to the end of the reading).
                known = self.ledger.document_kind(value)
                if known is not None and known != kind:
                    self.sink.add(
                        file,
                        line,
                        column,
                        f"{value!r} is already a {known} in the ledger ({_DOCUMENT_IDS})",
                    )
        elif file == "transfers.csv":
            allocation_line = self.ids["allocations.csv"].get(value)
            if allocation_line is not None:
                self.sink.add(
                    file,
                    line,
                    column,
                    f"{value!r} is already an allocation_id (allocations.csv:{allocation_line});"
                    " allocation and transfer ids share one namespace",
                )

    def recheck(self, file: str, rows: Iterable[CsvRow]) -> None:
        """Settle the rows of `file` whose digest was seen before, from the file's `rows` read
        again: a duplicate if an earlier row has the very id (or pair), else (the digests
        collided) a new one. Their errors come after the file's others, which is the order of
        a reading with every id kept: errors are sorted by cell, and only these checks report
        on an id cell that `is_id` accepts."""
        unsure = self._unsure.pop(file, None)
        if unsure is None:
            return
        wanted = {key for _, key in unsure}
        first: dict[str | tuple[str, str], int] = {}
        for row in rows:
            key = self._key(file, row)
            if key in wanted and key not in first:
                first[key] = row.line
                if len(first) == len(wanted):
                    break
        for line, key in unsure:
            earliest = first.get(key, line)
            if isinstance(key, tuple):
                if earliest < line:
                    self.sink.add(
                        file,
                        line,
                        "animal_id",
                        f"animal {key[1]!r} is listed twice for purchase {key[0]!r}"
                        f" (first on line {earliest})",
                    )
            elif earliest < line:
                self._duplicate(file, line, str(FILES[file].id_column), key, earliest)
            else:
                self._new_id(file, line, str(FILES[file].id_column), key)

    @staticmethod
    def _key(file: str, row: CsvRow) -> str | tuple[str, str] | None:
        """What `row` gave `Digests.add`: its id, or for an animal (of a good row) the pair."""
        if file != _ANIMALS:
            return row.cells.get(str(FILES[file].id_column))
        purchase_id, animal_id = row.cells.get("purchase_id"), row.cells.get("animal_id")
        if row.broken or purchase_id is None or animal_id is None:
            return None
        return (purchase_id, animal_id)

    def _participant(self, file: str, line: int, column: str, participant_id: str) -> None:
        if participant_id in self.ids["participants.csv"] or "participants.csv" in self.unusable:
            return
        if self._ledger_role(participant_id) is None:
            self._unknown(file, line, column, "participant", participant_id, "participants.csv")

    def _program(self, file: str, line: int, column: str, program_id: str) -> None:
        if program_id in self.ids["programs.csv"] or "programs.csv" in self.unusable:
            return
        if not self._ledger_program(program_id):
            self._unknown(file, line, column, "program", program_id, "programs.csv")

    def _contract(self, file: str, line: int, column: str, contract_id: str) -> None:
        self._document(file, line, column, contract_id, "contracts.csv")

    def _document(self, file: str, line: int, column: str, doc_id: str, source: str) -> None:
        """`doc_id` must name a document of the `source` file, of this folder or the ledger."""
        kind = DOCUMENT_FILES[source]
        if doc_id in self.ids[source] or source in self.unusable:
            return
        known = self._ledger_kind(doc_id)
        if known == kind:
            return
        if known is None and doc_id in self.documents:
            known = DOCUMENT_FILES[self.documents[doc_id]]
        if known is not None:
            self.sink.add(file, line, column, f"{doc_id!r} is a {known}, not a {kind}")
        else:
            self._unknown(file, line, column, kind, doc_id, source)

    def _unknown(self, file: str, line: int, column: str, kind: str, ref: str, source: str) -> None:
        """`ref`, a `kind` named in `column`, is neither in the folder's `source` nor the ledger."""
        self.sink.add(
            file, line, column, f"unknown {kind} {ref!r} (not in {source} nor in the ledger)"
        )

    def _participant_row(self, row: CsvRow) -> None:
        participant_id = row.cells.get("participant_id")
        role = row.cells.get("role")
        if participant_id is not None and role is not None and is_id(participant_id):
            self.roles.setdefault(participant_id, role)
        related = row.cells.get("related_to")
        if related is not None:
            self._related.append((row.line, related))

    def _allocation_row(self, row: CsvRow) -> None:
        payer = row.cells.get("payer")
        if payer is None or not is_id(payer):
            return
        if payer in self.ids["participants.csv"]:
            role = self.roles.get(payer)
        else:
            role = self._ledger_role(payer)
        if role is not None and role != Role.TREASURY:
            self.sink.add(
                "allocations.csv",
                row.line,
                "payer",
                f"payer {payer!r} is a {role}, not a treasury: only a treasury allocates",
            )

    def _animal_row(self, row: CsvRow) -> None:
        file = "purchase_animals.csv"
        purchase_id = row.cells.get("purchase_id")
        animal_id = row.cells.get("animal_id")
        if purchase_id is None or not is_id(purchase_id):
            return
        self._document(file, row.line, "purchase_id", purchase_id, "purchases.csv")
        if animal_id is None or not is_id(animal_id):
            return
        if not self.digests[file].add((purchase_id, animal_id)):
            self._unsure.setdefault(file, []).append((row.line, (purchase_id, animal_id)))

    # -- after a file

    def end_file(self, file: str) -> None:
        """Forget what no later file needs (see `reader.READ_ORDER`): a large folder has
        hundreds of thousands of animals and acts."""
        if file in self.digests:  # named by no later file
            self.digests[file] = Digests(self._digest)

    def end_participants(self) -> None:
        known_here = self.ids["participants.csv"]
        roles = {r.value for r in Role}
        self.roles = {p: r for p, r in self.roles.items() if r in roles}
        for line, text in self._related:
            for item in split_id_list(text):
                if is_id(item) and item not in known_here:
                    self._participant("participants.csv", line, "related_to", item)
        self._related.clear()

    def end_contracts(self, records: Mapping[str, Linked]) -> None:
        """Parents exist, subcontract customers and programs match, no cycles."""
        file = "contracts.csv"
        for line, parent in self._parents:
            self._document(file, line, "parent_contract_id", parent, file)
        self._parents.clear()
        for child in records.values():
            parent_id, line = child.parent, child.line
            if parent_id is None:
                continue
            terms: tuple[str, str] | None
            if parent_id in records:
                parent_record = records[parent_id]
                terms = (parent_record.program_id, parent_record.contractor)
            elif parent_id in self.ids[file]:
                terms = None  # the parent's row is wrong; that is its own error
            else:
                terms = self.ledger.contract_terms(parent_id)
            if terms is None:
                continue
            program_id, contractor = terms
            if child.customer != contractor:
                self.sink.add(
                    file,
                    line,
                    "customer",
                    f"customer {child.customer!r} of a subcontract must be the contractor of"
                    f" parent contract {parent_id!r}, which is {contractor!r}",
                )
            if child.program_id != program_id:
                self.sink.add(
                    file,
                    line,
                    "parent_contract_id",
                    f"parent contract {parent_id!r} belongs to program {program_id!r},"
                    f" not {child.program_id!r}: a subcontract stays in its parent's program",
                )
        for member, message in cycles(records):
            self.sink.add(file, records[member].line, "parent_contract_id", message)

"""The record index's digests: the same for a record whatever code wrote them, so that a
ledger written before keeps recognising the records of a folder loaded again."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from coloring.domain.records import PurchaseRecord, RegistryRecord, TransferRecord
from coloring.domain.time import Instant
from coloring.recordkeys import _CANONICAL, digest


@given(st.sampled_from(sorted(_CANONICAL, key=lambda c: c.__name__)).flatmap(st.from_type))
def test_the_canonical_text_of_a_record_is_its_repr(record: object) -> None:
    assert _CANONICAL[type(record)](record) == repr(record)


@given(st.sampled_from(sorted(_CANONICAL, key=lambda c: c.__name__)).flatmap(st.from_type))
def test_a_digest_is_the_sha256_of_the_repr_as_first_written(record: object) -> None:
    if isinstance(record, PurchaseRecord):
        record = replace(record, animals=())
    assert digest(record) == hashlib.sha256(repr(record).encode()).hexdigest()[:32]


def test_digests_written_by_earlier_ledgers_are_unchanged() -> None:
    at = Instant(1_735_689_600_000_000, 300)
    transfer = TransferRecord("TR-1", at, "PR-1", "F-1", "S-'1'", 150_000, None)
    registry = RegistryRecord("KZ1", "cattle", "birth", None, at)
    # As the code before the compiled texts wrote them (sha256 of repr).
    assert digest(transfer) == "3ceb89eb7bf6548b7d565bc3ec1e1e1a"
    assert digest(registry) == "c13e448a6329da00f98ef479a3ce3511"

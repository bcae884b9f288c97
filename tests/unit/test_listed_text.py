"""A listed finding's evidence for the CSV is cut from its stored JSON text, and is the text
`json.dumps(evidence, ensure_ascii=False)` writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from coloring.projections import jsontext
from coloring.projections.listing import Listed
from strategies import json_values


def listed(evidence: dict[str, Any]) -> Listed:
    shown = jsontext.dumps({"rule": "OVERPAYMENT", "participants": ["A"], "evidence": evidence})
    return Listed("OVERPAYMENT", "T-1", "AA", 100, 0, 300, "open", ("A",), None, shown)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=5))
def test_the_evidence_of_the_stored_text_is_what_json_dumps_writes_in_one_line(
    evidence: dict[str, Any],
) -> None:
    assert listed(evidence).evidence_text() == json.dumps(evidence, ensure_ascii=False)


def test_strings_that_look_like_the_layout_are_kept_as_they_are() -> None:
    evidence = {"note": "a,\n  b", "more": {"x": ", \n"}, "terms": [], "none": {}}
    assert listed(evidence).evidence_text() == json.dumps(evidence, ensure_ascii=False)

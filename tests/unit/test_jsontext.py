"""The findings' JSON is written faster than `json.dumps(..., ensure_ascii=False, indent=1)`,
and is the same text."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given

from coloring.projections import jsontext
from strategies import json_values


@given(json_values)
def test_the_text_is_what_json_dumps_writes_with_an_indent_of_one(value: Any) -> None:
    assert jsontext.dumps(value) == json.dumps(value, ensure_ascii=False, indent=1)


def test_findings_shaped_values_are_the_same_text() -> None:
    finding = {
        "rule": "OVERPAYMENT",
        "amount": "1250000.50",
        "participants": ["FRM-000001", "SEL-00001"],
        "region": None,
        "evidence": {"entry": 5, "purpose_ref": None, "terms": [], "more": {}},
    }
    assert jsontext.dumps([finding, finding]) == json.dumps(
        [finding, finding], ensure_ascii=False, indent=1
    )

"""Records built without their dataclass `__init__` (`domain.build.maker`) are the records the
class builds: equal, of the same type, with the same fields and repr, and still frozen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coloring.domain.build import maker
from coloring.domain.records import PILOT_RECORDS
from coloring.domain.time import Instant
from coloring.pilot.reader import Sourced

BUILT = sorted({*PILOT_RECORDS, Instant}, key=lambda c: c.__name__)


def _values(obj: Any) -> list[Any]:
    return [getattr(obj, f.name) for f in dataclasses.fields(obj)]


@given(st.sampled_from(BUILT).flatmap(st.from_type))
def test_a_record_made_without_its_init_is_the_record_its_class_makes(record: Any) -> None:
    made = maker(type(record))(*_values(record))
    assert type(made) is type(record)
    assert made == record
    assert repr(made) == repr(record)
    assert _values(made) == _values(record)


def test_defaults_are_kept_and_keywords_accepted() -> None:
    assert maker(Instant)(5) == Instant(5)
    assert maker(Instant)(5).offset_minutes == Instant(5).offset_minutes
    assert maker(Sourced)(record=1, file="a.csv", line=2) == Sourced(1, "a.csv", 2)


def test_a_made_record_is_still_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        maker(Instant)(5, 300).us = 6  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        raise AssertionError


@dataclass(frozen=True, slots=True)
class _WithFactory:
    values: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Mutable:
    value: int


@pytest.mark.parametrize("cls", [_Checked, _WithFactory, _Mutable])
def test_a_class_whose_init_does_more_than_set_its_fields_is_refused(cls: type) -> None:
    with pytest.raises(TypeError):
        maker(cls)


@dataclass(frozen=True, slots=True)
class _Derived:
    value: int
    doubled: int = field(init=False, default=0)


def test_a_class_with_a_field_its_init_does_not_take_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"^_Derived\.doubled: "):
        maker(_Derived)


def test_a_class_with_a_post_init_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"^_Checked\.__post_init__: "):
        maker(_Checked)

"""A record and the `file:line` it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from coloring.domain.build import maker

R = TypeVar("R", covariant=True)


@dataclass(frozen=True, slots=True)
class Sourced(Generic[R]):
    """A record and the place it comes from."""

    record: R
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


make_sourced = maker(Sourced)
"""`Sourced(...)` for each dated record of a folder, without the frozen dataclass's `__init__`."""

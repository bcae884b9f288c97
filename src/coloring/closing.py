"""`with` for objects that hold something until they are closed (a ledger, a write lock)."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Closing:
    """A context manager whose block ends by calling `close()`, however it ends."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

"""Every process a test starts is ended with the test, whatever its outcome."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .helpers import end_all


@pytest.fixture(autouse=True)
def ended() -> Iterator[None]:
    yield
    end_all()

"""Every process a test starts is ended with the test, whatever its outcome; `url` is a new
PostgreSQL database for one test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .helpers import end_all, fresh_postgres


@pytest.fixture(autouse=True)
def ended() -> Iterator[None]:
    yield
    end_all()


@pytest.fixture
def url() -> Iterator[str]:
    with fresh_postgres() as url:
        yield url

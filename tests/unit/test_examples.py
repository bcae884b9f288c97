"""The demo's example folder: the repository's, or, in an installed package without it, the same
folder regenerated for the demo and removed after it."""

from __future__ import annotations

from pathlib import Path

import pytest

from coloring import examples


def test_the_repository_example_folder_is_used_as_it_is() -> None:
    with examples.example_folder() as folder:
        assert folder == examples.SHIPPED
    assert (examples.SHIPPED / "participants.csv").is_file()


def test_without_the_repository_the_example_is_regenerated_and_removed_afterwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(examples, "SHIPPED", tmp_path / "not-installed")
    with examples.example_folder() as folder:
        assert folder.name == examples.EXAMPLE
        assert (folder / "participants.csv").is_file()
    assert not folder.parent.exists()

"""`coloring report --lang`: the report's words in Russian or Kazakh; its data unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coloring.i18n import use

from .conftest import Ledger


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    use("en")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ru", ["Карта рисков", "Потоки денег"]), ("kk", ["Тәуекелдер картасы", "Ақша ағындары"])],
)
def test_the_report_speaks_the_language_asked_for(
    cli: typer.Typer, example_ledger: Ledger, tmp_path: Path, lang: str, words: list[str]
) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["report", "--db", example_ledger.url, "--out", str(out), "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html
    for word in words:
        assert word in html
    assert "OVERPAYMENT" in html  # rule codes stay as the contract names them


def test_an_unknown_language_is_a_usage_error(
    cli: typer.Typer, example_ledger: Ledger, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["report", "--db", example_ledger.url, "--out", str(out), "--lang", "fr"]
    )
    assert result.exit_code == 2
    assert "'fr' is not one of" in result.output
    assert not out.exists()

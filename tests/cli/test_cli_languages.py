"""`--lang` and $COLORING_LANG: messages and table headings in Russian or Kazakh, numbers the
locale's way; JSON and CSV as the contract names them in every language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coloring.cli import app
from coloring.i18n import use

runner = CliRunner()


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    use("en")


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('languages') / 'ledger.db'}"
    result = runner.invoke(app, ["demo", "--db", url])
    assert result.exit_code == 0, result.output
    return url


def test_findings_table_speaks_russian_with_russian_numbers(ledger: str) -> None:
    result = runner.invoke(app, ["--lang", "ru", "findings", "--db", ledger])
    assert result.exit_code == 0
    assert "правило" in result.stdout and "сумма (тенге)" in result.stdout
    assert "открыто" in result.stdout
    assert "нарушени" in result.stderr
    assert "\xa0" in result.stdout or "," in result.stdout  # 1 234,50


def test_the_language_can_come_from_the_environment(ledger: str) -> None:
    result = runner.invoke(app, ["balances", "--db", ledger], env={"COLORING_LANG": "kk"})
    assert result.exit_code == 0
    assert "қатысушы" in result.stdout


def test_json_and_csv_are_the_same_in_every_language(ledger: str) -> None:
    for fmt in ("json", "csv"):
        english = runner.invoke(app, ["findings", "--db", ledger, "--format", fmt]).stdout
        for lang in ("ru", "kk"):
            args = ["--lang", lang, "findings", "--db", ledger, "--format", fmt]
            assert runner.invoke(app, args).stdout == english


def test_an_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--lang", "de", "findings", "--db", f"sqlite:///{tmp_path}/x.db"])
    assert result.exit_code == 2
    assert "'de' is not one of" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_an_unknown_language_in_the_environment_is_a_usage_error(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    result = runner.invoke(app, ["findings", "--db", db], env={"COLORING_LANG": "de"})
    assert result.exit_code == 2
    assert "$COLORING_LANG: unknown language 'de' (languages: en, ru, kk)" in result.stderr
    assert not (tmp_path / "x.db").exists()

"""Every command and option explains itself; help shows no type placeholders."""

import csv
import io
import re
from pathlib import Path

import pytest
import typer
from typer._coercion import build_runtime_param
from typer.testing import CliRunner

from coloring import __version__
from coloring.cli import app

runner = CliRunner()


def _commands() -> list[tuple[str, object]]:
    group = typer.main.get_command(app)
    ctx = typer.Context(group)
    return sorted((name, group.get_command(ctx, name)) for name in group.list_commands(ctx))  # type: ignore[attr-defined]


def test_every_command_and_every_option_and_argument_has_help() -> None:
    missing = []
    for name, command in _commands():
        if not (command.help or "").strip():
            missing.append(name)
        for param in command.params:
            if not (getattr(param, "help", None) or "").strip():
                missing.append(f"{name} {param.name}")
    assert missing == []


@pytest.mark.parametrize("name", [n for n, _ in _commands()])
def test_help_shows_no_type_placeholders(name: str) -> None:
    result = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200", "TERM": "dumb"})
    assert result.exit_code == 0
    assert re.search(r"<(bool|list|int|float|str|path|Path)[^>]*>", result.output) is None, (
        result.output
    )


def test_dash_h_is_help() -> None:
    result = runner.invoke(app, ["findings", "-h"])
    assert result.exit_code == 0
    assert "--as-of" in result.output


def test_version_prints_the_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"coloring {__version__}"


def test_shell_completion_can_be_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    # With typer's shell detection on, `--show-completion` asks the process tree for the shell,
    # which a detached run (nohup, some CI) does not have; off, it takes the shell named. It is
    # read when the command is built, before `invoke` applies its env.
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    result = runner.invoke(app, ["--show-completion", "bash"])
    assert result.exit_code == 0
    assert "COMPREPLY" in result.output


def test_every_format_option_offers_the_same_words_for_the_same_choice() -> None:
    choices = {}
    for name, command in _commands():
        for param in command.params:
            described = getattr(param, "type_descriptor", None)
            if param.name == "fmt" and described is not None and described.is_choice:
                choices[name] = {str(getattr(c, "value", c)) for c in described.choices or ()}
    for data in ("findings", "trace", "balances", "programs"):
        assert choices[data] == {"table", "json", "csv"}, data
    # Every other listing calls its human form table (or text, for the scenarios' prose).
    words: set[str] = set().union(*choices.values())
    assert not words & {"human", "plain", "pretty"}


def test_programs_as_csv_are_the_terms_in_force(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert runner.invoke(app, ["demo", "--db", db]).exit_code == 0
    result = runner.invoke(app, ["programs", "--db", db, "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["program", "name", "kind", "expires_at", "max_idle_days", "amendments"]
    assert len(rows) == 4  # the example's three programs


@pytest.mark.parametrize(
    ("option", "value", "reason"),
    [
        ("--farmers", "0", "greater than or equal to 1"),
        ("--scale", "0", "0.0 is not above 0"),
        ("--misuse-rate", "1.5", "less than or equal to 1"),
        ("--herd", "-1", "greater than or equal to 0"),
    ],
)
def test_generate_refuses_an_argument_out_of_range_with_usage_and_writes_nothing(
    tmp_path: Path, option: str, value: str, reason: str
) -> None:
    out = tmp_path / "folder"
    result = runner.invoke(app, ["generate", str(out), option, value])
    assert result.exit_code == 2
    assert option in result.output
    assert reason in " ".join(result.output.replace("│", " ").split())
    assert not out.exists()


@pytest.mark.parametrize("text", ["folder", "", ".", "a//b/", "~/x", " ", "-", "missing/x"])
def test_a_path_argument_is_the_path_typer_would_give(text: str, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    group = typer.main.get_command(app)
    command = group.get_command(typer.Context(group), "load")  # type: ignore[attr-defined]
    ctx = typer.Context(command)
    [folder] = [p for p in command.get_params(ctx) if p.name == "folder"]
    typers = build_runtime_param(folder.type_descriptor)
    with pytest.MonkeyPatch.context() as m:
        m.chdir(tmp_path)
        given = folder.get_runtime_param().coerce(text, param=folder, ctx=ctx)
        theirs = typers.coerce(text, param=folder, ctx=ctx)
    assert (given, type(given)) == (theirs, type(theirs))

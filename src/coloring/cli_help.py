"""The command line's own options (`--version`, `--lang`) and help without type placeholders.

Typer labels every option with its Python type (`<str>`, `<bool>`, `<list[Path]>`), which means
nothing to an auditor. Here a flag shows no label, a choice its words (`table|json|csv`), any
other option a word for what it takes (TEXT, INTEGER, NUMBER, PATH), an argument only its name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from coloring import __version__
from coloring.i18n import Lang, UnknownLanguageError, use

WORDS = {int: "INTEGER", float: "NUMBER", Path: "PATH", str: "TEXT"}


class PlainOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar
        if self.is_flag:
            return None
        described = self.type_descriptor
        if described.is_choice:
            return "|".join(str(getattr(c, "value", c)) for c in described.choices or ())
        annotation = described.annotation
        word = WORDS.get(annotation) if isinstance(annotation, type) else None
        if word is None:
            inner = [a for a in getattr(annotation, "__args__", ()) if a is not type(None)]
            word = WORDS.get(inner[0], "TEXT") if inner and isinstance(inner[0], type) else "TEXT"
        return word + ("..." if described.is_list else "")


class PlainArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        return None


def _swap(param: Any) -> None:
    if type(param) is TyperOption:
        param.__class__ = PlainOption
    elif type(param) is TyperArgument:
        param.__class__ = PlainArgument


def plain(command: Any) -> None:
    """Swap the command's parameters, and the help option made for each help, to plain ones."""
    if getattr(command, "_plain", False):
        return
    made = command.get_params

    def get_params(ctx: Any) -> Any:
        params = made(ctx)
        for param in params:
            _swap(param)
        return params

    command.get_params = get_params
    command._plain = True


class PlainHelpGroup(TyperGroup):
    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            plain(command)
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        plain(self)
        super().format_help(ctx, formatter)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"coloring {__version__}")
        raise typer.Exit()


def register_options(app: typer.Typer) -> None:
    """`coloring --version` and `coloring --lang ru|kk|en COMMAND`."""

    @app.callback()
    def options(
        version: Annotated[
            bool,
            typer.Option(
                "--version",
                callback=_print_version,
                is_eager=True,
                help="Print the version and exit.",
            ),
        ] = False,
        lang: Annotated[
            Lang | None,
            typer.Option(
                "--lang",
                help="Language of messages and table headings (default "
                "$COLORING_LANG or en). JSON and CSV stay as the contract names them.",
                show_default=False,
            ),
        ] = None,
    ) -> None:
        from coloring.cli import fail

        try:
            use(lang)
        except UnknownLanguageError as e:
            fail(str(e), 2)

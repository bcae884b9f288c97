"""The command line's own options (`--version`, `--lang`) and help without type placeholders.

Typer labels every option with its Python type (`<str>`, `<bool>`, `<list[Path]>`), which means
nothing to an auditor. Here a flag shows no label, a choice its words (`table|json|csv`), any
other option a word for what it takes (TEXT, INTEGER, NUMBER, PATH), an argument only its name.

Typer also converts every value with a pydantic `TypeAdapter`, and importing pydantic for that
costs more than importing the whole command line (291 M instructions of a `coloring rebuild`).
A value typer would hand back unchanged (an option not given, a text for a text option, the
declared default) is taken as it is, a choice is matched by typer's own function, and a path
(`coloring load FOLDER`) is checked by typer's own function after `Path(text)`, which is what
pydantic makes of a text for a `Path`; any other value, and any refused one, goes through
typer's conversion and its messages.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer._click.exceptions import BadParameter
from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
from typer._param_types import choice_coercion_annotation, coerce_cli_choice, coerce_cli_path
from typer.core import TyperArgument, TyperGroup, TyperOption

from coloring import __version__
from coloring.i18n import Lang, UnknownLanguageError, use

WORDS = {int: "INTEGER", float: "NUMBER", Path: "PATH", str: "TEXT"}


@dataclass(frozen=True)
class _AsGiven(RuntimeParam):
    descriptor: TypeDescriptor

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.parameter_info.parser is None:
            if (value is param.default and type(value) is self.annotation) or (
                type(value) is str and self.annotation is str
            ):
                return value
            choice = choice_coercion_annotation(self.annotation, self.parameter_info)
            if choice is not None:
                # typer's own choice matching; a value it refuses is worded by typer below
                with suppress(ValueError):
                    return coerce_cli_choice(
                        value, choices=choice[0], case_sensitive=choice[1], ctx=ctx
                    )
            if (
                self.annotation is Path
                and type(value) is str
                and self.parameter_info.path_type is None
            ):
                # typer's check of the path given as the `Path` it would make; a refused
                # path is refused again below, in typer's words for the text as typed
                with suppress(BadParameter, ValueError):
                    return coerce_cli_path(
                        Path(value), self.parameter_info, path_type=Path, param=param, ctx=ctx
                    )
        return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def _runtime_param(param: Any) -> RuntimeParam:
    """A parameter's conversion: only what typer would change (see the module's doc)."""
    described = param.type_descriptor
    if param._runtime_param is None:
        if described.file_annotation is None:
            param._runtime_param = _AsGiven(
                described.parameter_info, described.annotation, described
            )
        else:
            param._runtime_param = build_runtime_param(described)
    return param._runtime_param  # type: ignore[no-any-return]


class PlainOption(TyperOption):
    get_runtime_param = _runtime_param

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
    get_runtime_param = _runtime_param

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
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain(self)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            plain(command)
        return command


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

"""Input errors of a pilot folder: `file:line: column: reason`, all of them at once."""

from __future__ import annotations

from dataclasses import dataclass

from coloring.domain.errors import ColoringError


def shown(text: str) -> str:
    """`text` as an error shows it: undecodable bytes as `\\xNN`, line breaks, tabs and other
    unprintable characters as Python escapes, so that every error stays on its one line."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


@dataclass(frozen=True, slots=True)
class InputError:
    """One problem in the input. `line` is the physical line where the record starts (header =
    1; 0 for a problem with the file as a whole); `column` is `-` when no single cell is to
    blame."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{shown(self.file)}:{self.line}: {shown(self.column)}: {self.reason}"


class PilotInputError(ColoringError):
    """A pilot folder breaks the data contract. `errors` holds every problem found, sorted by
    file, line and column; `str()` gives one per line."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.file, e.line, e.column))
        super().__init__("\n".join(str(e) for e in self.errors))


class ErrorSink:
    """Collects input errors while a folder is read."""

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    def add(self, file: str, line: int, column: str, reason: str) -> None:
        self.errors.append(InputError(file, line, column, reason))

    def raise_if_any(self) -> None:
        if self.errors:
            raise PilotInputError(self.errors)

"""Reading a scenario file: YAML with the line of every key, `--set` overrides, and errors that
name `file:line: field: reason`.

The YAML is composed into nodes and turned into plain data by hand so that every mapping key and
sequence item keeps its line, duplicate keys are an error (PyYAML would keep the last one
silently), and only the scalars a hand-written scenario needs are recognised: strings, whole
numbers, `true`/`false` and `null`. Decimals and dates stay text, so an amount such as
`1250000.50` is parsed exactly (never through a float) and a date by the contract's own rules.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from coloring.domain.errors import ColoringError

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader with floats and timestamps left as text and YAML 1.1's yes/no/on/off as text."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")
        and tag != "tag:yaml.org,2002:bool"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in a scenario: where (`file:line`, or the `--set` that caused it), the field
    (a dotted path such as `timeline[3].amount`, `-` for the file as a whole) and why."""

    where: str
    field: str
    message: str
    line: int = dataclasses.field(default=0, compare=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.message}"


class ScenarioError(ColoringError):
    """A scenario that cannot be replayed as written (exit 2). `issues` holds every problem."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


def render(path: Sequence[str | int]) -> str:
    """`('timeline', 3, 'amount')` -> `timeline[3].amount`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "-"


def scalar(text: str) -> Any:
    """A `--set` value read as a YAML scalar by the scenario's rules (`60` is a number,
    `enforce` and `2025-06-01` are text, `null` removes an optional value)."""
    try:
        value = yaml.load(text, Loader=_Loader) if text.strip() else text
    except yaml.YAMLError:
        return text
    return value if value is None or isinstance(value, (str, int, bool)) else text


@dataclass
class Document:
    """A scenario file as plain data, with the line of every key and item."""

    file: str
    data: Any
    lines: dict[Path_, int] = dataclasses.field(default_factory=dict)
    overridden: dict[Path_, str] = dataclasses.field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return Path(self.file).parent

    def where(self, path: Sequence[str | int]) -> str:
        """`file:line` of the deepest part of `path` the file holds, or the `--set` behind it."""
        path = tuple(path)
        if path and path not in self.lines:
            for changed, label in self.overridden.items():
                if changed[: len(path)] == path:
                    return label  # a part the file does not hold: a --set wrote it
        for n in range(len(path), -1, -1):
            if path[:n] in self.overridden:
                return self.overridden[path[:n]]
            if path[:n] in self.lines:
                return f"{self.file}:{self.lines[path[:n]]}"
        return f"{self.file}:1"

    def line(self, path: Sequence[str | int]) -> int:
        path = tuple(path)
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                return self.lines[path[:n]]
        return 1

    def issue(self, path: Sequence[str | int], message: str) -> Issue:
        return Issue(self.where(path), render(path), message, self.line(path))

    def data_path(self, loc: Sequence[str | int]) -> Path_:
        """A pydantic error location as a path in the data: segments the data does not hold
        as containers on the way (union tags, the kind key of a step) are dropped."""
        path: Path_ = ()
        node = self.data
        for i, seg in enumerate(loc):
            last = i == len(loc) - 1
            if seg == "[key]":
                continue  # pydantic's marker for a bad mapping key: the key's line is the place
            is_key = not last and loc[i + 1] == "[key]"
            if isinstance(node, Mapping) and seg in node:
                child = node[seg]
                if not last and not is_key and not isinstance(child, (Mapping, list)):
                    continue  # the tag of a union (`pay: T-1`), not a step into the data
                path, node = (*path, seg), child
            elif isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node):
                path, node = (*path, seg), node[seg]
            elif last and isinstance(node, Mapping) and isinstance(seg, str):
                path = (*path, seg)  # a missing or misspelt field: name it
        return path

    def validation_issues(self, error: ValidationError) -> list[Issue]:
        issues = []
        for e in error.errors(include_url=False):
            path = self.data_path(e["loc"])
            message = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                message = "unknown field (see docs/scenarios.md for the fields of each part)"
            issues.append(self.issue(path, message))
        return sorted(set(issues), key=lambda i: (i.line, i.field))

    def set(self, assignment: str, roots: Mapping[str, Path_], label: str | None = None) -> None:
        """Apply one `--set path=value`: `roots` maps a path's first part to where it lives in
        the data (`mode` -> ('parameters', 'mode'), `generate` -> ('generate',))."""
        label = label or f"--set {assignment}"
        name, sep, text = assignment.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ScenarioError([Issue(label, "-", "expected PATH=VALUE, e.g. mode=enforce")])
        first, _, rest = name.partition(".")
        if first not in roots:
            known = ", ".join(sorted(roots))
            raise ScenarioError([Issue(label, name, f"unknown parameter (parameters: {known})")])
        base = roots[first]
        if first == "programs":
            program, _, fld = rest.rpartition(".")  # program ids may contain dots
            if not program or not fld:
                raise ScenarioError(
                    [Issue(label, name, "expected programs.PROGRAM_ID.FIELD=VALUE")]
                )
            tail: Path_ = (program, fld)
        else:
            tail = tuple(rest.split(".")) if rest else ()
        path = (*base, *tail)
        if not isinstance(self.data, dict):
            self.data = {}
        node = self.data
        for part in path[:-1]:
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
            if not isinstance(node, dict):
                raise ScenarioError([Issue(label, name, "this parameter has no parts")])
        if not isinstance(node, dict):
            raise ScenarioError([Issue(label, name, "this parameter has no parts")])
        node[path[-1]] = scalar(text)
        self.overridden[path] = label


def read(path: Path) -> Document:
    """Read a scenario file into plain data with lines; YAML errors name their line."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Issue(file, "-", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError([Issue(file, "-", f"cannot read the file: {e}")]) from None
    loader = _Loader(text)
    doc = Document(file, {}, {(): 1})
    issues: list[Issue] = []
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _plain(node, (), doc, loader, issues)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ScenarioError(
            [Issue(f"{file}:{line}", "-", f"not valid YAML: {e.problem}")]
        ) from None
    finally:
        loader.dispose()
    if issues:
        raise ScenarioError(issues)
    return doc


def _plain(
    node: yaml.Node, path: Path_, doc: Document, loader: _Loader, issues: list[Issue]
) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = (
                loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            )
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                issues.append(Issue(f"{doc.file}:{line}", render(path), "a key must be text"))
                continue
            key = str(key)
            if key in out:
                issues.append(
                    Issue(
                        f"{doc.file}:{line}",
                        render((*path, key)),
                        f"appears twice in one mapping (first on line {doc.lines[(*path, key)]})",
                    )
                )
                continue
            doc.lines[(*path, key)] = line
            out[key] = _plain(value_node, (*path, key), doc, loader, issues)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            doc.lines[(*path, i)] = item.start_mark.line + 1
            items.append(_plain(item, (*path, i), doc, loader, issues))
        return items
    return loader.construct_object(node)

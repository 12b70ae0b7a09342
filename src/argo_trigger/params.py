"""The user's own params: NAME=VALUE flags and YAML or JSON files."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from argo_trigger.errors import UsageError

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from yaml.nodes import Node

_SHOWN_MAX = 60
_YAML_NULL = "tag:yaml.org,2002:null"


def parse_pairs(pairs: Sequence[str], *, flag: str) -> dict[str, str]:
    """`NAME=VALUE` strings as a mapping, split at the first `=`.

    A later pair overrides an earlier one of the same name, as with repeated
    flags elsewhere. Raises UsageError for a pair without `=` or a name.
    """
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise UsageError(f"{flag} {_shown(pair)}: expected NAME=VALUE")
        if not name:
            raise UsageError(f"{flag} {_shown(pair)}: the name before '=' is empty")
        params[name] = value
    return params


def load_params_file(path: str) -> dict[str, str]:
    """The params in a YAML or JSON file (`-` for standard input).

    The file holds one mapping of names to scalars. Values are kept as the
    user wrote them (`1.10` stays "1.10", `true` is "true"); JSON files, by
    their `.json` suffix, are read as JSON. Raises UsageError for a missing
    or unreadable file, bad syntax, a top level that is not a mapping, a
    repeated name, or a value that is null, a list or a mapping.
    """
    source = "params from standard input" if path == "-" else f"params file {path}"
    text = _read(path, source)

    if path.endswith(".json"):
        return _load_json(text, source)
    return parse_params_text(text, source)


def parse_params_text(text: str, source: str) -> dict[str, str]:
    """The params in YAML (or JSON, which YAML reads too) text from `source`.

    Raises UsageError as `load_params_file` does, naming `source`.
    """
    # Imported here: loading PyYAML costs start-up time that most runs never need.
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise UsageError(f"{source}: not valid YAML: {_yaml_problem(error)}") from None
    except yaml.YAMLError as error:
        raise UsageError(f"{source}: not valid YAML: {error}") from None
    return _mapping_from_yaml(root, source)


def parse_lines(text: str, *, source: str) -> dict[str, str]:
    """`NAME=VALUE` lines (blank lines skipped) as a mapping."""
    lines = [line.strip() for line in text.splitlines()]
    return parse_pairs([line for line in lines if line], flag=source)


def _read(path: str, source: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as file:
            return file.read()
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{source}: is a directory, not a file") from None
    except PermissionError:
        raise UsageError(f"{source}: permission denied") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source}: not UTF-8 text") from None
    except OSError as error:
        raise UsageError(f"{source}: cannot read: {error.strerror}") from None


def _load_json(text: str, source: str) -> dict[str, str]:
    try:
        # Numbers stay as written, so "1.10" is not turned into "1.1".
        document = json.loads(
            text,
            parse_int=str,
            parse_float=str,
            object_pairs_hook=lambda pairs: _json_object(pairs, source),
        )
    except json.JSONDecodeError as error:
        raise UsageError(
            f"{source}: not valid JSON: {error.msg}"
            f" (line {error.lineno}, column {error.colno})"
        ) from None

    if not isinstance(document, dict):
        raise UsageError(f"{source}: expected a mapping of names to values")
    params: dict[str, str] = {}
    for name, value in document.items():
        params[_checked_name(name, source)] = _json_scalar(name, value, source)
    return params


def _json_object(pairs: list[tuple[str, Any]], source: str) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for name, value in pairs:
        if name in document:
            raise UsageError(f"{source}: {name!r} is given more than once")
        document[name] = value
    return document


def _json_scalar(name: str, value: Any, source: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if value is None:
        raise UsageError(_null_message(name, source))
    raise UsageError(_nested_message(name, source))


def _mapping_from_yaml(root: Node | None, source: str) -> dict[str, str]:
    if root is None:
        raise UsageError(f"{source}: empty, expected a mapping of names to values")
    if _kind(root) != "mapping":
        raise UsageError(f"{source}: expected a mapping of names to values")

    params: dict[str, str] = {}
    for key_node, value_node in root.value:
        if _kind(key_node) != "scalar" or key_node.tag == _YAML_NULL:
            raise UsageError(f"{source}: every name must be a plain string")
        name = _checked_name(key_node.value, source)
        if name in params:
            raise UsageError(f"{source}: {name!r} is given more than once")
        if _kind(value_node) != "scalar":
            raise UsageError(_nested_message(name, source))
        if value_node.tag == _YAML_NULL:
            raise UsageError(_null_message(name, source))
        params[name] = value_node.value
    return params


def _kind(node: Node) -> str:
    """ "scalar", "sequence" or "mapping": the kind of a composed YAML node."""
    return str(getattr(node, "id", ""))


def _checked_name(name: str, source: str) -> str:
    if not name:
        raise UsageError(f"{source}: a name is empty")
    return name


def _null_message(name: str, source: str) -> str:
    return f"{source}: {name!r} has no value; write '' for an empty string"


def _nested_message(name: str, source: str) -> str:
    return (
        f"{source}: {name!r} must be a string, number or boolean, not a list or mapping"
    )


def _yaml_problem(error: Any) -> str:
    """PyYAML's several-line report as one line: what, and where."""
    problem = error.problem or "syntax error"
    # A context such as "expected a single document in the stream" is the
    # first half of the sentence; "while parsing ..." only repeats the mark.
    if error.context and not error.context.startswith("while "):
        problem = f"{error.context}, {problem}"
    mark = error.problem_mark or error.context_mark
    if mark is None:
        return str(problem)
    return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"


def _shown(value: str) -> str:
    if len(value) > _SHOWN_MAX:
        value = value[: _SHOWN_MAX - 3] + "..."
    return repr(value)

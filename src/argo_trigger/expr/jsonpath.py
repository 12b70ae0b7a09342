"""A subset of JSONPath for the `jsonpath(json, path)` metadata helper.

Supported: `$`, `.name`, `['name']`, `[index]` (negative from the end),
`[start:end]`, `[*]` and `.*`. A path with a wildcard or slice gives a list;
a path without one gives the single value it names. Anything else fails with
a one-line error rather than a guess.
"""

from __future__ import annotations

import re
from typing import Any

from argo_trigger.expr.error import Fault

STEP = re.compile(
    r"""\.(?P<name>[A-Za-z_$][\w$-]*)
      | \.\*(?P<dotstar>)
      | \[\s*(?P<quote>['"])(?P<key>.*?)(?P=quote)\s*\]
      | \[\s*(?P<index>-?\d+)\s*\]
      | \[\s*(?P<start>-?\d*)\s*:\s*(?P<end>-?\d*)\s*\]
      | \[\s*\*\s*\](?P<star>)""",
    re.VERBOSE,
)


def query(path: str, data: Any) -> Any:
    """The value(s) `path` selects in `data`; raises Fault when it selects none."""
    if not path.startswith("$"):
        raise Fault(f"jsonpath: path must start with $: {path}")
    current = [data]
    many = False
    position = 1
    while position < len(path):
        match = STEP.match(path, position)
        if match is None:
            raise Fault(f"jsonpath: unsupported syntax at '{path[position:]}'")
        position = match.end()
        current, widened = step(match, current)
        many = many or widened
    if many:
        return current
    return current[0]


def step(match: re.Match[str], current: list[Any]) -> tuple[list[Any], bool]:
    name = match.group("name") or match.group("key")
    if name is not None:
        return [child(item, name) for item in current], False
    if match.group("index") is not None:
        return [element(item, int(match.group("index"))) for item in current], False
    if match.group("star") is not None or match.group("dotstar") is not None:
        return [value for item in current for value in every(item)], True
    start, end = match.group("start"), match.group("end")
    picked: list[Any] = []
    for item in current:
        if not isinstance(item, list):
            raise Fault("jsonpath: cannot slice a non-array")
        picked.extend(item[int(start) if start else None : int(end) if end else None])
    return picked, True


def child(item: Any, name: str) -> Any:
    if not isinstance(item, dict) or name not in item:
        raise Fault(f"jsonpath: key '{name}' not found")
    return item[name]


def element(item: Any, index: int) -> Any:
    if not isinstance(item, list):
        raise Fault("jsonpath: cannot index a non-array")
    if not -len(item) <= index < len(item):
        raise Fault(f"jsonpath: index {index} out of range")
    return item[index]


def every(item: Any) -> list[Any]:
    if isinstance(item, dict):
        return [item[key] for key in sorted(item)]
    if isinstance(item, list):
        return list(item)
    raise Fault("jsonpath: wildcard on a value that is neither array nor object")

"""The `fields` query parameter: keep (or, after `-`, drop) named paths.

`fields=metadata.name,status.phase` keeps those paths and what leads to
them; `fields=-status.nodes` drops a path. A path is a dotted list of keys,
and lists are walked through without an index (`items.metadata.name`). Like
the Argo Server, a key is kept when a named path starts with the key's
dotted path as plain text, so `fields=metadata.namespace` keeps
`metadata.name` as well.
"""

from __future__ import annotations

import copy
from typing import Any


def trim(document: dict[str, Any], fields: str) -> dict[str, Any]:
    """A copy of `document` trimmed by a `fields` query value.

    An empty `fields` returns the document unchanged.
    """
    if not fields:
        return document

    exclude = fields.startswith("-")
    paths = frozenset((fields[1:] if exclude else fields).split(","))
    trimmed = copy.deepcopy(document)
    _clean(trimmed, [], paths, exclude)
    return trimmed


def _clean(item: Any, path: list[str], paths: frozenset[str], exclude: bool) -> None:
    if isinstance(item, list):
        for element in item:
            _clean(element, path, paths, exclude)
        return
    if not isinstance(item, dict):
        return

    for key in list(item):
        dotted = ".".join([*path, key])
        named = dotted in paths
        leads_to_named = named or any(p.startswith(dotted) for p in paths)
        keep = (exclude and not named) or (not exclude and leads_to_named)
        if not keep:
            del item[key]
        elif not named:
            _clean(item[key], [*path, key], paths, exclude)

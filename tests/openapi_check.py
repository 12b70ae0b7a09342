"""Check requests and responses against Argo's OpenAPI (swagger 2.0) spec.

    spec = load_spec()
    problems = check_request(spec, "POST", "/api/v1/workflows/argo", {}, body)
    assert problems == []

A request conforms when an operation exists for its method and templated
path, every query parameter is one that operation declares (with a value
of the declared type), and its JSON body validates against the operation's
body schema. `#/definitions/...` references resolve against the whole spec.

Swagger schemas allow unknown properties; the Argo Server then ignores
them silently, so a misspelt field is lost without a word. By default
(`strict=True`) request bodies are therefore checked with unknown
properties forbidden wherever a definition lists its properties.
Responses are checked as the spec states (`check_response`), except that
`null` passes for a list: the Argo Server, written in Go, sends an empty
list that way.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SPEC_PATH = Path(__file__).parent / "fixtures" / "argo" / "swagger.json"
SPEC_URI = "urn:argo-workflows:swagger"
# Argo answers an event sent to an empty discriminator when the path keeps
# its trailing slash, so that one parameter may be empty.
MAY_BE_EMPTY = frozenset({"discriminator"})
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

Query = dict[str, list[str]] | dict[str, str]


def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Argo's swagger.json as a dict."""
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return spec


def find_operation(
    spec: dict[str, Any], method: str, path: str
) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    """The path template, operation and path parameters for a request.

    Templates with more literal segments win, as in the Argo Server's router
    (`/workflows/{namespace}/submit` before `/workflows/{namespace}/{name}`).
    """
    for template in _templates(spec, method.lower()):
        found = _pattern(template).fullmatch(path)
        if found is not None:
            return template, spec["paths"][template][method.lower()], found.groupdict()
    return None


def check_request(
    spec: dict[str, Any],
    method: str,
    path: str,
    query: Query | None = None,
    body: Any = None,
    *,
    strict: bool = True,
) -> list[str]:
    """Problems with a request; empty when it conforms to the spec.

    `path` is the API path without base href or query; `query` maps names
    to a value or a list of values; `body` is the decoded JSON body, raw
    bytes or text, or None for no body.
    """
    found = find_operation(spec, method, path)
    if found is None:
        return [_no_operation(spec, method, path)]

    template, operation, params = found
    name = f"{method.upper()} {template}"
    problems = [
        f"{name}: path parameter {key!r} is empty"
        for key, value in params.items()
        if not value and key not in MAY_BE_EMPTY
    ]
    problems += _check_query(name, operation, _as_lists(query or {}))
    problems += _check_body(spec, name, operation, body, strict)
    return problems


def check_response(
    spec: dict[str, Any], method: str, path: str, status: int, body: Any
) -> list[str]:
    """Problems with a response body; empty when it fits the spec's schema.

    Error statuses are checked against the operation's `default` response.
    """
    found = find_operation(spec, method, path)
    if found is None:
        return [_no_operation(spec, method, path)]

    template, operation, _ = found
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    name = f"{method.upper()} {template} -> {status}"
    if response is None:
        return [f"{name}: the spec declares no such response"]
    if "schema" not in response:
        return []
    return _validate(
        spec, name, "response", response["schema"], body, strict=False, null_lists=True
    )


def _templates(spec: dict[str, Any], method: str) -> list[str]:
    with_method = [t for t, item in spec["paths"].items() if method in item]
    return sorted(with_method, key=lambda t: (t.count("{"), -len(t)))


@cache
def _pattern(template: str) -> re.Pattern[str]:
    def parameter(match: re.Match[str]) -> str:
        return f"(?P<{match.group(1)}>[^/]*)"

    return re.compile(re.sub(r"\{(\w+)\}", parameter, template))


def _no_operation(spec: dict[str, Any], method: str, path: str) -> str:
    for other in METHODS:
        if other != method.lower() and find_operation(spec, other, path):
            return f"{method.upper()} {path}: the path exists, but not for this method"
    return f"{method.upper()} {path}: no operation in the spec has this path"


def _as_lists(query: Query) -> dict[str, list[str]]:
    return {
        key: list(value) if isinstance(value, (list, tuple)) else [value]
        for key, value in query.items()
    }


def _check_query(
    name: str, operation: dict[str, Any], query: dict[str, list[str]]
) -> list[str]:
    declared = {
        p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "query"
    }
    problems: list[str] = []
    for key, values in query.items():
        parameter = declared.get(key)
        if parameter is None:
            problems.append(f"{name}: unknown query parameter {key!r}")
            continue
        if len(values) > 1 and parameter.get("type") != "array":
            problems.append(
                f"{name}: query parameter {key!r} given {len(values)} times"
            )
        problems += [
            f"{name}: query parameter {key!r}={value!r} is not {_query_type(parameter)}"
            for value in values
            if not _fits_query_type(_query_type(parameter), value)
        ]
    return problems


def _query_type(parameter: dict[str, Any]) -> str:
    # 64-bit integers travel as strings in grpc-gateway's spec, with a format.
    if parameter.get("format") in ("int32", "int64", "uint32", "uint64"):
        return "integer"
    kind: str = parameter.get("type", "string")
    return kind


def _fits_query_type(kind: str, value: str) -> bool:
    if kind == "boolean":
        return value in ("true", "false")
    if kind == "integer":
        return re.fullmatch(r"-?\d+", value) is not None
    if kind == "number":
        return re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value) is not None
    return True


def _check_body(
    spec: dict[str, Any], name: str, operation: dict[str, Any], body: Any, strict: bool
) -> list[str]:
    declared = [p for p in operation.get("parameters", []) if p.get("in") == "body"]
    if isinstance(body, (bytes, str)):
        if not body.strip():
            body = None
        else:
            try:
                body = json.loads(body)
            except ValueError as error:
                return [f"{name}: the body is not JSON ({error})"]

    if not declared:
        return [] if body is None else [f"{name}: this operation takes no body"]
    if body is None:
        required = declared[0].get("required", False)
        return [f"{name}: the body is required"] if required else []
    return _validate(spec, name, "body", declared[0]["schema"], body, strict=strict)


def _validate(
    spec: dict[str, Any],
    name: str,
    where: str,
    schema: dict[str, Any],
    value: Any,
    *,
    strict: bool,
    null_lists: bool = False,
) -> list[str]:
    validator = Draft4Validator(_anchored(schema), registry=_registry(spec, strict))
    problems = []
    for error in sorted(
        validator.iter_errors(value), key=lambda e: list(e.absolute_path)
    ):
        if null_lists and _is_null_list(error):
            continue
        location = ".".join(str(part) for part in [where, *error.absolute_path])
        problems.append(f"{name}: {location}: {error.message}")
    return problems


def _is_null_list(error: Any) -> bool:
    """A `null` where the spec wants a list: Go sends empty lists that way."""
    return bool(
        error.validator == "type"
        and error.instance is None
        and error.validator_value == "array"
    )


def _anchored(schema: dict[str, Any]) -> dict[str, Any]:
    """The operation's schema with its references pointed into the spec."""
    text = json.dumps(schema).replace('"#/definitions/', f'"{SPEC_URI}#/definitions/')
    anchored: dict[str, Any] = json.loads(text)
    return anchored


_REGISTRIES: dict[tuple[int, bool], tuple[dict[str, Any], Registry[Any]]] = {}


def _registry(spec: dict[str, Any], strict: bool) -> Registry[Any]:
    cached = _REGISTRIES.get((id(spec), strict))
    if cached is not None and cached[0] is spec:
        return cached[1]

    definitions = copy.deepcopy(spec["definitions"])
    if strict:
        _forbid_unknown(definitions)
    resource = Resource.from_contents(
        {"definitions": definitions}, default_specification=DRAFT4
    )
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    _REGISTRIES[(id(spec), strict)] = (spec, registry)
    return registry


def _forbid_unknown(node: Any) -> None:
    """Forbid unknown properties in every schema that lists its properties."""
    if isinstance(node, list):
        for child in node:
            _forbid_unknown(child)
        return
    if not isinstance(node, dict):
        return

    if isinstance(node.get("properties"), dict):
        node.setdefault("additionalProperties", False)
    for child in node.values():
        _forbid_unknown(child)

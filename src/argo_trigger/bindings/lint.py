"""Warnings about a WorkflowEventBinding that may work today and fail tomorrow.

The checks read the binding and its template, not one event: an argument
with a plain `value:`, arguments the template does not declare, template
parameters nobody supplies, a selector that compares or reads through a
payload leaf that is null on some events, and `submit.metadata`
expressions that cannot give a string. Payload knowledge comes from the
version 1 payload contract: every object present, many leaves nullable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from argo_trigger.bindings.dispatch import NAMES
from argo_trigger.bindings.manifests import Object, name_of
from argo_trigger.ci.context import (
    CI_KEYS,
    GIT_KEYS,
    PULL_REQUEST_KEYS,
    REPOSITORY_KEYS,
)
from argo_trigger.expr import ExprError, compile_expr
from argo_trigger.expr import nodes as n
from argo_trigger.expr.parser import parse

ORDERING = frozenset({"<", ">", "<=", ">="})
ARITHMETIC = frozenset({"+", "-", "*", "/", "%", "**", "^", ".."})
LOGICAL = frozenset({"&&", "||", "and", "or"})
BOOLEAN_OPS = (
    frozenset({"==", "!=", "in", "matches", "contains", "startsWith", "endsWith"})
    | ORDERING
    | LOGICAL
)
# Builtins that fail on nil where they expect a string or a number.
NIL_FAILS = frozenset(
    {
        "hasPrefix",
        "hasSuffix",
        "lower",
        "upper",
        "trim",
        "trimPrefix",
        "trimSuffix",
        "split",
        "splitAfter",
        "replace",
        "repeat",
        "indexOf",
        "lastIndexOf",
        "len",
        "int",
        "float",
        "abs",
        "fromJSON",
        "fromBase64",
        "toBase64",
    }
)
STRING_BUILTINS = frozenset(
    {
        "lower",
        "upper",
        "trim",
        "trimPrefix",
        "trimSuffix",
        "replace",
        "repeat",
        "join",
        "string",
        "toJSON",
        "toBase64",
        "fromBase64",
    }
)
NUMBER_BUILTINS = frozenset(
    {"len", "int", "float", "abs", "indexOf", "lastIndexOf", "count", "sum"}
)
BOOL_BUILTINS = frozenset({"all", "any", "none", "one", "hasPrefix", "hasSuffix"})

Kinds = frozenset[str]
STRING: Kinds = frozenset({"string"})


def _schema() -> dict[tuple[str, ...], str]:
    """Payload version 1: path → string, string?, number, number? or object."""
    schema: dict[tuple[str, ...], str] = {
        ("schema",): "number",
        ("id",): "string",
        ("type",): "string",
        ("time",): "string",
    }
    for group, keys in (
        ("ci", CI_KEYS),
        ("repository", REPOSITORY_KEYS),
        ("git", GIT_KEYS),
        ("pull_request", PULL_REQUEST_KEYS),
    ):
        schema[(group,)] = "object"
        schema.update({(group, key): "string?" for key in keys})
    schema[("params",)] = "object"
    schema[("ci", "provider")] = "string"
    schema[("ci", "run_attempt")] = "number"
    schema[("pull_request", "number")] = "number?"
    return schema


SCHEMA = _schema()
# Null on ordinary CI events, not only outside CI (where nearly all are).
OFTEN_NULL = frozenset(
    {
        ("git", "tag"),
        ("git", "message"),
        ("git", "branch"),
        ("ci", "job"),
        ("ci", "job_url"),
        ("ci", "actor"),
        ("repository", "default_branch"),
    }
)


def lint(
    binding: Object, template: Object | None, missing: str | None = None
) -> list[str]:
    """Every warning for one binding; `missing` says why `template` is None."""
    spec = _mapping(binding.get("spec"))
    submit = _mapping(spec.get("submit"))
    warnings = list(_selector_warnings(spec))
    if not spec.get("submit"):
        warnings.append("no spec.submit: a match creates no workflow")
        return warnings

    arguments = [
        _mapping(a) for a in _mapping(submit.get("arguments")).get("parameters") or []
    ]
    warnings += _argument_warnings(arguments)
    warnings += _metadata_warnings(_mapping(submit.get("metadata")))
    if template is None:
        if missing:
            warnings.append(missing)
        return warnings
    return warnings + _template_warnings(arguments, template)


def _selector_warnings(spec: Mapping[str, Any]) -> Iterator[str]:
    source = str(_mapping(spec.get("event")).get("selector") or "")
    try:
        tree = parse(source, frozenset(NAMES))
    except ExprError:
        # Dispatch reports a selector that does not parse, on every event.
        return
    for path, why in _nullable_uses(tree, guarded=False):
        shown = "payload." + ".".join(path)
        yield (
            f"selector: {shown} is null on some events and {why} fails on "
            "null, so the server answers 500 for the whole event; guard it "
            f'(payload.type == "..." && ...) or write ({shown} ?? DEFAULT)'
        )


def _argument_warnings(arguments: list[Mapping[str, Any]]) -> Iterator[str]:
    for argument in arguments:
        name = str(argument.get("name") or "")
        if "value" in argument and not argument.get("valueFrom"):
            literal = json.dumps(str(argument["value"]))
            yield (
                f'argument "{name}" has a plain value: the server rejects it '
                f"(valueFrom is nil); write valueFrom.event: '{literal}'"
            )
            continue
        source = str(_mapping(argument.get("valueFrom")).get("event") or "")
        try:
            compile_expr(source, NAMES)
        except ExprError as error:
            yield f'argument "{name}": valueFrom.event does not compile: {error}'
            continue
        if _often_null(source):
            yield (
                f'argument "{name}": {source.strip()} can be null, and the '
                'workflow then gets the string "null"; write '
                f'({source.strip()} ?? "") or guard the selector'
            )


def _often_null(source: str) -> bool:
    """Whether an expression is a payload leaf that ordinary CI events leave
    null (the pull request outside pull requests, the tag outside tags...)."""
    path = payload_path(parse(source, frozenset(NAMES)))
    if path is None or not SCHEMA.get(path, "string?").endswith("?"):
        return False
    return path[0] in ("pull_request", "params") or path in OFTEN_NULL


def _metadata_warnings(metadata: Mapping[str, Any]) -> Iterator[str]:
    fields = [(what, metadata.get(what)) for what in ("name", "generateName")]
    for group, noun in (("labels", "label"), ("annotations", "annotation")):
        fields += [
            (f'{noun} "{key}"', value)
            for key, value in _mapping(metadata.get(group)).items()
        ]
    for what, source in fields:
        if source:
            yield from _string_warning(what, str(source))


def _string_warning(what: str, source: str) -> Iterator[str]:
    try:
        compile_expr(source, NAMES, extended=True)
        kinds = _kinds(parse(source, frozenset(NAMES)))
    except ExprError as error:
        yield f"metadata {what} does not compile: {error}"
        return
    if kinds is None or kinds == STRING:
        return
    if kinds - {"nil"} == STRING:
        yield (
            f"metadata {what} can be null, and the server then fails the binding "
            f'(must evaluate to a string); write ({source} ?? "")'
        )
        return
    named = sorted(kinds - STRING - {"nil"}) + (["null"] if "nil" in kinds else [])
    shown = " or ".join(named)
    yield (
        f"metadata {what} gives a {shown}, not a string: the server fails the "
        f"binding (must evaluate to a string); write string({source})"
    )


def _template_warnings(
    arguments: list[Mapping[str, Any]], template: Object
) -> list[str]:
    kind = str(template.get("kind") or "WorkflowTemplate")
    title = f"{kind} {name_of(template)}"
    declared = [
        _mapping(p)
        for p in _mapping(_mapping(template.get("spec")).get("arguments")).get(
            "parameters"
        )
        or []
    ]
    declared_names = {str(p.get("name")) for p in declared}
    given = {str(a.get("name") or "") for a in arguments}

    warnings = [
        f'argument "{name}" is not declared in the spec.arguments.parameters '
        f"of {title}: the workflow gets it all the same; check the spelling"
        for name in sorted(given - declared_names)
    ]
    for parameter in declared:
        name = str(parameter.get("name"))
        no_default = parameter.get("value") is None and not parameter.get("valueFrom")
        if no_default and name not in given:
            warnings.append(
                f'{title} needs parameter "{name}" (it has no default) and the '
                "binding does not supply it: the workflow will fail validation"
            )
    return warnings


def _nullable_uses(
    node: n.Node, guarded: bool
) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, operation) for each unguarded use of a nullable payload leaf
    where nil makes the expression fail."""
    if not guarded:
        for operand, why in _nil_sensitive_operands(node):
            path = payload_path(operand)
            if path is not None and SCHEMA.get(path, "").endswith("?"):
                yield path, why
    for child, child_guarded in _children(node):
        yield from _nullable_uses(child, guarded or child_guarded)


def _nil_sensitive_operands(node: n.Node) -> list[tuple[n.Node, str]]:
    if isinstance(node, n.Binary) and node.op in ORDERING | ARITHMETIC:
        why = f"'{node.op}'"
        return [(node.left, why), (node.right, why)]
    if isinstance(node, n.Builtin) and node.name in NIL_FAILS:
        return [(arg, f"{node.name}()") for arg in node.args]
    if isinstance(node, n.Member) and not node.optional:
        return [(node.target, "reading a field")]
    return []


def _children(node: n.Node) -> list[tuple[n.Node, bool]]:
    """Child nodes, each with whether a condition before it guards it."""
    if isinstance(node, n.Binary):
        return [(node.left, False), (node.right, node.op in LOGICAL)]
    if isinstance(node, n.Conditional):
        return [(node.cond, False), (node.then, True), (node.other, True)]
    if isinstance(node, n.Let):
        return [(node.value, False), (node.body, False)]
    found: list[n.Node] = []
    for name in ("operand", "target", "key", "inner", "body", "callee"):
        value = getattr(node, name, None)
        if isinstance(value, n.Node):
            found.append(value)
    for name in ("args", "items"):
        found += [item for item in getattr(node, name, None) or [] if item]
    for pair in getattr(node, "pairs", None) or []:
        found += list(pair)
    for name in ("start", "stop"):
        value = getattr(node, name, None)
        if isinstance(value, n.Node):
            found.append(value)
    return [(child, False) for child in found]


def payload_path(node: n.Node) -> tuple[str, ...] | None:
    """`payload.a.b` (or `payload?.a["b"]`) as ("a", "b"); None otherwise."""
    if isinstance(node, n.Chain):
        node = node.inner
    keys: list[str] = []
    while isinstance(node, n.Member):
        if not isinstance(node.key, n.Literal) or not isinstance(node.key.value, str):
            return None
        keys.append(node.key.value)
        node = node.target
    if isinstance(node, n.Identifier) and node.name == "payload" and keys:
        path = tuple(reversed(keys))
        if path[0] == "params" and len(path) == 2:
            return path
        return path if path in SCHEMA else None
    return None


def _kinds(node: n.Node) -> Kinds | None:  # noqa: PLR0911 (one return per node kind)
    """What an expression can give: string, number, bool, nil, map, array.

    None when it cannot be told without running it.
    """
    if isinstance(node, n.Literal):
        return frozenset({_literal_kind(node.value)})
    if isinstance(node, n.Nil):
        return frozenset({"nil"})
    if isinstance(node, (n.Member, n.Chain)):
        return _path_kinds(node)
    if isinstance(node, n.Unary):
        return frozenset({"bool"} if node.op in ("!", "not") else {"number"})
    if isinstance(node, n.Binary):
        return _binary_kinds(node)
    if isinstance(node, n.Conditional):
        then, other = _kinds(node.then), _kinds(node.other)
        return None if then is None or other is None else then | other
    if isinstance(node, n.Builtin):
        return _builtin_kinds(node.name)
    if isinstance(node, n.ArrayLit):
        return frozenset({"array"})
    if isinstance(node, n.MapLit):
        return frozenset({"map"})
    return None


def _literal_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    return "number"


def _path_kinds(node: n.Node) -> Kinds | None:
    path = payload_path(node)
    if path is None:
        return None
    kind = "string?" if path[0] == "params" else SCHEMA[path]
    base = {"object": "map"}.get(kind.rstrip("?"), kind.rstrip("?"))
    return frozenset({base, "nil"} if kind.endswith("?") else {base})


def _binary_kinds(node: n.Binary) -> Kinds | None:
    if node.op in BOOLEAN_OPS:
        return frozenset({"bool"})
    left, right = _kinds(node.left), _kinds(node.right)
    if node.op == "??":
        return None if left is None or right is None else (left - {"nil"}) | right
    if node.op == "+" and STRING in (left, right):
        return STRING
    if node.op in ARITHMETIC - {"+", ".."}:
        return frozenset({"number"})
    return None


def _builtin_kinds(name: str) -> Kinds | None:
    if name in STRING_BUILTINS:
        return STRING
    if name in NUMBER_BUILTINS:
        return frozenset({"number"})
    if name in BOOL_BUILTINS:
        return frozenset({"bool"})
    return None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}

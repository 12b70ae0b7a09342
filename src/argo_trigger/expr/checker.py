"""Compile-time checks that expr's checker makes before anything runs.

Names must exist, builtins get the number of arguments they take, and
operators applied to values whose types are already known (literals and what
is built from them) must fit. Values read from the environment have no known
type here, as in expr where the payload is a map of interface{} values; their
mistakes surface at run time instead.
"""

from __future__ import annotations

from collections.abc import Collection

from argo_trigger.expr import nodes as n
from argo_trigger.expr.builtins import ARITY
from argo_trigger.expr.error import ExprError, located

NUMERIC = frozenset({"int", "float64"})
ARRAY = "[]interface {}"
MAP = "map[string]interface {}"
LITERAL_TYPES = {bool: "bool", int: "int", float: "float64", str: "string"}
RESULT_TYPES = {
    "len": "int",
    "string": "string",
    "upper": "string",
    "lower": "string",
    "toJSON": "string",
    "toBase64": "string",
    "fromBase64": "string",
    "trim": "string",
    "hasPrefix": "bool",
    "hasSuffix": "bool",
    "all": "bool",
    "any": "bool",
    "none": "bool",
    "one": "bool",
    "count": "int",
    "findIndex": "int",
    "findLastIndex": "int",
    "indexOf": "int",
    "lastIndexOf": "int",
    "filter": ARRAY,
    "map": ARRAY,
    "split": ARRAY,
    "keys": ARRAY,
    "values": ARRAY,
    "mean": "float64",
    "median": "float64",
    "ceil": "float64",
    "floor": "float64",
    "round": "float64",
    "float": "float64",
    "int": "int",
}

Type = str | None


class Checker:
    """Walks one tree; `known` holds the environment names and `let` names."""

    def __init__(self, source: str, names: Collection[str]) -> None:
        self.source = source
        self.known = set(names) | {"$env"}
        self.lets: list[str] = []

    def fail(self, node: n.Node, message: str) -> ExprError:
        return located(message, self.source, node.offset)

    def check(self, node: n.Node) -> Type:
        """The static type of `node` when known; raises ExprError on a misfit."""
        method = getattr(self, "t_" + type(node).__name__, None)
        if method is None:
            for child in children(node):
                self.check(child)
            return None
        result: Type = method(node)
        return result

    def t_Nil(self, node: n.Nil) -> Type:
        return None

    def t_Literal(self, node: n.Literal) -> Type:
        return LITERAL_TYPES[type(node.value)]

    def t_ArrayLit(self, node: n.ArrayLit) -> Type:
        for item in node.items:
            self.check(item)
        return ARRAY

    def t_MapLit(self, node: n.MapLit) -> Type:
        for key, value in node.pairs:
            self.check(key)
            self.check(value)
        return MAP

    def t_Identifier(self, node: n.Identifier) -> Type:
        if node.name not in self.known and node.name not in self.lets:
            raise self.fail(node, f"unknown name {node.name}")
        return None

    def t_Let(self, node: n.Let) -> Type:
        self.check(node.value)
        self.lets.append(node.name)
        try:
            return self.check(node.body)
        finally:
            self.lets.pop()

    def t_Call(self, node: n.Call) -> Type:
        if isinstance(node.callee, n.Identifier):
            self.t_Identifier(node.callee)
        else:
            self.check(node.callee)
        for arg in node.args:
            self.check(arg)
        return None

    def t_Builtin(self, node: n.Builtin) -> Type:
        kinds = [self.check(arg) for arg in node.args]
        low, high = ARITY.get(node.name, (0, 1_000_000))
        if not low <= len(node.args) <= high:
            expected = f"{low}" if low == high else f"at least {low}"
            if len(node.args) > high:
                expected = f"{high}" if low == high else f"at most {high}"
            raise self.fail(
                node,
                f"invalid number of arguments (expected {expected}, "
                f"got {len(node.args)})",
            )
        if node.name in PREDICATE_NAMES and kinds and kinds[0] in NOT_ITERABLE:
            raise self.fail(
                node, f"builtin {node.name} takes only array (got {kinds[0]})"
            )
        return RESULT_TYPES.get(node.name)

    def t_Conditional(self, node: n.Conditional) -> Type:
        cond = "unknown" if isinstance(node.cond, n.Nil) else self.check(node.cond)
        if cond is not None and cond != "bool":
            raise self.fail(
                node.cond, f"non-bool expression (type {cond}) used as condition"
            )
        then, other = self.check(node.then), self.check(node.other)
        return then if then == other else None

    def t_Unary(self, node: n.Unary) -> Type:
        kind = self.check(node.operand)
        if kind is None:
            return None
        if node.op in ("!", "not"):
            if kind != "bool":
                raise self.fail(
                    node, f"invalid operation: {node.op} (mismatched type {kind})"
                )
            return "bool"
        if kind not in NUMERIC:
            raise self.fail(
                node, f"invalid operation: {node.op} (mismatched type {kind})"
            )
        return kind

    def t_Binary(self, node: n.Binary) -> Type:
        left, right = self.check(node.left), self.check(node.right)
        result = binary_type(node.op, left, right)
        if result is False:
            raise self.fail(
                node,
                f"invalid operation: {node.op} (mismatched types {left} and {right})",
            )
        return result if isinstance(result, str) else None


PREDICATE_NAMES = frozenset(
    [
        "all",
        "any",
        "none",
        "one",
        "filter",
        "map",
        "count",
        "sum",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "groupBy",
        "sortBy",
        "reduce",
    ]
)
NOT_ITERABLE = frozenset({"int", "float64", "bool", MAP})


# PLR0911: one return per operator family.
def binary_type(op: str, left: Type, right: Type) -> str | bool | None:  # noqa: PLR0911
    """The result type, None when unknown, False when the operands cannot fit."""
    if op in ("==", "!="):
        return "bool"
    if op == "??":
        return left if left == right else None
    if left is None or right is None:
        return "bool" if op in BOOL_RESULT else None
    numbers = left in NUMERIC and right in NUMERIC
    if op in ("&&", "||", "and", "or"):
        return "bool" if left == right == "bool" else False
    if op in ("<", ">", "<=", ">="):
        return "bool" if numbers or left == right == "string" else False
    if op in ("+", "-", "*"):
        if numbers:
            return "int" if left == right == "int" else "float64"
        return "string" if op == "+" and left == right == "string" else False
    if op in ("/", "**", "^"):
        return "float64" if numbers else False
    if op == "%":
        return "int" if left == right == "int" else False
    if op == "..":
        return ARRAY if left == right == "int" else False
    if op in ("contains", "startsWith", "endsWith", "matches"):
        return "bool" if left == right == "string" else False
    if op == "in":
        return "bool" if right in (ARRAY, MAP) else False
    return None


BOOL_RESULT = frozenset(
    [
        "<",
        ">",
        "<=",
        ">=",
        "&&",
        "||",
        "and",
        "or",
        "in",
        "contains",
        "startsWith",
        "endsWith",
        "matches",
    ]
)


def children(node: n.Node) -> list[n.Node]:
    found: list[n.Node] = []
    for name in node.__slots__:
        value = getattr(node, name)
        if isinstance(value, n.Node):
            found.append(value)
        elif isinstance(value, list):
            found.extend(item for item in value if isinstance(item, n.Node))
    return found


def check(tree: n.Node, source: str, names: Collection[str]) -> None:
    """Raise ExprError for the first mistake expr's checker would report."""
    Checker(source, names).check(tree)

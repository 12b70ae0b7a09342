"""The syntax tree of an expression: one small class per kind of node."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Node:
    offset: int


@dataclass(slots=True)
class Nil(Node):
    pass


@dataclass(slots=True)
class Literal(Node):
    """A bool, int, float or string written in the source."""

    value: Any


@dataclass(slots=True)
class Identifier(Node):
    name: str


@dataclass(slots=True)
class Pointer(Node):
    """`#` (name ""), `#index`, `#acc` or another `#name` inside a predicate."""

    name: str


@dataclass(slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass(slots=True)
class Member(Node):
    """`a.b`, `a?.b` or `a[b]`; `optional` for the `?.` forms."""

    target: Node
    key: Node
    optional: bool = False
    method: bool = False


@dataclass(slots=True)
class Chain(Node):
    """The extent of an optional chain: nil inside it ends the whole chain."""

    inner: Node


@dataclass(slots=True)
class Slice(Node):
    target: Node
    start: Node | None
    stop: Node | None


@dataclass(slots=True)
class Call(Node):
    """A call of something that is not a builtin: an env function or method."""

    callee: Node
    args: list[Node]


@dataclass(slots=True)
class Builtin(Node):
    name: str
    args: list[Node]


@dataclass(slots=True)
class Predicate(Node):
    body: Node


@dataclass(slots=True)
class Conditional(Node):
    cond: Node
    then: Node
    other: Node


@dataclass(slots=True)
class ArrayLit(Node):
    items: list[Node]


@dataclass(slots=True)
class MapLit(Node):
    pairs: list[tuple[Node, Node]] = field(default_factory=list)


@dataclass(slots=True)
class Let(Node):
    name: str
    value: Node
    body: Node


@dataclass(slots=True)
class Sequence(Node):
    items: list[Node]

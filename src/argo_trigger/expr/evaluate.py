"""Turns a checked syntax tree into nested Python closures and runs them.

Each node becomes one function of a `Frame`; a program is the function of its
root. Errors raised while running carry the position of the node that failed,
the way expr's virtual machine reports the instruction that panicked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from argo_trigger.expr import nodes as n
from argo_trigger.expr import values as v
from argo_trigger.expr.builtins import BUILTINS
from argo_trigger.expr.error import Fault, located
from argo_trigger.expr.goregex import matches

Code = Callable[["Frame"], Any]


class Scope:
    """One level of a predicate: the array walked, where it is, the accumulator."""

    __slots__ = ("acc", "index", "items")

    def __init__(self, items: list[Any]) -> None:
        self.items = items
        self.index = 0
        self.acc: Any = None


class Frame:
    """The state of one run: environment, `let` slots and predicate scopes."""

    __slots__ = ("env", "scopes", "slots")

    def __init__(self, env: dict[str, Any], slot_count: int) -> None:
        self.env = env
        self.slots: list[Any] = [None] * slot_count
        self.scopes: list[Scope] = []


class ChainBreak(Exception):
    """`?.` met nil: the enclosing optional chain evaluates to nil."""


def iterable(value: Any) -> list[Any]:
    """The items a predicate walks, refusing what expr's VM cannot walk."""
    kind = type(value)
    if kind is list:
        return list(value)
    if value is None:
        raise Fault("reflect: call of reflect.Value.Len on zero Value")
    if kind is str:
        return list(value.encode())
    if kind is dict:
        if value:
            raise Fault("reflect: call of reflect.Value.Index on map Value")
        return []
    raise Fault(f"reflect: call of reflect.Value.Len on {v.go_type(value)} Value")


class Compiler:
    """Compiles one tree; `slots` maps `let` names in scope to frame slots."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.slots: dict[str, list[int]] = {}
        self.slot_count = 0

    def guarded(self, node: n.Node, code: Code) -> Code:
        source, offset = self.source, node.offset

        def run(frame: Frame) -> Any:
            try:
                return code(frame)
            except Fault as fault:
                raise located(fault.message, source, offset) from None

        return run

    def compile(self, node: n.Node) -> Code:
        method: Callable[[Any], Code] = getattr(self, "c_" + type(node).__name__)
        return method(node)

    def c_Nil(self, node: n.Nil) -> Code:
        return lambda frame: None

    def c_Literal(self, node: n.Literal) -> Code:
        value = node.value
        return lambda frame: value

    def c_Identifier(self, node: n.Identifier) -> Code:
        name = node.name
        if self.slots.get(name):
            slot = self.slots[name][-1]
            return lambda frame: frame.slots[slot]
        if name == "$env":
            return lambda frame: dict(frame.env)
        return lambda frame: frame.env.get(name)

    def c_Pointer(self, node: n.Pointer) -> Code:
        if node.name == "":
            return lambda frame: frame.scopes[-1].items[frame.scopes[-1].index]
        if node.name == "index":
            return lambda frame: frame.scopes[-1].index
        if node.name == "acc":
            return lambda frame: frame.scopes[-1].acc
        raise located(f"unknown pointer #{node.name}", self.source, node.offset)

    def c_Sequence(self, node: n.Sequence) -> Code:
        parts = [self.compile(item) for item in node.items]

        def run(frame: Frame) -> Any:
            result = None
            for part in parts:
                result = part(frame)
            return result

        return run

    def c_Let(self, node: n.Let) -> Code:
        value = self.compile(node.value)
        slot = self.slot_count
        self.slot_count += 1
        self.slots.setdefault(node.name, []).append(slot)
        body = self.compile(node.body)
        self.slots[node.name].pop()

        def run(frame: Frame) -> Any:
            frame.slots[slot] = value(frame)
            return body(frame)

        return run

    def c_Conditional(self, node: n.Conditional) -> Code:
        cond, then, other = map(self.compile, (node.cond, node.then, node.other))

        def run(frame: Frame) -> Any:
            return then(frame) if v.as_bool(cond(frame)) else other(frame)

        return self.guarded(node, run)

    def c_ArrayLit(self, node: n.ArrayLit) -> Code:
        items = [self.compile(item) for item in node.items]
        return lambda frame: [item(frame) for item in items]

    def c_MapLit(self, node: n.MapLit) -> Code:
        pairs = [(self.compile(k), self.compile(val)) for k, val in node.pairs]

        def run(frame: Frame) -> Any:
            result: dict[str, Any] = {}
            for key, value in pairs:
                name = key(frame)
                result[v.as_string(name)] = value(frame)
            return result

        return self.guarded(node, run)

    def c_Chain(self, node: n.Chain) -> Code:
        inner = self.compile(node.inner)

        def run(frame: Frame) -> Any:
            try:
                return inner(frame)
            except ChainBreak:
                return None

        return run

    def c_Member(self, node: n.Member) -> Code:
        target, key = self.compile(node.target), self.compile(node.key)
        optional, source, offset = node.optional, self.source, node.offset

        def run(frame: Frame) -> Any:
            container = target(frame)
            if container is None and optional:
                raise ChainBreak
            name = key(frame)
            if type(container) is dict and type(name) is str:
                return container.get(name)
            try:
                return v.fetch(container, name)
            except Fault as fault:
                raise located(fault.message, source, offset) from None

        return run

    def c_Slice(self, node: n.Slice) -> Code:
        target = self.compile(node.target)
        start = self.compile(node.start) if node.start else (lambda frame: 0)
        stop = self.compile(node.stop) if node.stop else None

        def run(frame: Frame) -> Any:
            value = target(frame)
            end = stop(frame) if stop else v.go_len(value)
            return v.slice_of(value, start(frame), end)

        return self.guarded(node, run)

    def c_Unary(self, node: n.Unary) -> Code:
        operand = self.compile(node.operand)
        if node.op in ("not", "!"):
            return self.guarded(node, lambda frame: not v.as_bool(operand(frame)))
        if node.op == "-":
            return self.guarded(node, lambda frame: v.negate(operand(frame)))
        return operand

    def c_Binary(self, node: n.Binary) -> Code:
        left, right = self.compile(node.left), self.compile(node.right)
        op = node.op
        if op in ("&&", "and", "||", "or"):
            return self.logical(node, left, right)
        if op == "??":
            return lambda frame: coalesce(left(frame), right, frame)
        return self.guarded(node, binary(op, left, right))

    def logical(self, node: n.Binary, left: Code, right: Code) -> Code:
        """&& and ||, folded with a constant right side as expr's optimizer does."""
        conjunction = node.op in ("&&", "and")
        constant = node.right.value if isinstance(node.right, n.Literal) else None
        if constant is True:
            return left if conjunction else (lambda frame: True)
        if constant is False:
            return (lambda frame: False) if conjunction else left
        if conjunction:
            return self.guarded(node, both(left, right))
        return self.guarded(node, either(left, right))

    def c_Call(self, node: n.Call) -> Code:
        callee = self.compile(node.callee)
        args = [self.compile(arg) for arg in node.args]

        def run(frame: Frame) -> Any:
            fn = callee(frame)
            return call_go(fn, [arg(frame) for arg in args])

        return self.guarded(node, run)

    def c_Builtin(self, node: n.Builtin) -> Code:
        predicate = PREDICATE_BUILTINS.get(node.name)
        args = [self.compile(arg) for arg in node.args]
        if predicate is not None:
            return self.guarded(node, predicate(args))
        impl = BUILTINS.get(node.name)
        if impl is None:
            raise located(
                f"builtin {node.name} is not supported by this engine",
                self.source,
                node.offset,
            )

        def run(frame: Frame) -> Any:
            return impl([arg(frame) for arg in args])

        return self.guarded(node, run)

    def c_Predicate(self, node: n.Predicate) -> Code:
        return self.compile(node.body)


def coalesce(value: Any, right: Code, frame: Frame) -> Any:
    return right(frame) if value is None else value


def both(left: Code, right: Code) -> Code:
    def run(frame: Frame) -> Any:
        first = left(frame)
        if not v.as_bool(first):
            return False
        return right(frame)

    return run


def either(left: Code, right: Code) -> Code:
    def run(frame: Frame) -> Any:
        if v.as_bool(left(frame)):
            return True
        return right(frame)

    return run


def text_operator(test: Callable[[str, str], bool]) -> Callable[[Any, Any], bool]:
    def run(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return False
        return test(v.as_string(a), v.as_string(b))

    return run


def regex_match(text: Any, pattern: Any) -> bool:
    if text is None or pattern is None:
        return False
    if type(text) is not str:
        raise Fault(
            f"interface conversion: interface {{}} is {v.go_type(text)}, not []uint8"
        )
    return matches(text, v.as_string(pattern))


def make_range(low: Any, high: Any) -> list[Any]:
    start, stop = v.to_int(low), v.to_int(high)
    v.memory(stop - start + 1)
    return list(range(start, stop + 1))


OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": v.equal,
    "!=": lambda a, b: not v.equal(a, b),
    "<": lambda a, b: v.compare("<", a, b),
    ">": lambda a, b: v.compare(">", a, b),
    "<=": lambda a, b: v.compare("<=", a, b),
    ">=": lambda a, b: v.compare(">=", a, b),
    "+": lambda a, b: v.arith("+", a, b),
    "-": lambda a, b: v.arith("-", a, b),
    "*": lambda a, b: v.arith("*", a, b),
    "/": v.divide,
    "%": v.modulo,
    "**": v.power,
    "^": v.power,
    "in": v.contained_in,
    "..": make_range,
    "matches": regex_match,
    "contains": text_operator(lambda a, b: b in a),
    "startsWith": text_operator(str.startswith),
    "endsWith": text_operator(str.endswith),
}


def binary(op: str, left: Code, right: Code) -> Code:
    apply = OPERATORS[op]
    return lambda frame: apply(left(frame), right(frame))


def call_go(fn: Any, args: list[Any]) -> Any:
    """Call an environment function the way reflection does in expr's VM."""
    if fn is None:
        raise Fault("invalid operation: cannot call nil")
    if not isinstance(fn, v.GoFunc):
        raise Fault(
            f"invalid operation: cannot call non-function of type {v.go_type(fn)}"
        )
    params = fn.params
    fixed = len(params) - 1 if fn.variadic else len(params)
    if fn.variadic and len(args) < fixed:
        raise Fault(
            f"invalid number of arguments: expected at least {fixed}, got {len(args)}"
        )
    if not fn.variadic and len(args) != fixed:
        raise Fault(f"invalid number of arguments: expected {fixed}, got {len(args)}")
    converted = [
        reflect_arg(arg, params[min(i, len(params) - 1)]) for i, arg in enumerate(args)
    ]
    return fn.impl(*converted)


ZERO = {"int": 0, "string": "", "float64": 0.0, "bool": False}


def reflect_arg(value: Any, go_type: str) -> Any:
    """reflect.Call's rules: nil becomes the zero value, types must match."""
    if value is None:
        return ZERO.get(go_type)
    if go_type == "interface {}" or v.go_type(value) == go_type:
        return value
    raise Fault(f"reflect: Call using {v.go_type(value)} as type {go_type}")


def walk(frame: Frame, items: list[Any]) -> Iterator[Scope]:
    """Push a scope over `items`, yield it once per item, then pop it."""
    scope = Scope(items)
    frame.scopes.append(scope)
    try:
        for index in range(len(items)):
            scope.index = index
            yield scope
    finally:
        frame.scopes.pop()


def count_true(
    frame: Frame, array: Code, pred: Code, stop_at: bool | None = None
) -> tuple[int, list[Any]]:
    """Run the predicate over the array: how many passed, and which.

    Stops at the first result equal to `stop_at` when one is given.
    """
    items = iterable(array(frame))
    scope = Scope(items)
    frame.scopes.append(scope)
    passed: list[Any] = []
    try:
        for index in range(len(items)):
            scope.index = index
            ok = v.as_bool(pred(frame))
            if ok:
                passed.append(items[index])
            if ok is stop_at:
                break
    finally:
        frame.scopes.pop()
    return len(passed), passed


def p_all(args: list[Code]) -> Code:
    def run(frame: Frame) -> Any:
        items = iterable(args[0](frame))
        passed, _ = count_true(frame, lambda _: items, args[1], stop_at=False)
        return passed == len(items)

    return run


def p_any(args: list[Code]) -> Code:
    return lambda frame: count_true(frame, args[0], args[1], stop_at=True)[0] > 0


def p_none(args: list[Code]) -> Code:
    return lambda frame: count_true(frame, args[0], args[1], stop_at=True)[0] == 0


def p_one(args: list[Code]) -> Code:
    return lambda frame: count_true(frame, args[0], args[1])[0] == 1


def p_filter(args: list[Code]) -> Code:
    return lambda frame: count_true(frame, args[0], args[1])[1]


def p_count(args: list[Code]) -> Code:
    pred = args[1] if len(args) > 1 else current
    return lambda frame: count_true(frame, args[0], pred)[0]


def current(frame: Frame) -> Any:
    scope = frame.scopes[-1]
    return scope.items[scope.index]


def p_map(args: list[Code]) -> Code:
    def run(frame: Frame) -> Any:
        items = iterable(args[0](frame))
        return [args[1](frame) for _ in walk(frame, items)]

    return run


def p_sum(args: list[Code]) -> Code:
    pred = args[1] if len(args) > 1 else current

    def run(frame: Frame) -> Any:
        total: Any = 0
        for _ in walk(frame, iterable(args[0](frame))):
            total = v.arith("+", total, pred(frame))
        return total

    return run


def finder(last: bool, want_index: bool) -> Callable[[list[Code]], Code]:
    def build(args: list[Code]) -> Code:
        def run(frame: Frame) -> Any:
            items = iterable(args[0](frame))
            order = list(range(len(items)))
            if last:
                order.reverse()
            scope = Scope(items)
            frame.scopes.append(scope)
            try:
                for index in order:
                    scope.index = index
                    if v.as_bool(args[1](frame)):
                        return index if want_index else items[index]
            finally:
                frame.scopes.pop()
            return None

        return run

    return build


def p_group_by(args: list[Code]) -> Code:
    def run(frame: Frame) -> Any:
        items = iterable(args[0](frame))
        groups = v.Groups()
        for scope in walk(frame, items):
            key = args[1](frame)
            if type(key) in (list, dict):
                raise Fault(f"runtime error: hash of unhashable type {v.go_type(key)}")
            groups.setdefault(key, []).append(items[scope.index])
        return groups

    return run


def p_sort_by(args: list[Code]) -> Code:
    def run(frame: Frame) -> Any:
        items = iterable(args[0](frame))
        order = args[2](frame) if len(args) > 2 else "asc"
        if type(order) is not str:
            raise Fault("sortBy order argument must be a string")
        if order not in ("asc", "desc"):
            raise Fault("unknown order, use asc or desc")
        keys = [args[1](frame) for _ in walk(frame, items)]
        return sort_by_keys(items, keys, order == "desc")

    return run


def sort_by_keys(items: list[Any], keys: list[Any], desc: bool) -> list[Any]:
    """Insertion sort with runtime.Less, stable like Go's sort for small inputs."""
    pairs = list(zip(keys, items, strict=True))
    for i in range(1, len(pairs)):
        j = i
        while j > 0:
            a, b = pairs[j][0], pairs[j - 1][0]
            if not (v.compare("<", b, a) if desc else v.compare("<", a, b)):
                break
            pairs[j], pairs[j - 1] = pairs[j - 1], pairs[j]
            j -= 1
    return [item for _, item in pairs]


def p_reduce(args: list[Code]) -> Code:
    def run(frame: Frame) -> Any:
        items = iterable(args[0](frame))
        scope = Scope(items)
        frame.scopes.append(scope)
        try:
            start = 0
            if len(args) > 2:
                scope.acc = args[2](frame)
            elif not items:
                raise Fault("reduce of empty array with no initial value")
            else:
                scope.acc, start = items[0], 1
            for index in range(start, len(items)):
                scope.index = index
                scope.acc = args[1](frame)
            return scope.acc
        finally:
            frame.scopes.pop()

    return run


PREDICATE_BUILTINS: dict[str, Callable[[list[Code]], Code]] = {
    "all": p_all,
    "any": p_any,
    "none": p_none,
    "one": p_one,
    "filter": p_filter,
    "map": p_map,
    "count": p_count,
    "sum": p_sum,
    "find": finder(last=False, want_index=False),
    "findIndex": finder(last=False, want_index=True),
    "findLast": finder(last=True, want_index=False),
    "findLastIndex": finder(last=True, want_index=True),
    "groupBy": p_group_by,
    "sortBy": p_sort_by,
    "reduce": p_reduce,
}

"""Go's value semantics as expr applies them: types, arithmetic, equality, fetch.

Values are plain Python: `int` is Go's int (wrapped to 64 bits), `float` is
float64, `str`, `bool`, `None` for nil, `list` for []interface{} and `dict`
for map[string]interface{}. Functions raise `Fault` with expr's wording.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from argo_trigger.expr.error import Fault
from argo_trigger.expr.goformat import format_v

INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
MEMORY_BUDGET = 1_000_000


class Groups(dict[Any, list[Any]]):
    """groupBy's result: Go's map[interface{}][]interface{}, keyed by any value."""


class GoFunc:
    """A Go function placed in the environment, called as reflection calls it.

    `params` are Go type names ("int", "string", "interface {}"), the last one
    repeated when `variadic`.
    """

    __slots__ = ("impl", "name", "params", "variadic")

    def __init__(
        self,
        name: str,
        params: tuple[str, ...],
        impl: Callable[..., Any],
        variadic: bool = False,
    ) -> None:
        self.name = name
        self.params = params
        self.impl = impl
        self.variadic = variadic

    def go_type(self) -> str:
        inner = list(self.params)
        if self.variadic:
            inner[-1] = "..." + inner[-1]
        return f"func({', '.join(inner)})"


GO_TYPES: dict[type, str] = {
    type(None): "<nil>",
    bool: "bool",
    int: "int",
    float: "float64",
    str: "string",
    list: "[]interface {}",
    dict: "map[string]interface {}",
    Groups: "map[interface {}][]interface {}",
}


def go_type(value: Any) -> str:
    """The name Go's %T gives the value."""
    if type(value) is GoFunc:
        return value.go_type()
    return GO_TYPES.get(type(value), type(value).__name__)


def is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float


def wrap(value: int) -> int:
    """Go's int64 overflow: wrap around instead of growing."""
    if INT_MIN <= value <= INT_MAX:
        return value
    return (value - INT_MIN) % 2**64 + INT_MIN


def to_int(value: Any, name: str = "int") -> int:
    """runtime.ToInt: numbers truncate toward zero, anything else fails."""
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is float:
        return float_to_int(value)
    raise Fault(f"invalid operation: {name}({go_type(value)})")


def float_to_int(value: float) -> int:
    """Go's float64-to-int conversion on amd64, including its overflow value."""
    if math.isnan(value) or not INT_MIN <= value < 2.0**63:
        return INT_MIN
    return int(value)


def to_float(value: Any) -> float:
    kind = type(value)
    if kind is float or kind is int:
        return float(value)
    raise Fault(f"invalid operation: float({go_type(value)})")


def arith(op: str, left: Any, right: Any) -> Any:  # noqa: PLR0911 (one per Go case)
    """+, -, * between numbers (and + between strings), Go style."""
    lk, rk = type(left), type(right)
    if lk is int and rk is int:
        if op == "+":
            return wrap(left + right)
        if op == "-":
            return wrap(left - right)
        return wrap(left * right)
    if (lk is int or lk is float) and (rk is int or rk is float):
        if op == "+":
            return float(left) + float(right)
        if op == "-":
            return float(left) - float(right)
        return float(left) * float(right)
    if op == "+" and lk is str and rk is str:
        return left + right
    raise Fault(f"invalid operation: {go_type(left)} {op} {go_type(right)}")


def divide(left: Any, right: Any) -> float:
    if not (is_number(left) and is_number(right)):
        raise Fault(f"invalid operation: {go_type(left)} / {go_type(right)}")
    a, b = float(left), float(right)
    if b == 0.0:
        if a == 0.0 or math.isnan(a):
            return math.nan
        negative = (a < 0) != (math.copysign(1.0, b) < 0)
        return -math.inf if negative else math.inf
    return a / b


def modulo(left: Any, right: Any) -> int:
    if type(left) is not int or type(right) is not int:
        raise Fault(f"invalid operation: {go_type(left)} % {go_type(right)}")
    if right == 0:
        raise Fault("runtime error: integer divide by zero")
    result = abs(left) % abs(right)
    return wrap(-result if left < 0 else result)


def power(left: Any, right: Any) -> float:
    """math.Pow on two numbers, with Go's infinities and NaN."""
    if not (is_number(left) and is_number(right)):
        raise Fault(f"invalid operation: float({go_type(left)})")
    x, y = float(left), float(right)
    try:
        return math.pow(x, y)
    except OverflowError:
        odd = y.is_integer() and int(y) % 2 == 1
        return -math.inf if x < 0 and odd else math.inf
    except ValueError:
        if x == 0.0 and y < 0:
            odd = y.is_integer() and int(y) % 2 == 1
            return -math.inf if odd and math.copysign(1, x) < 0 else math.inf
        return math.nan


def negate(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return wrap(-value)
    if kind is float:
        return -value
    raise Fault(f"invalid operation: - {go_type(value)}")


def compare(op: str, left: Any, right: Any) -> bool:
    """<, >, <=, >= between two numbers or two strings."""
    if (is_number(left) and is_number(right)) or (
        type(left) is str and type(right) is str
    ):
        if op == "<":
            return bool(left < right)
        if op == ">":
            return bool(left > right)
        if op == "<=":
            return bool(left <= right)
        return bool(left >= right)
    raise Fault(f"invalid operation: {go_type(left)} {op} {go_type(right)}")


def equal(left: Any, right: Any) -> bool:
    """runtime.Equal: numbers across int and float, arrays item by item."""
    lk, rk = type(left), type(right)
    if (lk is int or lk is float) and (rk is int or rk is float):
        return bool(left == right)
    if lk is list and rk is list:
        if len(left) != len(right):
            return False
        return all(equal(a, b) for a, b in zip(left, right, strict=True))
    if lk is not rk:
        return False
    if lk is dict:
        return deep_equal(left, right)
    return bool(left == right)


def deep_equal(left: Any, right: Any) -> bool:
    """reflect.DeepEqual: same Go types all the way down."""
    if type(left) is not type(right):
        return False
    if type(left) is list:
        return len(left) == len(right) and all(
            deep_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if type(left) is dict:
        if left.keys() != right.keys():
            return False
        return all(deep_equal(value, right[key]) for key, value in left.items())
    if type(left) is float and math.isnan(left):
        return False
    return bool(left == right)


def map_key(container: dict[str, Any], key: Any) -> str:
    """The key a map index uses; Go's reflection refuses other key types."""
    if type(key) is str:
        return str(key)
    if key is None:
        return ""
    raise Fault(
        f"reflect.Value.MapIndex: value of type {go_type(key)} is not "
        "assignable to type string"
    )


def fetch(target: Any, key: Any) -> Any:
    """runtime.Fetch: a map value (nil when missing) or an array element."""
    kind = type(target)
    if kind is dict:
        return target.get(map_key(target, key))
    if kind is list:
        return target[checked_index(key, len(target))]
    if kind is Groups:
        return target.get(key) if type(key) not in (list, dict) else None
    if kind is str:
        data = target.encode()
        return data[checked_index(key, len(data))]
    raise Fault(f"cannot fetch {format_v(key)} from {go_type(target)}")


def checked_index(key: Any, length: int) -> int:
    index = to_int(key)
    if index < 0:
        index += length
    if index < 0 or index >= length:
        raise Fault(f"index out of range: {index} (array length is {length})")
    return index


def go_len(value: Any) -> int:
    kind = type(value)
    if kind is str or kind is list or kind is dict or kind is Groups:
        return len(value)
    raise Fault(f"invalid argument for len (type {go_type(value)})")


def slice_of(target: Any, start: Any, stop: Any) -> Any:
    """runtime.Slice with Go's clamping of out-of-range bounds."""
    kind = type(target)
    if kind is not list and kind is not str:
        raise Fault(f"cannot slice {format_v(start)}")
    data: Any = target if kind is list or target.isascii() else target.encode()
    length = len(data)
    a, b = to_int(start), to_int(stop)
    a = max(a + length if a < 0 else a, 0)
    b = min(max(b + length if b < 0 else b, 0), length)
    a = min(a, b)
    part = data[a:b]
    if isinstance(part, bytes):
        return part.decode("utf-8", "replace")
    return part


def contained_in(needle: Any, haystack: Any) -> bool:
    """runtime.In: an equal item of an array, or a key of a map."""
    kind = type(haystack)
    if haystack is None:
        return False
    if kind is list:
        return any(equal(item, needle) for item in haystack)
    if kind is dict:
        return map_key(haystack, needle) in haystack
    if kind is Groups:
        return type(needle) not in (list, dict) and needle in haystack
    raise Fault(f'operator "in" not defined on {go_type(haystack)}')


def as_bool(value: Any) -> bool:
    """A type assertion to bool, failing the way Go's does."""
    if type(value) is bool:
        return bool(value)
    raise Fault(f"interface conversion: interface {{}} is {held(value)}, not bool")


def as_string(value: Any) -> str:
    """A type assertion to string, failing the way Go's does."""
    if type(value) is str:
        return str(value)
    raise Fault(f"interface conversion: interface {{}} is {held(value)}, not string")


def held(value: Any) -> str:
    """What Go's failed type assertion says the interface holds."""
    return "nil" if value is None else go_type(value)


def memory(used: int) -> None:
    """Fail once a single allocation would pass expr's memory budget."""
    if used > MEMORY_BUDGET:
        raise Fault("memory budget exceeded")

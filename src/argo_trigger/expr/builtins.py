"""expr's builtin functions that take plain values (predicates live in evaluate)."""

from __future__ import annotations

import base64
import binascii
import math
import re
import statistics
from collections.abc import Callable
from typing import Any

from argo_trigger.expr import values as v
from argo_trigger.expr.error import Fault
from argo_trigger.expr.goformat import format_v
from argo_trigger.expr.gojson import marshal, unmarshal

Builtin = Callable[[list[Any]], Any]
INTEGER = re.compile(r"[+-]?[0-9]+")
FLOAT = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)
INT_RANGE = (v.INT_MIN, v.INT_MAX)
MAX_DEPTH = 10_000


def one(name: str, args: list[Any]) -> Any:
    if len(args) != 1:
        raise Fault(f"invalid number of arguments (expected 1, got {len(args)})")
    return args[0]


def text_arg(value: Any) -> str:
    return v.as_string(value)


def b_len(args: list[Any]) -> Any:
    return v.go_len(one("len", args))


def b_type(args: list[Any]) -> Any:
    value = one("type", args)
    names = {bool: "bool", int: "int", float: "float", str: "string"}
    names |= {list: "array", dict: "map"}
    if value is None:
        return "nil"
    if isinstance(value, v.GoFunc):
        return "func"
    return names.get(type(value), "unknown")


def b_abs(args: list[Any]) -> Any:
    value = one("abs", args)
    if v.is_number(value):
        return v.wrap(abs(value)) if type(value) is int else abs(value)
    raise Fault(f"invalid argument for abs (type {v.go_type(value)})")


def rounding(name: str, fn: Callable[[float], float]) -> Builtin:
    def run(args: list[Any]) -> Any:
        value = one(name, args)
        if type(value) is int:
            return float(value)
        if type(value) is float:
            if math.isnan(value) or math.isinf(value):
                return value
            return float(fn(value))
        raise Fault(f"invalid argument for {name} (type {v.go_type(value)})")

    return run


def go_round(value: float) -> float:
    """math.Round: halves away from zero."""
    return math.copysign(math.floor(abs(value) + 0.5), value)


def b_int(args: list[Any]) -> Any:
    return go_int(one("int", args))


def go_int(value: Any) -> Any:
    """builtin.Int: numbers truncate, strings parse as strconv.Atoi does."""
    if type(value) is str:
        if (
            INTEGER.fullmatch(value) is None
            or not INT_RANGE[0] <= int(value) <= INT_RANGE[1]
        ):
            raise Fault(f"invalid operation: int({value})")
        return int(value)
    if v.is_number(value):
        return v.to_int(value)
    if type(value) is bool:
        raise Fault("invalid operation: int(bool)")
    raise Fault(f"invalid operation: int({v.go_type(value)})")


def b_float(args: list[Any]) -> Any:
    return go_float(one("float", args))


def go_float(value: Any) -> Any:
    """builtin.Float: numbers widen, strings parse as strconv.ParseFloat does."""
    if type(value) is str:
        if FLOAT.fullmatch(value) is None:
            raise Fault(f"invalid operation: float({value})")
        number = float(value)
        if number in (float("inf"), float("-inf")) and "inf" not in value.lower():
            raise Fault(f"invalid operation: float({value})")
        return number
    if v.is_number(value):
        return float(value)
    raise Fault(f"invalid operation: float({v.go_type(value)})")


def b_string(args: list[Any]) -> Any:
    return format_v(one("string", args))


def b_trim(args: list[Any]) -> Any:
    if len(args) == 1:
        return go_trim_space(text_arg(args[0]))
    if len(args) == 2:
        return text_arg(args[0]).strip(text_arg(args[1]))
    raise Fault(
        f"invalid number of arguments for trim (expected 1 or 2, got {len(args)})"
    )


def go_trim_space(text: str) -> str:
    return text.strip(
        " \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
        "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f"
        "\u205f\u3000"
    )


def b_trim_prefix(args: list[Any]) -> Any:
    cut = text_arg(args[1]) if len(args) == 2 else " "
    return text_arg(args[0]).removeprefix(cut)


def b_trim_suffix(args: list[Any]) -> Any:
    cut = text_arg(args[1]) if len(args) == 2 else " "
    return text_arg(args[0]).removesuffix(cut)


def go_split(text: str, sep: str, limit: int = -1, after: bool = False) -> list[Any]:
    """strings.SplitN / SplitAfterN."""
    if limit == 0:
        return []
    if sep == "":
        parts = list(text)
        if limit > 0 and len(parts) > limit:
            parts = [*parts[: limit - 1], "".join(parts[limit - 1 :])]
        return list(parts)
    pieces = text.split(sep, limit - 1 if limit > 0 else -1)
    if after:
        return [p + sep for p in pieces[:-1]] + pieces[-1:]
    return list(pieces)


def splitter(name: str, after: bool) -> Builtin:
    def run(args: list[Any]) -> Any:
        if len(args) not in (2, 3):
            raise Fault(
                f"invalid number of arguments for {name} (expected 2 or 3, "
                f"got {len(args)})"
            )
        limit = v.to_int(args[2]) if len(args) == 3 else -1
        return go_split(text_arg(args[0]), text_arg(args[1]), limit, after)

    return run


def b_replace(args: list[Any]) -> Any:
    if len(args) not in (3, 4):
        raise Fault(
            "invalid number of arguments for replace (expected 3 or 4, got "
            f"{len(args)})"
        )
    text, old, new = (text_arg(a) for a in args[:3])
    count = v.to_int(args[3]) if len(args) == 4 else -1
    if old == "":
        return go_replace_empty(text, new, count)
    return text.replace(old, new, count)


def go_replace_empty(text: str, new: str, count: int) -> str:
    """strings.Replace with an empty old string inserts between characters."""
    out = []
    for i, char in enumerate(text):
        out.append(new if count < 0 or i < count else "")
        out.append(char)
    if count < 0 or len(text) < count:
        out.append(new)
    return "".join(out)


def b_repeat(args: list[Any]) -> Any:
    text, count = text_arg(args[0]), v.to_int(args[1])
    if count < 0:
        raise Fault(
            f"invalid argument for repeat (expected positive integer, got {count})"
        )
    if count > 1_000_000 or len(text) * count > v.MEMORY_BUDGET:
        raise Fault("memory budget exceeded")
    return text * count


def b_join(args: list[Any]) -> Any:
    glue = text_arg(args[1]) if len(args) == 2 else ""
    items = args[0]
    if type(items) is not list:
        raise Fault(f"invalid argument for join (type {v.go_type(items)})")
    return glue.join(text_arg(item) for item in items)


def byte_index(text: str, found: int) -> int:
    """Go indexes strings by byte; convert a character index to a byte index."""
    if found < 0 or text.isascii():
        return found
    return len(text[:found].encode())


def b_index_of(args: list[Any]) -> Any:
    text, sub = text_arg(args[0]), text_arg(args[1])
    return byte_index(text, text.find(sub))


def b_last_index_of(args: list[Any]) -> Any:
    text, sub = text_arg(args[0]), text_arg(args[1])
    return byte_index(text, text.rfind(sub))


def b_has_prefix(args: list[Any]) -> Any:
    return text_arg(args[0]).startswith(text_arg(args[1]))


def b_has_suffix(args: list[Any]) -> Any:
    return text_arg(args[0]).endswith(text_arg(args[1]))


def flat_numbers(name: str, args: list[Any], depth: int = 0) -> list[Any]:
    if depth > MAX_DEPTH:
        raise Fault("recursion depth exceeded")
    found: list[Any] = []
    for arg in args:
        if type(arg) is list:
            found.extend(flat_numbers(name, arg, depth + 1))
        elif v.is_number(arg):
            found.append(arg)
        else:
            raise Fault(f"invalid argument for {name} (type {v.go_type(arg)})")
    return found


def extreme(name: str, pick_less: bool) -> Builtin:
    def run(args: list[Any]) -> Any:
        numbers = flat_numbers(name, args)
        best: Any = None
        for number in numbers:
            if best is None or (number < best if pick_less else number > best):
                best = number
        return best

    return run


def b_mean(args: list[Any]) -> Any:
    numbers = flat_numbers("mean", args)
    if not numbers:
        return 0.0
    return math.fsum(float(x) for x in numbers) / len(numbers)


def b_median(args: list[Any]) -> Any:
    numbers = flat_numbers("median", args)
    if not numbers:
        return 0.0
    return float(statistics.median(float(x) for x in numbers))


def b_to_json(args: list[Any]) -> Any:
    return marshal(args[0], indent="  ")


def b_from_json(args: list[Any]) -> Any:
    return unmarshal(text_arg(args[0]))


def b_to_base64(args: list[Any]) -> Any:
    return base64.b64encode(text_arg(args[0]).encode()).decode()


def b_from_base64(args: list[Any]) -> Any:
    try:
        data = base64.b64decode(text_arg(args[0]), validate=True)
    except (binascii.Error, ValueError):
        raise Fault("illegal base64 data at input byte 0") from None
    return data.decode("utf-8", "replace")


def b_first(args: list[Any]) -> Any:
    value = one("first", args)
    if type(value) is list:
        return value[0] if value else None
    if value is None:
        return None
    raise Fault(f"cannot get first element from {v.go_type(value)}")


def b_last(args: list[Any]) -> Any:
    value = one("last", args)
    if type(value) is list:
        return value[-1] if value else None
    if value is None:
        return None
    raise Fault(f"cannot get last element from {v.go_type(value)}")


def b_get(args: list[Any]) -> Any:
    if len(args) != 2:
        raise Fault(f"invalid number of arguments (expected 2, got {len(args)})")
    target, key = args
    if type(target) is dict:
        return target.get(key) if type(key) is str else None
    if type(target) is list and type(key) is int:
        index = key + len(target) if key < 0 else key
        return target[index] if 0 <= index < len(target) else None
    return None


def b_keys(args: list[Any]) -> Any:
    value = one("keys", args)
    if type(value) is not dict:
        raise Fault(f"cannot get keys from {kind_name(value)}")
    return list(value)


def b_values(args: list[Any]) -> Any:
    value = one("values", args)
    if type(value) is not dict:
        raise Fault(f"cannot get values from {kind_name(value)}")
    return list(value.values())


def kind_name(value: Any) -> str:
    kinds = {list: "slice", str: "string", bool: "bool", int: "int"}
    kinds |= {float: "float64", dict: "map"}
    return "invalid" if value is None else kinds.get(type(value), "func")


def b_uniq(args: list[Any]) -> Any:
    value = one("uniq", args)
    if type(value) is not list:
        raise Fault(f"cannot uniq {kind_name(value)}")
    seen: list[Any] = []
    for item in value:
        if not any(v.equal(item, other) for other in seen):
            seen.append(item)
    return seen


def b_concat(args: list[Any]) -> Any:
    if not args:
        raise Fault("invalid number of arguments (expected at least 1, got 0)")
    joined: list[Any] = []
    for arg in args:
        if type(arg) is not list:
            raise Fault(f"cannot concat {kind_name(arg)}")
        joined.extend(arg)
    v.memory(len(joined))
    return joined


def flatten(value: list[Any], depth: int = 0) -> list[Any]:
    if depth > MAX_DEPTH:
        raise Fault("recursion depth exceeded")
    out: list[Any] = []
    for item in value:
        if type(item) is list:
            out.extend(flatten(item, depth + 1))
        else:
            out.append(item)
    return out


def b_flatten(args: list[Any]) -> Any:
    value = one("flatten", args)
    if type(value) is not list:
        raise Fault(f"cannot flatten {kind_name(value)}")
    return flatten(value)


def b_reverse(args: list[Any]) -> Any:
    value = one("reverse", args)
    if type(value) is not list:
        raise Fault(f"cannot reverse {kind_name(value)}")
    return value[::-1]


def with_strings(fn: Callable[[str], Any]) -> Builtin:
    def run(args: list[Any]) -> Any:
        return fn(text_arg(one("", args)))

    return run


BUILTINS: dict[str, Builtin] = {
    "len": b_len,
    "type": b_type,
    "abs": b_abs,
    "ceil": rounding("ceil", math.ceil),
    "floor": rounding("floor", math.floor),
    "round": rounding("round", go_round),
    "int": b_int,
    "float": b_float,
    "string": b_string,
    "trim": b_trim,
    "trimPrefix": b_trim_prefix,
    "trimSuffix": b_trim_suffix,
    "upper": with_strings(str.upper),
    "lower": with_strings(str.lower),
    "split": splitter("split", after=False),
    "splitAfter": splitter("splitAfter", after=True),
    "replace": b_replace,
    "repeat": b_repeat,
    "join": b_join,
    "indexOf": b_index_of,
    "lastIndexOf": b_last_index_of,
    "hasPrefix": b_has_prefix,
    "hasSuffix": b_has_suffix,
    "max": extreme("max", pick_less=False),
    "min": extreme("min", pick_less=True),
    "mean": b_mean,
    "median": b_median,
    "toJSON": b_to_json,
    "fromJSON": b_from_json,
    "toBase64": b_to_base64,
    "fromBase64": b_from_base64,
    "first": b_first,
    "last": b_last,
    "get": b_get,
    "keys": b_keys,
    "values": b_values,
    "uniq": b_uniq,
    "concat": b_concat,
    "flatten": b_flatten,
    "reverse": b_reverse,
}

# How many arguments each builtin accepts, checked when compiling as expr does.
ARITY: dict[str, tuple[int, int]] = {
    name: (1, 1)
    for name in [
        "len",
        "type",
        "abs",
        "ceil",
        "floor",
        "round",
        "int",
        "float",
        "string",
        "upper",
        "lower",
        "toJSON",
        "fromJSON",
        "toBase64",
        "fromBase64",
        "first",
        "last",
        "keys",
        "values",
        "uniq",
        "flatten",
        "reverse",
    ]
}
ARITY |= {
    "trim": (1, 2),
    "trimPrefix": (1, 2),
    "trimSuffix": (1, 2),
    "split": (2, 3),
    "splitAfter": (2, 3),
    "replace": (3, 4),
    "repeat": (2, 2),
    "join": (1, 2),
    "indexOf": (2, 2),
    "lastIndexOf": (2, 2),
    "hasPrefix": (2, 2),
    "hasSuffix": (2, 2),
    "get": (2, 2),
    "max": (1, 1_000_000),
    "min": (1, 1_000_000),
    "mean": (1, 1_000_000),
    "median": (1, 1_000_000),
    "concat": (1, 1_000_000),
}

"""How Go prints numbers and values: strconv's shortest floats and fmt's %v."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def shortest_digits(value: float) -> tuple[str, int]:
    """The shortest round-tripping digits of |value| and its decimal point.

    The point says where the decimal point goes: digits "15", point 1 means
    1.5. Python's repr and Go's strconv agree on the shortest digits.
    """
    _, digits, exponent = Decimal(repr(abs(value))).as_tuple()
    if not any(digits):
        return "0", 1
    assert isinstance(exponent, int)
    text = "".join(map(str, digits))
    return text.rstrip("0"), len(text) + exponent


def format_e(value: float, min_exp_digits: int = 2) -> str:
    """strconv.FormatFloat(value, 'e', -1, 64)."""
    digits, point = shortest_digits(value)
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    exponent = point - 1 if digits != "0" else 0
    exp_sign = "-" if exponent < 0 else "+"
    return f"{sign}{mantissa}e{exp_sign}{abs(exponent):0{min_exp_digits}d}"


def format_f(value: float) -> str:
    """strconv.FormatFloat(value, 'f', -1, 64)."""
    digits, point = shortest_digits(value)
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if digits == "0":
        return sign + "0"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def format_g(value: float) -> str:
    """fmt's %v of a float64: shortest digits, exponent from 1e+06 and below 1e-04."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    digits, point = shortest_digits(value)
    exponent = point - 1
    if digits != "0" and (exponent < -4 or exponent >= 6):
        return format_e(value)
    return format_f(value)


def format_json_float(value: float) -> str:
    """encoding/json's float64: 'f' in [1e-6, 1e21), else 'e' with e-7 not e-07."""
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 1e-6 or magnitude >= 1e21):
        text = format_e(value)
        mantissa, _, exponent = text.partition("e")
        sign, number = exponent[0], exponent[1:].lstrip("0") or "0"
        if sign == "-" and len(exponent) == 3 and exponent[1] == "0":
            return f"{mantissa}e-{number}"
        return text
    return format_f(value)


def format_v(value: Any) -> str:  # noqa: PLR0911 (one return per Go kind)
    """fmt.Sprintf("%v", value) for the values the engine handles."""
    kind = type(value)
    if value is None:
        return "<nil>"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is str:
        return str(value)
    if kind is float:
        return format_g(value)
    if kind is list:
        return "[" + " ".join(format_v(item) for item in value) + "]"
    if kind is dict:
        items = (f"{key}:{format_v(value[key])}" for key in sorted(value))
        return "map[" + " ".join(items) + "]"
    return str(value)

"""Go's encoding/json as Argo applies it to expression results."""

from __future__ import annotations

import json
import math
from typing import Any

from argo_trigger.expr.error import ExprError, Fault
from argo_trigger.expr.goformat import format_json_float
from argo_trigger.expr.values import go_type

SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}
HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def quote(text: str, escape_html: bool = True) -> str:
    """A JSON string literal exactly as json.Marshal writes it."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[char])
        elif code < 0x20:
            out.append(f"\\u{code:04x}")
        elif escape_html and char in HTML_ESCAPES:
            out.append(HTML_ESCAPES[char])
        elif code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code < 0xE000:
            out.append("\\ufffd")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


# PLR0911: one return per JSON kind.
def marshal(value: Any, indent: str | None = None, level: int = 0) -> str:  # noqa: PLR0911
    """json.Marshal (or MarshalIndent with `indent`); raises Fault on NaN or Inf."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if math.isnan(value) or math.isinf(value):
            raise Fault(f"json: unsupported value: {go_special(value)}")
        return format_json_float(value)
    if kind is str:
        return quote(value)
    if kind is list:
        items = [marshal(item, indent, level + 1) for item in value]
        return join("[", items, "]", indent, level)
    if kind is dict:
        pairs = [
            quote(key)
            + (": " if indent is not None else ":")
            + marshal(value[key], indent, level + 1)
            for key in sorted(value)
        ]
        return join("{", pairs, "}", indent, level)
    raise Fault(f"json: unsupported type: {go_type(value)}")


def join(
    open_: str, items: list[str], close: str, indent: str | None, level: int
) -> str:
    if indent is None or not items:
        return open_ + ",".join(items) + close
    inner = "\n" + indent * (level + 1)
    return open_ + inner + ("," + inner).join(items) + "\n" + indent * level + close


def go_special(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "+Inf" if value > 0 else "-Inf"


def to_param_string(value: Any) -> str:
    """The string Argo makes of a parameter expression's result.

    json.Marshal, then outer quotes of a string removed (inner escapes stay)
    and the HTML escapes of <, > and & turned back. Raises ExprError when the
    value cannot be marshalled (NaN, infinities).
    """
    try:
        data = marshal(value)
    except Fault as fault:
        raise ExprError(fault.message) from None
    if data.startswith('"'):
        data = data[1:-1]
    return data.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")


DECODE_CONTEXT = {
    "Expecting property name enclosed in double quotes": (
        "looking for beginning of object key string"
    ),
    "Expecting ':' delimiter": "after object key",
    "Expecting ',' delimiter": "after object key:value pair",
    "Extra data": "after top-level value",
}


def reject_constant(name: str) -> Any:
    raise ValueError(f"invalid character '{name[0]}' looking for beginning of value")


def parse_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(
            f"json: cannot unmarshal number {text} into Go value of type float64"
        )
    return value


def unmarshal(text: str) -> Any:
    """json.Unmarshal into interface{}: every number a float64."""
    try:
        return json.loads(
            text,
            parse_int=parse_float,
            parse_float=parse_float,
            parse_constant=reject_constant,
        )
    except RecursionError:
        raise Fault("exceeded max depth") from None
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()):
            raise Fault("unexpected end of JSON input") from None
        char = text[error.pos]
        context = DECODE_CONTEXT.get(error.msg, "looking for beginning of value")
        raise Fault(f"invalid character '{char}' {context}") from None
    except ValueError as error:
        raise Fault(str(error)) from None

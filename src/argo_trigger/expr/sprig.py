"""The extended environment of metadata expressions: Sprig v3 and Argo's helpers.

Each function is a `GoFunc` carrying its Go signature, so that calls check and
convert arguments as Go's reflection does (a float64 where Sprig wants an int
fails, nil becomes the zero value).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from argo_trigger.expr.builtins import go_float, go_int, go_trim_space
from argo_trigger.expr.error import Fault
from argo_trigger.expr.goformat import format_v
from argo_trigger.expr.gojson import marshal, quote, unmarshal
from argo_trigger.expr.goregex import compile_go
from argo_trigger.expr.jsonpath import query
from argo_trigger.expr.values import GoFunc

STR = "string"
ANY = "interface {}"
WORD_BREAK = re.compile(r"[\s_\-.]+")


def trunc(count: int, text: str) -> str:
    if count < 0 and -count < len(text):
        return text[len(text) + count :]
    if count >= 0 and len(text) > count:
        return text[:count]
    return text


def substr(start: int, end: int, text: str) -> str:
    if start < 0:
        return text[:end]
    if end < 0 or end > len(text):
        return text[start:]
    return text[start:end]


def empty(value: Any) -> bool:
    """Sprig's notion of empty: nil, zero, "", and empty collections."""
    if value is None or value is False:
        return True
    if isinstance(value, (str, list, dict)):
        return len(value) == 0
    return bool(value == 0)


def default(fallback: Any, *given: Any) -> Any:
    if not given or empty(given[0]):
        return fallback
    return given[0]


def to_string(value: Any) -> str:
    """Sprig's strval: strings as they are, everything else through %v."""
    return value if isinstance(value, str) else format_v(value)


def regex_replace_all(pattern: str, text: str, replacement: str) -> str:
    compiled = compile_go(pattern)
    template = re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", replacement.replace("\\", "\\\\"))
    try:
        return compiled.sub(template, text)
    except (re.error, IndexError):
        raise Fault(f"regexReplaceAll: unsupported replacement {replacement}") from None


def words(text: str) -> list[str]:
    """Split into words at separators and at lower-to-upper case changes."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [word for word in WORD_BREAK.split(spaced) if word]


def quote_all(*values: Any) -> str:
    return " ".join(
        quote(to_string(v), escape_html=False) for v in values if v is not None
    )


def sha256sum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def panicking(fn: Any) -> Any:
    """Turn Python failures inside a helper into a run-time Fault."""

    def run(*args: Any) -> Any:
        try:
            return fn(*args)
        except Fault:
            raise
        except (ValueError, TypeError, KeyError, IndexError) as error:
            raise Fault(str(error)) from None

    return run


SPRIG: dict[str, Any] = {
    "trunc": GoFunc("trunc", ("int", STR), trunc),
    "lower": GoFunc("lower", (STR,), str.lower),
    "upper": GoFunc("upper", (STR,), str.upper),
    "title": GoFunc("title", (STR,), str.title),
    "replace": GoFunc("replace", (STR, STR, STR), lambda a, b, s: s.replace(a, b)),
    "trim": GoFunc("trim", (STR,), go_trim_space),
    "trimAll": GoFunc("trimAll", (STR, STR), lambda a, s: s.strip(a)),
    "trimPrefix": GoFunc("trimPrefix", (STR, STR), lambda a, s: s.removeprefix(a)),
    "trimSuffix": GoFunc("trimSuffix", (STR, STR), lambda a, s: s.removesuffix(a)),
    "default": GoFunc("default", (ANY, ANY), default, variadic=True),
    "empty": GoFunc("empty", (ANY,), empty),
    "substr": GoFunc("substr", ("int", "int", STR), substr),
    "sha256sum": GoFunc("sha256sum", (STR,), sha256sum),
    "regexReplaceAll": GoFunc("regexReplaceAll", (STR, STR, STR), regex_replace_all),
    "regexMatch": GoFunc(
        "regexMatch", (STR, STR), lambda p, s: compile_go(p).search(s) is not None
    ),
    "contains": GoFunc("contains", (STR, STR), lambda sub, s: sub in s),
    "hasPrefix": GoFunc("hasPrefix", (STR, STR), lambda p, s: s.startswith(p)),
    "hasSuffix": GoFunc("hasSuffix", (STR, STR), lambda p, s: s.endswith(p)),
    "quote": GoFunc("quote", (ANY,), quote_all, variadic=True),
    "squote": GoFunc(
        "squote",
        (ANY,),
        lambda *vs: " ".join(f"'{to_string(v)}'" for v in vs if v is not None),
        variadic=True,
    ),
    "toString": GoFunc("toString", (ANY,), to_string),
    "kebabcase": GoFunc(
        "kebabcase", (STR,), lambda s: "-".join(w.lower() for w in words(s))
    ),
    "snakecase": GoFunc(
        "snakecase", (STR,), lambda s: "_".join(w.lower() for w in words(s))
    ),
    "repeat": GoFunc("repeat", ("int", STR), lambda n, s: s * max(n, 0)),
    "join": GoFunc(
        "join", (STR, ANY), lambda sep, vs: sep.join(to_string(v) for v in vs or [])
    ),
}

EXTENDED: dict[str, Any] = {
    "sprig": SPRIG,
    "asInt": GoFunc("asInt", (ANY,), panicking(go_int)),
    "asFloat": GoFunc("asFloat", (ANY,), panicking(go_float)),
    "toJson": GoFunc("toJson", (ANY,), marshal),
    "jsonpath": GoFunc(
        "jsonpath", (STR, STR), lambda text, path: query(path, unmarshal(text))
    ),
}

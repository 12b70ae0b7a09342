"""The part of GitHub's expression language that composite actions here use.

Supported: contexts and property access (`inputs.argo-token`, `steps.x.outputs.y`,
`github.event['ref']`), string, number, boolean and null literals, `!`, `==`,
`!=`, `&&`, `||`, parentheses, and the status functions `success()`,
`failure()`, `always()` and `cancelled()`. Anything else is a SyntaxError, so
an action that starts using more of the language fails its tests loudly.

The semantics follow GitHub's documentation: `&&` and `||` return one of
their operands, strings compare without regard to case, and operands of
different types are compared as numbers.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<string>'(?:[^']|'')*')"
    r"|(?P<number>-?\d+(?:\.\d+)?)"
    r"|(?P<op>\|\||&&|==|!=|!|\(|\)|\[|\]|\.)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*)"
    r")"
)
TEMPLATE = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
KEYWORDS: dict[str, Any] = {"true": True, "false": False, "null": None}


class Status:
    """Whether an earlier step of the action failed: what `if:` functions read."""

    def __init__(self, failed: bool) -> None:
        self.failed = failed

    def functions(self) -> dict[str, Callable[[], bool]]:
        """The status functions, bound to this status."""
        return {
            "success": lambda: not self.failed,
            "failure": lambda: self.failed,
            "always": lambda: True,
            "cancelled": lambda: False,
        }


def tokenize(text: str) -> list[tuple[str, str]]:
    """The tokens of an expression as (kind, text); SyntaxError on a stray char."""
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise SyntaxError(f"unexpected {text[position:]!r} in {text!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class Parser:
    """Evaluates one expression while parsing it (the language has no loops)."""

    def __init__(
        self,
        text: str,
        contexts: Mapping[str, Any],
        functions: Mapping[str, Callable[[], bool]],
    ) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0
        self.contexts = contexts
        self.functions = functions

    def evaluate(self) -> Any:
        """The value of the whole expression."""
        value = self.or_()
        if self.position != len(self.tokens):
            raise SyntaxError(f"unexpected {self.peek()[1]!r} in {self.text!r}")
        return value

    def peek(self) -> tuple[str, str]:
        if self.position < len(self.tokens):
            return self.tokens[self.position]
        return ("end", "")

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token[0] == "end" or (expected is not None and token[1] != expected):
            raise SyntaxError(f"expected {expected or 'more'} in {self.text!r}")
        self.position += 1
        return token

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.comparison()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.comparison()
            value = right if truthy(value) else value
        return value

    def comparison(self) -> Any:
        value = self.unary()
        while self.peek() in (("op", "=="), ("op", "!=")):
            operator = self.take()[1]
            same = equal(value, self.unary())
            value = same if operator == "==" else not same
        return value

    def unary(self) -> Any:
        if self.peek() == ("op", "!"):
            self.take()
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "string":
            return text[1:-1].replace("''", "'")
        if kind == "number":
            return float(text)
        if (kind, text) == ("op", "("):
            value = self.or_()
            self.take(")")
            return value
        if kind != "name":
            raise SyntaxError(f"unexpected {text!r} in {self.text!r}")
        if text in KEYWORDS:
            return KEYWORDS[text]
        if self.peek() == ("op", "("):
            self.take()
            self.take(")")
            if text not in self.functions:
                raise SyntaxError(f"unsupported function {text}() in {self.text!r}")
            return self.functions[text]()
        if text not in self.contexts:
            raise SyntaxError(f"unknown context {text!r} in {self.text!r}")
        return self.contexts[text]

    def postfix(self, value: Any) -> Any:
        while self.peek() in (("op", "."), ("op", "[")):
            if self.take()[1] == ".":
                value = member(value, self.take()[1])
            else:
                value = member(value, to_string(self.or_()))
                self.take("]")
        return value


def member(value: Any, key: str) -> Any:
    """`value.key`: null for a missing key or a non-object, as on GitHub."""
    if isinstance(value, Mapping):
        for name, item in value.items():
            if str(name).lower() == key.lower():
                return item
    return None


def truthy(value: Any) -> bool:
    """GitHub's truthiness: null, false, 0, NaN and '' are false."""
    if isinstance(value, float):
        return value != 0 and not math.isnan(value)
    return bool(value) if isinstance(value, (str, bool)) else value is not None


def to_number(value: Any) -> float:
    """GitHub's conversion to a number, used when compared types differ."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0.0
        except ValueError:
            return math.nan
    return math.nan


def equal(left: Any, right: Any) -> bool:
    """`==`: case-insensitive for strings, numeric when the types differ."""
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    if left is None and right is None:
        return True
    if isinstance(left, bool) and isinstance(right, bool):
        return left == right
    if isinstance(left, (dict, list)) or isinstance(right, (dict, list)):
        return left is right
    return to_number(left) == to_number(right)


def to_string(value: Any) -> str:
    """How a value reads once substituted into text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2)


def evaluate(
    text: str,
    contexts: Mapping[str, Any],
    functions: Mapping[str, Callable[[], bool]] | None = None,
) -> Any:
    """The value of one expression, without its `${{ }}`."""
    return Parser(text, contexts, functions or {}).evaluate()


def substitute(text: str, contexts: Mapping[str, Any]) -> str:
    """`text` with every `${{ expression }}` replaced by its value."""
    return TEMPLATE.sub(
        lambda match: to_string(evaluate(match.group(1), contexts)), text
    )


def condition(text: str, contexts: Mapping[str, Any], status: Status) -> bool:
    """Whether a step's `if:` holds; without a status function, success() applies."""
    expression = text.strip()
    match = TEMPLATE.fullmatch(expression)
    if match:
        expression = match.group(1).strip()
    functions = status.functions()
    uses_status = any(re.search(rf"\b{name}\s*\(", expression) for name in functions)
    if not uses_status:
        expression = f"success() && ({expression})"
    return truthy(evaluate(expression, contexts, functions))

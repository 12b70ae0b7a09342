"""Routes, the request a handler sees, and the answers it can give.

A route maps a method and a templated path to a handler. A handler takes a
`Call` and returns an `Answer` (one JSON document) or a `Stream` (a response
written piece by piece, for watch and log endpoints), or raises ApiError.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .auth import ServiceAccount
from .errors import INVALID_ARGUMENT, ApiError

_GO_TYPES = {
    bool: "bool",
    str: "string",
    int: "int32",
    list: "[]string",
    dict: "struct",
}


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


@dataclass
class Call:
    """One API request, as a handler sees it."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, list[str]]
    headers: dict[str, list[str]]
    body: bytes
    account: ServiceAccount | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def caller(self) -> ServiceAccount:
        """The authenticated account (set before any handler runs)."""
        assert self.account is not None, "handlers run after authentication"
        return self.account

    def arg(self, name: str, default: str = "") -> str:
        """The first value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str) -> str | None:
        """The first value of a request header (name in any case)."""
        values = self.headers.get(name.lower())
        return values[0] if values else None

    def payload(self) -> Any:
        """The body as JSON; None for an empty body.

        Raises ApiError (400) when the body is not JSON.
        """
        text = self.body.decode("utf-8", errors="replace").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ApiError(INVALID_ARGUMENT, _go_syntax_error(text, error)) from error

    def request(self, go_type: str, fields: dict[str, type]) -> dict[str, Any]:
        """The body as a typed request message ({} when empty); see `typed`."""
        body = self.payload()
        if body is None:
            return {}
        return typed(body, go_type, fields)


def typed(body: Any, go_type: str, fields: dict[str, type]) -> dict[str, Any]:
    """Check a decoded message as Go's JSON decoder would; unknown keys pass.

    Raises ApiError (400, Go's wording) when the body is not an object or a
    known field has the wrong JSON type.
    """
    if not isinstance(body, dict):
        raise ApiError(
            INVALID_ARGUMENT,
            f"json: cannot unmarshal {_json_kind(body)} into Go value of type "
            f"{go_type}",
        )

    struct = go_type.rsplit(".", 1)[-1]
    for name, expected in fields.items():
        value = body.get(name)
        if value is None or _fits(value, expected):
            continue
        raise ApiError(
            INVALID_ARGUMENT,
            f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
            f"{struct}.{name} of type {_GO_TYPES.get(expected, 'struct')}",
        )
    return body


def _fits(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _go_syntax_error(text: str, error: json.JSONDecodeError) -> str:
    if error.pos < len(text):
        character = text[error.pos]
        return f"invalid character '{character}' looking for beginning of value"
    return "unexpected EOF"


@dataclass
class Answer:
    """A complete JSON answer."""

    body: Any
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class Writer(Protocol):
    """Where a stream writes: each write is sent to the client at once."""

    def write(self, data: bytes) -> int: ...

    def flush(self) -> None: ...


class Stream(Protocol):
    """An answer written piece by piece (watch and log endpoints).

    The server sends the status line and the headers from `headers()`, then
    calls `write(out)`, which returns when the stream ends, the client goes
    away (an OSError on write) or `Call.stopping` is set at server stop.
    """

    def headers(self) -> dict[str, str]: ...

    def write(self, out: Writer) -> None: ...


Handler = Callable[[Call], "Answer | Stream"]


@dataclass(frozen=True)
class Route:
    """A method and a path template such as `/api/v1/workflows/{namespace}`."""

    method: str
    template: str
    handler: Handler
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _compile(self.template))

    def match(self, path: str) -> dict[str, str] | None:
        """The path parameters when `path` fits the template, else None."""
        found = self.pattern.fullmatch(path)
        return found.groupdict() if found else None


def _compile(template: str) -> re.Pattern[str]:
    def parameter(match: re.Match[str]) -> str:
        name = match.group(1)
        # Argo accepts an empty discriminator when the trailing slash is sent.
        segment = "[^/]*" if name == "discriminator" else "[^/]+"
        return f"(?P<{name}>{segment})"

    return re.compile(re.sub(r"\{(\w+)\}", parameter, template))


def resolve(
    routes: Sequence[Route], method: str, path: str
) -> tuple[Route, dict[str, str]] | None:
    """The first route for this method and path, with its parameters."""
    for route in routes:
        if route.method != method:
            continue
        params = route.match(path)
        if params is not None:
            return route, params
    return None

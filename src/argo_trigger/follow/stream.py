"""The Argo Server's streams, read message by message.

The watch and log endpoints answer with one JSON document per message:
server-sent events (`data: {...}` then a blank line, with `:` keep-alive
lines) when asked with `Accept: text/event-stream`, or one document per line
otherwise. Each document holds either `result` or `error`. When the
Kubernetes watch behind a stream closes, the server sends an error whose
message is `EOF` and ends the stream; the client is expected to reconnect.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from urllib3 import BaseHTTPResponse
from urllib3.exceptions import HTTPError

# A message the server sends on each keep-alive line: the reader learns
# that the connection is alive, and nothing else.
KEEP_ALIVE: dict[str, Any] = {}


class StreamError(Exception):
    """An error the server sent inside a stream (`{"error": {...}}`)."""

    def __init__(self, message: str, grpc_code: int | None, http_code: int | None):
        super().__init__(message)
        self.message = message
        self.grpc_code = grpc_code
        self.http_code = http_code

    @property
    def is_eof(self) -> bool:
        """True for the server's `EOF`: its watch closed, reconnect."""
        return self.message == "EOF"


class StreamBroken(Exception):
    """The connection dropped, or stayed silent longer than allowed."""


def lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a byte stream, without their line ends, as they arrive.

    Only the unfinished last line is held back, so memory stays bounded by
    the longest line whatever the length of the stream.
    """
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line.removesuffix(b"\r")
    if pending:
        yield pending.removesuffix(b"\r")


def messages(chunks: Iterable[bytes]) -> Iterator[dict[str, Any]]:
    """The `result` of each message, SSE or newline-delimited JSON alike.

    A keep-alive line yields KEEP_ALIVE, so that a reader can look at its
    clock. Raises StreamError for an error message and StreamBroken for a
    line that is not JSON (a proxy's page cut into the stream, say).
    """
    for line in lines(chunks):
        if not line.strip():
            continue
        if line.startswith(b":"):
            yield KEEP_ALIVE
            continue
        if line.split(b":", 1)[0] in (b"event", b"id", b"retry"):
            continue
        yield _result(line.removeprefix(b"data:"))


def _result(line: bytes) -> dict[str, Any]:
    try:
        document = json.loads(line)
    except ValueError:
        shown = line[:80]
        raise StreamBroken(
            f"the stream carried a line that is not JSON: {shown!r}"
        ) from None
    if not isinstance(document, dict):
        raise StreamBroken("the stream carried JSON that is not an object")
    error = document.get("error")
    if isinstance(error, dict):
        raise StreamError(
            str(error.get("message") or "unknown error"),
            _int(error.get("grpc_code")),
            _int(error.get("http_code")),
        )
    result = document.get("result")
    return result if isinstance(result, dict) else KEEP_ALIVE


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read(response: BaseHTTPResponse) -> Iterator[dict[str, Any]]:
    """The messages of an open streaming response, as `messages` gives them.

    Raises StreamError as `messages` does, and StreamBroken when the
    connection drops or no byte arrives within the response's read timeout.
    """
    try:
        yield from messages(_arrivals(response))
    except HTTPError as error:
        raise StreamBroken(_why(error)) from None
    except (OSError, AttributeError, ValueError) as error:
        # A response closed by another thread (on abort) ends up here.
        raise StreamBroken(f"the stream was closed ({type(error).__name__})") from None


def _arrivals(response: BaseHTTPResponse) -> Iterator[bytes]:
    """The body in pieces as they arrive, chunked or not, until it ends."""
    while piece := response.read1():
        yield piece


def _why(error: Exception) -> str:
    text = str(error)
    if "timed out" in text.lower():
        return "no data within the read timeout"
    return "the connection dropped"

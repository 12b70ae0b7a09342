"""HTTP for the stand-in: connections, TLS, reading requests, writing answers.

One thread per connection (HTTP/1.1 keep-alive), the TLS handshake done in
that thread, and every open connection known, so that `Standin.stop` can
close idle ones instead of waiting for clients to hang up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import webhook
from .auth import authenticate
from .errors import (
    INTERNAL,
    INVALID_ARGUMENT,
    RESOURCE_EXHAUSTED,
    ApiError,
    not_implemented,
)
from .records import Injection, RecordedRequest
from .routing import Answer, Call, Stream, resolve

if TYPE_CHECKING:
    from .server import Standin

logger = logging.getLogger("argo_trigger.standin")

WEBHOOK_REFUSED = b'{"message": "failed to process webhook request"}'
TEXT = "text/plain; charset=utf-8"
STANDIN_NOTE = (
    "argo-trigger stand-in Argo Server: for trials and tests, not Argo Workflows"
)


class HTTPServer(ThreadingHTTPServer):
    """The listening socket, with TLS and the set of open connections."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        standin: Standin,
        context: ssl.SSLContext | None,
    ) -> None:
        super().__init__(address, Handler)
        self.standin = standin
        self.context = context
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def finish_request(self, request: Any, client_address: Any) -> None:
        connection: socket.socket = request
        try:
            if self.context is not None:
                connection = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            logger.debug("TLS handshake with %s failed: %s", client_address, error)
            return

        with self.connections_lock:
            self.connections.add(connection)
        try:
            Handler(connection, client_address, self)
        finally:
            with self.connections_lock:
                self.connections.discard(connection)

    def close_connections(self) -> None:
        with self.connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    """One connection: reads requests, routes them, records the answers."""

    protocol_version = "HTTP/1.1"
    server_version = "argo-trigger-standin"
    sys_version = ""
    server: HTTPServer

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _handle(self) -> None:
        standin = self.server.standin
        split = urlsplit(self.path)
        raw_path = split.path
        query = parse_qs(split.query, keep_blank_values=True)
        headers: dict[str, list[str]] = {}
        for key, value in self.headers.items():
            headers.setdefault(key.lower(), []).append(value)
        self._query = query
        self._headers = headers
        self._body = b""

        status = self._answer(standin, raw_path, query, headers)
        logger.info("%s %s %d", self.command, raw_path, status)

    def _record(self, status: int) -> None:
        # Recorded before the answer is written, so that a client holding
        # the answer always finds its request in `Standin.requests`.
        flat = {key: ", ".join(values) for key, values in self._headers.items()}
        path = urlsplit(self.path).path
        self.server.standin.record_request(
            RecordedRequest(self.command, path, self._query, flat, self._body, status)
        )

    def _answer(
        self,
        standin: Standin,
        raw_path: str,
        query: dict[str, list[str]],
        headers: dict[str, list[str]],
    ) -> int:
        try:
            self._body = self._read_body()
        except ApiError as error:
            self.close_connection = True
            return self._send_json(error.status, error.body(), {})

        injection = standin.take_injection(raw_path)
        if injection is not None:
            return self._send_injection(injection)

        path = _strip_base_href(standin.base_href, raw_path)
        if path is None or not path.startswith("/api/"):
            return self._send_plain(path)

        call = Call(self.command, path, {}, query, dict(headers), self._body)
        try:
            self._lend_webhook_token(standin, call)
        except webhook.WebhookRefused as error:
            logger.warning("webhook request refused: %s", error)
            return self._send(403, WEBHOOK_REFUSED, {"Content-Type": TEXT})
        return self._answer_api(standin, call)

    def _lend_webhook_token(self, standin: Standin, call: Call) -> None:
        namespace = webhook.namespace_of(call.method, call.path)
        if namespace is None or "authorization" in call.headers:
            return

        token = webhook.lend_token(
            namespace, call.headers, call.body, standin.store, standin.accounts
        )
        if token is not None:
            call.headers["authorization"] = [f"Bearer {token}"]

    def _answer_api(self, standin: Standin, call: Call) -> int:
        call.stopping = standin.stopping
        try:
            answer = self._route(standin, call)
        except ApiError as error:
            return self._send_json(error.status, error.body(), {})
        except Exception:
            logger.exception("the stand-in failed on %s %s", call.method, call.path)
            failure = ApiError(INTERNAL, "the stand-in failed; see its log")
            return self._send_json(failure.status, failure.body(), {})

        if isinstance(answer, Answer):
            version = {"Grpc-Metadata-Argo-Version": standin.version}
            return self._send_json(answer.status, answer.body, version | answer.headers)
        return self._send_stream(answer, standin.version)

    def _route(self, standin: Standin, call: Call) -> Answer | Stream:
        found = resolve(standin.routes, call.method, call.path)
        if found is None:
            raise not_implemented()

        route, params = found
        call.params = {key: unquote(value) for key, value in params.items()}
        call.account = authenticate(call.header("authorization"), standin.accounts)
        return route.handler(call)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()

        text = self.headers.get("Content-Length") or "0"
        if not text.isdigit():
            raise ApiError(INVALID_ARGUMENT, f"invalid Content-Length {text!r}")
        length = int(text)
        if length > self.server.standin.max_body_bytes:
            raise _too_large(length, self.server.standin.max_body_bytes)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    continue
                return b"".join(parts)
            total += size
            if total > self.server.standin.max_body_bytes:
                raise _too_large(total, self.server.standin.max_body_bytes)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _send_injection(self, injection: Injection) -> int:
        if injection.delay > 0:
            self.server.standin.stopping.wait(injection.delay)
        data = b""
        if injection.body is not None:
            data = json.dumps(injection.body).encode()
        headers = {"Content-Type": "application/json"} | injection.headers
        return self._send(injection.status, data, headers)

    def _send_plain(self, path: str | None) -> int:
        if path in ("/", "") and self.command == "GET":
            return self._send(
                200,
                f"{STANDIN_NOTE}\n".encode(),
                {"Content-Type": TEXT},
            )
        return self._send(404, b"404 page not found\n", {"Content-Type": TEXT})

    def _send_json(self, status: int, body: Any, headers: dict[str, str]) -> int:
        data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        base = {
            "Content-Type": "application/json",
            "Grpc-Metadata-Content-Type": "application/grpc",
        }
        return self._send(status, data, base | headers)

    def _send(self, status: int, data: bytes, headers: dict[str, str]) -> int:
        self._record(status)
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
            self.wfile.flush()
        except OSError:
            # The client went away (a read timeout in a test, for example).
            self.close_connection = True
        return status

    def _send_stream(self, stream: Stream, version: str) -> int:
        headers = {"Grpc-Metadata-Argo-Version": version} | stream.headers()
        self._record(200)
        try:
            self.send_response(200)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            stream.write(_ChunkedWriter(self.wfile))
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True
        return 200


class _ChunkedWriter:
    """Writes each piece as one HTTP/1.1 chunk and flushes it at once."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def write(self, data: bytes) -> int:
        if data:
            self.out.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.out.flush()
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def _too_large(size: int, limit: int) -> ApiError:
    return ApiError(
        RESOURCE_EXHAUSTED,
        f"grpc: received message larger than max ({size} vs. {limit})",
    )


def _strip_base_href(base_href: str, path: str) -> str | None:
    """The path below the base href, or None when it lies outside."""
    if not base_href:
        return path
    if path == base_href or path.startswith(base_href + "/"):
        return path[len(base_href) :] or "/"
    return None

"""The standard proxy variables are honoured, as users of requests expect."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, CLI


class _Forward(BaseHTTPRequestHandler):
    """A plain-HTTP forward proxy: absolute-URI requests, passed on as they are."""

    server: _ProxyServer

    def do_GET(self) -> None:
        self._forward()

    do_POST = do_PUT = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _forward(self) -> None:
        self.server.seen.append(f"{self.command} {self.path}")
        target = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection(target.netloc, timeout=10)
        path = target.path + (f"?{target.query}" if target.query else "")
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        upstream.request(self.command, path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()


class _ProxyServer(ThreadingHTTPServer):
    seen: list[str]


@pytest.fixture
def proxy() -> Iterator[_ProxyServer]:
    server = _ProxyServer(("127.0.0.1", 0), _Forward)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_requests_go_through_http_proxy_when_set(
    cli: CLI, argo: Standin, proxy: _ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port = proxy.server_address[:2]
    monkeypatch.setenv("HTTP_PROXY", f"http://{host!s}:{port}")
    env = {"ARGO_SERVER": argo.url, "ARGO_TOKEN": ADMIN_TOKEN}

    result = cli("event", "-d", "ci", env=env)

    assert result.code == 0, result.err
    assert proxy.seen == [f"POST {argo.url}/api/v1/events/argo/ci"]
    assert len(argo.events) == 1


def test_no_proxy_sends_straight_to_the_server(
    cli: CLI, argo: Standin, proxy: _ProxyServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    host, port = proxy.server_address[:2]
    monkeypatch.setenv("HTTP_PROXY", f"http://{host!s}:{port}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    env = {"ARGO_SERVER": argo.url, "ARGO_TOKEN": ADMIN_TOKEN}

    result = cli("event", "-d", "ci", env=env)

    assert result.code == 0, result.err
    assert proxy.seen == []
    assert len(argo.events) == 1

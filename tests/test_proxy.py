"""The standard proxy variables are honoured, through real loopback proxies."""

from __future__ import annotations

import http.client
import select
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from argo_trigger.errors import ConfigError
from argo_trigger.proxies import proxy_for
from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, CLI, accounts


class _Proxy(BaseHTTPRequestHandler):
    """A forward proxy: absolute-URI requests passed on, CONNECT tunnelled."""

    server: _ProxyServer

    def do_GET(self) -> None:
        self._record()
        target = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection(target.netloc, timeout=10)
        path = target.path + (f"?{target.query}" if target.query else "")
        skip = ("host", "proxy-authorization")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
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

    do_POST = do_PUT = do_GET

    def do_CONNECT(self) -> None:
        self._record()
        host, _, port = self.path.rpartition(":")
        upstream = socket.create_connection((host, int(port)), timeout=10)
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        _pipe(self.connection, upstream)
        upstream.close()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _record(self) -> None:
        self.server.seen.append(f"{self.command} {self.path}")
        self.server.credentials.append(self.headers.get("Proxy-Authorization"))


def _pipe(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    sockets = [one, other]
    while True:
        readable, _, _ = select.select(sockets, [], [], 10)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            (other if sock is one else one).sendall(data)


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[str]
    credentials: list[str | None]


@pytest.fixture
def proxy() -> Iterator[_ProxyServer]:
    server = _ProxyServer(("127.0.0.1", 0), _Proxy)
    server.seen = []
    server.credentials = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _address(proxy: _ProxyServer) -> str:
    host, port = proxy.server_address[:2]
    return f"{host!s}:{port}"


def test_requests_go_through_http_proxy_when_set(
    cli: CLI, argo: Standin, proxy: _ProxyServer
) -> None:
    env = {
        "ARGO_SERVER": argo.url,
        "ARGO_TOKEN": ADMIN_TOKEN,
        "HTTP_PROXY": f"http://{_address(proxy)}",
    }

    result = cli("event", "-d", "ci", env=env)

    assert result.code == 0, result.err
    assert proxy.seen == [f"POST {argo.url}/api/v1/events/argo/ci"]
    assert proxy.credentials == [None]
    assert len(argo.events) == 1


def test_https_goes_through_a_connect_tunnel_with_the_proxys_credentials(
    cli: CLI, certificate: tuple[Path, Path], proxy: _ProxyServer
) -> None:
    cert, key = certificate
    server = Standin(accounts=accounts(), certfile=str(cert), keyfile=str(key))
    url = server.start()
    env = {
        "ARGO_SERVER": url,
        "ARGO_TOKEN": ADMIN_TOKEN,
        "ARGO_TRIGGER_CA_FILE": str(cert),
        "https_proxy": f"http://ci%40corp:s3cret-pass@{_address(proxy)}",
    }
    try:
        result = cli("-v", "event", "-d", "ci", env=env)
    finally:
        server.stop()

    assert result.code == 0, result.err
    assert proxy.seen == [f"CONNECT {urlsplit(url).netloc}"]
    # Basic credentials: base64 of "ci@corp:s3cret-pass".
    assert proxy.credentials == ["Basic Y2lAY29ycDpzM2NyZXQtcGFzcw=="]
    assert len(server.events) == 1
    assert "s3cret-pass" not in result.out + result.err


def test_no_proxy_sends_straight_to_the_server(
    cli: CLI, argo: Standin, proxy: _ProxyServer
) -> None:
    env = {
        "ARGO_SERVER": argo.url,
        "ARGO_TOKEN": ADMIN_TOKEN,
        "HTTP_PROXY": f"http://{_address(proxy)}",
        "NO_PROXY": "localhost,127.0.0.1",
    }

    result = cli("event", "-d", "ci", env=env)

    assert result.code == 0, result.err
    assert proxy.seen == []
    assert len(argo.events) == 1


def test_an_unreachable_proxy_is_exit_4_and_named_without_its_password(
    cli: CLI, argo: Standin
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {
        "ARGO_SERVER": argo.url,
        "ARGO_TOKEN": ADMIN_TOKEN,
        "ARGO_TRIGGER_REQUEST_TIMEOUT": "1",
        "HTTP_PROXY": f"http://ci:s3cret-pass@127.0.0.1:{port}",
    }

    result = cli("event", "-d", "ci", env=env)

    assert result.code == 4
    line = result.err.strip().splitlines()[-1]
    assert f"through the proxy http://127.0.0.1:{port}" in line
    assert "HTTPS_PROXY" in line
    assert "s3cret-pass" not in result.err
    assert argo.events == []


@pytest.mark.parametrize(
    ("url", "env", "expected"),
    [
        ("https://argo:2746", {"HTTPS_PROXY": "p:3128"}, "http://p:3128"),
        ("http://argo:2746", {"HTTPS_PROXY": "p:3128"}, None),
        ("http://argo:2746", {"http_proxy": "http://p:1"}, "http://p:1"),
        (
            "https://argo",
            {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:1"},
            "http://lower:1",
        ),
        ("https://argo", {"ALL_PROXY": "http://all:1"}, "http://all:1"),
        ("https://argo", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "*"}, None),
        (
            "https://argo.example.com",
            {"HTTPS_PROXY": "http://p:1", "no_proxy": ".example.com"},
            None,
        ),
        (
            "https://argo.example.com",
            {"HTTPS_PROXY": "http://p:1", "no_proxy": "example.com"},
            None,
        ),
        (
            "https://notexample.com",
            {"HTTPS_PROXY": "http://p:1", "no_proxy": "example.com"},
            "http://p:1",
        ),
        (
            "https://argo.example.com:2746",
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "argo.example.com:443"},
            "http://p:1",
        ),
        (
            "https://argo.example.com",
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "argo.example.com:443"},
            None,
        ),
        (
            "https://10.1.2.3",
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "10.0.0.0/8"},
            None,
        ),
        (
            "https://11.1.2.3",
            {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "10.0.0.0/8"},
            "http://p:1",
        ),
        ("https://[::1]:2746", {"HTTPS_PROXY": "http://p:1", "NO_PROXY": "::1"}, None),
        ("https://argo", {"HTTPS_PROXY": "  "}, None),
    ],
)
def test_proxy_for_reads_the_variables_as_curl_does(
    url: str, env: dict[str, str], expected: str | None
) -> None:
    assert proxy_for(url, env) == expected


def test_a_socks_proxy_is_a_config_error_that_says_what_to_set() -> None:
    with pytest.raises(ConfigError, match="HTTPS_PROXY"):
        proxy_for("https://argo", {"ALL_PROXY": "socks5://p:1080"})

"""Every failure ends in one line that says what to do, and its own exit code."""

from __future__ import annotations

import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, CLI, READER_TOKEN, accounts


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_a_bad_token_is_exit_7_and_says_to_set_argo_token(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("event", "-d", "ci", env={**argo_env, "ARGO_TOKEN": "wrong-token"})

    assert result.code == 7
    line = _one_line(result.err)
    assert "401" in line
    assert "ARGO_TOKEN" in line
    assert "wrong-token" not in result.err


def test_a_missing_permission_is_exit_8_and_names_the_rbac_to_grant(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("event", "-d", "ci", env={**argo_env, "ARGO_TOKEN": READER_TOKEN})

    assert result.code == 8
    line = _one_line(result.err)
    assert "403" in line
    assert "workfloweventbindings: list" in line
    assert "namespace argo" in line


def test_a_missing_template_is_exit_9(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("submit", "--from", "workflowtemplate/nope", env=argo_env)

    assert result.code == 9
    assert "404" in _one_line(result.err)


def test_a_dispatch_failure_is_exit_11_shows_argos_words_and_is_not_retried(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    said = "failed to dispatch event: [selector evaluation failed]"
    argo.inject(r"/api/v1/events/", status=500, body={"code": 13, "message": said})
    result = cli("event", "-d", "ci", env=argo_env)

    assert result.code == 11
    line = _one_line(result.err)
    assert said in line
    assert "other bindings may have been created" in line
    assert len(argo.requests) == 1


def test_503_queue_full_is_retried_and_then_succeeds(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    body = {"code": 14, "message": "operation queue full"}
    argo.inject(r"/api/v1/events/", status=503, body=body, times=2)
    result = cli("event", "-d", "ci", env=argo_env)

    assert result.code == 0, result.err
    assert [r.status for r in argo.requests] == [503, 503, 200]
    assert len(argo.events) == 1


def test_429_honours_retry_after(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.inject(
        r"/api/v1/events/",
        status=429,
        body={"code": 8, "message": "too many requests"},
        headers={"Retry-After": "1"},
    )
    result = cli("event", "-d", "ci", env=argo_env)

    assert result.code == 0, result.err
    assert [r.status for r in argo.requests] == [429, 200]
    assert "retrying in 1.0s" in result.err


def test_retries_stop_when_the_timeout_budget_is_spent(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    body = {"code": 14, "message": "operation queue full"}
    argo.inject(r"/api/v1/events/", status=503, body=body, times=100)
    result = cli("event", "-d", "ci", "--request-timeout", "2", env=argo_env)

    assert result.code == 11
    assert "operation queue full" in result.err.strip().splitlines()[-1]
    assert 1 < len(argo.requests) < 10


def test_a_read_timeout_is_exit_6_and_not_retried(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.inject(r"/api/v1/events/", status=200, body={}, delay=3.0)
    result = cli("event", "-d", "ci", "--request-timeout", "1", env=argo_env)

    argo.stop()  # ends the delayed answer, which records the request
    assert result.code == 6
    assert "may still act on the request" in _one_line(result.err)
    assert len(argo.requests) == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_connection_refused_is_exit_4_and_shows_the_url_tried(cli: CLI) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    env = {"ARGO_SERVER": url, "ARGO_TOKEN": ADMIN_TOKEN}
    result = cli("event", "-d", "ci", "--request-timeout", "1", env=env)

    assert result.code == 4
    line = result.err.strip().splitlines()[-1]
    assert f"{url}/api/v1/events/argo/ci" in line
    assert "connection refused" in line
    assert "ARGO_SERVER" in line


def test_an_unresolvable_host_is_exit_4(cli: CLI) -> None:
    env = {"ARGO_SERVER": "http://no-such-host.invalid:2746", "ARGO_TOKEN": "x"}
    result = cli("info", "--request-timeout", "1", env=env)

    assert result.code == 4
    assert "does not resolve" in result.err.strip().splitlines()[-1]


@pytest.fixture
def tls_argo(certificate: tuple[Path, Path]) -> Standin:
    cert, key = certificate
    server = Standin(accounts=accounts(), certfile=str(cert), keyfile=str(key))
    server.start()
    return server


def test_an_untrusted_certificate_is_exit_5_and_suggests_ca_file(
    cli: CLI, tls_argo: Standin
) -> None:
    try:
        env = {"ARGO_SERVER": tls_argo.url, "ARGO_TOKEN": ADMIN_TOKEN}
        result = cli("info", env=env)
    finally:
        tls_argo.stop()

    assert result.code == 5
    assert "--ca-file" in _one_line(result.err)


def test_the_default_trust_store_honours_ssl_cert_file(
    cli: CLI,
    tls_argo: Standin,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without --ca-file the system's store is used, which OpenSSL lets
    # SSL_CERT_FILE replace, as the argo CLI's does.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    try:
        env = {"ARGO_SERVER": tls_argo.url, "ARGO_TOKEN": ADMIN_TOKEN}
        result = cli("info", env=env)
    finally:
        tls_argo.stop()

    assert result.code == 0, result.err


def test_ca_file_wins_over_ssl_cert_file(
    cli: CLI,
    tls_argo: Standin,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Runners often point SSL_CERT_FILE at a bundle without the server's
    # CA; --ca-file must still be the one used.
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_bundle(certificate)))
    try:
        env = {"ARGO_SERVER": tls_argo.url, "ARGO_TOKEN": ADMIN_TOKEN}
        trusted = cli("info", "--ca-file", str(certificate[0]), env=env)
        untrusted = cli("info", env=env)
    finally:
        tls_argo.stop()

    assert trusted.code == 0, trusted.err
    assert untrusted.code == 5, untrusted.err


def tmp_bundle(certificate: tuple[Path, Path]) -> Path:
    """A CA bundle that does not hold the test certificate's CA."""
    bundle = certificate[0].parent / "other-bundle.pem"
    if not bundle.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-days", "1", "-subj", "/CN=other", "-keyout",
             str(bundle.with_suffix(".key")), "-out", str(bundle)],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return bundle


def test_ca_file_makes_the_certificate_trusted(
    cli: CLI, tls_argo: Standin, certificate: tuple[Path, Path]
) -> None:
    try:
        env = {"ARGO_SERVER": tls_argo.url, "ARGO_TOKEN": ADMIN_TOKEN}
        result = cli("info", "--ca-file", str(certificate[0]), env=env)
        insecure = cli("info", "-k", env=env)
    finally:
        tls_argo.stop()

    assert result.code == 0, result.err
    assert insecure.code == 0, insecure.err


def test_plain_http_to_a_tls_port_is_explained(cli: CLI, tls_argo: Standin) -> None:
    try:
        plain = tls_argo.url.replace("https://", "http://")
        result = cli("info", "--request-timeout", "2", env={"ARGO_SERVER": plain})
    finally:
        tls_argo.stop()

    assert result.code == 4
    assert "check the scheme and ARGO_SECURE" in _one_line(result.err)


@pytest.fixture
def client_certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed client certificate, and its key: its own CA."""
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=ci-job", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_client_certificates_are_presented_for_mutual_tls(
    cli: CLI,
    certificate: tuple[Path, Path],
    client_certificate: tuple[Path, Path],
) -> None:
    server_cert, server_key = certificate
    client_cert, client_key = client_certificate
    server = Standin(
        accounts=accounts(),
        certfile=str(server_cert),
        keyfile=str(server_key),
        client_ca=str(client_cert),
    )
    server.start()
    try:
        env = {"ARGO_SERVER": server.url, "ARGO_TOKEN": ADMIN_TOKEN}
        trusted = ["--ca-file", str(server_cert)]
        without = cli("info", *trusted, env=env)
        with_cert = cli(
            "info",
            *trusted,
            "--client-cert",
            str(client_cert),
            "--client-key",
            str(client_key),
            env=env,
        )
    finally:
        server.stop()

    # Under TLS 1.3 the server's refusal can reach the client as a plain
    # handshake failure rather than its "certificate required" alert.
    assert without.code == 5, without.err
    assert "--client-cert" in _one_line(without.err)
    assert with_cert.code == 0, with_cert.err
    assert "service account argo-server" in with_cert.out


class _NotArgo(BaseHTTPRequestHandler):
    """A web server in front of the wrong thing: a page, or a redirect."""

    def do_GET(self) -> None:
        page = b"<html>sign in</html>"
        self.send_response(200 if self.path.endswith("/version") else 308)
        self.send_header("Content-Type", "text/html")
        self.send_header("Location", "https://argo.example.com/")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def not_argo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotArgo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_page_instead_of_json_is_exit_11_and_names_the_whole_url(
    cli: CLI, not_argo: str
) -> None:
    result = cli("info", env={"ARGO_SERVER": not_argo, "ARGO_TOKEN": ADMIN_TOKEN})

    assert result.code == 11
    assert _one_line(result.err) == (
        f"argo-trigger: error: 200 from {not_argo}/api/v1/version did not carry "
        "a JSON object; check that the URL points at an Argo Server"
    )


def test_a_redirect_is_not_followed_and_says_where_it_points(
    cli: CLI, not_argo: str
) -> None:
    env = {"ARGO_SERVER": not_argo, "ARGO_TOKEN": ADMIN_TOKEN}

    result = cli("event", "-d", "ci", env=env)

    assert result.code == 10
    line = _one_line(result.err)
    url = f"{not_argo}/api/v1/events/argo/ci"
    assert line.startswith(
        f"argo-trigger: error: 308 from the Argo Server on POST {url}"
    )
    assert "sent the request on to https://argo.example.com/" in line
    assert "ARGO_SERVER" in line

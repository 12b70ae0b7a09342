"""The stand-in as an HTTP server: identity, auth, unknown routes, base href."""

from __future__ import annotations

import logging
import socket
from typing import BinaryIO

import pytest
import requests

from argo_trigger.standin import ServiceAccount, Standin
from tests.standin.standin_helpers import ADMIN_TOKEN, CI_TOKEN, Client, make_standin

TOKEN_NOT_VALID = {
    "code": 16,
    "message": "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/",
}


def test_version_names_the_configured_version_and_says_stand_in(client: Client) -> None:
    response = client.get("/api/v1/version")

    assert response.status_code == 200
    assert response.json()["version"] == "v4.1.2"
    assert "stand-in" in response.json()["platform"]


def test_success_carries_the_argo_version_header(client: Client) -> None:
    response = client.get("/api/v1/info")

    assert response.headers["Grpc-Metadata-Argo-Version"] == "v4.1.2"
    assert "version" not in response.json()


def test_errors_carry_no_version_header(client: Client) -> None:
    response = client.get("/api/v1/version", token="wrong")

    assert "Grpc-Metadata-Argo-Version" not in response.headers


def test_userinfo_names_the_service_account_behind_the_token(client: Client) -> None:
    info = client.get("/api/v1/userinfo").json()

    assert info["subject"] == "system:serviceaccount:argo:ci"
    assert info["serviceAccountName"] == "ci"
    assert info["serviceAccountNamespace"] == "argo"


@pytest.mark.parametrize(
    "path", ["/api/v1/version", "/api/v1/info", "/api/v1/userinfo"]
)
def test_every_endpoint_needs_a_token(client: Client, path: str) -> None:
    response = client.get(path, token=None)

    assert response.status_code == 401
    assert response.json() == TOKEN_NOT_VALID


def test_an_unknown_token_is_refused(client: Client) -> None:
    response = client.get("/api/v1/version", token="not-a-known-token")

    assert response.status_code == 401
    assert response.json() == TOKEN_NOT_VALID


def test_a_token_without_the_bearer_prefix_is_refused(client: Client) -> None:
    response = client.get(
        "/api/v1/version", token=None, headers={"Authorization": CI_TOKEN}
    )

    assert response.status_code == 401


@pytest.mark.nonconforming
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/no-such-thing"),
        ("DELETE", "/api/v1/version"),
        ("POST", "/api/v1/workflows/argo/some-workflow"),
        ("GET", "/api/v2/version"),
    ],
)
def test_unknown_paths_and_methods_are_not_implemented(
    client: Client, method: str, path: str
) -> None:
    response = client.request(method, path)

    assert response.status_code == 501
    assert response.json() == {"code": 12, "message": "Not Implemented"}


@pytest.mark.nonconforming
def test_not_implemented_comes_before_authentication(client: Client) -> None:
    response = client.get("/api/v1/no-such-thing", token=None)

    assert response.status_code == 501


def test_paths_outside_the_api_are_not_found(client: Client) -> None:
    response = client.get("/workflows/argo")

    assert response.status_code == 404


def test_the_root_page_says_it_is_a_stand_in(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "stand-in" in response.text


def test_start_logs_that_it_is_a_stand_in(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="argo_trigger.standin")

    with Standin([]) as srv:
        url = srv.url

    assert any("stand-in" in r.message and url in r.message for r in caplog.records)


def test_the_log_never_shows_a_token(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="argo_trigger.standin")

    client.get("/api/v1/version")
    client.get("/api/v1/version", token="bad-token-123")

    assert CI_TOKEN not in caplog.text
    assert "bad-token-123" not in caplog.text


def test_requests_are_recorded_with_path_query_headers_body_and_status(
    standin: Standin, client: Client
) -> None:
    client.get("/api/v1/workflows/argo", params={"listOptions.labelSelector": "a=b"})

    recorded = standin.requests[-1]
    assert recorded.method == "GET"
    assert recorded.path == "/api/v1/workflows/argo"
    assert recorded.query == {"listOptions.labelSelector": ["a=b"]}
    assert recorded.headers["authorization"] == f"Bearer {CI_TOKEN}"
    assert recorded.body == b""
    assert recorded.status == 200


def test_one_connection_serves_several_requests(standin: Standin) -> None:
    host, port = standin.url.removeprefix("http://").split(":")
    request = (
        f"GET /api/v1/version HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: Bearer {ADMIN_TOKEN}\r\n\r\n"
    ).encode()

    with socket.create_connection((host, int(port)), timeout=5) as connection:
        stream = connection.makefile("rb")
        for _ in range(3):
            connection.sendall(request)
            status = stream.readline()
            length = _content_length(stream)
            stream.read(length)
            assert status.startswith(b"HTTP/1.1 200")


def _content_length(stream: BinaryIO) -> int:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return length


class TestBaseHref:
    def test_api_lives_under_the_base_href(self) -> None:
        with make_standin(base_href="/argo/") as srv:
            client = Client(srv)
            response = client.get("/api/v1/version")
            recorded = srv.requests[-1]

        assert response.status_code == 200
        assert recorded.path == "/argo/api/v1/version"

    def test_the_same_path_without_the_prefix_is_not_found(self) -> None:
        with make_standin(base_href="/argo") as srv:
            response = requests.get(
                srv.url + "/api/v1/version",
                headers={"Authorization": f"Bearer {CI_TOKEN}"},
                timeout=5,
            )

        assert response.status_code == 404

    def test_start_returns_the_url_without_the_base_href(self) -> None:
        srv = make_standin(base_href="/argo")
        url = srv.start()
        srv.stop()

        assert url.startswith("http://127.0.0.1:")
        assert "/argo" not in url


def test_stop_returns_while_a_client_holds_a_keep_alive_connection() -> None:
    srv = make_standin()
    url = srv.start() + "/api/v1/version"
    session = requests.Session()
    headers = {"Authorization": f"Bearer {CI_TOKEN}"}
    assert session.get(url, headers=headers, timeout=5).status_code == 200

    srv.stop()

    with pytest.raises(requests.ConnectionError):
        session.get(url, headers=headers, timeout=2)


def test_a_port_in_use_is_a_clear_error() -> None:
    from argo_trigger.errors import UsageError

    with Standin([]) as first:
        port = int(first.url.rsplit(":", 1)[1])
        with pytest.raises(UsageError, match="cannot listen"):
            Standin([], port=port).start()


def test_an_account_reaches_only_its_own_namespace() -> None:
    account = ServiceAccount("ci", "argo", "t", {"workflows": {"list"}})

    assert account.can("list", "workflows", "argo")
    assert not account.can("list", "workflows", "other")
    assert not account.can("create", "workflows", "argo")

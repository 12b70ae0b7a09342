"""HTTPS with a self-signed certificate made by openssl, as Argo ships."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from argo_trigger.errors import UsageError
from argo_trigger.standin import Standin
from tests.standin.standin_helpers import CI_TOKEN, Client, make_standin


def test_the_url_is_https_and_answers_with_the_certificate_trusted(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate

    with make_standin(certfile=cert, keyfile=key) as srv:
        client = Client(srv, verify=str(cert))
        response = client.get("/api/v1/version")

    assert srv.url.startswith("https://127.0.0.1:")
    assert response.status_code == 200


def test_an_untrusted_certificate_fails_verification(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate

    with make_standin(certfile=cert, keyfile=key) as srv:
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(srv.url + "/api/v1/version", timeout=5)
        trusted = Client(srv, verify=str(cert)).get("/api/v1/userinfo")

    assert trusted.status_code == 200


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_verification_can_be_skipped_like_argo_insecure_skip_verify(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate

    with make_standin(certfile=cert, keyfile=key) as srv:
        response = requests.get(
            srv.url + "/api/v1/version",
            headers={"Authorization": f"Bearer {CI_TOKEN}"},
            verify=False,
            timeout=5,
        )

    assert response.status_code == 200


def test_plain_http_to_the_tls_port_gets_no_answer(
    certificate: tuple[Path, Path],
) -> None:
    cert, key = certificate

    with make_standin(certfile=cert, keyfile=key) as srv:
        plain = srv.url.replace("https://", "http://")
        with pytest.raises(requests.ConnectionError):
            requests.get(plain + "/api/v1/version", timeout=5)
        after = Client(srv, verify=str(cert)).get("/api/v1/version")

    assert after.status_code == 200


def test_an_unreadable_certificate_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent.pem"

    with pytest.raises(UsageError, match="cannot load its TLS certificate"):
        Standin([], certfile=missing, keyfile=missing).start()

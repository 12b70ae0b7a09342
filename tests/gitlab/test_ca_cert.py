"""The component's ca-cert input, against a stand-in served over TLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, accounts

from .conftest import Pipeline, component


@pytest.fixture
def tls_argo(certificate: tuple[Path, Path]) -> Iterator[Standin]:
    cert, key = certificate
    server = Standin(accounts=accounts(), certfile=str(cert), keyfile=str(key))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def tls_config(argo: Standin, ca_cert: str) -> dict[str, object]:
    assert argo.url.startswith("https://")
    inputs = {"argo-server": argo.url, "install": "", "ca-cert": ca_cert}
    return {"include": [component(inputs)]}


@pytest.mark.parametrize("kind", ["file", "variable"])
def test_ca_cert_names_a_variable_holding_the_ca(
    pipeline: Pipeline,
    tls_argo: Standin,
    certificate: tuple[Path, Path],
    kind: str,
) -> None:
    pem = certificate[0].read_text()
    variables = {
        "ARGO_TOKEN": ADMIN_TOKEN,
        "ARGO_CA": {"type": kind, "values": {"*": pem}},
    }

    run = pipeline(tls_config(tls_argo, "ARGO_CA"), variables=variables)

    assert run.code == 0, run.output
    assert len(tls_argo.events) == 1


def test_without_ca_cert_the_self_signed_server_is_not_trusted(
    pipeline: Pipeline, tls_argo: Standin
) -> None:
    run = pipeline(tls_config(tls_argo, ""), variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code != 0
    assert "argo-trigger: error: TLS failure" in run.output
    assert tls_argo.events == []

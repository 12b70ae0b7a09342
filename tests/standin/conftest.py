"""A running stand-in per test, clients that talk to it, and a conformance
check after every test: each request the test sent must conform to Argo's
OpenAPI spec and each JSON answer must fit the spec's response schema.
Tests that send wrong requests on purpose are marked `nonconforming`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from argo_trigger.standin import Standin
from tests.openapi_check import load_spec
from tests.standin.standin_helpers import (
    Client,
    assert_answers_fit,
    assert_conforms,
    make_standin,
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "nonconforming: the test sends requests that break the spec"
    )


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return load_spec()


@pytest.fixture(autouse=True)
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "REQUESTS_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def standin(request: pytest.FixtureRequest, spec: dict[str, Any]) -> Iterator[Standin]:
    srv = make_standin()
    srv.start()
    yield srv
    srv.stop()
    if request.node.get_closest_marker("nonconforming") is None:
        assert_conforms(spec, srv)


@pytest.fixture
def client(standin: Standin, request: pytest.FixtureRequest) -> Iterator[Client]:
    made = Client(standin)
    yield made
    made.session.close()
    if request.node.get_closest_marker("nonconforming") is None:
        assert_answers_fit(request.getfixturevalue("spec"), made)

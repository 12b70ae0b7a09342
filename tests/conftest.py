"""Shared fixtures: the command line run in-process, and a stand-in Argo Server.

Every test runs with the developer's own Argo, CI and proxy variables removed,
so nothing on the machine leaks into a result.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from argo_trigger import masking
from argo_trigger.cli import main
from argo_trigger.standin import ServiceAccount, Standin
from tests.openapi_check import check_request, load_spec

FIXTURES = Path(__file__).parent / "fixtures"
ADMIN_TOKEN = "t0ken-admin-9f8e7d6c5b4a"
EVENTS_TOKEN = "t0ken-events-1a2b3c4d5e6f"
READER_TOKEN = "t0ken-reader-a1b2c3d4e5f6"

_LEAKY_PREFIXES = ("ARGO_", "GITHUB_", "GITLAB_", "CI_", "RUNNER_", "JENKINS_")
_LEAKY_NAMES = {
    "CI",
    "GITLAB_CI",
    "GITHUB_ACTIONS",
    "BUILD_NUMBER",
    "BUILD_URL",
    "JOB_NAME",
    "BRANCH_NAME",
    "CHANGE_ID",
    "GIT_COMMIT",
    "GIT_BRANCH",
    "GIT_URL",
    "TAG_NAME",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_FILE",
}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in list(os.environ):
        if name.upper() in _LEAKY_NAMES or name.upper().startswith(_LEAKY_PREFIXES):
            monkeypatch.delenv(name)
    yield
    masking.forget_all()


@dataclass
class Result:
    """What one command-line run gave: exit code, stdout and stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


CLI = Callable[..., Result]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CLI:
    """Run `argo-trigger` in-process, in an empty folder outside any git repo."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)

    def run(*argv: str, env: Mapping[str, str] | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        code = main(list(argv), env=dict(env or {}), stdout=out, stderr=err)
        return Result(code, out.getvalue(), err.getvalue())

    return run


def accounts() -> list[ServiceAccount]:
    """An admin, a CI account that may only send events, and a read-only one."""
    return [
        ServiceAccount.admin(name="argo-server", namespace="argo", token=ADMIN_TOKEN),
        ServiceAccount(
            name="ci-events",
            namespace="argo",
            token=EVENTS_TOKEN,
            allow={
                "workfloweventbindings": {"list"},
                "workflowtemplates": {"get"},
                "workflows": {"create"},
            },
        ),
        ServiceAccount(
            name="reader",
            namespace="argo",
            token=READER_TOKEN,
            allow={"workflows": {"get", "list", "watch"}},
        ),
    ]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "openssl is needed to make a test certificate"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(scope="session")
def openapi() -> dict[str, Any]:
    """Argo's OpenAPI spec."""
    return load_spec()


@pytest.fixture
def argo(openapi: dict[str, Any]) -> Iterator[Standin]:
    """A stand-in Argo Server on 127.0.0.1 with the accounts above.

    When the test is done, every request it sent must conform to Argo's
    OpenAPI spec: path, method, query parameters and body.
    """
    server = Standin(accounts=accounts())
    server.start()
    try:
        yield server
    finally:
        server.stop()
    assert_conform(openapi, server)


def assert_conform(spec: dict[str, Any], server: Standin) -> None:
    """Fail when any request the server received departs from the spec."""
    problems = []
    for request in server.requests:
        path = request.path.removeprefix(server.base_href.rstrip("/"))
        body = json.loads(request.body) if request.body else None
        problems += check_request(spec, request.method, path, request.query, body)
    assert problems == [], "requests that depart from Argo's OpenAPI spec"


@pytest.fixture
def argo_env(argo: Standin) -> dict[str, str]:
    """The argo CLI's variables pointing at the stand-in, as the admin."""
    return {"ARGO_SERVER": argo.url, "ARGO_TOKEN": ADMIN_TOKEN}

"""Accounts, tokens and a recording HTTP client for the stand-in tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from argo_trigger.standin import ServiceAccount, Standin
from tests.openapi_check import check_request, check_response

MANIFESTS = Path(__file__).parent / "manifests"
ADMIN_TOKEN = "admin-token-0f8a"
CI_TOKEN = "ci-token-5c21"
READER_TOKEN = "reader-token-77d0"
NOBODY_TOKEN = "nobody-token-9e13"


def accounts() -> list[ServiceAccount]:
    """An admin, a CI account with the rights events need, a read-only
    account and one with no rights at all, all in namespace argo."""
    ci_rights = {
        "workfloweventbindings": {"list"},
        "workflowtemplates": {"get", "list"},
        "clusterworkflowtemplates": {"get"},
        "cronworkflows": {"get"},
        "workflows": {"create", "get", "list", "watch", "patch"},
    }
    reader_rights = {"workflows": {"get"}, "workflowtemplates": {"list"}}
    return [
        ServiceAccount.admin(name="argo-server", namespace="argo", token=ADMIN_TOKEN),
        ServiceAccount("ci", "argo", CI_TOKEN, ci_rights),
        ServiceAccount("reader", "argo", READER_TOKEN, reader_rights),
        ServiceAccount("nobody", "argo", NOBODY_TOKEN),
    ]


@dataclass
class Exchange:
    method: str
    path: str
    query: dict[str, Any]
    status: int
    body: Any


@dataclass
class Client:
    """Talks to a stand-in over real HTTP and remembers every answer."""

    srv: Standin
    token: str | None = CI_TOKEN
    verify: bool | str = True
    exchanges: list[Exchange] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.trust_env = False

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = "",
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        sent = dict(headers or {})
        bearer = self.token if token == "" else token
        if bearer is not None:
            sent["Authorization"] = f"Bearer {bearer}"
        url = self.srv.url + self.srv.base_href + path
        response = self.session.request(
            method, url, headers=sent, timeout=10, verify=self.verify, **kwargs
        )
        self._remember(method, path, kwargs.get("params") or {}, response)
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def _remember(
        self, method: str, path: str, query: dict[str, Any], response: requests.Response
    ) -> None:
        if not response.headers.get("Content-Type", "").startswith("application/json"):
            return
        try:
            body = response.json()
        except json.JSONDecodeError:
            return
        split = path.split("?", 1)[0]
        self.exchanges.append(
            Exchange(method, split, query, response.status_code, body)
        )


def make_standin(**options: Any) -> Standin:
    srv = Standin(accounts(), **options)
    srv.load_manifests([MANIFESTS])
    return srv


def api_path(srv: Standin, raw_path: str) -> str:
    return raw_path[len(srv.base_href) :] if srv.base_href else raw_path


def assert_conforms(spec: dict[str, Any], srv: Standin) -> None:
    """Every request the server received conforms to the spec."""
    problems: list[str] = []
    for recorded in srv.requests:
        path = api_path(srv, recorded.path)
        if path.startswith("/api/"):
            problems += check_request(
                spec, recorded.method, path, recorded.query, recorded.body
            )
    assert not problems, "\n".join(problems)


def assert_answers_fit(spec: dict[str, Any], client: Client) -> None:
    """Every JSON answer fits the response schema (unless trimmed by fields)."""
    problems: list[str] = []
    for exchange in client.exchanges:
        if "fields" in exchange.query or not exchange.path.startswith("/api/"):
            continue
        problems += check_response(
            spec, exchange.method, exchange.path, exchange.status, exchange.body
        )
    assert not problems, "\n".join(problems)

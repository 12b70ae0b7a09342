"""Events without a token, authorised as webhook clients."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from argo_trigger.standin import ServiceAccount, Standin
from argo_trigger.standin.webhook import github_signature
from tests.standin.standin_helpers import make_standin

BODY = json.dumps({"ref": "refs/heads/main", "commits": []}).encode()
CLIENTS = {
    "github.com": "type: github\nsecret: shh!\n",
    "gitlab.com": "type: gitlab\nsecret: gl-secret\n",
}
EVENT = "/api/v1/events/argo/push"


@pytest.fixture
def hooked() -> Iterator[Standin]:
    srv = make_standin()
    srv.accounts += [
        ServiceAccount(
            "github.com", "argo", "gh-token", {"workfloweventbindings": {"list"}}
        ),
        ServiceAccount(
            "gitlab.com", "argo", "gl-token", {"workfloweventbindings": {"list"}}
        ),
    ]
    srv.add(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "argo-workflows-webhook-clients", "namespace": "argo"},
            "stringData": CLIENTS,
        }
    )
    with srv:
        yield srv


def post(
    srv: Standin, headers: dict[str, str], body: bytes = BODY
) -> requests.Response:
    return requests.post(srv.url + EVENT, data=body, headers=headers, timeout=10)


def test_the_signature_matches_githubs_documented_example() -> None:
    signature = github_signature("It's a Secret to Everybody", b"Hello, World!")

    assert signature == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


def test_a_signed_github_push_is_accepted_as_its_service_account(
    hooked: Standin,
) -> None:
    accounts: list[str] = []

    def dispatch(*args: Any) -> list[str]:
        accounts.append(args[4].name)
        return []

    hooked.dispatcher = dispatch

    response = post(
        hooked,
        {
            "X-GitHub-Event": "push",
            "X-Hub-Signature-256": github_signature("shh!", BODY),
        },
    )

    assert response.status_code == 200
    assert accounts == ["github.com"]
    assert hooked.events[-1].payload == json.loads(BODY)


def test_a_wrong_github_signature_is_unauthenticated(hooked: Standin) -> None:
    response = post(
        hooked,
        {"X-GitHub-Event": "push", "X-Hub-Signature-256": github_signature("no", BODY)},
    )

    assert response.status_code == 401
    assert hooked.events == []


def test_an_unknown_github_event_is_unauthenticated(hooked: Standin) -> None:
    response = post(
        hooked,
        {
            "X-GitHub-Event": "not_an_event",
            "X-Hub-Signature-256": github_signature("shh!", BODY),
        },
    )

    assert response.status_code == 401


def test_a_gitlab_token_is_accepted(hooked: Standin) -> None:
    response = post(
        hooked, {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "gl-secret"}
    )

    assert response.status_code == 200


def test_a_wrong_gitlab_token_is_unauthenticated(hooked: Standin) -> None:
    response = post(hooked, {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "guess"})

    assert response.status_code == 401


def test_a_namespace_without_webhook_clients_is_refused(hooked: Standin) -> None:
    response = requests.post(
        hooked.url + "/api/v1/events/other/push",
        data=BODY,
        headers={"X-GitHub-Event": "push"},
        timeout=10,
    )

    assert response.status_code == 403
    assert response.text == '{"message": "failed to process webhook request"}'


def test_a_webhook_body_over_two_megabytes_is_refused(hooked: Standin) -> None:
    big = json.dumps({"blob": "x" * (2 * 1024 * 1024)}).encode()

    response = post(
        hooked,
        {
            "X-GitHub-Event": "push",
            "X-Hub-Signature-256": github_signature("shh!", big),
        },
        big,
    )

    assert response.status_code == 403


def test_a_request_with_a_token_is_not_a_webhook(hooked: Standin) -> None:
    big = json.dumps({"blob": "x" * (2 * 1024 * 1024)}).encode()

    response = post(hooked, {"Authorization": "Bearer gh-token"}, big)

    assert response.status_code == 200


def test_secret_data_may_be_base64_encoded() -> None:
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in CLIENTS.items()}
    srv = make_standin()
    srv.accounts.append(
        ServiceAccount("gitlab.com", "argo", "gl", {"workfloweventbindings": {"list"}})
    )
    srv.add(
        {
            "kind": "Secret",
            "metadata": {"name": "argo-workflows-webhook-clients"},
            "data": encoded,
        }
    )

    with srv:
        response = post(
            srv, {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "gl-secret"}
        )

    assert response.status_code == 200


def test_a_body_over_the_message_limit_is_resource_exhausted(hooked: Standin) -> None:
    hooked.max_body_bytes = 1000

    response = post(
        hooked, {"Authorization": "Bearer gh-token"}, b"[" + b"1," * 600 + b"1]"
    )

    assert response.status_code == 429
    assert response.json()["message"].startswith(
        "grpc: received message larger than max"
    )

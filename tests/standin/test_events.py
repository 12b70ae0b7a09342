"""POST /api/v1/events/{namespace}/{discriminator}."""

from __future__ import annotations

from typing import Any

import pytest

from argo_trigger.standin import ServiceAccount, Standin
from tests.standin.standin_helpers import NOBODY_TOKEN, Client

PAYLOAD = {"schema": 1, "type": "push", "git": {"sha": "a" * 40}}


def test_an_event_is_recorded_and_answered_with_an_empty_object(
    standin: Standin, client: Client
) -> None:
    response = client.post(
        "/api/v1/events/argo/ci", json=PAYLOAD, headers={"X-GitHub-Event": "push"}
    )

    assert response.status_code == 200
    assert response.json() == {}
    event = standin.events[-1]
    assert (event.namespace, event.discriminator) == ("argo", "ci")
    assert event.payload == PAYLOAD
    assert event.headers["x-github-event"] == ["push"]


def test_the_recorded_event_headers_hold_no_credentials(
    standin: Standin, client: Client
) -> None:
    client.post("/api/v1/events/argo/ci", json=PAYLOAD)

    assert "authorization" not in standin.events[-1].headers


def test_an_empty_discriminator_needs_the_trailing_slash(
    standin: Standin, client: Client
) -> None:
    response = client.post("/api/v1/events/argo/", json=PAYLOAD)

    assert response.status_code == 200
    assert standin.events[-1].discriminator == ""


@pytest.mark.nonconforming
def test_an_empty_discriminator_without_the_slash_is_not_implemented(
    client: Client,
) -> None:
    response = client.post("/api/v1/events/argo", json=PAYLOAD)

    assert response.status_code == 501
    assert response.json() == {"code": 12, "message": "Not Implemented"}


def test_any_json_is_a_payload(standin: Standin, client: Client) -> None:
    client.post("/api/v1/events/argo/ci", json=[1, "two"])

    assert standin.events[-1].payload == [1, "two"]


@pytest.mark.nonconforming
def test_an_empty_body_is_a_null_payload(standin: Standin, client: Client) -> None:
    standin.dispatcher = None  # the fixture's bindings would fail on a null payload
    response = client.post("/api/v1/events/argo/ci", data=b"")

    assert response.status_code == 200
    assert standin.events[-1].payload is None


@pytest.mark.nonconforming
def test_a_body_that_is_not_json_is_a_bad_request(
    standin: Standin, client: Client
) -> None:
    response = client.post("/api/v1/events/argo/ci", data=b"{not json")

    assert response.status_code == 400
    assert response.json()["code"] == 3
    assert standin.events == []


def test_a_token_that_may_not_list_bindings_is_forbidden(
    standin: Standin, client: Client
) -> None:
    response = client.post("/api/v1/events/argo/ci", json=PAYLOAD, token=NOBODY_TOKEN)

    assert response.status_code == 403
    assert response.json() == {
        "code": 7,
        "message": 'workfloweventbindings.argoproj.io is forbidden: User "system:'
        'serviceaccount:argo:nobody" cannot list resource "workfloweventbindings" '
        'in API group "argoproj.io" in the namespace "argo"',
    }
    assert standin.events == []


def test_another_namespace_is_forbidden_to_a_namespaced_account(
    client: Client,
) -> None:
    response = client.post("/api/v1/events/other/ci", json=PAYLOAD)

    assert response.status_code == 403
    assert 'in the namespace "other"' in response.json()["message"]


def test_the_dispatcher_sees_the_event_and_the_account(
    standin: Standin, client: Client
) -> None:
    seen: list[tuple[Any, ...]] = []

    def dispatch(
        namespace: str,
        discriminator: str,
        payload: Any,
        headers: dict[str, list[str]],
        account: ServiceAccount,
    ) -> list[str]:
        seen.append((namespace, discriminator, payload, headers["x-ci"], account.name))
        return []

    standin.dispatcher = dispatch
    response = client.post(
        "/api/v1/events/argo/ci", json=PAYLOAD, headers={"X-CI": "1"}
    )

    assert response.status_code == 200
    assert seen == [("argo", "ci", PAYLOAD, ["1"], "ci")]


def test_dispatch_errors_are_joined_into_one_500(
    standin: Standin, client: Client
) -> None:
    standin.dispatcher = lambda *_: ["selector failed", "template missing"]

    response = client.post("/api/v1/events/argo/ci", json=PAYLOAD)

    assert response.status_code == 500
    assert response.json() == {
        "code": 13,
        "message": "failed to dispatch event: [selector failed template missing]",
    }
    assert len(standin.events) == 1


def test_the_dispatcher_can_create_workflows_with_the_callers_rights(
    standin: Standin, client: Client
) -> None:
    def dispatch(
        namespace: str, _d: str, _p: Any, _h: Any, account: ServiceAccount
    ) -> list[str]:
        template = standin.get_object("WorkflowTemplate", namespace, "build", account)
        standin.create_workflow(
            {
                "metadata": {
                    "generateName": template["metadata"]["name"] + "-",
                    "namespace": namespace,
                },
                "spec": {"workflowTemplateRef": {"name": "build"}},
            },
            account,
        )
        return []

    standin.dispatcher = dispatch
    client.post("/api/v1/events/argo/ci", json=PAYLOAD)

    (created,) = standin.workflows("argo")
    assert created["metadata"]["name"].startswith("build-")

"""Events dispatched by the stand-in through the bindings engine, over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from argo_trigger.standin import Standin
from argo_trigger.standin.dispatch import make_dispatcher
from tests.conftest import ADMIN_TOKEN, EVENTS_TOKEN, READER_TOKEN

EXAMPLES = Path(__file__).parent.parent / "examples"
PUSH = Path(__file__).parent / "fixtures" / "ci" / "github" / "push.payload.json"
CREATOR = "workflows.argoproj.io/creator"

FAILING = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowEventBinding",
    "metadata": {"name": "a-failing", "namespace": "argo"},
    "spec": {
        "event": {"selector": "payload.type"},
        "submit": {"workflowTemplateRef": {"name": "ci-build"}},
    },
}


@pytest.fixture
def dispatching(argo: Standin) -> Standin:
    argo.load_manifests([EXAMPLES])
    argo.dispatcher = make_dispatcher(argo)
    return argo


def _send(server: Standin, token: str, **headers: str) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/events/argo/ci",
        data=PUSH.read_bytes(),
        headers={"Authorization": f"Bearer {token}", **headers},
        timeout=10,
    )


def _only_workflow(server: Standin) -> dict[str, Any]:
    (workflow,) = server.workflows("argo")
    return workflow


def test_a_matching_event_creates_the_workflow_labelled_as_argo_does(
    dispatching: Standin,
) -> None:
    response = _send(dispatching, EVENTS_TOKEN)

    assert (response.status_code, response.json()) == (200, {})
    workflow = _only_workflow(dispatching)
    assert workflow["metadata"]["name"].startswith("ci-build-")
    assert len(workflow["metadata"]["name"]) == len("ci-build-") + 5
    assert workflow["metadata"]["generateName"] == "ci-build-"
    assert workflow["metadata"]["labels"] == {
        "workflows.argoproj.io/workflow-template": "ci-build",
        "argo-trigger/event-id": "34dae56b8a8669b6eab1588c43250304",
        "workflows.argoproj.io/workflow-event-binding": "ci-build",
        CREATOR: "system-serviceaccount-argo-ci-events",
    }
    assert workflow["spec"] == {
        "workflowTemplateRef": {"name": "ci-build"},
        "arguments": {
            "parameters": [
                {"name": "sha", "value": "3f786850e387550fdab836ed7e6dc881de23001b"},
                {"name": "ref", "value": "refs/heads/main"},
                {"name": "environment", "value": "staging"},
            ]
        },
    }


def test_a_failing_binding_answers_500_and_the_other_workflow_is_created(
    dispatching: Standin,
) -> None:
    dispatching.add(FAILING)

    response = _send(dispatching, EVENTS_TOKEN)

    assert response.status_code == 500
    assert response.json() == {
        "code": 13,
        "message": "failed to dispatch event: [failed to evaluate workflow "
        "template expression: unable to cast expression result 'push' to bool]",
    }
    labels = _only_workflow(dispatching)["metadata"]["labels"]
    assert labels["workflows.argoproj.io/workflow-event-binding"] == "ci-build"


def test_errors_of_several_bindings_are_joined_with_spaces(
    dispatching: Standin,
) -> None:
    second = json.loads(json.dumps(FAILING))
    second["metadata"]["name"] = "b-failing"
    second["spec"]["event"]["selector"] = "true"
    second["spec"]["submit"]["workflowTemplateRef"]["name"] = "gone"
    dispatching.add(FAILING)
    dispatching.add(second)

    response = _send(dispatching, EVENTS_TOKEN)

    assert response.json()["message"] == (
        "failed to dispatch event: [failed to evaluate workflow template "
        "expression: unable to cast expression result 'push' to bool "
        'failed to get workflow template: workflowtemplates.argoproj.io "gone" '
        "not found]"
    )


def test_a_binding_labelled_for_another_controller_instance_is_skipped(
    dispatching: Standin,
) -> None:
    labelled = json.loads(json.dumps(FAILING))
    labelled["metadata"]["labels"] = {
        "workflows.argoproj.io/controller-instanceid": "blue"
    }
    dispatching.add(labelled)

    response = _send(dispatching, EVENTS_TOKEN)

    assert (response.status_code, response.json()) == (200, {})
    assert len(dispatching.workflows("argo")) == 1


def test_a_token_that_may_not_list_bindings_is_forbidden(
    dispatching: Standin,
) -> None:
    response = _send(dispatching, READER_TOKEN)

    assert response.status_code == 403
    assert response.json() == {
        "code": 7,
        "message": "workfloweventbindings.argoproj.io is forbidden: User "
        '"system:serviceaccount:argo:reader" cannot list resource '
        '"workfloweventbindings" in API group "argoproj.io" in the namespace '
        '"argo"',
    }
    assert dispatching.workflows("argo") == []


def test_bindings_see_x_headers_and_the_forwarded_host(dispatching: Standin) -> None:
    seen = json.loads(json.dumps(FAILING))
    seen["spec"]["event"]["selector"] = (
        'string(len(metadata)) + " " + metadata["x-team"][0] + " "'
        ' + metadata["x-forwarded-host"][0]'
    )
    dispatching.add(seen)
    host = dispatching.url.removeprefix("http://")

    response = _send(dispatching, ADMIN_TOKEN, **{"X-Team": "web"})

    assert response.json()["message"] == (
        "failed to dispatch event: [failed to evaluate workflow template "
        "expression: unable to cast expression result "
        f"'2 web {host}' to bool]"
    )

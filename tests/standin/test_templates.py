"""Bindings and templates: lists, gets, RBAC refusals and missing objects."""

from __future__ import annotations

from argo_trigger.standin import Standin
from tests.standin.standin_helpers import NOBODY_TOKEN, READER_TOKEN, Client


def names_of(body: dict[str, object]) -> list[str]:
    items = body["items"]
    assert isinstance(items, list)
    return [item["metadata"]["name"] for item in items]


def test_bindings_of_a_namespace_are_listed(client: Client) -> None:
    response = client.get("/api/v1/workflow-event-bindings/argo")

    assert response.status_code == 200
    assert names_of(response.json()) == ["on-push", "on-tag"]
    assert response.json()["metadata"]["resourceVersion"]


def test_bindings_can_be_selected_by_label(client: Client) -> None:
    response = client.get(
        "/api/v1/workflow-event-bindings/argo",
        params={"listOptions.labelSelector": "trigger=tag"},
    )

    assert names_of(response.json()) == ["on-tag"]


def test_an_empty_kubernetes_list_has_an_empty_items_list(client: Client) -> None:
    body = client.get(
        "/api/v1/workflow-event-bindings/argo",
        params={"listOptions.labelSelector": "trigger=none"},
    ).json()

    assert body["items"] == []


def test_listing_bindings_without_the_right_is_forbidden(client: Client) -> None:
    response = client.get("/api/v1/workflow-event-bindings/argo", token=READER_TOKEN)

    assert response.status_code == 403
    assert "cannot list resource" in response.json()["message"]


def test_a_workflow_template_is_returned_whole(client: Client) -> None:
    response = client.get("/api/v1/workflow-templates/argo/build")

    assert response.status_code == 200
    template = response.json()
    assert template["kind"] == "WorkflowTemplate"
    assert template["metadata"]["namespace"] == "argo"
    assert template["metadata"]["uid"]
    assert template["spec"]["entrypoint"] == "compile"


def test_a_missing_workflow_template_is_not_found(client: Client) -> None:
    response = client.get("/api/v1/workflow-templates/argo/missing")

    assert response.status_code == 404
    assert response.json() == {
        "code": 5,
        "message": 'workflowtemplate.argoproj.io "missing" not found',
    }


def test_getting_a_template_without_the_right_is_permission_denied(
    client: Client,
) -> None:
    response = client.get("/api/v1/workflow-templates/argo/build", token=READER_TOKEN)

    assert response.status_code == 403
    assert response.json() == {"code": 7, "message": "permission denied"}


def test_workflow_templates_are_listed_by_name_and_pattern(client: Client) -> None:
    every = client.get("/api/v1/workflow-templates/argo").json()
    matching = client.get(
        "/api/v1/workflow-templates/argo", params={"namePattern": "rel"}
    ).json()

    assert names_of(every) == ["build", "release"]
    assert names_of(matching) == ["release"]


def test_a_cluster_workflow_template_is_returned(client: Client) -> None:
    response = client.get("/api/v1/cluster-workflow-templates/scan")

    assert response.status_code == 200
    assert response.json()["kind"] == "ClusterWorkflowTemplate"
    assert "namespace" not in response.json()["metadata"]


def test_a_missing_cluster_workflow_template_is_not_found(client: Client) -> None:
    response = client.get("/api/v1/cluster-workflow-templates/missing")

    assert response.status_code == 404
    assert response.json()["message"] == (
        'clusterworkflowtemplate.argoproj.io "missing" not found'
    )


def test_a_cluster_template_without_the_right_is_permission_denied(
    client: Client,
) -> None:
    response = client.get("/api/v1/cluster-workflow-templates/scan", token=NOBODY_TOKEN)

    assert response.status_code == 403


def test_a_bad_label_selector_is_a_bad_request(client: Client) -> None:
    response = client.get(
        "/api/v1/workflow-event-bindings/argo",
        params={"listOptions.labelSelector": "a in b"},
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("unable to parse requirement")


def test_objects_added_later_are_served(standin: Standin, client: Client) -> None:
    standin.add(
        {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "WorkflowTemplate",
            "metadata": {"name": "late", "namespace": "argo"},
            "spec": {"entrypoint": "main", "templates": [{"name": "main"}]},
        }
    )

    assert client.get("/api/v1/workflow-templates/argo/late").status_code == 200

"""Workflows: create, submit, get, list, stop and terminate."""

from __future__ import annotations

import re
from typing import Any

import pytest

from argo_trigger.standin import Standin
from tests.standin.standin_helpers import (
    ADMIN_TOKEN,
    NOBODY_TOKEN,
    READER_TOKEN,
    Client,
)

GENERATED = re.compile(r"[bcdfghjklmnpqrstvwxz2456789]{5}")
CREATOR = "workflows.argoproj.io/creator"


def plain_workflow(**metadata: Any) -> dict[str, Any]:
    return {
        "metadata": metadata or {"generateName": "hello-"},
        "spec": {
            "entrypoint": "main",
            "templates": [{"name": "main", "container": {"image": "busybox:1.36"}}],
        },
    }


def submit(client: Client, kind: str, resource: str, **options: Any) -> Any:
    body: dict[str, Any] = {"resourceKind": kind, "resourceName": resource}
    if options:
        body["submitOptions"] = options
    return client.post("/api/v1/workflows/argo/submit", json=body)


class TestCreate:
    def test_generate_name_gets_five_kubernetes_characters(
        self, standin: Standin, client: Client
    ) -> None:
        response = client.post(
            "/api/v1/workflows/argo", json={"workflow": plain_workflow()}
        )

        assert response.status_code == 200
        name = response.json()["metadata"]["name"]
        assert name.startswith("hello-")
        assert GENERATED.fullmatch(name.removeprefix("hello-"))
        assert [wf["metadata"]["name"] for wf in standin.workflows("argo")] == [name]

    def test_a_created_workflow_has_what_kubernetes_adds(self, client: Client) -> None:
        created = client.post(
            "/api/v1/workflows/argo", json={"workflow": plain_workflow()}
        ).json()

        metadata = created["metadata"]
        assert metadata["namespace"] == "argo"
        assert re.fullmatch(r"[0-9a-f-]{36}", metadata["uid"])
        assert re.fullmatch(
            r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", metadata["creationTimestamp"]
        )
        assert metadata["resourceVersion"].isdigit()
        assert created["status"] == {}

    def test_the_creator_is_labelled_from_the_token(self, client: Client) -> None:
        workflow = plain_workflow()
        workflow["metadata"]["labels"] = {
            "workflows.argoproj.io/creator-email": "someone.at.example.com"
        }

        created = client.post("/api/v1/workflows/argo", json={"workflow": workflow})

        labels = created.json()["metadata"]["labels"]
        assert labels == {CREATOR: "system-serviceaccount-argo-ci"}

    def test_a_taken_name_is_a_conflict(self, client: Client) -> None:
        body = {"workflow": plain_workflow(name="once")}
        client.post("/api/v1/workflows/argo", json=body)

        response = client.post("/api/v1/workflows/argo", json=body)

        assert response.status_code == 409
        assert response.json() == {
            "code": 6,
            "message": 'workflows.argoproj.io "once" already exists',
        }

    def test_server_dry_run_completes_the_workflow_but_creates_nothing(
        self, standin: Standin, client: Client
    ) -> None:
        response = client.post(
            "/api/v1/workflows/argo",
            json={"workflow": plain_workflow(), "serverDryRun": True},
        )

        assert response.status_code == 200
        assert response.json()["metadata"]["name"].startswith("hello-")
        assert standin.workflows("argo") == []

    def test_a_client_dry_run_returns_the_workflow_unaltered(
        self, standin: Standin, client: Client
    ) -> None:
        response = client.post(
            "/api/v1/workflows/argo",
            json={"workflow": plain_workflow(), "createOptions": {"dryRun": ["All"]}},
        )

        assert "uid" not in response.json()["metadata"]
        assert standin.workflows("argo") == []

    def test_a_request_without_a_workflow_is_a_bad_request(
        self, client: Client
    ) -> None:
        response = client.post("/api/v1/workflows/argo", json={})

        assert response.status_code == 400
        assert response.json() == {"code": 3, "message": "workflow body not specified"}

    def test_an_invalid_name_is_refused_with_kubernetes_words(
        self, client: Client
    ) -> None:
        body = {"workflow": plain_workflow(name="Not_Valid")}

        response = client.post("/api/v1/workflows/argo", json=body)

        assert response.status_code == 400
        assert response.json()["message"].startswith(
            'Workflow.argoproj.io "Not_Valid" is invalid: metadata.name: Invalid value'
        )

    def test_a_bad_label_value_is_refused(self, client: Client) -> None:
        workflow = plain_workflow()
        workflow["metadata"]["labels"] = {"id": "has space"}

        response = client.post("/api/v1/workflows/argo", json={"workflow": workflow})

        assert response.status_code == 400
        assert "metadata.labels: Invalid value" in response.json()["message"]

    def test_a_missing_entrypoint_is_refused(self, client: Client) -> None:
        workflow = plain_workflow()
        del workflow["spec"]["entrypoint"]

        response = client.post("/api/v1/workflows/argo", json={"workflow": workflow})

        assert response.status_code == 400
        assert response.json()["message"] == "spec.entrypoint is required"

    def test_a_value_outside_its_enum_is_refused(self, client: Client) -> None:
        workflow = plain_workflow()
        workflow["spec"]["arguments"] = {
            "parameters": [{"name": "channel", "value": "gamma", "enum": ["beta"]}]
        }

        response = client.post("/api/v1/workflows/argo", json={"workflow": workflow})

        assert response.status_code == 400
        assert response.json()["message"] == (
            "spec.arguments.channel.value should be present in "
            "spec.arguments.channel.enum list"
        )

    def test_a_reference_to_a_missing_template_is_not_found(
        self, client: Client
    ) -> None:
        workflow = {
            "metadata": {"generateName": "x-"},
            "spec": {"workflowTemplateRef": {"name": "absent"}},
        }

        response = client.post("/api/v1/workflows/argo", json={"workflow": workflow})

        assert response.status_code == 404
        assert response.json()["message"] == (
            'workflowtemplate.argoproj.io "absent" not found'
        )

    def test_creating_without_the_right_is_forbidden(self, client: Client) -> None:
        response = client.post(
            "/api/v1/workflows/argo",
            json={"workflow": plain_workflow()},
            token=READER_TOKEN,
        )

        assert response.status_code == 403
        assert response.json()["message"] == (
            'workflows.argoproj.io is forbidden: User "system:serviceaccount:argo:'
            'reader" cannot create resource "workflows" in API group "argoproj.io" '
            'in the namespace "argo"'
        )

    @pytest.mark.nonconforming
    def test_a_field_of_the_wrong_type_is_refused_as_go_would(
        self, client: Client
    ) -> None:
        response = client.post(
            "/api/v1/workflows/argo",
            json={"workflow": plain_workflow(), "serverDryRun": "yes"},
        )

        assert response.status_code == 400
        assert response.json()["message"] == (
            "json: cannot unmarshal string into Go struct field "
            "WorkflowCreateRequest.serverDryRun of type bool"
        )

    @pytest.mark.nonconforming
    def test_unknown_request_fields_are_ignored(self, client: Client) -> None:
        response = client.post(
            "/api/v1/workflows/argo",
            json={"workflow": plain_workflow(), "serverDryRunn": True},
        )

        assert response.status_code == 200


class TestSubmit:
    def test_a_workflow_template_becomes_a_referencing_workflow(
        self, standin: Standin, client: Client
    ) -> None:
        response = submit(client, "WorkflowTemplate", "build")

        assert response.status_code == 200
        workflow = response.json()
        assert workflow["metadata"]["generateName"] == "build-"
        assert workflow["metadata"]["labels"] == {
            "workflows.argoproj.io/workflow-template": "build",
            CREATOR: "system-serviceaccount-argo-ci",
        }
        assert workflow["spec"] == {"workflowTemplateRef": {"name": "build"}}
        assert len(standin.workflows("argo")) == 1

    def test_submit_options_shape_the_workflow(self, client: Client) -> None:
        workflow = submit(
            client,
            "WorkflowTemplate",
            "build",
            parameters=["revision=v1=final", "extra=1"],
            labels="ci.example/run=42,team=a",
            annotations="note=hello",
            entryPoint="compile",
            serviceAccount="builder",
            generateName="ci-build-",
            priority=3,
        ).json()

        assert workflow["metadata"]["name"].startswith("ci-build-")
        assert workflow["metadata"]["labels"]["ci.example/run"] == "42"
        assert workflow["metadata"]["annotations"] == {"note": "hello"}
        assert workflow["spec"]["arguments"]["parameters"] == [
            {"name": "revision", "value": "v1=final"},
            {"name": "extra", "value": "1"},
        ]
        assert workflow["spec"]["entrypoint"] == "compile"
        assert workflow["spec"]["serviceAccountName"] == "builder"
        assert workflow["spec"]["priority"] == 3

    def test_a_given_name_is_used_and_a_second_time_conflicts(
        self, client: Client
    ) -> None:
        first = submit(client, "WorkflowTemplate", "build", name="build-run-1")
        second = submit(client, "WorkflowTemplate", "build", name="build-run-1")

        assert first.json()["metadata"]["name"] == "build-run-1"
        assert second.status_code == 409

    def test_a_cluster_workflow_template_is_referenced_cluster_wide(
        self, client: Client
    ) -> None:
        workflow = submit(client, "ClusterWorkflowTemplate", "scan").json()

        assert workflow["spec"]["workflowTemplateRef"] == {
            "name": "scan",
            "clusterScope": True,
        }
        labels = workflow["metadata"]["labels"]
        assert labels["workflows.argoproj.io/cluster-workflow-template"] == "scan"

    def test_a_cron_workflow_lends_its_spec_and_owns_the_workflow(
        self, client: Client
    ) -> None:
        workflow = submit(client, "CronWorkflow", "nightly").json()

        metadata = workflow["metadata"]
        assert metadata["name"].startswith("nightly-")
        assert metadata["labels"]["workflows.argoproj.io/cron-workflow"] == "nightly"
        assert metadata["labels"]["schedule"] == "nightly"
        assert "workflows.argoproj.io/scheduled-time" in metadata["annotations"]
        assert metadata["ownerReferences"][0]["kind"] == "CronWorkflow"
        assert workflow["spec"]["entrypoint"] == "run"

    def test_short_kind_names_are_accepted(self, client: Client) -> None:
        assert submit(client, "wftmpl", "build").status_code == 200

    def test_an_unsupported_kind_is_a_bad_request(self, client: Client) -> None:
        response = submit(client, "Workflow", "build")

        assert response.status_code == 400
        assert response.json()["message"] == (
            "Resource kind 'Workflow' is not supported for submitting"
        )

    def test_a_missing_template_is_not_found(self, client: Client) -> None:
        response = submit(client, "WorkflowTemplate", "absent")

        assert response.status_code == 404
        assert response.json()["message"] == (
            'workflowtemplate.argoproj.io "absent" not found'
        )

    def test_a_missing_cron_workflow_is_not_found(self, client: Client) -> None:
        response = submit(client, "CronWorkflow", "absent")

        assert response.status_code == 404
        assert response.json()["message"] == (
            'cronworkflows.argoproj.io "absent" not found'
        )

    def test_a_parameter_without_equals_is_an_internal_error(
        self, client: Client
    ) -> None:
        response = submit(client, "WorkflowTemplate", "build", parameters=["oops"])

        assert response.status_code == 500
        assert response.json()["message"] == (
            "expected parameter of the form: NAME=VALUE. Received: oops"
        )

    def test_malformed_labels_are_an_internal_error(self, client: Client) -> None:
        response = submit(client, "WorkflowTemplate", "build", labels="a=b,c")

        assert response.status_code == 500
        assert response.json()["message"] == (
            "expected labels of the form: NAME1=VALUE2,NAME2=VALUE2. "
            "Received: a=b,c: unexpected label spec: c"
        )

    def test_a_template_parameter_without_value_must_be_given(
        self, client: Client
    ) -> None:
        response = submit(client, "WorkflowTemplate", "release")

        assert response.status_code == 400
        assert response.json()["message"] == (
            "spec.arguments.version.value or spec.arguments.version.valueFrom "
            "is required"
        )

    def test_dry_run_creates_nothing_and_names_nothing(
        self, standin: Standin, client: Client
    ) -> None:
        workflow = submit(client, "WorkflowTemplate", "build", dryRun=True).json()

        assert "name" not in workflow["metadata"]
        assert standin.workflows("argo") == []

    def test_server_dry_run_names_but_creates_nothing(
        self, standin: Standin, client: Client
    ) -> None:
        workflow = submit(client, "WorkflowTemplate", "build", serverDryRun=True).json()

        assert workflow["metadata"]["name"].startswith("build-")
        assert standin.workflows("argo") == []

    def test_submitting_without_the_right_to_create_is_forbidden(
        self, client: Client
    ) -> None:
        response = client.post(
            "/api/v1/workflows/argo/submit",
            json={"resourceKind": "WorkflowTemplate", "resourceName": "build"},
            token=NOBODY_TOKEN,
        )

        assert response.status_code == 403
        assert "cannot create resource" in response.json()["message"]


class TestGet:
    def test_a_workflow_is_returned(self, client: Client) -> None:
        name = submit(client, "WorkflowTemplate", "build").json()["metadata"]["name"]

        response = client.get(f"/api/v1/workflows/argo/{name}")

        assert response.status_code == 200
        assert response.json()["metadata"]["name"] == name

    def test_fields_trim_the_answer(self, client: Client) -> None:
        name = submit(client, "WorkflowTemplate", "build").json()["metadata"]["name"]

        response = client.get(
            f"/api/v1/workflows/argo/{name}",
            params={"fields": "metadata.name,status.phase"},
        )

        assert response.json() == {"metadata": {"name": name}, "status": {}}

    def test_a_leading_minus_drops_fields(self, client: Client) -> None:
        name = submit(client, "WorkflowTemplate", "build").json()["metadata"]["name"]

        response = client.get(
            f"/api/v1/workflows/argo/{name}", params={"fields": "-metadata,spec"}
        )

        assert set(response.json()) == {"apiVersion", "kind", "status"}

    def test_a_missing_workflow_is_not_found(self, client: Client) -> None:
        response = client.get("/api/v1/workflows/argo/absent")

        assert response.status_code == 404
        assert response.json() == {
            "code": 5,
            "message": 'workflows.argoproj.io "absent" not found',
        }

    def test_getting_without_the_right_is_forbidden(self, client: Client) -> None:
        response = client.get("/api/v1/workflows/argo/any", token=NOBODY_TOKEN)

        assert response.status_code == 403
        assert response.json()["message"] == (
            'workflows.argoproj.io "any" is forbidden: User "system:serviceaccount:'
            'argo:nobody" cannot get resource "workflows" in API group "argoproj.io" '
            'in the namespace "argo"'
        )


class TestList:
    @pytest.fixture
    def names(self, client: Client) -> dict[str, str]:
        made = {}
        for key, labels in {
            "a": "stage=build,team=x",
            "b": "stage=test",
            "c": "stage=deploy,team=y",
        }.items():
            response = submit(client, "WorkflowTemplate", "build", labels=labels)
            made[key] = response.json()["metadata"]["name"]
        return made

    def listed(self, client: Client, **params: str) -> list[str]:
        response = client.get("/api/v1/workflows/argo", params=params)
        assert response.status_code == 200
        items = response.json()["items"] or []
        return [wf["metadata"]["name"] for wf in items]

    @pytest.mark.parametrize(
        ("selector", "expected"),
        [
            ("stage=build", "a"),
            ("stage==test", "b"),
            ("stage!=build", "cb"),
            ("stage in (build,deploy)", "ca"),
            ("stage notin (build,deploy)", "b"),
            ("team", "ca"),
            ("!team", "b"),
            ("stage=build,team=x", "a"),
        ],
    )
    def test_label_selectors_select(
        self, client: Client, names: dict[str, str], selector: str, expected: str
    ) -> None:
        found = self.listed(client, **{"listOptions.labelSelector": selector})

        assert found == [names[key] for key in expected]

    def test_a_field_selector_picks_one_by_name(
        self, client: Client, names: dict[str, str]
    ) -> None:
        selector = f"metadata.name={names['b']}"

        assert self.listed(client, **{"listOptions.fieldSelector": selector}) == [
            names["b"]
        ]

    def test_running_come_first_then_the_latest_finished(
        self, standin: Standin, client: Client, names: dict[str, str]
    ) -> None:
        standin.set_phase("argo", names["a"], "Succeeded")

        assert self.listed(client) == [names["c"], names["b"], names["a"]]

    def test_an_empty_list_has_null_items(self, client: Client) -> None:
        response = client.get("/api/v1/workflows/argo")

        assert response.json()["items"] is None
        assert response.json()["metadata"]["resourceVersion"]

    def test_fields_trim_each_item(self, client: Client, names: dict[str, str]) -> None:
        response = client.get(
            "/api/v1/workflows/argo",
            params={
                "listOptions.labelSelector": "stage=test",
                "fields": "items.metadata.name",
            },
        )

        assert response.json() == {"items": [{"metadata": {"name": names["b"]}}]}

    def test_listing_without_the_right_is_denied_with_argos_words(
        self, client: Client
    ) -> None:
        response = client.get("/api/v1/workflows/argo", token=READER_TOKEN)

        assert response.status_code == 403
        assert response.json()["message"] == (
            "Permission denied, you are not allowed to list workflows in namespace "
            '"argo". Maybe you want to specify a namespace with query parameter '
            "`.namespace=argo`?"
        )

    def test_an_unsupported_field_selector_is_a_bad_request(
        self, client: Client
    ) -> None:
        response = client.get(
            "/api/v1/workflows/argo",
            params={"listOptions.fieldSelector": "status.phase=Running"},
        )

        assert response.status_code == 400
        assert response.json()["message"] == (
            "unsupported requirement status.phase=Running"
        )


class TestShutdown:
    @pytest.mark.parametrize("action", ["stop", "terminate"])
    def test_shutdown_settles_the_workflow_as_failed(
        self, client: Client, action: str
    ) -> None:
        name = submit(client, "WorkflowTemplate", "build").json()["metadata"]["name"]

        response = client.put(f"/api/v1/workflows/argo/{name}/{action}", json={})

        strategy = action.capitalize()
        workflow = response.json()
        assert response.status_code == 200
        assert workflow["spec"]["shutdown"] == strategy
        assert workflow["status"]["phase"] == "Failed"
        assert workflow["status"]["message"] == f"Stopped with strategy '{strategy}'"
        assert workflow["status"]["finishedAt"]
        assert (
            workflow["metadata"]["labels"]["workflows.argoproj.io/action"] == strategy
        )

    def test_a_finished_workflow_cannot_be_stopped(
        self, standin: Standin, client: Client
    ) -> None:
        name = submit(client, "WorkflowTemplate", "build").json()["metadata"]["name"]
        standin.set_phase("argo", name, "Succeeded")

        response = client.put(f"/api/v1/workflows/argo/{name}/stop", json={})

        assert response.status_code == 500
        assert response.json()["message"] == (
            f'cannot shutdown a completed workflow: workflow: "{name}", '
            'namespace: "argo"'
        )

    def test_stopping_a_missing_workflow_is_not_found(self, client: Client) -> None:
        response = client.put("/api/v1/workflows/argo/absent/terminate", json={})

        assert response.status_code == 404

    def test_stopping_without_the_right_to_patch_is_forbidden(
        self, client: Client
    ) -> None:
        name = submit(client, "WorkflowTemplate", "build").json()["metadata"]["name"]

        response = client.put(
            f"/api/v1/workflows/argo/{name}/stop", json={}, token=READER_TOKEN
        )

        assert response.status_code == 403
        assert "cannot patch resource" in response.json()["message"]


def test_the_admin_account_may_work_in_any_namespace(client: Client) -> None:
    response = client.post(
        "/api/v1/workflows/elsewhere",
        json={"workflow": plain_workflow()},
        token=ADMIN_TOKEN,
    )

    assert response.status_code == 200
    assert response.json()["metadata"]["namespace"] == "elsewhere"

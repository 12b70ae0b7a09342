"""Bindings evaluated as the Argo Server's event dispatch evaluates them."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from argo_trigger.bindings import evaluate, load, metadata_from_headers
from argo_trigger.bindings.dispatch import go_s
from tests.bindings.helpers import (
    ARGO,
    WEBHOOK,
    binding,
    env_for,
    event_argument,
    push_payload,
    template,
    templates,
)

BUILD_LABEL = "workflows.argoproj.io/workflow-template"
BINDING_LABEL = "workflows.argoproj.io/workflow-event-binding"


@pytest.fixture
def argo_examples() -> Any:
    return load([ARGO])


@pytest.fixture
def webhook() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(WEBHOOK.read_text())
    return loaded


def _path_filter(argo_examples: Any, payload: Any) -> Any:
    env = env_for(payload, "github-path-filter", x_github_event=["push"])
    get = templates(*argo_examples.templates.values())
    return evaluate(argo_examples.bindings["github-path-filter"], env, get)


def test_the_path_filter_example_does_not_match_the_recorded_push(
    argo_examples: Any, webhook: dict[str, Any]
) -> None:
    result = _path_filter(argo_examples, webhook)

    assert (result.matched, result.error, result.workflow) == (False, None, None)


def test_the_path_filter_example_matches_a_push_adding_a_file_under_subpath_a(
    argo_examples: Any, webhook: dict[str, Any]
) -> None:
    payload = copy.deepcopy(webhook)
    payload["commits"][0]["added"].append("subpath/A/new.txt")

    result = _path_filter(argo_examples, payload)

    files = '[".github/no-response.yml","subpath/A/new.txt"]'
    assert result.matched is True
    assert result.parameters == [{"name": "files", "value": files}]
    assert result.workflow == {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "generateName": "github-path-filter-",
            "namespace": "argo",
            "labels": {
                BUILD_LABEL: "github-path-filter",
                BINDING_LABEL: "github-path-filter",
            },
        },
        "spec": {
            "workflowTemplateRef": {"name": "github-path-filter"},
            "arguments": {"parameters": [{"name": "files", "value": files}]},
        },
    }


def test_the_path_filter_example_needs_the_github_event_header(
    argo_examples: Any, webhook: dict[str, Any]
) -> None:
    payload = copy.deepcopy(webhook)
    payload["commits"][0]["added"].append("subpath/B/x")
    env = env_for(payload, "github-path-filter")
    get = templates(*argo_examples.templates.values())

    result = evaluate(argo_examples.bindings["github-path-filter"], env, get)

    assert result.matched is False


def test_the_event_consumer_example_passes_the_appellation(argo_examples: Any) -> None:
    env = env_for({"appellation": "Mars"}, "")
    get = templates(*argo_examples.templates.values())

    result = evaluate(argo_examples.bindings["event-consumer"], env, get)

    assert result.matched is True
    assert result.parameters == [{"name": "appellation", "value": "Mars"}]


def test_a_selector_that_is_not_a_bool_fails_in_argos_words() -> None:
    result = evaluate(binding("payload.type"), env_for(push_payload()), templates())

    assert result.matched is False
    assert result.error == (
        "failed to evaluate workflow template expression: "
        "unable to cast expression result 'push' to bool"
    )


def test_a_number_in_the_cast_error_is_printed_as_go_prints_it() -> None:
    result = evaluate(binding("payload.schema"), env_for(push_payload()), templates())

    assert result.error == (
        "failed to evaluate workflow template expression: "
        "unable to cast expression result '%!s(float64=1)' to bool"
    )


def test_a_selector_reading_through_null_fails_with_expr_snippet() -> None:
    selector = "payload.pull_request.number > 0"

    result = evaluate(binding(selector), env_for(push_payload()), templates())

    assert result.error == (
        "failed to evaluate workflow template expression: unable to evaluate "
        "expression 'payload.pull_request.number > 0': "
        "invalid operation: <nil> > int (1:29)\n"
        " | payload.pull_request.number > 0\n"
        " | ............................^"
    )


def test_a_selector_that_does_not_compile_is_reported_as_compiled() -> None:
    result = evaluate(binding("payload.type =="), env_for({}), templates())

    assert result.error is not None
    assert result.error.startswith(
        "failed to evaluate workflow template expression: unexpected token EOF"
    )


def test_a_matching_binding_names_its_workflow_after_the_template() -> None:
    arguments = [
        event_argument("sha", "payload.git.sha"),
        event_argument("attempt", "payload.ci.run_attempt"),
        event_argument("message", "payload.git.message"),
    ]
    bound = binding('payload.type == "push"', arguments=arguments)

    result = evaluate(bound, env_for(push_payload()), templates(template()))

    assert result.matched is True
    assert result.parameters == [
        {"name": "sha", "value": "3f786850e387550fdab836ed7e6dc881de23001b"},
        {"name": "attempt", "value": "1"},
        {
            "name": "message",
            "value": "Retry the deploy step on registry timeouts\\n\\n"
            "The registry answers 504 under load; two retries cover it.",
        },
    ]
    assert result.workflow is not None
    assert result.workflow["metadata"] == {
        "generateName": "build-",
        "namespace": "argo",
        "labels": {BUILD_LABEL: "build", BINDING_LABEL: "on-event"},
    }


def test_a_plain_value_argument_is_rejected_as_argo_rejects_it() -> None:
    arguments = [{"name": "environment", "value": "prod"}]

    result = evaluate(binding(arguments=arguments), env_for({}), templates(template()))

    assert result.error == (
        'malformed workflow template parameter "environment": valueFrom is nil'
    )
    assert result.workflow is None


def test_a_failing_parameter_expression_names_the_parameter() -> None:
    arguments = [event_argument("n", "payload.pull_request.number + 1")]

    result = evaluate(
        binding(arguments=arguments), env_for(push_payload()), templates(template())
    )

    assert result.error == (
        'failed to evaluate workflow template parameter "n" expression: '
        "invalid operation: <nil> + int (1:29)\n"
        " | payload.pull_request.number + 1\n"
        " | ............................^"
    )


def test_a_missing_template_fails_with_kubernetes_words() -> None:
    result = evaluate(binding(template="nowhere"), env_for({}), templates())

    assert result.error == (
        'failed to get workflow template: workflowtemplates.argoproj.io "nowhere" '
        "not found"
    )


def test_a_template_labelled_for_an_instance_is_not_managed() -> None:
    labelled = template()
    labelled["metadata"]["labels"] = {
        "workflows.argoproj.io/controller-instanceid": "blue"
    }

    result = evaluate(binding(), env_for({}), templates(labelled))

    assert result.error == (
        "failed to validate workflow template instanceid: "
        "'build' is not managed by the current Argo Server"
    )


def test_metadata_expressions_name_and_label_the_workflow() -> None:
    metadata = {
        "name": 'sprig.trunc(12, "ci-" + payload.git.sha)',
        "labels": {"argo-trigger/event-id": "payload.id"},
        "annotations": {"commit": "toJson(payload.git.short_sha)"},
    }

    result = evaluate(
        binding(metadata=metadata), env_for(push_payload()), templates(template())
    )

    assert result.workflow is not None
    assert result.workflow["metadata"] == {
        "name": "ci-3f786850e",
        "generateName": "build-",
        "namespace": "argo",
        "labels": {
            BUILD_LABEL: "build",
            "argo-trigger/event-id": "34dae56b8a8669b6eab1588c43250304",
            BINDING_LABEL: "on-event",
        },
        "annotations": {"commit": '"3f786850"'},
    }


def test_a_label_expression_must_give_a_string() -> None:
    metadata = {"labels": {"attempt": "payload.ci.run_attempt"}}

    result = evaluate(
        binding(metadata=metadata), env_for(push_payload()), templates(template())
    )

    assert result.error == (
        'workflow label "attempt" expression must evaluate to a string, not a float64'
    )


def test_a_null_generate_name_is_reported_as_nil() -> None:
    metadata = {"generateName": "payload.git.tag"}

    result = evaluate(
        binding(metadata=metadata), env_for(push_payload()), templates(template())
    )

    assert result.error == (
        "workflow generateName expression must evaluate to a string, not a <nil>"
    )


def test_the_binding_label_cannot_be_overridden_by_the_binding() -> None:
    metadata = {"labels": {BINDING_LABEL: '"forged"'}}

    result = evaluate(binding(metadata=metadata), env_for({}), templates(template()))

    assert result.workflow is not None
    assert result.workflow["metadata"]["labels"][BINDING_LABEL] == "on-event"


def test_template_workflow_metadata_is_copied_and_its_instance_label_dropped() -> None:
    own = {
        "labels": {
            "team": "web",
            "workflows.argoproj.io/controller-instanceid": "blue",
        },
        "annotations": {"owner": "web@example.com"},
    }
    found = templates(template(workflowMetadata=own))

    result = evaluate(binding(), env_for({}), found)

    assert result.workflow is not None
    assert result.workflow["metadata"] == {
        "generateName": "build-",
        "namespace": "argo",
        "labels": {BUILD_LABEL: "build", "team": "web", BINDING_LABEL: "on-event"},
        "annotations": {"owner": "web@example.com"},
    }


def test_a_cluster_template_is_referenced_with_cluster_scope() -> None:
    found = templates(template("shared", cluster=True))

    result = evaluate(binding(template="shared", cluster=True), env_for({}), found)

    assert result.workflow is not None
    assert result.workflow["spec"]["workflowTemplateRef"] == {
        "name": "shared",
        "clusterScope": True,
    }
    assert result.workflow["metadata"]["labels"] == {
        "workflows.argoproj.io/cluster-workflow-template": "shared",
        BINDING_LABEL: "on-event",
    }


def test_a_binding_without_submit_matches_and_creates_nothing() -> None:
    bound = binding()
    del bound["spec"]["submit"]

    result = evaluate(bound, env_for({}), templates())

    assert (result.matched, result.error, result.workflow) == (True, None, None)


def test_metadata_holds_only_x_headers_lower_cased_as_lists() -> None:
    headers = {
        "X-GitHub-Event": "push",
        "Authorization": "Bearer secret",
        "Content-Type": "application/json",
        "x-multi": ["a", "b"],
    }

    assert metadata_from_headers(headers) == {
        "x-github-event": ["push"],
        "x-multi": ["a", "b"],
    }


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        ("text", "text"),
        (None, "%!s(<nil>)"),
        (2.5, "%!s(float64=2.5)"),
        (3, "%!s(int=3)"),
        ([1.0, None, "a"], "[%!s(float64=1) <nil> a]"),
        ({"b": True, "a": "x"}, "map[a:x b:%!s(bool=true)]"),
    ],
)
def test_values_are_printed_as_go_prints_them_with_percent_s(
    value: Any, printed: str
) -> None:
    assert go_s(value) == printed

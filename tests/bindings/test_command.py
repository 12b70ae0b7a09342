"""`argo-trigger bindings test`, run in-process on real files and a stand-in."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from argo_trigger import errors
from argo_trigger.standin import Standin
from tests.bindings.helpers import ARGO, EXAMPLES, GITHUB_PUSH, WEBHOOK
from tests.conftest import CLI, EVENTS_TOKEN, READER_TOKEN

CI_BUILD_WORKFLOW: dict[str, Any] = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Workflow",
    "metadata": {
        "generateName": "ci-build-",
        "namespace": "argo",
        "labels": {
            "workflows.argoproj.io/workflow-template": "ci-build",
            "argo-trigger/event-id": "34dae56b8a8669b6eab1588c43250304",
            "workflows.argoproj.io/workflow-event-binding": "ci-build",
        },
    },
    "spec": {
        "workflowTemplateRef": {"name": "ci-build"},
        "arguments": {
            "parameters": [
                {"name": "sha", "value": "3f786850e387550fdab836ed7e6dc881de23001b"},
                {"name": "ref", "value": "refs/heads/main"},
                {"name": "environment", "value": "staging"},
            ]
        },
    },
}


def test_the_example_binding_matches_a_github_push_in_json(cli: CLI) -> None:
    result = cli(
        "bindings", "test", str(EXAMPLES), "-d", "ci",
        "--payload-file", str(GITHUB_PUSH), "-o", "json",
    )  # fmt: skip

    assert result.code == 0, result.err
    shown = result.json()
    assert shown["namespace"] == "argo"
    assert shown["discriminator"] == "ci"
    assert shown["payload"] == json.loads(GITHUB_PUSH.read_text())
    assert shown["bindings"] == [
        {
            "name": "ci-build",
            "matched": True,
            "error": None,
            "parameters": CI_BUILD_WORKFLOW["spec"]["arguments"]["parameters"],
            "workflow": CI_BUILD_WORKFLOW,
            "warnings": [],
        }
    ]


def test_no_match_exits_20_with_workflow_null(cli: CLI) -> None:
    result = cli(
        "bindings", "test", str(EXAMPLES), "-d", "deploy",
        "--payload-file", str(GITHUB_PUSH), "-o", "json",
    )  # fmt: skip

    assert result.code == errors.NO_BINDING_MATCHED == 20
    binding = result.json()["bindings"][0]
    assert (binding["matched"], binding["error"], binding["workflow"]) == (
        False,
        None,
        None,
    )


def test_a_failing_binding_exits_21_with_argos_error(cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(
        "kind: WorkflowEventBinding\nmetadata: {name: pr}\nspec:\n"
        "  event: {selector: 'payload.pull_request.number > 0'}\n"
        "  submit: {workflowTemplateRef: {name: ci-build}}\n"
    )

    result = cli(
        "bindings", "test", str(tmp_path), str(EXAMPLES), "-d", "ci",
        "--payload-file", str(GITHUB_PUSH), "-o", "json",
    )  # fmt: skip

    assert result.code == errors.BINDING_FAILED == 21
    by_name = {b["name"]: b for b in result.json()["bindings"]}
    assert by_name["pr"]["matched"] is False
    assert by_name["pr"]["workflow"] is None
    assert by_name["pr"]["error"] == (
        "failed to evaluate workflow template expression: unable to evaluate "
        "expression 'payload.pull_request.number > 0': invalid operation: "
        "<nil> > int (1:29)\n | payload.pull_request.number > 0\n"
        " | ............................^"
    )
    assert by_name["pr"]["warnings"][0].startswith(
        "selector: payload.pull_request.number is null on some events"
    )
    assert by_name["ci-build"]["matched"] is True


def test_the_path_filter_needs_a_file_under_subpath_a(cli: CLI, tmp_path: Path) -> None:
    args = ["bindings", "test", str(ARGO), "-d", "github-path-filter"]
    args += ["-H", "X-GitHub-Event: push", "-o", "json"]
    payload = json.loads(WEBHOOK.read_text())
    changed = copy.deepcopy(payload)
    changed["commits"][0]["added"].append("subpath/A/new.txt")
    (tmp_path / "changed.json").write_text(json.dumps(changed))

    before = cli(*args, "--payload-file", str(WEBHOOK))
    after = cli(*args, "--payload-file", str(tmp_path / "changed.json"))

    filtered = _by_name(before.json())["github-path-filter"]
    assert (filtered["matched"], filtered["workflow"]) == (False, None)
    filtered = _by_name(after.json())["github-path-filter"]
    assert filtered["matched"] is True
    assert filtered["parameters"] == [
        {"name": "files", "value": '[".github/no-response.yml","subpath/A/new.txt"]'}
    ]


def test_text_output_shows_the_workflow_and_warnings(cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text(
        "kind: WorkflowEventBinding\nmetadata: {name: deploy}\nspec:\n"
        "  event: {selector: 'true'}\n"
        "  submit:\n    workflowTemplateRef: {name: deploy}\n"
        "    arguments: {parameters: [{name: env, value: prod}]}\n"
    )

    result = cli("bindings", "test", str(tmp_path), "--payload-file", str(GITHUB_PUSH))

    assert result.code == 21
    assert result.out.splitlines() == [
        "namespace argo, discriminator (empty)",
        "",
        "deploy: FAILED (the server would answer 500)",
        '  error: malformed workflow template parameter "env": valueFrom is nil',
        '  warning: argument "env" has a plain value: the server rejects it '
        "(valueFrom is nil); write valueFrom.event: '\"prod\"'",
        "  warning: WorkflowTemplate deploy is not in the given files: the server "
        "fails this binding unless the template exists there",
        "",
        "1 bindings: 0 matched, 1 failed",
    ]


def test_a_binding_for_another_controller_instance_is_skipped(
    cli: CLI, tmp_path: Path
) -> None:
    (tmp_path / "b.yaml").write_text(
        "kind: WorkflowEventBinding\nmetadata:\n  name: blue\n  labels:\n"
        "    workflows.argoproj.io/controller-instanceid: blue\n"
        "spec: {event: {selector: 'true'}, submit: {workflowTemplateRef: {name: x}}}\n"
    )

    result = cli("bindings", "test", str(tmp_path), "-o", "json")

    assert result.code == 20
    assert result.json()["bindings"] == [
        {
            "name": "blue",
            "matched": False,
            "error": None,
            "parameters": [],
            "workflow": None,
            "warnings": [
                "labelled workflows.argoproj.io/controller-instanceid=blue: an "
                "Argo Server without that instance id skips it, and so does "
                "this test"
            ],
        }
    ]


def test_neither_paths_nor_from_server_is_a_usage_error(cli: CLI) -> None:
    result = cli("bindings", "test")

    assert result.code == 2
    assert result.err == (
        "argo-trigger: error: give the YAML files or folders that hold the "
        "bindings and their templates, or --from-server to read them from the "
        "Argo Server\n"
    )


def test_a_missing_path_is_one_line_on_stderr(cli: CLI, tmp_path: Path) -> None:
    result = cli("bindings", "test", str(tmp_path / "nope"))

    assert result.code == 2
    assert result.err == (
        f"argo-trigger: error: {tmp_path / 'nope'} does not exist; give YAML "
        "files or folders\n"
    )


def test_from_server_reads_bindings_and_templates(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.load_manifests([EXAMPLES])
    env = {**argo_env, "ARGO_TOKEN": EVENTS_TOKEN}

    result = cli(
        "bindings", "test", "--from-server", "-d", "ci",
        "--payload-file", str(GITHUB_PUSH), "-o", "json", env=env,
    )  # fmt: skip

    assert result.code == 0, result.err
    assert _by_name(result.json())["ci-build"]["workflow"] == CI_BUILD_WORKFLOW
    assert [r.path for r in argo.requests] == [
        "/api/v1/workflow-event-bindings/argo",
        "/api/v1/workflow-templates/argo/ci-build",
    ]


def test_from_server_without_list_rights_is_forbidden(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    env = {**argo_env, "ARGO_TOKEN": READER_TOKEN}

    result = cli("bindings", "test", "--from-server", env=env)

    assert result.code == 8
    assert READER_TOKEN not in result.err
    assert "workfloweventbindings: list in namespace argo" in result.err


def _by_name(shown: dict[str, Any]) -> dict[str, Any]:
    return {binding["name"]: binding for binding in shown["bindings"]}

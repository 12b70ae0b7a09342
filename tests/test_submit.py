"""`argo-trigger submit` and `argo-trigger info` against the stand-in server."""

from __future__ import annotations

from pathlib import Path

from argo_trigger.standin import Standin
from tests.conftest import CLI

TEMPLATE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "build", "namespace": "argo"},
    "spec": {
        "entrypoint": "main",
        "arguments": {"parameters": [{"name": "image", "value": "app:0"}]},
        "templates": [{"name": "main", "container": {"image": "busybox"}}],
    },
}

WORKFLOW_YAML = """\
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: hello-
spec:
  entrypoint: main
  arguments:
    parameters:
      - name: who
        value: world
  templates:
    - name: main
      container:
        image: busybox
"""

GITLAB_ENV = {
    "GITLAB_CI": "true",
    "CI_SERVER_URL": "https://gitlab.example.com",
    "CI_PROJECT_PATH": "group/app",
    "CI_PIPELINE_ID": "991",
    "CI_PIPELINE_IID": "7",
    "CI_PIPELINE_SOURCE": "push",
    "CI_COMMIT_SHA": "89abcdef0123456789abcdef0123456789abcdef",
    "CI_COMMIT_REF_NAME": "main",
    "CI_COMMIT_BRANCH": "main",
    "CI_JOB_NAME": "deploy",
}


def test_submit_from_a_template_passes_parameters_and_prints_the_name(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.add(TEMPLATE)
    result = cli(
        "submit",
        "--from",
        "workflowtemplate/build",
        "-p",
        "image=app:1.2",
        env={**argo_env, **GITLAB_ENV},
    )

    assert result.code == 0, result.err
    [workflow] = argo.workflows("argo")
    assert result.out.strip() == workflow["metadata"]["name"]
    assert workflow["metadata"]["name"].startswith("build-")
    body = argo.requests[-1]
    assert body.path == "/api/v1/workflows/argo/submit"
    parameters = workflow["spec"]["arguments"]["parameters"]
    assert {"name": "image", "value": "app:1.2"} in parameters


def test_submit_adds_label_safe_ci_labels_unless_told_not_to(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.add(TEMPLATE)
    env = {**argo_env, **GITLAB_ENV}
    cli("submit", "--from", "workflowtemplate/build", "-l", "team=pay", env=env)
    cli("submit", "--from", "workflowtemplate/build", "--no-ci-labels", env=env)

    labelled, plain = argo.workflows("argo")
    labels = labelled["metadata"]["labels"]
    assert labels["argo-trigger/ci-provider"] == "gitlab"
    assert labels["argo-trigger/ci-run-id"] == "991"
    assert labels["argo-trigger/git-sha"] == "89abcdef"
    assert labels["team"] == "pay"
    assert not any(k.startswith("argo-trigger/") for k in plain["metadata"]["labels"])


def test_submit_a_manifest_honours_generate_name_and_parameters(
    cli: CLI, argo: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    manifest = tmp_path / "wf.yaml"
    manifest.write_text(WORKFLOW_YAML)
    result = cli("submit", str(manifest), "-p", "who=ci", "-o", "json", env=argo_env)

    assert result.code == 0, result.err
    created = result.json()
    assert created["metadata"]["name"].startswith("hello-")
    assert len(created["metadata"]["name"]) == len("hello-") + 5
    assert created["spec"]["arguments"]["parameters"] == [
        {"name": "who", "value": "ci"}
    ]
    assert argo.requests[-1].path == "/api/v1/workflows/argo"


def test_submit_a_template_manifest_says_to_use_from(
    cli: CLI, argo_env: dict[str, str], tmp_path: Path
) -> None:
    manifest = tmp_path / "template.yaml"
    manifest.write_text("kind: WorkflowTemplate\nmetadata: {name: build}\n")
    result = cli("submit", str(manifest), env=argo_env)

    assert result.code == 2
    assert "--from workflowtemplate/NAME" in result.err


def test_server_dry_run_creates_nothing(
    cli: CLI, argo: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    manifest = tmp_path / "wf.yaml"
    manifest.write_text(WORKFLOW_YAML)
    result = cli("submit", str(manifest), "--server-dry-run", env=argo_env)

    assert result.code == 0, result.err
    assert argo.workflows("argo") == []


def test_a_name_clash_is_rejected_with_exit_10(
    cli: CLI, argo: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    manifest = tmp_path / "wf.yaml"
    manifest.write_text(WORKFLOW_YAML)
    assert cli("submit", str(manifest), "--name", "fixed", env=argo_env).code == 0
    again = cli("submit", str(manifest), "--name", "fixed", env=argo_env)

    assert again.code == 10
    assert "409" in again.err


def test_info_says_which_service_account_the_token_is(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("info", env=argo_env)

    assert result.code == 0, result.err
    assert "service account argo-server in namespace argo" in result.out
    assert argo.url in result.out


def test_info_json_has_the_three_answers(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    shown = cli("info", "-o", "json", env=argo_env).json()
    assert shown["version"]["version"]
    assert shown["userinfo"]["serviceAccountName"] == "argo-server"
    assert "info" in shown


def test_parameters_variable_holds_name_value_lines_that_flags_override(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.add(TEMPLATE)
    env = {**argo_env, "ARGO_TRIGGER_PARAMETERS": "image=app:2\n\nmode=fast\n"}
    result = cli("submit", "--from", "wftmpl/build", "-p", "mode=slow", env=env)

    assert result.code == 0, result.err
    [workflow] = argo.workflows("argo")
    parameters = workflow["spec"]["arguments"]["parameters"]
    assert {"name": "image", "value": "app:2"} in parameters
    assert {"name": "mode", "value": "slow"} in parameters

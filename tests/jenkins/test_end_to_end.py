"""The Jenkins steps for real: pipeline step, sh, run.sh, argo-trigger, server.

The sh stand-in runs what the step gives it with /bin/sh -xe, as Jenkins
does; argo-trigger is this checkout's, and the server is the stand-in Argo
Server with the example template and binding loaded. All cases share one
Groovy process and one server, started once for the module.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from tests.conftest import ADMIN_TOKEN, accounts
from tests.jenkins.harness import CLI, ROOT, calls, only, run_steps

EXAMPLES = ROOT / "examples"
PARAMS = {"environment": "prod", "note": 'it\'s "$HOME" `id` $(touch pwned)'}
BUILD = Script([Step("build", seconds=0.2, logs=["compiling shop"])])
RELEASE = Script(
    [
        Step("build", seconds=0.1, logs=["compiling shop"]),
        Step("test", phase="Failed", message="exit code 1"),
    ]
)


def deploy_binding() -> dict[str, Any]:
    """A binding like the example's, for events with the discriminator deploy."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowEventBinding",
        "metadata": {"name": "deploy", "namespace": "argo"},
        "spec": {
            "event": {"selector": 'discriminator == "deploy"'},
            "submit": {
                "workflowTemplateRef": {"name": "ci-build"},
                "metadata": {"labels": {"argo-trigger/event-id": "payload.id"}},
                "arguments": {
                    "parameters": [
                        {"name": "sha", "valueFrom": {"event": "payload.git.sha"}},
                        {"name": "ref", "valueFrom": {"event": "payload.git.ref"}},
                    ]
                },
            },
        },
    }


def release_template() -> dict[str, Any]:
    """A template with one step, which the RELEASE script makes fail."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowTemplate",
        "metadata": {"name": "release", "namespace": "argo"},
        "spec": {
            "entrypoint": "test",
            "templates": [{"name": "test", "container": {"image": "busybox:1.36"}}],
        },
    }


def submitted(argo: Standin) -> str:
    """Submit ci-build with argo-trigger itself; the workflow's name."""
    env = {
        "PATH": os.environ["PATH"],
        "ARGO_SERVER": argo.url,
        "ARGO_TOKEN": ADMIN_TOKEN,
    }
    command = [str(CLI), "-o", "json", "submit", "--from=workflowtemplate/ci-build"]
    parameters = ["-p", "sha=0123abcd", "-p", "ref=refs/heads/main"]
    completed = subprocess.run(
        [*command, *parameters],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    name: str = json.loads(completed.stdout)["metadata"]["name"]
    return name


@pytest.fixture(scope="module")
def argo() -> Iterator[Standin]:
    """The conftest server, for the whole module: one Groovy run uses it.

    Workflows from ci-build succeed; those from release fail in step test.
    """
    server = Standin(accounts=accounts())
    server.load_manifests([EXAMPLES])
    server.add(deploy_binding())
    server.add(release_template())
    server.lifecycle.add(BUILD, template="ci-build")
    server.lifecycle.add(RELEASE, template="release")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def records(argo: Standin, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp_path = tmp_path_factory.mktemp("jenkins-e2e")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    build = {
        "WORKSPACE": str(workspace),
        "JENKINS_URL": "https://jenkins.example.com/",
        "JOB_NAME": "shop/main",
        "BUILD_NUMBER": "42",
        "BUILD_URL": "https://jenkins.example.com/job/shop/job/main/42/",
        "BRANCH_NAME": "main",
        "GIT_BRANCH": "origin/main",
        "GIT_COMMIT": "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "GIT_URL": "https://git.example.com/acme/shop.git",
    }
    credentials = {"argo": ADMIN_TOKEN, "stale": "t0ken-revoked-000000000000"}

    def case(name: str, step: str, **options: Any) -> dict[str, Any]:
        options = {"server": argo.url, "executable": str(CLI), **options}
        return {
            "name": name,
            "step": step,
            "options": {k: v for k, v in options.items() if v is not None},
            "env": build,
            "credentials": credentials,
            "sh": "run",
        }

    cases = [
        case(
            "event",
            "argoEvent",
            credentialsId="argo",
            discriminator="ci",
            params=PARAMS,
        ),
        case(
            "submit",
            "argoSubmit",
            credentialsId="argo",
            template="ci-build",
            parameters={"sha": "0123abcd", "ref": "refs/tags/v1.2.0"},
        ),
        case("stale token", "argoEvent", credentialsId="stale", discriminator="ci"),
        case("missing template", "argoSubmit", credentialsId="argo", template="nope"),
        case(
            "installed",
            "argoEvent",
            credentialsId="argo",
            executable=None,
            install=str(ROOT),
        ),
        case(
            "installed again",
            "argoEvent",
            credentialsId="argo",
            executable=None,
            install=str(ROOT),
        ),
    ]
    cases += [
        case(
            "event and wait",
            "argoEvent",
            credentialsId="argo",
            discriminator="deploy",
            wait=True,
            log=True,
            timeout="2m",
        ),
        case(
            "submit and fail",
            "argoSubmit",
            credentialsId="argo",
            template="release",
            wait=True,
        ),
        case(
            "wait for a submitted workflow",
            "argoWait",
            credentialsId="argo",
            names=[submitted(argo)],
            timeout=120,
        ),
    ]
    results = run_steps(cases, tmp_path)
    assert not (workspace / "pwned").exists()
    return results


def workflow_names(argo: Standin) -> list[str]:
    return [w["metadata"]["name"] for w in argo.workflows("argo")]


def test_event_reaches_the_server(argo: Standin, records: dict[str, Any]) -> None:
    result = records["event"]["result"]
    [event] = [e for e in argo.events if e.payload["id"] == result["eventId"]]

    assert (event.namespace, event.discriminator) == ("argo", "ci")
    assert event.payload["id"] == result["eventId"]
    assert event.payload["params"] == PARAMS
    assert event.payload["ci"]["provider"] == "jenkins"
    assert event.payload["git"]["branch"] == "main"


def test_event_result_names_only_workflows_the_server_holds(
    argo: Standin, records: dict[str, Any]
) -> None:
    result = records["event"]["result"]
    names = result["workflowNames"]

    assert set(names) <= set(workflow_names(argo))
    assert result["workflowName"] == (names[0] if names else None)


def test_event_runs_the_shell_command_only(records: dict[str, Any]) -> None:
    sh = only(records["event"], "sh")
    call_dir = sh["env"]["ARGO_TRIGGER_CALL_DIR"]

    assert sh["status"] == 0
    assert sh["stdout"] == ""
    assert sh["stderr"] == f"+ sh {call_dir}/run.sh event\n"


def test_submit_creates_the_workflow(argo: Standin, records: dict[str, Any]) -> None:
    result = records["submit"]["result"]
    name = result["workflowName"]
    [workflow] = [w for w in argo.workflows("argo") if w["metadata"]["name"] == name]
    parameters = workflow["spec"]["arguments"]["parameters"]

    assert result["workflowNames"] == [name]
    assert result["workflowUrl"] == f"{argo.url}/workflows/argo/{name}"
    assert result["eventId"] is None
    assert {"name": "sha", "value": "0123abcd"} in parameters
    assert {"name": "ref", "value": "refs/tags/v1.2.0"} in parameters


def test_refused_token_fails_the_build(argo: Standin, records: dict[str, Any]) -> None:
    record = records["stale token"]

    assert record["error"].startswith("argo-trigger: error: ")
    assert "401" in record["error"]
    assert "t0ken-revoked" not in record["error"]
    assert [e.discriminator for e in argo.events].count("ci") == 1


def test_missing_template_fails_the_build(records: dict[str, Any]) -> None:
    record = records["missing template"]

    assert record["error"].startswith("argo-trigger: error: ")
    assert "nope" in record["error"]
    assert calls(record, "echo") == []


def test_install_puts_argo_trigger_in_a_virtualenv_beside_the_workspace(
    records: dict[str, Any],
) -> None:
    record = records["installed"]
    sh = only(record, "sh")
    home = sh["env"]["ARGO_TRIGGER_HOME"]
    installed = [p for p in Path(home).iterdir() if p.is_symlink()]

    assert sh["env"]["ARGO_TRIGGER_INSTALL"] == str(ROOT)
    assert f"argo-trigger: installing {ROOT} into {home}/venv-" in sh["stdout"]
    assert [p.name for p in installed] == [installed[0].resolve().name.split(".")[0]]
    assert record["result"]["eventId"]


def test_install_is_reused_by_later_calls(records: dict[str, Any]) -> None:
    sh = only(records["installed again"], "sh")

    assert "installing" not in sh["stdout"]
    assert records["installed again"]["result"]["eventId"]


def test_event_wait_follows_the_workflow_it_started(
    argo: Standin, records: dict[str, Any]
) -> None:
    result = records["event and wait"]["result"]
    [workflow] = [
        w
        for w in argo.workflows("argo")
        if w["metadata"]["labels"].get("argo-trigger/event-id") == result["eventId"]
    ]
    name = workflow["metadata"]["name"]

    assert workflow["status"]["phase"] == "Succeeded"
    assert result["workflowNames"] == [name]
    assert result["phase"] == "Succeeded"
    assert result["workflowUrl"] == f"{argo.url}/workflows/argo/{name}"


def test_event_wait_streams_the_logs_into_the_build_log(
    records: dict[str, Any],
) -> None:
    record = records["event and wait"]
    sh = only(record, "sh")
    echoed = [c["text"] for c in calls(record, "echo")]

    assert "build: compiling shop\n" in sh["stderr"]
    assert sh["stdout"] == ""
    assert echoed[-1].endswith(f"Succeeded {record['result']['workflowUrl']}")


def test_failed_workflow_fails_the_build_with_its_failed_step(
    argo: Standin, records: dict[str, Any]
) -> None:
    record = records["submit and fail"]
    [workflow] = [
        w
        for w in argo.workflows("argo")
        if w["spec"].get("workflowTemplateRef", {}).get("name") == "release"
    ]
    name = workflow["metadata"]["name"]

    assert record["error"] == (
        f"argo-trigger: workflow {name} Failed: exit code 1\n  test Failed: exit code 1"
    )
    assert "result" not in record


def test_wait_step_follows_a_submitted_workflow(
    argo: Standin, records: dict[str, Any]
) -> None:
    record = records["wait for a submitted workflow"]
    [name] = record["result"]["workflowNames"]
    [workflow] = [w for w in argo.workflows("argo") if w["metadata"]["name"] == name]

    assert workflow["status"]["phase"] == "Succeeded"
    assert record["result"]["phase"] == "Succeeded"
    assert record["result"]["workflowUrl"] == f"{argo.url}/workflows/argo/{name}"
    assert only(record, "sh")["status"] == 0

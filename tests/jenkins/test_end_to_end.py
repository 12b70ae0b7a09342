"""The Jenkins steps for real: pipeline step, sh, run.sh, argo-trigger, server.

The sh stand-in runs what the step gives it with /bin/sh -xe, as Jenkins
does; argo-trigger is this checkout's, and the server is the stand-in Argo
Server with the example template and binding loaded. All cases share one
Groovy process and one server, started once for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, accounts
from tests.jenkins.harness import CLI, ROOT, calls, only, run_steps

EXAMPLES = ROOT / "examples"
PARAMS = {"environment": "prod", "note": 'it\'s "$HOME" `id` $(touch pwned)'}


@pytest.fixture(scope="module")
def argo() -> Iterator[Standin]:
    """The conftest server, for the whole module: one Groovy run uses it."""
    server = Standin(accounts=accounts())
    server.load_manifests([EXAMPLES])
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

"""The GitHub Action, run as GitHub runs it, against the stand-in Argo Server.

Each test runs the repository's own action.yml with the runner in runner.py,
in a recorded GitHub job environment from tests/fixtures/ci/github/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from argo_trigger.standin import Standin
from tests.action.conftest import GITHUB_FIXTURES, ROOT, VENV_NAME, RunAction
from tests.action.runner import ActionRun
from tests.conftest import ADMIN_TOKEN

PARAMS = "image: registry.example.com/widgets:2.3.1\nenvironment: staging\n"
OUTPUTS = {"event-id", "workflow-name", "workflow-names", "phase", "workflow-url"}


def event_inputs(argo: Standin, **more: str) -> dict[str, str]:
    """Inputs that send the recorded payloads' event to the stand-in."""
    return {
        "argo-server": argo.url,
        "argo-token": ADMIN_TOKEN,
        "discriminator": "ci",
        "params": PARAMS,
        **more,
    }


def expected_payload(case: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(
        (GITHUB_FIXTURES / f"{case}.payload.json").read_text("utf-8")
    )
    return payload


def without_time(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != "time"}


def everything_shown(run: ActionRun, temp: Path) -> str:
    """Every text the run produced: log, outputs, annotations, summary, files.

    The raw output is included without the `::add-mask::` lines, which carry
    the secret to the runner by design.
    """
    raw = "\n".join(
        line for line in run.raw.splitlines() if not line.startswith("::add-mask::")
    )
    texts = [run.log, raw, run.summary, json.dumps(run.outputs)]
    texts += [a.message for a in run.annotations]
    for path in temp.rglob("*"):
        if VENV_NAME in path.relative_to(temp).parts[:1] or not path.is_file():
            continue
        texts.append(path.read_text("utf-8", errors="replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("case", ["push", "tag", "pull_request", "workflow_dispatch"])
def test_the_event_carries_the_recorded_jobs_payload(
    action: RunAction, argo: Standin, case: str
) -> None:
    run = action(case, event_inputs(argo))

    assert run.outcome == "success", run.log
    [event] = argo.events
    assert (event.namespace, event.discriminator) == ("argo", "ci")
    assert without_time(event.payload) == without_time(expected_payload(case))


def test_the_event_id_output_is_the_payloads_id(
    action: RunAction, argo: Standin
) -> None:
    run = action("push", event_inputs(argo))

    [event] = argo.events
    assert set(run.outputs) == OUTPUTS
    assert run.outputs["event-id"] == event.payload["id"]
    assert run.outputs["workflow-names"] == "[]"


def test_the_step_summary_names_the_event(action: RunAction, argo: Standin) -> None:
    run = action("push", event_inputs(argo))

    assert run.outputs["event-id"]
    assert f"Event `{run.outputs['event-id']}`" in run.summary
    assert "namespace `argo`" in run.summary


def test_the_job_env_configures_the_server_when_inputs_are_empty(
    action: RunAction, argo: Standin
) -> None:
    job_env = {"ARGO_SERVER": argo.url, "ARGO_TOKEN": f"Bearer {ADMIN_TOKEN}"}

    run = action("push", {"discriminator": "ci"}, job_env=job_env)

    assert run.outcome == "success", run.log
    assert len(argo.events) == 1


def test_inputs_win_over_the_recorded_jobs_argo_variables(
    action: RunAction, argo: Standin
) -> None:
    # push.env sets ARGO_SERVER to argo.example.com, which cannot answer here.
    run = action("push", event_inputs(argo))

    assert run.outcome == "success", run.log
    assert len(argo.events) == 1


def test_the_token_appears_in_no_output_or_file(
    action: RunAction, argo: Standin, tmp_path: Path
) -> None:
    run = action("push", event_inputs(argo, **{"argo-token": f"Bearer {ADMIN_TOKEN}"}))

    assert run.outcome == "success", run.log
    assert ADMIN_TOKEN in run.masks
    assert ADMIN_TOKEN not in everything_shown(run, tmp_path / "runner-temp")
    assert argo.events[0].headers.get("authorization") is None


def test_a_rejected_token_fails_the_step_with_an_error_annotation(
    action: RunAction, argo: Standin, tmp_path: Path
) -> None:
    bad = "not-the-token-5f4e3d2c1b0a"

    run = action("push", event_inputs(argo, **{"argo-token": bad}))

    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 7
    [message] = run.errors()
    assert message.startswith("401 from the Argo Server on POST ")
    assert "set ARGO_TOKEN" in message
    assert bad not in everything_shown(run, tmp_path / "runner-temp")
    assert argo.events == []


def test_a_failed_dispatch_fails_the_step_with_the_servers_reason(
    action: RunAction, argo: Standin
) -> None:
    argo.inject(
        r"^/api/v1/events/",
        status=500,
        body={"code": 13, "message": "failed to dispatch event: [no template x]"},
    )

    run = action("push", event_inputs(argo))

    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 11
    [message] = run.errors()
    assert message.startswith("the Argo Server could not dispatch the event: ")
    assert "no template x" in message
    assert run.outputs["event-id"] == ""


def test_no_server_anywhere_is_a_configuration_error(action: RunAction) -> None:
    run = action("push", {"argo-token": ADMIN_TOKEN}, job_env={})

    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 3
    [message] = run.errors()
    assert message.startswith("no Argo Server configured: set ARGO_SERVER")


def test_workflow_template_submits_instead_of_sending_an_event(
    action: RunAction, argo: Standin
) -> None:
    argo.load_manifests([ROOT / "examples" / "ci-build-workflowtemplate.yaml"])

    run = action(
        "tag",
        {
            "argo-server": argo.url,
            "argo-token": ADMIN_TOKEN,
            "workflow-template": "ci-build",
            "parameters": "sha=3f786850\nref=refs/tags/v2.3.1\n",
        },
    )

    assert run.outcome == "success", run.log
    assert argo.events == []
    [workflow] = argo.workflows("argo")
    name = workflow["metadata"]["name"]
    assert workflow["spec"]["workflowTemplateRef"]["name"] == "ci-build"
    parameters = {
        p["name"]: p.get("value") for p in workflow["spec"]["arguments"]["parameters"]
    }
    assert parameters["sha"] == "3f786850"
    assert parameters["ref"] == "refs/tags/v2.3.1"
    assert run.outputs["workflow-name"] == name
    assert json.loads(run.outputs["workflow-names"]) == [name]
    assert run.outputs["workflow-url"].endswith(f"/workflows/argo/{name}")


def test_workflow_file_creates_the_manifests_workflow(
    action: RunAction, argo: Standin, tmp_path: Path
) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "hello.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\n"
        "kind: Workflow\n"
        "metadata:\n  generateName: hello-\n"
        "spec:\n  entrypoint: main\n"
        "  templates:\n  - name: main\n    container:\n      image: busybox\n",
        encoding="utf-8",
    )

    run = action(
        "push",
        {
            "argo-server": argo.url,
            "argo-token": ADMIN_TOKEN,
            "workflow-file": "hello.yaml",
        },
    )

    assert run.outcome == "success", run.log
    [workflow] = argo.workflows("argo")
    assert workflow["metadata"]["name"].startswith("hello-")
    assert run.outputs["workflow-name"] == workflow["metadata"]["name"]


def test_native_payload_sends_githubs_own_event(
    action: RunAction, argo: Standin
) -> None:
    run = action(
        "push",
        {"argo-server": argo.url, "argo-token": ADMIN_TOKEN, "native-payload": "True"},
    )

    assert run.outcome == "success", run.log
    [event] = argo.events
    recorded = json.loads((GITHUB_FIXTURES / "push.event.json").read_text("utf-8"))
    assert event.payload == recorded
    assert event.headers["x-github-event"] == ["push"]


def test_an_uninstallable_spec_fails_with_an_annotation(
    action: RunAction, tmp_path: Path
) -> None:
    run = action("push", {"install": str(tmp_path / "no-such-checkout")})

    assert run.outcome == "failure"
    assert run.errors() == [
        "pip could not install the install input; its error is in the log above"
    ]
    assert [step.outcome for step in run.steps] == ["success", "failure", "skipped"]

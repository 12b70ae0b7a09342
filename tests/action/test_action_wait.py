"""The action's `wait`, `log`, `timeout` and `on-abort` inputs, run as GitHub
runs them, against the stand-in loaded with the repository's examples.

The examples' binding labels each workflow with the event id, so the step
finds the workflow its event created; the stand-in runs every ci-build
workflow through the script a test gives it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from tests.action.conftest import ROOT, RunAction
from tests.action.test_action import event_inputs, everything_shown
from tests.conftest import ADMIN_TOKEN

EXAMPLES = ROOT / "examples"


@pytest.fixture
def ci_build(argo: Standin) -> Standin:
    """The stand-in with the examples' ci-build binding and template."""
    argo.load_manifests([EXAMPLES])
    return argo


def runs(argo: Standin, *steps: Step, hold: bool = False) -> None:
    """Make every ci-build workflow run `steps`."""
    argo.lifecycle.add(Script(list(steps), hold=hold), template="ci-build")


def only_workflow(argo: Standin) -> dict[str, Any]:
    [workflow] = argo.workflows("argo")
    return workflow


def submit_inputs(argo: Standin, **more: str) -> dict[str, str]:
    """Inputs that submit the ci-build template to the stand-in."""
    return {
        "argo-server": argo.url,
        "argo-token": ADMIN_TOKEN,
        "workflow-template": "ci-build",
        "parameters": "sha=3f786850\nref=refs/tags/v2.3.1\n",
        **more,
    }


def test_event_and_wait_outputs_the_workflow_the_event_started(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("build", seconds=0.2))

    run = action("push", event_inputs(ci_build, wait="true"))

    assert run.outcome == "success", run.log
    workflow = only_workflow(ci_build)
    name = workflow["metadata"]["name"]
    assert run.outputs["workflow-name"] == name
    assert json.loads(run.outputs["workflow-names"]) == [name]
    assert run.outputs["phase"] == "Succeeded"
    assert run.outputs["workflow-url"] == f"{ci_build.url}/workflows/argo/{name}"
    assert run.outputs["event-id"] == ci_build.events[0].payload["id"]


def test_the_summary_lists_the_workflow_it_waited_for(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("build", seconds=0.2))

    run = action("push", event_inputs(ci_build, wait="true"))

    name = run.outputs["workflow-name"]
    assert name
    assert name in run.summary
    assert "Succeeded" in run.summary
    assert f"/workflows/argo/{name}" in run.summary


def test_a_failed_workflow_fails_the_step_with_30_naming_the_failed_step(
    action: RunAction, ci_build: Standin
) -> None:
    runs(
        ci_build,
        Step("build", seconds=0.1),
        Step("unit-tests", phase="Failed", message="exit code 1"),
    )

    run = action("push", event_inputs(ci_build, wait="true"))

    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 30
    assert run.outputs["phase"] == "Failed"
    [annotation] = run.annotations
    assert annotation.level == "error"
    assert annotation.properties["title"].endswith(": Failed")
    assert "unit-tests: exit code 1" in annotation.message.splitlines()


def test_a_workflow_in_error_fails_the_step_with_31(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("build", phase="Error", message="pod deleted"))

    run = action("push", event_inputs(ci_build, wait="true"))

    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 31
    assert any("pod deleted" in message for message in run.errors())


def test_submit_and_wait_outputs_the_succeeded_workflow(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("build", seconds=0.2))

    run = action("tag", submit_inputs(ci_build, wait="true"))

    assert run.outcome == "success", run.log
    assert ci_build.events == []
    name = only_workflow(ci_build)["metadata"]["name"]
    assert run.outputs["workflow-name"] == name
    assert run.outputs["phase"] == "Succeeded"


def test_log_lines_appear_in_the_step_log_prefixed_with_their_step(
    action: RunAction, ci_build: Standin
) -> None:
    runs(
        ci_build,
        Step("build", seconds=0.1, logs=["compiling", "linking"]),
        Step("unit-tests", logs=["42 passed"]),
    )

    run = action("push", event_inputs(ci_build, wait="true", log="true"))

    assert run.outcome == "success", run.log
    lines = run.log.splitlines()
    expected = ["build: compiling", "build: linking", "unit-tests: 42 passed"]
    assert [line for line in lines if line in expected] == expected


def test_without_log_the_workflows_lines_stay_out_of_the_step_log(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("build", logs=["compiling"]))

    run = action("push", event_inputs(ci_build, wait="true"))

    assert run.outcome == "success", run.log
    assert "compiling" not in run.log


def test_the_token_stays_out_of_everything_a_waiting_step_shows(
    action: RunAction, ci_build: Standin, tmp_path: Path
) -> None:
    runs(ci_build, Step("build", logs=["compiling"]))
    inputs = event_inputs(ci_build, wait="true", log="true")

    run = action("push", {**inputs, "argo-token": f"Bearer {ADMIN_TOKEN}"})

    assert run.outcome == "success", run.log
    assert ADMIN_TOKEN not in everything_shown(run, tmp_path / "runner-temp")


@pytest.mark.parametrize("on_abort", ["stop", "terminate"])
def test_at_the_timeout_on_abort_ends_the_workflow_and_the_step_exits_32(
    action: RunAction, ci_build: Standin, on_abort: str
) -> None:
    runs(ci_build, Step("forever", hold=True))
    inputs = {"wait": "true", "timeout": "0.5", "on-abort": on_abort}

    run = action("push", event_inputs(ci_build, **inputs))

    workflow = only_workflow(ci_build)
    name = workflow["metadata"]["name"]
    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 32
    assert ("PUT", f"/api/v1/workflows/argo/{name}/{on_abort}") in [
        (r.method, r.path) for r in ci_build.requests
    ]
    assert workflow["spec"]["shutdown"] == on_abort.capitalize()
    assert run.outputs["workflow-name"] == name


def test_at_the_timeout_leave_is_the_default_and_touches_nothing(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("forever", hold=True))

    run = action("push", event_inputs(ci_build, wait="true", timeout="0.5"))

    assert run.steps[-1].exit_code == 32
    assert [r for r in ci_build.requests if r.method == "PUT"] == []
    assert "shutdown" not in only_workflow(ci_build)["spec"]


def test_an_event_that_starts_nothing_exits_33_after_discover_timeout(
    action: RunAction, ci_build: Standin
) -> None:
    # The example binding does not fire for pull requests.
    inputs = {"wait": "true", "discover-timeout": "0.5"}

    run = action("pull_request", event_inputs(ci_build, **inputs))

    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 33
    assert ci_build.workflows("argo") == []
    assert len(run.errors()) == 1


def test_wait_and_on_abort_left_at_their_defaults_defer_to_the_jobs_variables(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("forever", hold=True))
    job_env = {
        "ARGO_SERVER": ci_build.url,
        "ARGO_TOKEN": ADMIN_TOKEN,
        "ARGO_TRIGGER_WAIT": "true",
        "ARGO_TRIGGER_TIMEOUT": "0.5",
        "ARGO_TRIGGER_ON_ABORT": "stop",
    }

    run = action("push", {"discriminator": "ci"}, job_env=job_env)

    assert run.steps[-1].exit_code == 32
    assert only_workflow(ci_build)["spec"]["shutdown"] == "Stop"


def test_an_on_abort_input_wins_over_the_jobs_variable(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("forever", hold=True))
    job_env = {"ARGO_TRIGGER_ON_ABORT": "stop"}
    inputs = {"wait": "true", "timeout": "0.5", "on-abort": "terminate"}

    run = action("push", event_inputs(ci_build, **inputs), job_env=job_env)

    assert run.steps[-1].exit_code == 32
    spec = only_workflow(ci_build)["spec"]
    assert spec["shutdown"] == "Terminate"


def test_without_wait_the_step_does_not_wait_for_the_workflow(
    action: RunAction, ci_build: Standin
) -> None:
    runs(ci_build, Step("forever", hold=True))

    run = action("push", event_inputs(ci_build, timeout="0.5"))

    assert run.outcome == "success", run.log
    assert len(ci_build.workflows("argo")) == 1
    assert run.outputs["workflow-names"] == "[]"


def test_a_malformed_request_timeout_is_a_one_line_usage_error(
    action: RunAction, argo: Standin
) -> None:
    run = action("push", event_inputs(argo, **{"request-timeout": "soon"}))

    assert run.outcome == "failure"
    assert run.steps[-1].exit_code == 2
    [message] = run.errors()
    assert "ARGO_TRIGGER_REQUEST_TIMEOUT" in message
    assert "Traceback" not in run.log
    assert argo.events == []

"""Waiting for the workflows: the wait, log, timeout and on-abort inputs.

The stand-in loads the repository's examples, whose ci-build binding labels
its workflow with the event id, and runs a script for every workflow made
from the ci-build template, as a controller would run its pods.
"""

from __future__ import annotations

import re

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from argo_trigger.standin.store import Object
from tests.conftest import ADMIN_TOKEN

from .conftest import Pipeline, Run, classic_template, component

SUCCEEDS = Script(
    [
        Step("build", seconds=0.2, logs=["compiling app", "linking app"]),
        Step("test", logs=["42 tests passed"]),
    ]
)
FAILS = Script(
    [
        Step("build", logs=["compiling app"]),
        Step("test", phase="Failed", message="exit code 1"),
    ]
)
HOLDS = Script([Step("deploy", hold=True)])


def waiting(argo: Standin, **extra: object) -> dict[str, object]:
    """Inputs for a job that sends a ci event and waits for its workflow."""
    return {
        "argo-server": argo.url,
        "discriminator": "ci",
        "install": "",
        "wait": True,
        **extra,
    }


def phase_reader(needs: str = "argo-trigger") -> dict[str, object]:
    """A later job that prints the workflow the dotenv report handed it."""
    return {
        "stage": ".post",
        "needs": [needs],
        "script": ['echo "seen $ARGO_WORKFLOW_NAME $ARGO_WORKFLOW_PHASE"'],
    }


def exit_code(run: Run, job: str = "argo-trigger") -> int | None:
    """The exit code gitlab-ci-local reports for a failed job."""
    found = re.search(rf"^{re.escape(job)} finished in .* FAIL (\d+)", run.output, re.M)
    return int(found[1]) if found else None


def only_workflow(argo: Standin) -> Object:
    workflows = argo.workflows("argo")
    assert len(workflows) == 1, [w["metadata"]["name"] for w in workflows]
    return workflows[0]


def test_wait_hands_the_workflow_its_phase_and_link_to_later_jobs(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    config = {
        "include": [component(waiting(argo_ci))],
        "reader": phase_reader(),
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    workflow = only_workflow(argo_ci)
    name = workflow["metadata"]["name"]
    report = run.dotenv()
    assert report["ARGO_WORKFLOW_NAME"] == name
    assert report["ARGO_WORKFLOW_NAMES"] == name
    assert report["ARGO_WORKFLOW_PHASE"] == "Succeeded"
    assert report["ARGO_WORKFLOW_URL"] == f"{argo_ci.url}/workflows/argo/{name}"
    assert f"seen {name} Succeeded" in run.output


def test_a_failed_workflow_fails_the_job_with_exit_30_and_the_failed_step(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    argo_ci.lifecycle.add(FAILS, template="ci-build")
    config = {
        "include": [component(waiting(argo_ci))],
        "reader": phase_reader(),
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code != 0
    assert exit_code(run) == 30, run.output
    name = only_workflow(argo_ci)["metadata"]["name"]
    assert f"argo-trigger > argo-trigger: workflow {name} Failed" in run.output
    assert "argo-trigger >   test Failed: exit code 1" in run.output
    assert run.dotenv()["ARGO_WORKFLOW_PHASE"] == "Failed"
    assert "seen " not in run.output


def test_log_streams_each_step_log_into_the_job_log(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    config = {"include": [component(waiting(argo_ci, log=True))]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    for line in ("build: compiling app", "build: linking app", "test: 42 tests passed"):
        assert f"argo-trigger > {line}" in run.output
    assert "build: compiling app" in run.job_logs()


def test_without_log_the_job_log_has_no_step_output(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    config = {"include": [component(waiting(argo_ci))]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    assert "compiling app" not in run.output


def test_at_the_timeout_on_abort_stop_stops_the_workflow_and_exits_32(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    argo_ci.lifecycle.add(HOLDS, template="ci-build")
    extra = {"timeout": "1s", "on-abort": "stop"}
    config = {"include": [component(waiting(argo_ci, **extra))]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert exit_code(run) == 32, run.output
    workflow = only_workflow(argo_ci)
    assert workflow["spec"]["shutdown"] == "Stop"


def test_an_on_abort_outside_its_options_is_refused_before_any_job_runs(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    config = {"include": [component(waiting(argo_ci, **{"on-abort": "delete"}))]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code != 0
    assert "`on-abort` input: `delete` cannot be used" in run.output
    assert argo_ci.events == []


def test_discover_timeout_bounds_the_search_for_a_workflow_no_binding_made(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    extra = {"discriminator": "nothing-binds-this", "discover-timeout": "1s"}
    config = {"include": [component(waiting(argo_ci, **extra))]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert exit_code(run) == 33, run.output
    assert len(argo_ci.events) == 1
    assert argo_ci.workflows("argo") == []


def test_wait_follows_a_submitted_template_to_its_end(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    extra = {"workflow-template": "ci-build", "parameters": "sha=abc\nref=main"}
    config = {"include": [component(waiting(argo_ci, **extra))]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    assert argo_ci.events == []
    name = only_workflow(argo_ci)["metadata"]["name"]
    assert run.dotenv()["ARGO_WORKFLOW_NAME"] == name
    assert run.dotenv()["ARGO_WORKFLOW_PHASE"] == "Succeeded"


def test_the_classic_template_waits_and_logs_through_its_variables(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    argo_ci.lifecycle.add(FAILS, template="ci-build")
    config = {
        "include": [classic_template()],
        "trigger-argo": {
            "extends": ".argo-trigger",
            "variables": {
                "ARGO_SERVER": argo_ci.url,
                "ARGO_TRIGGER_DISCRIMINATOR": "ci",
                "ARGO_TRIGGER_WAIT": "true",
                "ARGO_TRIGGER_LOG": "true",
                "ARGO_TRIGGER_TIMEOUT": "5m",
                "ARGO_TRIGGER_INSTALL": "",
            },
        },
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert exit_code(run, "trigger-argo") == 30, run.output
    assert "trigger-argo > build: compiling app" in run.output
    assert "trigger-argo >   test Failed: exit code 1" in run.output
    assert run.dotenv()["ARGO_WORKFLOW_PHASE"] == "Failed"


def test_the_classic_template_passes_the_request_timeout_to_argo_trigger(
    pipeline: Pipeline, argo_ci: Standin
) -> None:
    config = {
        "include": [classic_template()],
        "trigger-argo": {
            "extends": ".argo-trigger",
            "variables": {
                "ARGO_SERVER": argo_ci.url,
                "ARGO_TRIGGER_REQUEST_TIMEOUT": "soon",
                "ARGO_TRIGGER_INSTALL": "",
            },
        },
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert exit_code(run, "trigger-argo") == 2, run.output
    assert "ARGO_TRIGGER_REQUEST_TIMEOUT 'soon' is not a duration" in run.output
    assert argo_ci.events == []

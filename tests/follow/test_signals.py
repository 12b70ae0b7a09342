"""A cancelled CI job: SIGTERM or SIGINT while waiting, run as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from tests.follow.conftest import requested

COMMAND = (
    sys.executable,
    "-m",
    "argo_trigger",
    "submit",
    "--from",
    "workflowtemplate/build",
    "--no-ci-labels",
    "--wait",
)


def start(argo_env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, **argo_env}
    return subprocess.Popen(
        [*COMMAND, *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_watching(srv: Standin, process: subprocess.Popen[str]) -> None:
    watching = requested(r"/workflow-events/")
    # A bound on a hung child, not a measurement: the test fails rather than hang.
    give_up = time.monotonic() + 60
    while not watching(srv):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < give_up, "the command never opened the watch"
        time.sleep(0.02)


@pytest.mark.parametrize(
    ("sent", "code", "action"),
    [(signal.SIGTERM, 143, "terminate"), (signal.SIGINT, 130, "stop")],
)
def test_a_signal_applies_on_abort_and_exits_with_its_code(
    srv: Standin, argo_env: dict[str, str], sent: int, code: int, action: str
) -> None:
    srv.lifecycle.add(Script([Step("forever", hold=True)]))
    process = start(argo_env, "--on-abort", action)
    wait_until_watching(srv, process)

    process.send_signal(sent)
    out, err = process.communicate(timeout=60)

    workflow = srv.workflows("argo")[0]
    name = workflow["metadata"]["name"]
    assert process.returncode == code, err
    assert out.splitlines() == [name]
    assert f"argo-trigger: asked the server to {action} workflow {name}" in err
    assert "Traceback" not in err
    assert workflow["spec"]["shutdown"] == action.capitalize()


def test_sigterm_with_leave_leaves_the_workflow_running(
    srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("forever", hold=True)]))
    process = start(argo_env)
    wait_until_watching(srv, process)

    process.terminate()
    _, err = process.communicate(timeout=60)

    assert process.returncode == 143
    assert err.splitlines()[-1] == (
        "argo-trigger: error: terminated (SIGTERM) while waiting for the workflows"
    )
    assert srv.workflows("argo")[0]["status"]["phase"] == "Running"

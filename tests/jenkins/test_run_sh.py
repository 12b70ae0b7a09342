"""The library's shell resource, run.sh, on its own: real sh, real argo-trigger.

The steps hand run.sh every value in the environment; these tests give it
the values a step would and check what reaches the stand-in Argo Server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from tests.conftest import ADMIN_TOKEN
from tests.jenkins.harness import CLI, ROOT, RUN_SH


@pytest.fixture
def call_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "call"
    folder.mkdir()
    return folder


def run(command: str, call_dir: Path, **env: str) -> int:
    """Run run.sh as the step does; its exit status."""
    base = {
        "PATH": os.environ["PATH"],
        "ARGO_TRIGGER_CALL_DIR": str(call_dir),
        "ARGO_TRIGGER_HOME": str(call_dir.parent / "home"),
    }
    completed = subprocess.run(
        ["/bin/sh", str(RUN_SH), command],
        env={**base, **env},
        cwd=call_dir.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.returncode


def connected(argo: Standin) -> dict[str, str]:
    return {
        "ARGO_SERVER": argo.url,
        "ARGO_TOKEN": ADMIN_TOKEN,
        "ARGO_TRIGGER_EXECUTABLE": str(CLI),
    }


def test_values_starting_with_a_dash_stay_values(argo: Standin, call_dir: Path) -> None:
    status = run(
        "event",
        call_dir,
        ARGO_TRIGGER_DISCRIMINATOR="-d",
        ARGO_TRIGGER_PARAMS='{"flag": "--debug"}',
        **connected(argo),
    )
    [event] = argo.events

    assert status == 0
    assert event.discriminator == "-d"
    assert event.payload["params"] == {"flag": "--debug"}


def test_results_are_left_in_the_call_folder(argo: Standin, call_dir: Path) -> None:
    run("event", call_dir, **connected(argo))
    [event] = argo.events

    assert f'"event_id": "{event.payload["id"]}"' in (call_dir / "stdout").read_text()
    assert (call_dir / "stderr").read_text() == ""
    assert f"ARGO_EVENT_ID={event.payload['id']}\n" in (
        (call_dir / "result.env").read_text()
    )


def test_parameters_are_split_at_the_first_equals_sign(
    argo: Standin, call_dir: Path
) -> None:
    argo.load_manifests([ROOT / "examples"])
    status = run(
        "submit",
        call_dir,
        ARGO_TRIGGER_TEMPLATE="ci-build",
        ARGO_TRIGGER_PARAMETERS="sha=0123abcd\nref=a=b $HOME",
        **connected(argo),
    )
    [workflow] = argo.workflows("argo")
    parameters = workflow["spec"]["arguments"]["parameters"]

    assert status == 0
    assert {"name": "sha", "value": "0123abcd"} in parameters
    assert {"name": "ref", "value": "a=b $HOME"} in parameters


def test_argo_trigger_status_is_passed_on(argo: Standin, call_dir: Path) -> None:
    status = run(
        "submit",
        call_dir,
        ARGO_TRIGGER_TEMPLATE="workflowtemplate/absent",
        **connected(argo),
    )

    assert status == 9
    assert "absent" in (call_dir / "stderr").read_text()


def test_a_missing_executable_is_named(call_dir: Path) -> None:
    status = run("event", call_dir, ARGO_TRIGGER_EXECUTABLE="/opt/nowhere/argo-trigger")

    assert status == 1
    assert (call_dir / "stderr").read_text() == (
        "argo-trigger: error: executable '/opt/nowhere/argo-trigger' is not a "
        "program on this agent; give the path of an installed argo-trigger, "
        "or leave executable out\n"
    )


def test_install_without_python_says_what_to_do(call_dir: Path, tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("cksum", "cut", "mkdir", "mktemp"):
        found = subprocess.run(
            ["/bin/sh", "-c", f"command -v {tool}"],
            capture_output=True,
            text=True,
            check=True,
        )
        (tools / tool).symlink_to(found.stdout.strip())

    status = run(
        "event",
        call_dir,
        PATH=str(tools),
        ARGO_TRIGGER_INSTALL="argo-trigger==0.1.0",
    )

    assert status == 1
    assert (call_dir / "stderr").read_text() == (
        "argo-trigger: error: python3 is not on this agent's PATH: install "
        "Python 3.10 or later, or give the step the executable of an installed "
        "argo-trigger\n"
    )


def submit_build(argo: Standin, call_dir: Path) -> str:
    """Submit the example ci-build through run.sh; the workflow's name."""
    argo.load_manifests([ROOT / "examples"])
    call_dir.mkdir()
    status = run(
        "submit",
        call_dir,
        ARGO_TRIGGER_TEMPLATE="ci-build",
        ARGO_TRIGGER_PARAMETERS="sha=0123abcd\nref=refs/heads/main",
        **connected(argo),
    )
    assert status == 0
    name: str = json.loads((call_dir / "stdout").read_text())["metadata"]["name"]
    return name


def test_wait_gives_every_name_as_a_name(
    argo: Standin, call_dir: Path, tmp_path: Path
) -> None:
    argo.lifecycle.add(Script([Step("build")]), template="ci-build")
    name = submit_build(argo, tmp_path / "submit")
    status = run(
        "wait",
        call_dir,
        ARGO_TRIGGER_NAMES=f"{name}\n--help",
        **connected(argo),
    )

    assert status == 33
    assert "--help not found" in (call_dir / "stderr").read_text()


def test_live_run_shows_the_logs_and_keeps_them(
    argo: Standin, call_dir: Path, tmp_path: Path
) -> None:
    script = Script([Step("build", logs=["compiling"]), Step("test", phase="Failed")])
    argo.lifecycle.add(script, template="ci-build")
    name = submit_build(argo, tmp_path / "submit")
    completed = subprocess.run(
        ["/bin/sh", str(RUN_SH), "wait"],
        env={
            "PATH": os.environ["PATH"],
            "ARGO_TRIGGER_CALL_DIR": str(call_dir),
            "ARGO_TRIGGER_HOME": str(tmp_path / "home"),
            "ARGO_TRIGGER_NAMES": name,
            "ARGO_TRIGGER_LOG": "true",
            "ARGO_TRIGGER_LIVE": "true",
            **connected(argo),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    [outcome] = json.loads((call_dir / "stdout").read_text())["workflows"]

    assert completed.returncode == 30
    assert "build: compiling\n" in completed.stderr
    assert (call_dir / "stderr").read_text() == completed.stderr
    assert outcome["failed_nodes"][0]["name"] == "test"


def test_aborted_build_lets_argo_trigger_terminate_the_workflow(
    argo: Standin, call_dir: Path, tmp_path: Path
) -> None:
    argo.lifecycle.add(Script([Step("build", hold=True)]), template="ci-build")
    name = submit_build(argo, tmp_path / "submit")
    env = {
        "PATH": os.environ["PATH"],
        "ARGO_TRIGGER_CALL_DIR": str(call_dir),
        "ARGO_TRIGGER_HOME": str(tmp_path / "home"),
        "ARGO_TRIGGER_NAMES": name,
        "ARGO_TRIGGER_ON_ABORT": "terminate",
        "ARGO_TRIGGER_LIVE": "true",
        **connected(argo),
    }
    step = subprocess.Popen(
        ["/bin/sh", str(RUN_SH), "wait"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    errors = call_dir / "stderr"
    try:
        waited = until(
            lambda: errors.is_file() and "running: build" in errors.read_text()
        )
        # As Jenkins aborts a step: SIGTERM to each of its processes at once.
        os.killpg(step.pid, signal.SIGTERM)
        _, shown = step.communicate(timeout=60)
    finally:
        if step.poll() is None:
            os.killpg(step.pid, signal.SIGKILL)
    [workflow] = argo.workflows("argo")

    assert waited
    assert workflow["spec"]["shutdown"] == "Terminate"
    assert f"asked the server to terminate workflow {name}" in shown
    assert errors.read_text() == shown


def until(condition: Callable[[], bool]) -> bool:
    """Whether `condition` came true before a generous deadline."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False

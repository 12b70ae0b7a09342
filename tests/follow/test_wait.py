"""`submit --wait` and `wait NAME`: follow a workflow to its end, exit as it did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from tests.conftest import CLI
from tests.follow.conftest import progress_lines, requested, when

SUBMIT = ("submit", "--from", "workflowtemplate/build", "--no-ci-labels")


def held(*steps: Step) -> Script:
    """A script that stays Pending until released, so the watch sees it all."""
    return Script(list(steps), hold=True)


def release_once_watched(srv: Standin) -> None:
    when(srv, requested(r"/workflow-events/"), srv.lifecycle.release)


def test_a_succeeding_workflow_shows_each_transition_and_exits_0(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(held(Step("compile", 0.2), Step("test", 0.2)))
    release_once_watched(srv)

    result = cli(*SUBMIT, "--wait", env=argo_env)

    name = srv.workflows("argo")[0]["metadata"]["name"]
    assert result.code == 0, result.err
    assert progress_lines(result.err) == [
        f"{name} Pending",
        f"{name} Running, 0/1 steps done, running: compile",
        f"{name} Running, 1/2 steps done, running: test",
        f"{name} Succeeded, 2/2 steps done",
    ]
    first, second = result.out.splitlines()
    assert first == name
    assert second.startswith(f"{name} Succeeded in ")
    assert second.endswith(f"/workflows/argo/{name}")


def test_following_one_workflow_takes_the_create_and_one_watch(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(held(Step("compile", 0.2)))
    release_once_watched(srv)

    result = cli(*SUBMIT, "--wait", env=argo_env)

    assert result.code == 0, result.err
    assert [(r.method, r.path) for r in srv.requests] == [
        ("POST", "/api/v1/workflows/argo/submit"),
        ("GET", "/api/v1/workflow-events/argo"),
    ]


def test_a_failed_step_exits_30_and_names_the_step_and_its_message(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    failing = Step("test", 0.1, phase="Failed", message="Error (exit code 1)")
    srv.lifecycle.add(Script([Step("compile", 0.1), failing]))

    result = cli(*SUBMIT, "--wait", env=argo_env)

    assert result.code == 30
    assert "  test Failed: Error (exit code 1)" in result.err.splitlines()
    assert "Traceback" not in result.err


def test_a_workflow_in_error_exits_31(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("setup", phase="Error", message="pod deleted")]))

    result = cli(*SUBMIT, "--wait", env=argo_env)

    assert result.code == 31
    assert "  setup Error: pod deleted" in result.err.splitlines()


@pytest.mark.parametrize(
    "interruption",
    ["eof_every", "drop_every"],
    ids=["the server ends the watch with EOF", "the connection drops"],
)
def test_no_transition_is_lost_when_the_watch_is_interrupted(
    cli: CLI, srv: Standin, argo_env: dict[str, str], interruption: str
) -> None:
    setattr(srv.streams.settings, interruption, 0.1)
    srv.lifecycle.add(held(Step("compile", 0.5), Step("test", 0.5)))
    release_once_watched(srv)

    result = cli(*SUBMIT, "--wait", env=argo_env)

    name = srv.workflows("argo")[0]["metadata"]["name"]
    watches = [r for r in srv.requests if r.path == "/api/v1/workflow-events/argo"]
    assert result.code == 0, result.err
    assert len(watches) >= 3
    assert progress_lines(result.err) == [
        f"{name} Pending",
        f"{name} Running, 0/1 steps done, running: compile",
        f"{name} Running, 1/2 steps done, running: test",
        f"{name} Succeeded, 2/2 steps done",
    ]


def test_after_a_reconnect_the_workflow_is_read_again(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.streams.settings.eof_every = 0.1
    srv.lifecycle.add(Script([Step("compile", 0.4)]))

    result = cli(*SUBMIT, "--wait", env=argo_env)

    name = srv.workflows("argo")[0]["metadata"]["name"]
    paths = [r.path for r in srv.requests]
    assert result.code == 0, result.err
    first_watch = paths.index("/api/v1/workflow-events/argo")
    assert paths[first_watch + 1] == f"/api/v1/workflows/argo/{name}"


def test_json_output_is_the_outcome_with_duration_and_failed_nodes(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("test", phase="Failed", message="exit 2")]))

    result = cli(*SUBMIT, "--wait", "-o", "json", env=argo_env)

    shown = result.json()
    workflow = shown["workflows"][0]
    assert result.code == 30
    assert shown["phase"] == "Failed"
    assert workflow["phase"] == "Failed"
    assert workflow["message"] == "exit 2"
    assert workflow["duration_seconds"] >= 0
    assert workflow["failed_nodes"] == [
        {"name": "test", "phase": "Failed", "message": "exit 2"}
    ]


def test_the_outcome_is_published_to_the_dotenv_file(
    cli: CLI, srv: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    srv.lifecycle.add(Script([Step("compile")]))
    dotenv = tmp_path / "argo.env"

    result = cli(*SUBMIT, "--wait", "--dotenv", str(dotenv), env=argo_env)

    name = srv.workflows("argo")[0]["metadata"]["name"]
    written = dotenv.read_text().splitlines()
    assert result.code == 0, result.err
    assert "ARGO_WORKFLOW_PHASE=Succeeded" in written
    assert f"ARGO_WORKFLOW_NAME={name}" in written


def test_argo_trigger_wait_true_in_the_environment_waits(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("test", phase="Failed")]))

    result = cli(*SUBMIT, env={**argo_env, "ARGO_TRIGGER_WAIT": "true"})

    assert result.code == 30


def test_wait_follows_an_existing_workflow_by_name(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    created = cli(*SUBMIT, env=argo_env)
    name = created.out.strip()
    srv.lifecycle.run("argo", name, Script([Step("compile", 0.1)]))

    result = cli("wait", name, env=argo_env)

    assert result.code == 0, result.err
    assert result.out.startswith(f"{name} Succeeded")


def test_wait_for_several_workflows_exits_with_the_worst_outcome(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    names = [cli(*SUBMIT, env=argo_env).out.strip() for _ in range(2)]
    srv.lifecycle.run("argo", names[0], Script([Step("a", 0.1)]))
    srv.lifecycle.run("argo", names[1], Script([Step("b", 0.2, phase="Failed")]))

    result = cli("wait", *names, env=argo_env)

    assert result.code == 30
    assert [line.split()[1] for line in result.out.splitlines()] == [
        "Succeeded",
        "Failed",
    ]


def test_waiting_for_an_unknown_workflow_is_exit_33(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("wait", "no-such-workflow", env=argo_env)

    assert result.code == 33
    assert result.err.splitlines() == [
        "argo-trigger: error: workflow no-such-workflow not found in namespace "
        'argo (workflows.argoproj.io "no-such-workflow" not found); check the '
        "name and -n"
    ]


def test_a_token_without_watch_rights_is_exit_8_naming_the_verb(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    from tests.conftest import EVENTS_TOKEN

    name = cli(*SUBMIT, env=argo_env).out.strip()

    result = cli("wait", name, env={**argo_env, "ARGO_TOKEN": EVENTS_TOKEN})

    assert result.code == 8
    assert "workflows: watch" in result.err
    assert EVENTS_TOKEN not in result.err


@pytest.mark.parametrize("action", ["stop", "terminate"])
def test_on_timeout_the_workflow_is_stopped_or_terminated_and_exit_is_32(
    cli: CLI, srv: Standin, argo_env: dict[str, str], action: str
) -> None:
    srv.lifecycle.add(Script([Step("forever", hold=True)]))

    result = cli(
        *SUBMIT, "--wait", "--timeout", "0.5", "--on-abort", action, env=argo_env
    )

    workflow = srv.workflows("argo")[0]
    name = workflow["metadata"]["name"]
    assert result.code == 32
    assert ("PUT", f"/api/v1/workflows/argo/{name}/{action}") in [
        (r.method, r.path) for r in srv.requests
    ]
    assert workflow["spec"]["shutdown"] == action.capitalize()
    assert workflow["status"]["phase"] == "Failed"
    assert "did not finish within --timeout" in result.err


def test_on_timeout_leave_is_the_default_and_touches_nothing(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("forever", hold=True)]))

    result = cli(*SUBMIT, "--wait", env={**argo_env, "ARGO_TRIGGER_TIMEOUT": "0.5"})

    assert result.code == 32
    assert [r.method for r in srv.requests if r.method == "PUT"] == []
    assert srv.workflows("argo")[0]["status"]["phase"] == "Running"


def test_a_bad_on_abort_variable_is_a_usage_error(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    created = cli(*SUBMIT, env=argo_env).out.strip()

    result = cli("wait", created, env={**argo_env, "ARGO_TRIGGER_ON_ABORT": "kill"})

    assert result.code == 2
    assert "ARGO_TRIGGER_ON_ABORT 'kill'" in result.err


def test_json_output_of_a_wait_is_one_document(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("compile")]))

    result = cli(*SUBMIT, "--wait", "-o", "json", env=argo_env)

    assert json.loads(result.out)["workflows"][0]["phase"] == "Succeeded"


def test_a_watch_refused_with_503_is_tried_again(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("compile", 0.1)]))
    srv.inject(
        r"/workflow-events/",
        status=503,
        body={"code": 14, "message": "the server is restarting"},
        times=2,
    )

    result = cli(*SUBMIT, "--wait", env=argo_env)

    statuses = [r.status for r in srv.requests if "/workflow-events/" in r.path]
    assert result.code == 0, result.err
    assert statuses[:2] == [503, 503]
    assert statuses[-1] == 200


def test_sending_an_event_without_wait_loads_nothing_of_the_follow_package(
    srv: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from argo_trigger.cli import main\n"
        f"assert main(['event', '-d', 'ci'], env={argo_env!r}) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith('argo_trigger.follow')))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )

    assert shown.stdout.splitlines()[-1] == "[]"
    assert len(srv.events) == 1


def test_the_on_abort_choices_agree_between_the_command_and_the_library() -> None:
    from argo_trigger import follow
    from argo_trigger.commands import wait

    assert wait.ON_ABORT == follow.ON_ABORT

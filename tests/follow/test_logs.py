"""`--log`: every pod's lines in the job's log, each prefixed with its step."""

from __future__ import annotations

from argo_trigger.follow.logs import step_of
from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step, fnv32a
from tests.conftest import CLI
from tests.follow.conftest import progress_lines, requested, when

SUBMIT = ("submit", "--from", "workflowtemplate/build", "--no-ci-labels", "--wait")


def log_lines(err: str) -> list[str]:
    """The lines of stderr that are neither progress nor argo-trigger's own."""
    progress = set(progress_lines(err, raw=True))
    return [
        line
        for line in err.splitlines()
        if line not in progress and not line.startswith(("argo-trigger", "  "))
    ]


def test_each_line_is_prefixed_with_its_step_in_order(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(
        Script(
            [
                Step("compile", 0.1, logs=["gcc -c main.c", "linking"]),
                Step("unit-tests", 0.1, logs=["42 passed"]),
            ]
        )
    )

    result = cli(*SUBMIT, "--log", env=argo_env)

    assert result.code == 0, result.err
    assert log_lines(result.err) == [
        "compile: gcc -c main.c",
        "compile: linking",
        "unit-tests: 42 passed",
    ]


def test_logs_of_pods_still_pending_when_the_stream_opens_arrive_later(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("build", 0.1, logs=["built"])], hold=True))
    when(srv, requested(r"/log$"), srv.lifecycle.release)

    result = cli(*SUBMIT, "--log", env=argo_env)

    assert result.code == 0, result.err
    assert log_lines(result.err) == ["build: built"]


def test_the_log_request_names_the_container_and_follows(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("build", logs=["only main has lines"])]))

    result = cli(*SUBMIT, "--log", "--container", "sidecar", env=argo_env)

    logs = [r for r in srv.requests if r.path.endswith("/log")]
    assert result.code == 0, result.err
    assert log_lines(result.err) == []
    assert logs[0].query == {
        "logOptions.container": ["sidecar"],
        "logOptions.follow": ["true"],
    }
    assert logs[0].headers["accept"] == "text/event-stream"


def test_argo_trigger_log_true_in_the_environment_streams_logs(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("build", logs=["hello"])]))

    result = cli(*SUBMIT, env={**argo_env, "ARGO_TRIGGER_LOG": "true"})

    assert log_lines(result.err) == ["build: hello"]


def test_logs_never_reach_stdout(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.lifecycle.add(Script([Step("build", logs=["on stderr"])]))

    result = cli(*SUBMIT, "--log", "-o", "json", env=argo_env)

    assert "on stderr" not in result.out
    assert result.json()["phase"] == "Succeeded"


def test_a_pod_name_maps_to_its_node_with_argos_default_pod_names() -> None:
    node_name = "ci-x7k2p[0].build"
    node_id = f"ci-x7k2p-{fnv32a(node_name)}"
    workflow = {
        "status": {
            "nodes": {
                "ci-x7k2p": {"type": "Steps", "displayName": "ci-x7k2p"},
                node_id: {"type": "Pod", "displayName": "build", "name": node_name},
            }
        }
    }

    assert step_of(f"ci-x7k2p-build-{fnv32a(node_name)}", workflow) == "build"
    assert step_of(node_id, workflow) == "build"
    assert step_of("ci-x7k2p-other-123", workflow) is None


def test_fnv32a_agrees_with_argos_node_ids() -> None:
    # Node ids recorded from Argo's own tests (cmd/argo/commands/common).
    assert fnv32a("many-items-z26lj[0].sleep(9:nine)") == 2619926859
    assert fnv32a("many-items-z26lj[0].sleep(10:ten)") == 1052882686


def test_every_line_arrives_even_when_the_workflow_ends_before_its_logs(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    many = [f"line {number}" for number in range(20000)]
    srv.lifecycle.add(Script([Step("build", logs=many)]))

    result = cli(*SUBMIT, "--log", env=argo_env)

    assert result.code == 0, result.err
    assert log_lines(result.err) == [f"build: {line}" for line in many]

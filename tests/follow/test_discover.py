"""`event --wait`: find the workflows the event created, then wait for them."""

from __future__ import annotations

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from tests.conftest import CLI
from tests.follow.conftest import binding

EVENT = ("event", "-d", "ci", "--event-id", "run-42-attempt-1", "--wait")


def created_names(srv: Standin) -> list[str]:
    return [w["metadata"]["name"] for w in srv.workflows("argo")]


def test_a_binding_that_copies_the_event_id_is_found_exactly_by_label(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.add(binding("on-ci", 'discriminator == "ci"', copy_event_id=True))
    srv.lifecycle.add(Script([Step("build")]))

    result = cli(*EVENT, env=argo_env)

    (name,) = created_names(srv)
    selector = "argo-trigger/event-id=run-42-attempt-1"
    assert result.code == 0, result.err
    assert f"argo-trigger: the event created {name} (by label {selector})" in (
        result.err.splitlines()
    )
    assert [(r.method, r.path) for r in srv.requests] == [
        ("POST", "/api/v1/events/argo/ci"),
        ("GET", "/api/v1/workflows/argo"),
        ("GET", "/api/v1/workflow-events/argo"),
    ]
    assert srv.requests[2].query["listOptions.labelSelector"] == [selector]


def test_without_the_label_the_workflow_is_found_through_the_binding_that_fired(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.add(binding("on-ci", 'discriminator == "ci"', copy_event_id=False))
    srv.add(binding("on-deploy", 'discriminator == "deploy"', copy_event_id=False))
    srv.lifecycle.add(Script([Step("build", phase="Failed")]))

    result = cli(*EVENT, env=argo_env)

    (name,) = created_names(srv)
    assert result.code == 30
    assert f"argo-trigger: the event created {name} (by bindings on-ci)" in (
        result.err.splitlines()
    )


def test_two_workflows_of_one_binding_at_once_are_named_not_guessed(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.add(binding("on-ci", 'discriminator == "ci"', copy_event_id=False))
    other_job = {
        "kind": "Workflow",
        "metadata": {
            "name": "build-other",
            "namespace": "argo",
            "labels": {"workflows.argoproj.io/workflow-event-binding": "on-ci"},
        },
        "spec": {"workflowTemplateRef": {"name": "build"}},
    }
    srv.add(other_job)

    result = cli(*EVENT, env=argo_env)

    ours = next(n for n in created_names(srv) if n != "build-other")
    assert result.code == 33
    (line,) = result.err.splitlines()
    assert "cannot tell which workflow this event created" in line
    assert f"binding on-ci: {', '.join(sorted(['build-other', ours]))}" in line
    assert "argo-trigger/event-id" in line


def test_when_no_binding_matches_the_error_shows_each_bindings_result(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.add(binding("on-deploy", 'discriminator == "deploy"', copy_event_id=True))
    srv.add(binding("on-tag", "payload.git.tag != nil", copy_event_id=True))

    result = cli(*EVENT, "--discover-timeout", "0.3", env=argo_env)

    assert result.code == 33
    (line,) = result.err.splitlines()
    assert "no binding's selector matched" in line
    assert "on-deploy: selector false" in line
    assert "on-tag: selector false" in line


def test_when_bindings_match_but_nothing_appears_the_server_is_suspected(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.add(binding("on-ci", 'discriminator == "ci"', copy_event_id=True))
    srv.dispatcher = None  # a server that takes events but holds no bindings

    result = cli(*EVENT, "--discover-timeout", "0.5", env=argo_env)

    lists = [r for r in srv.requests if r.path == "/api/v1/workflows/argo"]
    assert result.code == 33
    assert len(lists) >= 2
    assert "bindings on-ci match this event, but no workflow" in result.err
    assert "may not be the one holding these bindings" in result.err


def test_the_json_result_of_event_wait_is_one_document(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.add(binding("on-ci", 'discriminator == "ci"', copy_event_id=True))
    srv.lifecycle.add(Script([Step("build")]))

    result = cli(*EVENT, "-o", "json", env=argo_env)

    shown = result.json()
    assert result.code == 0, result.err
    assert shown["event_id"] == "run-42-attempt-1"
    assert shown["phase"] == "Succeeded"
    assert shown["response"] == {}
    assert shown["payload"]["id"] == "run-42-attempt-1"
    assert [w["name"] for w in shown["workflows"]] == created_names(srv)


def test_a_workflow_of_an_earlier_send_with_the_same_id_is_left_out(
    cli: CLI, srv: Standin, argo_env: dict[str, str]
) -> None:
    srv.add(binding("on-ci", 'discriminator == "ci"', copy_event_id=True))
    srv.add(
        {
            "kind": "Workflow",
            "metadata": {
                "name": "build-yesterday",
                "namespace": "argo",
                "creationTimestamp": "2020-01-01T00:00:00Z",
                "labels": {"argo-trigger/event-id": "run-42-attempt-1"},
            },
            "spec": {"workflowTemplateRef": {"name": "build"}},
            "status": {"phase": "Failed", "finishedAt": "2020-01-01T00:01:00Z"},
        }
    )
    srv.lifecycle.add(Script([Step("build")]))

    result = cli(*EVENT, env=argo_env)

    (ours,) = [n for n in created_names(srv) if n != "build-yesterday"]
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1].startswith(f"{ours} Succeeded")
    assert "build-yesterday" not in result.out

"""The CI/CD component, included as a GitLab project would include it."""

from __future__ import annotations

from typing import Any

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, EVENTS_TOKEN

from .conftest import (
    PROJECT,
    Pipeline,
    component,
    merge_request_args,
    reader_job,
    tag_args,
)


def inputs(argo: Standin, **extra: object) -> dict[str, object]:
    """Inputs for a job that sends to the stand-in with the core on PATH."""
    return {
        "argo-server": argo.url,
        "discriminator": "gitlab",
        "install": "",
        **extra,
    }


def one_event(argo: Standin) -> Any:
    events = argo.events
    assert len(events) == 1, events
    return events[0]


def test_a_push_pipeline_sends_the_event_and_hands_its_id_on(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {
        "include": [component(inputs(argo_gitlab, params="environment: prod\n"))],
        "reader": reader_job(),
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    event = one_event(argo_gitlab)
    assert (event.namespace, event.discriminator) == ("argo", "gitlab")
    payload = event.payload
    assert payload["type"] == "push"
    assert payload["ci"]["provider"] == "gitlab"
    assert payload["ci"]["job"] == "argo-trigger"
    assert payload["repository"]["slug"] == PROJECT
    assert payload["git"]["branch"] == "main"
    assert payload["params"] == {"environment": "prod"}

    report = run.dotenv()
    assert report["ARGO_EVENT_ID"] == payload["id"]
    assert f"seen event={payload['id']} " in run.output


def test_a_tag_pipeline_sends_a_tag_event(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {"include": [component(inputs(argo_gitlab))]}

    run = pipeline(
        config, variables={"ARGO_TOKEN": ADMIN_TOKEN}, args=tag_args("v1.2.0")
    )

    assert run.code == 0, run.output
    payload = one_event(argo_gitlab).payload
    assert payload["type"] == "tag"
    assert payload["git"]["tag"] == "v1.2.0"
    assert payload["git"]["ref"] == "refs/tags/v1.2.0"


def test_a_merge_request_pipeline_sends_the_merge_request(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {"include": [component(inputs(argo_gitlab))]}

    run = pipeline(
        config, variables={"ARGO_TOKEN": ADMIN_TOKEN}, args=merge_request_args(19)
    )

    assert run.code == 0, run.output
    payload = one_event(argo_gitlab).payload
    assert payload["type"] == "pull_request"
    assert payload["git"]["branch"] == "feature/helm-values"
    assert payload["pull_request"] == {
        "number": 19,
        "url": f"https://gitlab.example.com/{PROJECT}/-/merge_requests/19",
        "source_branch": "feature/helm-values",
        "target_branch": "main",
        "title": "Move Helm values into the chart",
    }


def test_a_refused_token_fails_the_job_with_the_core_message(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    bad_token = "t0ken-nobody-knows-0000"
    config = {"include": [component(inputs(argo_gitlab))]}

    run = pipeline(config, variables={"ARGO_TOKEN": bad_token})

    assert run.code != 0
    assert "argo-trigger > argo-trigger: error: " in run.output
    assert "401" in run.output
    assert "FAIL  argo-trigger" in run.output
    assert argo_gitlab.events == []
    assert bad_token not in run.output + run.job_logs()


def test_the_token_appears_in_no_job_output(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {
        "include": [component(inputs(argo_gitlab))],
        "reader": reader_job(),
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    assert ADMIN_TOKEN not in run.output
    assert ADMIN_TOKEN not in run.job_logs()
    assert ADMIN_TOKEN not in (run.project / "argo-trigger.env").read_text()


def test_token_variable_names_the_variable_that_holds_the_token(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {
        "include": [
            component(inputs(argo_gitlab, **{"token-variable": "ARGO_EVENTS_TOKEN"}))
        ]
    }

    run = pipeline(config, variables={"ARGO_EVENTS_TOKEN": EVENTS_TOKEN})

    assert run.code == 0, run.output
    assert one_event(argo_gitlab).discriminator == "gitlab"
    assert EVENTS_TOKEN not in run.output


def test_a_missing_required_input_fails_with_gitlab_message(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {"include": [component({"install": ""})]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code != 0
    assert "`argo-server` input: required value has not been provided" in run.output
    assert argo_gitlab.events == []


def test_an_input_outside_its_pattern_is_refused_before_any_job_runs(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {
        "include": [
            component(inputs(argo_gitlab, **{"token-variable": "echo $ARGO_TOKEN"}))
        ]
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code != 0
    assert "`token-variable` input" in run.output
    assert "does not match required regex" in run.output
    assert argo_gitlab.events == []


def test_workflow_template_submits_it_with_the_parameters(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    extra = {"workflow-template": "deploy", "parameters": "environment=qa\nsha=abc"}
    config = {"include": [component(inputs(argo_gitlab, **extra))]}

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    assert argo_gitlab.events == []
    workflow = argo_gitlab.workflows("argo")[0]
    parameters = {
        p["name"]: p["value"] for p in workflow["spec"]["arguments"]["parameters"]
    }
    assert parameters == {"environment": "qa", "sha": "abc"}
    assert run.dotenv()["ARGO_WORKFLOW_NAME"] == workflow["metadata"]["name"]


def test_job_name_lets_one_pipeline_send_two_events(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    # gitlab-ci-local fetches two includes of one component side by side and
    # they race to copy it into its cache ("File exists"); a first pass with
    # one include fills the cache. GitLab itself needs no such step.
    warm = pipeline({"include": [component(inputs(argo_gitlab))]}, args=["--list"])
    assert warm.code == 0, warm.output
    config = {
        "include": [
            component(inputs(argo_gitlab, **{"job-name": "deploy-eu"})),
            component(inputs(argo_gitlab, **{"job-name": "deploy-us"})),
        ]
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    jobs = sorted(e.payload["ci"]["job"] for e in argo_gitlab.events)
    assert jobs == ["deploy-eu", "deploy-us"]
    assert len({e.payload["id"] for e in argo_gitlab.events}) == 2

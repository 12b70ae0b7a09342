"""The classic template: a hidden job `.argo-trigger` that jobs extend."""

from __future__ import annotations

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN

from .conftest import Pipeline, classic_template, merge_request_args, reader_job


def test_pipeline_variables_configure_the_extending_job(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {
        "include": [classic_template()],
        "variables": {
            "ARGO_SERVER": argo_gitlab.url,
            "ARGO_TRIGGER_DISCRIMINATOR": "gitlab",
            "ARGO_TRIGGER_PARAMS": '{"environment": "prod"}',
            "ARGO_TRIGGER_INSTALL": "",
        },
        "trigger-argo": {"extends": ".argo-trigger"},
        "reader": reader_job("trigger-argo"),
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code == 0, run.output
    (event,) = argo_gitlab.events
    assert event.discriminator == "gitlab"
    assert event.payload["ci"]["job"] == "trigger-argo"
    assert event.payload["params"] == {"environment": "prod"}
    assert run.dotenv()["ARGO_EVENT_ID"] == event.payload["id"]
    assert f"seen event={event.payload['id']} " in run.output
    assert ADMIN_TOKEN not in run.output + run.job_logs()


def test_job_variables_submit_a_template_in_a_merge_request(
    pipeline: Pipeline, argo_gitlab: Standin
) -> None:
    config = {
        "include": [classic_template()],
        "trigger-argo": {
            "extends": ".argo-trigger",
            "variables": {
                "ARGO_SERVER": argo_gitlab.url,
                "ARGO_NAMESPACE": "argo",
                "ARGO_TRIGGER_WORKFLOW_TEMPLATE": "deploy",
                "ARGO_TRIGGER_PARAMETERS": "environment=review-19",
                "ARGO_TRIGGER_INSTALL": "",
            },
        },
    }

    run = pipeline(
        config, variables={"ARGO_TOKEN": ADMIN_TOKEN}, args=merge_request_args(19)
    )

    assert run.code == 0, run.output
    (workflow,) = argo_gitlab.workflows("argo")
    parameters = workflow["spec"]["arguments"]["parameters"]
    assert {"name": "environment", "value": "review-19"} in parameters
    assert run.dotenv()["ARGO_WORKFLOW_NAME"] == workflow["metadata"]["name"]


def test_an_unset_server_fails_with_the_core_message(pipeline: Pipeline) -> None:
    config = {
        "include": [classic_template()],
        "trigger-argo": {
            "extends": ".argo-trigger",
            "variables": {"ARGO_TRIGGER_INSTALL": ""},
        },
    }

    run = pipeline(config, variables={"ARGO_TOKEN": ADMIN_TOKEN})

    assert run.code != 0
    assert "argo-trigger: error: no Argo Server configured" in run.output

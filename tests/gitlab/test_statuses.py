"""Commit statuses and the merge request note: the gitlab-* inputs.

The jobs' CI_SERVER_URL points at a loopback stand-in of GitLab's REST API,
which records every request and answers as GitLab does.
"""

from __future__ import annotations

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step
from tests.conftest import ADMIN_TOKEN
from tests.report.gitlab_api import GitLabAPI

from .conftest import (
    GITLAB_TOKEN,
    MR_IID,
    PIPELINE_ID,
    Pipeline,
    component,
    gitlab_api_args,
    merge_request_args,
)

SUCCEEDS = Script([Step("build", seconds=0.2, logs=["compiling app"])])
TOKEN_VARIABLE = "ARGO_STATUS_TOKEN"


def reporting(argo: Standin, **extra: object) -> dict[str, object]:
    """Inputs for a job that waits and reports with the token variable."""
    return {
        "argo-server": argo.url,
        "discriminator": "ci",
        "install": "",
        "wait": True,
        "gitlab-token-variable": TOKEN_VARIABLE,
        **extra,
    }


def secrets() -> dict[str, object]:
    return {"ARGO_TOKEN": ADMIN_TOKEN, TOKEN_VARIABLE: GITLAB_TOKEN}


def test_the_workflow_becomes_a_commit_status_on_the_pipeline(
    pipeline: Pipeline, argo_ci: Standin, gitlab_api: GitLabAPI
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    config = {"include": [component(reporting(argo_ci))]}

    run = pipeline(config, variables=secrets(), args=gitlab_api_args(gitlab_api))

    assert run.code == 0, run.output
    name = argo_ci.workflows("argo")[0]["metadata"]["name"]
    (status,) = gitlab_api.statuses
    assert status["name"] == f"argo/{name}"
    assert status["status"] == "success"
    assert status["pipeline_id"] == PIPELINE_ID
    assert status["target_url"] == f"{argo_ci.url}/workflows/argo/{name}"
    sent = [r.headers.get("PRIVATE-TOKEN") for r in gitlab_api.requests]
    assert sent and set(sent) == {GITLAB_TOKEN}


def test_the_gitlab_token_appears_in_no_job_output(
    pipeline: Pipeline, argo_ci: Standin, gitlab_api: GitLabAPI
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    config = {"include": [component(reporting(argo_ci, log=True))]}

    run = pipeline(config, variables=secrets(), args=gitlab_api_args(gitlab_api))

    assert run.code == 0, run.output
    assert gitlab_api.statuses
    assert GITLAB_TOKEN not in run.output
    assert GITLAB_TOKEN not in run.job_logs()
    assert GITLAB_TOKEN not in (run.project / "argo-trigger.env").read_text()


def test_gitlab_mr_note_puts_the_summary_on_the_merge_request(
    pipeline: Pipeline, argo_ci: Standin, gitlab_api: GitLabAPI
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    extra = {
        "workflow-template": "ci-build",
        "parameters": "sha=abc\nref=refs/merge-requests/19/head",
        "gitlab-mr-note": True,
    }
    config = {"include": [component(reporting(argo_ci, **extra))]}

    run = pipeline(
        config,
        variables=secrets(),
        args=[*gitlab_api_args(gitlab_api), *merge_request_args(MR_IID)],
    )

    assert run.code == 0, run.output
    name = argo_ci.workflows("argo")[0]["metadata"]["name"]
    (note,) = gitlab_api.notes
    assert note["noteable_iid"] == MR_IID
    assert name in note["body"]
    assert [s["status"] for s in gitlab_api.statuses] == ["success"]


def test_without_a_gitlab_token_variable_nothing_goes_to_gitlab(
    pipeline: Pipeline, argo_ci: Standin, gitlab_api: GitLabAPI
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    inputs = reporting(argo_ci, **{"gitlab-token-variable": ""})
    config = {"include": [component(inputs)]}

    run = pipeline(config, variables=secrets(), args=gitlab_api_args(gitlab_api))

    assert run.code == 0, run.output
    assert gitlab_api.requests == []


def test_a_gitlab_token_variable_that_is_not_set_warns_and_the_job_passes(
    pipeline: Pipeline, argo_ci: Standin, gitlab_api: GitLabAPI
) -> None:
    argo_ci.lifecycle.add(SUCCEEDS, template="ci-build")
    config = {"include": [component(reporting(argo_ci))]}

    run = pipeline(
        config,
        variables={"ARGO_TOKEN": ADMIN_TOKEN},
        args=gitlab_api_args(gitlab_api),
    )

    assert run.code == 0, run.output
    assert f"argo-trigger: {TOKEN_VARIABLE} is empty or not set" in run.output
    assert gitlab_api.requests == []

"""GitLab: commit statuses and a merge-request note through python-gitlab.

Every call goes through the real python-gitlab to a loopback stand-in that
answers as GitLab's REST API v4 does.
"""

from __future__ import annotations

import io
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from argo_trigger import report, report_gitlab
from argo_trigger.report import Outcome, WorkflowResult
from tests.conftest import ADMIN_TOKEN, CLI
from tests.report.conftest import (
    JOB_TOKEN,
    MR_IID,
    PIPELINE_ID,
    PRIVATE_TOKEN,
    REPORTER_TOKEN,
    SHA,
)
from tests.report.gitlab_api import GitLabAPI
from tests.report.samples import sample_outcome
from tests.report.test_github import SUMMARY

STATUSES = f"/api/v4/projects/42/statuses/{SHA}"


def posted(api: GitLabAPI, path: str) -> list[Any]:
    return [r.body for r in api.requests if r.method == "POST" and r.path == path]


def test_each_workflow_gets_a_commit_status_on_the_jobs_pipeline(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    report_gitlab.publish(sample_outcome(), gitlab_env, PRIVATE_TOKEN, mr_note=False)

    assert posted(gitlab_api, STATUSES) == [
        {
            "state": "success",
            "name": "argo/build-x7k2p",
            "target_url": "https://argo.example.com/argo/workflows/ci/build-x7k2p",
            "description": "Succeeded in 1m 5s",
            "pipeline_id": PIPELINE_ID,
        },
        {
            "state": "failed",
            "name": "argo/test-q9w8e",
            "target_url": "https://argo.example.com/argo/workflows/ci/test-q9w8e",
            "description": "Failed in 1h 2m 3s: child 'test-q9w8e-2001' failed",
            "pipeline_id": PIPELINE_ID,
        },
    ]
    assert [s["status"] for s in gitlab_api.statuses] == ["success", "failed"]
    assert log_stream.getvalue() == ""


def test_an_access_token_is_sent_as_private_token(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    report_gitlab.publish(sample_outcome(), gitlab_env, PRIVATE_TOKEN, mr_note=False)

    headers = gitlab_api.requests[0].headers
    assert headers["PRIVATE-TOKEN"] == PRIVATE_TOKEN
    assert "JOB-TOKEN" not in headers
    assert headers["User-Agent"].startswith("argo-trigger/")


def test_the_jobs_own_token_is_sent_as_job_token(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    report_gitlab.publish(sample_outcome(), gitlab_env, JOB_TOKEN, mr_note=False)

    headers = gitlab_api.requests[0].headers
    assert headers["JOB-TOKEN"] == JOB_TOKEN
    assert "PRIVATE-TOKEN" not in headers
    assert len(gitlab_api.statuses) == 2


def test_without_a_pipeline_id_the_status_names_the_ref(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    env = {k: v for k, v in gitlab_env.items() if k != "CI_PIPELINE_ID"}
    report_gitlab.publish(sample_outcome(), env, PRIVATE_TOKEN, mr_note=False)

    bodies = posted(gitlab_api, STATUSES)
    assert [b["ref"] for b in bodies] == ["feature/login", "feature/login"]
    assert all("pipeline_id" not in b for b in bodies)


def test_the_project_path_is_url_encoded_when_there_is_no_id(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    env = {k: v for k, v in gitlab_env.items() if k != "CI_PROJECT_ID"}
    report_gitlab.publish(sample_outcome(), env, PRIVATE_TOKEN, mr_note=False)

    paths = {r.path for r in gitlab_api.requests}
    assert paths == {f"/api/v4/projects/group%2Fsub%2Fapp/statuses/{SHA}"}
    assert len(gitlab_api.statuses) == 2


@pytest.mark.parametrize(
    ("phase", "message", "state"),
    [
        (None, None, "pending"),
        ("Pending", None, "pending"),
        ("Running", None, "running"),
        ("Succeeded", None, "success"),
        ("Failed", "child 'x' failed", "failed"),
        ("Error", "pod deleted", "failed"),
        ("Failed", "Stopped with strategy 'Terminate'", "canceled"),
        ("Failed", "Stopped with strategy 'Stop'", "canceled"),
    ],
)
def test_commit_state_follows_the_phase(
    phase: str | None, message: str | None, state: str
) -> None:
    workflow = WorkflowResult("w", "ci", "u", phase=phase, message=message)

    assert report_gitlab.commit_state(workflow) == state


def test_a_long_description_is_cut_to_gitlabs_limit() -> None:
    workflow = WorkflowResult("w", "ci", "u", phase="Failed", message="m" * 400)

    description = report_gitlab.status_description(workflow)
    assert len(description) == 255
    assert description.endswith("…")


def test_the_merge_request_note_is_the_summary(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    report_gitlab.publish(sample_outcome(), gitlab_env, PRIVATE_TOKEN, mr_note=True)

    notes = f"/api/v4/projects/42/merge_requests/{MR_IID}/notes"
    assert posted(gitlab_api, notes) == [{"body": SUMMARY}]
    assert gitlab_api.notes[0]["body"] == SUMMARY
    assert log_stream.getvalue() == ""


def test_no_note_while_a_workflow_is_still_running(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], info_log: io.StringIO
) -> None:
    outcome = sample_outcome()
    running = outcome.workflows[0]._replace(phase="Running", duration_seconds=None)
    outcome = outcome._replace(workflows=[running, outcome.workflows[1]])
    report_gitlab.publish(outcome, gitlab_env, PRIVATE_TOKEN, mr_note=True)

    assert gitlab_api.notes == []
    assert "the workflows have not finished: no merge-request note" in (
        info_log.getvalue()
    )


def test_no_note_outside_a_merge_request_pipeline(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    env = {k: v for k, v in gitlab_env.items() if k != "CI_MERGE_REQUEST_IID"}
    report_gitlab.publish(sample_outcome(), env, PRIVATE_TOKEN, mr_note=True)

    assert gitlab_api.notes == []
    assert len(gitlab_api.statuses) == 2


def test_a_forbidden_status_is_a_warning_with_the_fix(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    report_gitlab.publish(sample_outcome(), gitlab_env, REPORTER_TOKEN, mr_note=True)

    lines = log_stream.getvalue().splitlines()
    assert lines[0] == (
        "argo-trigger: GitLab: could not set the commit status argo/build-x7k2p "
        "to success: 403 Forbidden (the token's user needs the Developer role "
        "on the project, and an access token the api scope; a CI job token is "
        "not always allowed)"
    )
    assert len(lines) == 3
    assert "add a note to merge request !17: 403" in lines[2]
    assert REPORTER_TOKEN not in log_stream.getvalue()


def test_a_job_token_refused_for_notes_is_a_warning(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    report_gitlab.publish(sample_outcome(), gitlab_env, JOB_TOKEN, mr_note=True)

    assert len(gitlab_api.statuses) == 2
    warning = log_stream.getvalue()
    assert "could not add a note to merge request !17: 401 Unauthorized" in (warning)
    assert JOB_TOKEN not in warning


def test_a_server_error_is_a_warning(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    gitlab_api.fail("/statuses/", 500, {"message": "500 Internal Server Error"})
    report_gitlab.publish(sample_outcome(), gitlab_env, PRIVATE_TOKEN, mr_note=False)

    assert log_stream.getvalue().count("500 Internal Server Error") == 2


def test_an_unreachable_gitlab_is_a_warning(
    gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    env = {**gitlab_env, "CI_SERVER_URL": f"http://127.0.0.1:{port}"}
    report_gitlab.publish(sample_outcome(), env, PRIVATE_TOKEN, mr_note=False)

    text = log_stream.getvalue()
    assert text.count("GitLab: could not set the commit status") == 2
    assert PRIVATE_TOKEN not in text


def test_posting_the_state_a_status_already_has_is_not_a_warning(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    running = WorkflowResult("deploy-abcde", "ci", "http://argo/w", phase="Running")
    outcome = Outcome(namespace="ci", workflows=[running])
    report_gitlab.publish(outcome, gitlab_env, PRIVATE_TOKEN, mr_note=False)
    report_gitlab.publish(outcome, gitlab_env, PRIVATE_TOKEN, mr_note=False)

    assert [r.path for r in gitlab_api.requests] == [STATUSES, STATUSES]
    assert [s["status"] for s in gitlab_api.statuses] == ["running"]
    assert log_stream.getvalue() == ""


def test_a_status_moves_from_running_to_success(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    workflow = WorkflowResult("deploy-abcde", "ci", "http://argo/w", phase="Running")
    for phase in ("Running", "Succeeded"):
        outcome = Outcome("ci", workflows=[workflow._replace(phase=phase)])
        report_gitlab.publish(outcome, gitlab_env, PRIVATE_TOKEN, mr_note=False)

    assert [s["status"] for s in gitlab_api.statuses] == ["success"]


def test_outside_gitlab_ci_a_token_only_warns(log_stream: io.StringIO) -> None:
    report_gitlab.publish(sample_outcome(), {}, PRIVATE_TOKEN, mr_note=False)

    assert log_stream.getvalue() == (
        "argo-trigger: a GitLab token is set but CI_SERVER_URL, CI_COMMIT_SHA, "
        "CI_PROJECT_ID are not: no GitLab commit statuses (these are set in "
        "GitLab CI jobs)\n"
    )


def test_the_job_token_is_recognised_by_value_or_prefix() -> None:
    env = {"CI_JOB_TOKEN": "64_abcdefghij"}

    assert report_gitlab.uses_job_token("64_abcdefghij", env)
    assert report_gitlab.uses_job_token("glcbt-64_other", env)
    assert not report_gitlab.uses_job_token("glpat-xyz", env)


def test_report_publish_loads_the_gitlab_reporter_only_with_a_token(
    gitlab_api: GitLabAPI, gitlab_env: dict[str, str], log_stream: io.StringIO
) -> None:
    report.publish(sample_outcome(), gitlab_env, None)
    assert gitlab_api.requests == []

    report.publish(sample_outcome(), gitlab_env, None, gitlab_token=PRIVATE_TOKEN)
    assert len(gitlab_api.statuses) == 2


WORKFLOW = (
    "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"
    "metadata: {name: hello-gitlab}\n"
    "spec: {entrypoint: main, templates: [{name: main, "
    "container: {image: alpine}}]}\n"
)


def test_submit_in_gitlab_ci_posts_a_status_and_never_shows_the_token(
    cli: CLI,
    argo_env: dict[str, str],
    gitlab_api: GitLabAPI,
    gitlab_env: dict[str, str],
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "wf.yaml"
    manifest.write_text(WORKFLOW)
    env = {**argo_env, **gitlab_env, "ARGO_TRIGGER_GITLAB_TOKEN": PRIVATE_TOKEN}
    result = cli("-vv", "submit", str(manifest), "--no-ci-labels", env=env)

    assert result.code == 0, result.err
    assert [(s["name"], s["status"]) for s in gitlab_api.statuses] == [
        ("argo/hello-gitlab", "pending")
    ]
    assert gitlab_api.statuses[0]["target_url"] == (
        f"{argo_env['ARGO_SERVER']}/workflows/argo/hello-gitlab"
    )
    assert PRIVATE_TOKEN not in result.out + result.err
    assert ADMIN_TOKEN not in result.out + result.err


def test_a_failing_gitlab_does_not_fail_the_command(
    cli: CLI,
    argo_env: dict[str, str],
    gitlab_api: GitLabAPI,
    gitlab_env: dict[str, str],
    tmp_path: Path,
) -> None:
    manifest = tmp_path / "wf.yaml"
    manifest.write_text(WORKFLOW)
    token_file = tmp_path / "gitlab-token"
    token_file.write_text(REPORTER_TOKEN + "\n")
    env = {**argo_env, **gitlab_env}
    result = cli(
        "submit",
        str(manifest),
        "--no-ci-labels",
        "--gitlab-token-file",
        str(token_file),
        env=env,
    )

    assert result.code == 0, result.err
    assert "GitLab: could not set the commit status argo/hello-gitlab" in result.err
    assert result.out.strip() == "hello-gitlab"
    assert REPORTER_TOKEN not in result.err


def test_an_unreadable_gitlab_token_file_is_a_warning(
    cli: CLI, argo_env: dict[str, str], gitlab_env: dict[str, str], tmp_path: Path
) -> None:
    manifest = tmp_path / "wf.yaml"
    manifest.write_text(WORKFLOW)
    missing = tmp_path / "missing-token"
    env = {**argo_env, **gitlab_env}
    result = cli(
        "submit",
        str(manifest),
        "--no-ci-labels",
        "--gitlab-token-file",
        str(missing),
        env=env,
    )

    assert result.code == 0, result.err
    assert f"cannot read --gitlab-token-file {missing}" in result.err


def test_without_python_gitlab_a_token_only_warns(
    gitlab_api: GitLabAPI,
    gitlab_env: dict[str, str],
    log_stream: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A None entry in sys.modules makes `import gitlab` fail as if absent.
    monkeypatch.setitem(sys.modules, "gitlab", None)
    report_gitlab.publish(sample_outcome(), gitlab_env, PRIVATE_TOKEN, mr_note=False)

    assert gitlab_api.requests == []
    assert "pip install 'argo-trigger[gitlab]'" in log_stream.getvalue()

"""Commit statuses and a merge-request note on GitLab, through python-gitlab.

Loaded only when a GitLab token is given, and the only module that imports
python-gitlab (the `gitlab` extra). Each workflow becomes an external commit
status `argo/<workflow name>` on the job's commit and pipeline, linked to the
Argo UI. Nothing here fails the job: the workflows ran whatever GitLab
answers, so every failure is logged as a warning with what to do about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from argo_trigger.log import logger
from argo_trigger.report import (
    FINISHED_PHASES,
    Outcome,
    WorkflowResult,
    duration_of,
    format_duration,
    summary_markdown,
)

if TYPE_CHECKING:
    from gitlab.v4.objects import Project

STATUS_PREFIX = "argo/"
TIMEOUT_SECONDS = 10.0
# GitLab stores a commit status description in at most 255 characters.
DESCRIPTION_LIMIT = 255

STATES = {
    "Pending": "pending",
    "Running": "running",
    "Succeeded": "success",
    "Failed": "failed",
    "Error": "failed",
}
# Argo reports a stopped or terminated workflow as Failed with this message.
STOPPED = re.compile(r"^(stopped|workflow shutdown) with strategy", re.IGNORECASE)

REQUIRED_VARIABLES = ("CI_SERVER_URL", "CI_COMMIT_SHA")


@dataclass(frozen=True)
class Target:
    """Where the statuses go: the server, project, commit and pipeline."""

    server_url: str
    project: str  # the numeric id, or the path group/name
    sha: str
    ref: str | None = None
    pipeline_id: int | None = None
    merge_request_iid: int | None = None
    ca_file: str | None = None


def target_from_env(env: Mapping[str, str]) -> Target | None:
    """The target from GitLab CI's predefined variables; None if any is missing.

    A missing variable is logged as a warning: outside a GitLab CI job there
    is no commit to put a status on.
    """
    missing = [name for name in REQUIRED_VARIABLES if not env.get(name)]
    project = env.get("CI_PROJECT_ID") or env.get("CI_PROJECT_PATH")
    if not project:
        missing.append("CI_PROJECT_ID")
    if missing:
        logger.warning(
            "a GitLab token is set but %s %s not: no GitLab commit statuses "
            "(these are set in GitLab CI jobs)",
            ", ".join(missing),
            "is" if len(missing) == 1 else "are",
        )
        return None
    return Target(
        server_url=env["CI_SERVER_URL"],
        project=str(project),
        sha=env["CI_COMMIT_SHA"],
        ref=env.get("CI_COMMIT_REF_NAME") or None,
        pipeline_id=_integer(env.get("CI_PIPELINE_ID")),
        merge_request_iid=_integer(env.get("CI_MERGE_REQUEST_IID")),
        ca_file=env.get("CI_SERVER_TLS_CA_FILE") or None,
    )


def _integer(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def commit_state(workflow: WorkflowResult) -> str:
    """The commit status state for a workflow's phase.

    A phase not read yet is `pending`; a workflow that was stopped or
    terminated is `canceled`, though Argo calls it Failed.
    """
    if workflow.phase == "Failed" and STOPPED.match(workflow.message or ""):
        return "canceled"
    return STATES.get(workflow.phase or "Pending", "running")


def status_description(workflow: WorkflowResult) -> str:
    """A one-line description: the phase, its duration, and Argo's message."""
    text = workflow.phase or "Created"
    duration = format_duration(duration_of(workflow))
    if duration and workflow.phase in FINISHED_PHASES:
        text += f" in {duration}"
    if workflow.message:
        text += f": {workflow.message}"
    text = " ".join(text.split())
    if len(text) > DESCRIPTION_LIMIT:
        text = text[: DESCRIPTION_LIMIT - 1] + "…"
    return text


def status_fields(workflow: WorkflowResult, target: Target) -> dict[str, Any]:
    """The body of POST /projects/:id/statuses/:sha for one workflow."""
    fields: dict[str, Any] = {
        "state": commit_state(workflow),
        "name": STATUS_PREFIX + workflow.name,
        "target_url": workflow.url,
        "description": status_description(workflow),
    }
    # With the pipeline's id GitLab finds its ref itself, which for a
    # merge-request pipeline is refs/merge-requests/N/head, not the branch.
    if target.pipeline_id is not None:
        fields["pipeline_id"] = target.pipeline_id
    elif target.ref:
        fields["ref"] = target.ref
    return fields


def note_body(outcome: Outcome) -> str:
    """The merge-request note: the same Markdown as GitHub's step summary."""
    return summary_markdown(outcome)


def uses_job_token(token: str, env: Mapping[str, str]) -> bool:
    """True for a CI job token, which GitLab reads from JOB-TOKEN.

    That is the job's own CI_JOB_TOKEN, or a token with the `glcbt-` prefix
    GitLab gives job tokens; any other token is a personal, project or group
    access token, sent as PRIVATE-TOKEN.
    """
    return token == env.get("CI_JOB_TOKEN") or token.startswith("glcbt-")


def publish(
    outcome: Outcome, env: Mapping[str, str], token: str, *, mr_note: bool
) -> None:
    """Post a commit status per workflow and, if asked, a merge-request note.

    Raises nothing: a missing variable, a missing python-gitlab and every
    failed API call are logged as warnings.
    """
    target = target_from_env(env)
    if target is None or not outcome.workflows:
        return

    project = _project(target, token, env)
    if project is None:
        return

    for workflow in outcome.workflows:
        post_status(project, target, workflow)

    if mr_note:
        post_note(project, target, outcome)


def _project(target: Target, token: str, env: Mapping[str, str]) -> Project | None:
    try:
        import gitlab
    except ImportError:
        logger.warning(
            "python-gitlab is not installed, so no GitLab commit statuses: "
            "pip install 'argo-trigger[gitlab]'"
        )
        return None

    from argo_trigger import __version__

    job = uses_job_token(token, env)
    client = gitlab.Gitlab(
        target.server_url,
        private_token=None if job else token,
        job_token=token if job else None,
        ssl_verify=target.ca_file or True,
        timeout=TIMEOUT_SECONDS,
        user_agent=f"argo-trigger/{__version__}",
    )
    # A lazy project makes no request of its own: the status calls need none.
    return client.projects.get(target.project, lazy=True)


def post_status(project: Project, target: Target, workflow: WorkflowResult) -> bool:
    """Set the commit status of one workflow; False (and a warning) on failure."""
    fields = status_fields(workflow, target)
    commit = project.commits.get(target.sha, lazy=True)
    what = f"set the commit status {fields['name']} to {fields['state']}"
    return _attempt(what, lambda: commit.statuses.create(fields))


def post_note(project: Project, target: Target, outcome: Outcome) -> bool:
    """Add the summary as a note on the job's merge request, once all finished.

    Returns True when a note was posted. Without a merge request, or while a
    workflow is still running, it posts nothing: one note per pipeline, with
    the outcome, is what reviewers want to read.
    """
    if target.merge_request_iid is None:
        logger.info("no merge request (CI_MERGE_REQUEST_IID): no note")
        return False
    if not all(w.phase in FINISHED_PHASES for w in outcome.workflows):
        logger.info("the workflows have not finished: no merge-request note")
        return False

    request = project.mergerequests.get(target.merge_request_iid, lazy=True)
    body = note_body(outcome)
    what = f"add a note to merge request !{target.merge_request_iid}"
    return _attempt(what, lambda: request.notes.create({"body": body}))


def _attempt(what: str, call: Callable[[], object]) -> bool:
    import requests
    from gitlab.exceptions import GitlabError

    try:
        call()
    except GitlabError as error:
        _warn(what, error.response_code, _text(error.error_message))
        return False
    except requests.RequestException as error:
        logger.warning("GitLab: could not %s: %s", what, error)
        return False
    logger.info("GitLab: %s: done", what)
    return True


def _warn(what: str, status: int | None, message: str) -> None:
    if status == 400 and message.startswith("Cannot transition status"):
        # The status already has this state, from an earlier run of the job.
        logger.info("GitLab: %s: already so (%s)", what, message)
        return
    # GitLab's messages mostly start with their status already: "403 Forbidden".
    answer = message if message.startswith(str(status)) else f"{status} {message}"
    logger.warning("GitLab: could not %s: %s%s", what, answer, _hint(status))


def _text(message: Any) -> str:
    if isinstance(message, bytes):
        return message.decode("utf-8", "replace")
    return str(message)


def _hint(status: int | None) -> str:
    hints = {
        401: "the GitLab token is invalid or expired, or is a CI job token "
        "that this GitLab does not accept for this call",
        403: "the token's user needs the Developer role on the project, and "
        "an access token the api scope; a CI job token is not always allowed",
        404: "the project, commit or merge request is not visible to the token",
    }
    hint = hints.get(status or 0)
    return f" ({hint})" if hint else ""

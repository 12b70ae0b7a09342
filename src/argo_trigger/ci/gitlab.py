"""GitLab CI: the job's predefined CI_* variables."""

from __future__ import annotations

from collections.abc import Mapping

from argo_trigger.ci.context import CIContext, make_context, pick, to_int

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import Any

VARIABLES = (
    "CI_SERVER_URL",
    "CI_PROJECT_PATH",
    "CI_PROJECT_URL",
    "CI_DEFAULT_BRANCH",
    "CI_PIPELINE_NAME",
    "CI_PIPELINE_ID",
    "CI_PIPELINE_IID",
    "CI_PIPELINE_URL",
    "CI_PIPELINE_SOURCE",
    "CI_JOB_NAME",
    "CI_JOB_URL",
    "GITLAB_USER_LOGIN",
    "CI_COMMIT_SHA",
    "CI_COMMIT_BRANCH",
    "CI_COMMIT_TAG",
    "CI_COMMIT_MESSAGE",
    "CI_MERGE_REQUEST_IID",
    "CI_MERGE_REQUEST_REF_PATH",
    "CI_MERGE_REQUEST_PROJECT_URL",
    "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_MERGE_REQUEST_TITLE",
)

SOURCE_TYPES = {
    "push": "push",
    "merge_request_event": "pull_request",
    "schedule": "schedule",
    "web": "manual",
    "api": "api",
    "trigger": "api",
    "pipeline": "api",
}


def detect(env: Mapping[str, str]) -> CIContext:
    """The context of a GitLab CI job.

    GitLab gives no full ref, so `git.ref` is built from the tag, the merge
    request's ref path or the branch, whichever the pipeline has.
    """
    values = pick(env, VARIABLES)
    tag = values.get("CI_COMMIT_TAG")
    event_type = _event_type(values.get("CI_PIPELINE_SOURCE"), tag)
    is_merge_request = event_type == "pull_request"
    branch = values.get("CI_COMMIT_BRANCH")
    if is_merge_request:
        branch = values.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME")

    return make_context(
        "gitlab",
        event_type,
        ci=_ci(values),
        repository={
            "slug": values.get("CI_PROJECT_PATH"),
            "url": values.get("CI_PROJECT_URL"),
            "default_branch": values.get("CI_DEFAULT_BRANCH"),
        },
        git={
            "sha": values.get("CI_COMMIT_SHA"),
            "ref": _ref(values, tag, is_merge_request),
            "branch": branch,
            "tag": tag,
            "message": values.get("CI_COMMIT_MESSAGE"),
        },
        pull_request=_merge_request(values) if is_merge_request else {},
    )


def _ci(values: Mapping[str, str]) -> dict[str, Any]:
    pipeline = values.get("CI_PIPELINE_NAME") or values.get("CI_PROJECT_PATH")
    return {
        "server_url": values.get("CI_SERVER_URL"),
        "pipeline": pipeline,
        "run_id": values.get("CI_PIPELINE_ID"),
        "run_number": values.get("CI_PIPELINE_IID"),
        "run_url": values.get("CI_PIPELINE_URL"),
        "job": values.get("CI_JOB_NAME"),
        "job_url": values.get("CI_JOB_URL"),
        "actor": values.get("GITLAB_USER_LOGIN"),
        "trigger": values.get("CI_PIPELINE_SOURCE"),
    }


def _event_type(source: str | None, tag: str | None) -> str:
    """The payload type: the pipeline source's, except that a tag is a tag.

    Tag pipelines report the source `push`; a tag pipeline started by hand or
    through the API keeps that type, and `git.tag` still names the tag.
    """
    event_type = SOURCE_TYPES.get(source or "", "other")
    if tag is not None and event_type in ("push", "other"):
        return "tag"
    return event_type


def _ref(values: Mapping[str, str], tag: str | None, is_mr: bool) -> str | None:
    if tag is not None:
        return f"refs/tags/{tag}"
    if is_mr:
        return values.get("CI_MERGE_REQUEST_REF_PATH")
    branch = values.get("CI_COMMIT_BRANCH")
    return f"refs/heads/{branch}" if branch else None


def _merge_request(values: Mapping[str, str]) -> dict[str, Any]:
    number = to_int(values.get("CI_MERGE_REQUEST_IID"))
    project_url = values.get("CI_MERGE_REQUEST_PROJECT_URL")
    url = None
    if number is not None and project_url is not None:
        url = f"{project_url.rstrip('/')}/-/merge_requests/{number}"

    return {
        "number": number,
        "url": url,
        "source_branch": values.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
        "target_branch": values.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        "title": values.get("CI_MERGE_REQUEST_TITLE"),
    }

"""GitHub Actions: the runner's GITHUB_* variables and the event file."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from argo_trigger.ci.context import (
    CIContext,
    NativeEvent,
    make_context,
    pick,
    strip_prefix,
    to_int,
)

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import Any

VARIABLES = (
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_WORKFLOW",
    "GITHUB_RUN_ID",
    "GITHUB_RUN_NUMBER",
    "GITHUB_RUN_ATTEMPT",
    "GITHUB_JOB",
    "GITHUB_ACTOR",
    "GITHUB_EVENT_NAME",
    "GITHUB_EVENT_PATH",
    "GITHUB_SHA",
    "GITHUB_REF",
    "GITHUB_REF_TYPE",
    "GITHUB_REF_NAME",
    "GITHUB_HEAD_REF",
    "GITHUB_BASE_REF",
)

EVENT_TYPES = {
    "push": "push",
    "pull_request": "pull_request",
    "pull_request_target": "pull_request",
    "schedule": "schedule",
    "workflow_dispatch": "manual",
    "repository_dispatch": "api",
    "workflow_call": "api",
}

# Compiled on first use (re caches it): most runs never need it.
_PULL_REF = r"refs/pull/(\d+)/"


def detect(env: Mapping[str, str]) -> CIContext:
    """The context of a GitHub Actions job.

    The event file named by GITHUB_EVENT_PATH is read for the pull request's
    number, title, URL and branches, the pushed head commit's message and the
    repository's default branch; nothing else is taken from it. A missing or
    unreadable event file leaves those fields `None`.
    """
    values = pick(env, VARIABLES)
    event_name = values.get("GITHUB_EVENT_NAME")
    event_path = values.get("GITHUB_EVENT_PATH")
    event = _read_event(event_path)
    ref = values.get("GITHUB_REF")
    tag = _tag(values)
    event_type = _event_type(event_name, tag)
    is_pull_request = event_type == "pull_request"

    native = None
    if event_name and event_path:
        native = NativeEvent(name=event_name, path=event_path)

    return make_context(
        "github",
        event_type,
        ci=_ci(values),
        repository={
            "slug": values.get("GITHUB_REPOSITORY"),
            "url": _repository_url(values),
            "default_branch": _text(event, "repository", "default_branch"),
        },
        git={
            "sha": values.get("GITHUB_SHA"),
            "ref": ref,
            "branch": _branch(values, event, is_pull_request),
            "tag": tag,
            "message": _message(event, event_type),
        },
        pull_request=_pull_request(values, event) if is_pull_request else {},
        native_event=native,
    )


def _ci(values: Mapping[str, str]) -> dict[str, Any]:
    attempt = to_int(values.get("GITHUB_RUN_ATTEMPT"))
    return {
        "server_url": values.get("GITHUB_SERVER_URL"),
        "pipeline": values.get("GITHUB_WORKFLOW"),
        "run_id": values.get("GITHUB_RUN_ID"),
        "run_number": values.get("GITHUB_RUN_NUMBER"),
        "run_attempt": attempt,
        "run_url": _run_url(values, attempt),
        "job": values.get("GITHUB_JOB"),
        # The runner does not expose the job's numeric id, so no job link.
        "job_url": None,
        "actor": values.get("GITHUB_ACTOR"),
        "trigger": values.get("GITHUB_EVENT_NAME"),
    }


def _event_type(event_name: str | None, tag: str | None) -> str:
    """The payload type: the trigger's, except that a pushed tag is a tag.

    A tag build under an explicit trigger (a manual run on a tag, say) keeps
    the trigger's type; `git.tag` still names the tag.
    """
    event_type = EVENT_TYPES.get(event_name or "", "other")
    if tag is not None and event_type in ("push", "other"):
        return "tag"
    return event_type


def _tag(values: Mapping[str, str]) -> str | None:
    tag = strip_prefix(values.get("GITHUB_REF"), "refs/tags/")
    if tag is None and values.get("GITHUB_REF_TYPE") == "tag":
        tag = values.get("GITHUB_REF_NAME")
    return tag


def _branch(
    values: Mapping[str, str], event: Mapping[str, Any], is_pull_request: bool
) -> str | None:
    if is_pull_request:
        head = values.get("GITHUB_HEAD_REF")
        return head or _text(event, "pull_request", "head", "ref")
    return strip_prefix(values.get("GITHUB_REF"), "refs/heads/")


def _message(event: Mapping[str, Any], event_type: str) -> str | None:
    if event_type not in ("push", "tag"):
        return None
    return _text(event, "head_commit", "message")


def _pull_request(
    values: Mapping[str, str], event: Mapping[str, Any]
) -> dict[str, Any]:
    number = _pull_request_number(values, event)
    url = _text(event, "pull_request", "html_url")
    repository_url = _repository_url(values)
    if url is None and number is not None and repository_url is not None:
        url = f"{repository_url}/pull/{number}"

    source = values.get("GITHUB_HEAD_REF")
    target = values.get("GITHUB_BASE_REF")
    return {
        "number": number,
        "url": url,
        "source_branch": source or _text(event, "pull_request", "head", "ref"),
        "target_branch": target or _text(event, "pull_request", "base", "ref"),
        "title": _text(event, "pull_request", "title"),
    }


def _pull_request_number(
    values: Mapping[str, str], event: Mapping[str, Any]
) -> int | None:
    pull_request = event.get("pull_request")
    if isinstance(pull_request, dict):
        number = pull_request.get("number")
        if isinstance(number, int) and not isinstance(number, bool):
            return number

    match = re.match(_PULL_REF, values.get("GITHUB_REF", ""))
    return int(match.group(1)) if match else None


def _repository_url(values: Mapping[str, str]) -> str | None:
    server = values.get("GITHUB_SERVER_URL")
    slug = values.get("GITHUB_REPOSITORY")
    if server is None or slug is None:
        return None
    return f"{server.rstrip('/')}/{slug}"


def _run_url(values: Mapping[str, str], attempt: int | None) -> str | None:
    repository_url = _repository_url(values)
    run_id = values.get("GITHUB_RUN_ID")
    if repository_url is None or run_id is None:
        return None
    url = f"{repository_url}/actions/runs/{run_id}"
    return url if attempt is None else f"{url}/attempts/{attempt}"


def _read_event(path: str | None) -> Mapping[str, Any]:
    """The event file as a JSON object, or an empty one when it is unusable."""
    if path is None:
        return {}
    try:
        with open(path, encoding="utf-8") as file:
            event = json.load(file)
    except (OSError, ValueError):
        return {}
    return event if isinstance(event, dict) else {}


def _text(document: Mapping[str, Any], *keys: str) -> str | None:
    """The non-empty string at `keys` in a JSON document, else `None`."""
    value: Any = document
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value if isinstance(value, str) and value else None

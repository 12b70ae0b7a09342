"""Jenkins: variables of pipeline, multibranch and freestyle builds."""

from __future__ import annotations

import re
from collections.abc import Mapping

from argo_trigger.ci.context import CIContext, make_context, pick, to_int

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import Any

VARIABLES = (
    "JENKINS_URL",
    "JOB_NAME",
    "BUILD_NUMBER",
    "BUILD_URL",
    "STAGE_NAME",
    "GIT_URL",
    "GIT_COMMIT",
    "GIT_BRANCH",
    "BRANCH_NAME",
    "TAG_NAME",
    "CHANGE_ID",
    "CHANGE_URL",
    "CHANGE_TITLE",
    "CHANGE_AUTHOR",
    "CHANGE_BRANCH",
    "CHANGE_TARGET",
)

# Prefixes the Git plugin puts before a branch name in GIT_BRANCH.
_BRANCH_PREFIXES = ("refs/remotes/origin/", "origin/", "refs/heads/")

_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://"
    r"(?:[^@/]*@)?"  # user and password: never copied
    r"(?P<host>[^/@:]+(?::\d+)?)"
    r"/(?P<path>.*)"
)
_SCP = re.compile(r"(?:[^@/:]+@)?(?P<host>[^/:]+):(?P<path>[^/].*)")


def detect(env: Mapping[str, str]) -> CIContext:
    """The context of a Jenkins build.

    A multibranch pull request build has CHANGE_ID; its source branch is
    CHANGE_BRANCH, because BRANCH_NAME then reads like `PR-11`. Jenkins has
    no notion of a trigger name or a job link, so those stay `None`.
    """
    values = pick(env, VARIABLES)
    tag = values.get("TAG_NAME") or _git_branch_tag(values.get("GIT_BRANCH"))
    branch = _branch(values)
    event_type = _event_type(values, tag, branch)
    slug, repository_url = parse_git_url(values.get("GIT_URL"))

    if event_type == "pull_request":
        branch = values.get("CHANGE_BRANCH")
    elif event_type == "tag":
        branch = None

    return make_context(
        "jenkins",
        event_type,
        ci=_ci(values),
        repository={"slug": slug, "url": repository_url},
        git={
            "sha": values.get("GIT_COMMIT"),
            "ref": _ref(event_type, tag, branch),
            "branch": branch,
            "tag": tag,
        },
        pull_request=_change(values) if event_type == "pull_request" else {},
    )


def parse_git_url(url: str | None) -> tuple[str | None, str | None]:
    """The repository slug and web URL behind a clone URL.

    The slug is the URL's path without `.git`. The web URL is known only for
    HTTP(S) clone URLs, and never carries the user or password in them.
    """
    if url is None:
        return None, None

    match = _URL.fullmatch(url) or _SCP.fullmatch(url)
    if match is None:
        return None, None
    slug = match.group("path").strip("/").removesuffix(".git").strip("/")
    if not slug:
        return None, None

    scheme = match.group("scheme") if "scheme" in match.re.groupindex else None
    if scheme is None or scheme.lower() not in ("http", "https"):
        return slug, None
    return slug, f"{scheme.lower()}://{match.group('host')}/{slug}"


def _ci(values: Mapping[str, str]) -> dict[str, Any]:
    server_url = values.get("JENKINS_URL")
    return {
        "server_url": server_url.rstrip("/") if server_url else None,
        "pipeline": values.get("JOB_NAME"),
        "run_id": values.get("BUILD_NUMBER"),
        "run_number": values.get("BUILD_NUMBER"),
        "run_url": values.get("BUILD_URL"),
        "job": values.get("STAGE_NAME"),
        "actor": values.get("CHANGE_AUTHOR"),
    }


def _event_type(values: Mapping[str, str], tag: str | None, branch: str | None) -> str:
    if values.get("CHANGE_ID"):
        return "pull_request"
    if tag is not None:
        return "tag"
    # Jenkins does not say what started a branch build; most are pushes
    # (webhooks or SCM polling), and a branch build is what "push" selects.
    return "push" if branch is not None else "other"


def _branch(values: Mapping[str, str]) -> str | None:
    if values.get("BRANCH_NAME"):
        return values["BRANCH_NAME"]
    git_branch = values.get("GIT_BRANCH")
    if git_branch is None or git_branch.startswith("refs/tags/"):
        return None
    for prefix in _BRANCH_PREFIXES:
        if git_branch.startswith(prefix):
            return git_branch[len(prefix) :] or None
    return git_branch


def _git_branch_tag(git_branch: str | None) -> str | None:
    if git_branch is None or not git_branch.startswith("refs/tags/"):
        return None
    return git_branch[len("refs/tags/") :] or None


def _ref(event_type: str, tag: str | None, branch: str | None) -> str | None:
    if event_type == "tag":
        return f"refs/tags/{tag}"
    # A change request's ref depends on the SCM behind Jenkins, so none.
    if event_type == "pull_request" or branch is None:
        return None
    return f"refs/heads/{branch}"


def _change(values: Mapping[str, str]) -> dict[str, Any]:
    return {
        "number": to_int(values.get("CHANGE_ID")),
        "url": values.get("CHANGE_URL"),
        "source_branch": values.get("CHANGE_BRANCH"),
        "target_branch": values.get("CHANGE_TARGET"),
        "title": values.get("CHANGE_TITLE"),
    }

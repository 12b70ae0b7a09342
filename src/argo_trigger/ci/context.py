"""The CI context: what the running CI job says about itself.

Each provider module turns an allow-listed part of the job's environment into
a `CIContext`. The payload module adds the schema, id, time and params.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from argo_trigger.record import Record

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import Any

PROVIDERS = ("github", "gitlab", "jenkins", "local")
TYPES = ("push", "tag", "pull_request", "schedule", "manual", "api", "other")

CI_KEYS = (
    "provider",
    "server_url",
    "pipeline",
    "run_id",
    "run_number",
    "run_attempt",
    "run_url",
    "job",
    "job_url",
    "actor",
    "trigger",
)
REPOSITORY_KEYS = ("slug", "url", "default_branch")
GIT_KEYS = ("sha", "short_sha", "ref", "branch", "tag", "message")
PULL_REQUEST_KEYS = ("number", "url", "source_branch", "target_branch", "title")

SHORT_SHA_LENGTH = 8


class NativeEvent(Record):
    """The CI system's own event document, for sending it on unchanged.

    GitHub Actions writes the webhook body that started the run to a file;
    `name` is the webhook event name that belongs in `X-GitHub-Event`.
    """

    __slots__ = ("name", "path")

    def __init__(self, *, name: str, path: str) -> None:
        self.name = name
        self.path = path


class CIContext(Record):
    """Everything the event payload says about the CI job.

    `ci`, `repository`, `git` and `pull_request` are the payload objects of
    the same names, read-only, with every key present and `None` for what the
    CI system does not tell.
    """

    __slots__ = (
        "ci",
        "git",
        "native_event",
        "provider",
        "pull_request",
        "repository",
        "type",
    )

    def __init__(
        self,
        *,
        provider: str,
        type: str,
        ci: Mapping[str, Any],
        repository: Mapping[str, Any],
        git: Mapping[str, Any],
        pull_request: Mapping[str, Any],
        native_event: NativeEvent | None = None,
    ) -> None:
        self.provider = provider
        self.type = type
        self.ci = ci
        self.repository = repository
        self.git = git
        self.pull_request = pull_request
        self.native_event = native_event

    def __hash__(self) -> int:
        return hash((self.provider, self.type, self.native_event))


def pick(env: Mapping[str, str], names: Iterable[str]) -> dict[str, str]:
    """The non-empty values of `names` in `env`, and nothing else from it.

    CI environments are full of secrets, so a provider reads the environment
    only through this function and its own list of names.
    """
    picked: dict[str, str] = {}
    for name in names:
        if env.get(name):
            picked[name] = env[name]
    return picked


def make_context(
    provider: str,
    event_type: str,
    *,
    ci: Mapping[str, Any],
    repository: Mapping[str, Any],
    git: Mapping[str, Any],
    pull_request: Mapping[str, Any],
    native_event: NativeEvent | None = None,
) -> CIContext:
    """A `CIContext` with every key filled: missing keys become `None`.

    `ci.provider` and `git.short_sha` are derived here, and `ci.run_attempt`
    defaults to 1 for providers that have no notion of it. Raises
    ValueError for a key the payload does not have: a provider's bug.
    """
    ci_object = _complete(ci, CI_KEYS)
    ci_object["provider"] = provider
    if ci_object["run_attempt"] is None:
        ci_object["run_attempt"] = 1

    git_object = _complete(git, GIT_KEYS)
    sha = git_object["sha"]
    git_object["short_sha"] = sha[:SHORT_SHA_LENGTH] if sha else None

    return CIContext(
        provider=provider,
        type=event_type,
        ci=MappingProxyType(ci_object),
        repository=MappingProxyType(_complete(repository, REPOSITORY_KEYS)),
        git=MappingProxyType(git_object),
        pull_request=MappingProxyType(_complete(pull_request, PULL_REQUEST_KEYS)),
        native_event=native_event,
    )


def to_int(value: str | None) -> int | None:
    """`value` as a non-negative integer, or `None` when it is not one."""
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return int(value)


def strip_prefix(value: str | None, prefix: str) -> str | None:
    """`value` without `prefix`, or `None` when it does not start with it."""
    if value is None or not value.startswith(prefix):
        return None
    return value[len(prefix) :] or None


def _complete(values: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(values) - set(keys)
    if unknown:
        # A misspelt key would otherwise vanish silently from the payload.
        raise ValueError(f"unknown payload keys: {', '.join(sorted(unknown))}")
    return {key: values.get(key) for key in keys}

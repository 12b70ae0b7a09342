"""The event payload, version 1: a CI context and the user's params as JSON.

The layout is a contract with users' WorkflowEventBindings: every object is
always present, unknown leaves are `null`, and a field never changes name or
meaning without a new `schema` number.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Mapping

from argo_trigger.ci.context import CIContext
from argo_trigger.errors import UsageError

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any

SCHEMA_VERSION = 1

EVENT_ID_LABEL = "argo-trigger/event-id"
CI_PROVIDER_LABEL = "argo-trigger/ci-provider"
CI_RUN_ID_LABEL = "argo-trigger/ci-run-id"
GIT_SHA_LABEL = "argo-trigger/git-sha"

EVENT_ID_LENGTH = 32
LABEL_VALUE_MAX = 63

# Patterns, not compiled ones: re compiles them on first use, and most runs
# use neither, so start-up does not pay for them.
_LABEL_VALUE = r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?"
_NOT_LABEL_CHARS = r"[^-A-Za-z0-9_.]+"
_EDGE_CHARS = "-_."


def build_payload(
    context: CIContext,
    *,
    namespace: str,
    discriminator: str,
    params: Mapping[str, str],
    event_key: str | None = None,
    event_id: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The event payload for `context` and the user's `params`.

    `event_id` replaces the computed id; `now` replaces the current time (a
    naive datetime is taken as UTC). Raises UsageError when `event_id` is not
    a valid Kubernetes label value.
    """
    if event_id is None:
        event_id = compute_event_id(
            context,
            namespace=namespace,
            discriminator=discriminator,
            event_key=event_key,
        )
    else:
        event_id = validate_event_id(event_id)

    return {
        "schema": SCHEMA_VERSION,
        "id": event_id,
        "type": context.type,
        "time": format_time(now) if now else current_time(),
        "ci": dict(context.ci),
        "repository": dict(context.repository),
        "git": dict(context.git),
        "pull_request": dict(context.pull_request),
        "params": {str(name): str(value) for name, value in params.items()},
    }


def compute_event_id(
    context: CIContext,
    *,
    namespace: str,
    discriminator: str,
    event_key: str | None,
) -> str:
    """The event id: the same for every retry of one CI job attempt.

    The first 32 hex digits of the SHA-256 of the identifying fields, encoded
    as one JSON list so that no two field lists can collide. The pipeline and
    the run and job URLs are part of it because some CI systems reuse run ids:
    Jenkins numbers builds per job, so two branches of one repository share
    build numbers, and a retried GitLab job keeps its pipeline id but gets a
    new job URL. Outside CI no field identifies a run, and the id is random.
    """
    if context.provider == "local":
        return os.urandom(EVENT_ID_LENGTH // 2).hex()

    fields = [
        context.provider,
        context.ci["server_url"],
        context.repository["slug"],
        context.ci["pipeline"],
        context.ci["run_id"],
        context.ci["run_attempt"],
        context.ci["run_url"],
        context.ci["job"],
        context.ci["job_url"],
        namespace,
        discriminator,
        event_key,
    ]
    encoded = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:EVENT_ID_LENGTH]


def validate_event_id(value: str) -> str:
    """`value`, if it can serve as an event id; raises UsageError if not.

    An event id is copied into a Kubernetes label, so it must be a non-empty
    label value: at most 63 letters, digits, `-`, `_` or `.`, beginning and
    ending with a letter or digit.
    """
    if len(value) <= LABEL_VALUE_MAX and re.fullmatch(_LABEL_VALUE, value):
        return value
    shown = value if len(value) <= 70 else value[:67] + "..."
    raise UsageError(
        f"event id {shown!r} is not a valid Kubernetes label value: use 1 to"
        f" {LABEL_VALUE_MAX} letters, digits, '-', '_' or '.', beginning and"
        " ending with a letter or digit"
    )


def ci_labels(context: CIContext) -> dict[str, str]:
    """Kubernetes labels naming the CI run, for the workflows we create.

    Values are made label-safe; a label whose value is unknown, or nothing
    once made safe, is left out.
    """
    candidates = {
        CI_PROVIDER_LABEL: context.provider,
        CI_RUN_ID_LABEL: context.ci["run_id"],
        GIT_SHA_LABEL: context.git["short_sha"],
    }
    labels: dict[str, str] = {}
    for key, value in candidates.items():
        safe = label_value(value) if value is not None else None
        if safe:
            labels[key] = safe
    return labels


def label_value(value: str) -> str | None:
    """`value` made into a valid label value, or `None` if nothing is left.

    Runs of other characters become one `-`; the result is cut to 63
    characters and trimmed to begin and end with a letter or digit.
    """
    safe = re.sub(_NOT_LABEL_CHARS, "-", value)[:LABEL_VALUE_MAX]
    safe = safe.strip(_EDGE_CHARS)
    return safe or None


RFC3339_UTC = "%Y-%m-%dT%H:%M:%SZ"


def current_time() -> str:
    """Now, in RFC 3339 UTC with a `Z` and whole seconds."""
    # time, not datetime: importing datetime costs start-up time.
    return time.strftime(RFC3339_UTC, time.gmtime())


def format_time(moment: datetime) -> str:
    """`moment` in RFC 3339 UTC with a `Z` and whole seconds (naive means UTC)."""
    from datetime import timezone

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(RFC3339_UTC)

"""Webhook clients: events posted without a token, e.g. by GitHub or GitLab.

For a POST to /api/v1/events/{namespace}/{discriminator} without an
Authorization header, the Argo Server reads the Secret
`argo-workflows-webhook-clients` of that namespace. Each key names a service
account; each value is YAML `type: github|gitlab|...` and `secret: ...`.
The first client whose check passes lends its account's token to the
request. Bitbucket clients are not checked by the stand-in and never match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable
from typing import Any

from .auth import ServiceAccount
from .store import Store

SECRET_NAME = "argo-workflows-webhook-clients"
MAX_WEBHOOK_BYTES = 2 * 1024 * 1024
EVENTS_PREFIX = "/api/v1/events/"

GITHUB_EVENTS = frozenset(
    [
        "check_run",
        "check_suite",
        "code_scanning_alert",
        "commit_comment",
        "create",
        "delete",
        "dependabot_alert",
        "deploy_key",
        "deployment",
        "deployment_status",
        "fork",
        "github_app_authorization",
        "gollum",
        "installation",
        "installation_repositories",
        "integration_installation",
        "integration_installation_repositories",
        "issue_comment",
        "issues",
        "label",
        "member",
        "membership",
        "milestone",
        "meta",
        "organization",
        "org_block",
        "page_build",
        "ping",
        "project_card",
        "project_column",
        "project",
        "public",
        "pull_request",
        "pull_request_review",
        "pull_request_review_comment",
        "push",
        "release",
        "repository",
        "repository_vulnerability_alert",
        "security_advisory",
        "status",
        "team",
        "team_add",
        "watch",
        "workflow_dispatch",
        "workflow_job",
        "workflow_run",
    ]
)
GITLAB_EVENTS = frozenset(
    {
        "Push Hook",
        "Tag Push Hook",
        "Issue Hook",
        "Confidential Issue Hook",
        "Note Hook",
        "Merge Request Hook",
        "Wiki Page Hook",
        "Pipeline Hook",
        "Build Hook",
        "Job Hook",
        "System Hook",
    }
)


class WebhookRefused(Exception):
    """The request cannot be processed as a webhook: the server answers 403.

    The reason goes to the log only; the client learns nothing more.
    """


def namespace_of(method: str, path: str) -> str | None:
    """The namespace of an event path a webhook may use, else None."""
    if method != "POST" or not path.startswith(EVENTS_PREFIX):
        return None
    namespace, slash, _ = path.removeprefix(EVENTS_PREFIX).partition("/")
    return namespace if slash else None


def lend_token(
    namespace: str,
    headers: dict[str, list[str]],
    body: bytes,
    store: Store,
    accounts: Iterable[ServiceAccount],
) -> str | None:
    """The token of the first webhook client the request matches, or None.

    Raises WebhookRefused when the namespace has no webhook clients Secret,
    the body is over 2 MB, or a matching client names an unknown account.
    """
    secret = store.find("Secret", namespace, SECRET_NAME)
    if secret is None:
        raise WebhookRefused(f"no Secret {SECRET_NAME} in namespace {namespace}")
    if len(body) > MAX_WEBHOOK_BYTES:
        raise WebhookRefused("webhook request body exceeds maximum size of 2MB")

    for account_name, client in sorted(_clients(secret).items()):
        if not _matches(client, headers, body):
            continue
        for account in accounts:
            if (account.name, account.namespace) == (account_name, namespace):
                return account.token
        raise WebhookRefused(f'failed to get service account "{account_name}"')
    return None


def github_signature(secret: str, body: bytes) -> str:
    """The X-Hub-Signature-256 value GitHub sends for a body."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def _clients(secret: dict[str, Any]) -> dict[str, dict[str, Any]]:
    import yaml  # a Secret only exists when manifests were loaded with YAML

    values = {
        key: base64.b64decode(value).decode()
        for key, value in (secret.get("data") or {}).items()
    }
    values.update(secret.get("stringData") or {})
    clients = {}
    for key, text in values.items():
        parsed = yaml.safe_load(text)
        if not isinstance(parsed, dict):
            raise WebhookRefused(f'failed to unmarshal webhook client "{key}"')
        clients[key] = parsed
    return clients


def _header(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name.lower())
    return values[0] if values else ""


def _matches(
    client: dict[str, Any], headers: dict[str, list[str]], body: bytes
) -> bool:
    kind = client.get("type")
    secret = str(client.get("secret") or "")
    if kind == "github":
        return _github_matches(secret, headers, body)
    if kind == "gitlab":
        return _gitlab_matches(secret, headers, body)
    return False


def _github_matches(secret: str, headers: dict[str, list[str]], body: bytes) -> bool:
    if _header(headers, "X-GitHub-Event") not in GITHUB_EVENTS or not body:
        return False
    if secret:
        expected = github_signature(secret, body)
        given = _header(headers, "X-Hub-Signature-256")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return False
    return _is_json_object(body)


def _gitlab_matches(secret: str, headers: dict[str, list[str]], body: bytes) -> bool:
    if _header(headers, "X-Gitlab-Event") not in GITLAB_EVENTS or not body:
        return False
    given = _header(headers, "X-Gitlab-Token")
    if secret and not hmac.compare_digest(given.encode(), secret.encode()):
        return False
    return _is_json_object(body)


def _is_json_object(body: bytes) -> bool:
    try:
        return isinstance(json.loads(body), dict)
    except ValueError:
        return False

"""`argo-trigger info`: the server's version, who the token is, and the namespace."""

from __future__ import annotations

import json
from typing import Any

from argo_trigger import config
from argo_trigger.cli import Run, options_from, output_format
from argo_trigger.client import ArgoClient


def run(run: Run) -> int:
    """Ask the server three questions and print the answers."""
    settings = config.resolve(options_from(run.args), run.env)
    client = ArgoClient(settings)
    version = client.version()
    user = client.userinfo()
    info = client.info()

    if output_format(run.args) == "json":
        result = {
            "server": settings.base_url,
            "namespace": settings.namespace,
            "version": version,
            "userinfo": user,
            "info": info,
        }
        run.out(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    for label, value in _rows(settings, version, user, info):
        run.out(f"{label + ':':<18}{value}")
    return 0


def _rows(
    settings: config.Settings,
    version: dict[str, Any],
    user: dict[str, Any],
    info: dict[str, Any],
) -> list[tuple[str, str]]:
    rows = [
        ("server", settings.base_url),
        ("version", _version_line(version)),
        ("namespace", settings.namespace),
        ("token acts as", _identity(user)),
    ]
    if info.get("managedNamespace"):
        rows.append(("managed namespace", str(info["managedNamespace"])))
    return rows


def _version_line(version: dict[str, Any]) -> str:
    line = str(version.get("version") or "unknown")
    details = [
        f"{key} {version[key]}"
        for key in ("buildDate", "gitCommit")
        if version.get(key)
    ]
    return f"{line} ({', '.join(details)})" if details else line


def _identity(user: dict[str, Any]) -> str:
    account = user.get("serviceAccountName")
    if account:
        where = user.get("serviceAccountNamespace") or "?"
        return f"service account {account} in namespace {where}"
    subject = user.get("subject") or user.get("email")
    if subject:
        return str(subject)
    return "unknown (the server did not say; it may run with --auth-mode=server)"

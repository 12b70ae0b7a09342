"""`argo-trigger doctor` against a stand-in with accounts of limited rights."""

from __future__ import annotations

import socket
from pathlib import Path

from argo_trigger.standin import Standin
from tests.conftest import CLI, EVENTS_TOKEN, READER_TOKEN

EXAMPLES = Path(__file__).parent.parent / "examples"
PUSH = Path(__file__).parent / "fixtures" / "ci" / "github" / "push.payload.json"
EVENT = ("-d", "ci", "--payload-file", str(PUSH))


def _names_and_status(out: str) -> list[str]:
    lines = [line for line in out.splitlines() if not line.startswith("     fix:")]
    return [line.split(":", 1)[0] for line in lines]


def test_everything_in_order_passes_for_an_events_token(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.load_manifests([EXAMPLES])
    env = {**argo_env, "ARGO_TOKEN": EVENTS_TOKEN}

    result = cli("doctor", *EVENT, env=env)

    assert result.code == 0, result.out
    assert _names_and_status(result.out) == [
        "ok   configuration",
        "ok   connection",
        "ok   server version",
        "ok   token",
        "ok   list bindings",
        "ok   get WorkflowTemplate ci-build",
        "ok   create workflows",
        "ok   binding ci-build",
    ]
    assert "ok   token: acts as service account ci-events in namespace argo" in (
        result.out.splitlines()
    )
    assert argo.workflows("argo") == []


def test_json_lists_each_check_with_ok_detail_and_fix(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.load_manifests([EXAMPLES])

    result = cli("doctor", *EVENT, "-o", "json", env=argo_env)

    checks = result.json()
    assert result.code == 0
    assert {tuple(sorted(check)) for check in checks} == {
        ("detail", "fix", "name", "ok")
    }
    assert checks[-1] == {
        "name": "binding ci-build",
        "ok": True,
        "detail": "matches this payload: creates a workflow from WorkflowTemplate "
        "ci-build",
        "fix": None,
    }


def test_a_reader_token_fails_listing_and_creating_with_fixes(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    env = {**argo_env, "ARGO_TOKEN": READER_TOKEN}

    result = cli("doctor", *EVENT, "-o", "json", env=env)

    assert result.code == 22
    failed = {c["name"]: c["fix"] for c in result.json() if not c["ok"]}
    assert failed == {
        "list bindings": "grant workfloweventbindings: list in namespace argo",
        "create workflows": "grant workflows: create in namespace argo",
    }
    assert READER_TOKEN not in result.out


def test_a_missing_template_fails_with_its_fix(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.load_manifests([EXAMPLES / "ci-build-workfloweventbinding.yaml"])

    result = cli("doctor", *EVENT, "-o", "json", env=argo_env)

    assert result.code == 22
    by_name = {check["name"]: check for check in result.json()}
    assert by_name["get WorkflowTemplate ci-build"] == {
        "name": "get WorkflowTemplate ci-build",
        "ok": False,
        "detail": 'workflowtemplate.argoproj.io "ci-build" not found',
        "fix": "create WorkflowTemplate ci-build, or correct binding ci-build's "
        "reference",
    }
    assert by_name["binding ci-build"]["ok"] is False


def test_no_matching_binding_is_a_warning_that_shows_the_selectors(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    argo.load_manifests([EXAMPLES])

    result = cli("doctor", "-d", "deploy", "--payload-file", str(PUSH), env=argo_env)

    assert result.code == 0
    assert result.out.splitlines()[-2:] == [
        "warn bindings match: no binding matches this payload (discriminator "
        "'deploy'); selectors: ci-build: payload.schema == 1 && discriminator == "
        '"ci" && payload.type in ["push", "tag", "manual"]',
        "     fix: compare the selectors with argo-trigger payload, or use the "
        "discriminator (-d) a binding expects",
    ]


def test_a_bad_token_stops_at_the_token_check(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    env = {**argo_env, "ARGO_TOKEN": "not-a-known-token"}

    result = cli("doctor", env=env)

    assert result.code == 22
    assert _names_and_status(result.out) == [
        "ok   configuration",
        "ok   connection",
        "FAIL token",
    ]
    assert "not-a-known-token" not in result.out


def test_an_unreachable_server_fails_the_connection(cli: CLI) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"ARGO_SERVER": f"http://127.0.0.1:{port}", "ARGO_TOKEN": "some-token"}

    result = cli("doctor", env={**env, "ARGO_TRIGGER_TIMEOUT": "2"})

    assert result.code == 22
    assert _names_and_status(result.out) == ["ok   configuration", "FAIL connection"]


def test_no_server_configured_fails_the_configuration(cli: CLI) -> None:
    result = cli("doctor", "-o", "json")

    assert result.code == 22
    (check,) = result.json()
    assert (check["name"], check["ok"]) == ("configuration", False)
    assert check["fix"] == (
        "set ARGO_SERVER (host:port or URL), ARGO_TOKEN and ARGO_NAMESPACE"
    )

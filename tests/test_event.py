"""`argo-trigger event` against the stand-in Argo Server, over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, CLI, EVENTS_TOKEN

GITHUB_ENV = {
    "GITHUB_ACTIONS": "true",
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/shop",
    "GITHUB_RUN_ID": "7001",
    "GITHUB_RUN_NUMBER": "12",
    "GITHUB_RUN_ATTEMPT": "1",
    "GITHUB_JOB": "deploy",
    "GITHUB_EVENT_NAME": "push",
    "GITHUB_REF": "refs/heads/main",
    "GITHUB_REF_NAME": "main",
    "GITHUB_REF_TYPE": "branch",
    "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    "GITHUB_ACTOR": "octocat",
    "GITHUB_WORKFLOW": "ci",
}


def test_the_event_reaches_the_server_with_the_payload_and_discriminator(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("event", "-d", "ci", "--param", "env=prod", env=argo_env)

    assert result.code == 0, result.err
    [event] = argo.events
    assert (event.namespace, event.discriminator) == ("argo", "ci")
    assert event.payload["schema"] == 1
    assert event.payload["params"] == {"env": "prod"}
    assert event.payload["id"] in result.out


def test_json_output_carries_the_event_id_the_payload_and_the_answer(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("-o", "json", "event", "-d", "ci", env={**argo_env, **GITHUB_ENV})

    shown = result.json()
    [event] = argo.events
    assert shown["event_id"] == event.payload["id"]
    assert shown["payload"] == event.payload
    assert shown["response"] == {}
    assert shown["url"] == f"{argo.url}/api/v1/events/argo/ci"


def test_the_event_id_is_the_same_when_the_same_job_sends_again(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    env = {**argo_env, **GITHUB_ENV}
    cli("event", "-d", "ci", env=env)
    cli("event", "-d", "ci", env=env)
    cli("event", "-d", "ci", "--event-key", "second", env=env)

    first, again, keyed = (e.payload["id"] for e in argo.events)
    assert first == again
    assert keyed != first


def test_an_empty_discriminator_keeps_the_trailing_slash(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("event", env=argo_env)

    assert result.code == 0, result.err
    assert argo.requests[-1].path == "/api/v1/events/argo/"
    assert argo.events[0].discriminator == ""


def test_namespace_flag_after_the_command_is_used(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("event", "-d", "ci", "-n", "prod", env=argo_env)

    assert result.code == 0, result.err
    assert argo.events[0].namespace == "prod"


def test_bearer_prefix_in_argo_token_is_not_doubled(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    env = {**argo_env, "ARGO_TOKEN": f"Bearer {ADMIN_TOKEN}"}
    assert cli("event", "-d", "ci", env=env).code == 0
    assert argo.requests[-1].headers["authorization"] == f"Bearer {ADMIN_TOKEN}"


def test_payload_file_is_sent_byte_for_byte(
    cli: CLI, argo: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    body = tmp_path / "body.json"
    body.write_bytes(b'{"ref": "refs/heads/main",  "n": 1}')
    result = cli("event", "-d", "x", "--payload-file", str(body), env=argo_env)

    assert result.code == 0, result.err
    assert argo.requests[-1].body == body.read_bytes()


def test_native_sends_githubs_own_event_with_its_event_header(
    cli: CLI, argo: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps({"ref": "refs/heads/main", "commits": []}))
    env = {**argo_env, **GITHUB_ENV, "GITHUB_EVENT_PATH": str(event_file)}
    result = cli("event", "--native", env=env)

    assert result.code == 0, result.err
    [event] = argo.events
    assert event.payload == {"ref": "refs/heads/main", "commits": []}
    assert event.headers["x-github-event"] == ["push"]


def test_extra_headers_are_sent(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("event", "-d", "ci", "-H", "X-Team: payments", env=argo_env)

    assert result.code == 0, result.err
    assert argo.events[0].headers["x-team"] == ["payments"]


def test_dry_run_prints_the_request_with_the_token_masked_and_sends_nothing(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    result = cli("event", "-d", "ci", "--dry-run", env=argo_env)

    assert result.code == 0, result.err
    assert argo.requests == []
    assert f"POST {argo.url}/api/v1/events/argo/ci" in result.out
    assert "Authorization: Bearer ***" in result.out
    assert ADMIN_TOKEN not in result.out + result.err


def test_dry_run_works_without_a_server(cli: CLI) -> None:
    result = cli("event", "-d", "ci", "--dry-run")
    assert result.code == 0, result.err
    assert "POST $ARGO_SERVER/api/v1/events/argo/ci" in result.out


def test_base_href_prefix_is_kept(cli: CLI) -> None:
    from tests.conftest import accounts

    with Standin(accounts=accounts(), base_href="/argo/") as server:
        server.start()
        env = {"ARGO_SERVER": server.url, "ARGO_TOKEN": ADMIN_TOKEN}
        result = cli("event", "-d", "ci", "--base-href", "/argo/", env=env)
        assert result.code == 0, result.err
        assert server.requests[-1].path == "/argo/api/v1/events/argo/ci"


def test_a_token_that_may_only_send_events_can_send_them(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    env = {**argo_env, "ARGO_TOKEN": EVENTS_TOKEN}
    assert cli("event", "-d", "ci", env=env).code == 0


def test_github_outputs_are_written_in_github_actions(
    cli: CLI, argo: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    outputs = tmp_path / "output"
    summary = tmp_path / "summary"
    env = {
        **argo_env,
        **GITHUB_ENV,
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    result = cli("event", "-d", "ci", env=env)

    assert result.code == 0, result.err
    event_id = argo.events[0].payload["id"]
    text = outputs.read_text()
    assert "event-id<<ghadelimiter_" in text
    assert f"\n{event_id}\n" in text
    assert event_id in summary.read_text()


def test_dotenv_report_is_written_when_asked(
    cli: CLI, argo: Standin, argo_env: dict[str, str], tmp_path: Path
) -> None:
    dotenv = tmp_path / "argo.env"
    result = cli("event", "-d", "ci", "--dotenv", str(dotenv), env=argo_env)

    assert result.code == 0, result.err
    lines = dotenv.read_text().splitlines()
    assert f"ARGO_EVENT_ID={argo.events[0].payload['id']}" in lines


def test_wrapper_variables_configure_the_event_and_flags_beat_them(
    cli: CLI, argo: Standin, argo_env: dict[str, str]
) -> None:
    env = {
        **argo_env,
        **GITHUB_ENV,
        "ARGO_TRIGGER_DISCRIMINATOR": "from-env",
        "ARGO_TRIGGER_PARAMS": "env: staging\nreplicas: 3\n",
        "ARGO_TRIGGER_EVENT_KEY": "deploy",
    }
    assert cli("event", env=env).code == 0
    assert cli("event", "-d", "flag", "--param", "env=prod", env=env).code == 0
    plain = cli("-o", "json", "payload", "-d", "from-env", env=GITHUB_ENV).json()

    by_env, by_flag = argo.events
    assert by_env.discriminator == "from-env"
    assert by_env.payload["params"] == {"env": "staging", "replicas": "3"}
    assert by_env.payload["id"] != plain["id"]
    assert by_flag.discriminator == "flag"
    assert by_flag.payload["params"] == {"env": "prod", "replicas": "3"}


def test_a_malformed_params_variable_is_a_usage_error_naming_it(
    cli: CLI, argo_env: dict[str, str]
) -> None:
    env = {**argo_env, "ARGO_TRIGGER_PARAMS": "[not, a, mapping]"}
    result = cli("event", "-d", "ci", env=env)

    assert result.code == 2
    assert "ARGO_TRIGGER_PARAMS" in result.err

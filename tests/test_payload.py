"""The payload's layout, time, event id and labels."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from argo_trigger.ci.context import CIContext, make_context
from argo_trigger.errors import UsageError
from argo_trigger.payload import (
    EVENT_ID_LABEL,
    SCHEMA_VERSION,
    build_payload,
    ci_labels,
    compute_event_id,
    validate_event_id,
)

SRC = Path(__file__).resolve().parent.parent / "src"
NOW = datetime(2026, 12, 3, 12, 0, 0, tzinfo=timezone.utc)
LABEL_VALUE = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")


def gitlab_context(**ci: Any) -> CIContext:
    return make_context(
        "gitlab",
        "push",
        ci={
            "server_url": "https://gitlab.example.com",
            "run_id": "77",
            "run_attempt": 3,
            "job": "deploy",
        }
        | ci,
        repository={"slug": "g/p"},
        git={"sha": "0123456789abcdef0123456789abcdef01234567"},
        pull_request={},
    )


def event_id(context: CIContext, **fields: Any) -> str:
    arguments = {"namespace": "argo", "discriminator": "", "event_key": None}
    return compute_event_id(context, **(arguments | fields))


def test_payload_has_every_object_and_key() -> None:
    payload = build_payload(
        gitlab_context(), namespace="argo", discriminator="ci", params={}, now=NOW
    )

    assert list(payload) == [
        "schema", "id", "type", "time", "ci", "repository", "git",
        "pull_request", "params",
    ]  # fmt: skip
    assert payload["schema"] == SCHEMA_VERSION == 1
    assert payload["ci"]["provider"] == "gitlab"
    assert payload["git"]["short_sha"] == "01234567"
    assert payload["pull_request"]["number"] is None
    assert payload["params"] == {}


def test_payload_objects_are_plain_dicts() -> None:
    payload = build_payload(
        gitlab_context(), namespace="argo", discriminator="ci", params={}, now=NOW
    )

    for key in ("ci", "repository", "git", "pull_request", "params"):
        assert type(payload[key]) is dict
    assert not isinstance(payload["ci"], MappingProxyType)


def test_payload_copies_params() -> None:
    params = {"image": "x:1"}

    payload = build_payload(
        gitlab_context(), namespace="a", discriminator="b", params=params, now=NOW
    )
    params["image"] = "changed"

    assert payload["params"] == {"image": "x:1"}


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (datetime(2026, 12, 3, 12, 0, 0, 999999, tzinfo=timezone.utc), "12:00:00Z"),
        (
            datetime(2026, 12, 3, 14, 30, 5, tzinfo=timezone(timedelta(hours=2))),
            "12:30:05Z",
        ),
        (datetime(2026, 12, 3, 12, 0, 7), "12:00:07Z"),
    ],
)
def test_time_is_rfc3339_utc_in_whole_seconds(now: datetime, text: str) -> None:
    payload = build_payload(
        gitlab_context(), namespace="a", discriminator="b", params={}, now=now
    )

    assert payload["time"] == f"2026-12-03T{text}"


def test_time_defaults_to_now() -> None:
    # A second either side: the payload reads the clock through `time`, the
    # test through `datetime`, and the two may round across a second.
    before = datetime.now(timezone.utc) - timedelta(seconds=1)
    payload = build_payload(
        gitlab_context(), namespace="a", discriminator="b", params={}
    )
    after = datetime.now(timezone.utc) + timedelta(seconds=1)

    moment = datetime.strptime(payload["time"], "%Y-%m-%dT%H:%M:%SZ")
    assert before <= moment.replace(tzinfo=timezone.utc) <= after


def test_event_id_has_the_documented_value() -> None:
    # sha256 of ["gitlab","https://gitlab.example.com","g/p",null,"77",3,null,
    # "deploy",null,"argo","",null], computed once with sha256sum.
    assert event_id(gitlab_context()) == "2c060a561b5b8087d1ee5abcbce73174"


def test_event_id_is_the_same_for_the_same_inputs() -> None:
    assert event_id(gitlab_context()) == event_id(gitlab_context())


@pytest.mark.parametrize(
    "fields",
    [
        {"event_key": "second"},
        {"event_key": ""},
        {"namespace": "other"},
        {"discriminator": "ci"},
    ],
)
def test_event_id_changes_with_the_call(fields: dict[str, Any]) -> None:
    assert event_id(gitlab_context(), **fields) != event_id(gitlab_context())


@pytest.mark.parametrize(
    "ci",
    [
        {"run_attempt": 4},
        {"run_id": "78"},
        {"job": "deploy-2"},
        {"job": None},
        {"server_url": "https://gitlab.other.example.com"},
        {"pipeline": "g/other"},
        {"run_url": "https://jenkins.example.com/job/app/job/feature/77/"},
        {"job_url": "https://gitlab.example.com/g/p/-/jobs/1002"},
    ],
)
def test_event_id_changes_with_the_run(ci: dict[str, Any]) -> None:
    assert event_id(gitlab_context(**ci)) != event_id(gitlab_context())


def test_event_id_changes_with_the_repository() -> None:
    context = gitlab_context()
    moved = CIContext(
        provider=context.provider,
        type=context.type,
        ci=context.ci,
        repository={**context.repository, "slug": "g/q"},
        git=context.git,
        pull_request=context.pull_request,
    )

    assert event_id(moved) != event_id(context)


def test_event_id_fields_cannot_run_into_each_other() -> None:
    joined = event_id(gitlab_context(), namespace="a,b", discriminator="c")
    split = event_id(gitlab_context(), namespace="a", discriminator="b,c")

    assert joined != split


def test_local_event_id_is_random_and_a_label_value() -> None:
    context = make_context("local", "manual", ci={}, repository={}, git={},
                           pull_request={})  # fmt: skip

    ids = {event_id(context) for _ in range(5)}

    assert len(ids) == 5
    for value in ids:
        assert re.fullmatch(r"[0-9a-f]{32}", value)


def test_given_event_id_replaces_the_computed_one() -> None:
    payload = build_payload(
        gitlab_context(),
        namespace="a",
        discriminator="b",
        params={},
        event_id="release-2.3.1",
        now=NOW,
    )

    assert payload["id"] == "release-2.3.1"


def test_invalid_given_event_id_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not a valid Kubernetes label value"):
        build_payload(
            gitlab_context(), namespace="a", discriminator="b", params={},
            event_id="no spaces",
        )  # fmt: skip


@pytest.mark.parametrize("value", ["a", "A9", "x" * 63, "a.b_c-d", "0"])
def test_valid_event_ids(value: str) -> None:
    assert validate_event_id(value) == value


@pytest.mark.parametrize(
    "value", ["", "-a", "a-", "_a", "a.", "a b", "x" * 64, "ä", "a/b", "a\nb"]
)
def test_invalid_event_ids(value: str) -> None:
    with pytest.raises(UsageError) as raised:
        validate_event_id(value)

    assert str(raised.value) == (
        f"event id {value!r} is not a valid Kubernetes label value: use 1 to 63"
        " letters, digits, '-', '_' or '.', beginning and ending with a letter"
        " or digit"
    )


def test_invalid_event_id_message_is_shortened() -> None:
    with pytest.raises(UsageError) as raised:
        validate_event_id("y" * 500)

    assert "y" * 68 not in str(raised.value)
    assert "\n" not in str(raised.value)


def test_event_id_label_key_is_documented_name() -> None:
    assert EVENT_ID_LABEL == "argo-trigger/event-id"


def test_ci_labels_name_provider_run_and_commit() -> None:
    assert ci_labels(gitlab_context()) == {
        "argo-trigger/ci-provider": "gitlab",
        "argo-trigger/ci-run-id": "77",
        "argo-trigger/git-sha": "01234567",
    }


def test_ci_labels_leave_out_unknown_values() -> None:
    context = make_context("local", "manual", ci={}, repository={}, git={},
                           pull_request={})  # fmt: skip

    assert ci_labels(context) == {"argo-trigger/ci-provider": "local"}


@pytest.mark.parametrize(
    ("run_id", "label"),
    [
        ("2026-12-03_12-00-00", "2026-12-03_12-00-00"),
        ("#42 (rebuild)", "42-rebuild"),
        ("-._x", "x"),
        ("9" * 80, "9" * 63),
        ("a" * 62 + "/b", "a" * 62),
        ("///", None),
    ],
)
def test_ci_labels_are_sanitized(run_id: str, label: str | None) -> None:
    labels = ci_labels(gitlab_context(run_id=run_id))

    assert labels.get("argo-trigger/ci-run-id") == label
    for value in labels.values():
        assert len(value) <= 63
        assert LABEL_VALUE.fullmatch(value)


def test_modules_import_no_http_stack_or_yaml() -> None:
    code = (
        "import sys, argo_trigger.ci, argo_trigger.payload, argo_trigger.params;"
        "print(sorted(m for m in ('requests', 'urllib3', 'yaml') if m in sys.modules))"
    )
    env = os.environ | {"PYTHONPATH": str(SRC)}

    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("env", "runs_git"),
    [
        ({"GITLAB_CI": "true"}, False),
        ({"GITHUB_ACTIONS": "true"}, False),
        ({"JENKINS_URL": "https://ci.example.com/"}, False),
        ({}, True),
    ],
)
def test_git_runs_only_for_local(
    env: dict[str, str], runs_git: bool, tmp_path: Path
) -> None:
    # A stand-in git on PATH leaves a trace whenever anything runs it.
    trace = tmp_path / "git-ran"
    fake_git = tmp_path / "git"
    fake_git.write_text(f"#!/bin/sh\necho ran > {trace}\nexit 1\n", encoding="utf-8")
    fake_git.chmod(0o755)
    code = f"import argo_trigger.ci as ci; ci.detect({env!r})"
    child_env = os.environ | {"PYTHONPATH": str(SRC), "PATH": str(tmp_path)}

    subprocess.run([sys.executable, "-c", code], env=child_env, check=True)

    assert trace.exists() == runs_git

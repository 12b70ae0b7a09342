"""Recorded CI environments give exactly the payloads written beside them."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from argo_trigger.ci import detect, github, gitlab, jenkins
from argo_trigger.payload import build_payload, ci_labels

FIXTURES = Path(__file__).parent / "fixtures" / "ci"
NOW = datetime(2026, 12, 3, 12, 0, 0, tzinfo=timezone.utc)
PARAMS = {"image": "registry.example.com/widgets:2.3.1", "environment": "staging"}
CASES = sorted(
    (path.parent.name, path.name.removesuffix(".env"))
    for path in FIXTURES.glob("*/*.env")
)
CASE_IDS = [f"{provider}/{case}" for provider, case in CASES]

LABEL_VALUE = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
SECRET_NAME = re.compile(r"TOKEN|PASSWORD|PASSPHRASE|SECRET|PSW|CREDS|JWT|COOKIE")

# Real secrets, and look-alikes of the variables the providers do read.
PLANTED = {
    "AWS_SECRET_ACCESS_KEY": "planted-aws-wJalrXUtnFEMI-K7MDENG",
    "GITHUB_REF_SECRET": "planted-github-ref-secret-1f2e",
    "GITHUB_SHA_TOKEN": "planted-github-sha-token-3c4d",
    "GITHUB_EVENT_PATH_OVERRIDE": "planted-event-path-5e6f",
    "CI_COMMIT_MESSAGE_PRIVATE": "planted-commit-message-7a8b",
    "CI_MERGE_REQUEST_TITLE_TOKEN": "planted-mr-title-token-9c0d",
    "CI_PROJECT_PATH_PASSWORD": "planted-project-path-password-1a2b",
    "GIT_URL_CREDENTIALS": "planted-git-url-credentials-3c4d",
    "CHANGE_AUTHOR_EMAIL_SECRET": "planted-change-author-secret-5e6f",
    "JENKINS_API_TOKEN": "planted-jenkins-api-token-7a8b",
}
DISCRIMINATING = {"GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL"}
ALLOWED = DISCRIMINATING.union(github.VARIABLES, gitlab.VARIABLES, jenkins.VARIABLES)

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Dev Eloper",
    "GIT_AUTHOR_EMAIL": "dev@example.com",
    "GIT_AUTHOR_DATE": "2026-12-01T10:00:00+00:00",
    "GIT_COMMITTER_NAME": "Dev Eloper",
    "GIT_COMMITTER_EMAIL": "dev@example.com",
    "GIT_COMMITTER_DATE": "2026-12-01T10:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


class RecordingEnv(Mapping[str, str]):
    """An environment that remembers every name looked up in it."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)
        self.read: set[str] = set()
        self.iterated = False

    def __getitem__(self, name: str) -> str:
        self.read.add(name)
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        self.read.add(str(name))
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        self.iterated = True
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def load_env(provider: str, case: str) -> dict[str, str]:
    """A recorded environment, with GITHUB_EVENT_PATH made absolute."""
    env: dict[str, str] = {}
    text = (FIXTURES / provider / f"{case}.env").read_text(encoding="utf-8")
    for line in text.splitlines():
        name, _, value = line.partition("=")
        env[name] = json.loads(value) if value.startswith('"') else value
    if "GITHUB_EVENT_PATH" in env:
        env["GITHUB_EVENT_PATH"] = str(FIXTURES / provider / env["GITHUB_EVENT_PATH"])
    return env


def expected_payload(provider: str, case: str) -> dict[str, object]:
    path = FIXTURES / provider / f"{case}.payload.json"
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def git(cwd: Path, *args: str) -> None:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd), **GIT_IDENTITY}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def make_local_repo(path: Path, case: str) -> Path:
    """The working directory a `local` case runs in (see the fixtures README)."""
    path.mkdir(parents=True)
    if case == "no-repo":
        return path

    git(path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("widgets\n", encoding="utf-8")
    git(path, "add", "README.md")
    git(path, "commit", "-q", "-m", "Start the widgets repository")
    if case == "branch":
        git(path, "checkout", "-q", "-b", "feature/local-trial")
    elif case == "tag":
        git(path, "tag", "v0.3.0")
        git(path, "checkout", "-q", "--detach", "v0.3.0")
    return path


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Keep git from finding a repository above the test's directory.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return tmp_path


def payload_for(
    provider: str, case: str, env: Mapping[str, str], cwd: Path
) -> dict[str, Any]:
    workdir = make_local_repo(cwd / "work", case) if provider == "local" else cwd
    context = detect(env, str(workdir))
    return build_payload(
        context, namespace="argo", discriminator="ci", params=PARAMS, now=NOW
    )


def test_every_required_case_is_recorded() -> None:
    counts = {p: sum(1 for q, _ in CASES if q == p) for p in ("github", "gitlab")}
    counts |= {p: sum(1 for q, _ in CASES if q == p) for p in ("jenkins", "local")}
    assert counts == {"github": 7, "gitlab": 7, "jenkins": 4, "local": 3}


@pytest.mark.parametrize(("provider", "case"), CASES, ids=CASE_IDS)
def test_recorded_environment_gives_the_recorded_payload(
    provider: str, case: str, cwd: Path
) -> None:
    payload = payload_for(provider, case, load_env(provider, case), cwd)
    expected = expected_payload(provider, case)

    if expected["id"] == "random":
        assert re.fullmatch(r"[0-9a-f]{32}", payload["id"])
        expected["id"] = payload["id"]
    assert payload == expected


@pytest.mark.parametrize(("provider", "case"), CASES, ids=CASE_IDS)
def test_no_secret_reaches_the_payload(provider: str, case: str, cwd: Path) -> None:
    env = load_env(provider, case) | PLANTED
    secrets = [value for name, value in env.items() if SECRET_NAME.search(name)]
    secrets += list(PLANTED.values())
    secrets.append("client-payload-secret-9f8e7d")

    serialized = json.dumps(payload_for(provider, case, env, cwd))

    assert len(secrets) > len(PLANTED)
    for secret in secrets:
        assert secret not in serialized


@pytest.mark.parametrize(("provider", "case"), CASES, ids=CASE_IDS)
def test_only_allow_listed_variables_are_read(
    provider: str, case: str, cwd: Path
) -> None:
    env = RecordingEnv(load_env(provider, case) | PLANTED)

    payload_for(provider, case, env, cwd)

    assert not env.iterated
    assert env.read <= ALLOWED


@pytest.mark.parametrize(("provider", "case"), CASES, ids=CASE_IDS)
def test_ci_labels_are_valid_label_values(provider: str, case: str, cwd: Path) -> None:
    workdir = make_local_repo(cwd / "work", case) if provider == "local" else cwd
    labels = ci_labels(detect(load_env(provider, case), str(workdir)))

    assert labels["argo-trigger/ci-provider"] == provider
    for value in labels.values():
        assert len(value) <= 63
        assert LABEL_VALUE.fullmatch(value)


@pytest.mark.parametrize(("provider", "case"), CASES, ids=CASE_IDS)
def test_event_id_is_a_valid_label_value(provider: str, case: str, cwd: Path) -> None:
    payload = payload_for(provider, case, load_env(provider, case), cwd)

    assert LABEL_VALUE.fullmatch(payload["id"])


@pytest.mark.parametrize(
    "case", [c for p, c in CASES if p == "github"], ids=lambda c: f"github/{c}"
)
def test_github_context_names_the_native_event(case: str) -> None:
    env = load_env("github", case)

    context = detect(env)

    assert context.native_event is not None
    assert context.native_event.name == env["GITHUB_EVENT_NAME"]
    assert context.native_event.path == env["GITHUB_EVENT_PATH"]


def test_local_runs_get_a_new_id_each_time(cwd: Path) -> None:
    env = load_env("local", "branch")
    first = payload_for("local", "branch", env, cwd / "one")
    second = payload_for("local", "branch", env, cwd / "two")

    assert first["id"] != second["id"]

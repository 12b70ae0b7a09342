"""Fixtures for running the repository's `action.yml` as GitHub would.

Installing argo-trigger into a fresh virtual environment takes seconds, so it
happens for real once in `test_action_install.py`; every other test starts
with the action's environment folder already present under `runner.temp`, as
it is when the action runs a second time in one job. That folder links to one
environment built per session from a copy of this checkout, and the `install`
input then names the installed distribution, which pip finds satisfied.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.action.runner import ActionRun, run_action

ROOT = Path(__file__).resolve().parents[2]
GITHUB_FIXTURES = ROOT / "tests" / "fixtures" / "ci" / "github"
VENV_NAME = "argo-trigger"
PIP_QUIET = ["--disable-pip-version-check", "--no-input", "-q"]


def copy_checkout(destination: Path) -> Path:
    """The files pip and the action need, copied so builds never touch ROOT."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "README.md", "LICENSE", "action.yml"):
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, destination / name)
    shutil.copytree(
        ROOT / "src",
        destination / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    return destination


def read_env_file(path: Path) -> dict[str, str]:
    """A recorded `.env` file: NAME=value lines, JSON strings for newlines."""
    values: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        name, _, value = line.partition("=")
        values[name] = json.loads(value) if value.startswith('"') else value
    return values


@dataclass
class GitHubJob:
    """A recorded GitHub job: the machine's environment and the job's `env:`."""

    machine: dict[str, str]
    job_env: dict[str, str]


def github_job(case: str) -> GitHubJob:
    """The recorded environment of `tests/fixtures/ci/github/<case>.env`.

    Its ARGO_* variables are the workflow's own `env:`; paths that exist only
    on GitHub's machine (PATH, HOME, the event file) point at this one.
    """
    recorded = read_env_file(GITHUB_FIXTURES / f"{case}.env")
    job_env = {k: v for k, v in recorded.items() if k.startswith("ARGO_")}
    machine = {k: v for k, v in recorded.items() if k not in job_env}
    machine["PATH"] = os.environ["PATH"]
    machine["HOME"] = os.environ.get("HOME", str(Path.home()))
    for name in ("PWD", "_"):
        machine.pop(name, None)
    event_path = machine.get("GITHUB_EVENT_PATH")
    if event_path:
        machine["GITHUB_EVENT_PATH"] = str(GITHUB_FIXTURES / event_path)
    return GitHubJob(machine, job_env)


@pytest.fixture(scope="session")
def shared_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One virtual environment with this checkout installed, for the session."""
    base = tmp_path_factory.mktemp("action-venv")
    checkout = copy_checkout(base / "checkout")
    venv = base / VENV_NAME
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", *PIP_QUIET]
    subprocess.run([*pip, str(checkout)], check=True)
    return venv


RunAction = Callable[..., ActionRun]


@pytest.fixture
def action(shared_venv: Path, tmp_path: Path) -> RunAction:
    """Run the repository's action.yml in a recorded GitHub job.

    `action(case, inputs, job_env=...)`: `case` names a recorded environment
    (push, tag, pull_request...); `job_env` replaces the workflow's `env:`.
    """

    def run(
        case: str,
        inputs: Mapping[str, str],
        *,
        job_env: Mapping[str, str] | None = None,
    ) -> ActionRun:
        job = github_job(case)
        temp = tmp_path / "runner-temp"
        temp.mkdir(exist_ok=True)
        link = temp / VENV_NAME
        if not link.exists():
            link.symlink_to(shared_venv, target_is_directory=True)
        workspace = tmp_path / "workspace"
        workspace.mkdir(exist_ok=True)
        return run_action(
            ROOT,
            {"install": "argo-trigger", **inputs},
            environment=job.machine,
            job_env=job.job_env if job_env is None else job_env,
            temp=temp,
            workspace=workspace,
        )

    return run

"""The install input: the job installs argo-trigger with pip before running it.

The other tests leave `install` empty and put this checkout's argo-trigger on
the jobs' PATH; this one lets the job install it into a fresh virtual
environment, from this checkout, as it would install a release from PyPI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN
from tests.report.gitlab_api import GitLabAPI

from .conftest import CHECKOUT, GITLAB_TOKEN, Pipeline, component, gitlab_api_args


def test_the_job_installs_argo_trigger_with_pip_and_runs_it(
    pipeline: Pipeline, argo_gitlab: Standin, tmp_path: Path
) -> None:
    venv = tmp_path / "job-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    assert not (venv / "bin" / "argo-trigger").exists()
    inputs = {
        "argo-server": argo_gitlab.url,
        "discriminator": "gitlab",
        "install": str(CHECKOUT),
    }

    run = pipeline(
        {"include": [component(inputs)]},
        variables={"ARGO_TOKEN": ADMIN_TOKEN},
        path=[venv / "bin"],
    )

    assert run.code == 0, run.output
    assert (venv / "bin" / "argo-trigger").exists()
    (event,) = argo_gitlab.events
    assert event.payload["ci"]["provider"] == "gitlab"
    # Without a GitLab token the job stays light: no python-gitlab.
    python = venv / "bin" / "python"
    probe = subprocess.run([str(python), "-c", "import gitlab"], check=False)
    assert probe.returncode != 0


def test_with_a_gitlab_token_the_job_installs_the_gitlab_extra_too(
    pipeline: Pipeline, argo_gitlab: Standin, gitlab_api: GitLabAPI, tmp_path: Path
) -> None:
    venv = tmp_path / "job-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    inputs = {
        "argo-server": argo_gitlab.url,
        "workflow-template": "deploy",
        "install": str(CHECKOUT),
        "gitlab-token-variable": "ARGO_STATUS_TOKEN",
    }

    run = pipeline(
        {"include": [component(inputs)]},
        variables={"ARGO_TOKEN": ADMIN_TOKEN, "ARGO_STATUS_TOKEN": GITLAB_TOKEN},
        args=gitlab_api_args(gitlab_api),
        path=[venv / "bin"],
    )

    assert run.code == 0, run.output
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-c", "import gitlab"], check=True)
    (workflow,) = argo_gitlab.workflows("argo")
    (status,) = gitlab_api.statuses
    assert status["name"] == f"argo/{workflow['metadata']['name']}"

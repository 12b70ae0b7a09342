"""The action installs argo-trigger into a fresh environment under runner.temp.

This is the one test that pays for a real `pip install`: from a copy of the
checkout, as `uses: ./` gives it, with the `install` input left at its default.
"""

from __future__ import annotations

from pathlib import Path

from argo_trigger.standin import Standin
from tests.action.conftest import VENV_NAME, copy_checkout, github_job
from tests.action.runner import run_action
from tests.conftest import ADMIN_TOKEN


def test_a_fresh_job_installs_the_actions_own_checkout(
    argo: Standin, tmp_path: Path
) -> None:
    checkout = copy_checkout(tmp_path / "checkout")
    job = github_job("push")
    temp = tmp_path / "runner-temp"

    run = run_action(
        checkout,
        {"argo-server": argo.url, "argo-token": ADMIN_TOKEN, "discriminator": "ci"},
        environment=job.machine,
        job_env=job.job_env,
        temp=temp,
        workspace=tmp_path,
    )

    assert run.outcome == "success", run.log
    venv = temp / VENV_NAME
    assert not venv.is_symlink()
    assert (venv / "bin" / "argo-trigger").exists()
    assert [step.outcome for step in run.steps] == ["success"] * 3
    assert len(argo.events) == 1
    assert run.outputs["event-id"] == argo.events[0].payload["id"]

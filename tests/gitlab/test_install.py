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

from .conftest import CHECKOUT, Pipeline, component


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

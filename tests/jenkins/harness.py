"""Run the Jenkins library's steps under Groovy, as Jenkins loads them.

`harness.groovy` binds the pipeline steps (sh, withEnv, withCredentials...)
to recording stand-ins; `run_steps` hands it a batch of cases in one JVM and
returns each case's record by name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VARS = ROOT / "jenkins" / "vars"
RESOURCES = ROOT / "jenkins" / "resources"
RUN_SH = RESOURCES / "argo-trigger" / "run.sh"
HARNESS = HERE / "harness.groovy"
CLI = ROOT / ".venv" / "bin" / "argo-trigger"


# Only these reach Groovy and the commands it runs: the developer's own Argo
# and CI variables must not change what a step does. pip's own settings pass,
# for the steps that install argo-trigger.
KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "JAVA_HOME")


def groovy_command() -> tuple[str, dict[str, str]]:
    """The groovy program and a clean environment in which it finds a JDK."""
    groovy = shutil.which("groovy")
    if groovy is None:
        pytest.fail("groovy is not installed; run scripts/install-groovy")
    env = {
        name: value
        for name, value in os.environ.items()
        if name in KEPT or name.startswith("PIP_")
    }
    java_home = env.get("JAVA_HOME", "")
    if not (Path(java_home) / "bin" / "java").is_file():
        java = shutil.which("java")
        if java is None:
            pytest.fail("no JDK found for groovy; install one or set JAVA_HOME")
        env["JAVA_HOME"] = str(Path(java).resolve().parents[1])
    return groovy, env


def run_steps(cases: list[dict[str, Any]], folder: Path) -> dict[str, Any]:
    """Run every case in one Groovy process; the records, by case name."""
    groovy, env = groovy_command()
    cases_file = folder / "cases.json"
    results_file = folder / "results.json"
    spec = {"vars": str(VARS), "resources": str(RESOURCES), "cases": cases}
    cases_file.write_text(json.dumps(spec), encoding="utf-8")

    completed = subprocess.run(
        [groovy, str(HARNESS), str(cases_file), str(results_file)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr

    records = json.loads(results_file.read_text(encoding="utf-8"))
    return {record["name"]: record for record in records}


def calls(record: dict[str, Any], step: str) -> list[dict[str, Any]]:
    """The calls a case made to one pipeline step, in order."""
    return [call for call in record["steps"] if call["step"] == step]


def only(record: dict[str, Any], step: str) -> dict[str, Any]:
    """The one call a case made to a step; fails unless there was exactly one."""
    found = calls(record, step)
    assert len(found) == 1, f"{step} called {len(found)} times: {record['steps']}"
    return found[0]

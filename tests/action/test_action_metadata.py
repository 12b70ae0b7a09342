"""action.yml follows GitHub's metadata syntax for composite actions.

The rules checked are those of GitHub's "Metadata syntax for GitHub Actions"
reference: required `name`, `description` and `runs`; every input with a
description; every output of a composite action with a description and a
value; every `run` step with a `shell`. Beyond them, the project's own rules:
kebab-case inputs with string defaults, and inputs that reach scripts only
through `env:`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.action.conftest import ROOT

ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
INPUT_KEYS = {"description", "required", "default", "deprecationMessage"}
STEP_KEYS = {
    "run",
    "shell",
    "uses",
    "with",
    "name",
    "id",
    "if",
    "env",
    "working-directory",
    "continue-on-error",
}


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    document = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert isinstance(document, dict)
    return document


def test_name_description_and_runs_are_present(action: dict[str, Any]) -> None:
    assert isinstance(action.get("name"), str) and action["name"]
    assert isinstance(action.get("description"), str) and action["description"]
    assert action["runs"]["using"] == "composite"
    assert action["runs"]["steps"]


def test_every_input_is_described_with_a_string_default(
    action: dict[str, Any],
) -> None:
    for name, spec in action["inputs"].items():
        assert ID.match(name) and KEBAB.match(name), name
        assert set(spec) <= INPUT_KEYS, name
        assert isinstance(spec.get("description"), str), name
        if not spec.get("required", False):
            assert isinstance(spec.get("default"), str), name


def test_every_output_has_a_description_and_a_value(action: dict[str, Any]) -> None:
    assert set(action["outputs"]) == {
        "event-id",
        "workflow-name",
        "workflow-names",
        "phase",
        "workflow-url",
    }
    for name, spec in action["outputs"].items():
        assert ID.match(name), name
        assert isinstance(spec.get("description"), str), name
        assert re.fullmatch(
            r"\$\{\{ steps\.[\w-]+\.outputs\.[\w-]+ \}\}", spec["value"]
        )


def test_every_run_step_names_its_shell(action: dict[str, Any]) -> None:
    for step in action["runs"]["steps"]:
        assert set(step) <= STEP_KEYS, step
        if "run" in step:
            assert step.get("shell"), step.get("name")


def test_step_ids_are_unique_and_valid(action: dict[str, Any]) -> None:
    ids = [step["id"] for step in action["runs"]["steps"] if "id" in step]
    assert len(ids) == len(set(ids))
    assert all(ID.match(step_id) for step_id in ids)


def test_scripts_hold_no_expressions(action: dict[str, Any]) -> None:
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


def test_the_token_is_masked_before_any_other_step(action: dict[str, Any]) -> None:
    first = action["runs"]["steps"][0]

    assert "::add-mask::" in first["run"]
    assert "argo-token" in first["env"]["ARGO_TOKEN"]


def test_the_smoke_workflow_runs_this_action_with_pinned_actions() -> None:
    workflow = yaml.safe_load(
        (ROOT / ".github" / "workflows" / "action.yml").read_text("utf-8")
    )
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    uses = [step["uses"] for step in steps if "uses" in step]

    assert "./" in uses
    for used in uses:
        if used != "./":
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", used), used
    assert workflow["permissions"] == {"contents": "read"}


def test_every_input_reaches_a_step(action: dict[str, Any]) -> None:
    used = " ".join(
        str(value)
        for step in action["runs"]["steps"]
        for value in (step.get("env") or {}).values()
    )

    for name in action["inputs"]:
        assert re.search(rf"\binputs\.{re.escape(name)}\b(?!-)", used), name


def test_waiting_inputs_name_their_defaults_as_the_command_line_does(
    action: dict[str, Any],
) -> None:
    inputs = action["inputs"]

    assert inputs["wait"]["default"] == "false"
    assert inputs["log"]["default"] == "false"
    assert inputs["on-abort"]["default"] == "leave"
    assert inputs["timeout"]["default"] == ""
    assert "no limit" in inputs["timeout"]["description"]
    for choice in ("leave", "stop", "terminate"):
        assert choice in inputs["on-abort"]["description"]

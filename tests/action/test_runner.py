"""The composite-action runner behaves as GitHub's runner does.

Each test runs the tiny action in `sample/` for real, with bash.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.action import expressions
from tests.action.runner import ActionError, ActionRun, run_action

SAMPLE = Path(__file__).parent / "sample"


def machine(temp: Path) -> dict[str, str]:
    """A runner machine's environment, as far as the sample needs it."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(temp),
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": "acme/widgets",
        "RUNNER_OS": "Linux",
        "RUNNER_TEMP": "/home/runner/work/_temp",
    }


def run_sample(tmp_path: Path, **inputs: str) -> ActionRun:
    temp = tmp_path / "temp"
    return run_action(SAMPLE, inputs, environment=machine(temp), temp=temp)


def test_defaults_apply_and_may_read_the_github_context(tmp_path: Path) -> None:
    run = run_sample(tmp_path)

    assert run.outcome == "success"
    assert run.outputs["message"] == "hello, acme/widgets"


def test_given_inputs_win_over_defaults(tmp_path: Path) -> None:
    run = run_sample(tmp_path, greeting="hi", who="octocat")

    assert run.outputs["message"] == "hi, octocat"


def test_composite_steps_get_no_input_variables(tmp_path: Path) -> None:
    run_sample(tmp_path, greeting="hi")

    assert (tmp_path / "temp" / "input-variables").read_text() == ""


def test_heredoc_outputs_keep_their_lines(tmp_path: Path) -> None:
    run = run_sample(tmp_path)

    assert run.outputs["lines"] == "one\ntwo"


def test_github_env_reaches_later_steps_and_the_env_context(tmp_path: Path) -> None:
    run = run_sample(tmp_path)

    assert run.outputs["carried"] == "carried/carried"
    assert run.env == {"FROM_FIRST": "carried"}


def test_github_path_is_prepended_for_later_steps(tmp_path: Path) -> None:
    run = run_sample(tmp_path)

    assert run.outputs["tool"] == "tool-ran"
    assert run.path == [str(tmp_path / "temp" / "tools")]


def test_step_summaries_are_collected(tmp_path: Path) -> None:
    run = run_sample(tmp_path, greeting="Hej")

    assert run.summary == "## Hej\n"


def test_add_mask_hides_the_value_in_the_log(tmp_path: Path) -> None:
    run = run_sample(tmp_path, secret="s3cr3t-value")

    assert "s3cr3t-value" not in run.log
    assert "the secret is ***" in run.log
    assert "the secret is s3cr3t-value" in run.raw
    assert run.masks == ["s3cr3t-value"]


def test_a_failing_step_skips_the_rest_but_always_and_failure_steps(
    tmp_path: Path,
) -> None:
    run = run_sample(tmp_path, fail="true")

    assert run.outcome == "failure"
    outcomes = {step.name: step.outcome for step in run.steps}
    assert outcomes == {
        "Mask and prepare": "success",
        "greet": "failure",
        "after": "skipped",
        "cleanup": "success",
        "on-failure": "success",
    }
    assert run.outputs["after"] == "skipped"
    assert run.outputs["cleanup"] == "success"
    assert "failure handled" in run.log


def test_failure_steps_are_skipped_when_nothing_failed(tmp_path: Path) -> None:
    run = run_sample(tmp_path)

    assert [s.outcome for s in run.steps][-1] == "skipped"
    assert run.outputs["after"] == "yes"


def test_error_commands_become_annotations_with_escapes_undone(
    tmp_path: Path,
) -> None:
    run = run_sample(tmp_path, fail="true")

    [annotation] = run.annotations
    assert annotation.level == "error"
    assert annotation.properties == {"title": "sample", "file": "a,b"}
    assert annotation.message == "went 100% wrong\nsecond line"
    assert run.steps[1].exit_code == 3


def test_undeclared_inputs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ActionError, match="unexpected inputs: colour"):
        run_sample(tmp_path, colour="red")


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("inputs.a || 'fallback'", "fallback"),
        ("inputs.b || 'fallback'", "set"),
        ("inputs.b && 'yes' || 'no'", "yes"),
        ("inputs.a && 'yes' || 'no'", "no"),
        ("inputs.b == 'SET'", True),
        ("inputs.b != 'set'", False),
        ("!inputs.a", True),
        ("env.MISSING", None),
        ("env.MISSING == ''", True),
        ("steps.one.outputs['with-dash']", "x"),
        ("'it''s'", "it's"),
        ("(inputs.a || inputs.b) == 'set'", True),
        ("1 == '1'", True),
    ],
)
def test_expressions_follow_githubs_rules(expression: str, value: object) -> None:
    contexts = {
        "inputs": {"a": "", "b": "set"},
        "env": {},
        "steps": {"one": {"outputs": {"with-dash": "x"}}},
    }

    assert expressions.evaluate(expression, contexts) == value


def test_unsupported_expressions_are_refused() -> None:
    with pytest.raises(SyntaxError):
        expressions.evaluate("contains(inputs.a, 'x')", {"inputs": {}})

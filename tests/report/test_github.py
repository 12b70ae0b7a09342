"""GitHub Actions: step outputs, the step summary, and error annotations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from argo_trigger import github_annotations, report
from argo_trigger.errors import ConfigError
from argo_trigger.masking import register
from argo_trigger.report import FailedNode, Outcome, WorkflowResult
from tests.conftest import CLI
from tests.report.samples import EVENT_ID, parse_github_file, sample_outcome

SUMMARY = """\
### Argo Workflows

Event `3f2a9c1e5b7d4f608a1c2e3d4b5f6a7b` sent to namespace `ci` \
with discriminator `push`.

| Workflow | Phase | Duration |
|---|---|---|
| [build-x7k2p](https://argo.example.com/argo/workflows/ci/build-x7k2p) \
| ✅ Succeeded | 1m 5s |
| [test-q9w8e](https://argo.example.com/argo/workflows/ci/test-q9w8e) \
| ❌ Failed | 1h 2m 3s |

#### ❌ Failed: test-q9w8e

`child 'test-q9w8e-2001' failed`

| Failed step | Phase | Message |
|---|---|---|
| `test-q9w8e.unit` | Failed | `Error (exit code 1)` |
| `test-q9w8e.lint` | Error | `` grep a\\|b failed: `x` line 2 `` |

"""


def github_env(tmp_path: Path) -> dict[str, str]:
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }


def test_outputs_read_back_in_githubs_heredoc_format(tmp_path: Path) -> None:
    env = github_env(tmp_path)
    report.write_github(sample_outcome(), env)

    outputs = parse_github_file(Path(env["GITHUB_OUTPUT"]).read_text())
    assert outputs == {
        "event-id": EVENT_ID,
        "workflow-name": "build-x7k2p",
        "workflow-names": '["build-x7k2p", "test-q9w8e"]',
        "phase": "Succeeded",
        "workflow-url": "https://argo.example.com/argo/workflows/ci/build-x7k2p",
    }


def test_outputs_are_appended_after_earlier_steps_outputs(tmp_path: Path) -> None:
    env = github_env(tmp_path)
    Path(env["GITHUB_OUTPUT"]).write_text("earlier=kept\n")
    report.write_github(sample_outcome(), env)

    outputs = parse_github_file(Path(env["GITHUB_OUTPUT"]).read_text())
    assert outputs["earlier"] == "kept"
    assert outputs["event-id"] == EVENT_ID


def test_outputs_of_an_event_without_known_workflows_are_empty(
    tmp_path: Path,
) -> None:
    env = github_env(tmp_path)
    report.write_github(Outcome(namespace="ci", event_id=EVENT_ID), env)

    outputs = parse_github_file(Path(env["GITHUB_OUTPUT"]).read_text())
    assert outputs["workflow-names"] == "[]"
    assert outputs["workflow-name"] == outputs["phase"] == ""


def test_summary_is_exactly_the_table_and_the_failed_steps(tmp_path: Path) -> None:
    env = github_env(tmp_path)
    report.write_github(sample_outcome(), env)

    assert Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8") == SUMMARY


def test_summary_of_an_event_says_the_server_does_not_name_workflows() -> None:
    outcome = Outcome(namespace="argo", event_id=EVENT_ID, discriminator="")

    assert report.summary_markdown(outcome) == (
        "### Argo Workflows\n\n"
        f"Event `{EVENT_ID}` sent to namespace `argo`.\n\n"
        "The Argo Server does not say which workflows an event starts.\n\n"
    )


def test_summary_of_a_running_workflow_has_no_duration_and_no_failures() -> None:
    running = WorkflowResult(
        name="deploy-abcde",
        namespace="prod",
        url="http://argo:2746/workflows/prod/deploy-abcde",
        phase="Running",
        started_at="2026-12-03T12:00:00Z",
    )
    text = report.summary_markdown(Outcome(namespace="prod", workflows=[running]))

    assert text.splitlines()[-2] == (
        "| [deploy-abcde](http://argo:2746/workflows/prod/deploy-abcde)"
        " | ⏳ Running |  |"
    )
    assert "####" not in text


def test_duration_comes_from_the_timestamps_when_not_given() -> None:
    workflow = sample_outcome().workflows[1]

    assert workflow.duration_seconds is None
    assert report.duration_of(workflow) == 3723.0


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, ""), (0.4, "0s"), (59.6, "1m 0s"), (65, "1m 5s"), (7200, "2h 0m 0s")],
)
def test_durations_read_as_hours_minutes_seconds(
    seconds: float | None, text: str
) -> None:
    assert report.format_duration(seconds) == text


def test_a_long_failure_list_is_cut_and_says_how_many_more() -> None:
    nodes = [FailedNode(f"matrix-{i}", "Failed", "exit 1") for i in range(25)]
    failed = sample_outcome().workflows[1]._replace(failed_nodes=nodes)
    text = report.summary_markdown(Outcome(namespace="ci", workflows=[failed]))

    assert "`matrix-19`" in text
    assert "`matrix-20`" not in text
    assert "5 more failed steps are in the Argo UI." in text


def test_a_long_message_is_cut_to_the_limit() -> None:
    failed = sample_outcome().workflows[1]._replace(message="x" * 1000)
    text = report.summary_markdown(Outcome(namespace="ci", workflows=[failed]))

    assert f"`{'x' * 299}…`" in text


def test_github_files_carry_no_registered_secret(tmp_path: Path) -> None:
    register("s3cr3t-in-a-message")
    failed = (
        sample_outcome().workflows[1]._replace(message="login with s3cr3t-in-a-message")
    )
    env = github_env(tmp_path)
    report.write_github(Outcome(namespace="ci", workflows=[failed]), env)

    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "s3cr3t" not in summary
    assert "login with ***" in summary


def test_an_unwritable_output_file_is_a_configuration_error(tmp_path: Path) -> None:
    env = {**github_env(tmp_path), "GITHUB_OUTPUT": str(tmp_path / "no" / "file")}

    with pytest.raises(ConfigError, match="GITHUB_OUTPUT"):
        report.write_github(sample_outcome(), env)


@pytest.mark.parametrize(
    ("message", "escaped"),
    [
        ("plain", "plain"),
        ("100% done", "100%25 done"),
        ("one\ntwo", "one%0Atwo"),
        ("cr\r\nlf", "cr%0D%0Alf"),
        ("a: b, c", "a: b, c"),
        ("%0A literally", "%250A literally"),
    ],
)
def test_annotation_messages_are_escaped_as_github_requires(
    message: str, escaped: str
) -> None:
    stream = io.StringIO()
    github_annotations.error(stream, message)

    assert stream.getvalue() == f"::error title=argo-trigger::{escaped}\n"


def test_annotation_titles_also_escape_colons_and_commas() -> None:
    stream = io.StringIO()
    github_annotations.error(stream, "m", title="a: b, 50%")

    assert stream.getvalue() == "::error title=a%3A b%2C 50%25::m\n"


def test_a_failed_workflow_gets_one_annotation_with_its_steps() -> None:
    stream = io.StringIO()
    count = report.annotate_failure(
        sample_outcome(), {"GITHUB_ACTIONS": "true"}, stream
    )

    assert count == 1
    assert stream.getvalue() == (
        "::error title=Argo workflow test-q9w8e%3A Failed::"
        "workflow ci/test-q9w8e Failed: child 'test-q9w8e-2001' failed%0A"
        "test-q9w8e.unit: Error (exit code 1)%0A"
        "test-q9w8e.lint: grep a|b failed: `x` line 2%0A"
        "https://argo.example.com/argo/workflows/ci/test-q9w8e\n"
    )


def test_no_annotation_outside_github_actions() -> None:
    stream = io.StringIO()

    assert report.annotate_failure(sample_outcome(), {}, stream) == 0
    assert stream.getvalue() == ""


def test_publish_writes_outputs_summary_and_annotation(tmp_path: Path) -> None:
    env = github_env(tmp_path)
    stream = io.StringIO()
    report.publish(sample_outcome(), env, None, stream=stream)

    assert Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8") == SUMMARY
    assert parse_github_file(Path(env["GITHUB_OUTPUT"]).read_text())["phase"]
    assert stream.getvalue().startswith("::error title=Argo workflow test-q9w8e")


def test_a_failing_command_annotates_its_error_in_github_actions(
    cli: CLI, tmp_path: Path
) -> None:
    result = cli("event", "-d", "ci", env={"GITHUB_ACTIONS": "true"})

    assert result.code == 3
    lines = result.err.splitlines()
    assert lines[0].startswith("argo-trigger: error: ")
    assert lines[-1] == "::error title=argo-trigger::" + lines[0].removeprefix(
        "argo-trigger: error: "
    )


def test_a_failing_command_writes_no_annotation_elsewhere(cli: CLI) -> None:
    result = cli("event", "-d", "ci", env={})

    assert result.code == 3
    assert "::error" not in result.err


def test_the_annotation_of_an_error_masks_the_token(cli: CLI) -> None:
    token = "t0ken-never-shown-0123456789"
    env = {
        "GITHUB_ACTIONS": "true",
        "ARGO_SERVER": "http://127.0.0.1:9",
        "ARGO_TOKEN": token,
    }
    result = cli("event", "-d", "ci", "--request-timeout", "1", env=env)

    assert result.code != 0
    assert "::error title=argo-trigger::" in result.err
    assert token not in result.err

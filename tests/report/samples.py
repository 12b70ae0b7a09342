"""A sample outcome, and readers for the files CI systems parse back."""

from __future__ import annotations

import re

from argo_trigger.report import FailedNode, Outcome, WorkflowResult

UI = "https://argo.example.com/argo"
EVENT_ID = "3f2a9c1e5b7d4f608a1c2e3d4b5f6a7b"


def sample_outcome() -> Outcome:
    """An event that started one workflow that succeeded and one that failed."""
    built = WorkflowResult(
        name="build-x7k2p",
        namespace="ci",
        url=f"{UI}/workflows/ci/build-x7k2p",
        phase="Succeeded",
        started_at="2026-12-03T12:00:00Z",
        finished_at="2026-12-03T12:01:05Z",
        duration_seconds=65.0,
    )
    tested = WorkflowResult(
        name="test-q9w8e",
        namespace="ci",
        url=f"{UI}/workflows/ci/test-q9w8e",
        phase="Failed",
        started_at="2026-12-03T12:00:00Z",
        finished_at="2026-12-03T13:02:03Z",
        message="child 'test-q9w8e-2001' failed",
        failed_nodes=[
            FailedNode("test-q9w8e.unit", "Failed", "Error (exit code 1)"),
            FailedNode("test-q9w8e.lint", "Error", "grep a|b failed: `x`\nline 2"),
        ],
    )
    return Outcome(
        namespace="ci",
        event_id=EVENT_ID,
        discriminator="push",
        workflows=[built, tested],
    )


def parse_github_file(text: str) -> dict[str, str]:
    """Read GITHUB_OUTPUT as the runner does: `name=value` or `name<<DELIM`."""
    values: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        heredoc = re.fullmatch(r"([^=<]+)<<(.+)", line)
        if heredoc is None:
            name, _, value = line.partition("=")
            values[name] = value
            continue
        name, delimiter = heredoc.groups()
        body: list[str] = []
        for inner in lines:
            if inner == delimiter:
                break
            body.append(inner)
        else:
            raise AssertionError(f"delimiter {delimiter} of {name} never closed")
        values[name] = "\n".join(body)
    return values


def parse_gitlab_dotenv(text: str) -> dict[str, str]:
    """Read a dotenv report as GitLab does; AssertionError where GitLab fails."""
    values: dict[str, str] = {}
    for line in text.splitlines(keepends=True):
        found = re.findall(r"^(.*?)=(.*)$", line, flags=re.MULTILINE)
        assert found, f"GitLab rejects the file at line {line!r}"
        key, value = found[-1]
        values[key.strip()] = value.strip()
    return values

"""A planted token never appears in any output, log line or error message."""

from __future__ import annotations

from pathlib import Path

import pytest

from argo_trigger.standin import Standin
from tests.conftest import ADMIN_TOKEN, CLI

COMMANDS = [
    ["payload", "-d", "ci"],
    ["event", "-d", "ci"],
    ["event", "-d", "ci", "--dry-run"],
    ["-o", "json", "event", "-d", "ci", "--dry-run"],
    ["submit", "--from", "workflowtemplate/missing"],
    ["info"],
    ["-o", "json", "info"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("verbosity", [[], ["-v"], ["-vv", "--debug"]])
def test_the_token_never_appears_in_output(
    cli: CLI,
    argo: Standin,
    argv: list[str],
    verbosity: list[str],
) -> None:
    env = {"ARGO_SERVER": argo.url, "ARGO_TOKEN": ADMIN_TOKEN}
    result = cli(*verbosity, *argv, env=env)

    assert ADMIN_TOKEN not in result.out
    assert ADMIN_TOKEN not in result.err
    if "-vv" in verbosity and argv[0] != "payload" and "--dry-run" not in argv:
        assert "'Authorization': '***'" in result.err


def test_a_rejected_token_is_not_echoed_in_the_error(cli: CLI, argo: Standin) -> None:
    planted = "planted-secret-token-42"
    env = {"ARGO_SERVER": argo.url, "ARGO_TOKEN": planted}
    result = cli("-vv", "--debug", "event", "-d", "ci", env=env)

    assert result.code == 7
    assert planted not in result.out + result.err


def test_a_token_from_a_file_is_masked_too(
    cli: CLI, argo: Standin, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(ADMIN_TOKEN + "\n")
    env = {"ARGO_SERVER": argo.url}
    result = cli("-vv", "event", "--token-file", str(token_file), "--dry-run", env=env)

    assert result.code == 0, result.err
    assert ADMIN_TOKEN not in result.out + result.err


def test_github_outputs_and_summary_carry_no_token(
    cli: CLI, argo: Standin, tmp_path: Path
) -> None:
    output, summary = tmp_path / "out", tmp_path / "summary"
    env = {
        "ARGO_SERVER": argo.url,
        "ARGO_TOKEN": ADMIN_TOKEN,
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_TOKEN": "ghs_plantedgithubtoken000000000000000",
    }
    assert cli("event", "-d", "ci", env=env).code == 0

    for written in (output.read_text(), summary.read_text()):
        assert ADMIN_TOKEN not in written
        assert "ghs_planted" not in written

"""The command line itself: options, help, usage errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from argo_trigger.cli import build_parser
from argo_trigger.errors import EXIT_CODES
from tests.conftest import CLI


def test_global_options_work_before_and_after_the_command() -> None:
    parser = build_parser()
    before = parser.parse_args(["-n", "prod", "-o", "json", "event", "-d", "ci"])
    after = parser.parse_args(["event", "-d", "ci", "-n", "prod", "-o", "json"])
    for args in (before, after):
        assert (args.namespace, args.output, args.discriminator) == (
            "prod",
            "json",
            "ci",
        )


def test_an_option_given_before_the_command_is_not_reset_by_the_subparser() -> None:
    args = build_parser().parse_args(["--server", "h:1", "-v", "payload"])
    assert args.server == "h:1"
    assert args.verbose == 1


def test_help_names_the_variable_behind_each_connection_flag(cli: CLI) -> None:
    result = cli("--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    for variable in (
        "ARGO_SERVER",
        "ARGO_TOKEN",
        "ARGO_NAMESPACE",
        "ARGO_BASE_HREF",
        "ARGO_SECURE",
        "ARGO_INSECURE_SKIP_VERIFY",
    ):
        assert f"env: {variable}" in text


def test_help_lists_every_exit_code(cli: CLI) -> None:
    text = " ".join(cli("--help").out.split())
    for code, meaning in EXIT_CODES.items():
        assert f"{code} {' '.join(meaning.split())}" in text


def test_every_command_has_help(cli: CLI) -> None:
    for command in ("payload", "event", "submit", "info", "standin"):
        result = cli(command, "--help")
        assert result.code == 0, command
        assert "--server" in result.out, command


def test_an_unknown_flag_is_a_one_line_usage_error_with_code_2(cli: CLI) -> None:
    result = cli("event", "--no-such-flag")
    assert result.code == 2
    last = result.err.strip().splitlines()[-1]
    assert last.startswith("argo-trigger: error: unrecognized arguments: --no-such")
    assert last.endswith("(see argo-trigger --help)")
    assert "Traceback" not in result.err


def test_no_command_is_a_usage_error(cli: CLI) -> None:
    assert cli().code == 2


def test_event_with_no_server_configured_is_an_error_not_a_local_run(cli: CLI) -> None:
    result = cli("event", "-d", "ci")
    assert result.code == 3
    assert "ARGO_SERVER" in result.err
    assert result.out == ""


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["payload", "--param", "novalue"], "NAME=VALUE"),
        (["event", "-s", "h:1", "--header", "nocolon"], "NAME:VALUE"),
        (["event", "-s", "h:1", "--header", "Authorization: x"], "--token"),
        (["event", "-s", "h:1", "-n", "Not_A_Namespace"], "namespace"),
        (["event", "-s", "h:1", "-d", "a/b"], "path segment"),
        (["event", "-s", "h:1", "--native"], "GitHub Actions"),
        (["event", "-s", "h:1", "--payload-file", "missing.json"], "cannot read"),
        (["payload", "--event-id", "Not A Label!"], "label"),
        (["submit", "--from", "pipeline/x", "-s", "h:1"], "workflowtemplate/NAME"),
        (["submit", "missing.yaml", "-s", "h:1"], "cannot read"),
        (["--request-timeout", "soon", "info"], "duration"),
    ],
)
def test_bad_input_is_a_one_line_error_with_exit_code_2(
    cli: CLI, argv: list[str], needle: str
) -> None:
    result = cli(*argv)
    assert result.code == 2, result.err
    assert needle in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert "Traceback" not in result.err


def test_python_dash_m_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "argo_trigger", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("argo-trigger ")


def test_the_readme_documents_every_exit_code_as_the_code_does() -> None:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| ")]
    documented = {int(r[1]): r[2].strip() for r in rows if r[1].strip().isdigit()}
    assert documented == EXIT_CODES


def test_the_readme_configuration_table_names_every_variable_help_names(
    cli: CLI,
) -> None:
    import re
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    named: set[str] = set()
    for command in ("event", "submit", "wait", "payload", "info", "standin"):
        text = " ".join(cli(command, "--help").out.split())
        named.update(re.findall(r"env: ([A-Z_]+)", text))
    assert len(named) > 20
    assert sorted(v for v in named if f"`{v}" not in table) == []


def test_the_payload_command_loads_no_http_stack_and_nothing_slow() -> None:
    # The offline command must stay fast to start: no HTTP stack, and none of
    # the modules whose import costs more than the command's own work.
    program = (
        "import io, sys\n"
        "from argo_trigger.cli import main\n"
        "code = main(['payload'], env={'GITHUB_ACTIONS': 'true'},"
        " stdout=io.StringIO())\n"
        "heavy = ('requests', 'urllib3', 'yaml', 'logging', 'dataclasses',"
        " 'typing', 'pathlib', 'uuid', 'subprocess', 'datetime')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "0 []"


def test_sending_an_event_loads_neither_waiting_nor_requests(
    argo_env: dict[str, str],
) -> None:
    # The event goes out through urllib3 alone: requests' own layer (and the
    # charset detection it imports) would cost more than the rest of the
    # command. In CI, as here: a local run asks git, which needs subprocess.
    argo_env = {**argo_env, "GITHUB_ACTIONS": "true"}
    program = (
        "import io, json, sys\n"
        "from argo_trigger.cli import main\n"
        f"env = json.loads({json.dumps(json.dumps(argo_env))})\n"
        "code = main(['event', '-d', 'ci'], env=env, stdout=io.StringIO())\n"
        "heavy = ('dataclasses', 'uuid', 'subprocess', 'signal', 'requests',"
        " 'charset_normalizer', 'argo_trigger.commands.wait',"
        " 'argo_trigger.follow', 'argo_trigger.bindings')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "0 []"

"""The `argo-trigger` command line: parsing, dispatch, and exit codes.

Only argparse and the standard library are imported here; each command's
module is imported once the command is known, so `argo-trigger payload` never
loads an HTTP stack.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Mapping, Sequence

from argo_trigger import errors
from argo_trigger.masking import mask

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import TextIO

    from argo_trigger.config import Options
    from argo_trigger.report import Outcome

PROG = "argo-trigger"

# Commands that log nothing: they skip importing logging, for start-up time.
OFFLINE_COMMANDS = frozenset({"payload"})

# Each command and its one-line summary, in the order --help lists them.
COMMANDS = {
    "payload": "print the event payload this CI job would send",
    "event": "send the event payload to the Argo Server",
    "submit": "create a workflow from a manifest or template",
    "wait": "wait for workflows to finish and exit with their outcome",
    "bindings": "see what WorkflowEventBindings do with a payload, offline",
    "info": "show the server's version and who the token is",
    "doctor": "find out why a CI integration does not work",
    "standin": "run a local stand-in Argo Server for trials",
}

DESCRIPTION = """\
Start and follow Argo Workflows from a CI job.

Reads the CI system's environment (GitHub Actions, GitLab CI, Jenkins, or a
local git checkout), builds an event payload, and sends it to the Argo
Server's webhook endpoint, where WorkflowEventBindings decide which workflow
to start. It can also submit workflows directly. Global options go before or
after the command; each defaults to the argo CLI's environment variable.
"""

EXAMPLES = """\
examples:
  argo-trigger payload                       print the payload this job would send
  argo-trigger event -d ci                   POST it to /api/v1/events/NAMESPACE/ci
  argo-trigger event -d ci --param env=prod  add a parameter to payload.params
  argo-trigger event -d ci --wait --log      follow the workflows it starts
  argo-trigger submit --from workflowtemplate/build -p image=app:1.2
  argo-trigger submit workflow.yaml --wait   create a Workflow and wait for it
  argo-trigger bindings test bindings/ -d ci what each binding does with the payload
  argo-trigger doctor -d ci                  why an event does nothing, with fixes
  argo-trigger info                          server version and who the token is

Set ARGO_SERVER and ARGO_TOKEN as for the argo CLI; `argo-trigger standin`
starts a local stand-in server to try all of this without a cluster.
"""


class Run:
    """What a command runs with: its arguments, environment and streams."""

    __slots__ = ("args", "env", "stderr", "stdout")

    def __init__(
        self,
        args: argparse.Namespace,
        env: Mapping[str, str],
        stdout: TextIO,
        stderr: TextIO,
    ) -> None:
        self.args = args
        self.env = env
        self.stdout = stdout
        self.stderr = stderr

    def out(self, text: str) -> None:
        """Write a line of the command's result to stdout, secrets masked."""
        self.stdout.write(mask(text) + "\n")


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line and return its exit code (see `--help`)."""
    env = os.environ if env is None else env
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    # argparse prints help and usage errors itself, to sys.stdout/stderr.
    sys.stdout, sys.stderr, saved = stdout, stderr, (sys.stdout, sys.stderr)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return _parser_exit_code(exit_)
    finally:
        sys.stdout, sys.stderr = saved

    if args.module not in OFFLINE_COMMANDS:
        from argo_trigger import log

        log.configure(getattr(args, "verbose", 0), stderr)
    run = Run(args=args, env=env, stdout=stdout, stderr=stderr)
    try:
        module = importlib.import_module(f"argo_trigger.commands.{args.module}")
        code: int = module.run(run)
        return code
    except errors.ArgoTriggerError as error:
        return _fail(run, error, f"error: {error}")
    except KeyboardInterrupt as error:
        return _fail(run, error, "interrupted")
    except Exception as error:
        return _fail(run, error, f"internal error: {type(error).__name__}: {error}")


def _fail(run: Run, error: BaseException, line: str) -> int:
    code = errors.exit_code_for(error)
    if getattr(run.args, "debug", False):
        import traceback

        run.stderr.write(mask("".join(traceback.format_exception(error))))
    run.stderr.write(mask(f"{PROG}: {line}") + "\n")
    if code == errors.INTERNAL_ERROR:
        run.stderr.write(f"{PROG}: this is a bug; rerun with --debug and report it\n")

    from argo_trigger import github_annotations

    if github_annotations.in_github_actions(run.env):
        # On the run's page, so that the Action need not read stderr for it.
        github_annotations.error(run.stderr, line.removeprefix("error: "))
    return code


def _parser_exit_code(exit_: SystemExit) -> int:
    code = exit_.code
    if code is None or code == 0:
        return 0
    return code if isinstance(code, int) else errors.UsageError.exit_code


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and say where to look."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Help laid out for the terminal, as argparse does, without its shutil import.

    Every parser builds a formatter while its arguments are added, and
    shutil (with the compression modules it loads) would cost the offline
    commands a tenth of their start-up.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    """The terminal's width as shutil finds it: COLUMNS, the terminal, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stdout = sys.__stdout__
    try:
        return os.get_terminal_size(stdout.fileno() if stdout else -1).columns
    except (AttributeError, ValueError, OSError):
        return 80


if TYPE_CHECKING:
    Subcommands = argparse._SubParsersAction[_Parser]


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line; `--help` at each level documents it.

    Given the arguments, only the command they name is built in full.
    """
    common = _common_options()
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EXAMPLES + "\n" + _exit_code_table(),
        formatter_class=_Formatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(
        title="commands", dest="command", metavar="COMMAND", required=True
    )
    adders = {
        "payload": _add_payload,
        "event": _add_event,
        "submit": _add_submit,
        "wait": _add_wait,
        "bindings": _add_bindings,
        "info": _add_info,
        "doctor": _add_doctor,
        "standin": _add_standin,
    }
    # Only the command that runs is built: building every command's parser
    # costs more start-up time than the offline commands themselves. The
    # others are needed only to list them, in --help and in usage errors,
    # and then no command was found in argv.
    chosen = _chosen_command(argv, common)
    for name, add in adders.items():
        if chosen in (None, name):
            add(commands, common)
    return parser


def _chosen_command(
    argv: Sequence[str] | None, common: argparse.ArgumentParser
) -> str | None:
    """The command named in `argv`, or None to build them all (for --help)."""
    if argv is None:
        return None
    takes_value = {
        option
        for action in common._actions
        if action.nargs != 0
        for option in action.option_strings
    }
    expecting_value = False
    for token in argv:
        if expecting_value:
            expecting_value = False
        elif token in COMMANDS:
            return token
        elif token in takes_value:
            expecting_value = True
        elif not token.startswith("-"):
            return None
    return None


def _version() -> str:
    from argo_trigger import __version__

    return f"{PROG} {__version__}"


def _exit_code_table() -> str:
    rows = [f"  {code:<4} {meaning}" for code, meaning in errors.EXIT_CODES.items()]
    return "exit codes:\n" + "\n".join(rows)


def _common_options() -> _Parser:
    # SUPPRESS keeps an option given before the command from being reset by
    # the subparser's default when it is not repeated after the command.
    common = _Parser(
        add_help=False, argument_default=argparse.SUPPRESS, formatter_class=_Formatter
    )
    server = common.add_argument_group("connection (global options)")
    server.add_argument(
        "-s",
        "--server",
        metavar="HOST:PORT|URL",
        help="Argo Server address, host:port or http(s) URL [env: ARGO_SERVER]",
    )
    server.add_argument(
        "--secure",
        action=argparse.BooleanOptionalAction,
        help="use TLS for a host:port server (default: yes) [env: ARGO_SECURE]",
    )
    server.add_argument(
        "--token",
        help="bearer token, with or without 'Bearer ' [env: ARGO_TOKEN]",
    )
    server.add_argument("--token-file", metavar="FILE", help="read the token from FILE")
    server.add_argument(
        "-n",
        "--namespace",
        help="Kubernetes namespace (default: argo) [env: ARGO_NAMESPACE]",
    )
    server.add_argument(
        "--base-href",
        metavar="PATH",
        help="path prefix when the server sits behind an ingress [env: ARGO_BASE_HREF]",
    )
    server.add_argument(
        "-k",
        "--insecure-skip-verify",
        action="store_true",
        help="do not verify the server's certificate "
        "[env: ARGO_INSECURE_SKIP_VERIFY=true]",
    )
    server.add_argument(
        "--ca-file",
        metavar="FILE",
        help="CA bundle that signed the server's certificate "
        "[env: ARGO_TRIGGER_CA_FILE]",
    )
    server.add_argument(
        "--client-cert",
        metavar="FILE",
        help="client certificate for mutual TLS [env: ARGO_TRIGGER_CLIENT_CERT]",
    )
    server.add_argument(
        "--client-key",
        metavar="FILE",
        help="key of --client-cert [env: ARGO_TRIGGER_CLIENT_KEY]",
    )
    server.add_argument(
        "--request-timeout",
        metavar="SECONDS",
        type=_seconds,
        help="give up on one call to the server after this long, retries "
        "included (default: 30) [env: ARGO_TRIGGER_REQUEST_TIMEOUT]",
    )
    shown = common.add_argument_group("output (global options)")
    shown.add_argument(
        "-o",
        "--output",
        choices=("text", "json"),
        help="result format on stdout (default: text)",
    )
    shown.add_argument(
        "-v",
        "--verbose",
        action="count",
        help="log each request to stderr (-vv: headers too, token masked)",
    )
    shown.add_argument(
        "--debug", action="store_true", help="show a traceback on errors"
    )
    shown.add_argument(
        "--dotenv",
        metavar="FILE",
        help="also write the result as KEY=VALUE lines, for GitLab's "
        "artifacts:reports:dotenv [env: ARGO_TRIGGER_DOTENV]",
    )
    shown.add_argument(
        "--gitlab-token-file",
        metavar="FILE",
        help="post a GitLab commit status per workflow with the token in FILE "
        "[env: ARGO_TRIGGER_GITLAB_TOKEN holds the token itself]",
    )
    shown.add_argument(
        "--gitlab-mr-note",
        action="store_true",
        help="with a GitLab token, also add the summary to the merge request "
        "once the workflows finish [env: ARGO_TRIGGER_GITLAB_MR_NOTE=true]",
    )
    shown.add_argument(
        "--ui-url",
        metavar="URL",
        help="where the Argo UI lives, for workflow links (default: the "
        "server URL) [env: ARGO_TRIGGER_UI_URL]",
    )
    return common


def _seconds(raw: str) -> float:
    from argo_trigger.config import parse_seconds

    try:
        return parse_seconds(raw)
    except errors.UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _command(
    commands: Subcommands,
    common: _Parser,
    name: str,
    description: str,
) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        name,
        help=COMMANDS[name],
        description=description,
        parents=[common],
        formatter_class=_Formatter,
    )
    parser.set_defaults(module=name)
    return parser


def _payload_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("payload")
    group.add_argument(
        "-d",
        "--discriminator",
        metavar="NAME",
        help="the event's discriminator, the last path segment (default: empty) "
        "[env: ARGO_TRIGGER_DISCRIMINATOR]",
    )
    group.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="add NAME=VALUE to payload.params (repeatable)",
    )
    group.add_argument(
        "--params-file",
        action="append",
        default=[],
        metavar="FILE",
        help="add a YAML or JSON mapping to payload.params ('-' reads stdin); "
        "ARGO_TRIGGER_PARAMS may hold such a mapping too",
    )
    ids = group.add_mutually_exclusive_group()
    ids.add_argument(
        "--event-key",
        metavar="KEY",
        help="tell apart several events sent by one CI job (changes payload.id) "
        "[env: ARGO_TRIGGER_EVENT_KEY]",
    )
    ids.add_argument(
        "--event-id",
        metavar="ID",
        help="set payload.id outright (a valid Kubernetes label value)",
    )


def _body_options(parser: argparse.ArgumentParser) -> None:
    body = parser.add_argument_group("what to send instead of the payload")
    source = body.add_mutually_exclusive_group()
    source.add_argument(
        "--payload-file",
        metavar="FILE",
        help="send this JSON file as the body ('-' reads stdin)",
    )
    source.add_argument(
        "--native",
        action="store_true",
        help="GitHub Actions: send GitHub's own event JSON with X-GitHub-Event, "
        "for bindings written for GitHub webhooks",
    )
    body.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="add a request header (repeatable); X- headers reach bindings as metadata",
    )


def _follow_options(parser: argparse.ArgumentParser, command: str) -> None:
    group = parser.add_argument_group("following the workflows")
    if command == "event":
        group.add_argument(
            "--wait",
            action="store_true",
            help="find the workflows the event created, wait for them, and exit "
            "with their outcome [env: ARGO_TRIGGER_WAIT=true]",
        )
        group.add_argument(
            "--discover-timeout",
            metavar="SECONDS",
            type=_seconds,
            help="with --wait: how long to look for the workflows the event "
            "created (default: 60) [env: ARGO_TRIGGER_DISCOVER_TIMEOUT]",
        )
    elif command == "submit":
        group.add_argument(
            "--wait",
            action="store_true",
            help="wait for the workflow and exit with its outcome "
            "[env: ARGO_TRIGGER_WAIT=true]",
        )
    group.add_argument(
        "--log",
        action="store_true",
        help="stream the workflows' logs, each line prefixed with its step "
        "[env: ARGO_TRIGGER_LOG=true]",
    )
    group.add_argument(
        "--container",
        metavar="NAME",
        help="container whose logs --log streams (default: main) "
        "[env: ARGO_TRIGGER_CONTAINER]",
    )
    group.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=_seconds,
        help="give up waiting after this long (default: no limit) "
        "[env: ARGO_TRIGGER_TIMEOUT]",
    )
    group.add_argument(
        "--on-abort",
        choices=("leave", "stop", "terminate"),
        help="on timeout, SIGINT or SIGTERM, leave the workflows running, stop "
        "or terminate them (default: leave) [env: ARGO_TRIGGER_ON_ABORT]",
    )


def _add_wait(commands: Subcommands, common: _Parser) -> None:
    parser = _command(
        commands,
        common,
        "wait",
        "Follow workflows through the server's watch stream until they finish;\n"
        "exit 0 when all succeeded.",
    )
    parser.add_argument("names", nargs="+", metavar="NAME", help="workflow names")
    _follow_options(parser, "wait")
    parser.set_defaults(wait=True)


def _add_payload(
    commands: Subcommands,
    common: _Parser,
) -> None:
    parser = _command(
        commands,
        common,
        "payload",
        "Print the event payload as JSON. Offline: talks to no server.",
    )
    _payload_options(parser)


def _add_event(
    commands: Subcommands,
    common: _Parser,
) -> None:
    parser = _command(
        commands,
        common,
        "event",
        "POST the payload to /api/v1/events/NAMESPACE/DISCRIMINATOR. The server\n"
        "answers {} whether or not a WorkflowEventBinding matched; a 500 means\n"
        "a binding failed (the others' workflows may exist), and is not retried.",
    )
    _payload_options(parser)
    _body_options(parser)
    _follow_options(parser, "event")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the request (token masked) and send nothing",
    )


def _add_submit(
    commands: Subcommands,
    common: _Parser,
) -> None:
    parser = _command(
        commands,
        common,
        "submit",
        "Create a Workflow from a YAML or JSON manifest, or submit a\n"
        "WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow. Prints the\n"
        "created workflow's name (-o json: the whole object).",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="Workflow manifest, YAML or JSON ('-' reads stdin)",
    )
    source.add_argument(
        "--from",
        dest="source",
        metavar="KIND/NAME",
        help="workflowtemplate/NAME, clusterworkflowtemplate/NAME or cronworkflow/NAME",
    )
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a workflow parameter (repeatable); ARGO_TRIGGER_PARAMETERS "
        "may hold NAME=VALUE lines too",
    )
    parser.add_argument(
        "-f",
        "--parameter-file",
        metavar="FILE",
        help="YAML or JSON mapping of parameters",
    )
    parser.add_argument(
        "-l",
        "--labels",
        action="append",
        default=[],
        metavar="K=V[,K=V]",
        help="add labels to the workflow",
    )
    parser.add_argument("--entrypoint", help="override the entrypoint")
    parser.add_argument("--serviceaccount", metavar="NAME", help="run as this SA")
    naming = parser.add_mutually_exclusive_group()
    naming.add_argument("--name", help="name the workflow exactly")
    naming.add_argument("--generate-name", metavar="PREFIX", help="name prefix")
    parser.add_argument(
        "--no-ci-labels",
        dest="ci_labels",
        action="store_false",
        help="do not add the argo-trigger/ci-* labels (provider, run id, sha)",
    )
    _follow_options(parser, "submit")
    parser.add_argument(
        "--server-dry-run",
        action="store_true",
        help="ask the server to validate without creating anything",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the request (token masked) and send nothing",
    )


def _add_bindings(commands: Subcommands, common: _Parser) -> None:
    parser = _command(
        commands,
        common,
        "bindings",
        "Work with WorkflowEventBindings without sending an event.",
    )
    actions = parser.add_subparsers(
        title="actions", dest="bindings_action", metavar="ACTION", required=True
    )
    test = actions.add_parser(
        "test",
        help="evaluate bindings against the payload, as the Argo Server would",
        description="Evaluate each WorkflowEventBinding against the payload this\n"
        "job would send (or --payload-file), exactly as the Argo Server does:\n"
        "matched or not, the error Argo would report, the parameters, and the\n"
        "Workflow that would be created. Bindings and templates come from\n"
        "YAML files and folders, or from the server with --from-server.\n\n"
        "exit codes: 0 at least one binding matched and none failed; "
        f"{errors.NO_BINDING_MATCHED} none matched;\n"
        f"{errors.BINDING_FAILED} a binding failed (the server would answer 500).",
        parents=[common],
        formatter_class=_Formatter,
    )
    test.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="YAML files or folders with bindings and (cluster) workflow templates",
    )
    test.add_argument(
        "--from-server",
        action="store_true",
        help="load the namespace's bindings and their templates from the server",
    )
    _payload_options(test)
    _body_options(test)


def _add_doctor(commands: Subcommands, common: _Parser) -> None:
    parser = _command(
        commands,
        common,
        "doctor",
        "Check, step by step, what an event from this job needs: the server is\n"
        "reachable and its certificate trusted, the token is valid and whose it\n"
        "is, it may list bindings, get templates and create workflows in the\n"
        "namespace, and what each binding does with this job's payload. Every\n"
        "problem comes with its fix.",
    )
    _payload_options(parser)
    _body_options(parser)


def _add_info(
    commands: Subcommands,
    common: _Parser,
) -> None:
    _command(
        commands,
        common,
        "info",
        "Ask the server for its version (/api/v1/version), who the token acts\n"
        "as (/api/v1/userinfo) and its settings (/api/v1/info).",
    )


def _add_standin(
    commands: Subcommands,
    common: _Parser,
) -> None:
    parser = _command(
        commands,
        common,
        "standin",
        "Serve a stand-in for the Argo Server's API on 127.0.0.1, for trying\n"
        "argo-trigger and bindings without a cluster. It prints its URL and a\n"
        "token, and runs until interrupted. It is not Argo Workflows: each\n"
        "workflow it creates pretends to run one step, then ends as --outcome.",
    )
    parser.add_argument(
        "--manifests",
        action="append",
        default=[],
        metavar="PATH",
        help="YAML files or folders of templates and bindings to load",
    )
    parser.add_argument("--port", type=int, default=2746, help="(default: 2746)")
    parser.add_argument(
        "--run-seconds",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="how long each workflow runs before it ends (default: 2)",
    )
    parser.add_argument(
        "--outcome",
        choices=("Succeeded", "Failed", "Error"),
        default="Succeeded",
        help="how each workflow ends (default: Succeeded)",
    )
    parser.add_argument(
        "--url-file",
        metavar="FILE",
        help="also write 'URL TOKEN' to FILE once listening (for scripts)",
    )


def options_from(args: argparse.Namespace) -> Options:
    """The connection options given on the command line."""
    from argo_trigger import config

    return config.Options(
        server=getattr(args, "server", None),
        token=getattr(args, "token", None),
        token_file=getattr(args, "token_file", None),
        namespace=getattr(args, "namespace", None),
        base_href=getattr(args, "base_href", None),
        secure=getattr(args, "secure", None),
        insecure_skip_verify=getattr(args, "insecure_skip_verify", None),
        ca_file=getattr(args, "ca_file", None),
        client_cert=getattr(args, "client_cert", None),
        client_key=getattr(args, "client_key", None),
        request_timeout=getattr(args, "request_timeout", None),
    )


def publish(run: Run, outcome: Outcome) -> None:
    """Write the outcome to the CI system: GitHub outputs, summary and
    annotations, the dotenv file, GitLab commit statuses and note."""
    from argo_trigger import report

    args, env = run.args, run.env
    dotenv = getattr(args, "dotenv", None) or env.get("ARGO_TRIGGER_DOTENV")
    token = report.gitlab_token(getattr(args, "gitlab_token_file", None), env)
    note = getattr(args, "gitlab_mr_note", False) or report.env_flag(
        env, "ARGO_TRIGGER_GITLAB_MR_NOTE"
    )
    report.publish(
        outcome,
        env,
        dotenv,
        stream=run.stderr,
        gitlab_token=token,
        gitlab_mr_note=note,
    )


TRUE = ("true", "1", "yes")


def wants_wait(run: Run) -> bool:
    """--wait, or ARGO_TRIGGER_WAIT=true (checked here, so that a command that
    does not wait never imports the waiting code)."""
    if getattr(run.args, "wait", False):
        return True
    return run.env.get("ARGO_TRIGGER_WAIT", "").strip().lower() in TRUE


def ui_base(run: Run) -> str | None:
    """--ui-url, then ARGO_TRIGGER_UI_URL."""
    return getattr(run.args, "ui_url", None) or run.env.get("ARGO_TRIGGER_UI_URL")


def output_format(args: argparse.Namespace) -> str:
    """`text` or `json`, as chosen with -o."""
    return str(getattr(args, "output", "text"))

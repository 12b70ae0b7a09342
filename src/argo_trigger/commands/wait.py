"""`argo-trigger wait NAME...`, and the waiting that `event` and `submit`
share: follow the workflows, report them, exit with their outcome."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from argo_trigger import config, errors
from argo_trigger.cli import TRUE, Run, options_from, output_format, publish, ui_base
from argo_trigger.client import ArgoClient, Object
from argo_trigger.report import Outcome, WorkflowResult, workflow_result

if TYPE_CHECKING:
    from argo_trigger.follow import Options

# The same choices as the follow package's; kept here so that `event`
# without --wait never imports that package.
ON_ABORT = ("leave", "stop", "terminate")


def run(run: Run) -> int:
    """Wait for the named workflows; exit 0 when all succeeded."""
    settings = config.resolve(options_from(run.args), run.env)
    client = ArgoClient(settings)
    outcome = Outcome(namespace=settings.namespace)
    return wait_for(run, client, outcome, list(run.args.names))


def follow_options(run: Run) -> Options:
    """--log, --container, --timeout and --on-abort, each over its variable.

    Raises UsageError for a malformed variable.
    """
    args, env = run.args, run.env
    log = bool(getattr(args, "log", False))
    log = log or env.get("ARGO_TRIGGER_LOG", "").strip().lower() in TRUE
    timeout = getattr(args, "timeout", None)
    if timeout is None and env.get("ARGO_TRIGGER_TIMEOUT", "").strip():
        timeout = config.parse_seconds(
            env["ARGO_TRIGGER_TIMEOUT"], "ARGO_TRIGGER_TIMEOUT"
        )
    on_abort = getattr(args, "on_abort", None) or env.get("ARGO_TRIGGER_ON_ABORT")
    on_abort = (on_abort or "leave").strip().lower()
    if on_abort not in ON_ABORT:
        raise errors.UsageError(
            f"ARGO_TRIGGER_ON_ABORT {on_abort!r} is not one of {', '.join(ON_ABORT)}"
        )
    container = (
        getattr(args, "container", None)
        or env.get("ARGO_TRIGGER_CONTAINER", "").strip()
        or "main"
    )
    from argo_trigger.follow import Options

    return Options(log=log, container=container, timeout=timeout, on_abort=on_abort)


def discover_timeout(run: Run, default: float = 60.0) -> float:
    """--discover-timeout, then ARGO_TRIGGER_DISCOVER_TIMEOUT, then 60 s."""
    given = getattr(run.args, "discover_timeout", None)
    if given is not None:
        return float(given)
    raw = run.env.get("ARGO_TRIGGER_DISCOVER_TIMEOUT", "").strip()
    if raw:
        return config.parse_seconds(raw, "ARGO_TRIGGER_DISCOVER_TIMEOUT")
    return default


def wait_for(
    run: Run,
    client: ArgoClient,
    outcome: Outcome,
    names: Sequence[str],
    *,
    label_selector: str | None = None,
    extra: dict[str, Any] | None = None,
) -> int:
    """Follow `names` to their end, print and publish the outcome.

    Returns 0 when every workflow succeeded, WORKFLOW_FAILED or
    WORKFLOW_ERROR otherwise. On --timeout or a signal the outcome so far
    is published before the error (WaitTimeout, Terminated,
    KeyboardInterrupt) propagates.
    """
    from argo_trigger.follow import Console, follow

    console = Console(run.stderr, live=_is_terminal(run.stderr))
    latest: dict[str, Object] = {}
    settings = client.settings
    try:
        with sigterm_raises():
            follow(
                client,
                outcome.namespace,
                names,
                console,
                follow_options(run),
                label_selector=label_selector,
                seen=latest,
            )
    except (errors.WaitTimeout, errors.Terminated, KeyboardInterrupt):
        _publish(run, outcome, names, latest, settings.base_url)
        raise
    done = _publish(run, outcome, names, latest, settings.base_url)
    _print(run, done, extra)
    _print_failures(run, done.workflows)
    return exit_code(done.workflows)


def exit_code(results: Sequence[WorkflowResult]) -> int:
    """0 when all succeeded; WORKFLOW_ERROR when one ended in Error, else
    WORKFLOW_FAILED when one failed."""
    phases = {result.phase for result in results}
    if "Error" in phases:
        return errors.WORKFLOW_ERROR
    if phases - {"Succeeded"}:
        return errors.WORKFLOW_FAILED
    return 0


def _publish(
    run: Run,
    outcome: Outcome,
    names: Sequence[str],
    latest: dict[str, Object],
    base_url: str,
) -> Outcome:
    results = [
        workflow_result(
            latest.get(name)
            or {"metadata": {"name": name, "namespace": outcome.namespace}},
            base_url,
            ui_base(run),
        )
        for name in names
    ]
    done = Outcome(
        namespace=outcome.namespace,
        event_id=outcome.event_id,
        discriminator=outcome.discriminator,
        workflows=results,
    )
    publish(run, done)
    return done


def _print(run: Run, outcome: Outcome, extra: dict[str, Any] | None) -> None:
    if output_format(run.args) == "json":
        shown = {**outcome.to_json(), **(extra or {})}
        run.out(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    from argo_trigger.report import format_duration

    for result in outcome.workflows:
        took = ""
        if result.duration_seconds is not None:
            took = f" in {format_duration(result.duration_seconds)}"
        run.out(f"{result.name} {result.phase}{took} {result.url}")


def _print_failures(run: Run, results: Sequence[WorkflowResult]) -> None:
    for result in results:
        if result.phase == "Succeeded":
            continue
        said = f": {result.message}" if result.message else ""
        run.stderr.write(f"argo-trigger: workflow {result.name} {result.phase}{said}\n")
        for node in result.failed_nodes:
            detail = f": {node.message}" if node.message else ""
            run.stderr.write(f"  {node.name} {node.phase}{detail}\n")


def _is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM (a cancelled CI job) into Terminated while waiting."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise errors.Terminated("terminated (SIGTERM) while waiting for the workflows")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:
        # Not the main thread (an embedding program): leave signals alone.
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


__all__ = [
    "discover_timeout",
    "exit_code",
    "follow_options",
    "sigterm_raises",
    "wait_for",
]

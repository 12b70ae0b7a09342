"""One wait: watch the workflows, stream their logs, and act on an abort.

`follow` is what `event --wait`, `submit --wait` and `wait` share. It blocks
in the calling (main) thread, where the deadline is kept and where signals
arrive; the watch and log streams are read in threads of their own.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from argo_trigger import errors
from argo_trigger.client import ArgoClient, Object
from argo_trigger.follow.logs import DEFAULT_CONTAINER, LogFollower
from argo_trigger.follow.progress import Console, Progress
from argo_trigger.follow.watch import SILENCE, Follower, is_finished
from argo_trigger.log import logger

ON_ABORT = ("leave", "stop", "terminate")
# Once the workflows have finished, how long a log stream may stay silent
# before the wait ends without its last lines.
LOG_IDLE = 10.0


@dataclass(frozen=True)
class Options:
    """How to wait: logs or not, how long, and what an abort does."""

    log: bool = False
    container: str = DEFAULT_CONTAINER
    timeout: float | None = None
    on_abort: str = "leave"
    silence: float = SILENCE


def follow(
    client: ArgoClient,
    namespace: str,
    names: Sequence[str],
    console: Console,
    options: Options,
    *,
    label_selector: str | None = None,
    seen: dict[str, Object] | None = None,
) -> dict[str, Object]:
    """Wait until every named workflow has finished; return their last state.

    `seen`, when given, is kept up to date with the last state of each
    workflow, so that a caller still has it after an abort.

    Raises WaitTimeout at --timeout, Terminated on SIGTERM and
    KeyboardInterrupt on SIGINT, after applying `options.on_abort` to the
    workflows still running; NotDiscovered for an unknown workflow; and the
    client's errors when the server cannot be followed.
    """
    deadline = None if options.timeout is None else time.monotonic() + options.timeout
    progress = Progress(console)
    watcher = Follower(client, namespace, progress.update, silence=options.silence)
    if seen is not None:
        watcher.latest = seen
    loggers = _start_logs(
        client, namespace, names, console=console, options=options, watcher=watcher
    )
    try:
        finished = watcher.wait(names, label_selector=label_selector, deadline=deadline)
        console.end()
        _drain(loggers, deadline)
    except (errors.WaitTimeout, errors.Terminated, KeyboardInterrupt):
        console.end()
        _stop(loggers)
        abort(
            client,
            namespace,
            names,
            latest=watcher.latest,
            action=options.on_abort,
            console=console,
        )
        raise
    finally:
        watcher.close()
        _stop(loggers)
    return finished


def _start_logs(
    client: ArgoClient,
    namespace: str,
    names: Sequence[str],
    *,
    console: Console,
    options: Options,
    watcher: Follower,
) -> list[LogFollower]:
    if not options.log:
        return []
    loggers = [
        LogFollower(
            client,
            namespace,
            name,
            console,
            latest=partial(watcher.latest.get, name),
            container=options.container,
            prefix_workflow=len(names) > 1,
            silence=options.silence,
        )
        for name in names
    ]
    for log_follower in loggers:
        log_follower.start()
    return loggers


def _drain(loggers: list[LogFollower], deadline: float | None) -> None:
    """Let each log stream deliver its last lines; the server ends it."""
    for log_follower in loggers:
        log_follower.finished.set()
    for log_follower in loggers:
        log_follower.drain(LOG_IDLE, deadline)


def _stop(loggers: list[LogFollower]) -> None:
    for log_follower in loggers:
        log_follower.stop()


def abort(
    client: ArgoClient,
    namespace: str,
    names: Sequence[str],
    *,
    latest: dict[str, Object],
    action: str,
    console: Console,
) -> list[str]:
    """Stop or terminate the workflows that have not finished; return them.

    `leave` does nothing. A failure to stop one workflow is reported and
    does not keep the others from being stopped.
    """
    if action == "leave":
        return []
    running = [n for n in names if n not in latest or not is_finished(latest[n])]
    call = client.stop_workflow if action == "stop" else client.terminate_workflow
    done = []
    for name in running:
        try:
            call(namespace, name)
        except errors.ArgoTriggerError as error:
            logger.warning("could not %s workflow %s: %s", action, name, error)
            continue
        console.line(f"argo-trigger: asked the server to {action} workflow {name}")
        done.append(name)
    return done

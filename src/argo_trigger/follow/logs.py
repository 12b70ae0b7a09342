"""Stream the logs of a workflow's pods into the job's log, line by line.

One followed log request per workflow (`logOptions.follow=true`) carries
every pod: the server starts streaming a pod once it leaves Pending and ends
the stream when the workflow has finished. Each line is prefixed with the
step it came from, found by matching the pod name against the workflow's
nodes. Nothing is held back: a line is written as soon as it arrives.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from urllib3 import BaseHTTPResponse

from argo_trigger import errors
from argo_trigger.client import ArgoClient, Object
from argo_trigger.follow.progress import Console
from argo_trigger.follow.stream import KEEP_ALIVE, StreamBroken, StreamError, read
from argo_trigger.follow.watch import interrupt
from argo_trigger.log import logger

SILENCE = 60.0
MAX_FAILURES = 5
DEFAULT_CONTAINER = "main"


def step_of(pod_name: str, workflow: Object | None) -> str | None:
    """The display name of the node that ran a pod, or None when unknown.

    With Argo's default pod names (`<workflow>-<template>-<hash>`) the hash
    is also the last part of the node's id; with the older names the pod
    name is the node's id itself.
    """
    nodes = ((workflow or {}).get("status") or {}).get("nodes") or {}
    suffix = pod_name.rsplit("-", 1)[-1]
    for node_id, node in nodes.items():
        if not isinstance(node, dict) or node.get("type") != "Pod":
            continue
        if node_id == pod_name or str(node_id).rsplit("-", 1)[-1] == suffix:
            return str(node.get("displayName") or node.get("name") or pod_name)
    return None


@dataclass
class LogFollower:
    """Follows one workflow's logs in a thread, writing to a Console."""

    client: ArgoClient
    namespace: str
    name: str
    console: Console
    latest: Callable[[], Object | None]
    container: str = DEFAULT_CONTAINER
    prefix_workflow: bool = False
    silence: float = SILENCE
    finished: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    lines: int = 0
    last_activity: float = field(default_factory=time.monotonic)
    _steps: dict[str, str] = field(default_factory=dict)
    _thread: threading.Thread | None = None
    _response: BaseHTTPResponse | None = None

    def start(self) -> None:
        """Follow in a daemon thread."""
        self._thread = threading.Thread(
            target=self.loop, name=f"logs-{self.name}", daemon=True
        )
        self._thread.start()

    def drain(self, idle: float, deadline: float | None) -> None:
        """Wait for the server to end the stream, for as long as lines keep
        coming: give up after `idle` seconds without one, or at `deadline`
        (a `time.monotonic()` value)."""
        thread = self._thread
        started = time.monotonic()
        while thread is not None and thread.is_alive():
            now = time.monotonic()
            if now - max(self.last_activity, started) > idle:
                break
            if deadline is not None and now >= deadline:
                break
            thread.join(0.1)

    def stop(self) -> None:
        """Write no more, and wake the thread if it waits on the stream.

        Called before the process exits, so that no thread is left writing
        to stderr while the interpreter shuts down.
        """
        self.stopped.set()
        response = self._response
        if response is not None:
            interrupt(response)
        if self._thread is not None:
            self._thread.join(1.0)

    def loop(self) -> None:
        """Stream until the server ends it; reconnect when it drops."""
        failures = 0
        last_line = 0.0
        while not self.stopped.is_set():
            since = int(time.time() - last_line) + 1 if last_line else None
            try:
                for entry in self._entries(since):
                    if self.stopped.is_set():
                        return
                    self._write(entry)
                    last_line = time.time()
                return
            except (StreamError, StreamBroken, errors.TransportError) as error:
                failures += 1
                if self.stopped.is_set():
                    return
                if self.finished.is_set() or failures >= MAX_FAILURES:
                    self._lost(error)
                    return
                logger.info("reconnecting the log stream of %s: %s", self.name, error)
                self.stopped.wait(min(0.5 * 2**failures, 8.0))
            except errors.ArgoTriggerError as error:
                self._lost(error)
                return

    def _entries(self, since: int | None) -> Iterator[dict[str, Any]]:
        response = self.client.workflow_logs(
            self.namespace,
            self.name,
            container=self.container,
            since_seconds=since,
            read_timeout=self.silence,
        )
        self._response = response
        try:
            for result in read(response):
                if result is not KEEP_ALIVE:
                    self.last_activity = time.monotonic()
                    yield result
        finally:
            self._response = None
            response.close()

    def _write(self, entry: dict[str, Any]) -> None:
        pod = str(entry.get("podName") or "")
        step = self._step(pod)
        if self.prefix_workflow:
            step = f"{self.name}/{step}"
        self.lines += 1
        self.console.line(f"{step}: {entry.get('content', '')}")

    def _step(self, pod: str) -> str:
        known = self._steps.get(pod)
        if known is not None:
            return known
        step = step_of(pod, self.latest())
        if step is None:
            # The pod may be newer than the last workflow the watch delivered.
            step = step_of(pod, self._read_workflow()) or pod
        self._steps[pod] = step
        return step

    def _read_workflow(self) -> Object | None:
        try:
            return self.client.get_workflow(self.namespace, self.name)
        except errors.ArgoTriggerError:
            return None

    def _lost(self, error: Exception) -> None:
        self.console.line(
            f"argo-trigger: the logs of {self.name} are incomplete: {error}"
        )

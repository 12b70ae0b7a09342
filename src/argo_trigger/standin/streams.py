"""The stand-in's streams: the workflow watch and the workflow log.

Every change to a stored workflow is recorded in `Changes`, in order, so a
watch delivers each transition, not only the latest state. A watch first
sends every matching workflow as ADDED (as a Kubernetes watch without a
resourceVersion does), then each change. Like the Argo Server it writes
server-sent events when asked with `Accept: text/event-stream` (with `:`
keep-alive lines) and one JSON document per line otherwise, and it can end
a watch with the `EOF` error the real server sends when the Kubernetes watch
behind it closes (`StreamSettings.eof_every`).
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import names
from .errors import not_found
from .routing import Call, Writer
from .store import Object, prune

if TYPE_CHECKING:
    from .lifecycle import Lifecycle

EVENT_STREAM = "text/event-stream"
# The error the Argo Server sends when its Kubernetes watch closes.
EOF_ERROR = {
    "error": {
        "grpc_code": 8,
        "http_code": 429,
        "message": "EOF",
        "http_status": "Too Many Requests",
    }
}


@dataclass
class StreamSettings:
    """How the stand-in's streams behave; tests shorten these.

    `eof_every` ends each watch with Argo's `EOF` error after that many
    seconds; `drop_every` cuts the connection instead, mid-stream, as a
    proxy or a broken network does.
    """

    keepalive: float = 15.0
    eof_every: float | None = None
    drop_every: float | None = None


@dataclass(frozen=True)
class Change:
    """One recorded change: its number, ADDED/MODIFIED/DELETED, the object."""

    number: int
    type: str
    workflow: Object


class Changes:
    """Every workflow change, in order, and a condition to wait for more."""

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self._changes: list[Change] = []

    def record(self, change_type: str, workflow: Object) -> None:
        """Remember a change and wake every stream waiting for one."""
        with self.condition:
            number = len(self._changes) + 1
            self._changes.append(Change(number, change_type, copy.deepcopy(workflow)))
            self.condition.notify_all()

    def last(self) -> int:
        """The number of the newest change (0 before any)."""
        with self.condition:
            return len(self._changes)

    def after(self, number: int, timeout: float) -> list[Change]:
        """The changes newer than `number`, waiting up to `timeout` for one."""
        with self.condition:
            if len(self._changes) <= number:
                self.condition.wait(timeout)
            return self._changes[number:]


def encode(document: Any, sse: bool) -> bytes:
    """One stream message, as server-sent event or as a JSON line."""
    data = json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()
    return b"data: " + data + b"\n\n" if sse else data + b"\n"


def wants_sse(call: Call) -> bool:
    """True when the client asked for server-sent events."""
    return EVENT_STREAM in (call.header("accept") or "")


@dataclass
class WatchStream:
    """GET /api/v1/workflow-events/{namespace}, filtered by selectors."""

    call: Call
    namespace: str
    matches: Callable[[Object], bool]
    initial: list[Object]
    seen: int
    changes: Changes
    settings: StreamSettings
    sse: bool = False

    def headers(self) -> dict[str, str]:
        return {"Content-Type": EVENT_STREAM if self.sse else "application/json"}

    def write(self, out: Writer) -> None:
        seen = self.seen
        for workflow in self.initial:
            out.write(self._event("ADDED", workflow))
        started = time.monotonic()
        last_write = started
        while not self.call.stopping.is_set():
            if _due(started, self.settings.eof_every):
                out.write(encode(EOF_ERROR, self.sse))
                return
            if _due(started, self.settings.drop_every):
                raise ConnectionAbortedError("the stand-in drops the watch")
            for change in self.changes.after(seen, self._wait()):
                seen = change.number
                if self._in_scope(change.workflow) and self.matches(change.workflow):
                    out.write(self._event(change.type, change.workflow))
                    last_write = time.monotonic()
            if self.sse and time.monotonic() - last_write >= self.settings.keepalive:
                out.write(b":\n")
                last_write = time.monotonic()

    def _event(self, change_type: str, workflow: Object) -> bytes:
        shown = prune(workflow)
        shown["status"] = shown.get("status") or {}
        return encode({"result": {"type": change_type, "object": shown}}, self.sse)

    def _in_scope(self, workflow: Object) -> bool:
        return bool(workflow["metadata"].get("namespace") == self.namespace)

    def _wait(self) -> float:
        waits = [self.settings.keepalive, 0.5]
        for every in (self.settings.eof_every, self.settings.drop_every):
            if every is not None:
                waits.append(every)
        return max(min(waits), 0.01)


def _due(started: float, every: float | None) -> bool:
    return every is not None and time.monotonic() - started >= every


def watch_stream(
    call: Call, store_list: Callable[[str], list[Object]], streams: Streams
) -> WatchStream:
    """The watch for a request: label and field selectors as Argo reads them.

    Raises ApiError: 400 for a selector that cannot be parsed, 404 when the
    field selector names a workflow that does not exist (the real server
    reads it first).
    """
    namespace = call.params["namespace"]
    selector = names.parse_selector(call.arg("listOptions.labelSelector"))
    wanted = _field_name(call.arg("listOptions.fieldSelector"))
    if wanted is not None and not any(
        w["metadata"]["name"] == wanted for w in store_list(namespace)
    ):
        raise not_found("workflows", wanted)

    def matches(workflow: Object) -> bool:
        metadata = workflow["metadata"]
        if wanted is not None and metadata["name"] != wanted:
            return False
        return selector.matches(metadata.get("labels") or {})

    # Taken before the answer's headers go out, so that a change made once
    # the client holds them is always sent: as ADDED if it is in this
    # snapshot, or as a change numbered after `seen` (or, racing, both).
    seen = streams.changes.last()
    initial = [w for w in store_list(namespace) if matches(w)]
    return WatchStream(
        call,
        namespace,
        matches,
        initial,
        seen,
        streams.changes,
        streams.settings,
        sse=wants_sse(call),
    )


def _field_name(selector: str) -> str | None:
    for requirement in filter(None, selector.split(",")):
        if requirement.startswith("metadata.name"):
            return requirement.split("=")[-1]
    return None


@dataclass
class LogStream:
    """GET /api/v1/workflows/{namespace}/{name}/log with follow.

    Each pod's lines are sent once the pod has started, then the next
    pod's; the stream ends when the workflow has finished and every started
    pod's lines are out. Only the `main` container has lines.
    """

    call: Call
    namespace: str
    name: str
    lifecycle: Lifecycle
    settings: StreamSettings
    container: str = "main"
    follow: bool = True
    sse: bool = False
    lines_sent: int = field(default=0)

    def headers(self) -> dict[str, str]:
        return {"Content-Type": EVENT_STREAM if self.sse else "application/json"}

    def write(self, out: Writer) -> None:
        sent = 0
        last_write = time.monotonic()
        while not self.call.stopping.is_set():
            pods, finished = self.lifecycle.started_pods(self.namespace, self.name)
            for pod in pods[sent:]:
                sent += 1
                if self.container == "main":
                    self._send(out, pod.name, pod.lines())
                last_write = time.monotonic()
            if (finished and sent >= len(pods)) or not self.follow:
                return
            self.lifecycle.wait_for_change(min(self.settings.keepalive, 0.5))
            if self.sse and time.monotonic() - last_write >= self.settings.keepalive:
                out.write(b":\n")
                last_write = time.monotonic()

    def _send(self, out: Writer, pod: str, lines: Iterator[str]) -> None:
        for line in lines:
            document = {"result": {"content": line, "podName": pod}}
            out.write(encode(document, self.sse))
            self.lines_sent += 1


class Streams:
    """What the stand-in's streams share: the change log and the settings."""

    def __init__(self) -> None:
        self.changes = Changes()
        self.settings = StreamSettings()

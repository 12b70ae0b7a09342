"""Follow workflows through the server's watch stream until they finish.

One reader thread per stream does the I/O: it opens
`/api/v1/workflow-events/{namespace}` (by name, or by label selector for the
workflows of one event), hands every workflow it receives to the waiting
thread through a queue, and reconnects when the server sends its `EOF`
error or the connection drops. After a reconnect it reads each workflow
once with a plain GET, so that a change made while no stream was open is
not lost. The waiting thread owns the deadline and the signals: it only
ever blocks on the queue, which a timeout or a signal interrupts at once.
"""

from __future__ import annotations

import contextlib
import queue
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from urllib3 import BaseHTTPResponse

from argo_trigger import errors
from argo_trigger.client import ArgoClient, Object
from argo_trigger.follow.stream import KEEP_ALIVE, StreamBroken, StreamError, read
from argo_trigger.log import logger

# Longest silence accepted on a stream before it counts as dropped. The
# server sends a keep-alive line every 15 s on server-sent events.
SILENCE = 60.0
FIRST_RETRY = 0.5
MAX_RETRY = 8.0
# Failures in a row after which a reader gives up reconnecting.
MAX_FAILURES = 8


def is_finished(workflow: Object) -> bool:
    """True once the controller has set status.finishedAt."""
    return bool((workflow.get("status") or {}).get("finishedAt"))


def name_of(workflow: Object) -> str:
    """metadata.name of a workflow."""
    return str((workflow.get("metadata") or {}).get("name", ""))


@dataclass
class Message:
    """What a reader hands to the waiting thread."""

    kind: str  # "workflow", "deleted" or "failed"
    workflow: Object | None = None
    error: errors.ArgoTriggerError | None = None


@dataclass
class Source:
    """One stream to read: a single workflow by name, or a label selector."""

    names: Sequence[str]
    label_selector: str | None = None


@dataclass
class Reader:
    """Reads one watch stream in a thread and feeds the waiting thread."""

    client: ArgoClient
    namespace: str
    source: Source
    inbox: queue.Queue[Message]
    stopped: threading.Event = field(default_factory=threading.Event)
    silence: float = SILENCE
    reconnects: int = 0
    _response: BaseHTTPResponse | None = None
    _received: bool = False

    def start(self) -> None:
        """Run `loop` in a daemon thread."""
        name = f"watch-{','.join(self.source.names)[:40]}"
        threading.Thread(target=self.loop, name=name, daemon=True).start()

    def stop(self) -> None:
        """Stop reading, and wake the thread if it is blocked on the stream."""
        self.stopped.set()
        response = self._response
        if response is not None:
            interrupt(response)

    def loop(self) -> None:
        """Read, reconnect, re-read; report a failure that retries cannot fix."""
        failures = 0
        while not self.stopped.is_set():
            self._received = False
            try:
                if self.reconnects:
                    self._refresh()
                self._follow()
                failures = 0
                why = "the server ended the stream"
            except StreamError as error:
                if not error.is_eof:
                    self._fail(_stream_failure(error))
                    return
                why = "the server's watch closed (EOF)"
            except (StreamBroken, errors.TransportError, errors.ServerError) as error:
                if isinstance(error, errors.ServerError) and error.status == 501:
                    self._fail(error)
                    return
                # A stream that carried messages before it broke was healthy:
                # only failures in a row count towards giving up.
                failures = 1 if self._received else failures + 1
                if failures >= MAX_FAILURES:
                    self._fail(_gave_up(error, failures))
                    return
                why = str(error)
            except errors.NotFoundError as error:
                names = ", ".join(self.source.names)
                self._fail(_deleted(names, self.namespace, error.server_message))
                return
            except errors.ArgoTriggerError as error:
                self._fail(error)
                return
            if self.stopped.is_set():
                return
            logger.info("reconnecting the watch: %s", why)
            self.reconnects += 1
            self.stopped.wait(_backoff(failures))

    def _follow(self) -> None:
        name = self.source.names[0] if self.source.label_selector is None else None
        response = self.client.watch_workflows(
            self.namespace,
            name=name,
            label_selector=self.source.label_selector,
            read_timeout=self.silence,
        )
        self._response = response
        try:
            for result in read(response):
                self._received = True
                if self.stopped.is_set():
                    return
                if result is not KEEP_ALIVE:
                    self._hand_over(result)
        finally:
            self._response = None
            response.close()

    def _hand_over(self, result: dict[str, Any]) -> None:
        workflow = result.get("object")
        if not isinstance(workflow, dict) or name_of(workflow) not in self.source.names:
            return
        kind = "deleted" if result.get("type") == "DELETED" else "workflow"
        self.inbox.put(Message(kind, workflow))

    def _refresh(self) -> None:
        for name in self.source.names:
            try:
                workflow = self.client.get_workflow(self.namespace, name)
            except errors.NotFoundError:
                self.inbox.put(Message("deleted", {"metadata": {"name": name}}))
                continue
            self.inbox.put(Message("workflow", workflow))

    def _fail(self, error: errors.ArgoTriggerError) -> None:
        self.inbox.put(Message("failed", error=error))


def interrupt(response: BaseHTTPResponse) -> None:
    """Shut the socket under a response another thread is reading.

    Closing the response itself would wait for that thread's read to end
    (the buffered reader holds a lock), which lasts until the server next
    writes. Shutting the socket ends the read at once. Best effort: when
    the socket cannot be reached, the thread ends at its next read.
    """
    connection = response.connection
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _backoff(failures: int) -> float:
    """No wait after a stream that worked, growing waits after failures in a
    row, so that a workflow's changes are missed for as short a time as
    possible and a server that is down is not hammered."""
    if failures <= 1:
        return 0.0
    return float(min(MAX_RETRY, FIRST_RETRY * 2.0 ** (failures - 2)))


def _stream_failure(error: StreamError) -> errors.ArgoTriggerError:
    return errors.ServerError(
        f"the Argo Server's watch stream failed: {error.message} "
        f"(gRPC code {error.grpc_code}); see the server's log",
        status=error.http_code or 500,
        code=error.grpc_code,
        server_message=error.message,
    )


def _gave_up(error: Exception, failures: int) -> errors.ArgoTriggerError:
    if isinstance(error, errors.ArgoTriggerError):
        return error
    return errors.ServerError(
        f"the watch stream broke {failures} times in a row ({error}); check the "
        "network between this job and the Argo Server, and any proxy's timeouts",
        status=503,
    )


Observer = Callable[[Object], None]


@dataclass
class Follower:
    """Waits for workflows to finish, reporting each change to `observe`."""

    client: ArgoClient
    namespace: str
    observe: Observer = lambda workflow: None
    silence: float = SILENCE
    latest: dict[str, Object] = field(default_factory=dict)
    readers: list[Reader] = field(default_factory=list)

    def wait(
        self,
        names: Sequence[str],
        *,
        label_selector: str | None = None,
        deadline: float | None = None,
    ) -> dict[str, Object]:
        """Follow `names` until each has finished; return them by name.

        With `label_selector` one stream carries all of them; otherwise one
        stream per name. `deadline` is a `time.monotonic()` value. Raises
        WaitTimeout at the deadline, NotDiscovered when a workflow is deleted
        or does not exist, and the client's errors when the stream cannot be
        opened or read.
        """
        inbox: queue.Queue[Message] = queue.Queue()
        sources = (
            [Source(names, label_selector)]
            if label_selector
            else [Source([name]) for name in names]
        )
        self.readers = [
            Reader(self.client, self.namespace, s, inbox, silence=self.silence)
            for s in sources
        ]
        try:
            for reader in self.readers:
                reader.start()
            self._consume(inbox, set(names), deadline)
        finally:
            self.close()
        return {name: self.latest[name] for name in names}

    def close(self) -> None:
        """Stop every reader (safe to call more than once)."""
        for reader in self.readers:
            reader.stop()

    @property
    def reconnects(self) -> int:
        """How often the streams were opened again."""
        return sum(reader.reconnects for reader in self.readers)

    def _consume(
        self, inbox: queue.Queue[Message], pending: set[str], deadline: float | None
    ) -> None:
        while pending:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise self._timeout(pending)
            try:
                message = inbox.get(timeout=left)
            except queue.Empty:
                raise self._timeout(pending) from None
            if message.kind == "failed":
                assert message.error is not None
                raise message.error
            assert message.workflow is not None
            name = name_of(message.workflow)
            if message.kind == "deleted":
                raise _deleted(name, self.namespace, "deleted while waiting")
            if self._changed(message.workflow):
                self.latest[name] = message.workflow
                self.observe(message.workflow)
            if is_finished(message.workflow):
                pending.discard(name)

    def _changed(self, workflow: Object) -> bool:
        before = self.latest.get(name_of(workflow))
        if before is None:
            return True
        return bool(_version(before) != _version(workflow))

    def _timeout(self, pending: set[str]) -> errors.WaitTimeout:
        states = ", ".join(
            f"{name} {_phase(self.latest.get(name))}" for name in sorted(pending)
        )
        return errors.WaitTimeout(
            f"the workflows did not finish within --timeout: {states}; raise "
            "--timeout, or choose with --on-abort what happens to them"
        )


def _version(workflow: Object) -> Any:
    metadata = workflow.get("metadata") or {}
    return metadata.get("resourceVersion") or workflow.get("status")


def _phase(workflow: Object | None) -> str:
    if workflow is None:
        return "(not seen yet)"
    return str((workflow.get("status") or {}).get("phase") or "Pending")


def _deleted(name: str, namespace: str, why: str) -> errors.NotDiscovered:
    return errors.NotDiscovered(
        f"workflow {name} not found in namespace {namespace} ({why}); check "
        "the name and -n"
    )

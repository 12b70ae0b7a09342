"""The stand-in Argo Server: a real HTTP server on loopback.

It answers the Argo Server endpoints argo-trigger uses, with Argo's paths,
status codes, error bodies and headers, for local trials and for tests. It
is a stand-in and says so: Argo Workflows on Kubernetes is the real thing.
"""

from __future__ import annotations

import copy
import logging
import re
import ssl
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import UsageError
from . import workflows
from .api import Api
from .auth import ServiceAccount
from .handler import STANDIN_NOTE, HTTPServer
from .lifecycle import Lifecycle, Script
from .records import Injection, RecordedEvent, RecordedRequest
from .store import API_VERSION, KINDS, Object, Store, load_manifests
from .streams import Streams

logger = logging.getLogger("argo_trigger.standin")

# The gRPC server's default limit on one message, which bounds a request body.
MAX_MESSAGE_BYTES = 100 * 1024 * 1024

Dispatcher = Callable[[str, str, Any, dict[str, list[str]], ServiceAccount], list[str]]


class Standin:
    """A stand-in Argo Server with its objects, accounts and recordings."""

    def __init__(
        self,
        accounts: Iterable[ServiceAccount] = (),
        *,
        base_href: str = "",
        certfile: str | Path | None = None,
        keyfile: str | Path | None = None,
        client_ca: str | Path | None = None,
        version: str = "v4.1.2",
        host: str = "127.0.0.1",
        port: int = 0,
        default_namespace: str = "argo",
    ) -> None:
        self.accounts = list(accounts)
        self.base_href = "/" + base_href.strip("/") if base_href.strip("/") else ""
        self.certfile = certfile
        self.keyfile = keyfile
        # With a CA, clients must present a certificate it signed (mutual TLS,
        # as in front of servers that require client certificates).
        self.client_ca = client_ca
        self.version = version
        self.host = host
        self.port = port
        self.store = Store(default_namespace)
        # Events go through the bindings as on the Argo Server; a test may
        # set None to record events without dispatching them.
        from .dispatch import make_dispatcher

        self.dispatcher: Dispatcher | None = make_dispatcher(self)
        self.max_body_bytes = MAX_MESSAGE_BYTES
        self.stopping = threading.Event()
        self.streams = Streams()
        self.lifecycle = Lifecycle(self.store, self.streams.changes, self.stopping)
        self.routes = Api(self).routes()
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._events: list[RecordedEvent] = []
        self._injections: list[Injection] = []
        self._httpd: HTTPServer | None = None
        self._url = ""
        self._thread: threading.Thread | None = None

    def load_manifests(self, paths: Iterable[Path | str]) -> None:
        """Add every object of YAML files and directories (multi-document).

        Objects of other kinds (Secrets, Roles...) are skipped with a
        warning. Raises UsageError when a file cannot be read or parsed.
        """
        for obj in load_manifests(Path(path) for path in paths):
            if obj.get("kind") in KINDS:
                self.add(obj)
            else:
                # Real manifest folders also hold Secrets, Roles and the like.
                logger.warning(
                    "the stand-in skips a manifest of kind %s", obj.get("kind")
                )

    def add(self, obj: Mapping[str, Any]) -> Object:
        """Add one object (WorkflowTemplate, ClusterWorkflowTemplate,
        CronWorkflow, WorkflowEventBinding or Workflow); returns it stored.

        Raises UsageError for another kind or a missing name.
        """
        stored = self.store.add(dict(obj))
        if stored["kind"] == "Workflow":
            self.streams.changes.record("ADDED", stored)
        return stored

    def start(self) -> str:
        """Listen and serve in a thread; returns the URL without base href.

        Raises UsageError when the address cannot be bound or the
        certificate cannot be loaded.
        """
        context = self._tls_context()
        try:
            httpd = HTTPServer((self.host, self.port), self, context)
        except OSError as error:
            raise UsageError(
                f"the stand-in cannot listen on {self.host}:{self.port}: "
                f"{error.strerror}"
            ) from error

        self._httpd = httpd
        scheme = "https" if context is not None else "http"
        host, port = httpd.server_address[:2]
        self._url = f"{scheme}://{host!s}:{port}"
        self.stopping.clear()
        # A short poll interval keeps `stop` quick: tests start many servers.
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            args=(0.05,),
            name="argo-trigger-standin",
            daemon=True,
        )
        self._thread.start()
        logger.info("%s, listening on %s%s", STANDIN_NOTE, self.url, self.base_href)
        return self.url

    @property
    def url(self) -> str:
        """`http(s)://127.0.0.1:PORT`, from start on (still readable after stop)."""
        if not self._url:
            raise RuntimeError("the stand-in has not been started")
        return self._url

    def stop(self) -> None:
        """Stop serving and close every connection; safe to call twice."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self.stopping.set()
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        logger.info("the stand-in Argo Server stopped")

    def __enter__(self) -> Standin:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request answered so far, in the order answered."""
        with self._lock:
            return list(self._requests)

    @property
    def events(self) -> list[RecordedEvent]:
        """Every event accepted so far."""
        with self._lock:
            return list(self._events)

    def workflows(self, namespace: str) -> list[Object]:
        """The workflows stored in a namespace, oldest first."""
        return self.store.list("Workflow", namespace)

    def objects(self, kind: str, namespace: str = "") -> list[Object]:
        """The stored objects of a kind, e.g. the bindings of a namespace."""
        return self.store.list(kind, namespace)

    def inject(
        self,
        path_regex: str,
        *,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Answer the next `times` requests whose raw path matches this way.

        The answer replaces the real one entirely (nothing is created), after
        sleeping `delay` seconds. With no body the answer has none.
        """
        with self._lock:
            self._injections.append(
                Injection(
                    re.compile(path_regex),
                    status,
                    body,
                    dict(headers or {}),
                    times,
                    delay,
                )
            )

    def set_phase(
        self, namespace: str, name: str, phase: str, message: str = ""
    ) -> Object:
        """Move a stored workflow to a phase, as the controller would."""
        with self.lifecycle.lock:
            found = self.store.get("Workflow", namespace, name)
            workflows.set_phase(found, phase, message)
            stored = self.store.update(found)
            self.streams.changes.record("MODIFIED", stored)
        return stored

    def workflow_created(self, workflow: Object) -> None:
        """Tell the watches, and start the lifecycle script that fits, if any."""
        self.streams.changes.record("ADDED", workflow)
        self.lifecycle.created(workflow)

    def get_object(
        self, kind: str, namespace: str, name: str, account: ServiceAccount
    ) -> Object:
        """Read an object with an account's rights (for event dispatch).

        Raises ApiError: 403 (Kubernetes' RBAC message) or 404.
        """
        resource, namespaced = KINDS[kind]
        scope = namespace if namespaced else ""
        account.require("get", resource, scope, name)
        return self.store.get(kind, namespace, name)

    def create_workflow(
        self, workflow: Mapping[str, Any], account: ServiceAccount
    ) -> Object:
        """Create a workflow with an account's rights (for event dispatch).

        The workflow must name its namespace. Raises ApiError: 403, 400 for
        a bad name or label, 409 on a name clash.
        """
        created = copy.deepcopy(dict(workflow))
        created.setdefault("apiVersion", API_VERSION)
        created.setdefault("kind", "Workflow")
        created.setdefault("status", {})
        account.require("create", "workflows", created["metadata"]["namespace"])
        stored = self.store.create(created)
        self.workflow_created(stored)
        return stored

    def record_event(
        self,
        namespace: str,
        discriminator: str,
        headers: dict[str, list[str]],
        payload: Any,
    ) -> None:
        """Keep an accepted event for `events`."""
        with self._lock:
            self._events.append(
                RecordedEvent(namespace, discriminator, headers, payload)
            )

    def record_request(self, request: RecordedRequest) -> None:
        """Keep an answered request for `requests`."""
        with self._lock:
            self._requests.append(request)

    def take_injection(self, path: str) -> Injection | None:
        """The first pending injection for a path, used up by one request."""
        with self._lock:
            for injection in self._injections:
                if injection.remaining > 0 and injection.pattern.search(path):
                    injection.remaining -= 1
                    return injection
        return None

    def _tls_context(self) -> ssl.SSLContext | None:
        if not self.certfile:
            return None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(self.certfile, self.keyfile)
        except (OSError, ssl.SSLError) as error:
            raise UsageError(
                f"the stand-in cannot load its TLS certificate {self.certfile}: {error}"
            ) from error
        if self.client_ca:
            context.load_verify_locations(self.client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
        return context


def serve_forever(
    *,
    host: str = "127.0.0.1",
    port: int = 2746,
    manifests: Iterable[Path | str] = (),
    token: str,
    base_href: str = "",
    certfile: str | Path | None = None,
    keyfile: str | Path | None = None,
    namespace: str = "argo",
    script: Script | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Run a stand-in until interrupted (for `argo-trigger standin`).

    One service account, `argo-server` in `namespace`, holds every right and
    is reached with `token`. Every workflow created runs `script`, if given.
    `on_ready` receives the URL (base href included) once the server
    listens. Prints nothing itself. Raises UsageError for unreadable
    manifests, an unusable address or certificate.
    """
    account = ServiceAccount.admin(name="argo-server", namespace=namespace, token=token)
    standin = Standin(
        [account],
        base_href=base_href,
        certfile=certfile,
        keyfile=keyfile,
        host=host,
        port=port,
        default_namespace=namespace,
    )
    standin.load_manifests(manifests)
    if script is not None:
        standin.lifecycle.add(script)
    url = standin.start()
    try:
        if on_ready is not None:
            on_ready(url + standin.base_href)
        while not standin.stopping.wait(0.5):
            continue
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()

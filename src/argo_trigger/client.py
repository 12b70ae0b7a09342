"""A small typed client for the Argo Server endpoints argo-trigger uses.

Each method names the RBAC its call needs, so that a 403 can say what to
grant. Every method raises the errors of `argo_trigger.transport.Transport`:
ConnectError, TLSError, RequestTimeout, or an APIError subclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from argo_trigger import errors
from argo_trigger.config import Settings
from argo_trigger.transport import Response, Transport, dumps

Object = dict[str, Any]

EVENT_RBAC = (
    "workfloweventbindings: list, workflowtemplates: get and workflows: create "
    "(and workflows: get, list, watch to follow the workflows)"
)


class ArgoClient:
    """Calls the Argo Server REST API as the configured token."""

    def __init__(self, settings: Settings, transport: Transport | None = None) -> None:
        self.settings = settings
        self.transport = transport or Transport(settings)
        # The server's clock when it answered the last event (its Date
        # header): workflows the event created carry no later timestamp.
        self.event_answered_at: datetime | None = None

    def version(self) -> Object:
        """GET /api/v1/version."""
        return self._get("version", hint="any valid token")

    def info(self) -> Object:
        """GET /api/v1/info."""
        return self._get("info", hint="any valid token")

    def userinfo(self) -> Object:
        """GET /api/v1/userinfo: who the token is."""
        return self._get("userinfo", hint="any valid token")

    def send_event(
        self,
        namespace: str,
        discriminator: str,
        body: bytes,
        headers: Mapping[str, str] | None = None,
    ) -> Object:
        """POST an event; the server answers `{}` whether or not a binding fired.

        Raises DispatchError on a 500: a binding failed, and the workflows of
        the other bindings may have been created all the same.
        """
        url = self.settings.url("api", "v1", "events", namespace, discriminator)
        try:
            response = self.transport.request(
                "POST", url, body=body, headers=headers, hint=_in(EVENT_RBAC, namespace)
            )
        except errors.ServerError as error:
            if error.status != 500:
                raise
            raise _dispatch_error(error) from None
        self.event_answered_at = _date(response.headers.get("Date"))
        return _object(response)

    def create_workflow(
        self, namespace: str, workflow: Object, *, server_dry_run: bool = False
    ) -> Object:
        """POST /api/v1/workflows/{namespace}: create a Workflow from a manifest."""
        body: Object = {"namespace": namespace, "workflow": workflow}
        if server_dry_run:
            body["serverDryRun"] = True
        url = self.settings.url("api", "v1", "workflows", namespace)
        hint = _in("workflows: create", namespace)
        response = self.transport.request("POST", url, body=dumps(body), hint=hint)
        return _object(response)

    def submit(
        self, namespace: str, kind: str, name: str, options: Mapping[str, Any]
    ) -> Object:
        """POST /api/v1/workflows/{namespace}/submit: run a template or cron."""
        body = {
            "namespace": namespace,
            "resourceKind": kind,
            "resourceName": name,
            "submitOptions": dict(options),
        }
        url = self.settings.url("api", "v1", "workflows", namespace, "submit")
        resource = _RESOURCE_OF_KIND.get(kind, "workflowtemplates")
        hint = _in(f"{resource}: get and workflows: create", namespace)
        response = self.transport.request("POST", url, body=dumps(body), hint=hint)
        return _object(response)

    def get_workflow(self, namespace: str, name: str) -> Object:
        """GET one workflow."""
        return self._get(
            "workflows", namespace, name, hint=_in("workflows: get", namespace)
        )

    def list_workflows(
        self,
        namespace: str,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
        fields: str | None = None,
    ) -> list[Object]:
        """List workflows, optionally by label or field selector (such as
        `metadata.name=X`); `fields` trims the answer."""
        params = {}
        if label_selector:
            params["listOptions.labelSelector"] = label_selector
        if field_selector:
            params["listOptions.fieldSelector"] = field_selector
        if fields:
            params["fields"] = fields
        answer = self._get(
            "workflows",
            namespace,
            params=params,
            hint=_in("workflows: list", namespace),
        )
        return list(answer.get("items") or [])

    def watch_workflows(
        self,
        namespace: str,
        *,
        name: str | None = None,
        label_selector: str | None = None,
        read_timeout: float,
    ) -> Response:
        """Open GET /api/v1/workflow-events/{namespace} as server-sent events.

        One workflow by `name`, or those matching `label_selector`. The server
        first sends each matching workflow as ADDED, then every change. The
        response body is left unread; `read_timeout` bounds the silence
        between two pieces of it. Raises NotFoundError for an unknown name.
        """
        params = {}
        if name:
            params["listOptions.fieldSelector"] = f"metadata.name={name}"
        if label_selector:
            params["listOptions.labelSelector"] = label_selector
        url = self.settings.url("api", "v1", "workflow-events", namespace)
        return self._stream(
            url, params, _in("workflows: watch", namespace), read_timeout
        )

    def workflow_logs(
        self,
        namespace: str,
        name: str,
        *,
        container: str = "main",
        since_seconds: int | None = None,
        read_timeout: float,
    ) -> Response:
        """Open the followed log of every pod of a workflow, as server-sent events.

        The server streams each pod once it leaves Pending and ends the
        stream when the workflow has finished. The body is left unread.
        """
        params = {
            "logOptions.container": container,
            "logOptions.follow": "true",
        }
        if since_seconds is not None:
            params["logOptions.sinceSeconds"] = str(since_seconds)
        url = self.settings.url("api", "v1", "workflows", namespace, name, "log")
        hint = _in("workflows: get and pods/log: get", namespace)
        return self._stream(url, params, hint, read_timeout)

    def stop_workflow(self, namespace: str, name: str) -> Object:
        """PUT .../stop: end the workflow, running its exit handlers."""
        return self._shutdown(namespace, name, "stop")

    def terminate_workflow(self, namespace: str, name: str) -> Object:
        """PUT .../terminate: end the workflow at once, without exit handlers."""
        return self._shutdown(namespace, name, "terminate")

    def list_bindings(self, namespace: str) -> list[Object]:
        """The WorkflowEventBindings of a namespace."""
        answer = self._get(
            "workflow-event-bindings",
            namespace,
            hint=_in("workfloweventbindings: list", namespace),
        )
        return list(answer.get("items") or [])

    def get_workflow_template(self, namespace: str, name: str) -> Object:
        """GET one WorkflowTemplate."""
        return self._get(
            "workflow-templates",
            namespace,
            name,
            hint=_in("workflowtemplates: get", namespace),
        )

    def _shutdown(self, namespace: str, name: str, action: str) -> Object:
        url = self.settings.url("api", "v1", "workflows", namespace, name, action)
        body = dumps({"namespace": namespace, "name": name})
        hint = _in("workflows: get, patch", namespace)
        response = self.transport.request("PUT", url, body=body, hint=hint)
        return _object(response)

    def _stream(
        self, url: str, params: Mapping[str, str], hint: str, read_timeout: float
    ) -> Response:
        return self.transport.request(
            "GET",
            url,
            params=params,
            headers={"Accept": "text/event-stream"},
            hint=hint,
            stream_timeout=read_timeout,
        )

    def _get(
        self, *segments: str, params: Mapping[str, str] | None = None, hint: str
    ) -> Object:
        url = self.settings.url("api", "v1", *segments)
        return _object(self.transport.request("GET", url, params=params, hint=hint))


_RESOURCE_OF_KIND = {
    "WorkflowTemplate": "workflowtemplates",
    "ClusterWorkflowTemplate": "clusterworkflowtemplates",
    "CronWorkflow": "cronworkflows",
}


def _in(rbac: str, namespace: str) -> str:
    return f"{rbac} in namespace {namespace}"


def _date(header: str | None) -> datetime | None:
    if not header:
        return None
    try:
        return parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None


def _object(response: Response) -> Object:
    try:
        value = response.json()
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise errors.ServerError(
            f"{response.status} from {response.url} did not carry a JSON "
            "object; check that the URL points at an Argo Server",
            status=response.status,
        )
    return value


def _dispatch_error(error: errors.ServerError) -> errors.DispatchError:
    message = (
        f"the Argo Server could not dispatch the event: {error.server_message}. "
        "Workflows of the other bindings may have been created, so the event "
        "was not sent again; fix the binding named above (argo-trigger "
        "bindings test shows what each binding does with this payload)"
    )
    return errors.DispatchError(
        message,
        status=error.status,
        code=error.code,
        server_message=error.server_message,
        body=error.body,
    )

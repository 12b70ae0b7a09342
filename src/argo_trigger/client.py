"""A small typed client for the Argo Server endpoints argo-trigger uses.

Each method names the RBAC its call needs, so that a 403 can say what to
grant. Every method raises the errors of `argo_trigger.transport.Transport`:
ConnectError, TLSError, RequestTimeout, or an APIError subclass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from argo_trigger import errors
from argo_trigger.config import Settings
from argo_trigger.transport import Transport, dumps

Object = dict[str, Any]

EVENT_RBAC = (
    "workfloweventbindings: list, workflowtemplates: get and workflows: create "
    "(and workflows: get, list, watch to follow the workflows)"
)


class ArgoClient:
    """Calls the Argo Server REST API as the configured token."""

    def __init__(
        self, settings: Settings, session: requests.Session | None = None
    ) -> None:
        self.settings = settings
        self.transport = Transport(settings, session)

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
        fields: str | None = None,
    ) -> list[Object]:
        """List workflows, optionally by label selector; `fields` trims the answer."""
        params = {}
        if label_selector:
            params["listOptions.labelSelector"] = label_selector
        if fields:
            params["fields"] = fields
        answer = self._get(
            "workflows",
            namespace,
            params=params,
            hint=_in("workflows: list", namespace),
        )
        return list(answer.get("items") or [])

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


def _object(response: requests.Response) -> Object:
    try:
        value = response.json()
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise errors.ServerError(
            f"{response.status_code} from {response.url} did not carry a JSON "
            "object; check that the URL points at an Argo Server",
            status=response.status_code,
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

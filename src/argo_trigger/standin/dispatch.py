"""Event dispatch for the stand-in, through the same engine as `bindings test`.

    standin.dispatcher = make_dispatcher(standin)

For each event the dispatcher does what the Argo Server does: it lists the
namespace's bindings with the caller's rights, skips those labelled for a
controller instance (the stand-in has no instance id), evaluates each
binding, and creates the Workflows of those that match, named and labelled
as Argo names and labels them. It returns one error per failed binding, in
Argo's words; the server then answers 500 `failed to dispatch event: [...]`
while the other bindings' workflows stay created.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..bindings.dispatch import (
    Event,
    TemplateGetter,
    TemplateNotFound,
    evaluate,
    instance_label,
    metadata_from_headers,
)
from ..bindings.manifests import Object
from ..expr import ExprError
from . import names, workflows
from .auth import ServiceAccount
from .errors import INTERNAL, ApiError

if TYPE_CHECKING:
    from .server import Dispatcher, Standin

# The gateway in front of the Argo Server adds the host the client asked for.
FORWARDED_HOST = "x-forwarded-host"


def make_dispatcher(standin: Standin) -> Dispatcher:
    """A `Standin.dispatcher` that evaluates the stand-in's bindings."""

    def dispatch(
        namespace: str,
        discriminator: str,
        payload: Any,
        headers: dict[str, list[str]],
        caller: ServiceAccount,
    ) -> list[str]:
        caller.require("list", "workfloweventbindings", namespace)
        bindings = [
            binding
            for binding in standin.objects("WorkflowEventBinding", namespace)
            if instance_label(binding) is None
        ]
        event = Event(namespace, discriminator, payload, event_metadata(headers))
        try:
            env = event.environment()
        except ExprError as error:
            raise ApiError(
                INTERNAL,
                "failed to create workflow template expression environment: "
                + error.message,
            ) from None

        get = _template_getter(standin, namespace, caller)
        failures = []
        for binding in bindings:
            failure = _dispatch_one(standin, binding, env, get, caller)
            if failure:
                failures.append(failure)
        return failures

    return dispatch


def event_metadata(headers: dict[str, list[str]]) -> dict[str, list[str]]:
    """The `metadata` variable as the Argo Server's bindings see it.

    The `x-` headers, plus `x-forwarded-host`, which Argo's HTTP gateway
    adds from the request (a sent X-Forwarded-Host header, else Host).
    """
    metadata = metadata_from_headers(headers)
    host = (headers.get(FORWARDED_HOST) or headers.get("host") or [""])[0]
    if host:
        metadata.setdefault(FORWARDED_HOST, []).append(host)
    return metadata


def _dispatch_one(
    standin: Standin,
    binding: Object,
    env: dict[str, Any],
    get: TemplateGetter,
    caller: ServiceAccount,
) -> str | None:
    result = evaluate(binding, env, get)
    if result.error is not None:
        return result.error
    if result.workflow is None:
        return None

    workflow = result.workflow
    metadata = workflow["metadata"]
    metadata["namespace"] = binding["metadata"]["namespace"]
    if not metadata.get("name"):
        # Argo names the workflow itself rather than leave it to Kubernetes.
        suffix = names.random_suffix(names.ARGO_ALPHABET)
        metadata["name"] = metadata.get("generateName", "") + suffix
    _label_creator(workflow, caller)
    try:
        standin.create_workflow(workflow, caller)
    except ApiError as error:
        return f"failed to create workflow: {error.message}"
    return None


def _label_creator(workflow: Object, caller: ServiceAccount) -> None:
    """The creator labels Argo sets from the caller's token claims, after
    the binding's own labels, so that a binding cannot forge them."""
    workflows.label_creator(workflow, caller)
    workflow["metadata"]["labels"].pop(workflows.LABEL_ACTION, None)


def _template_getter(
    standin: Standin, namespace: str, caller: ServiceAccount
) -> TemplateGetter:
    def get(name: str, cluster: bool) -> Object:
        kind = "ClusterWorkflowTemplate" if cluster else "WorkflowTemplate"
        # A cluster-scoped template is asked for outside any namespace.
        where = "" if cluster else namespace
        try:
            return standin.get_object(kind, where, name, caller)
        except ApiError as error:
            raise TemplateNotFound(error.message) from None

    return get

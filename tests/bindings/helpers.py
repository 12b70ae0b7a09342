"""Shared bits of the binding tests: fixture paths and small manifests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from argo_trigger.bindings import Event, TemplateNotFound
from argo_trigger.bindings.manifests import Object

ROOT = Path(__file__).parent.parent.parent
ARGO = ROOT / "tests" / "fixtures" / "argo"
EXAMPLES = ROOT / "examples"
GITHUB_PUSH = ROOT / "tests" / "fixtures" / "ci" / "github" / "push.payload.json"
WEBHOOK = ARGO / "github-webhook-payload.json"


def manifest(text: str) -> Object:
    loaded: Object = yaml.safe_load(text)
    return loaded


def push_payload() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(GITHUB_PUSH.read_text())
    return loaded


def env_for(payload: Any, discriminator: str = "ci", **headers: list[str]) -> Any:
    metadata = {key.replace("_", "-"): value for key, value in headers.items()}
    return Event("argo", discriminator, payload, metadata).environment()


def templates(*objects: Object) -> Any:
    """A template getter over these objects, failing as Kubernetes words it."""

    def get(name: str, cluster: bool) -> Object:
        kind = "ClusterWorkflowTemplate" if cluster else "WorkflowTemplate"
        for obj in objects:
            if obj["kind"] == kind and obj["metadata"]["name"] == name:
                return obj
        resource = "clusterworkflowtemplates" if cluster else "workflowtemplates"
        raise TemplateNotFound(f'{resource}.argoproj.io "{name}" not found')

    return get


def binding(
    selector: str = "true",
    *,
    template: str = "build",
    arguments: list[Object] | None = None,
    metadata: Object | None = None,
    labels: dict[str, str] | None = None,
    cluster: bool = False,
) -> Object:
    """A binding named on-event in the namespace argo."""
    ref: Object = {"name": template}
    if cluster:
        ref["clusterScope"] = True
    submit: Object = {"workflowTemplateRef": ref}
    if metadata is not None:
        submit["metadata"] = metadata
    if arguments is not None:
        submit["arguments"] = {"parameters": arguments}
    own: Object = {"name": "on-event", "namespace": "argo"}
    if labels:
        own["labels"] = labels
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowEventBinding",
        "metadata": own,
        "spec": {"event": {"selector": selector}, "submit": submit},
    }


def template(name: str = "build", cluster: bool = False, **spec: Any) -> Object:
    """A (cluster) workflow template with an entrypoint and `spec` added."""
    kind = "ClusterWorkflowTemplate" if cluster else "WorkflowTemplate"
    own: Object = {"name": name} if cluster else {"name": name, "namespace": "argo"}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": kind,
        "metadata": own,
        "spec": {"entrypoint": "main", **spec},
    }


def event_argument(name: str, source: str) -> Object:
    return {"name": name, "valueFrom": {"event": source}}

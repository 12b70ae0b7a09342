"""Workflows as the Argo Server makes, checks and stops them.

There is no controller behind the stand-in: a created workflow keeps
`status: {}` (what the real server answers right after a create) unless a
lifecycle script runs it (`standin.lifecycle`), a test moves it on with
`Standin.set_phase`, or it is stopped or terminated, which the stand-in
settles at once, as the controller would a moment later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import names
from .auth import ServiceAccount
from .errors import INTERNAL, INVALID_ARGUMENT, ApiError, not_found
from .store import API_VERSION, Object, now

GROUP = "workflows.argoproj.io"
LABEL_WORKFLOW_TEMPLATE = f"{GROUP}/workflow-template"
LABEL_CLUSTER_WORKFLOW_TEMPLATE = f"{GROUP}/cluster-workflow-template"
LABEL_CRON_WORKFLOW = f"{GROUP}/cron-workflow"
LABEL_CREATOR = f"{GROUP}/creator"
LABEL_CREATOR_EMAIL = f"{GROUP}/creator-email"
LABEL_CREATOR_USERNAME = f"{GROUP}/creator-preferred-username"
LABEL_ACTOR = f"{GROUP}/actor"
LABEL_ACTION = f"{GROUP}/action"
LABEL_PHASE = f"{GROUP}/phase"
LABEL_COMPLETED = f"{GROUP}/completed"
ANNOTATION_SCHEDULED_TIME = f"{GROUP}/scheduled-time"
FINISHED_PHASES = frozenset({"Succeeded", "Failed", "Error"})
MAX_WORKFLOW_NAME = 63

SUBMIT_KINDS = {
    "CronWorkflow": ("CronWorkflow", "cronworkflow", "cronworkflows", "cwf"),
    "WorkflowTemplate": (
        "WorkflowTemplate",
        "workflowtemplate",
        "workflowtemplates",
        "wftmpl",
    ),
    "ClusterWorkflowTemplate": (
        "ClusterWorkflowTemplate",
        "clusterworkflowtemplate",
        "clusterworkflowtemplates",
        "cwftmpl",
    ),
}

# Finds a WorkflowTemplate (cluster_scope False) or ClusterWorkflowTemplate.
TemplateLookup = Callable[[str, bool], "Object | None"]


def submit_kind(resource_kind: str) -> str:
    """The kind a submit request names, in any of the spellings Argo accepts.

    Raises ApiError (400) for a kind that cannot be submitted.
    """
    for kind, spellings in SUBMIT_KINDS.items():
        if resource_kind in spellings:
            return kind
    raise ApiError(
        INVALID_ARGUMENT,
        f"Resource kind '{resource_kind}' is not supported for submitting",
    )


def from_template(name: str, *, cluster_scope: bool) -> Object:
    """The workflow Argo's submit makes from a (cluster) workflow template."""
    label = (
        LABEL_CLUSTER_WORKFLOW_TEMPLATE if cluster_scope else LABEL_WORKFLOW_TEMPLATE
    )
    ref: dict[str, Any] = {"name": name}
    if cluster_scope:
        ref["clusterScope"] = True
    return {
        "apiVersion": API_VERSION,
        "kind": "Workflow",
        "metadata": {"generateName": f"{name}-", "labels": {label: name}},
        "spec": {"workflowTemplateRef": ref},
    }


def from_cron(cron: Object) -> Object:
    """The workflow Argo's submit makes from a CronWorkflow, owned by it."""
    metadata = cron["metadata"]
    spec = cron.get("spec", {})
    extra = spec.get("workflowMetadata") or {}
    labels = {LABEL_CRON_WORKFLOW: metadata["name"], **(extra.get("labels") or {})}
    annotations = {ANNOTATION_SCHEDULED_TIME: now(), **(extra.get("annotations") or {})}
    owner = {
        "apiVersion": cron.get("apiVersion", API_VERSION),
        "kind": "CronWorkflow",
        "name": metadata["name"],
        "uid": metadata.get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }
    return {
        "apiVersion": cron.get("apiVersion", API_VERSION),
        "kind": "Workflow",
        "metadata": {
            "generateName": f"{metadata['name']}-",
            "labels": labels,
            "annotations": annotations,
            "ownerReferences": [owner],
        },
        "spec": dict(spec.get("workflowSpec") or {}),
    }


def label_creator(workflow: Object, account: ServiceAccount) -> None:
    """Label a workflow with who created it, as Argo does for every create.

    A service account token carries no e-mail or preferred user name, so
    those labels are removed even when the request set them.
    """
    labels = workflow["metadata"].setdefault("labels", {})
    labels[LABEL_CREATOR] = names.dns_friendly(account.user)
    labels.pop(LABEL_CREATOR_EMAIL, None)
    labels.pop(LABEL_CREATOR_USERNAME, None)


def apply_submit_options(workflow: Object, options: dict[str, Any]) -> None:
    """Apply `submitOptions` to a workflow the way Argo's submit does.

    Raises ApiError (500, Argo's wording) for malformed labels, annotations
    or parameters: the real server reports these as internal errors.
    """
    metadata = workflow["metadata"]
    spec = workflow["spec"]
    for option, field in (
        ("entryPoint", "entrypoint"),
        ("serviceAccount", "serviceAccountName"),
        ("podPriorityClassName", "podPriorityClassName"),
    ):
        if options.get(option):
            spec[field] = options[option]
    if options.get("priority") is not None:
        spec["priority"] = options["priority"]

    # Argo quotes the labels option even when the annotations are at fault.
    labels = options.get("labels") or ""
    for option in ("labels", "annotations"):
        if options.get(option):
            try:
                pairs = names.parse_key_values(options[option])
            except ValueError as error:
                word = "labels" if option == "labels" else "Annotations"
                raise ApiError(
                    INTERNAL,
                    f"expected {word} of the form: NAME1=VALUE2,NAME2=VALUE2. "
                    f"Received: {labels}: {error}",
                ) from error
            metadata.setdefault(option, {}).update(pairs)

    _override_parameters(spec, options.get("parameters") or [])
    if options.get("generateName"):
        metadata["generateName"] = options["generateName"]
    if options.get("name"):
        metadata["name"] = options["name"]


def _override_parameters(spec: dict[str, Any], parameters: list[str]) -> None:
    if not parameters:
        return

    given: list[dict[str, Any]] = []
    for text in parameters:
        name, sep, value = text.partition("=")
        if not sep:
            raise ApiError(
                INTERNAL,
                f"expected parameter of the form: NAME=VALUE. Received: {text}",
            )
        given.append({"name": name, "value": value})

    arguments = spec.setdefault("arguments", {})
    overridden = {parameter["name"] for parameter in given}
    kept = [
        p for p in arguments.get("parameters") or [] if p.get("name") not in overridden
    ]
    arguments["parameters"] = given + kept


def validate(workflow: Object, lookup: TemplateLookup) -> None:
    """Check a workflow as Argo's validation does before a create or submit.

    Covers what a client can get wrong through this API: the name length,
    the referenced template, the entrypoint and the argument values.
    Raises ApiError: 404 for a missing template, 400 otherwise.
    """
    name = workflow["metadata"].get("name") or ""
    if len(name) > MAX_WORKFLOW_NAME:
        raise ApiError(
            INVALID_ARGUMENT,
            f'workflow name "{name}" must not be more than 63 characters long '
            f"(currently {len(name)})",
        )

    spec = workflow.get("spec") or {}
    template_spec = _referenced_spec(spec, lookup)
    parameters = _merge_parameters(
        (spec.get("arguments") or {}).get("parameters") or [],
        (template_spec.get("arguments") or {}).get("parameters") or [],
    )
    for parameter in parameters:
        _validate_parameter(parameter)

    if not spec.get("entrypoint") and not template_spec.get("entrypoint"):
        raise ApiError(INVALID_ARGUMENT, "spec.entrypoint is required")


def _referenced_spec(spec: dict[str, Any], lookup: TemplateLookup) -> dict[str, Any]:
    ref = spec.get("workflowTemplateRef")
    if not ref:
        return {}

    cluster_scope = bool(ref.get("clusterScope"))
    template = lookup(ref.get("name", ""), cluster_scope)
    if template is None:
        # The server reads templates from an informer cache, whose lister
        # names the resource in the singular.
        kind = "clusterworkflowtemplate" if cluster_scope else "workflowtemplate"
        raise not_found(kind, ref.get("name", ""))
    spec_of_template: dict[str, Any] = template.get("spec") or {}
    return spec_of_template


def _merge_parameters(
    own: list[dict[str, Any]], inherited: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    present = {parameter.get("name") for parameter in own}
    return own + [p for p in inherited if p.get("name") not in present]


def _validate_parameter(parameter: dict[str, Any]) -> None:
    prefix = f"spec.arguments.{parameter.get('name', '')}"
    value = parameter.get("value")
    if value is None and parameter.get("valueFrom") is None:
        raise ApiError(
            INVALID_ARGUMENT, f"{prefix}.value or {prefix}.valueFrom is required"
        )

    enum = parameter.get("enum")
    if enum is not None and value is not None and str(value) not in map(str, enum):
        raise ApiError(
            INVALID_ARGUMENT,
            f"{prefix}.value should be present in {prefix}.enum list",
        )


def shutdown(workflow: Object, strategy: str, account: ServiceAccount) -> None:
    """Stop or terminate a workflow and settle it as the controller would.

    Raises ApiError (500, Argo's wording) when the workflow has finished.
    """
    metadata = workflow["metadata"]
    if (workflow.get("status") or {}).get("phase") in FINISHED_PHASES:
        raise ApiError(
            INTERNAL,
            "cannot shutdown a completed workflow: "
            f'workflow: "{metadata["name"]}", '
            f'namespace: "{metadata.get("namespace", "")}"',
        )

    workflow.setdefault("spec", {})["shutdown"] = strategy
    labels = metadata.setdefault("labels", {})
    labels[LABEL_ACTOR] = names.dns_friendly(account.user)
    labels[LABEL_ACTION] = strategy
    set_phase(workflow, "Failed", f"Stopped with strategy '{strategy}'")


def set_phase(workflow: Object, phase: str, message: str = "") -> None:
    """Move a workflow to a phase, with the times and labels Argo sets."""
    status = workflow.setdefault("status", {})
    timestamp = now()
    status["phase"] = phase
    status.setdefault("startedAt", timestamp)
    if message:
        status["message"] = message
    labels = workflow["metadata"].setdefault("labels", {})
    labels[LABEL_PHASE] = phase
    if phase in FINISHED_PHASES:
        status["finishedAt"] = timestamp
        labels[LABEL_COMPLETED] = "true"
    else:
        labels[LABEL_COMPLETED] = "false"

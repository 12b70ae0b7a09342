"""WorkflowEventBindings evaluated as the Argo Server's event dispatch does.

For each binding: the selector must give a bool; when it is true, the
template is read, the Workflow is made from it (labels, then the binding's
`submit.metadata` expressions, then the binding label), and each argument's
`valueFrom.event` is evaluated and turned into a parameter string. Every
failure is worded as Argo words it, so that `failed to dispatch event: [...]`
reads the same from the stand-in as from a real server.

Creating the Workflow, and the creator labels the server adds from the
caller's token, are left to the caller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from argo_trigger.bindings.manifests import Object, name_of
from argo_trigger.expr import ExprError, compile_expr, prepare_env, to_param_string
from argo_trigger.expr.goformat import format_v
from argo_trigger.expr.values import go_type

NAMES = ("payload", "discriminator", "namespace", "metadata")
API_VERSION = "argoproj.io/v1alpha1"
GROUP = "workflows.argoproj.io"
LABEL_EVENT_BINDING = f"{GROUP}/workflow-event-binding"
LABEL_WORKFLOW_TEMPLATE = f"{GROUP}/workflow-template"
LABEL_CLUSTER_WORKFLOW_TEMPLATE = f"{GROUP}/cluster-workflow-template"
LABEL_INSTANCE_ID = f"{GROUP}/controller-instanceid"


class TemplateNotFound(Exception):
    """A template lookup failed; the message is Kubernetes' own."""


# (name, cluster scope) → the template; raises TemplateNotFound.
TemplateGetter = Callable[[str, bool], Object]


class BindingFailure(Exception):
    """One binding failed; the message is what the Argo Server reports."""


@dataclass(frozen=True)
class Event:
    """What a binding sees: the event's namespace, discriminator, body, headers.

    `metadata` holds the `x-` headers only, keys lower-cased, each a list of
    values; see `metadata_from_headers`.
    """

    namespace: str
    discriminator: str
    payload: Any
    metadata: Mapping[str, list[str]] = field(default_factory=dict)

    def environment(self) -> dict[str, Any]:
        """The expression environment, as Argo builds it through JSON.

        Raises ExprError for a payload that JSON cannot hold.
        """
        source = {
            "namespace": self.namespace,
            "discriminator": self.discriminator,
            "metadata": {key: list(values) for key, values in self.metadata.items()},
            "payload": self.payload,
        }
        return prepare_env(source)


@dataclass
class Result:
    """What one binding did with an event.

    `matched` is true only when the selector held and nothing failed;
    `error` is Argo's message when something failed; `workflow` is the
    Workflow the server would create (named by `generateName` unless the
    binding names it), or None.
    """

    binding: str
    matched: bool = False
    error: str | None = None
    parameters: list[dict[str, str]] = field(default_factory=list)
    workflow: Object | None = None


def metadata_from_headers(
    headers: Mapping[str, str | Sequence[str]],
) -> dict[str, list[str]]:
    """The `metadata` variable: `x-` headers only, lower-cased, values as lists.

    Other headers never reach it, `authorization` least of all.
    """
    metadata: dict[str, list[str]] = {}
    for name, value in headers.items():
        key = name.lower()
        if not key.startswith("x-"):
            continue
        values = [value] if isinstance(value, str) else list(value)
        metadata.setdefault(key, []).extend(values)
    return metadata


def instance_label(obj: Object) -> str | None:
    """The controller instance an object is labelled for, or None."""
    labels = (obj.get("metadata") or {}).get("labels") or {}
    value = labels.get(LABEL_INSTANCE_ID)
    return None if value is None else str(value)


def evaluate(binding: Object, env: Mapping[str, Any], get: TemplateGetter) -> Result:
    """Evaluate one binding against a prepared environment (`Event.environment`).

    Never raises for a bad binding: the failure is in `Result.error`.
    """
    result = Result(name_of(binding))
    try:
        _evaluate(binding, env, get, result)
    except BindingFailure as failure:
        result.error = str(failure)
        result.matched = False
        result.workflow = None
    return result


def _evaluate(
    binding: Object, env: Mapping[str, Any], get: TemplateGetter, result: Result
) -> None:
    spec = _mapping(binding.get("spec"))
    selector = str(_mapping(spec.get("event")).get("selector") or "")
    if not select(selector, env):
        return

    submit = spec.get("submit")
    if not isinstance(submit, dict):
        # The server dispatches nothing for a binding without `submit`.
        result.matched = True
        return

    ref = _mapping(submit.get("workflowTemplateRef"))
    cluster = bool(ref.get("clusterScope"))
    template = _template(get, str(ref.get("name") or ""), cluster)
    namespace = str(_mapping(binding.get("metadata")).get("namespace") or "")
    workflow = _new_workflow(namespace or str(env["namespace"]), template, cluster)
    _apply_metadata(workflow, _mapping(submit.get("metadata")), env)
    workflow["metadata"]["labels"][LABEL_EVENT_BINDING] = result.binding

    arguments = _mapping(submit.get("arguments")).get("parameters") or []
    parameters = workflow["spec"]["arguments"]["parameters"]
    for argument in arguments:
        parameters.append(parameter(_mapping(argument), env))
        result.parameters.append(dict(parameters[-1]))
    result.matched = True
    result.workflow = workflow


def select(selector: str, env: Mapping[str, Any]) -> bool:
    """The selector's verdict; raises BindingFailure as Argo words it."""
    prefix = "failed to evaluate workflow template expression: "
    try:
        program = compile_expr(selector, NAMES)
    except ExprError as error:
        raise BindingFailure(prefix + go_error(error, selector)) from None
    try:
        value = program.run(env)
    except ExprError as error:
        raise BindingFailure(
            f"{prefix}unable to evaluate expression '{selector}': "
            + go_error(error, selector)
        ) from None
    if not isinstance(value, bool):
        raise BindingFailure(
            f"{prefix}unable to cast expression result '{go_s(value)}' to bool"
        )
    return value


def parameter(argument: Mapping[str, Any], env: Mapping[str, Any]) -> dict[str, str]:
    """One `{name, value}` from a binding argument; raises BindingFailure."""
    name = str(argument.get("name") or "")
    value_from = argument.get("valueFrom")
    if not isinstance(value_from, dict):
        raise BindingFailure(
            f'malformed workflow template parameter "{name}": valueFrom is nil'
        )

    source = str(value_from.get("event") or "")
    try:
        program = compile_expr(source, NAMES)
    except ExprError as error:
        raise BindingFailure(
            f"failed to compile workflow template parameter {name} expression: "
            + go_error(error, source)
        ) from None
    try:
        value = program.run(env)
    except ExprError as error:
        raise BindingFailure(
            f'failed to evaluate workflow template parameter "{name}" expression: '
            + go_error(error, source)
        ) from None
    try:
        text = to_param_string(value)
    except ExprError as error:
        raise BindingFailure(
            f'failed to convert result to JSON "{name}" expression: {error.message}'
        ) from None
    return {"name": name, "value": text}


def _template(get: TemplateGetter, name: str, cluster: bool) -> Object:
    try:
        template = get(name, cluster)
    except TemplateNotFound as error:
        raise BindingFailure(f"failed to get workflow template: {error}") from None
    if instance_label(template) is not None:
        # A server without an instance id accepts no template that has one.
        raise BindingFailure(
            "failed to validate workflow template instanceid: "
            f"'{name_of(template)}' is not managed by the current Argo Server"
        )
    return template


def _new_workflow(namespace: str, template: Object, cluster: bool) -> Object:
    name = name_of(template)
    key = LABEL_CLUSTER_WORKFLOW_TEMPLATE if cluster else LABEL_WORKFLOW_TEMPLATE
    labels: dict[str, str] = {key: name}
    annotations: dict[str, str] = {}
    own = _mapping(_mapping(template.get("spec")).get("workflowMetadata"))
    labels.update({str(k): str(v) for k, v in _mapping(own.get("labels")).items()})
    annotations.update(
        {str(k): str(v) for k, v in _mapping(own.get("annotations")).items()}
    )
    labels.pop(LABEL_INSTANCE_ID, None)

    ref: Object = {"name": name}
    if cluster:
        ref["clusterScope"] = True
    metadata = {"generateName": f"{name}-", "namespace": namespace, "labels": labels}
    if annotations:
        metadata["annotations"] = annotations
    return {
        "apiVersion": API_VERSION,
        "kind": "Workflow",
        "metadata": metadata,
        "spec": {"workflowTemplateRef": ref, "arguments": {"parameters": []}},
    }


def _apply_metadata(
    workflow: Object, given: Mapping[str, Any], env: Mapping[str, Any]
) -> None:
    metadata = workflow["metadata"]
    if given.get("name"):
        metadata["name"] = string_expression(str(given["name"]), "name", env)
    if given.get("generateName"):
        metadata["generateName"] = string_expression(
            str(given["generateName"]), "generateName", env
        )
    for key, source in _mapping(given.get("labels")).items():
        what = f'label "{key}"'
        metadata["labels"][str(key)] = string_expression(str(source), what, env)
    for key, source in _mapping(given.get("annotations")).items():
        what = f'annotation "{key}"'
        annotations = metadata.setdefault("annotations", {})
        annotations[str(key)] = string_expression(str(source), what, env)


def string_expression(source: str, what: str, env: Mapping[str, Any]) -> str:
    """A `submit.metadata` expression, in the extended environment.

    Raises BindingFailure unless it compiles, runs and gives a string.
    """
    prefix = f"failed to evaluate workflow {what} expression: "
    try:
        value = compile_expr(source, NAMES, extended=True).run(env)
    except ExprError as error:
        raise BindingFailure(prefix + go_error(error, source)) from None
    if not isinstance(value, str):
        raise BindingFailure(
            f"workflow {what} expression must evaluate to a string, "
            f"not a {go_type_name(value)}"
        )
    return value


def go_error(error: ExprError, source: str) -> str:
    """An expr error as Go's expr prints it: message, position, snippet."""
    if error.line is None or error.column is None:
        return error.message
    lines = source.split("\n")
    line = lines[error.line - 1] if error.line <= len(lines) else ""
    if not line:
        return error.message
    pointer = "." * (error.column - 1) + "^"
    snippet = "\n | " + line.replace("\t", " ") + "\n | " + pointer
    return f"{error.message} ({error.line}:{error.column}){snippet}"


def go_type_name(value: Any) -> str:
    """Go's %T of a value (`<nil>` for nil)."""
    return "<nil>" if value is None else go_type(value)


def go_s(value: Any, nested: bool = False) -> str:
    """Go's `fmt.Sprintf("%s", value)`, bad-verb notes included."""
    if isinstance(value, str):
        return value
    if value is None:
        return "<nil>" if nested else "%!s(<nil>)"
    if isinstance(value, list):
        return "[" + " ".join(go_s(item, True) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{key}:{go_s(value[key], True)}" for key in sorted(value))
        return "map[" + " ".join(pairs) + "]"
    return f"%!s({go_type(value)}={format_v(value)})"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def dumps(value: Any) -> str:
    """Compact JSON for messages."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

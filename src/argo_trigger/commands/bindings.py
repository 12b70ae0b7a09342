"""`argo-trigger bindings test`: what each WorkflowEventBinding does with
this job's payload, evaluated offline as the Argo Server would."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from argo_trigger import config, errors
from argo_trigger.bindings.dispatch import (
    Event,
    TemplateGetter,
    TemplateNotFound,
    evaluate,
    instance_label,
    metadata_from_headers,
)
from argo_trigger.bindings.lint import lint
from argo_trigger.bindings.manifests import (
    CLUSTER_TEMPLATE,
    TEMPLATE,
    Manifests,
    Object,
    load,
    name_of,
)
from argo_trigger.cli import Run, options_from, output_format
from argo_trigger.commands.event import build_request, check_namespace
from argo_trigger.commands.payload import discriminator
from argo_trigger.errors import UsageError
from argo_trigger.expr import ExprError


@dataclass
class Source:
    """Where the bindings and their templates come from.

    `get` finds a template and raises TemplateNotFound; `missing` words
    the lint warning for a template that `get` cannot find.
    """

    bindings: list[Object]
    get: TemplateGetter
    missing: Callable[[str, str], str]


@dataclass
class Report:
    """One binding's line in the output (the JSON shape of `bindings test`)."""

    name: str
    matched: bool = False
    error: str | None = None
    parameters: list[dict[str, str]] = field(default_factory=list)
    workflow: Object | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The binding as `-o json` prints it."""
        return {
            "name": self.name,
            "matched": self.matched,
            "error": self.error,
            "parameters": self.parameters,
            "workflow": self.workflow,
            "warnings": self.warnings,
        }


def run(run: Run) -> int:
    """Test every binding against the payload; exit 0, 20 or 21."""
    args = run.args
    namespace = config.resolve_namespace(options_from(args), run.env)
    check_namespace(namespace)
    event = event_from_args(run, namespace)
    try:
        env = event.environment()
    except ExprError as error:
        raise UsageError(f"the payload cannot be evaluated: {error}") from None

    source = _source(run, namespace)
    reports = [test_binding(binding, env, source) for binding in source.bindings]

    if output_format(args) == "json":
        shown = {
            "namespace": namespace,
            "discriminator": event.discriminator,
            "payload": event.payload,
            "bindings": [report.to_json() for report in reports],
        }
        run.out(json.dumps(shown, indent=2, ensure_ascii=False))
    else:
        _print_text(run, event, reports)
    return exit_code(reports)


def event_from_args(run: Run, namespace: str) -> Event:
    """The event this job would send: payload flags, -H headers, --native.

    Raises UsageError for bad flags or a body that is not JSON.
    """
    request = build_request(run, "")
    if request.payload is None and request.body.strip() not in (b"", b"null"):
        raise UsageError("the event body is not JSON; bindings can only read JSON")
    metadata = metadata_from_headers(request.headers)
    return Event(namespace, discriminator(run), request.payload, metadata)


def exit_code(reports: list[Report]) -> int:
    """21 when a binding failed, else 20 when none matched, else 0."""
    if any(report.error is not None for report in reports):
        return errors.BINDING_FAILED
    if not any(report.matched for report in reports):
        return errors.NO_BINDING_MATCHED
    return 0


def test_binding(binding: Object, env: dict[str, Any], source: Source) -> Report:
    """Evaluate one binding and lint it beside its template."""
    report = Report(name_of(binding))
    instance = instance_label(binding)
    if instance is not None:
        report.warnings.append(
            "labelled workflows.argoproj.io/controller-instanceid="
            f"{instance}: an Argo Server without that instance id skips it, "
            "and so does this test"
        )
        return report

    result = evaluate(binding, env, source.get)
    report.matched = result.matched
    report.error = result.error
    report.parameters = result.parameters
    report.workflow = result.workflow
    report.warnings = _lint(binding, source)
    return report


def _lint(binding: Object, source: Source) -> list[str]:
    spec = binding.get("spec") if isinstance(binding.get("spec"), dict) else {}
    submit = (spec or {}).get("submit")
    ref = submit.get("workflowTemplateRef") if isinstance(submit, dict) else None
    if not isinstance(ref, dict):
        return lint(binding, None)

    cluster = bool(ref.get("clusterScope"))
    name = str(ref.get("name") or "")
    kind = CLUSTER_TEMPLATE if cluster else TEMPLATE
    try:
        template = source.get(name, cluster)
    except TemplateNotFound as error:
        return lint(binding, None, source.missing(f"{kind} {name}", str(error)))
    if not template.get("spec"):
        return lint(binding, None, source.missing(f"{kind} {name}", ""))
    return lint(binding, template)


def _source(run: Run, namespace: str) -> Source:
    paths = list(run.args.paths)
    if run.args.from_server:
        if paths:
            raise UsageError("give PATHs or --from-server, not both")
        return _server_source(run, namespace)
    if not paths:
        raise UsageError(
            "give the YAML files or folders that hold the bindings and their "
            "templates, or --from-server to read them from the Argo Server"
        )
    return _file_source(load(paths), namespace)


def _file_source(found: Manifests, namespace: str) -> Source:
    def get(name: str, cluster: bool) -> Object:
        template = found.template(name, cluster, namespace)
        if template is None:
            # Not among the files, yet perhaps on the cluster: a stub lets the
            # test go on, and the lint warning says what is missing.
            kind = CLUSTER_TEMPLATE if cluster else TEMPLATE
            return {"kind": kind, "metadata": {"name": name}}
        return template

    def missing(what: str, _: str) -> str:
        return (
            f"{what} is not in the given files: the server fails this binding "
            "unless the template exists there"
        )

    return Source(found.bindings_in(namespace), get, missing)


def _server_source(run: Run, namespace: str) -> Source:
    from argo_trigger.bindings.remote import BindingsClient

    client = BindingsClient(config.resolve(options_from(run.args), run.env))
    bindings = client.list_bindings(namespace)
    remote = client.template_getter(namespace)
    cache: dict[tuple[str, bool], Object | TemplateNotFound] = {}

    def get(name: str, cluster: bool) -> Object:
        key = (name, cluster)
        if key not in cache:
            try:
                cache[key] = remote(name, cluster)
            except TemplateNotFound as error:
                cache[key] = error
        found = cache[key]
        if isinstance(found, TemplateNotFound):
            raise TemplateNotFound(str(found))
        return found

    def missing(what: str, why: str) -> str:
        return f"{what} cannot be read from the server: {why}"

    return Source(bindings, get, missing)


def _print_text(run: Run, event: Event, reports: list[Report]) -> None:
    shown = event.discriminator or "(empty)"
    run.out(f"namespace {event.namespace}, discriminator {shown}")
    if not reports:
        run.out("no WorkflowEventBinding in this namespace: the event does nothing")
        return
    for report in reports:
        run.out("")
        _print_report(run, report)
    matched = sum(report.matched for report in reports)
    failed = sum(report.error is not None for report in reports)
    run.out("")
    run.out(f"{len(reports)} bindings: {matched} matched, {failed} failed")


def _print_report(run: Run, report: Report) -> None:
    if report.error is not None:
        run.out(f"{report.name}: FAILED (the server would answer 500)")
        run.out(_indent(report.error, "  error: ", "         "))
    elif report.matched:
        run.out(f"{report.name}: matched")
    else:
        run.out(f"{report.name}: not matched")

    if report.matched and report.workflow is None:
        run.out("  no workflow: the binding has no spec.submit")
    if report.workflow is not None:
        _print_workflow(run, report.workflow)
    for warning in report.warnings:
        run.out(_indent(warning, "  warning: ", "           "))


def _print_workflow(run: Run, workflow: Object) -> None:
    metadata = workflow["metadata"]
    ref = workflow["spec"]["workflowTemplateRef"]
    kind = CLUSTER_TEMPLATE if ref.get("clusterScope") else TEMPLATE
    if metadata.get("name"):
        run.out(f"  workflow: {metadata['name']} from {kind} {ref['name']}")
    else:
        named = metadata.get("generateName", "")
        run.out(f"  workflow: {named}<random> from {kind} {ref['name']}")
    for key, value in sorted(metadata.get("labels", {}).items()):
        run.out(f"    label {key}={value}")
    for key, value in sorted(metadata.get("annotations", {}).items()):
        run.out(_indent(f"{key}={value}", "    annotation ", "      "))
    for parameter in workflow["spec"]["arguments"]["parameters"]:
        text = f"{parameter['name']}={parameter['value']}"
        run.out(_indent(text, "    parameter ", "      "))


def _indent(text: str, first: str, rest: str) -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *(rest + line for line in lines[1:])])

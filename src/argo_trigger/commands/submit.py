"""`argo-trigger submit`: create a Workflow from a manifest or from a template."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from argo_trigger import ci, config
from argo_trigger.cli import (
    Run,
    options_from,
    output_format,
    publish,
    ui_base,
    wants_wait,
)
from argo_trigger.errors import UsageError
from argo_trigger.params import load_params_file, parse_lines, parse_pairs
from argo_trigger.report import Outcome, workflow_result

KINDS = {
    "workflowtemplate": "WorkflowTemplate",
    "workflowtemplates": "WorkflowTemplate",
    "wftmpl": "WorkflowTemplate",
    "clusterworkflowtemplate": "ClusterWorkflowTemplate",
    "clusterworkflowtemplates": "ClusterWorkflowTemplate",
    "cwftmpl": "ClusterWorkflowTemplate",
    "cronworkflow": "CronWorkflow",
    "cronworkflows": "CronWorkflow",
    "cwf": "CronWorkflow",
    "cronwf": "CronWorkflow",
}


def run(run: Run) -> int:
    """Create the workflow(s) and print their names."""
    args = run.args
    settings = config.resolve(options_from(args), run.env)
    namespace = settings.namespace
    labels = _labels(run)
    parameters = _parameters(run)

    from argo_trigger.client import ArgoClient

    client = ArgoClient(settings)
    if args.source:
        kind, name = parse_source(args.source)
        options = submit_options(args, labels, parameters)
        if args.dry_run:
            _print_dry_run(
                run,
                "submit",
                {"resourceKind": kind, "resourceName": name, "submitOptions": options},
            )
            return 0
        created = [client.submit(namespace, kind, name, options)]
    else:
        workflows = [
            apply_overrides(w, args, labels, parameters, namespace)
            for w in load_workflows(args.file)
        ]
        if args.dry_run:
            for workflow in workflows:
                _print_dry_run(run, "create", {"workflow": workflow})
            return 0
        created = [
            client.create_workflow(namespace, w, server_dry_run=args.server_dry_run)
            for w in workflows
        ]

    if wants_wait(run) and not args.server_dry_run:
        from argo_trigger.commands.wait import wait_for

        names = [str(w.get("metadata", {}).get("name", "")) for w in created]
        if output_format(args) != "json":
            _print_created(run, created)
        return wait_for(run, client, Outcome(namespace=namespace), names)
    results = [workflow_result(w, settings.base_url, ui_base(run)) for w in created]
    publish(run, Outcome(namespace=namespace, workflows=results))
    _print_created(run, created)
    return 0


def parse_source(source: str) -> tuple[str, str]:
    """`KIND/NAME` as (Argo kind, name); UsageError for an unknown kind."""
    kind, sep, name = source.partition("/")
    resource = KINDS.get(kind.strip().lower())
    if not sep or not name or resource is None:
        raise UsageError(
            f"--from {source!r}: expected workflowtemplate/NAME, "
            "clusterworkflowtemplate/NAME or cronworkflow/NAME"
        )
    return resource, name


def submit_options(
    args: Any, labels: dict[str, str], parameters: dict[str, str]
) -> dict[str, Any]:
    """The submitOptions of a submit request, empty fields left out."""
    options: dict[str, Any] = {
        "parameters": [f"{k}={v}" for k, v in parameters.items()],
        "labels": ",".join(f"{k}={v}" for k, v in labels.items()),
        "entryPoint": args.entrypoint,
        "serviceAccount": args.serviceaccount,
        "name": args.name,
        "generateName": args.generate_name,
        "serverDryRun": args.server_dry_run or None,
    }
    return {k: v for k, v in options.items() if v}


def load_workflows(path: str) -> list[dict[str, Any]]:
    """The Workflow documents of a YAML or JSON file ('-' reads stdin)."""
    import yaml

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text("utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from None
    try:
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UsageError(f"{path} is not valid YAML or JSON{where}") from None
    if not documents:
        raise UsageError(f"{path} holds no Workflow manifest")
    for document in documents:
        if not isinstance(document, dict) or document.get("kind") != "Workflow":
            kind = document.get("kind") if isinstance(document, dict) else None
            hint = ""
            if isinstance(kind, str) and kind in KINDS.values():
                hint = f"; to run a {kind}, use --from {kind.lower()}/NAME"
            raise UsageError(f"{path}: expected kind: Workflow, found {kind!r}{hint}")
    return documents


def apply_overrides(
    workflow: dict[str, Any],
    args: Any,
    labels: dict[str, str],
    parameters: dict[str, str],
    namespace: str,
) -> dict[str, Any]:
    """The manifest with the command line's name, labels and parameters applied."""
    metadata = dict(workflow.get("metadata") or {})
    spec = dict(workflow.get("spec") or {})
    metadata["namespace"] = namespace
    if args.name:
        metadata["name"] = args.name
        metadata.pop("generateName", None)
    elif args.generate_name:
        metadata["generateName"] = args.generate_name
        metadata.pop("name", None)
    if not metadata.get("name") and not metadata.get("generateName"):
        raise UsageError(
            "the Workflow has neither metadata.name nor generateName; "
            "add one, or pass --name or --generate-name"
        )
    metadata["labels"] = {**(metadata.get("labels") or {}), **labels}
    if args.entrypoint:
        spec["entrypoint"] = args.entrypoint
    if args.serviceaccount:
        spec["serviceAccountName"] = args.serviceaccount
    if parameters:
        spec["arguments"] = _with_parameters(spec.get("arguments") or {}, parameters)
    return {**workflow, "metadata": metadata, "spec": spec}


def _with_parameters(
    arguments: dict[str, Any], parameters: dict[str, str]
) -> dict[str, Any]:
    current = [dict(p) for p in arguments.get("parameters") or []]
    names = {p.get("name") for p in current}
    for item in current:
        if item.get("name") in parameters:
            item["value"] = parameters[item["name"]]
            item.pop("valueFrom", None)
    current += [
        {"name": k, "value": v} for k, v in parameters.items() if k not in names
    ]
    return {**arguments, "parameters": current}


def _labels(run: Run) -> dict[str, str]:
    labels: dict[str, str] = {}
    if run.args.ci_labels:
        from argo_trigger.payload import ci_labels

        labels.update(ci_labels(ci.detect(run.env, os.getcwd())))
    for group in run.args.labels:
        for pair in filter(None, (p.strip() for p in group.split(","))):
            labels.update(parse_pairs([pair], flag="--labels"))
    return labels


def _parameters(run: Run) -> dict[str, str]:
    args = run.args
    parameters = parse_lines(
        run.env.get("ARGO_TRIGGER_PARAMETERS", ""), source="ARGO_TRIGGER_PARAMETERS"
    )
    if args.parameter_file:
        parameters.update(load_params_file(args.parameter_file))
    parameters.update(parse_pairs(args.parameter, flag="--parameter"))
    return parameters


def _print_dry_run(run: Run, action: str, body: dict[str, Any]) -> None:
    run.out(json.dumps({"action": action, **body}, indent=2, ensure_ascii=False))


def _print_created(run: Run, created: list[dict[str, Any]]) -> None:
    if output_format(run.args) == "json":
        shown: Any = created[0] if len(created) == 1 else created
        run.out(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    for workflow in created:
        run.out(str(workflow.get("metadata", {}).get("name", "")))

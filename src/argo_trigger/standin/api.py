"""The Argo Server endpoints the stand-in answers, one handler each.

Each handler checks what the real server checks, in the same order, so the
first failure a client meets is the one the real server would report.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import fields, names, streams, workflows
from .errors import (
    INTERNAL,
    INVALID_ARGUMENT,
    PERMISSION_DENIED,
    ApiError,
    not_found,
)
from .routing import Answer, Call, Route, typed
from .store import API_VERSION, Object, prune

if TYPE_CHECKING:
    from .server import Standin

_LIST_PERMISSION = (
    'Permission denied, you are not allowed to list workflows in namespace "{ns}". '
    "Maybe you want to specify a namespace with query parameter `.namespace={ns}`?"
)


class Api:
    """The handlers, bound to one stand-in's objects and settings."""

    def __init__(self, standin: Standin) -> None:
        self.standin = standin
        self.store = standin.store

    def routes(self) -> list[Route]:
        """Every route, specific paths before templated ones."""
        v1 = "/api/v1"
        return [
            Route("GET", f"{v1}/version", self.version),
            Route("GET", f"{v1}/info", self.info),
            Route("GET", f"{v1}/userinfo", self.userinfo),
            Route("POST", f"{v1}/events/{{namespace}}/{{discriminator}}", self.event),
            Route("GET", f"{v1}/workflow-event-bindings/{{namespace}}", self.bindings),
            Route("GET", f"{v1}/workflow-templates/{{namespace}}", self.templates),
            Route(
                "GET", f"{v1}/workflow-templates/{{namespace}}/{{name}}", self.template
            ),
            Route(
                "GET",
                f"{v1}/cluster-workflow-templates/{{name}}",
                self.cluster_template,
            ),
            Route("POST", f"{v1}/workflows/{{namespace}}/submit", self.submit),
            Route("POST", f"{v1}/workflows/{{namespace}}", self.create),
            Route("GET", f"{v1}/workflows/{{namespace}}", self.list_workflows),
            Route("GET", f"{v1}/workflows/{{namespace}}/{{name}}", self.get_workflow),
            Route("GET", f"{v1}/workflow-events/{{namespace}}", self.watch),
            Route("GET", f"{v1}/workflows/{{namespace}}/{{name}}/log", self.log),
            Route("PUT", f"{v1}/workflows/{{namespace}}/{{name}}/stop", self.stop),
            Route(
                "PUT",
                f"{v1}/workflows/{{namespace}}/{{name}}/terminate",
                self.terminate,
            ),
        ]

    def version(self, call: Call) -> Answer:
        """GET /api/v1/version: Argo's version document, marked as a stand-in."""
        version = self.standin.version
        python = ".".join(map(str, sys.version_info[:3]))
        return Answer(
            {
                "version": version,
                "buildDate": "1970-01-01T00:00:00Z",
                "gitCommit": "argo-trigger-standin",
                "gitTag": version,
                "gitTreeState": "clean",
                "goVersion": "none",
                "compiler": f"python{python}",
                "platform": "argo-trigger stand-in (not Argo Workflows)",
            }
        )

    def info(self, call: Call) -> Answer:
        """GET /api/v1/info: no version here, as in Argo."""
        modals = {"feedback": False, "firstTimeUser": False, "newVersion": False}
        return Answer({"modals": modals})

    def userinfo(self, call: Call) -> Answer:
        """GET /api/v1/userinfo: the claims of the caller's token."""
        account = call.caller
        return Answer(
            {
                "subject": account.user,
                "issuer": "kubernetes/serviceaccount",
                "serviceAccountName": account.name,
                "serviceAccountNamespace": account.namespace,
            }
        )

    def event(self, call: Call) -> Answer:
        """POST /api/v1/events/{namespace}/{discriminator}: record, dispatch."""
        namespace = call.params["namespace"]
        discriminator = call.params["discriminator"]
        call.caller.require("list", "workfloweventbindings", namespace)

        payload = call.payload()
        headers = {
            key: values
            for key, values in call.headers.items()
            if key not in ("authorization", "cookie")
        }
        self.standin.record_event(namespace, discriminator, headers, payload)

        dispatcher = self.standin.dispatcher
        if dispatcher is not None:
            errors = dispatcher(namespace, discriminator, payload, headers, call.caller)
            if errors:
                joined = " ".join(errors)
                raise ApiError(INTERNAL, f"failed to dispatch event: [{joined}]")
        return Answer({})

    def bindings(self, call: Call) -> Answer:
        """GET /api/v1/workflow-event-bindings/{namespace}."""
        namespace = call.params["namespace"]
        call.caller.require("list", "workfloweventbindings", namespace)
        items = self._kubernetes_list(call, "WorkflowEventBinding", namespace)
        return Answer(self._list(items))

    def templates(self, call: Call) -> Answer:
        """GET /api/v1/workflow-templates/{namespace}, sorted by name."""
        namespace = call.params["namespace"]
        call.caller.require("list", "workflowtemplates", namespace)
        items = self._kubernetes_list(call, "WorkflowTemplate", namespace)
        pattern = call.arg("namePattern")
        items = [t for t in items if pattern in t["metadata"]["name"]]
        items.sort(key=lambda t: t["metadata"]["name"])
        return Answer(self._list(items))

    def template(self, call: Call) -> Answer:
        """GET /api/v1/workflow-templates/{namespace}/{name}."""
        namespace, name = call.params["namespace"], call.params["name"]
        if not call.caller.can("get", "workflowtemplates", namespace):
            raise ApiError(PERMISSION_DENIED, "permission denied")
        found = self._template(name, False, namespace)
        if found is None:
            raise not_found("workflowtemplate", name)
        return Answer(prune(found))

    def cluster_template(self, call: Call) -> Answer:
        """GET /api/v1/cluster-workflow-templates/{name}."""
        name = call.params["name"]
        if not call.caller.can("get", "clusterworkflowtemplates"):
            raise ApiError(PERMISSION_DENIED, "permission denied")
        found = self._template(name, True, "")
        if found is None:
            raise not_found("clusterworkflowtemplate", name)
        return Answer(prune(found))

    def create(self, call: Call) -> Answer:
        """POST /api/v1/workflows/{namespace}: create (or dry-run) a workflow."""
        namespace = call.params["namespace"]
        request = call.request(
            "workflow.WorkflowCreateRequest",
            {"workflow": dict, "serverDryRun": bool, "createOptions": dict},
        )
        workflow = request.get("workflow")
        if not workflow:
            raise ApiError(INVALID_ARGUMENT, "workflow body not specified")
        typed(workflow, "v1alpha1.Workflow", {"metadata": dict, "spec": dict})

        workflow = {**workflow, "apiVersion": API_VERSION, "kind": "Workflow"}
        metadata = workflow["metadata"] = dict(workflow.get("metadata") or {})
        metadata.setdefault("namespace", namespace)
        workflows.label_creator(workflow, call.caller)
        workflows.validate(workflow, self._lookup(namespace))

        if (request.get("createOptions") or {}).get("dryRun"):
            return Answer(_shown(workflow))
        if metadata["namespace"] != namespace:
            raise ApiError(
                INVALID_ARGUMENT,
                "the namespace of the provided object does not match the namespace "
                "sent on the request",
            )
        return Answer(self._create(call, workflow, bool(request.get("serverDryRun"))))

    def submit(self, call: Call) -> Answer:
        """POST /api/v1/workflows/{namespace}/submit: run a template or cron."""
        namespace = call.params["namespace"]
        request = call.request(
            "workflow.WorkflowSubmitRequest",
            {"resourceKind": str, "resourceName": str, "submitOptions": dict},
        )
        kind = workflows.submit_kind(request.get("resourceKind") or "")
        name = request.get("resourceName") or ""
        options = self._submit_options(request.get("submitOptions") or {})

        if kind == "CronWorkflow":
            call.caller.require("get", "cronworkflows", namespace, name)
            workflow = workflows.from_cron(self.store.get(kind, namespace, name))
        else:
            cluster = kind == "ClusterWorkflowTemplate"
            workflow = workflows.from_template(name, cluster_scope=cluster)
        workflows.label_creator(workflow, call.caller)
        workflows.apply_submit_options(workflow, options)
        workflows.validate(workflow, self._lookup(namespace))

        if options.get("dryRun"):
            return Answer(_shown(workflow))
        workflow["metadata"]["namespace"] = namespace
        return Answer(self._create(call, workflow, bool(options.get("serverDryRun"))))

    def get_workflow(self, call: Call) -> Answer:
        """GET /api/v1/workflows/{namespace}/{name}, trimmed by `fields`."""
        found = self._workflow(call, "get")
        uid = call.arg("uid")
        if uid and found["metadata"].get("uid") != uid:
            raise not_found("workflows", call.params["name"])
        return Answer(fields.trim(_shown(found), call.arg("fields")))

    def list_workflows(self, call: Call) -> Answer:
        """GET /api/v1/workflows/{namespace}, newest and unfinished first."""
        namespace = call.params["namespace"]
        name_filter = _workflow_name_filter(call.arg("listOptions.fieldSelector"))
        selector = names.parse_selector(call.arg("listOptions.labelSelector"))
        if not call.caller.can("list", "workflows", namespace):
            raise ApiError(PERMISSION_DENIED, _LIST_PERMISSION.format(ns=namespace))

        items = [
            _shown(wf)
            for wf in self.store.list("Workflow", namespace)
            if selector.matches(wf["metadata"].get("labels") or {})
            and name_filter(wf["metadata"]["name"])
        ]
        items.reverse()
        unfinished = [wf for wf in items if not _finished_at(wf)]
        finished = sorted(
            (wf for wf in items if _finished_at(wf)), key=_finished_at, reverse=True
        )
        body = {
            "metadata": {"resourceVersion": self.store.resource_version()},
            "items": (unfinished + finished) or None,
        }
        return Answer(fields.trim(body, call.arg("fields")))

    def watch(self, call: Call) -> streams.WatchStream:
        """GET /api/v1/workflow-events/{namespace}: every change, streamed."""
        call.caller.require("watch", "workflows", call.params["namespace"])
        return streams.watch_stream(
            call, lambda ns: self.store.list("Workflow", ns), self.standin.streams
        )

    def log(self, call: Call) -> streams.LogStream:
        """GET /api/v1/workflows/{namespace}/{name}/log: the pods' lines."""
        self._workflow(call, "get")
        return streams.LogStream(
            call,
            call.params["namespace"],
            call.params["name"],
            self.standin.lifecycle,
            self.standin.streams.settings,
            container=call.arg("logOptions.container") or "main",
            follow=call.arg("logOptions.follow") == "true",
            sse=streams.wants_sse(call),
        )

    def stop(self, call: Call) -> Answer:
        """PUT /api/v1/workflows/{namespace}/{name}/stop."""
        return self._shutdown(call, "Stop")

    def terminate(self, call: Call) -> Answer:
        """PUT /api/v1/workflows/{namespace}/{name}/terminate."""
        return self._shutdown(call, "Terminate")

    def _shutdown(self, call: Call, strategy: str) -> Answer:
        call.request(
            f"workflow.Workflow{strategy}Request",
            {"name": str, "namespace": str, "message": str, "nodeFieldSelector": str},
        )
        with self.standin.lifecycle.lock:
            workflow = self._workflow(call, "get")
            call.caller.require(
                "patch", "workflows", call.params["namespace"], call.params["name"]
            )
            workflows.shutdown(workflow, strategy, call.caller)
            stored = self.store.update(workflow)
            self.standin.streams.changes.record("MODIFIED", stored)
        return Answer(_shown(stored))

    def _workflow(self, call: Call, verb: str) -> Object:
        namespace, name = call.params["namespace"], call.params["name"]
        call.caller.require(verb, "workflows", namespace, name)
        return self.store.get("Workflow", namespace, name)

    def _create(self, call: Call, workflow: Object, dry_run: bool) -> Object:
        namespace = workflow["metadata"]["namespace"]
        call.caller.require("create", "workflows", namespace)
        workflow.setdefault("status", {})
        created = self.store.create(workflow, dry_run=dry_run)
        if not dry_run:
            self.standin.workflow_created(created)
        return _shown(created)

    def _submit_options(self, options: dict[str, Any]) -> dict[str, Any]:
        expected: dict[str, type] = {
            "parameters": list,
            "priority": int,
            "dryRun": bool,
            "serverDryRun": bool,
        }
        for key in ("entryPoint", "serviceAccount", "name", "generateName"):
            expected[key] = str
        for key in ("labels", "annotations", "podPriorityClassName"):
            expected[key] = str
        return typed(options, "v1alpha1.SubmitOpts", expected)

    def _template(self, name: str, cluster: bool, namespace: str) -> Object | None:
        kind = "ClusterWorkflowTemplate" if cluster else "WorkflowTemplate"
        return self.store.find(kind, namespace, name)

    def _lookup(self, namespace: str) -> workflows.TemplateLookup:
        return lambda name, cluster: self._template(name, cluster, namespace)

    def _kubernetes_list(self, call: Call, kind: str, namespace: str) -> list[Object]:
        selector = names.parse_selector(call.arg("listOptions.labelSelector"))
        name_filter = _kubernetes_name_filter(call.arg("listOptions.fieldSelector"))
        return [
            prune(obj)
            for obj in self.store.list(kind, namespace)
            if selector.matches(obj["metadata"].get("labels") or {})
            and name_filter(obj["metadata"]["name"])
        ]

    def _list(self, items: list[Object]) -> dict[str, Any]:
        # A list read from Kubernetes comes back with `items: []` when empty.
        return {
            "metadata": {"resourceVersion": self.store.resource_version()},
            "items": items,
        }


def _shown(workflow: Object) -> Object:
    """A workflow as the server sends it: empty fields left out, but
    `status` always there, as Go writes a struct field even when empty."""
    shown: Object = prune(workflow)
    shown["status"] = shown.get("status") or {}
    return shown


def _finished_at(workflow: Object) -> str:
    finished: str = (workflow.get("status") or {}).get("finishedAt") or ""
    return finished


def _name_test(operator: str, value: str) -> Callable[[str], bool]:
    if operator == "!=":
        return lambda name: name != value
    return lambda name: name == value


def _all(tests: list[Callable[[str], bool]]) -> Callable[[str], bool]:
    return lambda name: all(test(name) for test in tests)


def _workflow_name_filter(selector: str) -> Callable[[str], bool]:
    """The name test of a workflow list's fieldSelector, parsed as Argo does.

    Raises ApiError (400) for a requirement Argo does not support.
    """
    tests: list[Callable[[str], bool]] = []
    for requirement in filter(None, selector.split(",")):
        if requirement.startswith("metadata.name!="):
            tests.append(_name_test("!=", requirement.removeprefix("metadata.name!=")))
        elif requirement.startswith(("metadata.name==", "metadata.name=")):
            tests.append(_name_test("=", requirement.split("=")[-1]))
        elif not requirement.startswith("metadata.namespace"):
            raise ApiError(INVALID_ARGUMENT, f"unsupported requirement {requirement}")
    return _all(tests)


def _kubernetes_name_filter(selector: str) -> Callable[[str], bool]:
    """The name test of a Kubernetes list's fieldSelector.

    Raises ApiError (400) for a field Kubernetes does not index.
    """
    tests: list[Callable[[str], bool]] = []
    for requirement in filter(None, selector.split(",")):
        field, operator, value = _split_field_requirement(requirement)
        if field == "metadata.namespace":
            continue
        if field != "metadata.name":
            raise ApiError(INVALID_ARGUMENT, f"field label not supported: {field}")
        tests.append(_name_test(operator, value))
    return _all(tests)


def _split_field_requirement(requirement: str) -> tuple[str, str, str]:
    for operator in ("!=", "==", "="):
        field, sep, value = requirement.partition(operator)
        if sep:
            return field, operator, value
    raise ApiError(INVALID_ARGUMENT, f"invalid field selector: '{requirement}'")

"""Scripted workflow runs: what the stand-in does instead of a controller.

    srv.lifecycle.add(Script([Step("build", seconds=2, logs=["compiling"]),
                              Step("test", phase="Failed", message="exit 1")]))

From then on every workflow created (or, with `template=`, every one made
from that template) runs the script: Pending, then Running with one Pod node
per step, one step after the other, each for its `seconds` (or until
`release()` when it holds), then the final phase. Each step's pod has the
step's log lines. Stopping or terminating the workflow ends the script. Pod
names and node ids follow Argo's defaults (`<workflow>-<template>-<hash>`,
`<workflow>-<hash>`, the hash being FNV-1a of the node name), so a client
can map pods to steps as it would on a real server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from .store import Object, Store, now
from .workflows import FINISHED_PHASES, LABEL_COMPLETED, LABEL_PHASE

if TYPE_CHECKING:
    from .streams import Changes

LABEL_TEMPLATE = "workflows.argoproj.io/workflow-template"
TICK = 0.05


@dataclass(frozen=True)
class Step:
    """One step of a script: how long it runs, how it ends, what it logs."""

    name: str
    seconds: float = 0.0
    phase: str = "Succeeded"
    message: str = ""
    logs: Sequence[str] | Callable[[], Iterable[str]] = ()
    hold: bool = False

    def lines(self) -> Iterator[str]:
        """The step's log lines; a callable makes them afresh, lazily."""
        source = self.logs() if callable(self.logs) else self.logs
        return iter(source)


@dataclass(frozen=True)
class Script:
    """The steps of a run, and how long the workflow stays Pending first
    (with `hold`, until `Lifecycle.release()` as well)."""

    steps: Sequence[Step]
    pending: float = 0.0
    hold: bool = False


@dataclass(frozen=True)
class Pod:
    """A started step's pod."""

    name: str
    step: Step

    def lines(self) -> Iterator[str]:
        """The pod's log lines."""
        return self.step.lines()


@dataclass
class _Run:
    namespace: str
    name: str
    script: Script
    pods: list[Pod] = field(default_factory=list)


def fnv32a(text: str) -> int:
    """The 32-bit FNV-1a hash Argo uses in node ids and pod names."""
    value = 0x811C9DC5
    for byte in text.encode():
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


class Lifecycle:
    """Runs scripts on the stand-in's workflows, one thread per workflow."""

    def __init__(self, store: Store, changes: Changes, stopping: threading.Event):
        self.store = store
        self.changes = changes
        self.stopping = stopping
        # Held while a workflow is read, changed and written back, so a
        # stop or terminate from the API never crosses a script's update.
        self.lock = threading.RLock()
        self._scripts: list[tuple[str | None, Script]] = []
        self._runs: dict[tuple[str, str], _Run] = {}
        self._released = threading.Event()

    def add(self, script: Script, *, template: str | None = None) -> None:
        """Run `script` on each workflow created from now on (from `template`)."""
        with self.lock:
            self._scripts.insert(0, (template, script))

    def run(self, namespace: str, name: str, script: Script) -> None:
        """Run `script` on a stored workflow now."""
        self._start(_Run(namespace, name, script))

    def release(self) -> None:
        """Let steps that hold finish."""
        self._released.set()
        with self.changes.condition:
            self.changes.condition.notify_all()

    def created(self, workflow: Object) -> None:
        """Start the matching script, if any, on a workflow just created."""
        script = self._script_for(workflow)
        if script is not None:
            metadata = workflow["metadata"]
            self._start(_Run(metadata["namespace"], metadata["name"], script))

    def started_pods(self, namespace: str, name: str) -> tuple[list[Pod], bool]:
        """The pods started so far, and whether the workflow has finished."""
        with self.lock:
            run = self._runs.get((namespace, name))
            pods = list(run.pods) if run else []
            found = self.store.find("Workflow", namespace, name)
        finished = found is None or bool((found.get("status") or {}).get("finishedAt"))
        return pods, finished

    def wait_for_change(self, timeout: float) -> None:
        """Block until some workflow changes, at most `timeout` seconds."""
        with self.changes.condition:
            self.changes.condition.wait(timeout)

    def _script_for(self, workflow: Object) -> Script | None:
        labels = workflow["metadata"].get("labels") or {}
        ref = (workflow.get("spec") or {}).get("workflowTemplateRef") or {}
        template = labels.get(LABEL_TEMPLATE) or ref.get("name")
        with self.lock:
            for wanted, script in self._scripts:
                if wanted is None or wanted == template:
                    return script
        return None

    def _start(self, run: _Run) -> None:
        with self.lock:
            self._runs[(run.namespace, run.name)] = run
        thread = threading.Thread(
            target=self._execute, args=(run,), name=f"lifecycle-{run.name}", daemon=True
        )
        thread.start()

    def _execute(self, run: _Run) -> None:
        script = run.script
        if not self._update(run, _mark_pending):
            return
        if not self._pause(run, script.pending, hold=script.hold):
            return
        steps = list(script.steps)
        first = partial(_start_node, index=0, step=steps[0]) if steps else None
        pod = _pod(run.name, 0, steps[0]) if steps else None
        if not self._update(run, partial(_start_workflow, then=first), pod):
            return
        for index, step in enumerate(steps):
            if not self._pause(run, step.seconds, hold=step.hold):
                return
            following = steps[index + 1] if index + 1 < len(steps) else None
            if step.phase != "Succeeded" or following is None:
                self._update(run, partial(_finish, index=index, step=step))
                return
            # One update ends a step and starts the next, as the controller
            # does within one reconciliation.
            change = partial(_next, index=index, step=step, following=following)
            if not self._update(run, change, _pod(run.name, index + 1, following)):
                return
        if not steps:
            self._update(run, partial(_finish_workflow, failed=None))

    def _update(
        self, run: _Run, change: Callable[[Object], None], pod: Pod | None = None
    ) -> bool:
        """Apply one change to the stored workflow; False when it has ended."""
        with self.lock:
            workflow = self.store.find("Workflow", run.namespace, run.name)
            if workflow is None or _ended(workflow):
                if workflow is not None:
                    self._settle(workflow)
                return False
            change(workflow)
            stored = self.store.update(workflow)
            if pod is not None:
                run.pods.append(pod)
            self.changes.record("MODIFIED", stored)
        return True

    def _pause(self, run: _Run, seconds: float, *, hold: bool) -> bool:
        """Wait out a step; False when the workflow ended or the server stops."""
        deadline = time.monotonic() + seconds
        while True:
            if self.stopping.is_set():
                return False
            with self.lock:
                found = self.store.find("Workflow", run.namespace, run.name)
            if found is None or _ended(found):
                self._update(run, _unchanged)
                return False
            if time.monotonic() >= deadline and (not hold or self._released.is_set()):
                return True
            self.wait_for_change(TICK)

    def _settle(self, workflow: Object) -> None:
        """Fail the nodes still running once a stop or terminate ended it."""
        status = workflow.get("status") or {}
        strategy = (workflow.get("spec") or {}).get("shutdown")
        running = [
            n for n in (status.get("nodes") or {}).values() if n["phase"] == "Running"
        ]
        if not strategy or not running:
            return
        for node in running:
            node["phase"] = "Failed"
            node["message"] = f"Stopped with strategy '{strategy}'"
            node["finishedAt"] = now()
        self.changes.record("MODIFIED", self.store.update(workflow))


def _unchanged(workflow: Object) -> None:
    """No change: `_update` with it only settles a workflow that has ended."""


def _mark_pending(workflow: Object) -> None:
    workflow.setdefault("status", {})
    _set_phase(workflow, "Pending")


def _ended(workflow: Object) -> bool:
    status = workflow.get("status") or {}
    return bool(
        status.get("finishedAt") or (workflow.get("spec") or {}).get("shutdown")
    )


def _node_name(workflow_name: str, index: int, step: Step) -> str:
    return f"{workflow_name}[{index}].{step.name}"


def _pod(workflow_name: str, index: int, step: Step) -> Pod:
    hashed = fnv32a(_node_name(workflow_name, index, step))
    return Pod(f"{workflow_name}-{step.name}-{hashed}", step)


def _node_id(workflow_name: str, index: int, step: Step) -> str:
    return f"{workflow_name}-{fnv32a(_node_name(workflow_name, index, step))}"


def _set_phase(workflow: Object, phase: str) -> None:
    workflow["status"]["phase"] = phase
    labels = workflow["metadata"].setdefault("labels", {})
    labels[LABEL_PHASE] = phase
    labels[LABEL_COMPLETED] = "true" if phase in FINISHED_PHASES else "false"


def _start_workflow(
    workflow: Object, then: Callable[[Object], None] | None = None
) -> None:
    name = workflow["metadata"]["name"]
    status = workflow.setdefault("status", {})
    status["startedAt"] = now()
    status["progress"] = "0/0"
    status["nodes"] = {
        name: {
            "id": name,
            "name": name,
            "displayName": name,
            "type": "Steps",
            "phase": "Running",
            "startedAt": status["startedAt"],
            "children": [],
        }
    }
    _set_phase(workflow, "Running")
    if then is not None:
        then(workflow)


def _next(workflow: Object, index: int, step: Step, following: Step) -> None:
    _finish_node(workflow, index, step)
    _start_node(workflow, index + 1, following)


def _finish(workflow: Object, index: int, step: Step) -> None:
    _finish_node(workflow, index, step)
    _finish_workflow(workflow, step if step.phase != "Succeeded" else None)


def _start_node(workflow: Object, index: int, step: Step) -> None:
    name = workflow["metadata"]["name"]
    nodes = workflow["status"]["nodes"]
    node_id = _node_id(name, index, step)
    nodes[node_id] = {
        "id": node_id,
        "name": _node_name(name, index, step),
        "displayName": step.name,
        "type": "Pod",
        "templateName": step.name,
        "phase": "Running",
        "boundaryID": name,
        "startedAt": now(),
    }
    nodes[name]["children"].append(node_id)


def _finish_node(workflow: Object, index: int, step: Step) -> None:
    node = workflow["status"]["nodes"][
        _node_id(workflow["metadata"]["name"], index, step)
    ]
    node["phase"] = step.phase
    node["finishedAt"] = now()
    if step.message:
        node["message"] = step.message


def _finish_workflow(workflow: Object, failed: Step | None) -> None:
    status = workflow["status"]
    name = workflow["metadata"]["name"]
    phase = failed.phase if failed else "Succeeded"
    status["finishedAt"] = now()
    status["nodes"][name]["phase"] = phase
    status["nodes"][name]["finishedAt"] = status["finishedAt"]
    if failed is not None:
        status["message"] = failed.message or f"child '{failed.name}' failed"
    _set_phase(workflow, phase)

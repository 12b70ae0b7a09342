"""A stand-in with a template, bindings and event dispatch, for waiting."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import pytest

from argo_trigger.standin import Standin
from argo_trigger.standin.dispatch import make_dispatcher

TEMPLATE = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "WorkflowTemplate",
    "metadata": {"name": "build", "namespace": "argo"},
    "spec": {
        "entrypoint": "main",
        "arguments": {"parameters": [{"name": "revision", "value": "HEAD"}]},
        "templates": [{"name": "main", "container": {"image": "alpine"}}],
    },
}


def binding(name: str, selector: str, *, copy_event_id: bool) -> dict[str, object]:
    """A binding that runs the build template, copying payload.id or not."""
    submit: dict[str, object] = {"workflowTemplateRef": {"name": "build"}}
    if copy_event_id:
        submit["metadata"] = {"labels": {"argo-trigger/event-id": "payload.id"}}
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "WorkflowEventBinding",
        "metadata": {"name": name, "namespace": "argo"},
        "spec": {"event": {"selector": selector}, "submit": submit},
    }


@pytest.fixture
def srv(argo: Standin) -> Standin:
    """The conforming stand-in of the suite, with the build template and
    event dispatch through its bindings."""
    argo.add(TEMPLATE)
    argo.dispatcher = make_dispatcher(argo)
    return argo


def when(
    srv: Standin, test: Callable[[Standin], bool], then: Callable[[], None]
) -> threading.Thread:
    """Run `then` in a thread as soon as `test(srv)` holds (polling the
    server's own records, never the clock)."""

    def loop() -> None:
        while not test(srv):
            if srv.stopping.is_set():
                return
            time.sleep(0.01)
        then()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def requested(path_pattern: str, times: int = 1) -> Callable[[Standin], bool]:
    """True once the server answered `times` requests on a matching path."""
    pattern = re.compile(path_pattern)
    return lambda srv: sum(bool(pattern.search(r.path)) for r in srv.requests) >= times


ELAPSED = re.compile(r", (\d+h )?(\d+m )?\d+s elapsed")


def progress_lines(err: str, *, raw: bool = False) -> list[str]:
    """The progress lines of stderr, without their clock-dependent part
    unless `raw`."""
    return [
        line if raw else ELAPSED.sub("", line)
        for line in err.splitlines()
        if re.match(r"^[a-z0-9-]+ (Pending|Running|Succeeded|Failed|Error)\b", line)
    ]

"""Streams: the routing hook, the watch and log endpoints, scripted runs."""

from __future__ import annotations

import json
from typing import Any

import requests

from argo_trigger.standin import Standin
from argo_trigger.standin.lifecycle import Script, Step, fnv32a
from argo_trigger.standin.routing import Call, Route, Writer
from tests.standin.standin_helpers import (
    ADMIN_TOKEN,
    CI_TOKEN,
    READER_TOKEN,
    make_standin,
)


class Lines:
    """Three JSON lines, each sent as it is written."""

    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json"}

    def write(self, out: Writer) -> None:
        for number in range(3):
            out.write(b'{"result":{"n":%d}}\n' % number)


def stream(call: Call) -> Lines:
    return Lines()


def test_a_stream_handler_is_sent_chunk_by_chunk_after_auth() -> None:
    with make_standin() as srv:
        srv.routes.insert(0, Route("GET", "/api/v1/test-stream/{namespace}", stream))
        url = srv.url + "/api/v1/test-stream/argo"
        refused = requests.get(url, timeout=5)
        response = requests.get(
            url, headers={"Authorization": f"Bearer {CI_TOKEN}"}, stream=True, timeout=5
        )
        lines = list(response.iter_lines())

    assert refused.status_code == 401
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert response.headers["Grpc-Metadata-Argo-Version"] == "v4.1.2"
    assert lines == [
        b'{"result":{"n":0}}',
        b'{"result":{"n":1}}',
        b'{"result":{"n":2}}',
    ]


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SSE = {**ADMIN, "Accept": "text/event-stream"}
WATCH = "/api/v1/workflow-events/argo"


def workflow(name: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "kind": "Workflow",
        "metadata": {"name": name, "namespace": "argo", "labels": labels or {}},
        "spec": {"entrypoint": "main"},
    }


def read_messages(response: requests.Response, count: int) -> list[bytes]:
    """The first `count` non-empty lines of a stream, then close it."""
    found: list[bytes] = []
    for line in response.iter_lines():
        if line:
            found.append(line)
        if len(found) == count:
            break
    response.close()
    return found


def test_a_watch_replays_each_workflow_as_added_then_sends_changes(
    standin: Standin,
) -> None:
    standin.add(workflow("build-a"))
    standin.add(workflow("other"))
    query = {"listOptions.fieldSelector": "metadata.name=build-a"}
    response = requests.get(
        standin.url + WATCH, params=query, headers=SSE, stream=True, timeout=10
    )
    standin.set_phase("argo", "other", "Running")
    standin.set_phase("argo", "build-a", "Running")

    first, second = read_messages(response, 2)

    assert response.headers["Content-Type"] == "text/event-stream"
    added = json.loads(first.removeprefix(b"data: "))["result"]
    modified = json.loads(second.removeprefix(b"data: "))["result"]
    assert (added["type"], added["object"]["metadata"]["name"]) == ("ADDED", "build-a")
    assert added["object"]["status"] == {}
    assert modified["type"] == "MODIFIED"
    assert modified["object"]["status"]["phase"] == "Running"


def test_without_event_stream_accept_a_watch_sends_json_lines(
    standin: Standin,
) -> None:
    standin.add(workflow("build-a", {"team": "web"}))
    standin.add(workflow("build-b", {"team": "data"}))
    query = {"listOptions.labelSelector": "team=data"}
    response = requests.get(
        standin.url + WATCH, params=query, headers=ADMIN, stream=True, timeout=10
    )

    (line,) = read_messages(response, 1)

    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(line)["result"]["object"]["metadata"]["name"] == "build-b"


def test_keep_alive_lines_are_sent_on_server_sent_events(standin: Standin) -> None:
    standin.streams.settings.keepalive = 0.05
    response = requests.get(standin.url + WATCH, headers=SSE, stream=True, timeout=10)

    assert read_messages(response, 2) == [b":", b":"]


def test_the_watch_ends_with_argos_eof_error_when_told_to(standin: Standin) -> None:
    standin.streams.settings.eof_every = 0.1
    standin.add(workflow("build-a"))
    response = requests.get(standin.url + WATCH, headers=ADMIN, stream=True, timeout=10)

    lines = [line for line in response.iter_lines() if line]

    assert len(lines) == 2
    assert json.loads(lines[-1]) == {
        "error": {
            "grpc_code": 8,
            "http_code": 429,
            "message": "EOF",
            "http_status": "Too Many Requests",
        }
    }


def test_watching_an_unknown_workflow_by_name_is_404(standin: Standin) -> None:
    query = {"listOptions.fieldSelector": "metadata.name=nope"}
    response = requests.get(standin.url + WATCH, params=query, headers=SSE, timeout=10)

    assert response.status_code == 404
    assert response.json() == {
        "code": 5,
        "message": 'workflows.argoproj.io "nope" not found',
    }


def test_watching_needs_the_watch_verb(standin: Standin) -> None:
    headers = {"Authorization": f"Bearer {READER_TOKEN}"}
    response = requests.get(standin.url + WATCH, headers=headers, timeout=10)

    assert response.status_code == 403


def test_a_scripted_run_has_argos_node_layout_and_pod_logs(standin: Standin) -> None:
    standin.add(workflow("ci-x7k2p"))
    script = Script([Step("build", logs=["one", "two"]), Step("test", logs=["ok"])])
    standin.lifecycle.run("argo", "ci-x7k2p", script)
    url = standin.url + "/api/v1/workflows/argo/ci-x7k2p/log"
    query = {"logOptions.container": "main", "logOptions.follow": "true"}

    lines = list(
        requests.get(url, params=query, headers=ADMIN, timeout=10).iter_lines()
    )

    done = standin.store.get("Workflow", "argo", "ci-x7k2p")
    nodes = done["status"]["nodes"]
    build_hash = fnv32a("ci-x7k2p[0].build")
    assert done["status"]["phase"] == "Succeeded"
    assert nodes[f"ci-x7k2p-{build_hash}"]["displayName"] == "build"
    assert nodes["ci-x7k2p"]["children"] == [
        f"ci-x7k2p-{build_hash}",
        f"ci-x7k2p-{fnv32a('ci-x7k2p[1].test')}",
    ]
    assert [json.loads(line)["result"] for line in lines if line] == [
        {"content": "one", "podName": f"ci-x7k2p-build-{build_hash}"},
        {"content": "two", "podName": f"ci-x7k2p-build-{build_hash}"},
        {"content": "ok", "podName": f"ci-x7k2p-test-{fnv32a('ci-x7k2p[1].test')}"},
    ]


def test_stopping_a_running_workflow_ends_its_script(standin: Standin) -> None:
    standin.add(workflow("ci-x7k2p"))
    standin.lifecycle.run(
        "argo", "ci-x7k2p", Script([Step("build", hold=True), Step("never")])
    )
    query = {"listOptions.fieldSelector": "metadata.name=ci-x7k2p"}
    response = requests.get(
        standin.url + WATCH, params=query, headers=ADMIN, stream=True, timeout=10
    )
    for line in response.iter_lines():
        if line and b'"Running"' in line:
            break
    response.close()

    stopped = requests.put(
        standin.url + "/api/v1/workflows/argo/ci-x7k2p/stop",
        json={"name": "ci-x7k2p", "namespace": "argo"},
        headers=ADMIN,
        timeout=10,
    )
    standin.lifecycle.release()
    url = standin.url + "/api/v1/workflows/argo/ci-x7k2p/log"
    query = {"logOptions.container": "main", "logOptions.follow": "true"}
    requests.get(url, params=query, headers=ADMIN, timeout=10)

    nodes = standin.store.get("Workflow", "argo", "ci-x7k2p")["status"]["nodes"]
    assert stopped.json()["status"]["phase"] == "Failed"
    assert [n["displayName"] for n in nodes.values() if n["type"] == "Pod"] == ["build"]
    build = next(n for n in nodes.values() if n["type"] == "Pod")
    assert build["phase"] == "Failed"
    assert build["message"] == "Stopped with strategy 'Stop'"

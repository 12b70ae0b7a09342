"""Progress lines, the live line on a terminal, and the result of a workflow."""

from __future__ import annotations

import io
from datetime import datetime, timezone

from argo_trigger.follow.progress import Console, Progress, snapshot
from argo_trigger.report import FailedNode, workflow_result


def running(done: int, total: int, step: str) -> dict[str, object]:
    nodes: dict[str, object] = {"wf": {"type": "Steps", "phase": "Running"}}
    for index in range(total):
        phase = "Succeeded" if index < done else "Running"
        name = step if phase == "Running" else f"step{index}"
        nodes[f"wf-{index}"] = {"type": "Pod", "phase": phase, "displayName": name}
    return {
        "metadata": {"name": "wf", "resourceVersion": str(done)},
        "status": {
            "phase": "Running",
            "startedAt": "2026-01-01T10:00:00Z",
            "nodes": nodes,
        },
    }


def test_a_snapshot_counts_pods_done_and_names_the_running_step() -> None:
    now = datetime(2026, 1, 1, 10, 1, 5, tzinfo=timezone.utc)

    shown = snapshot(running(2, 3, "deploy"), now)

    assert shown.text() == "wf Running, 2/3 steps done, 1m 5s elapsed, running: deploy"


def test_in_a_ci_log_each_change_is_one_line_and_repeats_are_dropped() -> None:
    stream = io.StringIO()
    progress = Progress(Console(stream, live=False))

    for state in (running(0, 1, "a"), running(0, 1, "a"), running(1, 2, "b")):
        progress.update(state)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("wf Running, 0/1 steps done")
    assert lines[1].endswith("running: b")


def test_on_a_terminal_the_status_is_redrawn_and_log_lines_go_above_it() -> None:
    stream = io.StringIO()
    console = Console(stream, live=True)

    console.status("wf Running")
    console.line("build: hello")
    console.end()

    assert stream.getvalue() == (
        "\r\x1b[2Kwf Running" + "\r\x1b[2Kbuild: hello\n" + "wf Running" + "\n"
    )


def test_the_result_has_duration_and_only_the_nodes_that_failed_themselves() -> None:
    workflow = {
        "metadata": {"name": "wf", "namespace": "argo"},
        "status": {
            "phase": "Failed",
            "message": "child 'wf-2' failed",
            "startedAt": "2026-01-01T10:00:00Z",
            "finishedAt": "2026-01-01T10:01:30Z",
            "nodes": {
                "wf": {"phase": "Failed", "displayName": "wf", "children": ["wf-1"]},
                "wf-1": {"phase": "Failed", "displayName": "[0]", "children": ["wf-2"]},
                "wf-2": {
                    "phase": "Failed",
                    "displayName": "test",
                    "message": "Error (exit code 1)",
                },
                "wf-3": {"phase": "Succeeded", "displayName": "build"},
            },
        },
    }

    result = workflow_result(workflow, "https://argo.example.com", None)

    assert result.duration_seconds == 90.0
    assert result.message == "child 'wf-2' failed"
    assert result.failed_nodes == [FailedNode("test", "Failed", "Error (exit code 1)")]

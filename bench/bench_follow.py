"""Measure following a workflow: requests made, exit latency, memory with logs.

Three measurements against one stand-in Argo Server on 127.0.0.1, started
inside this process, whose scripted workflows run in real time:

1. Requests. `argo-trigger submit --wait` follows a workflow that runs
   `--seconds` (default 60) while, in the same run, a poller reads the same
   workflow every 5 seconds until it has finished, as Python clients built on
   the generated SDK or hera do. The stand-in counts each one's requests by
   User-Agent.
2. Latency. The time from the stand-in writing the workflow's final state to
   the command's exit, over `--latency-runs` short runs.
3. Memory. Peak RSS of `argo-trigger submit --wait --log` while the
   workflow's one pod logs `--log-mb` MiB (default 100) and 1 MiB, measured
   with GNU time (a child forked from this process would report this
   process's peak as its floor). The log goes to /dev/null.

    .venv/bin/python bench/bench_follow.py [--seconds 60] [--log-mb 100]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import requests

from argo_trigger.standin import RecordedRequest, ServiceAccount, Standin
from argo_trigger.standin.lifecycle import Script, Step

ROOT = Path(__file__).resolve().parent.parent
ARGO_TRIGGER = ROOT / ".venv" / "bin" / "argo-trigger"
TIME = "/usr/bin/time"
TOKEN = "bench-token-5e7a1c"
POLL_EVERY = 5.0
LINE = "x" * 99  # 100 bytes a line with its newline
TEMPLATE = {
    "kind": "WorkflowTemplate",
    "metadata": {"name": "bench", "namespace": "argo"},
    "spec": {"entrypoint": "main", "templates": [{"name": "main"}]},
}


@dataclass
class Finished:
    """When (monotonic) the stand-in wrote a workflow's final state."""

    at: dict[str, float]


def main() -> int:
    """Run the three measurements and print them as Markdown."""
    options = _parse()
    srv = Standin(
        [ServiceAccount.admin(name="argo-server", namespace="argo", token=TOKEN)]
    )
    srv.add(TEMPLATE)
    srv.start()
    finished = Finished({})
    threading.Thread(target=_note_finishes, args=(srv, finished), daemon=True).start()
    try:
        print(f"load average before: {os.getloadavg()[0]:.2f}\n")
        _requests(srv, options.seconds)
        _latency(srv, finished, options.latency_runs)
        _memory(srv, options.log_mb)
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    finally:
        srv.stop()
    return 0


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--latency-runs", type=int, default=10)
    parser.add_argument("--log-mb", type=int, default=100)
    return parser.parse_args()


def _env(srv: Standin) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "ARGO_SERVER": srv.url,
        "ARGO_TOKEN": TOKEN,
    }


def _submit(
    srv: Standin, *extra: str, stderr: int | None = None
) -> subprocess.Popen[str]:
    command = [str(ARGO_TRIGGER), "submit", "--from", "workflowtemplate/bench"]
    return subprocess.Popen(
        [*command, "--no-ci-labels", "--wait", *extra],
        env=_env(srv),
        stdout=subprocess.PIPE,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        text=True,
    )


def _requests(srv: Standin, seconds: float) -> None:
    srv.lifecycle.add(Script([Step("run", seconds=seconds)]))
    before = len(srv.requests)
    process = _submit(srv)
    name = _created_name(srv, before)
    poller = threading.Thread(target=_poll, args=(srv, name))
    poller.start()
    _, err = process.communicate()
    poller.join()
    if process.returncode != 0:
        raise SystemExit(f"submit --wait failed ({process.returncode}): {err}")

    answered = srv.requests[before:]
    ours = [r for r in answered if _is_ours(r)]
    theirs = [r for r in answered if not _is_ours(r)]
    print(f"### Requests to follow one workflow of {seconds:g} s\n")
    print("| client | requests | what |")
    print("|---|---|---|")
    print(f"| argo-trigger submit --wait | {len(ours)} | {_paths(ours)} |")
    print(f"| poll every {POLL_EVERY:g} s | {len(theirs)} | {_paths(theirs)} |")
    print()


def _is_ours(request: RecordedRequest) -> bool:
    """argo-trigger names itself `argo-trigger/VERSION`."""
    return request.headers.get("user-agent", "").startswith("argo-trigger/")


def _created_name(srv: Standin, before: int) -> str:
    while True:
        created = [r for r in srv.requests[before:] if r.path.endswith("/submit")]
        if created:
            return str(srv.workflows("argo")[-1]["metadata"]["name"])
        time.sleep(0.01)


def _poll(srv: Standin, name: str) -> None:
    """What a polling client does: GET, look at finishedAt, sleep 5 s."""
    url = f"{srv.url}/api/v1/workflows/argo/{name}"
    session = requests.Session()
    session.headers["User-Agent"] = "poller"
    while True:
        workflow = session.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).json()
        if workflow.get("status", {}).get("finishedAt"):
            return
        time.sleep(POLL_EVERY)


def _paths(recorded: list[RecordedRequest]) -> str:
    counts: dict[str, int] = {}
    for request in recorded:
        key = f"{request.method} {request.path}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{n}x `{key}`" for key, n in counts.items())


def _note_finishes(srv: Standin, finished: Finished) -> None:
    seen = 0
    while not srv.stopping.is_set():
        for change in srv.streams.changes.after(seen, 0.5):
            seen = change.number
            status = change.workflow.get("status") or {}
            if status.get("finishedAt"):
                finished.at.setdefault(
                    change.workflow["metadata"]["name"], time.monotonic()
                )


def _latency(srv: Standin, finished: Finished, runs: int) -> None:
    srv.lifecycle.add(Script([Step("run", seconds=1.0)]))
    delays = []
    for _ in range(runs):
        process = _submit(srv)
        out, err = process.communicate()
        exited = time.monotonic()
        if process.returncode != 0:
            raise SystemExit(f"submit --wait failed: {err}")
        name = out.splitlines()[0]
        delays.append((exited - finished.at[name]) * 1000)
    delays.sort()
    p90 = delays[max(0, int(len(delays) * 0.9 + 0.5) - 1)]
    print("### From the final transition to the command's exit\n")
    print("| runs | median ms | p90 ms | max ms |")
    print("|---|---|---|---|")
    print(
        f"| {runs} | {statistics.median(delays):.0f} | {p90:.0f} | {max(delays):.0f} |"
    )
    print()


def _lines(megabytes: int) -> Iterator[str]:
    for _ in range(megabytes * 1024 * 1024 // 100):
        yield LINE


def _memory(srv: Standin, largest: int) -> None:
    print("### Peak memory while streaming logs\n")
    print("| log volume | lines | peak RSS MiB | seconds |")
    print("|---|---|---|---|")
    for megabytes in (1, largest):
        srv.lifecycle.add(Script([Step("run", logs=partial(_lines, megabytes))]))
        with tempfile.NamedTemporaryFile("r") as report:
            command = [TIME, "-f", "%M", "-o", report.name, str(ARGO_TRIGGER)]
            started = time.monotonic()
            done = subprocess.run(
                [
                    *command,
                    "submit",
                    "--from",
                    "workflowtemplate/bench",
                    "--no-ci-labels",
                    "--wait",
                    "--log",
                ],
                env=_env(srv),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            took = time.monotonic() - started
            peak_kib = int(report.read().split()[-1])
        if done.returncode != 0:
            raise SystemExit(f"submit --wait --log failed ({done.returncode})")
        lines = megabytes * 1024 * 1024 // 100
        print(f"| {megabytes} MiB | {lines} | {peak_kib / 1024:.1f} | {took:.1f} |")
    print()


if __name__ == "__main__":
    sys.exit(main())

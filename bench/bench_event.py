"""Time `argo-trigger event` and `argo-trigger payload` against the alternatives.

Every command runs as a whole process, from spawn to exit, in a GitHub Actions
push environment made up for the run. The event commands each POST the same
JSON body with the same bearer token to one stand-in Argo Server on 127.0.0.1;
after every run the benchmark checks that exactly one event arrived there,
with that token, and keeps the body as received. Commands run round-robin,
the starting one rotated each round, so that noise from the rest of the
machine falls on all of them alike. Peak RSS comes from further rounds run
under GNU time, so that its own start-up never lands in the timings.

    bench/setup.sh && .venv/bin/python bench/bench_event.py [--runs 30]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argo_trigger.standin import RecordedRequest, ServiceAccount, Standin

ROOT = Path(__file__).resolve().parent.parent
# argo-trigger as users get it: a regular install, with compiled bytecode,
# made by bench/setup.sh (the project's .venv holds an editable install).
INSTALLED_VENV = ROOT / ".bench" / "argo-trigger"
SDK_VENV = ROOT / ".bench" / "argo-workflows"
HERA_VENV = ROOT / ".bench" / "hera"
CURL = "/usr/bin/curl"
TIME = "/usr/bin/time"
NAMESPACE = "argo"
DISCRIMINATOR = "ci"

REQUESTS_CODE = """\
import sys
import requests
url, token, path = sys.argv[1:]
with open(path, "rb") as f:
    body = f.read()
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
requests.post(url, data=body, headers=headers).raise_for_status()
"""

URLLIB3_CODE = """\
import sys
import urllib3
url, token, path = sys.argv[1:]
with open(path, "rb") as f:
    body = f.read()
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
response = urllib3.request("POST", url, body=body, headers=headers)
assert response.status == 200, response.status
"""

# The SDK and hera take the server's address and build the path themselves.
SDK_CODE = """\
import json, sys
import argo_workflows
from argo_workflows.api.event_service_api import EventServiceApi
host, token, path, namespace, discriminator = sys.argv[1:]
with open(path) as f:
    body = json.load(f)
config = argo_workflows.Configuration(
    host=host,
    api_key={"BearerToken": token},
    api_key_prefix={"BearerToken": "Bearer"},
)
with argo_workflows.ApiClient(config) as client:
    EventServiceApi(client).receive_event(namespace, discriminator, body)
"""

HERA_CODE = """\
import json, sys
from hera.events.models import Item
from hera.events.service import EventsService
host, token, path, namespace, discriminator = sys.argv[1:]
with open(path) as f:
    body = json.load(f)
service = EventsService(host=host, token=token, namespace=namespace)
service.receive_event(discriminator, Item(body))
"""

GITHUB_EVENT = {
    "ref": "refs/heads/main",
    "head_commit": {"message": "Build the release images"},
    "repository": {"default_branch": "main"},
}


@dataclass
class Case:
    """One command to time, and what the server must have seen after it."""

    name: str
    group: str
    argv: list[str]
    sends_event: bool
    times_ms: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)


@dataclass
class Row:
    """A case's figures, ready to print."""

    name: str
    median: float
    p90: float
    rss_mib: float
    body: str


class BenchError(Exception):
    """A command failed or the server did not see what it should have."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its tables; 1 when a command misbehaves."""
    args = _parse(argv)
    needed = [SDK_VENV / "bin/python", HERA_VENV / "bin/python", Path(CURL), Path(TIME)]
    missing = [path for path in needed if not path.exists()]
    if missing:
        print(
            f"bench: {missing[0]} is missing; run bench/setup.sh first", file=sys.stderr
        )
        return 2

    token = secrets.token_hex(16)
    server = standin(token)
    url = server.start()
    load = [os.getloadavg()[0]]
    try:
        with tempfile.TemporaryDirectory(prefix="argo-trigger-bench-") as tmp:
            work = Path(tmp)
            env = ci_environment(work, url, token)
            body = _reference_body(env, work)
            cases = _cases(work, url, token, body)
            _run_rounds(cases, server, token=token, env=env, work=work, args=args)
            load.append(os.getloadavg()[0])
    except BenchError as error:
        # The token is a throwaway, but output never shows one all the same.
        print(f"bench: {str(error).replace(token, '***')}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    finally:
        server.stop()

    report = _report(cases, json.loads(body), args.runs, load)
    print(report.text)
    if args.markdown:
        Path(args.markdown).write_text(report.markdown, encoding="utf-8")
    return 0


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed rounds")
    parser.add_argument(
        "--warmup", type=int, default=2, help="untimed rounds first (default: 2)"
    )
    parser.add_argument(
        "--rss-runs",
        type=int,
        default=5,
        help="rounds under GNU time for peak RSS, after the timed ones (default: 5)",
    )
    parser.add_argument("--markdown", metavar="FILE", help="also write the tables")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.rss_runs < 1 or args.warmup < 0:
        parser.error("--runs and --rss-runs must be at least 1, --warmup at least 0")
    return args


def standin(token: str) -> Standin:
    """A stand-in Argo Server whose one account, allowed everything, has `token`."""
    admin = ServiceAccount.admin(name="argo-server", namespace=NAMESPACE, token=token)
    return Standin(accounts=[admin])


def ci_environment(work: Path, url: str, token: str) -> dict[str, str]:
    """A GitHub Actions push job's variables, plus the argo CLI's settings.

    Built from nothing rather than copied, so that the developer's own CI or
    proxy variables cannot change what is measured.
    """
    event_path = work / "event.json"
    event_path.write_text(json.dumps(GITHUB_EVENT), encoding="utf-8")
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "GITHUB_ACTIONS": "true",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "example/app",
        "GITHUB_WORKFLOW": "build",
        "GITHUB_RUN_ID": "7000000001",
        "GITHUB_RUN_NUMBER": "42",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_JOB": "images",
        "GITHUB_ACTOR": "octocat",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_REF_TYPE": "branch",
        "GITHUB_REF_NAME": "main",
        "ARGO_SERVER": url.removeprefix("http://"),
        "ARGO_SECURE": "false",
        "ARGO_TOKEN": token,
        "ARGO_NAMESPACE": NAMESPACE,
    }


def _cases(work: Path, url: str, token: str, body: bytes) -> list[Case]:
    """The commands to compare; writes the body that the alternatives send."""
    body_path = work / "body.json"
    body_path.write_bytes(body)

    installed_python = str(INSTALLED_VENV / "bin/python")
    event_url = f"{url}/api/v1/events/{NAMESPACE}/{DISCRIMINATOR}"
    sent = [event_url, token, str(body_path)]
    sdk_sent = [url, token, str(body_path), NAMESPACE, DISCRIMINATOR]
    argo_trigger = str(INSTALLED_VENV / "bin/argo-trigger")
    curl = [CURL, "-sS", "-X", "POST"]
    curl += ["-H", f"Authorization: Bearer {token}"]
    curl += ["-H", "Content-Type: application/json"]
    curl += ["--data-binary", f"@{body_path}", event_url]
    return [
        Case(
            "argo-trigger event",
            "event",
            [argo_trigger, "event", "-d", DISCRIMINATOR],
            True,
        ),
        Case("curl", "event", curl, True),
        Case("requests", "event", [installed_python, "-c", REQUESTS_CODE, *sent], True),
        Case("urllib3", "event", [installed_python, "-c", URLLIB3_CODE, *sent], True),
        Case(
            "argo-workflows SDK",
            "event",
            [_python(SDK_VENV), "-c", SDK_CODE, *sdk_sent],
            True,
        ),
        Case(
            "hera",
            "event",
            [_python(HERA_VENV), "-c", HERA_CODE, *sdk_sent],
            True,
        ),
        Case("argo-trigger payload", "payload", [argo_trigger, "payload"], False),
        Case("python -c pass", "payload", [installed_python, "-c", "pass"], False),
    ]


def _python(venv: Path) -> str:
    # The venv's own `python` link, so that its site-packages are used, and
    # never a version manager's shim, which would add its own start-up.
    return str(venv / "bin/python")


def _reference_body(env: dict[str, str], work: Path) -> bytes:
    """The payload argo-trigger builds in `env`, compact, as it would send it."""
    out = work / "dry-run.json"
    argv = [str(INSTALLED_VENV / "bin/argo-trigger"), "-o", "json"]
    argv += ["event", "-d", DISCRIMINATOR, "--dry-run"]
    code, _ = _spawn(argv, env, out)
    if code != 0:
        raise BenchError(f"argo-trigger event --dry-run failed: {_tail(out)}")
    payload = json.loads(out.read_bytes())["body"]
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _run_rounds(
    cases: list[Case],
    server: Standin,
    *,
    token: str,
    env: dict[str, str],
    work: Path,
    args: argparse.Namespace,
) -> None:
    """Warm up, time every case, then measure every case's peak RSS.

    Each round runs every case once, the first case rotating between rounds.
    """
    out = work / "output.txt"
    rss_file = work / "rss.txt"
    plan = ["warmup"] * args.warmup + ["time"] * args.runs + ["rss"] * args.rss_runs
    for round_, purpose in enumerate(plan):
        shift = round_ % len(cases)
        for case in cases[shift:] + cases[:shift]:
            seen = len(server.requests)
            argv = case.argv
            if purpose == "rss":
                argv = [TIME, "-f", "%M", "-o", str(rss_file), *argv]
            code, elapsed = _spawn(argv, env, out)
            if code != 0:
                raise BenchError(f"{case.name} exited {code}: {_tail(out)}")
            new = _requests_after(server, seen, 1 if case.sends_event else 0)
            body = _check_server(case, new, token)
            if purpose == "time":
                case.times_ms.append(elapsed)
                case.bodies.append(body)
            elif purpose == "rss":
                case.rss_kib.append(int(rss_file.read_text().split()[-1]))


def _requests_after(server: Standin, seen: int, expected: int) -> list[RecordedRequest]:
    """The requests recorded after the first `seen`, once `expected` are in.

    The server records a request after answering it, so a client can exit
    before its request is on the list; this waits for it, outside the timed
    span, for up to two seconds.
    """
    deadline = time.monotonic() + 2.0
    new = server.requests[seen:]
    while len(new) < expected and time.monotonic() < deadline:
        time.sleep(0.001)
        new = server.requests[seen:]
    return new


def _spawn(argv: list[str], env: dict[str, str], out: Path) -> tuple[int, float]:
    """Run argv to its end; return its exit code and wall milliseconds.

    posix_spawn and waitpid add no shell and no Python-side bookkeeping to the
    measured span. The child's `ru_maxrss` from wait4 is not used: a child
    spawned with a shared address space reports the parent's peak as a
    floor, which is why peak RSS is measured through GNU time instead.
    """
    with out.open("wb") as sink:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, sink.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, sink.fileno(), 2),
        ]
        start = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        _, status = os.waitpid(pid, 0)
        elapsed = (time.perf_counter_ns() - start) / 1e6
    return os.waitstatus_to_exitcode(status), elapsed


def _tail(out: Path) -> str:
    lines = out.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else "(no output)"


def _check_server(case: Case, new: Sequence[RecordedRequest], token: str) -> bytes:
    """The body of the one event `case` sent; BenchError unless exactly so."""
    if not case.sends_event:
        if new:
            raise BenchError(f"{case.name} sent {len(new)} request(s); expected none")
        return b""
    if len(new) != 1:
        raise BenchError(f"{case.name} sent {len(new)} requests; expected one")
    request = new[0]
    expected_path = f"/api/v1/events/{NAMESPACE}/{DISCRIMINATOR}"
    if (request.method, request.path, request.status) != ("POST", expected_path, 200):
        raise BenchError(
            f"{case.name} sent {request.method} {request.path}, "
            f"answered {request.status}; expected POST {expected_path}, 200"
        )
    if request.headers.get("authorization") != f"Bearer {token}":
        raise BenchError(f"{case.name} did not send the bearer token as expected")
    return request.body


@dataclass
class Report:
    """The results as plain text and as markdown."""

    text: str
    markdown: str


def _report(cases: list[Case], reference: Any, runs: int, load: list[float]) -> Report:
    """Tables of medians, p90s, peak RSS and ratios, and the targets' verdicts."""
    rows = {case.name: _row(case, reference) for case in cases}
    event = [rows[c.name] for c in cases if c.group == "event"]
    offline = [rows[c.name] for c in cases if c.group == "payload"]
    sdk = rows["argo-workflows SDK"].median
    hera = rows["hera"].median
    ours = rows["argo-trigger event"].median
    payload = rows["argo-trigger payload"].median / rows["python -c pass"].median
    targets = [
        _target("event / argo-workflows SDK", ours / sdk, "<= 1.0", ours <= sdk),
        _target("hera / event", hera / ours, ">= 5.0", hera >= 5 * ours),
        _target("payload / python -c pass", payload, "<= 3.0", payload <= 3),
    ]
    header = _machine(runs, load)
    text = "\n".join(
        [
            header,
            "",
            *_text_table(event, sdk, hera),
            "",
            *_text_table(offline, None, None),
            "",
            *targets,
        ]
    )
    markdown = "\n".join(
        [
            header,
            "",
            *_markdown_table(event, sdk, hera),
            "",
            *_markdown_table(offline, None, None),
            "",
            *(f"- {line}" for line in targets),
            "",
        ]
    )
    return Report(text, markdown)


def _row(case: Case, reference: Any) -> Row:
    times = sorted(case.times_ms)
    p90 = times[math.ceil(0.9 * len(times)) - 1]
    rss = statistics.median(case.rss_kib) / 1024
    return Row(
        case.name, statistics.median(times), p90, rss, _body_note(case, reference)
    )


def _body_note(case: Case, reference: Any) -> str:
    """How the bodies the server received compare, as JSON, with `reference`."""
    if not case.sends_event:
        return ""
    received = [json.loads(body) for body in case.bodies]
    if case.name == "argo-trigger event":
        # Its payload is built afresh each run, so only the build time moves.
        received = [{**body, "time": reference.get("time")} for body in received]
    differences = sorted({p for body in received for p in _diff(reference, body)})
    if not differences:
        return "same JSON"
    shown = ", ".join(differences[:3])
    more = f" (+{len(differences) - 3})" if len(differences) > 3 else ""
    return f"differs at {shown}{more}"


def _diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Dotted paths where `actual` is not `expected`, missing keys included."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        found: list[str] = []
        for key in expected.keys() | actual.keys():
            where = f"{path}.{key}" if path else key
            if key not in expected or key not in actual:
                found.append(f"{where} (missing)" if key in expected else where)
            else:
                found += _diff(expected[key], actual[key], where)
        return found
    if type(expected) is not type(actual) or expected != actual:
        return [path or "(body)"]
    return []


def _target(label: str, value: float, goal: str, met: bool) -> str:
    return f"{label}: {value:.2f} (target {goal}: {'met' if met else 'NOT met'})"


def _machine(runs: int, load: list[float]) -> str:
    # The load average says how much else ran: on a shared machine the
    # absolute times move with it, the interleaved ratios much less.
    cpu = _cpu_model()
    return (
        f"{runs} interleaved runs; {os.cpu_count()} cores ({cpu}); "
        f"Python {platform.python_version()}; {platform.system()} "
        f"{platform.release()}; load average {load[0]:.2f} before, "
        f"{load[-1]:.2f} after"
    )


def _cpu_model() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return "unknown CPU"
    for line in info.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


Column = Callable[[Row], str]


def _columns(sdk: float | None, hera: float | None) -> list[tuple[str, Column]]:
    columns: list[tuple[str, Column]] = [
        ("command", lambda r: r.name),
        ("median ms", lambda r: f"{r.median:.1f}"),
        ("p90 ms", lambda r: f"{r.p90:.1f}"),
        ("peak RSS MiB", lambda r: f"{r.rss_mib:.1f}"),
    ]
    if sdk is not None and hera is not None:
        columns += [
            ("x SDK", lambda r: f"{r.median / sdk:.2f}"),
            ("x hera", lambda r: f"{r.median / hera:.2f}"),
            ("body received", lambda r: r.body),
        ]
    return columns


def _text_table(rows: list[Row], sdk: float | None, hera: float | None) -> list[str]:
    columns = _columns(sdk, hera)
    cells = [[title for title, _ in columns]]
    cells += [[cell(row) for _, cell in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True))
        for line in cells
    ]


def _markdown_table(
    rows: list[Row], sdk: float | None, hera: float | None
) -> list[str]:
    columns = _columns(sdk, hera)
    lines = ["| " + " | ".join(title for title, _ in columns) + " |"]
    lines.append("|" + "---|" * len(columns))
    lines += [
        "| " + " | ".join(cell(row) for _, cell in columns) + " |" for row in rows
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())

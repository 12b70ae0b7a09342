"""A loopback stand-in for the few GitLab REST API v4 calls the reporter makes.

It answers as GitLab does: the project by numeric id or URL-encoded path,
POST /projects/:id/statuses/:sha with GitLab's state machine (posting the
state a running or pending status already has is a 400), and POST
/projects/:id/merge_requests/:iid/notes. Tokens come in PRIVATE-TOKEN or
JOB-TOKEN; errors are GitLab's `{"message": "401 Unauthorized"}` bodies.
Every request is recorded with its headers and JSON body.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

STATES = ("pending", "running", "success", "failed", "canceled", "skipped")
OPEN_STATES = ("pending", "running")
# The event that moves a status into each state, as GitLab names it.
EVENTS = {
    "pending": "enqueue",
    "running": "run",
    "success": "success",
    "failed": "drop",
    "canceled": "cancel",
    "skipped": "skip",
}
STAMP = "2026-12-03T12:00:00.000Z"


@dataclass
class Recorded:
    """One request as the stand-in received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Member:
    """Who a token is: a user with a role, or a CI job acting for one."""

    username: str
    role: str = "developer"


@dataclass
class GitLabAPI:
    """The stand-in server. `start()` returns its base URL."""

    project_id: int = 42
    project_path: str = "group/sub/app"
    commits: set[str] = field(default_factory=set)
    pipelines: set[int] = field(default_factory=set)
    merge_requests: set[int] = field(default_factory=set)
    private_tokens: dict[str, Member] = field(default_factory=dict)
    job_tokens: dict[str, Member] = field(default_factory=dict)
    # Routes that accept a CI job token; GitLab refuses it elsewhere.
    job_token_routes: set[str] = field(default_factory=lambda: {"statuses"})
    requests: list[Recorded] = field(default_factory=list)
    statuses: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[re.Pattern[str], int, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        """Listen on 127.0.0.1 and return the base URL, without /api/v4."""
        api = self

        class Handler(_Handler):
            stand_in = api

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def fail(self, path_regex: str, status: int, body: Any) -> None:
        """Answer requests whose path matches with this status and body."""
        self.failures.append((re.compile(path_regex), status, body))


class _Handler(BaseHTTPRequestHandler):
    stand_in: GitLabAPI
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        api = self.stand_in
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        path = urlsplit(self.path).path
        api.requests.append(Recorded(method, path, dict(self.headers), body))

        for pattern, status, answer in api.failures:
            if pattern.search(path):
                self._send(status, answer)
                return
        status, answer = _route(api, method, path, self.headers, body)
        self._send(status, answer)

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _route(
    api: GitLabAPI, method: str, path: str, headers: Any, body: Any
) -> tuple[int, Any]:
    # Segments are split before decoding, so "group%2Fsub%2Fapp" stays one.
    parts = [unquote(p) for p in path.split("/")[1:]]
    route = _route_name(method, parts)
    if route is None:
        return 404, {"error": "404 Not Found"}

    member = _authenticate(api, headers, route)
    refusal = _refusal(api, member, parts[3], route)
    if refusal is not None or member is None:
        return refusal or (401, {"message": "401 Unauthorized"})
    if route == "project":
        return 200, _project(api)
    if route == "statuses":
        return _post_status(api, parts[5], body or {}, member)
    return _post_note(api, parts[5], body or {}, member)


def _refusal(
    api: GitLabAPI, member: Member | None, project: str, route: str
) -> tuple[int, Any] | None:
    if member is None:
        return 401, {"message": "401 Unauthorized"}
    if project not in (str(api.project_id), api.project_path):
        return 404, {"message": "404 Project Not Found"}
    writes = route != "project"
    if writes and member.role not in ("developer", "maintainer", "owner"):
        return 403, {"message": "403 Forbidden"}
    return None


def _route_name(method: str, parts: list[str]) -> str | None:
    if parts[:3] != ["api", "v4", "projects"] or len(parts) < 4:
        return None
    rest = parts[4:]
    if method == "GET" and not rest:
        return "project"
    if method == "POST" and len(rest) == 2 and rest[0] == "statuses":
        return "statuses"
    if method == "POST" and len(rest) == 3 and rest[::2] == ["merge_requests", "notes"]:
        return "notes"
    return None


def _authenticate(api: GitLabAPI, headers: Any, route: str) -> Member | None:
    private = headers.get("PRIVATE-TOKEN")
    if private is not None:
        return api.private_tokens.get(private)
    job = headers.get("JOB-TOKEN")
    if job is not None and route in api.job_token_routes:
        return api.job_tokens.get(job)
    return None


def _project(api: GitLabAPI) -> dict[str, Any]:
    name = api.project_path.rsplit("/", 1)[-1]
    return {
        "id": api.project_id,
        "name": name,
        "path": name,
        "path_with_namespace": api.project_path,
        "default_branch": "main",
        "web_url": f"{api.url}/{api.project_path}",
    }


def _post_status(
    api: GitLabAPI, sha: str, body: dict[str, Any], member: Member
) -> tuple[int, Any]:
    state = body.get("state")
    if not state:
        return 400, {"error": "state is missing"}
    if state not in STATES:
        return 400, {"error": "state does not have a valid value"}
    if sha not in api.commits:
        return 404, {"message": "404 Commit Not Found"}
    pipeline_id = body.get("pipeline_id")
    if pipeline_id is not None and pipeline_id not in api.pipelines:
        return 404, {"message": "404 Pipeline for pipeline_id, sha and ref Not Found"}

    name = body.get("name") or body.get("context") or "default"
    ref = body.get("ref") or "main"
    current = _open_status(api, sha, name, ref, pipeline_id)
    if current is not None and current["status"] == state:
        event = EVENTS[state]
        return 400, {
            "message": f"Cannot transition status via :{event} from :{state} "
            f'(Reason(s): Status cannot transition via "{event}")'
        }
    status = current or _new_status(
        api, sha=sha, name=name, ref=ref, pipeline_id=pipeline_id, member=member
    )
    status["status"] = state
    for key in ("target_url", "description"):
        if key in body:
            status[key] = body[key]
    return 201, status


def _open_status(
    api: GitLabAPI, sha: str, name: str, ref: str, pipeline_id: int | None
) -> dict[str, Any] | None:
    for status in reversed(api.statuses):
        same = (status["sha"], status["name"], status["ref"]) == (sha, name, ref)
        if same and status["pipeline_id"] == pipeline_id:
            return status if status["status"] in OPEN_STATES else None
    return None


def _new_status(
    api: GitLabAPI,
    *,
    sha: str,
    name: str,
    ref: str,
    pipeline_id: int | None,
    member: Member,
) -> dict[str, Any]:
    status: dict[str, Any] = {
        "id": 1000 + len(api.statuses),
        "sha": sha,
        "ref": ref,
        "status": "created",
        "name": name,
        "target_url": None,
        "description": None,
        "created_at": STAMP,
        "started_at": None,
        "finished_at": None,
        "allow_failure": False,
        "coverage": None,
        "pipeline_id": pipeline_id,
        "author": _author(member),
    }
    api.statuses.append(status)
    return status


def _post_note(
    api: GitLabAPI, iid: str, body: dict[str, Any], member: Member
) -> tuple[int, Any]:
    if not iid.isdigit() or int(iid) not in api.merge_requests:
        return 404, {"message": "404 Merge Request Not Found"}
    if not body.get("body"):
        return 400, {"error": "body is missing"}
    note = {
        "id": 5000 + len(api.notes),
        "type": None,
        "body": body["body"],
        "attachment": None,
        "author": _author(member),
        "created_at": STAMP,
        "updated_at": STAMP,
        "system": False,
        "noteable_id": 700 + int(iid),
        "noteable_type": "MergeRequest",
        "project_id": api.project_id,
        "resolvable": False,
        "confidential": False,
        "internal": False,
        "noteable_iid": int(iid),
    }
    api.notes.append(note)
    return 201, note


def _author(member: Member) -> dict[str, Any]:
    return {
        "id": 7,
        "username": member.username,
        "name": member.username,
        "state": "active",
    }

"""`argo-trigger event`: send the payload to the Argo Server's event endpoint."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from argo_trigger import ci, config, errors
from argo_trigger.cli import Run, options_from, output_format, publish, wants_wait
from argo_trigger.commands.payload import discriminator, payload_from_args
from argo_trigger.errors import ConfigError, UsageError
from argo_trigger.masking import mask
from argo_trigger.report import Outcome

if TYPE_CHECKING:
    from argo_trigger.client import ArgoClient

HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")
RESERVED_HEADERS = {"authorization", "content-type", "content-length", "host"}


class Request(NamedTuple):
    """The event request as it will be sent."""

    url: str
    body: bytes
    headers: dict[str, str]
    payload: Any = None
    event_id: str | None = None


def run(run: Run) -> int:
    """Build the event and send it, or print it with --dry-run."""
    args = run.args
    namespace = config.resolve_namespace(options_from(args), run.env)
    check_namespace(namespace)
    name = discriminator(run)
    check_discriminator(name)

    settings = _settings(run)
    segments = ("api", "v1", "events", namespace, name)
    if settings:
        url = settings.url(*segments)
    else:
        url = "$ARGO_SERVER/" + "/".join(quote(s, safe="") for s in segments)
    request = build_request(run, url)
    if args.dry_run:
        _print_dry_run(run, request, settings.authorization if settings else None)
        return 0
    assert settings is not None  # _settings raised unless this is a dry run

    from argo_trigger.client import ArgoClient

    client = ArgoClient(settings)
    answer = client.send_event(namespace, name, request.body, request.headers)
    outcome = Outcome(
        namespace=namespace,
        event_id=request.event_id,
        discriminator=name,
    )
    if wants_wait(run):
        return _wait(run, client, request, outcome, answer)
    publish(run, outcome)
    _print_result(run, request, outcome, answer)
    return 0


def _wait(
    run: Run, client: ArgoClient, request: Request, outcome: Outcome, answer: Any
) -> int:
    """Find the workflows the event created, wait for them, exit as they did."""
    from argo_trigger.bindings.dispatch import Event, metadata_from_headers
    from argo_trigger.commands.wait import discover_timeout, sigterm_raises, wait_for
    from argo_trigger.follow.discover import Search, discover

    event = Event(
        outcome.namespace,
        outcome.discriminator or "",
        request.payload,
        metadata_from_headers(request.headers),
    )
    search = Search(
        event, request.event_id, client.event_answered_at, discover_timeout(run)
    )
    try:
        with sigterm_raises():
            found = discover(client, search)
    except errors.NotDiscovered:
        publish(run, outcome)
        raise
    names = ", ".join(found.names)
    run.stderr.write(f"argo-trigger: the event created {names} (by {found.how})\n")
    if output_format(run.args) != "json":
        _print_result(run, request, outcome, answer)
    extra = {"url": request.url, "response": answer, "payload": request.payload}
    return wait_for(
        run,
        client,
        outcome,
        found.names,
        label_selector=found.label_selector,
        extra=extra,
    )


def _settings(run: Run) -> config.Settings | None:
    try:
        return config.resolve(options_from(run.args), run.env)
    except ConfigError:
        if run.args.dry_run:
            return None
        raise


def check_namespace(namespace: str) -> None:
    """Raise UsageError unless `namespace` is a valid Kubernetes namespace name."""
    if not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", namespace):
        raise UsageError(
            f"namespace {namespace!r} is not a Kubernetes namespace name "
            "(lower-case letters, digits and '-', at most 63); check -n"
        )


def check_discriminator(discriminator: str) -> None:
    """Raise UsageError for a discriminator that cannot be one path segment."""
    if "/" in discriminator or discriminator in (".", ".."):
        raise UsageError(
            f"discriminator {discriminator!r} must be one path segment without '/'"
        )


def build_request(run: Run, url: str) -> Request:
    """The body and headers: our payload, a file of the user's, or GitHub's own."""
    args = run.args
    headers = parse_headers(args.header)
    if args.payload_file:
        body = _read_payload_file(args.payload_file)
        payload = json.loads(body)
        event_id = payload.get("id") if isinstance(payload, dict) else None
        return Request(url, body, headers, payload, _str_or_none(event_id))
    if args.native:
        return _native_request(run, url, headers)
    payload = payload_from_args(run)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return Request(url, body, headers, payload, payload["id"])


def parse_headers(pairs: list[str]) -> dict[str, str]:
    """`NAME:VALUE` pairs as a header mapping; UsageError for a malformed one."""
    headers: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition(":")
        name = name.strip()
        if not sep or not HEADER_NAME.match(name):
            raise UsageError(f"--header {pair!r}: expected NAME:VALUE")
        if name.lower() in RESERVED_HEADERS:
            raise UsageError(
                f"--header {name}: argo-trigger sets this header itself"
                + (
                    "; pass the token with --token"
                    if name.lower() == "authorization"
                    else ""
                )
            )
        headers[name] = value.strip()
    return headers


def _native_request(run: Run, url: str, headers: dict[str, str]) -> Request:
    native = ci.detect(run.env, os.getcwd()).native_event
    if native is None:
        raise UsageError(
            "--native sends GitHub's own event and works only in GitHub Actions "
            "(GITHUB_EVENT_PATH and GITHUB_EVENT_NAME set)"
        )
    try:
        with open(native.path, "rb") as file:
            body = file.read()
    except OSError as error:
        raise UsageError(
            f"cannot read GitHub's event file {native.path}: {error.strerror}"
        ) from None
    headers = {"X-GitHub-Event": native.name, **headers}
    return Request(url, body, headers, _json_or_none(body), None)


def _read_payload_file(path: str) -> bytes:
    try:
        body = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as error:
        raise UsageError(
            f"cannot read --payload-file {path}: {error.strerror}"
        ) from None
    try:
        json.loads(body)
    except ValueError as error:
        raise UsageError(
            f"--payload-file {path} is not JSON ({error}); the event body must be JSON"
        ) from None
    return body


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _print_dry_run(run: Run, request: Request, authorization: str | None) -> None:
    headers = {"Content-Type": "application/json", **request.headers}
    if authorization:
        headers["Authorization"] = authorization.split(" ", 1)[0] + " ***"
    if output_format(run.args) == "json":
        shown = {
            "method": "POST",
            "url": request.url,
            "headers": headers,
            "body": request.payload,
        }
        run.out(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    run.out(f"POST {request.url}")
    for name, value in headers.items():
        run.out(f"{name}: {value}")
    run.out("")
    run.out(json.dumps(request.payload, indent=2, ensure_ascii=False))


def _print_result(run: Run, request: Request, outcome: Outcome, answer: Any) -> None:
    if output_format(run.args) == "json":
        result = {
            **outcome.to_json(),
            "url": request.url,
            "response": answer,
            "payload": request.payload,
        }
        run.out(json.dumps(result, indent=2, ensure_ascii=False))
        return
    sent = f"event {request.event_id}" if request.event_id else "event"
    run.out(mask(f"{sent} sent to {request.url}: accepted"))

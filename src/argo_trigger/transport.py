"""One HTTP request to the Argo Server: retries, timeouts, and errors in our terms.

Retry policy: a request is tried again only when the server cannot have acted
on it. That is a connection that never opened (refused, name not resolved,
connect timeout), and the answers 429 and 503 (rate limit, and the event queue
being full), which Argo gives before doing anything. Waits grow exponentially
from 0.5 s, capped at 8 s, with full jitter, honour `Retry-After`, and stop
when the `--request-timeout` budget is spent. A 500 or a read timeout is never
retried: for an event, bindings may already have created workflows, and a
second send could create them twice.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests
import urllib3
from urllib3.exceptions import (
    InsecureRequestWarning,
    NameResolutionError,
    NewConnectionError,
)

from argo_trigger import errors
from argo_trigger.config import Settings
from argo_trigger.log import logger
from argo_trigger.masking import mask

RETRY_STATUSES = frozenset({429, 503})
FIRST_WAIT = 0.5
MAX_WAIT = 8.0


class Transport:
    """Sends requests over one `requests.Session` configured from Settings."""

    def __init__(
        self,
        settings: Settings,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.session.verify = settings.verify
        self.session.cert = settings.client_cert
        self.session.headers["User-Agent"] = "argo-trigger"
        self._sleep = sleep
        if settings.verify is False:
            # One warning of ours instead of urllib3's warning on every request.
            urllib3.disable_warnings(InsecureRequestWarning)
            logger.warning("not verifying the server's certificate (insecure)")

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        hint: str = "",
        stream_timeout: float | None = None,
    ) -> requests.Response:
        """Send one request, retrying only where that is safe; return a 2xx answer.

        Raises ConnectError, TLSError or RequestTimeout when no answer came,
        and an APIError subclass for an error status. `hint` names what the
        request needs from RBAC, for the 403 message. With `stream_timeout`
        the body is left unread for the caller to stream, and a read may wait
        that long for data (the caller's iteration raises when it does not
        come).
        """
        deadline = time.monotonic() + self.settings.request_timeout
        all_headers = self._headers(headers, body)
        attempt = 0
        while True:
            attempt += 1
            left = max(deadline - time.monotonic(), 0.001)
            try:
                response = self._send(
                    method,
                    url,
                    body=body,
                    params=params,
                    headers=all_headers,
                    time_left=left,
                    stream_timeout=stream_timeout,
                )
            except requests.exceptions.ConnectionError as error:
                if not _nothing_sent(error) or not self._may_retry(deadline, attempt):
                    raise _transport_error(
                        error, url, self.settings.request_timeout
                    ) from None
                self._backoff(attempt, None, deadline, _reason(error))
                continue
            if response.ok:
                return response
            if response.status_code in RETRY_STATUSES and self._may_retry(
                deadline, attempt
            ):
                retry_after = response.headers.get("Retry-After")
                self._backoff(attempt, retry_after, deadline, str(response.status_code))
                continue
            raise api_error(response, hint=hint)

    def _headers(
        self, extra: Mapping[str, str] | None, body: bytes | None
    ) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.settings.authorization:
            headers["Authorization"] = self.settings.authorization
        headers.update(extra or {})
        return headers

    def _send(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        params: Mapping[str, str] | None,
        headers: dict[str, str],
        time_left: float,
        stream_timeout: float | None = None,
    ) -> requests.Response:
        logger.info("%s %s", method, url)
        shown = {
            k: ("***" if k.lower() == "authorization" else v)
            for k, v in headers.items()
        }
        logger.debug("request headers %s params %s", shown, dict(params or {}))
        started = time.monotonic()
        try:
            # verify and cert go with each request: requests lets
            # REQUESTS_CA_BUNDLE override the session's own, which would
            # silently drop --ca-file on runners that set that variable.
            response = self.session.request(
                method,
                url,
                data=body,
                params=params,
                headers=headers,
                timeout=(min(time_left, 10.0), stream_timeout or time_left),
                stream=stream_timeout is not None,
                verify=self.settings.verify,
                cert=self.settings.client_cert,
            )
        except requests.exceptions.SSLError as error:
            raise errors.TLSError(_tls_message(url, error), url=url) from None
        except requests.exceptions.ReadTimeout:
            raise errors.RequestTimeout(
                f"no answer from {url} within {self.settings.request_timeout:g}s; "
                "the server may still act on the request. Raise --request-timeout "
                "if the server is slow",
                url=url,
            ) from None
        logger.info(
            "%s %s -> %d in %.0f ms",
            method,
            url,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return response

    def _may_retry(self, deadline: float, attempt: int) -> bool:
        return time.monotonic() + _wait(attempt) < deadline

    def _backoff(
        self, attempt: int, retry_after: str | None, deadline: float, why: str
    ) -> None:
        wait = _wait(attempt)
        if retry_after and retry_after.strip().isdigit():
            wait = max(wait, float(retry_after))
        wait = min(wait, max(deadline - time.monotonic(), 0.0))
        logger.warning("retrying in %.1fs after %s (attempt %d)", wait, why, attempt)
        self._sleep(wait)


def _wait(attempt: int) -> float:
    """Full jitter over an exponential ceiling: spreads retries of many jobs."""
    ceiling = min(MAX_WAIT, FIRST_WAIT * 2 ** (attempt - 1))
    return random.uniform(ceiling / 2, ceiling)


def _nothing_sent(error: requests.exceptions.ConnectionError) -> bool:
    """True when the connection never opened, so the server saw nothing."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    return isinstance(_cause(error), NewConnectionError)


def _cause(error: Exception) -> object:
    """The urllib3 error inside requests' wrapper (MaxRetryError.reason)."""
    inner = error.args[0] if error.args else None
    return getattr(inner, "reason", inner)


def _reason(error: requests.exceptions.ConnectionError) -> str:
    cause = _cause(error)
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return "connect timed out"
    if isinstance(cause, NameResolutionError):
        return "the host name does not resolve"
    if isinstance(cause, NewConnectionError):
        return "connection refused" if "refused" in str(cause) else "no route"
    return "connection failed"


def _transport_error(
    error: requests.exceptions.ConnectionError, url: str, timeout: float
) -> errors.TransportError:
    reason = _reason(error)
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return errors.ConnectError(
            f"cannot connect to {url}: connect timed out after {timeout:g}s; "
            "check ARGO_SERVER and that the server is reachable from this job",
            url=url,
        )
    if reason == "connection failed":
        return errors.ConnectError(
            f"the connection to {url} broke before an answer came, so it was "
            "not sent again (the server may have acted on it); plain http:// "
            "to a TLS port ends this way: check the scheme and ARGO_SECURE",
            url=url,
        )
    return errors.ConnectError(
        f"cannot connect to {url}: {reason}; check ARGO_SERVER (or --server) "
        "and that the Argo Server is reachable from this job",
        url=url,
    )


def _tls_message(url: str, error: Exception) -> str:
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        why = "its certificate is not trusted"
        fix = (
            "pass the CA that signed it with --ca-file, or, for a trial only, "
            "--insecure-skip-verify"
        )
    elif "CERTIFICATE_REQUIRED" in text or "certificate required" in text:
        why = "the server requires a client certificate"
        fix = "pass it with --client-cert and --client-key"
    elif any(alert in text for alert in ("ALERT_BAD_CERTIFICATE", "ALERT_UNKNOWN_CA")):
        why = "the server refused the client certificate"
        fix = "check that --client-cert is signed by a CA the server trusts"
    elif "WRONG_VERSION_NUMBER" in text or "wrong version number" in text:
        why = "it does not speak TLS on that port"
        fix = "use an http:// server URL or set ARGO_SECURE=false"
    else:
        why = "the TLS handshake failed"
        fix = "check --ca-file, --client-cert and --client-key"
    return f"TLS failure talking to {url}: {why}; {fix}"


def api_error(response: requests.Response, *, hint: str = "") -> errors.APIError:
    """Turn an error answer into the matching APIError with a message that helps."""
    status = response.status_code
    body = _json_or_none(response)
    code, said = _grpc_parts(body, response)
    where = f"{response.request.method} {response.url}"
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "server_message": said,
        "body": body,
    }
    cls, advice = _classify(status, said, hint)
    return cls(
        mask(f"{status} from the Argo Server on {where}: {said}; {advice}"), **kwargs
    )


def _classify(status: int, said: str, hint: str) -> tuple[type[errors.APIError], str]:
    if status == 401:
        return errors.UnauthenticatedError, (
            "the token is missing, invalid or expired: set ARGO_TOKEN (or "
            "--token, --token-file) to a current service-account token"
        )
    if status == 403:
        need = hint or "the permission this call needs"
        return errors.ForbiddenError, (
            f"the token's service account needs {need}; grant it with a Role "
            "and RoleBinding in that namespace"
        )
    if status == 404:
        return errors.NotFoundError, (
            "check the namespace (-n), the name, and --base-href if the server "
            "sits behind a path prefix"
        )
    if status == 501:
        return errors.ServerError, (
            "the server does not implement this path: check that the URL points "
            "at an Argo Server and that --base-href is right"
        )
    if status >= 500:
        return errors.ServerError, "the Argo Server failed; see its logs"
    return errors.RejectedError, "the server refused the request as given"


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _grpc_parts(body: Any, response: requests.Response) -> tuple[int | None, str]:
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        code = body.get("code")
        return (code if isinstance(code, int) else None), body["message"]
    text = " ".join(response.text.split())[:200]
    return None, text or response.reason or "no message"


def dumps(value: Any) -> bytes:
    """Compact JSON as the request body."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

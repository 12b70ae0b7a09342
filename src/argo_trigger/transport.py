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
from urllib.parse import urlencode

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    InsecureRequestWarning,
    NameResolutionError,
    NewConnectionError,
    ProxyError,
    ReadTimeoutError,
    SSLError,
)

from argo_trigger import __version__, errors, masking
from argo_trigger.config import Settings
from argo_trigger.log import logger
from argo_trigger.masking import mask

Response = urllib3.BaseHTTPResponse

RETRY_STATUSES = frozenset({429, 503})
FIRST_WAIT = 0.5
MAX_WAIT = 8.0
# Streams (watch, logs) and calls run side by side while following.
POOL_SIZE = 10
USER_AGENT = f"argo-trigger/{__version__}"


class Transport:
    """Sends requests through one urllib3 pool configured from Settings."""

    def __init__(
        self, settings: Settings, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.settings = settings
        self.pool = connection_pool(settings)
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
    ) -> Response:
        """Send one request, retrying only where that is safe; return a 2xx answer.

        Raises ConnectError, TLSError or RequestTimeout when no answer came,
        and an APIError subclass for an error status. `hint` names what the
        request needs from RBAC, for the 403 message. With `stream_timeout`
        the body is left unread for the caller to stream, and a read may wait
        that long for data (the caller's iteration raises when it does not
        come).
        """
        if params:
            url += "?" + urlencode(params)
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
                    headers=all_headers,
                    time_left=left,
                    stream_timeout=stream_timeout,
                )
            except (ConnectTimeoutError, ProxyError) as error:
                if not _nothing_sent(error) or not self._may_retry(deadline, attempt):
                    raise self._transport_error(error, url) from None
                self._backoff(attempt, None, deadline, _reason(error))
                continue
            except HTTPError as error:
                raise self._transport_error(error, url) from None
            if 200 <= response.status < 300:
                return response
            if response.status in RETRY_STATUSES and self._may_retry(deadline, attempt):
                retry_after = response.headers.get("Retry-After")
                self._backoff(attempt, retry_after, deadline, str(response.status))
                continue
            raise api_error(response, method, url, hint=hint)

    def _headers(
        self, extra: Mapping[str, str] | None, body: bytes | None
    ) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
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
        headers: dict[str, str],
        time_left: float,
        stream_timeout: float | None = None,
    ) -> Response:
        logger.info("%s %s", method, url)
        shown = {
            k: ("***" if k.lower() == "authorization" else v)
            for k, v in headers.items()
        }
        logger.debug("request headers %s", shown)
        started = time.monotonic()
        try:
            response = self.pool.urlopen(
                method,
                url,
                body=body,
                headers=headers,
                timeout=urllib3.Timeout(
                    connect=min(time_left, 10.0), read=stream_timeout or time_left
                ),
                retries=False,
                redirect=False,
                preload_content=stream_timeout is None,
            )
        except SSLError as error:
            raise errors.TLSError(_tls_message(url, error), url=url) from None
        except ReadTimeoutError:
            raise errors.RequestTimeout(
                f"no answer from {url} within {self.settings.request_timeout:g}s; "
                "the server may still act on the request. Raise --request-timeout "
                "if the server is slow",
                url=url,
            ) from None
        # urllib3 keeps only the path; messages name the whole URL.
        response.url = url
        logger.info(
            "%s %s -> %d in %.0f ms",
            method,
            url,
            response.status,
            (time.monotonic() - started) * 1000,
        )
        return response

    def _transport_error(self, error: HTTPError, url: str) -> errors.TransportError:
        return _transport_error(
            error, url, self.settings.request_timeout, self.settings.proxy
        )

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


def connection_pool(settings: Settings) -> urllib3.PoolManager:
    """A pool for the server in `settings`: its TLS options, through its proxy."""
    tls: dict[str, Any] = {}
    if settings.verify is False:
        tls.update(cert_reqs="CERT_NONE", assert_hostname=False)
    elif isinstance(settings.verify, str):
        tls.update(ca_certs=settings.verify)
    if isinstance(settings.client_cert, tuple):
        tls.update(cert_file=settings.client_cert[0], key_file=settings.client_cert[1])
    elif settings.client_cert:
        tls.update(cert_file=settings.client_cert)
    if not settings.proxy:
        return urllib3.PoolManager(maxsize=POOL_SIZE, **tls)

    proxy = urllib3.util.parse_url(settings.proxy)
    headers = {}
    if proxy.auth:
        from urllib.parse import unquote

        credentials = unquote(proxy.auth)
        masking.register(credentials)
        headers = urllib3.make_headers(proxy_basic_auth=credentials)
    address = proxy._replace(auth=None).url
    return urllib3.ProxyManager(
        address, proxy_headers=headers, maxsize=POOL_SIZE, **tls
    )


def _nothing_sent(error: HTTPError) -> bool:
    """True when the connection never opened, so the server saw nothing."""
    if isinstance(error, ProxyError):
        return isinstance(error.original_error, ConnectTimeoutError)
    return isinstance(error, ConnectTimeoutError)


def _reason(error: HTTPError) -> str:
    if isinstance(error, ProxyError):
        return "the proxy cannot be reached"
    if isinstance(error, NameResolutionError):
        return "the host name does not resolve"
    if isinstance(error, NewConnectionError):
        return "connection refused" if "refused" in str(error) else "no route"
    if isinstance(error, ConnectTimeoutError):
        return "connect timed out"
    return "connection failed"


def _transport_error(
    error: HTTPError, url: str, timeout: float, proxy: str | None
) -> errors.TransportError:
    reason = _reason(error)
    if isinstance(error, ProxyError):
        shown = mask(urllib3.util.parse_url(proxy or "")._replace(auth=None).url)
        return errors.ConnectError(
            f"cannot reach {url} through the proxy {shown}: "
            f"{_proxy_why(error)}; check HTTPS_PROXY, HTTP_PROXY and NO_PROXY",
            url=url,
        )
    if reason == "connect timed out":
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


def _proxy_why(error: ProxyError) -> str:
    cause = error.original_error
    if isinstance(cause, ConnectTimeoutError):
        return "the proxy cannot be reached"
    text = str(cause)
    return text.split(": ", 1)[-1] if "Tunnel connection failed" in text else text


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


def api_error(
    response: Response, method: str, url: str, *, hint: str = ""
) -> errors.APIError:
    """Turn an error answer into the matching APIError with a message that helps."""
    status = response.status
    body = _json_or_none(response)
    code, said = _grpc_parts(body, response)
    kwargs: dict[str, Any] = {
        "status": status,
        "code": code,
        "server_message": said,
        "body": body,
    }
    cls, advice = _classify(status, said, hint)
    if 300 <= status < 400:
        where_to = response.headers.get("Location") or "another address"
        advice = (
            f"the server sent the request on to {where_to}; point ARGO_SERVER "
            "(and --base-href) at the address it names"
        )
    return cls(
        mask(f"{status} from the Argo Server on {method} {url}: {said}; {advice}"),
        **kwargs,
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


def _json_or_none(response: Response) -> Any:
    try:
        return json.loads(response.data)
    except ValueError:
        return None


def _grpc_parts(body: Any, response: Response) -> tuple[int | None, str]:
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        code = body.get("code")
        return (code if isinstance(code, int) else None), body["message"]
    text = " ".join(response.data.decode("utf-8", "replace").split())[:200]
    return None, text or response.reason or "no message"


def dumps(value: Any) -> bytes:
    """Compact JSON as the request body."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

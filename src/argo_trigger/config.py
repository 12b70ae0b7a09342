"""Where the Argo Server is and how to talk to it: flag, then environment, then default.

The environment variables are the argo CLI's own (`ARGO_SERVER`, `ARGO_TOKEN`,
...), so a CI job that already drives `argo` needs nothing new.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from argo_trigger import masking
from argo_trigger.errors import ConfigError, UsageError
from argo_trigger.record import Record

DEFAULT_NAMESPACE = "argo"
DEFAULT_REQUEST_TIMEOUT = 30.0


class Settings(Record):
    """Everything needed to reach one Argo Server.

    `base_url` is scheme, host, port and path prefix (base href), without a
    trailing slash; API paths are appended to it, never joined with urljoin,
    so the prefix is never dropped.
    """

    __slots__ = (
        "authorization",
        "base_url",
        "client_cert",
        "namespace",
        "proxy",
        "request_timeout",
        "verify",
    )

    def __init__(
        self,
        *,
        base_url: str,
        authorization: str | None,
        namespace: str,
        verify: bool | str,
        client_cert: tuple[str, str] | str | None,
        request_timeout: float,
        proxy: str | None = None,
    ) -> None:
        self.base_url = base_url
        self.authorization = authorization
        self.namespace = namespace
        self.verify = verify
        self.client_cert = client_cert
        self.request_timeout = request_timeout
        self.proxy = proxy

    def url(self, *segments: str) -> str:
        """The URL of an API path; each segment is percent-encoded on its own."""
        from urllib.parse import quote

        return self.base_url + "/" + "/".join(quote(s, safe="") for s in segments)


class Options(Record):
    """The connection options as given on the command line (None: not given)."""

    __slots__ = (
        "base_href",
        "ca_file",
        "client_cert",
        "client_key",
        "insecure_skip_verify",
        "namespace",
        "request_timeout",
        "secure",
        "server",
        "token",
        "token_file",
    )

    def __init__(
        self,
        *,
        server: str | None = None,
        token: str | None = None,
        token_file: str | None = None,
        namespace: str | None = None,
        base_href: str | None = None,
        secure: bool | None = None,
        insecure_skip_verify: bool | None = None,
        ca_file: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        request_timeout: float | None = None,
    ) -> None:
        self.server = server
        self.token = token
        self.token_file = token_file
        self.namespace = namespace
        self.base_href = base_href
        self.secure = secure
        self.insecure_skip_verify = insecure_skip_verify
        self.ca_file = ca_file
        self.client_cert = client_cert
        self.client_key = client_key
        self.request_timeout = request_timeout


def resolve_namespace(options: Options, env: Mapping[str, str]) -> str:
    """The namespace: --namespace, then ARGO_NAMESPACE, then `argo`."""
    return options.namespace or env.get("ARGO_NAMESPACE") or DEFAULT_NAMESPACE


def resolve(options: Options, env: Mapping[str, str] | None = None) -> Settings:
    """Layer flags over the environment over defaults.

    Raises ConfigError when no server is configured or a file cannot be read,
    UsageError when a value is malformed.
    """
    env = os.environ if env is None else env
    server = options.server or env.get("ARGO_SERVER")
    if not server:
        raise ConfigError(
            "no Argo Server configured: set ARGO_SERVER (host:port or URL) "
            "or pass --server"
        )

    secure = options.secure
    if secure is None:
        secure = env.get("ARGO_SECURE", "true").strip().lower() != "false"
    base_href = options.base_href
    if base_href is None:
        base_href = env.get("ARGO_BASE_HREF", "")

    # Here, not at the top: the offline commands import this module, and
    # proxies needs urllib.parse, which they can do without.
    from argo_trigger.proxies import proxy_for

    url = base_url(server, secure=secure, base_href=base_href)
    return Settings(
        base_url=url,
        authorization=authorization(_token(options, env)),
        namespace=resolve_namespace(options, env),
        verify=_verify(options, env),
        client_cert=_client_cert(options, env),
        request_timeout=_request_timeout(options, env),
        proxy=proxy_for(url, env),
    )


def base_url(server: str, *, secure: bool, base_href: str) -> str:
    """Turn `host:port` or a URL, plus a base href, into the API's base URL."""
    from urllib.parse import urlsplit

    if "://" not in server:
        server = ("https://" if secure else "http://") + server
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"--server {server!r} is not host:port or an http(s):// URL; "
            "for example argo.example.com:443 or https://argo.example.com"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"--server {server!r} must not carry a query or fragment")
    prefix = "/".join(p for p in (parts.path + "/" + base_href).split("/") if p)
    return f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")


def authorization(token: str | None) -> str | None:
    """The Authorization header for a token given with or without `Bearer `."""
    if token is None or not token.strip():
        return None
    token = token.strip()
    scheme, _, rest = token.partition(" ")
    if scheme.lower() == "bearer" and rest.strip():
        token = rest.strip()
    elif scheme.lower() == "basic" and rest.strip():
        return "Basic " + rest.strip()
    masking.register(token)
    return "Bearer " + token


def _token(options: Options, env: Mapping[str, str]) -> str | None:
    if options.token:
        masking.register(options.token)
        return options.token
    if options.token_file:
        return _read_token_file(options.token_file)
    token = env.get("ARGO_TOKEN")
    masking.register(token)
    return token


def _read_token_file(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            token = file.read().strip()
    except OSError as error:
        raise ConfigError(
            f"cannot read the token file {path}: {error.strerror}; check --token-file"
        ) from None
    masking.register(token)
    if not token:
        raise ConfigError(f"the token file {path} is empty; check --token-file")
    return token


def _verify(options: Options, env: Mapping[str, str]) -> bool | str:
    insecure = options.insecure_skip_verify
    if insecure is None:
        insecure = env.get("ARGO_INSECURE_SKIP_VERIFY", "").strip().lower() == "true"
    if insecure:
        return False
    ca_file = options.ca_file or env.get("ARGO_TRIGGER_CA_FILE")
    if ca_file:
        _readable(ca_file, "--ca-file")
        return ca_file
    return True


def _client_cert(
    options: Options, env: Mapping[str, str]
) -> tuple[str, str] | str | None:
    cert = options.client_cert or env.get("ARGO_TRIGGER_CLIENT_CERT")
    key = options.client_key or env.get("ARGO_TRIGGER_CLIENT_KEY")
    if key and not cert:
        raise UsageError("--client-key needs --client-cert")
    if not cert:
        return None
    _readable(cert, "--client-cert")
    if key:
        _readable(key, "--client-key")
        return (cert, key)
    return cert


def _request_timeout(options: Options, env: Mapping[str, str]) -> float:
    if options.request_timeout is not None:
        return options.request_timeout
    raw = env.get("ARGO_TRIGGER_REQUEST_TIMEOUT")
    if not raw:
        return DEFAULT_REQUEST_TIMEOUT
    return parse_seconds(raw, "ARGO_TRIGGER_REQUEST_TIMEOUT")


def parse_seconds(raw: str, name: str = "") -> float:
    """A positive number of seconds, optionally written with s, m or h."""
    text = raw.strip().lower()
    factor = {"s": 1, "m": 60, "h": 3600}.get(text[-1:], 0)
    number = text[:-1] if factor else text
    try:
        seconds = float(number) * (factor or 1)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        where = f"{name} " if name else ""
        raise UsageError(f"{where}{raw!r} is not a duration: use 30, 30s, 5m or 1h")
    return seconds


def _readable(path: str, flag: str) -> None:
    if not os.access(path, os.R_OK) or not os.path.isfile(path):
        raise ConfigError(f"cannot read {path} given to {flag}; check the path")

"""Which proxy, if any, stands between this job and the Argo Server.

The standard variables, read as curl and most HTTP tools read them:
`https_proxy` for an https:// server and `http_proxy` for http://, then
`all_proxy`; each in lower case first, then upper case. `no_proxy` lists
hosts reached directly: `*` for all, a name that also covers its
subdomains (`example.com`, `.example.com`), optionally with `:port`, or an
IP address or network (`10.0.0.0/8`).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from argo_trigger.errors import ConfigError


def proxy_for(url: str, env: Mapping[str, str]) -> str | None:
    """The proxy URL to send requests for `url` through, or None to go direct.

    Raises ConfigError for a proxy this tool cannot use (socks, say).
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if _bypassed(host, port, _variable(env, "no_proxy") or ""):
        return None

    proxy = _variable(env, f"{parts.scheme}_proxy") or _variable(env, "all_proxy")
    if not proxy:
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy
    scheme = proxy.split("://", 1)[0].lower()
    if scheme not in ("http", "https"):
        raise ConfigError(
            f"the proxy for {parts.scheme}:// is a {scheme}:// proxy, which "
            "argo-trigger cannot use; set HTTPS_PROXY (or HTTP_PROXY) to an "
            "http:// proxy, or add the server to NO_PROXY"
        )
    return proxy


def _variable(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name) or env.get(name.upper())
    return value.strip() if value and value.strip() else None


def _bypassed(host: str, port: int, no_proxy: str) -> bool:
    host = host.lower()
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        if "/" in entry:
            if _in_network(host, entry):
                return True
            continue
        name, _, entry_port = _split_port(entry)
        if entry_port and entry_port != str(port):
            continue
        name = name.lstrip(".")
        if host == name or host.endswith("." + name):
            return True
    return False


def _split_port(entry: str) -> tuple[str, str, str]:
    """`host:port` into its parts; a bare IPv6 address has no port."""
    if entry.startswith("["):
        address, _, rest = entry[1:].partition("]")
        return address, ":", rest.removeprefix(":")
    if entry.count(":") == 1:
        return entry.partition(":")
    return entry, "", ""


def _in_network(host: str, network: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False

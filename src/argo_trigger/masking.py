"""Keep secrets out of every line argo-trigger writes.

Secrets are registered once, when configuration is read; every log record,
error message and dry-run printout passes through `mask` before it is written.
"""

from __future__ import annotations

MASK = "***"

_secrets: set[str] = set()


def register(secret: str | None) -> None:
    """Remember a secret so that `mask` hides it from now on.

    A bearer token is registered with and without its `Bearer ` prefix. Very
    short values are ignored: masking every "a" would make output unreadable.
    """
    if not secret:
        return
    value = secret.strip()
    for candidate in (value, value.removeprefix("Bearer ").strip()):
        if len(candidate) >= 4:
            _secrets.add(candidate)


def mask(text: str) -> str:
    """Return `text` with every registered secret replaced by `***`."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def forget_all() -> None:
    """Forget every registered secret (for a fresh run in the same process)."""
    _secrets.clear()

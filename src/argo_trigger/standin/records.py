"""What the stand-in remembers: requests, events and scripted answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the server received it, and the status it answered."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass(frozen=True)
class RecordedEvent:
    """An event accepted on /api/v1/events (authenticated and authorised)."""

    namespace: str
    discriminator: str
    headers: dict[str, list[str]]
    payload: Any


@dataclass
class Injection:
    """A scripted answer for the next `remaining` requests to a path."""

    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any] | None
    headers: dict[str, str]
    remaining: int
    delay: float

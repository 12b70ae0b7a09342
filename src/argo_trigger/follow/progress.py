"""What a waiting job shows while workflows run, on stderr.

In a CI log (not a terminal) every change is one line: the workflow, its
phase, steps done of all steps, time elapsed and the steps running now. On a
terminal the same text is one live line, redrawn in place. Log lines of the
workflows' pods go through the same console, so the two never interleave
inside a line.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, TextIO

from argo_trigger.masking import mask
from argo_trigger.report import format_duration

# Node types that are a unit of work of their own, rather than a group.
WORK_TYPES = frozenset({"Pod", "Container", "HTTP", "Plugin", "Suspend", "Skipped"})
DONE_PHASES = frozenset({"Succeeded", "Failed", "Error", "Skipped", "Omitted"})


class Console:
    """Writes lines to one stream from several threads; keeps a live line."""

    def __init__(self, stream: TextIO, *, live: bool) -> None:
        self.stream = stream
        self.live = live
        self._lock = threading.Lock()
        self._status = ""

    def line(self, text: str) -> None:
        """Write a whole line, above the live line when there is one."""
        with self._lock:
            if self.live and self._status:
                self.stream.write("\r\x1b[2K")
            self.stream.write(mask(text) + "\n")
            if self.live and self._status:
                self.stream.write(self._status)
            self.stream.flush()

    def status(self, text: str) -> None:
        """Show a status: redraw the live line, or write a line in a CI log."""
        if not self.live:
            self.line(text)
            return
        with self._lock:
            self._status = mask(text)
            self.stream.write("\r\x1b[2K" + self._status)
            self.stream.flush()

    def end(self) -> None:
        """Leave the live line as the last line written."""
        with self._lock:
            if self.live and self._status:
                self.stream.write("\n")
                self.stream.flush()
            self._status = ""


@dataclass(frozen=True)
class Snapshot:
    """The parts of a workflow's state that progress reports."""

    name: str
    phase: str
    done: int
    total: int
    running: tuple[str, ...]
    elapsed: float | None

    def key(self) -> tuple[Any, ...]:
        """What must change for a new line to be written (not the clock)."""
        return (self.phase, self.done, self.total, self.running)

    def text(self) -> str:
        """`NAME PHASE, D/T steps done, 1m05s elapsed, running: a, b`."""
        parts = [f"{self.name} {self.phase}"]
        if self.total:
            parts.append(f"{self.done}/{self.total} steps done")
        if self.elapsed is not None:
            parts.append(f"{format_duration(self.elapsed)} elapsed")
        if self.running:
            parts.append("running: " + ", ".join(self.running))
        return ", ".join(parts)


def snapshot(workflow: dict[str, Any], now: datetime | None = None) -> Snapshot:
    """The progress of a workflow as the server last sent it."""
    metadata = workflow.get("metadata") or {}
    status = workflow.get("status") or {}
    nodes = [n for n in (status.get("nodes") or {}).values() if isinstance(n, dict)]
    work = [n for n in nodes if n.get("type") in WORK_TYPES]
    running = tuple(
        sorted(
            str(n.get("displayName") or n.get("name") or "")
            for n in work
            if n.get("phase") == "Running"
        )
    )
    return Snapshot(
        name=str(metadata.get("name", "")),
        phase=str(status.get("phase") or "Pending"),
        done=sum(1 for n in work if n.get("phase") in DONE_PHASES),
        total=len(work),
        running=running,
        elapsed=elapsed(status, now),
    )


def elapsed(status: dict[str, Any], now: datetime | None = None) -> float | None:
    """Seconds from startedAt to finishedAt, or to now while running."""
    started = parse_time(status.get("startedAt"))
    if started is None:
        return None
    finished = parse_time(status.get("finishedAt"))
    end = finished or now or datetime.now(timezone.utc)
    return max((end - started).total_seconds(), 0.0)


def parse_time(value: Any) -> datetime | None:
    """A Kubernetes timestamp (RFC 3339) as an aware datetime, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


class Progress:
    """Reports each workflow change once, through a Console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._last: dict[str, tuple[Any, ...]] = {}

    def update(self, workflow: dict[str, Any]) -> None:
        """Show the workflow's state if phase, step counts or steps changed."""
        shown = snapshot(workflow)
        if self._last.get(shown.name) == shown.key():
            return
        self._last[shown.name] = shown.key()
        self.console.status(shown.text())

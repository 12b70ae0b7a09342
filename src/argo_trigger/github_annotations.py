"""GitHub Actions workflow commands: error and warning annotations.

The runner reads a line `::error title=...::message` on stdout or stderr and
shows it on the run's summary page. Messages and property values are escaped
as the runner unescapes them, so a multi-line message stays one command and a
`%` in it survives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from argo_trigger.masking import mask

TITLE = "argo-trigger"


def in_github_actions(env: Mapping[str, str]) -> bool:
    """True when the process runs as a GitHub Actions step."""
    return env.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """Escape a command's message: `%`, carriage return and line feed."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value, which also ends at `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, *, title: str = TITLE) -> str:
    """One workflow command line, `::NAME title=TITLE::MESSAGE`, secrets masked."""
    return f"::{name} title={escape_property(title)}::{escape_data(mask(message))}\n"


def error(stream: TextIO, message: str, *, title: str = TITLE) -> None:
    """Write an `::error` annotation to `stream`."""
    stream.write(command("error", message, title=title))

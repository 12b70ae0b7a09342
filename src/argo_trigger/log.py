"""The package logger, and how the command line sets it up.

Library code only ever calls `logger.info(...)` and friends; it never
configures logging. The command line calls `configure` once.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from argo_trigger.masking import mask

logger = logging.getLogger("argo_trigger")


def configure(verbosity: int, stream: TextIO | None = None) -> None:
    """Send the package's log to `stream` (stderr): warnings, -v info, -vv debug."""
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("argo-trigger: %(message)s"))
    handler.addFilter(MaskingFilter())
    for old in list(logger.handlers):
        logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


class MaskingFilter(logging.Filter):
    """A logging filter that masks secrets in the fully formatted message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True

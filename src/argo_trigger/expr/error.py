"""The one error the expression engine raises, with expr's way of placing it."""

from __future__ import annotations

from argo_trigger.errors import ArgoTriggerError


class ExprError(ArgoTriggerError):
    """An expression failed to compile or to run.

    `message` is expr's own wording, `line` and `column` the 1-based position
    in the source when one is known. `str()` gives `message (line:column)`,
    the way expr prints the first line of its errors.
    """

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self._format())

    def _format(self) -> str:
        if self.line is None or self.column is None:
            return self.message
        return f"{self.message} ({self.line}:{self.column})"

    def __str__(self) -> str:
        return self._format()


class Fault(Exception):
    """A runtime failure not yet tied to a place in the source."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def position(source: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset, as expr counts."""
    line = 1
    column = 0
    for char in source[:offset]:
        if char == "\n":
            line += 1
            column = 0
        else:
            column += 1
    return line, column + 1


def located(message: str, source: str, offset: int) -> ExprError:
    """An ExprError placed at `offset` of `source`.

    expr leaves the position out when the offending line is empty.
    """
    line, column = position(source, offset)
    line_start = source.rfind("\n", 0, offset) + 1
    line_end = source.find("\n", line_start)
    if line_end < 0:
        line_end = len(source)
    if line_start == line_end:
        return ExprError(message)
    return ExprError(message, line, column)

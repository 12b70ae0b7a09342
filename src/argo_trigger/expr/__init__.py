"""Argo's expression language (expr-lang/expr v1.17) for WorkflowEventBindings.

    prog = compile_expr('payload.type == "push"', ["payload", "metadata"])
    prog.run({"payload": {...}, "metadata": {...}})   # -> True
    to_param_string(value)                           # Argo's parameter string

Only `ExprError` ever comes out of compiling or running, whatever the input.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import lru_cache
from typing import Any

from argo_trigger.expr.checker import check
from argo_trigger.expr.error import ExprError, Fault, located
from argo_trigger.expr.evaluate import ChainBreak, Compiler, Frame
from argo_trigger.expr.gojson import to_param_string
from argo_trigger.expr.parser import parse
from argo_trigger.expr.sprig import EXTENDED

__all__ = ["ExprError", "Program", "compile_expr", "prepare_env", "to_param_string"]

MAX_ENV_DEPTH = 10_000


class PreparedEnv(dict[str, Any]):
    """An environment already converted to the engine's Go-like values."""


class Program:
    """A compiled expression: immutable, reusable, safe to share."""

    __slots__ = ("_code", "_extended", "_slots", "source")

    def __init__(
        self,
        source: str,
        code: Callable[[Frame], Any],
        slots: int,
        extended: bool,
    ) -> None:
        self.source = source
        self._code = code
        self._slots = slots
        self._extended = extended

    def __repr__(self) -> str:
        return f"Program({self.source!r})"

    def run(self, env: Mapping[str, Any]) -> Any:
        """Evaluate against `env`; raises ExprError on any failure.

        JSON numbers in `env` are treated as float64, as Argo unmarshals them;
        pass the result of `prepare_env` to skip that conversion on reuse.
        """
        values = env if isinstance(env, PreparedEnv) else prepare_env(env)
        if self._extended:
            values = PreparedEnv({**values, **EXTENDED})
        frame = Frame(values, self._slots)
        try:
            return self._code(frame)
        except ExprError:
            raise
        except ChainBreak:
            return None
        except Fault as fault:
            raise ExprError(fault.message) from None
        except RecursionError:
            raise ExprError("recursion depth exceeded") from None
        except MemoryError:
            raise ExprError("memory budget exceeded") from None
        except (ArithmeticError, ValueError, TypeError, IndexError) as error:
            raise ExprError(f"runtime error: {error}") from None


def prepare_env(env: Mapping[str, Any]) -> PreparedEnv:
    """Convert an environment once: ints become float64, tuples lists.

    Raises ExprError for values that JSON cannot hold.
    """
    if not isinstance(env, Mapping):
        raise ExprError(f"environment must be a mapping, not {type(env).__name__}")
    try:
        return PreparedEnv({str(k): to_go(value, 0) for k, value in env.items()})
    except RecursionError:
        raise ExprError("environment is nested too deeply") from None


def to_go(value: Any, depth: int) -> Any:  # noqa: PLR0911 (one return per JSON kind)
    kind = type(value)
    if value is None or kind is str or kind is bool:
        return value
    if kind is float:
        return value
    if kind is int:
        return float(value)
    if depth > MAX_ENV_DEPTH:
        raise ExprError("environment is nested too deeply")
    if kind is dict or isinstance(value, Mapping):
        return {str(k): to_go(item, depth + 1) for k, item in value.items()}
    if kind is list or kind is tuple:
        return [to_go(item, depth + 1) for item in value]
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        return str(value)
    raise ExprError(f"unsupported value of type {kind.__name__} in the environment")


def compile_expr(
    source: str, names: Collection[str], *, extended: bool = False
) -> Program:
    """Parse and check `source` for an environment holding `names`.

    `extended` adds the metadata helpers (`sprig`, `asInt`, `asFloat`,
    `jsonpath`, `toJson`). Raises ExprError for syntax errors and unknown
    names, with expr's messages and positions. Results are cached.
    """
    if not isinstance(source, str):
        raise ExprError(f"expression must be a string, not {type(source).__name__}")
    key = frozenset(str(name) for name in names)
    return _compile_cached(source, key, extended)


@lru_cache(maxsize=1024)
def _compile_cached(source: str, names: frozenset[str], extended: bool) -> Program:
    scope = names | frozenset(EXTENDED) if extended else names
    try:
        tree = parse(source, scope)
        check(tree, source, scope)
        compiler = Compiler(source)
        code = compiler.compile(tree)
    except ExprError:
        raise
    except Fault as fault:
        raise located(fault.message, source, 0) from None
    except RecursionError:
        raise ExprError("expression is nested too deeply") from None
    except MemoryError:
        raise ExprError("expression is too large") from None
    return Program(source, code, compiler.slot_count, extended)

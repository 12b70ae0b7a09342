"""Whatever the input, compiling and running raise ExprError and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argo_trigger.expr import ExprError, compile_expr, to_param_string

NAMES = ("payload", "discriminator", "namespace", "metadata")
ENV: dict[str, Any] = {
    "payload": {"n": 4, "s": "abc", "l": [1, "x", None], "m": {"k": [True]}},
    "discriminator": "d",
    "namespace": "argo",
    "metadata": {"x-a": ["1"]},
}
ATOMS = st.sampled_from(
    [
        "payload",
        "payload.n",
        "payload.s",
        "payload.l",
        "payload.m",
        "payload.x",
        "payload.m.k",
        "metadata",
        "namespace",
        "nil",
        "true",
        "1",
        "-2",
        "2.5",
        "1e309",
        "9223372036854775807",
        '"s"',
        "'\\u00e9'",
        "[]",
        "{}",
        "#",
        "#index",
        "#acc",
        ".n",
        "$env",
        "[1, 2]",
        '{"a": 1}',
        "0x10",
        "1..3",
    ]
)
BINARY = st.sampled_from(
    [
        *("+", "-", "*", "/", "%", "**", "^", "==", "!=", "<", ">", "<=", ">="),
        *("&&", "||", "and", "or", "in", "not in", "??", "..", "matches"),
        *("contains", "startsWith", "endsWith", "not matches"),
    ]
)
CALLS = st.sampled_from(
    [
        "len",
        "type",
        "abs",
        "int",
        "float",
        "string",
        "upper",
        "lower",
        "trim",
        "split",
        "join",
        "keys",
        "values",
        "first",
        "last",
        "uniq",
        "concat",
        "flatten",
        "toJSON",
        "fromJSON",
        "toBase64",
        "fromBase64",
        "max",
        "min",
        "mean",
        "median",
        "round",
        "ceil",
        "floor",
        "sum",
        "count",
        "all",
        "any",
        "none",
        "one",
        "filter",
        "map",
        "find",
        "findIndex",
        "groupBy",
        "sortBy",
        "reduce",
        "repeat",
        "replace",
        "indexOf",
        "hasPrefix",
    ]
)


def expressions() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.tuples(inner, BINARY, inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(CALLS, st.lists(inner, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.tuples(CALLS, inner, inner).map(lambda t: f"{t[0]}({t[1]}, {{{t[2]}}})"),
            inner.map(lambda s: f"!{s}"),
            inner.map(lambda s: f"-{s}"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}?.[{t[1]}]"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}:]"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} ? {t[1]} : {t[2]})"),
            st.tuples(inner, inner).map(lambda t: f"let v = {t[0]}; {t[1]}"),
            inner.map(lambda s: f"{s}?.k"),
        )

    return st.recursive(ATOMS, extend, max_leaves=12)


def outcome(source: str) -> None:
    try:
        value = compile_expr(source, NAMES).run(ENV)
        to_param_string(value)
    except ExprError as error:
        assert str(error)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(expressions())
def test_random_expressions_fail_only_with_expr_error(source: str) -> None:
    outcome(source)


@settings(max_examples=400)
@given(
    st.text(
        alphabet=st.sampled_from(list("()[]{}.?:#!&|=<>+-*/%^'\"`\\ab1 ,;$\n"))
        | st.characters(),
        max_size=40,
    )
)
def test_random_text_fails_only_with_expr_error(source: str) -> None:
    outcome(source)


@pytest.mark.parametrize(
    "source", ["(" * 5000 + "1" + ")" * 5000, "-" * 5000 + "1", "[" * 3000]
)
def test_deep_nesting_is_an_expr_error(source: str) -> None:
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr(source, NAMES)


def test_huge_ranges_hit_the_memory_budget() -> None:
    program = compile_expr("len(1..100000000)", NAMES)

    with pytest.raises(ExprError, match="memory budget exceeded"):
        program.run(ENV)

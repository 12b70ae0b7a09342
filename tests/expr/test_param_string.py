"""How results become parameter strings, errors read, and metadata helpers work."""

from __future__ import annotations

from typing import Any

import pytest

from argo_trigger.expr import ExprError, compile_expr, to_param_string

NAMES = ("payload", "discriminator", "namespace", "metadata")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ('say "hi"', 'say \\"hi\\"'),
        ("a\nb", "a\\nb"),
        ("tab\there", "tab\\there"),
        ("<a href='x'>&</a>", "<a href='x'>&</a>"),
        ("back\\slash", "back\\\\slash"),
        ("\u2028", "\\u2028"),
        ("\x01", "\\u0001"),
        ("", ""),
        (112.0, "112"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (1.5e-10, "1.5e-10"),
        (-2.5, "-2.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (123456789.0, "123456789"),
        (-0.0, "-0"),
        (7, "7"),
        (True, "true"),
        (False, "false"),
        (None, "null"),
        ([1, "a", None], '[1,"a",null]'),
        ({"b": 1.0, "a": [True]}, '{"a":[true],"b":1}'),
        ({"k": "<v>"}, '{"k":"<v>"}'),
        ({"k": 'q"'}, '{"k":"q\\""}'),
    ],
)
def test_param_string_is_go_json_with_outer_quotes_removed(
    value: Any, expected: str
) -> None:
    assert to_param_string(value) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), [float("-inf")]])
def test_param_string_refuses_what_go_json_cannot_marshal(value: Any) -> None:
    with pytest.raises(ExprError, match="json: unsupported value"):
        to_param_string(value)


def test_unknown_name_is_reported_at_compile_time_with_its_position() -> None:
    with pytest.raises(ExprError) as caught:
        compile_expr('payload.a == "x" && foo', NAMES)

    assert str(caught.value) == "unknown name foo (1:21)"
    assert (caught.value.line, caught.value.column) == (1, 21)


def test_runtime_error_has_the_position_of_the_failing_member() -> None:
    program = compile_expr("payload.x.y", NAMES)

    with pytest.raises(ExprError) as caught:
        program.run({"payload": {}})

    assert str(caught.value) == "cannot fetch y from <nil> (1:11)"


def test_position_counts_lines_and_columns() -> None:
    with pytest.raises(ExprError) as caught:
        compile_expr("true &&\n  missing", NAMES)

    assert (caught.value.line, caught.value.column) == (2, 3)


def test_compiled_programs_are_cached_and_reusable() -> None:
    first = compile_expr("payload.n + 1", NAMES)
    second = compile_expr("payload.n + 1", list(reversed(NAMES)))

    assert first is second
    assert first.source == "payload.n + 1"
    assert first.run({"payload": {"n": 1}}) == 2.0
    assert first.run({"payload": {"n": 2}}) == 3.0


def test_ints_in_the_environment_are_float64() -> None:
    program = compile_expr("payload.n % 2", NAMES)

    with pytest.raises(ExprError, match=r"invalid operation: float64 % int"):
        program.run({"payload": {"n": 4}})


def test_metadata_helpers_are_only_in_the_extended_environment() -> None:
    with pytest.raises(ExprError, match="unknown name sprig"):
        compile_expr("sprig.upper(payload.s)", NAMES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("sprig.trunc(5, payload.s)", "hello"),
        ("sprig.trunc(-3, payload.s)", "rld"),
        ("sprig.upper(payload.s)", "HELLO WORLD"),
        ("sprig.lower('ABC')", "abc"),
        ("sprig.replace(' ', '-', payload.s)", "hello-world"),
        ("sprig.trim('  x ')", "x"),
        ("sprig.trimPrefix('hello ', payload.s)", "world"),
        ("sprig.trimSuffix(' world', payload.s)", "hello"),
        ("sprig.default('dflt', payload.missing)", "dflt"),
        ("sprig.default('dflt', payload.s)", "hello world"),
        ("sprig.substr(0, 4, payload.s)", "hell"),
        (
            "sprig.sha256sum('abc')",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        ("sprig.regexReplaceAll('o+', payload.s, '0')", "hell0 w0rld"),
        ("sprig.regexReplaceAll('(l+)', 'hello', '<$1>')", "he<ll>o"),
        ("sprig.contains('wor', payload.s) ? 'y' : 'n'", "y"),
        ("sprig.hasPrefix('hel', payload.s) ? 'y' : 'n'", "y"),
        ("sprig.quote(payload.s)", '"hello world"'),
        ("sprig.toString(payload.n)", "3"),
        ("sprig.kebabcase('MyBranchName')", "my-branch-name"),
        ("sprig.snakecase('MyBranchName')", "my_branch_name"),
        ("string(asInt('42') + 1)", "43"),
        ("string(asFloat('2.5'))", "2.5"),
        ("toJson(payload.obj)", '{"a":[1,2]}'),
        ("jsonpath(toJson(payload.obj), '$.a[1]') == 2 ? 'two' : 'no'", "two"),
        ("string(jsonpath('{\"a\":{\"b\":[1,2]}}', '$.a.b[*]'))", "[1 2]"),
        ("'wf-' + payload.s[0:5]", "wf-hello"),
    ],
)
def test_extended_environment_functions(source: str, expected: str) -> None:
    env = {"payload": {"s": "hello world", "n": 3, "obj": {"a": [1, 2]}}}

    assert compile_expr(source, NAMES, extended=True).run(env) == expected


def test_sprig_refuses_a_float64_where_go_wants_an_int() -> None:
    program = compile_expr("sprig.trunc(payload.n, 'abc')", NAMES, extended=True)

    with pytest.raises(ExprError, match="using float64 as type int"):
        program.run({"payload": {"n": 2}})


@pytest.mark.parametrize(
    "pattern",
    ["(?=a)", "(?!a)", "(?<=a)", "(a)\\\\1", "a*+", "a\\\\Z", "\\\\pL", "a{1001}"],
)
def test_regex_features_re2_lacks_are_errors_not_different_answers(
    pattern: str,
) -> None:
    program = compile_expr(f'payload.s matches "{pattern}"', NAMES)

    with pytest.raises(ExprError, match="error parsing regexp"):
        program.run({"payload": {"s": "aaa"}})


def test_dollar_is_end_of_text_as_in_re2() -> None:
    program = compile_expr('payload.s matches "a$"', NAMES)

    assert program.run({"payload": {"s": "a\n"}}) is False
    assert program.run({"payload": {"s": "ba"}}) is True

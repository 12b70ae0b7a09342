"""Warnings about bindings that fail on some events or do not do what they seem."""

from __future__ import annotations

from argo_trigger.bindings import lint
from tests.bindings.helpers import binding, event_argument, template


def test_a_clean_binding_has_no_warnings() -> None:
    bound = binding(
        'payload.type == "pull_request" && payload.pull_request.number > 0',
        arguments=[event_argument("sha", "payload.git.sha")],
        metadata={"labels": {"id": "payload.id"}},
    )
    found = template(arguments={"parameters": [{"name": "sha"}]})

    assert lint(bound, found) == []


def test_a_comparison_on_a_nullable_leaf_is_warned() -> None:
    bound = binding("payload.pull_request.number > 0")

    assert lint(bound, template()) == [
        "selector: payload.pull_request.number is null on some events and '>' "
        "fails on null, so the server answers 500 for the whole event; guard it "
        '(payload.type == "..." && ...) or write '
        "(payload.pull_request.number ?? DEFAULT)"
    ]


def test_a_string_function_on_a_nullable_leaf_is_warned() -> None:
    warnings = lint(binding('hasPrefix(payload.git.tag, "v")'), template())

    assert len(warnings) == 1
    assert warnings[0].startswith(
        "selector: payload.git.tag is null on some events and hasPrefix() fails"
    )


def test_equality_and_coalescing_on_nullable_leaves_are_fine() -> None:
    selector = 'payload.git.tag == "v1" || (payload.pull_request.number ?? 0) > 3'

    assert lint(binding(selector), template()) == []


def test_a_plain_value_argument_is_warned_with_its_rewrite() -> None:
    bound = binding(arguments=[{"name": "env", "value": "prod"}])
    found = template(arguments={"parameters": [{"name": "env"}]})

    assert lint(bound, found) == [
        'argument "env" has a plain value: the server rejects it (valueFrom is '
        "nil); write valueFrom.event: '\"prod\"'"
    ]


def test_undeclared_and_unsupplied_parameters_are_warned() -> None:
    bound = binding(arguments=[event_argument("sah", "payload.git.sha")])
    found = template(
        arguments={"parameters": [{"name": "sha"}, {"name": "env", "value": "dev"}]}
    )

    assert lint(bound, found) == [
        'argument "sah" is not declared in the spec.arguments.parameters of '
        "WorkflowTemplate build: the workflow gets it all the same; check the "
        "spelling",
        'WorkflowTemplate build needs parameter "sha" (it has no default) and the '
        "binding does not supply it: the workflow will fail validation",
    ]


def test_a_missing_template_is_warned_with_the_reason_given() -> None:
    assert lint(binding(), None, "WorkflowTemplate build is gone") == [
        "WorkflowTemplate build is gone"
    ]


def test_an_argument_from_an_often_null_leaf_is_warned() -> None:
    bound = binding(arguments=[event_argument("tag", "payload.git.tag")])
    found = template(arguments={"parameters": [{"name": "tag"}]})

    assert lint(bound, found) == [
        'argument "tag": payload.git.tag can be null, and the workflow then gets '
        'the string "null"; write (payload.git.tag ?? "") or guard the selector'
    ]


def test_metadata_that_cannot_give_a_string_is_warned() -> None:
    metadata = {
        "labels": {"pr": "payload.pull_request.number", "ok": "payload.id"},
        "annotations": {"tag": "payload.git.tag"},
    }

    assert lint(binding(metadata=metadata), template()) == [
        'metadata label "pr" gives a number or null, not a string: the server '
        "fails the binding (must evaluate to a string); write "
        "string(payload.pull_request.number)",
        'metadata annotation "tag" can be null, and the server then fails the '
        'binding (must evaluate to a string); write (payload.git.tag ?? "")',
    ]


def test_an_expression_that_does_not_compile_is_warned() -> None:
    bound = binding(arguments=[event_argument("x", "payload.(")])
    found = template(arguments={"parameters": [{"name": "x"}]})

    warnings = lint(bound, found)

    assert len(warnings) == 1
    assert warnings[0].startswith('argument "x": valueFrom.event does not compile: ')

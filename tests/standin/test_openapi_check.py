"""The OpenAPI checker itself: it passes good requests and catches bad ones."""

from __future__ import annotations

from typing import Any

import pytest

from tests.openapi_check import check_request, check_response

GOOD_WORKFLOW = {
    "metadata": {"generateName": "hello-"},
    "spec": {
        "entrypoint": "main",
        "templates": [{"name": "main", "container": {"image": "busybox"}}],
    },
}


@pytest.mark.parametrize(
    ("method", "path", "query", "body"),
    [
        ("GET", "/api/v1/version", {}, None),
        ("POST", "/api/v1/events/argo/ci", {}, {"any": ["json", 1]}),
        ("POST", "/api/v1/events/argo/", {}, {"empty": "discriminator"}),
        ("POST", "/api/v1/workflows/argo", {}, {"workflow": GOOD_WORKFLOW}),
        (
            "POST",
            "/api/v1/workflows/argo/submit",
            {},
            {
                "resourceKind": "WorkflowTemplate",
                "resourceName": "build",
                "submitOptions": {"parameters": ["a=b"], "labels": "x=y"},
            },
        ),
        (
            "GET",
            "/api/v1/workflows/argo",
            {"listOptions.labelSelector": ["a=b"], "listOptions.limit": "10"},
            None,
        ),
        ("GET", "/api/v1/workflows/argo/wf-1", {"fields": "metadata.name"}, None),
        ("PUT", "/api/v1/workflows/argo/wf-1/stop", {}, b"{}"),
    ],
)
def test_conforming_requests_pass(
    spec: dict[str, Any], method: str, path: str, query: Any, body: Any
) -> None:
    assert check_request(spec, method, path, query, body) == []


@pytest.mark.parametrize(
    ("request_", "problem"),
    [
        (("GET", "/api/v1/workflow/argo", {}, None), "no operation"),
        (("DELETE", "/api/v1/version", {}, None), "not for this method"),
        (("GET", "/api/v1/workflows/argo", {"labelSelector": "a=b"}, None), "unknown"),
        (
            ("GET", "/api/v1/workflows/argo", {"listOptions.limit": "ten"}, None),
            "integer",
        ),
        (("GET", "/api/v1/workflows/argo/", {}, None), "is empty"),
        (("GET", "/api/v1/version", {}, {"x": 1}), "takes no body"),
        (("POST", "/api/v1/events/argo/ci", {}, b"{not json"), "not JSON"),
        (("POST", "/api/v1/workflows/argo", {}, [GOOD_WORKFLOW]), "not of type"),
        (
            (
                "POST",
                "/api/v1/workflows/argo",
                {},
                {"workflow": GOOD_WORKFLOW, "serverDryRun": "true"},
            ),
            "serverDryRun",
        ),
        (
            (
                "POST",
                "/api/v1/workflows/argo/submit",
                {},
                {
                    "resourceKind": "WorkflowTemplate",
                    "submitOptions": {"parameters": "a=b"},
                },
            ),
            "parameters",
        ),
        (
            (
                "POST",
                "/api/v1/workflows/argo/submit",
                {},
                {"resourceKind": "WorkflowTemplate", "submitOption": {}},
            ),
            "submitOption",
        ),
        (
            (
                "POST",
                "/api/v1/workflows/argo",
                {},
                {"workflow": {"metadata": {"labels": {"a": 1}}, "spec": {}}},
            ),
            "labels.a",
        ),
    ],
)
def test_bad_requests_are_caught(
    spec: dict[str, Any], request_: tuple[str, str, Any, Any], problem: str
) -> None:
    problems = check_request(spec, *request_)

    assert problems
    assert any(problem in text for text in problems)


def test_unknown_fields_pass_when_not_strict(spec: dict[str, Any]) -> None:
    body = {"workflow": GOOD_WORKFLOW, "serverDryRunn": True}

    assert (
        check_request(spec, "POST", "/api/v1/workflows/argo", {}, body, strict=False)
        == []
    )
    assert check_request(spec, "POST", "/api/v1/workflows/argo", {}, body) != []


def test_the_literal_submit_path_wins_over_a_workflow_name(
    spec: dict[str, Any],
) -> None:
    body = {"resourceKind": "WorkflowTemplate", "resourceName": "x"}

    assert check_request(spec, "POST", "/api/v1/workflows/argo/submit", {}, body) == []


def test_a_response_missing_required_fields_is_caught(spec: dict[str, Any]) -> None:
    problems = check_response(spec, "GET", "/api/v1/version", 200, {"version": "v1"})

    assert any("buildDate" in text for text in problems)


def test_an_error_response_is_checked_against_the_default(spec: dict[str, Any]) -> None:
    good = {"code": 5, "message": "not found"}
    bad = {"code": "five", "message": "not found"}

    assert check_response(spec, "GET", "/api/v1/workflows/argo/x", 404, good) == []
    assert check_response(spec, "GET", "/api/v1/workflows/argo/x", 404, bad) != []


def test_null_passes_for_an_empty_list_in_a_response(spec: dict[str, Any]) -> None:
    body: dict[str, Any] = {"metadata": {}, "items": None}

    assert check_response(spec, "GET", "/api/v1/workflows/argo", 200, body) == []

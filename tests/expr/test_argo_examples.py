"""Argo's own example bindings, evaluated as the Argo Server evaluates them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from argo_trigger.expr import compile_expr, to_param_string

FIXTURES = Path(__file__).parent.parent / "fixtures" / "argo"
NAMES = ("payload", "discriminator", "namespace", "metadata")


def binding(name: str) -> dict[str, Any]:
    text = (FIXTURES / f"{name}-workfloweventbinding.yaml").read_text()
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


@pytest.fixture
def webhook_env() -> dict[str, Any]:
    payload = json.loads((FIXTURES / "github-webhook-payload.json").read_text())
    return {
        "payload": payload,
        "discriminator": "github-path-filter",
        "namespace": "argo",
        "metadata": {"x-github-event": ["push"]},
    }


def selector_of(name: str) -> str:
    selector: str = binding(name)["spec"]["event"]["selector"]
    return selector


def parameter_of(name: str, index: int = 0) -> str:
    spec = binding(name)["spec"]["submit"]["arguments"]["parameters"][index]
    source: str = spec["valueFrom"]["event"]
    return source


def test_path_filter_does_not_match_the_recorded_push(
    webhook_env: dict[str, Any],
) -> None:
    program = compile_expr(selector_of("github-path-filter"), NAMES)

    assert program.run(webhook_env) is False


def test_path_filter_matches_once_a_commit_adds_a_file_under_subpath_a(
    webhook_env: dict[str, Any],
) -> None:
    env = copy.deepcopy(webhook_env)
    env["payload"]["commits"][0]["added"].append("subpath/A/new.txt")
    program = compile_expr(selector_of("github-path-filter"), NAMES)

    assert program.run(env) is True


def test_path_filter_needs_the_push_event_header(
    webhook_env: dict[str, Any],
) -> None:
    env = copy.deepcopy(webhook_env)
    env["payload"]["commits"][0]["modified"].append("subpath/B/x")
    env["metadata"] = {"x-github-event": ["pull_request"]}
    program = compile_expr(selector_of("github-path-filter"), NAMES)

    assert program.run(env) is False


def test_path_filter_parameter_lists_every_file_as_json(
    webhook_env: dict[str, Any],
) -> None:
    program = compile_expr(parameter_of("github-path-filter"), NAMES)

    value = to_param_string(program.run(webhook_env))

    assert value == '[".github/no-response.yml"]'


def test_event_consumer_selects_a_payload_with_an_appellation() -> None:
    selector = compile_expr(selector_of("event-consumer"), NAMES)
    parameter = compile_expr(parameter_of("event-consumer"), NAMES)
    env = {
        "payload": {"appellation": 'Mr "Quote" <Q>'},
        "discriminator": "",
        "namespace": "argo",
        "metadata": {},
    }

    assert selector.run(env) is True
    assert to_param_string(parameter.run(env)) == 'Mr \\"Quote\\" <Q>'


def test_event_consumer_selector_is_true_for_a_payload_without_the_key() -> None:
    selector = compile_expr(selector_of("event-consumer"), NAMES)
    parameter = compile_expr(parameter_of("event-consumer"), NAMES)
    env = {"payload": {}, "discriminator": "", "namespace": "argo", "metadata": {}}

    assert selector.run(env) is True
    assert to_param_string(parameter.run(env)) == "null"


def test_event_consumer_number_parameter_is_a_float64_string() -> None:
    parameter = compile_expr(parameter_of("event-consumer"), NAMES)
    env = {"payload": {"appellation": 112}, "namespace": "argo", "metadata": {}}

    assert to_param_string(parameter.run(env | {"discriminator": ""})) == "112"

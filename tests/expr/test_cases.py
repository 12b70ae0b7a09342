"""The engine against a table of results taken from expr-lang/expr v1.17.8."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from argo_trigger.expr import ExprError, compile_expr
from argo_trigger.expr.error import Fault
from argo_trigger.expr.gojson import marshal

TABLE = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text())
ENV: dict[str, Any] = TABLE["env"]
NAMES = list(ENV)


def outcome(source: str) -> tuple[str, str]:
    """("json", marshalled result) or ("error", message) for one expression."""
    try:
        value = compile_expr(source, NAMES).run(ENV)
    except ExprError as error:
        return "error", error.message
    try:
        return "json", marshal(value)
    except Fault as fault:
        return "error", "marshal: " + fault.message


def test_the_table_is_large_enough() -> None:
    assert len(TABLE["cases"]) >= 300


@pytest.mark.parametrize(
    "case", TABLE["cases"], ids=[case["expr"] for case in TABLE["cases"]]
)
def test_case_matches_expr(case: dict[str, str]) -> None:
    kind, text = outcome(case["expr"])

    if "json" in case:
        assert (kind, text) == ("json", case["json"])
    else:
        assert kind == "error"
        assert case["error"] in text

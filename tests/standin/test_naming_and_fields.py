"""Selectors, names and field trimming, as plain functions."""

from __future__ import annotations

import pytest

from argo_trigger.standin import ApiError
from argo_trigger.standin.fields import trim
from argo_trigger.standin.names import (
    ARGO_ALPHABET,
    dns_friendly,
    generated_name,
    parse_key_values,
    parse_selector,
    random_suffix,
)

LABELS = {"app": "web", "tier": "front", "build": "12"}


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        ("", True),
        ("app=web", True),
        ("app==web", True),
        ("app=api", False),
        ("app!=api", True),
        ("missing!=x", True),
        ("app in (api, web)", True),
        ("app notin (web)", False),
        ("missing notin (web)", True),
        ("tier", True),
        ("!tier", False),
        ("!missing", True),
        ("build>11", True),
        ("build<12", False),
        ("app=web,tier=back", False),
        ("workflows.argoproj.io/phase", False),
        ("app=", False),
    ],
)
def test_label_selectors_follow_kubernetes(selector: str, selected: bool) -> None:
    assert parse_selector(selector).matches(LABELS) is selected


@pytest.mark.parametrize("selector", ["a in b", "a in (b", "=b", "a==", "a>b", "a b"])
def test_malformed_selectors_are_bad_requests(selector: str) -> None:
    if selector == "a==":
        assert parse_selector(selector).matches({"a": ""})
        return
    with pytest.raises(ApiError) as raised:
        parse_selector(selector)

    assert raised.value.status == 400


def test_generated_names_keep_63_characters_at_most() -> None:
    name = generated_name("x" * 80 + "-")

    assert len(name) == 63


def test_argo_suffixes_use_its_own_alphabet() -> None:
    suffix = random_suffix(ARGO_ALPHABET)

    assert len(suffix) == 5
    assert set(suffix) <= set(ARGO_ALPHABET)


def test_dns_friendly_makes_a_label_value_from_a_user_name() -> None:
    assert (
        dns_friendly("system:serviceaccount:argo:ci") == "system-serviceaccount-argo-ci"
    )
    assert dns_friendly("--jane@example.com--") == "jane-example.com"


def test_key_values_split_on_commas_and_equals() -> None:
    assert parse_key_values("a=1,b=") == {"a": "1", "b": ""}

    with pytest.raises(ValueError, match="unexpected label spec: c=d=e"):
        parse_key_values("a=1,c=d=e")


DOCUMENT = {
    "metadata": {"name": "wf", "namespace": "argo", "labels": {"a": "b"}},
    "status": {"phase": "Running", "nodes": {"n": {"id": "n"}}},
    "items": [{"metadata": {"name": "x", "uid": "1"}}],
}


def test_fields_keep_the_named_paths() -> None:
    assert trim(DOCUMENT, "metadata.name,status.phase") == {
        "metadata": {"name": "wf"},
        "status": {"phase": "Running"},
    }


def test_fields_walk_through_lists() -> None:
    assert trim(DOCUMENT, "items.metadata.name") == {
        "items": [{"metadata": {"name": "x"}}]
    }


def test_fields_match_key_prefixes_as_text_like_argo() -> None:
    trimmed = trim(DOCUMENT, "metadata.namespace")

    assert trimmed["metadata"] == {"name": "wf", "namespace": "argo"}


def test_a_leading_minus_excludes() -> None:
    trimmed = trim(DOCUMENT, "-status.nodes,items")

    assert trimmed["status"] == {"phase": "Running"}
    assert "items" not in trimmed


def test_no_fields_leaves_the_document_alone() -> None:
    assert trim(DOCUMENT, "") is DOCUMENT

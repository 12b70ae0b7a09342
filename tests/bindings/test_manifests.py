"""Bindings and templates read from files and folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from argo_trigger.bindings import load
from argo_trigger.errors import UsageError
from tests.bindings.helpers import ARGO, EXAMPLES


def test_folders_are_walked_and_each_kind_is_keyed_by_name() -> None:
    found = load([ARGO, EXAMPLES])

    assert sorted(found.bindings) == [
        "ci-build",
        "event-consumer",
        "github-path-filter",
    ]
    assert sorted(found.templates) == [
        "ci-build",
        "event-consumer",
        "github-path-filter",
    ]
    assert found.cluster_templates == {}


def test_bindings_of_a_namespace_come_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(
        "kind: WorkflowEventBinding\nmetadata: {name: zeta}\n---\n"
        "kind: WorkflowEventBinding\nmetadata: {name: alpha, namespace: argo}\n---\n"
        "kind: WorkflowEventBinding\nmetadata: {name: other, namespace: prod}\n---\n"
        "kind: Secret\nmetadata: {name: ignored}\n"
    )

    found = load([tmp_path / "all.yaml"])

    assert [b["metadata"]["name"] for b in found.bindings_in("argo")] == [
        "alpha",
        "zeta",
    ]


def test_a_kubernetes_list_is_flattened(tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text(
        "kind: WorkflowEventBindingList\nitems:\n"
        "  - metadata: {name: one}\n  - metadata: {name: two}\n"
        "---\nkind: List\nitems:\n"
        "  - {kind: ClusterWorkflowTemplate, metadata: {name: shared}}\n"
    )

    found = load([tmp_path])

    assert sorted(found.bindings) == ["one", "two"]
    assert found.template("shared", True, "argo") is not None
    assert found.template("shared", False, "argo") is None


def test_a_template_of_another_namespace_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "kind: WorkflowTemplate\nmetadata: {name: build, namespace: prod}\n"
    )

    assert load([tmp_path]).template("build", False, "argo") is None


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load([tmp_path / "nope.yaml"])

    assert str(caught.value) == (
        f"{tmp_path / 'nope.yaml'} does not exist; give YAML files or folders"
    )


def test_broken_yaml_names_the_file_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("kind: [unclosed\n")

    with pytest.raises(UsageError) as caught:
        load([path])

    assert str(caught.value).startswith(f"{path} is not valid YAML: ")
    assert "\n" not in str(caught.value)


def test_a_binding_without_a_name_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text("kind: WorkflowEventBinding\nspec: {}\n")

    with pytest.raises(UsageError) as caught:
        load([path])

    assert str(caught.value) == f"{path}: a WorkflowEventBinding without metadata.name"

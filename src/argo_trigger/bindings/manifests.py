"""WorkflowEventBindings and the templates they name, read from YAML or JSON.

Files may hold several documents, and a document may be a Kubernetes list
(`kind: List` or `WorkflowEventBindingList`, as `kubectl get -o yaml` writes
them). Objects of other kinds are skipped: manifest folders also hold
Roles, Secrets and the like.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argo_trigger.errors import UsageError

Object = dict[str, Any]

BINDING = "WorkflowEventBinding"
TEMPLATE = "WorkflowTemplate"
CLUSTER_TEMPLATE = "ClusterWorkflowTemplate"
KINDS = (BINDING, TEMPLATE, CLUSTER_TEMPLATE)
SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Manifests:
    """The bindings and templates found, each kind keyed by name."""

    bindings: dict[str, Object] = field(default_factory=dict)
    templates: dict[str, Object] = field(default_factory=dict)
    cluster_templates: dict[str, Object] = field(default_factory=dict)

    def add(self, obj: Object) -> None:
        """Keep an object of a known kind; a later one replaces its namesake."""
        table = {
            BINDING: self.bindings,
            TEMPLATE: self.templates,
            CLUSTER_TEMPLATE: self.cluster_templates,
        }.get(str(obj.get("kind")))
        if table is not None:
            table[name_of(obj)] = obj

    def bindings_in(self, namespace: str) -> list[Object]:
        """The bindings an event to `namespace` meets, ordered by name.

        The Argo Server lists them from Kubernetes, which orders by name. A
        binding without a namespace is taken to be applied to `namespace`.
        """
        chosen = [b for b in self.bindings.values() if _in(b, namespace)]
        return sorted(chosen, key=name_of)

    def template(self, name: str, cluster: bool, namespace: str) -> Object | None:
        """The (cluster) workflow template of that name, or None."""
        if cluster:
            return self.cluster_templates.get(name)
        found = self.templates.get(name)
        return found if found is not None and _in(found, namespace) else None


def name_of(obj: Object) -> str:
    """`metadata.name` of an object ("" when missing)."""
    metadata = obj.get("metadata")
    return str(metadata.get("name") or "") if isinstance(metadata, dict) else ""


def _in(obj: Object, namespace: str) -> bool:
    own = (obj.get("metadata") or {}).get("namespace")
    return not own or own == namespace


def load(paths: Iterable[str | Path]) -> Manifests:
    """Every binding and template in these files and folders.

    Folders are walked recursively for *.yaml, *.yml and *.json, in name
    order. Raises UsageError, naming the file, when a path does not exist, a
    file cannot be read or parsed, or an object of a known kind has no name.
    """
    found = Manifests()
    for path in _files(Path(p) for p in paths):
        for obj in _objects(path):
            if obj.get("kind") in KINDS and not name_of(obj):
                raise UsageError(f"{path}: a {obj['kind']} without metadata.name")
            found.add(obj)
    return found


def _files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            children = sorted(path.rglob("*"))
            yield from (c for c in children if c.suffix in SUFFIXES and c.is_file())
        elif path.is_file():
            yield path
        else:
            raise UsageError(f"{path} does not exist; give YAML files or folders")


def _objects(path: Path) -> Iterator[Object]:
    import yaml  # only commands that read manifests pay for PyYAML

    try:
        documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None
    except yaml.YAMLError as error:
        reason = " ".join(str(error).split())
        raise UsageError(f"{path} is not valid YAML: {reason}") from None

    for document in documents:
        if document is None:
            continue
        if not isinstance(document, dict):
            raise UsageError(f"{path}: a document that is not a mapping")
        yield from _flatten(document)


def _flatten(document: Object) -> Iterator[Object]:
    kind = str(document.get("kind") or "")
    items = document.get("items")
    if kind.endswith("List") and isinstance(items, list):
        for item in items:
            if isinstance(item, dict):
                item.setdefault("kind", kind.removesuffix("List") or None)
                yield item
        return
    yield document

"""The objects the stand-in serves, held as plain JSON-like dicts.

One store per server, shared by its request threads behind one lock. Every
object stored gets what the Kubernetes API server would give it: a uid, a
creationTimestamp, a resourceVersion from one counter, and a generation.
"""

from __future__ import annotations

import copy
import itertools
import threading
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import UsageError
from . import names
from .errors import already_exists, not_found

API_VERSION = "argoproj.io/v1alpha1"

# kind → (resource name in Kubernetes messages, namespaced?)
KINDS: dict[str, tuple[str, bool]] = {
    "Workflow": ("workflows", True),
    "WorkflowTemplate": ("workflowtemplates", True),
    "ClusterWorkflowTemplate": ("clusterworkflowtemplates", False),
    "CronWorkflow": ("cronworkflows", True),
    "WorkflowEventBinding": ("workfloweventbindings", True),
    # Kept for webhook clients only; no endpoint serves Secrets.
    "Secret": ("secrets", True),
}

Object = dict[str, Any]


def now() -> str:
    """The current time as Kubernetes writes timestamps (RFC 3339, seconds)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def prune(value: Any) -> Any:
    """Drop None, empty strings, empty maps and empty lists from mappings.

    Go's `omitempty` leaves such fields out of the Argo Server's answers.
    """
    if isinstance(value, dict):
        kept = {key: prune(item) for key, item in value.items()}
        return {
            key: item for key, item in kept.items() if item not in (None, "", {}, [])
        }
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


class Store:
    """Thread-safe objects by kind, namespace and name."""

    def __init__(self, default_namespace: str = "argo") -> None:
        self.default_namespace = default_namespace
        self._lock = threading.RLock()
        self._objects: dict[str, dict[tuple[str, str], Object]] = {k: {} for k in KINDS}
        self._version = 0
        self._order = itertools.count(1)
        self._sequence: dict[str, int] = {}

    def add(self, obj: Object) -> Object:
        """Store a copy of a manifest, replacing one of the same name.

        Raises UsageError when the kind is not served or the name is missing.
        """
        kind = obj.get("kind")
        if kind not in KINDS:
            raise UsageError(f"the stand-in does not serve objects of kind {kind!r}")

        stored = copy.deepcopy(obj)
        stored.setdefault("apiVersion", API_VERSION)
        metadata = stored.setdefault("metadata", {})
        if not metadata.get("name"):
            if not metadata.get("generateName"):
                raise UsageError(f"a {kind} manifest has no metadata.name")
            metadata["name"] = names.generated_name(metadata["generateName"])

        if KINDS[kind][1]:
            metadata.setdefault("namespace", self.default_namespace)
        with self._lock:
            self._stamp(stored)
            self._objects[kind][self._key(stored)] = stored
        return copy.deepcopy(stored)

    def create(self, obj: Object, *, dry_run: bool = False) -> Object:
        """Create an object as the Kubernetes API does, name clash included.

        Raises ApiError: 400 for a bad name or label, 409 when the name is
        taken. With `dry_run` the object is completed but not stored.
        """
        kind = obj["kind"]
        stored = copy.deepcopy(obj)
        metadata = stored.setdefault("metadata", {})
        names.validate_object(kind, metadata)

        with self._lock:
            if not metadata.get("name"):
                metadata["name"] = self._free_name(kind, metadata)
            key = self._key(stored)
            if key in self._objects[kind]:
                raise already_exists(KINDS[kind][0], metadata["name"])
            self._stamp(stored, dry_run=dry_run)
            if not dry_run:
                self._objects[kind][key] = stored
        return copy.deepcopy(stored)

    def get(self, kind: str, namespace: str, name: str) -> Object:
        """A copy of one object; ApiError 404 with Kubernetes' message if absent."""
        with self._lock:
            found = self._objects[kind].get((self._scope(kind, namespace), name))
            if found is None:
                raise not_found(KINDS[kind][0], name)
            return copy.deepcopy(found)

    def find(self, kind: str, namespace: str, name: str) -> Object | None:
        """A copy of one object, or None."""
        with self._lock:
            found = self._objects[kind].get((self._scope(kind, namespace), name))
            return copy.deepcopy(found) if found is not None else None

    def list(self, kind: str, namespace: str = "") -> list[Object]:
        """Copies of the objects of a kind (in a namespace), oldest first."""
        with self._lock:
            scope = self._scope(kind, namespace)
            selected = [
                obj
                for (ns, _), obj in self._objects[kind].items()
                if not namespace or ns == scope
            ]
            selected.sort(key=lambda obj: self._sequence[obj["metadata"]["uid"]])
            return copy.deepcopy(selected)

    def update(self, obj: Object) -> Object:
        """Replace a stored object, bumping its resourceVersion."""
        stored = copy.deepcopy(obj)
        with self._lock:
            key = self._key(stored)
            if key not in self._objects[stored["kind"]]:
                raise not_found(KINDS[stored["kind"]][0], key[1])
            stored["metadata"]["resourceVersion"] = self._next_version()
            self._objects[stored["kind"]][key] = stored
        return copy.deepcopy(stored)

    def resource_version(self) -> str:
        """The newest resourceVersion, as a list's metadata carries it."""
        with self._lock:
            return str(self._version)

    def _next_version(self) -> str:
        self._version += 1
        return str(self._version)

    def _scope(self, kind: str, namespace: str) -> str:
        return namespace if KINDS[kind][1] else ""

    def _key(self, obj: Object) -> tuple[str, str]:
        metadata = obj["metadata"]
        return self._scope(obj["kind"], metadata.get("namespace", "")), metadata["name"]

    def _free_name(self, kind: str, metadata: dict[str, Any]) -> str:
        namespace = self._scope(kind, metadata.get("namespace", ""))
        while True:
            name = names.generated_name(metadata["generateName"])
            if (namespace, name) not in self._objects[kind]:
                return name

    def _stamp(self, obj: Object, *, dry_run: bool = False) -> None:
        metadata = obj["metadata"]
        metadata.setdefault("uid", str(uuid.uuid4()))
        metadata.setdefault("creationTimestamp", now())
        metadata.setdefault("generation", 1)
        if dry_run:
            return
        metadata["resourceVersion"] = self._next_version()
        self._sequence[metadata["uid"]] = next(self._order)


def load_manifests(paths: Iterable[Path]) -> Iterator[Object]:
    """Every object in YAML files, walking directories (*.yaml, *.yml) in order.

    Files may hold several documents; empty documents are skipped. Raises
    UsageError, naming the file, when one cannot be read or parsed.
    """
    import yaml  # only the stand-in's manifest loading needs YAML

    for path in _manifest_files(paths):
        try:
            documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            reason = str(error).splitlines()[0]
            raise UsageError(f"cannot read manifest {path}: {reason}") from error

        for document in documents:
            if document is None:
                continue
            if not isinstance(document, dict) or not document.get("kind"):
                raise UsageError(f"manifest {path} holds a document without a kind")
            yield document


def _manifest_files(paths: Iterable[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix in (".yaml", ".yml") and child.is_file():
                    yield child
        elif path.exists():
            yield path
        else:
            raise UsageError(f"manifest {path} does not exist")

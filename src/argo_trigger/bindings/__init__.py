"""WorkflowEventBindings, evaluated offline exactly as the Argo Server does.

    from argo_trigger.bindings import Event, evaluate, load

    found = load(["deploy/"])                       # bindings and templates
    env = Event("argo", "ci", payload, metadata).environment()
    result = evaluate(binding, env, get_template)   # matched, error, workflow

`manifests` reads them from files, `dispatch` evaluates them, `lint` warns
about what will fail on some other event, and `remote` reads them from a
server. Nothing here talks HTTP except `remote`.
"""

from argo_trigger.bindings.dispatch import (
    Event,
    Result,
    TemplateGetter,
    TemplateNotFound,
    evaluate,
    instance_label,
    metadata_from_headers,
)
from argo_trigger.bindings.lint import lint
from argo_trigger.bindings.manifests import Manifests, load

__all__ = [
    "Event",
    "Manifests",
    "Result",
    "TemplateGetter",
    "TemplateNotFound",
    "evaluate",
    "instance_label",
    "lint",
    "load",
    "metadata_from_headers",
]

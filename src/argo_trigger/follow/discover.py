"""Find the workflows an event created.

The Argo Server answers an event with `{}`: it never names the workflows its
bindings created. They are found by label, in this order:

1. Exactly, by `argo-trigger/event-id=<payload.id>`, when the binding copies
   the payload's id into that label (the README shows how), leaving out
   workflows created before the send (a job that sends again keeps its id).
   Dispatch is synchronous by default, so one list usually finds them all.
2. Otherwise by the bindings that fire: the namespace's bindings are
   evaluated offline against the payload, as the server does, and the
   workflows labelled `workflows.argoproj.io/workflow-event-binding=<name>`
   and created at or after the send are taken, one per binding. When more
   fit than the bindings can have created (two jobs sent events at once),
   the candidates are named and none is guessed.

Lists are repeated with growing waits until --discover-timeout, for servers
that dispatch asynchronously.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argo_trigger import errors
from argo_trigger.bindings.dispatch import (
    LABEL_EVENT_BINDING,
    Event,
    Result,
    evaluate,
    instance_label,
)
from argo_trigger.bindings.remote import BindingsClient
from argo_trigger.client import ArgoClient, Object
from argo_trigger.expr import ExprError
from argo_trigger.follow.progress import parse_time
from argo_trigger.log import logger
from argo_trigger.payload import EVENT_ID_LABEL

FIRST_POLL = 0.5
MAX_POLL = 5.0
LIST_FIELDS = (
    "items.metadata.name,items.metadata.labels,items.metadata.creationTimestamp"
)


@dataclass
class Found:
    """The workflows an event created, and how they were found."""

    names: list[str]
    label_selector: str | None
    how: str


@dataclass
class Search:
    """One event to look for: what was sent, and when the server took it."""

    event: Event
    event_id: str | None
    sent_at: datetime | None
    timeout: float
    sleep: Callable[[float], None] = time.sleep
    predictions: list[Result] | None = None
    why_no_prediction: str = ""
    _deadline: float = field(default=0.0, init=False)


def discover(client: ArgoClient, search: Search) -> Found:
    """The workflows the event created.

    Raises NotDiscovered (with each binding's result, when they could be
    read) when none appears within the search's timeout, and
    AmbiguousDiscovery when more workflows fit than the event can have
    created.
    """
    search._deadline = time.monotonic() + search.timeout
    exact = _exact_selector(search.event_id)
    if exact:
        names = _names(client, search, exact)
        if names:
            return Found(names, exact, f"label {exact}")

    search.predictions = _predict(client, search)
    fired = [r for r in search.predictions or [] if r.workflow is not None]
    labelled = [r for r in fired if _carries_event_id(r, search.event_id)]
    if fired and not labelled:
        return _by_bindings(client, search, fired)
    if exact:
        return _by_label(client, search, exact, expected=max(len(labelled), 1))
    raise _nothing_found(search, "")


def _exact_selector(event_id: str | None) -> str | None:
    return f"{EVENT_ID_LABEL}={event_id}" if event_id else None


def _carries_event_id(result: Result, event_id: str | None) -> bool:
    labels = ((result.workflow or {}).get("metadata") or {}).get("labels") or {}
    return event_id is not None and labels.get(EVENT_ID_LABEL) == event_id


def _names(client: ArgoClient, search: Search, selector: str) -> list[str]:
    """The workflows with this label created by this send: the same id on a
    workflow from an earlier send of the same job (a retry) is left out."""
    items = client.list_workflows(
        search.event.namespace, label_selector=selector, fields=LIST_FIELDS
    )
    since = _since(search.sent_at)
    return sorted(_name(item) for item in items if _created_since(item, since))


def _since(sent_at: datetime | None) -> datetime | None:
    # Kubernetes stamps creation to the second, and the server's clock is
    # the one that matters: one second of slack on the server's own time.
    return sent_at - timedelta(seconds=1) if sent_at else None


def _created_since(workflow: Object, since: datetime | None) -> bool:
    if since is None:
        return True
    created = parse_time((workflow.get("metadata") or {}).get("creationTimestamp"))
    return created is not None and created >= since


def _name(workflow: Object) -> str:
    return str((workflow.get("metadata") or {}).get("name", ""))


def _predict(client: ArgoClient, search: Search) -> list[Result] | None:
    """Each binding's result for this event, or None when they cannot be read."""
    namespace = search.event.namespace
    reader = BindingsClient(client.settings, client.transport)
    try:
        bindings = [b for b in reader.list_bindings(namespace) if not instance_label(b)]
        env = search.event.environment()
    except (errors.ArgoTriggerError, ExprError) as error:
        search.why_no_prediction = str(error)
        logger.info("cannot predict which bindings fired: %s", error)
        return None
    get = reader.template_getter(namespace)
    return [evaluate(binding, env, get) for binding in bindings]


def _by_label(
    client: ArgoClient, search: Search, selector: str, expected: int
) -> Found:
    attempt = 0
    while True:
        names = _names(client, search, selector)
        if len(names) >= expected:
            return Found(names, selector, f"label {selector}")
        attempt += 1
        if not _pause(search, attempt):
            raise _nothing_found(search, selector)


def _by_bindings(client: ArgoClient, search: Search, fired: list[Result]) -> Found:
    bindings = sorted({r.binding for r in fired})
    selector = f"{LABEL_EVENT_BINDING} in ({','.join(bindings)})"
    attempt = 0
    while True:
        items = client.list_workflows(
            search.event.namespace, label_selector=selector, fields=LIST_FIELDS
        )
        by_binding = _recent_by_binding(items, search.sent_at)
        crowded = {b: names for b, names in by_binding.items() if len(names) > 1}
        if crowded:
            raise _ambiguous(crowded)
        if all(by_binding.get(b) for b in bindings):
            names = sorted(n for b in bindings for n in by_binding[b])
            return Found(names, None, f"bindings {', '.join(bindings)}")
        attempt += 1
        if not _pause(search, attempt):
            raise _nothing_found(search, selector)


def _recent_by_binding(
    items: list[Object], sent_at: datetime | None
) -> dict[str, list[str]]:
    since = _since(sent_at)
    found: dict[str, list[str]] = {}
    for item in items:
        if not _created_since(item, since):
            continue
        labels = (item.get("metadata") or {}).get("labels") or {}
        binding = str(labels.get(LABEL_EVENT_BINDING, ""))
        found.setdefault(binding, []).append(_name(item))
    return {binding: sorted(names) for binding, names in found.items()}


def _pause(search: Search, attempt: int) -> bool:
    """Sleep before the next look; False when the timeout is spent."""
    left = search._deadline - time.monotonic()
    if left <= 0:
        return False
    search.sleep(min(FIRST_POLL * 2 ** (attempt - 1), MAX_POLL, left))
    return True


def _ambiguous(crowded: dict[str, list[str]]) -> errors.AmbiguousDiscovery:
    parts = [f"binding {b}: {', '.join(names)}" for b, names in sorted(crowded.items())]
    return errors.AmbiguousDiscovery(
        "cannot tell which workflow this event created, several were created "
        f"at the same time ({'; '.join(parts)}); have the binding copy payload.id "
        f"into the label {EVENT_ID_LABEL} (see the README), or wait by name "
        "with argo-trigger wait NAME"
    )


def _nothing_found(search: Search, selector: str) -> errors.NotDiscovered:
    within = f"within {search.timeout:g}s"
    namespace = search.event.namespace
    if search.predictions is None:
        looked = f"labelled {selector} " if selector else ""
        reason = search.why_no_prediction or "the event carries no payload.id"
        return errors.NotDiscovered(
            f"no workflow {looked}appeared in namespace {namespace} {within}, and "
            f"the bindings could not be read to say why ({reason}); have the "
            f"binding copy payload.id into the label {EVENT_ID_LABEL} (see the "
            "README), or grant workfloweventbindings: list"
        )
    fired = [r.binding for r in search.predictions if r.workflow is not None]
    if fired:
        return errors.NotDiscovered(
            f"bindings {', '.join(fired)} match this event, but no workflow of "
            f"theirs appeared in namespace {namespace} {within}: the server that "
            "took the event may not be the one holding these bindings (check "
            "ARGO_SERVER and -n), or it dispatches slowly (raise --discover-timeout)"
        )
    results = "; ".join(_result_text(r) for r in search.predictions) or (
        f"namespace {namespace} has no WorkflowEventBinding"
    )
    return errors.NotDiscovered(
        f"the event created no workflow {within}: no binding's selector matched "
        f"({results}); argo-trigger bindings test --from-server shows more"
    )


def _result_text(result: Result) -> str:
    if result.error:
        return f"{result.binding}: failed: {result.error}"
    if result.matched:
        return f"{result.binding}: matched, but submits nothing"
    return f"{result.binding}: selector false"

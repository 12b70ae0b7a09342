"""`argo-trigger doctor`: check, step by step, what an event from this job needs.

Each check prints one line, `ok`, `warn` or `FAIL`, and a failure comes with
its fix. A check that later ones depend on (configuration, connection,
token) stops the run when it fails: what follows could only fail too.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from argo_trigger import config, errors
from argo_trigger.bindings.dispatch import instance_label
from argo_trigger.bindings.manifests import CLUSTER_TEMPLATE, TEMPLATE, Object, name_of
from argo_trigger.cli import Run, options_from, output_format
from argo_trigger.commands.bindings import Report, Source, event_from_args, test_binding
from argo_trigger.commands.event import check_namespace

if TYPE_CHECKING:
    from argo_trigger.bindings.remote import BindingsClient

DRY_RUN_WORKFLOW: Object = {
    "metadata": {"generateName": "argo-trigger-doctor-"},
    "spec": {
        "entrypoint": "main",
        "templates": [{"name": "main", "container": {"image": "busybox"}}],
    },
}


@dataclass
class Check:
    """One line of the report: `status` is ok, warn or FAIL."""

    name: str
    status: str
    detail: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        """`{name, ok, detail, fix}`: a warning is ok, with a fix to consider."""
        shown = asdict(self)
        shown["ok"] = shown.pop("status") != "FAIL"
        return {key: shown[key] for key in ("name", "ok", "detail", "fix")}


class Stop(Exception):
    """A check failed that the remaining checks depend on."""


def run(run: Run) -> int:
    """Run every check in order and print them; exit 0 or 22."""
    checks: list[Check] = []
    with contextlib.suppress(Stop):
        _diagnose(run, checks)

    if output_format(run.args) == "json":
        shown = [check.to_json() for check in checks]
        run.out(json.dumps(shown, indent=2, ensure_ascii=False))
    else:
        for check in checks:
            run.out(f"{check.status:<4} {check.name}: {check.detail}")
            if check.fix:
                run.out(f"     fix: {check.fix}")
    failed = any(check.status == "FAIL" for check in checks)
    return errors.DOCTOR_FOUND_PROBLEMS if failed else 0


def _diagnose(run: Run, checks: list[Check]) -> None:
    from argo_trigger.bindings.remote import BindingsClient

    settings = _configuration(run, checks)
    client = BindingsClient(settings)
    namespace = settings.namespace
    _connection(client, checks)
    _token(client, checks)
    bindings = _bindings(client, namespace, checks)
    _templates(client, namespace, bindings, checks)
    _create(client, namespace, checks)
    _payload(run, client, namespace, bindings, checks)


def _configuration(run: Run, checks: list[Check]) -> config.Settings:
    try:
        settings = config.resolve(options_from(run.args), run.env)
        check_namespace(settings.namespace)
    except errors.ArgoTriggerError as error:
        fix = "set ARGO_SERVER (host:port or URL), ARGO_TOKEN and ARGO_NAMESPACE"
        checks.append(Check("configuration", "FAIL", str(error), fix))
        raise Stop from None
    token = "a token" if settings.authorization else "no token"
    detail = f"server {settings.base_url}, namespace {settings.namespace}, {token}"
    checks.append(Check("configuration", "ok", detail))
    return settings


def _connection(client: BindingsClient, checks: list[Check]) -> None:
    base = client.settings.base_url
    try:
        version = client.version()
    except errors.UnauthenticatedError as error:
        checks.append(Check("connection", "ok", f"{base} answers"))
        checks.append(Check("token", "FAIL", str(error), _TOKEN_FIX))
        raise Stop from None
    except errors.ArgoTriggerError as error:
        checks.append(Check("connection", "FAIL", str(error), _connection_fix(error)))
        raise Stop from None

    secure = "TLS" if base.startswith("https:") else "plain HTTP"
    checks.append(Check("connection", "ok", f"{base} answers over {secure}"))
    shown = str(version.get("version") or "unknown")
    checks.append(Check("server version", "ok", f"Argo Workflows {shown}"))


_TOKEN_FIX = (
    "set ARGO_TOKEN to a current service-account token (kubectl create token "
    "SERVICE-ACCOUNT -n NAMESPACE), with or without 'Bearer '"
)


def _connection_fix(error: errors.ArgoTriggerError) -> str:
    if isinstance(error, errors.TLSError):
        return (
            "trust the server's certificate with ARGO_TRIGGER_CA_FILE, or set "
            "ARGO_INSECURE_SKIP_VERIFY=true for a self-signed one; ARGO_SECURE="
            "false if the server serves plain HTTP"
        )
    if isinstance(error, errors.APIError):
        return "check ARGO_SERVER and ARGO_BASE_HREF point at the Argo Server"
    return (
        "check ARGO_SERVER (host and port), that the server runs, and that "
        "this job's network reaches it"
    )


def _token(client: BindingsClient, checks: list[Check]) -> None:
    try:
        user = client.userinfo()
    except errors.APIError as error:
        checks.append(Check("token", "FAIL", str(error), _TOKEN_FIX))
        raise Stop from None
    account = user.get("serviceAccountName")
    if account:
        where = user.get("serviceAccountNamespace") or "?"
        detail = f"acts as service account {account} in namespace {where}"
    else:
        detail = f"acts as {user.get('subject') or 'an unnamed user'}"
    checks.append(Check("token", "ok", detail))


def _bindings(
    client: BindingsClient, namespace: str, checks: list[Check]
) -> list[Object]:
    name = "list bindings"
    try:
        bindings = client.list_bindings(namespace)
    except errors.ForbiddenError as error:
        fix = f"grant workfloweventbindings: list in namespace {namespace}"
        checks.append(Check(name, "FAIL", error.server_message, fix))
        return []
    except errors.APIError as error:
        checks.append(Check(name, "FAIL", str(error), None))
        return []

    bindings = [b for b in bindings if instance_label(b) is None]
    if not bindings:
        detail = f"no WorkflowEventBinding in namespace {namespace}: events do nothing"
        fix = f"kubectl apply -n {namespace} -f your-binding.yaml"
        checks.append(Check(name, "warn", detail, fix))
        return []
    names = ", ".join(name_of(b) for b in bindings)
    checks.append(Check(name, "ok", f"{len(bindings)} in {namespace}: {names}"))
    return bindings


def _templates(
    client: BindingsClient,
    namespace: str,
    bindings: list[Object],
    checks: list[Check],
) -> None:
    seen: set[tuple[str, bool]] = set()
    for binding in bindings:
        ref = ((binding.get("spec") or {}).get("submit") or {}).get(
            "workflowTemplateRef"
        ) or {}
        key = (str(ref.get("name") or ""), bool(ref.get("clusterScope")))
        if key in seen:
            continue
        seen.add(key)
        checks.append(_template(client, namespace, name_of(binding), *key))


def _template(
    client: BindingsClient, namespace: str, binding: str, name: str, cluster: bool
) -> Check:
    kind = CLUSTER_TEMPLATE if cluster else TEMPLATE
    check = f"get {kind} {name}"
    try:
        client.get_template(namespace, name, cluster)
    except errors.NotFoundError as error:
        fix = f"create {kind} {name}, or correct binding {binding}'s reference"
        return Check(check, "FAIL", error.server_message, fix)
    except errors.ForbiddenError as error:
        resource = "clusterworkflowtemplates" if cluster else "workflowtemplates"
        where = "(a ClusterRole)" if cluster else f"in namespace {namespace}"
        fix = f"grant {resource}: get {where}"
        return Check(check, "FAIL", error.server_message, fix)
    except errors.APIError as error:
        return Check(check, "FAIL", str(error), None)
    return Check(check, "ok", f"named by binding {binding}, readable")


def _create(client: BindingsClient, namespace: str, checks: list[Check]) -> None:
    name = "create workflows"
    try:
        client.create_workflow(namespace, DRY_RUN_WORKFLOW, server_dry_run=True)
    except errors.ForbiddenError as error:
        fix = f"grant workflows: create in namespace {namespace}"
        checks.append(Check(name, "FAIL", error.server_message, fix))
        return
    except errors.APIError as error:
        checks.append(Check(name, "FAIL", str(error), None))
        return
    detail = f"allowed in {namespace} (server dry run, nothing created)"
    checks.append(Check(name, "ok", detail))


def _payload(
    run: Run,
    client: BindingsClient,
    namespace: str,
    bindings: list[Object],
    checks: list[Check],
) -> None:
    if not bindings:
        return
    event = event_from_args(run, namespace)
    env = event.environment()
    source = Source(bindings, client.template_getter(namespace), lambda _, why: why)
    reports = [test_binding(binding, env, source) for binding in bindings]
    for report in reports:
        if report.error is not None:
            fix = (
                "correct the binding; argo-trigger bindings test --from-server shows it"
            )
            checks.append(Check(f"binding {report.name}", "FAIL", report.error, fix))
        elif report.matched:
            checks.append(Check(f"binding {report.name}", "ok", _matched(report)))
    if any(report.matched or report.error for report in reports):
        return
    checks.append(_no_match(event.discriminator, bindings))


def _matched(report: Report) -> str:
    if report.workflow is None:
        return "matches this payload, and submits nothing"
    ref = report.workflow["spec"]["workflowTemplateRef"]
    kind = CLUSTER_TEMPLATE if ref.get("clusterScope") else TEMPLATE
    return f"matches this payload: creates a workflow from {kind} {ref['name']}"


def _no_match(discriminator: str, bindings: list[Object]) -> Check:
    selectors = "; ".join(
        f"{name_of(b)}: {' '.join(str(_selector(b)).split())}" for b in bindings
    )
    detail = (
        f"no binding matches this payload (discriminator {discriminator!r}); "
        f"selectors: {selectors}"
    )
    fix = (
        "compare the selectors with argo-trigger payload, or use the "
        "discriminator (-d) a binding expects"
    )
    return Check("bindings match", "warn", detail, fix)


def _selector(binding: Object) -> Any:
    return ((binding.get("spec") or {}).get("event") or {}).get("selector")

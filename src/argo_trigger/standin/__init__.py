"""A stand-in Argo Server for local trials and tests, not Argo Workflows.

    from argo_trigger.standin import Standin, ServiceAccount

    ci = ServiceAccount("ci", "argo", token, allow={"workflows": {"create"}})
    with Standin([ci]) as srv:
        srv.url  # http://127.0.0.1:PORT

It answers the Argo Server REST endpoints argo-trigger uses as the real server
does: paths, auth, RBAC refusals, error bodies and headers, event dispatch
through WorkflowEventBindings, and the watch and log streams. Nothing runs a
workflow; a lifecycle script (`srv.lifecycle.add(Script([...]))`) moves
created workflows through their phases instead. It needs only the standard
library, PyYAML when loading manifests, and the project's expression engine.
"""

from .auth import ServiceAccount
from .errors import ApiError
from .records import RecordedEvent, RecordedRequest
from .server import Standin, serve_forever

__all__ = [
    "ApiError",
    "RecordedEvent",
    "RecordedRequest",
    "ServiceAccount",
    "Standin",
    "serve_forever",
]

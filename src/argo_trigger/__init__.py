"""argo-trigger: start and follow Argo Workflows from CI jobs.

The public surface is small on purpose: the version, the error hierarchy and
the client. Everything else is an implementation detail of the command line.
"""

from argo_trigger.errors import (
    APIError,
    ArgoTriggerError,
    ConfigError,
    ConnectError,
    DispatchError,
    ForbiddenError,
    NotFoundError,
    RejectedError,
    RequestTimeout,
    ServerError,
    TLSError,
    TransportError,
    UnauthenticatedError,
    UsageError,
)

__version__ = "0.1.0"

__all__ = [
    "APIError",
    "ArgoTriggerError",
    "ConfigError",
    "ConnectError",
    "DispatchError",
    "ForbiddenError",
    "NotFoundError",
    "RejectedError",
    "RequestTimeout",
    "ServerError",
    "TLSError",
    "TransportError",
    "UnauthenticatedError",
    "UsageError",
    "__version__",
]

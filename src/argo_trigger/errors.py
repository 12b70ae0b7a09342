"""Every error argo-trigger raises, and the exit code each one ends with.

    ArgoTriggerError
    ├── UsageError                 bad flags, files or values given by the user
    ├── ConfigError                nothing says where the Argo Server is, and so on
    ├── WaitTimeout                the workflows did not finish within --timeout
    ├── NotDiscovered              no workflow found for an event, or a name is unknown
    │   └── AmbiguousDiscovery     more workflows fit than the event can have made
    ├── Terminated                 SIGTERM arrived while waiting
    ├── TransportError             no HTTP answer at all
    │   ├── ConnectError           refused, unreachable, name not resolved
    │   ├── TLSError               certificate or handshake failure
    │   └── RequestTimeout         no answer within --timeout
    └── APIError                   the Argo Server answered with an error
        ├── UnauthenticatedError   401
        ├── ForbiddenError         403
        ├── NotFoundError          404
        ├── RejectedError          other 4xx: the server refused the request
        └── ServerError            5xx
            └── DispatchError      500 on an event: a binding failed

The command line maps these to exit codes in one place, `exit_code_for`, and
prints `str(error)`: one line that says what failed and what to do.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs start-up time; annotations are strings
if TYPE_CHECKING:
    from typing import Any


class ArgoTriggerError(Exception):
    """The root of every error argo-trigger raises on purpose."""

    exit_code = 1


class UsageError(ArgoTriggerError):
    """A flag, file or value from the user cannot be used as given."""

    exit_code = 2


class ConfigError(ArgoTriggerError):
    """Configuration is missing or unreadable (server, token file, CA file)."""

    exit_code = 3


class WaitTimeout(ArgoTriggerError):
    """The workflows did not finish within --timeout (they may still run)."""

    exit_code = 32


class NotDiscovered(ArgoTriggerError):
    """No workflow could be found: none created by an event, or no such name."""

    exit_code = 33


class AmbiguousDiscovery(NotDiscovered):
    """More workflows fit an event than it can have created; none is guessed."""


class Terminated(ArgoTriggerError):
    """SIGTERM arrived (the CI job was cancelled) while waiting."""

    exit_code = 143


class TransportError(ArgoTriggerError):
    """The request got no HTTP answer."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class ConnectError(TransportError):
    exit_code = 4


class TLSError(TransportError):
    exit_code = 5


class RequestTimeout(TransportError):
    exit_code = 6


class APIError(ArgoTriggerError):
    """The Argo Server answered with an error status.

    `status` is the HTTP status, `code` the gRPC code from the body when there
    is one, and `server_message` the server's own words.
    """

    exit_code = 11

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: int | None = None,
        server_message: str = "",
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.server_message = server_message
        self.body = body


class UnauthenticatedError(APIError):
    exit_code = 7


class ForbiddenError(APIError):
    exit_code = 8


class NotFoundError(APIError):
    exit_code = 9


class RejectedError(APIError):
    exit_code = 10


class ServerError(APIError):
    exit_code = 11


class DispatchError(ServerError):
    """The server answered 500 to an event: at least one binding failed.

    Workflows of the other bindings may have been created all the same.
    """


NO_BINDING_MATCHED = 20
BINDING_FAILED = 21
DOCTOR_FOUND_PROBLEMS = 22
WORKFLOW_FAILED = 30
WORKFLOW_ERROR = 31
WAIT_TIMED_OUT = WaitTimeout.exit_code
NOT_DISCOVERED = NotDiscovered.exit_code
INTERNAL_ERROR = 70
INTERRUPTED = 130

EXIT_CODES: dict[int, str] = {
    0: "success",
    2: "usage: a flag, file or value cannot be used as given",
    3: "configuration: no server configured, or a token or CA file unreadable",
    4: "cannot connect to the Argo Server",
    5: "TLS failure (certificate not trusted, handshake failed)",
    6: "timed out waiting for the Argo Server",
    7: "unauthenticated: the token is missing, invalid or expired (401)",
    8: "forbidden: the token's service account lacks a permission (403)",
    9: "not found: namespace, template or workflow does not exist (404)",
    10: "rejected: the server refused the event or workflow (400, 409, 4xx)",
    11: "server error: the Argo Server failed (5xx, event dispatch failed)",
    NO_BINDING_MATCHED: "bindings test: no binding matched the payload",
    BINDING_FAILED: "bindings test: a binding failed (the server would answer 500)",
    DOCTOR_FOUND_PROBLEMS: "doctor: at least one check failed",
    WORKFLOW_FAILED: "wait: a workflow ended Failed (a step failed, or it was stopped)",
    WORKFLOW_ERROR: "wait: a workflow ended Error (Argo could not run it)",
    WAIT_TIMED_OUT: "wait: the workflows did not finish within --timeout",
    NOT_DISCOVERED: "wait: no workflow found (the event created none, or no such name)",
    INTERNAL_ERROR: "internal error in argo-trigger (a bug: please report it)",
    INTERRUPTED: "interrupted (SIGINT)",
    Terminated.exit_code: "terminated (SIGTERM, e.g. the CI job was cancelled)",
}


def exit_code_for(error: BaseException) -> int:
    """The process exit code for an error that reached the command line."""
    if isinstance(error, ArgoTriggerError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return INTERRUPTED
    return INTERNAL_ERROR

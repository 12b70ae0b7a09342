"""Errors the stand-in answers with, worded as the Argo Server words them.

The Argo Server turns every failure into a gRPC status, and its HTTP gateway
turns that into `{"code": <grpc code>, "message": "..."}` with an HTTP status
chosen from the code. Failures that come from Kubernetes keep Kubernetes'
own message, which is what a client of the real server reads.
"""

from __future__ import annotations

CANCELED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16

_HTTP_STATUS = {
    CANCELED: 408,
    UNKNOWN: 500,
    INVALID_ARGUMENT: 400,
    DEADLINE_EXCEEDED: 504,
    NOT_FOUND: 404,
    ALREADY_EXISTS: 409,
    PERMISSION_DENIED: 403,
    RESOURCE_EXHAUSTED: 429,
    FAILED_PRECONDITION: 400,
    ABORTED: 409,
    OUT_OF_RANGE: 400,
    UNIMPLEMENTED: 501,
    INTERNAL: 500,
    UNAVAILABLE: 503,
    DATA_LOSS: 500,
    UNAUTHENTICATED: 401,
}

_GRPC_CODE = {
    400: INVALID_ARGUMENT,
    401: UNAUTHENTICATED,
    403: PERMISSION_DENIED,
    404: NOT_FOUND,
    408: CANCELED,
    409: ALREADY_EXISTS,
    429: RESOURCE_EXHAUSTED,
    501: UNIMPLEMENTED,
    503: UNAVAILABLE,
    504: DEADLINE_EXCEEDED,
}

API_GROUP = "argoproj.io"


def http_status(code: int) -> int:
    """The HTTP status the gateway answers for a gRPC code."""
    return _HTTP_STATUS.get(code, 500)


def grpc_code(status: int) -> int:
    """The gRPC code that would have produced an HTTP status."""
    if status in _GRPC_CODE:
        return _GRPC_CODE[status]
    return INVALID_ARGUMENT if 400 <= status < 500 else INTERNAL


class ApiError(Exception):
    """A failure answered as `{"code": code, "message": message}`."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def status(self) -> int:
        """The HTTP status of the answer."""
        return http_status(self.code)

    def body(self) -> dict[str, object]:
        """The JSON body of the answer."""
        return {"code": self.code, "message": self.message}


def unauthenticated() -> ApiError:
    """No token, or a token that names no service account."""
    return ApiError(
        UNAUTHENTICATED,
        "token not valid. see https://argo-workflows.readthedocs.io/en/latest/faq/",
    )


def not_implemented() -> ApiError:
    """A path or method the gateway has no route for."""
    return ApiError(UNIMPLEMENTED, "Not Implemented")


def not_found(resource: str, name: str) -> ApiError:
    """Kubernetes' answer for a missing object, e.g. `workflows`."""
    return ApiError(NOT_FOUND, f'{resource}.{API_GROUP} "{name}" not found')


def already_exists(resource: str, name: str) -> ApiError:
    """Kubernetes' answer for a create whose name is taken."""
    return ApiError(ALREADY_EXISTS, f'{resource}.{API_GROUP} "{name}" already exists')


def forbidden(
    user: str, verb: str, resource: str, namespace: str, name: str = ""
) -> ApiError:
    """Kubernetes' RBAC refusal, which the Argo Server passes on as it is."""
    subject = f'{resource}.{API_GROUP} "{name}"' if name else f"{resource}.{API_GROUP}"
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    return ApiError(
        PERMISSION_DENIED,
        f'{subject} is forbidden: User "{user}" cannot {verb} resource '
        f'"{resource}" in API group "{API_GROUP}" {scope}',
    )


def invalid(kind: str, name: str, details: str) -> ApiError:
    """Kubernetes' 422 for an object that fails validation.

    The Argo Server has no gRPC code for 422 and answers it as 400.
    """
    return ApiError(
        INVALID_ARGUMENT, f'{kind}.{API_GROUP} "{name}" is invalid: {details}'
    )

"""Tokens, the service accounts they stand for, and what each may do.

The real server hands the caller's token to Kubernetes, whose RBAC decides.
The stand-in keeps that decision in a table: resource → allowed verbs, valid
in the account's own namespace, in the extra `namespaces` given, or in every
namespace for a cluster-wide account. Cluster-scoped resources
(clusterworkflowtemplates) need only the verb.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .errors import forbidden, unauthenticated

RESOURCES = (
    "workflows",
    "workflowtemplates",
    "clusterworkflowtemplates",
    "cronworkflows",
    "workfloweventbindings",
)
VERBS = ("get", "list", "watch", "create", "update", "patch", "delete")
CLUSTER_SCOPED = frozenset({"clusterworkflowtemplates"})


@dataclass(frozen=True)
class ServiceAccount:
    """A Kubernetes service account known by its bearer token."""

    name: str
    namespace: str
    token: str = field(repr=False)
    allow: Mapping[str, Iterable[str]] = field(default_factory=dict)
    namespaces: frozenset[str] = frozenset()
    cluster_wide: bool = False

    @classmethod
    def admin(cls, *, name: str, namespace: str, token: str) -> ServiceAccount:
        """An account that may do everything everywhere, like argo-server's."""
        everything = {resource: set(VERBS) for resource in RESOURCES}
        return cls(name, namespace, token, everything, cluster_wide=True)

    @property
    def user(self) -> str:
        """The user name Kubernetes knows the account by."""
        return f"system:serviceaccount:{self.namespace}:{self.name}"

    def can(self, verb: str, resource: str, namespace: str = "") -> bool:
        """Whether the account may `verb` the `resource` in `namespace`."""
        verbs = set(self.allow.get(resource, ()))
        if verb not in verbs and "*" not in verbs:
            return False
        if resource in CLUSTER_SCOPED or self.cluster_wide:
            return True
        return namespace == self.namespace or namespace in self.namespaces

    def require(
        self, verb: str, resource: str, namespace: str = "", name: str = ""
    ) -> None:
        """Raise Kubernetes' 403 unless the account may do this."""
        if not self.can(verb, resource, namespace):
            raise forbidden(self.user, verb, resource, namespace, name)


def authenticate(
    authorization: str | None, accounts: Iterable[ServiceAccount]
) -> ServiceAccount:
    """The account an `Authorization` header stands for.

    Like the Argo Server, only `Bearer <token>` is taken: a bare token (an
    ARGO_TOKEN without its "Bearer " prefix) is refused. Raises ApiError
    (401) when the header is missing, malformed or names no account.
    """
    if not authorization or not authorization.startswith("Bearer "):
        raise unauthenticated()

    token = authorization[len("Bearer ") :]
    for account in accounts:
        if token and hmac.compare_digest(token.encode(), account.token.encode()):
            return account
    raise unauthenticated()

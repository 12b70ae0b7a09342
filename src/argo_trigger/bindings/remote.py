"""Bindings and templates read from an Argo Server, for `bindings test` and
`doctor`. The only module of the package that imports an HTTP stack."""

from __future__ import annotations

from argo_trigger import errors
from argo_trigger.bindings.dispatch import TemplateGetter, TemplateNotFound
from argo_trigger.bindings.manifests import CLUSTER_TEMPLATE, TEMPLATE, Object
from argo_trigger.client import ArgoClient


class BindingsClient(ArgoClient):
    """The client, plus the cluster-scoped template the base client lacks."""

    def get_cluster_workflow_template(self, name: str) -> Object:
        """GET /api/v1/cluster-workflow-templates/{name}.

        Raises the transport's errors (ForbiddenError, NotFoundError...).
        """
        hint = "clusterworkflowtemplates: get (a ClusterRole)"
        return self._get("cluster-workflow-templates", name, hint=hint)

    def get_template(self, namespace: str, name: str, cluster: bool) -> Object:
        """A WorkflowTemplate of `namespace`, or a ClusterWorkflowTemplate.

        The answer carries no kind; it is set here so that messages can
        name it. Raises as the two getters do.
        """
        if cluster:
            found = self.get_cluster_workflow_template(name)
        else:
            found = self.get_workflow_template(namespace, name)
        found.setdefault("kind", CLUSTER_TEMPLATE if cluster else TEMPLATE)
        return found

    def template_getter(self, namespace: str) -> TemplateGetter:
        """A getter for `dispatch.evaluate` that reads through this client.

        A 404 or 403 becomes TemplateNotFound with the server's own words,
        as dispatch would report it; other failures propagate.
        """

        def get(name: str, cluster: bool) -> Object:
            try:
                return self.get_template(namespace, name, cluster)
            except (errors.NotFoundError, errors.ForbiddenError) as error:
                raise TemplateNotFound(error.server_message or str(error)) from None

        return get

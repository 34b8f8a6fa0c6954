"""Request attributes (``authorizer.AttributesRecord``) and the resource each stored kind is served as.

Every request the API server authorizes is described by who (the user), the verb, and either the
resource coordinates (API group, resource, subresource, namespace, name, field selector) or a
non-resource path. ``RESOURCES`` maps a stored kind to its (API group, resource, namespaced):
components that add kinds register theirs with ``register_resource``.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.auth.user import UserInfo

__all__ = ["Attributes", "RESOURCES", "register_resource", "resource_of"]


@dataclass(frozen=True, slots=True)
class Attributes:
    """``authorizer.AttributesRecord`` for a resource request, or (``resource_request=False``) a path."""

    user: UserInfo
    verb: str
    namespace: str = ""
    api_group: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    resource_request: bool = True
    path: str = ""
    field_selector: tuple[tuple[str, str], ...] = ()  # equality requirements (field, value)


# kind -> (API group, resource, namespaced); pkg/api/legacyscheme and the group registries
RESOURCES: dict[str, tuple[str, str, bool]] = {
    "Pod": ("", "pods", True),
    "Node": ("", "nodes", False),
    "Service": ("", "services", True),
    "PersistentVolumeClaim": ("", "persistentvolumeclaims", True),
    "Namespace": ("", "namespaces", False),
    "ServiceAccount": ("", "serviceaccounts", True),
    "ConfigMap": ("", "configmaps", True),
    "Secret": ("", "secrets", True),
    "Event": ("", "events", True),
    "Endpoints": ("", "endpoints", True),
    "Lease": ("coordination.k8s.io", "leases", True),
    "ReplicaSet": ("apps", "replicasets", True),
    "Deployment": ("apps", "deployments", True),
    "StatefulSet": ("apps", "statefulsets", True),
    "DaemonSet": ("apps", "daemonsets", True),
    "Job": ("batch", "jobs", True),
    "CronJob": ("batch", "cronjobs", True),
    "HorizontalPodAutoscaler": ("autoscaling", "horizontalpodautoscalers", True),
    "PodDisruptionBudget": ("policy", "poddisruptionbudgets", True),
    "EndpointSlice": ("discovery.k8s.io", "endpointslices", True),
    "Ingress": ("networking.k8s.io", "ingresses", True),
    "IngressClass": ("networking.k8s.io", "ingressclasses", False),
    "Role": ("rbac.authorization.k8s.io", "roles", True),
    "ClusterRole": ("rbac.authorization.k8s.io", "clusterroles", False),
    "RoleBinding": ("rbac.authorization.k8s.io", "rolebindings", True),
    "ClusterRoleBinding": ("rbac.authorization.k8s.io", "clusterrolebindings", False),
}


def register_resource(kind: str, api_group: str, resource: str, namespaced: bool = True) -> None:
    """Declare how a stored kind is served (``resource`` is the lower-case plural, as in a Role's rules)."""
    have = RESOURCES.get(kind)
    if have is not None and have != (api_group, resource, namespaced):
        raise ValueError(f"kind {kind!r} is already served as {have}")
    RESOURCES[kind] = (api_group, resource, namespaced)


def resource_of(kind: str) -> tuple[str, str, bool]:
    """(API group, resource, namespaced) of ``kind``; an unregistered kind is a bug of its component."""
    try:
        return RESOURCES[kind]
    except KeyError:
        raise KeyError(f"kind {kind!r} has no API resource: call clustersim.auth.attributes.register_resource") from None

"""RBAC and identity API objects: ``rbac.authorization.k8s.io/v1`` Role, ClusterRole, RoleBinding,
ClusterRoleBinding, and ``v1`` Namespace and ServiceAccount.

Rules are immutable (``PolicyRule`` with tuples), so a policy snapshot can share them; the stored
objects are mutable like every stored object (the store bumps ``resource_version`` on each write).
Upstream: ``staging/src/k8s.io/api/rbac/v1/types.go``.
"""

from __future__ import annotations

from dataclasses import dataclass

from clustersim.api.objects import ObjectMeta

__all__ = [
    "API_GROUP", "AggregationRule", "ClusterRole", "ClusterRoleBinding", "GROUP_KIND", "Namespace", "PolicyRule",
    "RBAC_KINDS", "Role", "RoleBinding", "RoleRef", "SERVICE_ACCOUNT_KIND", "ServiceAccount", "Subject", "USER_KIND",
    "VERB_ALL", "RESOURCE_ALL", "API_GROUP_ALL", "NON_RESOURCE_ALL",
]

API_GROUP = "rbac.authorization.k8s.io"
# rbac/v1 types.go: the wildcards
VERB_ALL = "*"
API_GROUP_ALL = "*"
RESOURCE_ALL = "*"
NON_RESOURCE_ALL = "*"
# subject kinds (rbacv1.UserKind, GroupKind, ServiceAccountKind)
USER_KIND, GROUP_KIND, SERVICE_ACCOUNT_KIND = "User", "Group", "ServiceAccount"


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """``rbacv1.PolicyRule``: verbs on (apiGroups, resources[, resourceNames]) or on nonResourceURLs."""

    verbs: tuple[str, ...] = ()
    api_groups: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    resource_names: tuple[str, ...] = ()
    non_resource_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AggregationRule:
    """``rbacv1.AggregationRule``: ClusterRoles whose labels match any selector (matchLabels) are aggregated."""

    cluster_role_selectors: tuple[tuple[tuple[str, str], ...], ...] = ()

    def selects(self, labels: dict[str, str]) -> bool:
        """Some selector matches ``labels`` (an empty selector matches everything, as metav1 does)."""
        return any(all(labels.get(k) == v for k, v in sel) for sel in self.cluster_role_selectors)


@dataclass(frozen=True, slots=True)
class RoleRef:
    """``rbacv1.RoleRef``: the Role or ClusterRole a binding grants."""

    kind: str
    name: str
    api_group: str = API_GROUP


@dataclass(frozen=True, slots=True)
class Subject:
    """``rbacv1.Subject``: a User, Group or ServiceAccount (a ServiceAccount without namespace takes the binding's)."""

    kind: str
    name: str
    namespace: str = ""


class _Stored:
    __slots__ = ()
    meta: ObjectMeta

    @property
    def key(self) -> str:
        """The store key (``namespace/name``, or the name if cluster-scoped)."""
        return self.meta.key


@dataclass(slots=True, eq=False)
class Role(_Stored):
    """``rbacv1.Role``: rules that a RoleBinding grants in the Role's namespace."""

    meta: ObjectMeta
    rules: tuple[PolicyRule, ...] = ()

    KIND = "Role"


@dataclass(slots=True, eq=False)
class ClusterRole(_Stored):
    """``rbacv1.ClusterRole``; with an ``aggregation_rule`` its rules are kept by the aggregation controller."""

    meta: ObjectMeta
    rules: tuple[PolicyRule, ...] = ()
    aggregation_rule: AggregationRule | None = None

    KIND = "ClusterRole"


@dataclass(slots=True, eq=False)
class RoleBinding(_Stored):
    """``rbacv1.RoleBinding``: grants a Role, or a ClusterRole, inside its own namespace."""

    meta: ObjectMeta
    role_ref: RoleRef
    subjects: tuple[Subject, ...] = ()

    KIND = "RoleBinding"


@dataclass(slots=True, eq=False)
class ClusterRoleBinding(_Stored):
    """``rbacv1.ClusterRoleBinding``: grants a ClusterRole in every namespace and at the cluster scope."""

    meta: ObjectMeta
    role_ref: RoleRef
    subjects: tuple[Subject, ...] = ()

    KIND = "ClusterRoleBinding"


@dataclass(slots=True, eq=False)
class Namespace(_Stored):
    """``v1.Namespace`` (phase Active, or Terminating once deleted)."""

    meta: ObjectMeta
    phase: str = "Active"

    KIND = "Namespace"


@dataclass(slots=True, eq=False)
class ServiceAccount(_Stored):
    """``v1.ServiceAccount``: an identity for processes in pods; deleting it invalidates its tokens."""

    meta: ObjectMeta

    KIND = "ServiceAccount"


RBAC_KINDS = (Role.KIND, ClusterRole.KIND, RoleBinding.KIND, ClusterRoleBinding.KIND)

"""The default RBAC policy, as data built by code (``plugin/pkg/auth/authorizer/rbac/bootstrappolicy``).

``default_policy()`` is what a new API server creates: every default ClusterRole and
ClusterRoleBinding, the controllers' included. Aggregated roles (admin, edit, view) have no rules
until the ClusterRole aggregation controller fills them.
"""

from clustersim.api.rbac import ClusterRole, ClusterRoleBinding
from clustersim.auth.bootstrappolicy.controller_policy import SA_ROLE_PREFIX, controller_role_bindings, controller_roles
from clustersim.auth.bootstrappolicy.policy import cluster_role_bindings, cluster_roles, node_rules

__all__ = ["SA_ROLE_PREFIX", "controller_role_bindings", "controller_roles", "cluster_role_bindings", "cluster_roles",
           "default_policy", "node_rules"]


def default_policy() -> tuple[list[ClusterRole], list[ClusterRoleBinding]]:
    """(every default ClusterRole, every default ClusterRoleBinding), fresh objects each call."""
    return cluster_roles() + controller_roles(), cluster_role_bindings() + controller_role_bindings()

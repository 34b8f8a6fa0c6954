"""The RBAC registry's write checks (``pkg/registry/rbac/*/policybased``): the escalation check runs
after authorization, on every create and update of a Role, ClusterRole, RoleBinding or
ClusterRoleBinding, against the rules the requester holds now. Its rule resolver reads the stored
objects themselves (``role.AuthorizerAdapter`` over the registry, not an informer), so a Role created
a moment ago can be bound at once; ``escalate`` and ``bind`` are asked of the authorizer.
"""

from __future__ import annotations

from typing import Any

from clustersim.auth.authn import Credential
from clustersim.auth.authorizer import Authorizer
from clustersim.auth.rbac.escalation import check_binding_write, check_role_write
from clustersim.auth.rbac.policy import Binding
from clustersim.auth.rbac.resolver import RuleResolver

__all__ = ["RBACStorage", "StorePolicy"]


class StorePolicy:
    """The resolver's listers over the store itself."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def list_cluster_role_bindings(self) -> list[Binding]:
        """Every ClusterRoleBinding, by name."""
        return sorted((Binding(b.meta.name, "", b.role_ref, tuple(b.subjects)) for b in self.store.list("ClusterRoleBinding")),
                      key=lambda b: b.name)

    def list_role_bindings(self, namespace: str) -> list[Binding]:
        """The RoleBindings of ``namespace``, by name."""
        return sorted((Binding(b.meta.name, namespace, b.role_ref, tuple(b.subjects)) for b in self.store.list("RoleBinding")
                       if b.meta.namespace == namespace), key=lambda b: b.name)

    def get_cluster_role(self, name: str) -> Any:
        """A ClusterRole's rules (None: not found)."""
        role = self.store.get("ClusterRole", name)
        return None if role is None else tuple(role.rules)

    def get_role(self, namespace: str, name: str) -> Any:
        """A Role's rules (None: not found)."""
        role = self.store.get("Role", f"{namespace}/{name}")
        return None if role is None else tuple(role.rules)


class RBACStorage:
    """Refuses (Forbidden) RBAC writes that would grant what the requester does not hold."""

    def __init__(self, authorizer: Authorizer, store: Any) -> None:
        self.authorizer, self.resolver = authorizer, RuleResolver(StorePolicy(store))  # type: ignore[arg-type]

    def check(self, cred: Credential, obj: Any) -> None:
        """Raise Forbidden when ``obj``'s write is an escalation."""
        kind, meta, user = obj.KIND, obj.meta, cred.user
        if kind in ("Role", "ClusterRole"):
            check_role_write(self.authorizer, self.resolver, user, kind, meta.namespace, meta.name, obj.rules,
                             getattr(obj, "aggregation_rule", None) is not None)
        elif kind in ("RoleBinding", "ClusterRoleBinding"):
            check_binding_write(self.authorizer, self.resolver, user, kind, meta.namespace, meta.name, obj.role_ref)

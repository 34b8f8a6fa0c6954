"""What the RBAC authorizer sees of the RBAC objects: its informers' caches, as one index.

Upstream the authorizer reads Roles, ClusterRoles and bindings through listers fed by watches, so a
change takes effect when its watch event arrives. ``Policy`` holds a snapshot of each object's
rules and subjects (rules are immutable tuples), keyed as the listers key them, plus an epoch that
changes with every update (the decision cache is keyed on it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from clustersim.api.rbac import ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject

__all__ = ["Binding", "Policy"]


@dataclass(frozen=True, slots=True)
class Binding:
    """A RoleBinding (``namespace`` set) or ClusterRoleBinding as the resolver reads it."""

    name: str
    namespace: str
    role_ref: RoleRef
    subjects: tuple[Subject, ...]


class Policy:
    """Roles, ClusterRoles and bindings by key; ``epoch`` counts the changes."""

    def __init__(self) -> None:
        self.cluster_roles: dict[str, tuple[PolicyRule, ...]] = {}
        self.roles: dict[tuple[str, str], tuple[PolicyRule, ...]] = {}
        self.cluster_role_bindings: dict[str, Binding] = {}
        self.role_bindings: dict[str, dict[str, Binding]] = {}
        self.epoch = 0
        self.listeners: list[Callable[[], None]] = []  # told of every change (the decision cache, the watches)

    @classmethod
    def of(cls, objects: Iterable[Any]) -> Policy:
        """A policy holding these RBAC objects (others are ignored)."""
        p = cls()
        for obj in objects:
            p.put(obj)
        return p

    def put(self, obj: Any) -> None:
        """Add or replace an RBAC object."""
        self.epoch += 1
        for listener in self.listeners:
            listener()
        m = obj.meta
        if isinstance(obj, ClusterRole):
            self.cluster_roles[m.name] = tuple(obj.rules)
        elif isinstance(obj, Role):
            self.roles[(m.namespace, m.name)] = tuple(obj.rules)
        elif isinstance(obj, ClusterRoleBinding):
            self.cluster_role_bindings[m.name] = Binding(m.name, "", obj.role_ref, tuple(obj.subjects))
        elif isinstance(obj, RoleBinding):
            self.role_bindings.setdefault(m.namespace, {})[m.name] = Binding(m.name, m.namespace, obj.role_ref, tuple(obj.subjects))

    def remove(self, obj: Any) -> None:
        """Forget an RBAC object."""
        self.epoch += 1
        for listener in self.listeners:
            listener()
        m = obj.meta
        if isinstance(obj, ClusterRole):
            self.cluster_roles.pop(m.name, None)
        elif isinstance(obj, Role):
            self.roles.pop((m.namespace, m.name), None)
        elif isinstance(obj, ClusterRoleBinding):
            self.cluster_role_bindings.pop(m.name, None)
        elif isinstance(obj, RoleBinding):
            self.role_bindings.get(m.namespace, {}).pop(m.name, None)

    # ---- the listers
    def holds(self, obj: Any) -> bool:
        """The policy already has exactly this object's rules (or subjects): a re-announced object changes nothing."""
        m = obj.meta
        if isinstance(obj, ClusterRole):
            return self.cluster_roles.get(m.name) == tuple(obj.rules)
        if isinstance(obj, Role):
            return self.roles.get((m.namespace, m.name)) == tuple(obj.rules)
        if isinstance(obj, ClusterRoleBinding):
            return self.cluster_role_bindings.get(m.name) == Binding(m.name, "", obj.role_ref, tuple(obj.subjects))
        if isinstance(obj, RoleBinding):
            return self.role_bindings.get(m.namespace, {}).get(m.name) == Binding(m.name, m.namespace, obj.role_ref, tuple(obj.subjects))
        return False

    def list_cluster_role_bindings(self) -> list[Binding]:
        """ClusterRoleBindings in name order (a fixed order, so reasons are reproducible)."""
        return [self.cluster_role_bindings[k] for k in sorted(self.cluster_role_bindings)]

    def list_role_bindings(self, namespace: str) -> list[Binding]:
        """RoleBindings of ``namespace`` in name order."""
        ns = self.role_bindings.get(namespace)
        return [ns[k] for k in sorted(ns)] if ns else []

    def get_cluster_role(self, name: str) -> tuple[PolicyRule, ...] | None:
        """The rules of a ClusterRole, or None when it does not exist."""
        return self.cluster_roles.get(name)

    def get_role(self, namespace: str, name: str) -> tuple[PolicyRule, ...] | None:
        """The rules of a Role, or None when it does not exist."""
        return self.roles.get((namespace, name))

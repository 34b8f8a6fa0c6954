"""The ClusterRole aggregation controller (``pkg/controller/clusterroleaggregation``).

A ClusterRole with an ``aggregationRule`` gets the rules of every other ClusterRole whose labels
match one of its selectors: selectors in order, the matching roles of a selector sorted by name,
rules in order, exact duplicates dropped. Any ClusterRole change requeues every aggregated role, so
the rules follow the roles they select; no write is made when nothing changed. It runs as the
ServiceAccount ``clusterrole-aggregation-controller``, whose role has ``escalate`` on ClusterRoles.
"""

from __future__ import annotations

from collections.abc import Iterable

from clustersim.api.rbac import ClusterRole, PolicyRule
from clustersim.controllers.base import CONTROLLERS, Controller, Result

__all__ = ["ClusterRoleAggregationController", "aggregate", "aggregated_rules"]


def aggregated_rules(roles: Iterable[ClusterRole], target: ClusterRole) -> tuple[tuple[PolicyRule, ...], bool]:
    """``syncClusterRole``'s computation: (the new rules, whether they differ from the current ones)."""
    rule_set = target.aggregation_rule
    if rule_set is None:
        return target.rules, False
    others = sorted((r for r in roles if r.meta.name != target.meta.name), key=lambda r: r.meta.name)
    out: list[PolicyRule] = []
    for selector in rule_set.cluster_role_selectors:
        for role in others:
            if all(role.meta.labels.get(k) == v for k, v in selector):
                out += [r for r in role.rules if r not in out]
    new = tuple(out)
    return new, new != tuple(target.rules)


def aggregate(roles: list[ClusterRole]) -> list[ClusterRole]:
    """Run the controller to its fixed point over ``roles`` (in place): what a settled cluster holds."""
    for _ in range(len(roles) + 1):
        changed = False
        for role in roles:
            rules, updated = aggregated_rules(roles, role)
            if updated:
                role.rules, changed = rules, True
        if not changed:
            break
    return roles


@CONTROLLERS.register("ClusterRoleAggregation")
class ClusterRoleAggregationController(Controller):
    """Keeps aggregated ClusterRoles' rules the union of the roles they select."""

    name = "ClusterRoleAggregation"
    service_account = "clusterrole-aggregation-controller"

    def setup(self) -> None:
        """Every ClusterRole change requeues every aggregated ClusterRole (``enqueue``)."""
        self.state.watch("ClusterRole", self._on_cluster_role)

    def _on_cluster_role(self, _etype: str, _role: ClusterRole) -> None:
        for role in self.state.list("ClusterRole"):
            if role.aggregation_rule is not None:
                self.enqueue(role.key)

    def reconcile(self, key: str) -> Result | None:
        """Write the aggregated rules when they changed."""
        role: ClusterRole | None = self.state.get("ClusterRole", key)
        if role is None or role.aggregation_rule is None:
            return None
        rules, updated = aggregated_rules(self.state.list("ClusterRole"), role)
        if updated:
            self.state.authorize("update", role)  # refused: no change is made (the work queue retries)
            role.rules = rules
            self.state.update(role)
        return None

"""The RBAC objects, namespaces and ServiceAccounts of a config, as the API server stores them at start.

Every namespace a configured object lives in exists as a Namespace object (as the NamespaceLifecycle
admission plugin requires of a real cluster); the controller-manager's controllers' ServiceAccounts
exist in kube-system (the controller-manager creates them at start with its own credentials).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import Namespace, ServiceAccount
from clustersim.auth.rbac.objects import binding_from_dict, cluster_role_from_dict, role_from_dict

__all__ = ["config_namespaces", "objects_from_config"]

_NAMESPACED = ("deployments", "stateful_sets", "daemon_sets", "jobs", "cron_jobs", "replica_sets", "pods", "services",
               "pod_disruption_budgets", "persistent_volume_claims", "horizontal_pod_autoscalers", "service_accounts", "roles",
               "role_bindings")


def config_namespaces(cfg: Any) -> list[str]:
    """Namespaces the config names, in first-seen order."""
    seen: dict[str, None] = {n.name: None for n in cfg.namespaces}
    for section in _NAMESPACED:
        for item in getattr(cfg, section, ()):
            ns = getattr(item, "namespace", "")
            if ns:
                seen.setdefault(ns, None)
    return list(seen)


def objects_from_config(cfg: Any, service_accounts: Iterable[tuple[str, str]] = ()) -> list[Any]:
    """Namespaces, ServiceAccounts (the config's and ``service_accounts``), Roles, ClusterRoles and bindings."""
    labels = {n.name: dict(n.labels) for n in cfg.namespaces}
    out: list[Any] = [Namespace(ObjectMeta(ns, labels=labels.get(ns, {}))) for ns in config_namespaces(cfg)]
    accounts = dict.fromkeys([*service_accounts, *((sa.namespace, sa.name) for sa in cfg.service_accounts)])
    out += [ServiceAccount(ObjectMeta(name, ns)) for ns, name in accounts]
    out += [role_from_dict(r.model_dump()) for r in cfg.roles]
    out += [cluster_role_from_dict(r.model_dump()) for r in cfg.cluster_roles]
    out += [binding_from_dict(b.model_dump(), i) for i, b in enumerate(cfg.role_bindings)]
    out += [binding_from_dict({**b.model_dump(), "namespace": ""}, i) for i, b in enumerate(cfg.cluster_role_bindings)]
    return out

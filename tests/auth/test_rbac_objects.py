"""RBAC objects from manifests take effect; the aggregation controller keeps aggregated roles current in a run."""

from __future__ import annotations

from pathlib import Path

import yaml

from clustersim.auth.identity import service_account, user
from clustersim.config.load import validate_dict
from clustersim.sim import build
from tests.conftest import BASE, make_config, merge

MANIFEST = """
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: shop}
rules:
- apiGroups: [""]
  resources: [pods, pods/log]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: monitoring}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-nodes
  labels: {rbac.example.com/aggregate-to-monitoring: "true"}
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: read-pods, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects:
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
- {kind: Group, name: auditors, apiGroup: rbac.authorization.k8s.io}
- {kind: ServiceAccount, name: deployer}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: monitoring}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: monitoring}
subjects:
- {kind: ServiceAccount, name: prometheus, namespace: monitoring}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dangling}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: does-not-exist}
subjects:
- {kind: User, name: jane}
"""


def test_rbac_manifests_load_and_take_effect(tmp_path: Path) -> None:
    (tmp_path / "rbac.yaml").write_text(MANIFEST)
    cfg_path = tmp_path / "c.yaml"
    cfg_path.write_text(yaml.safe_dump(merge(BASE, {"duration_s": 5.0, "manifests": ["rbac.yaml"]})))
    from clustersim.config import load_config

    cfg = load_config(cfg_path)
    assert [r.name for r in cfg.cluster_roles] == ["monitoring", "monitoring-nodes"] and cfg.cluster_roles[0].aggregation_rule is not None
    sim = build(cfg)
    sim.run()
    allowed = sim.auth.filter.allowed
    jane, auditor = sim.auth.login(user("jane")), sim.auth.login(user("ann", "auditors"))
    sa = sim.auth.login(service_account("shop", "deployer"))
    prom = sim.auth.login(service_account("monitoring", "prometheus"))
    assert allowed(jane, "get", "Pod", "shop", "p", "log") and allowed(auditor, "list", "Pod", "shop")
    assert allowed(sa, "watch", "Pod", "shop")  # a ServiceAccount subject without namespace: the binding's
    assert not allowed(jane, "list", "Pod", "default") and not allowed(jane, "delete", "Pod", "shop", "p")
    assert allowed(prom, "list", "Node") and not allowed(prom, "delete", "Node", name="n-0")  # through the aggregated role
    assert sim.state.get("ClusterRoleBinding", "dangling") is not None  # accepted, grants nothing


def test_the_aggregation_controller_follows_the_roles_it_selects() -> None:
    part = {"name": "part", "labels": {"agg": "yes"}, "rules": [{"verbs": ["get", "delete"], "api_groups": ["apps"], "resources": ["deployments"]}]}
    cfg = make_config(duration_s=30.0, cluster_roles=[{"name": "combined", "aggregation_rule": {"cluster_role_selectors": [{"match_labels": {"agg": "yes"}}]}}, part],
                      faults=[{"name": "PermissionRevoked", "args": {"at_s": 10.0, "kind": "ClusterRole", "name": "part", "action": "remove_rules",
                                                                     "verbs": ["delete"]}}])
    sim = build(cfg)
    sim.start()
    sim.env.run(until=5.0)
    combined = sim.state.get("ClusterRole", "combined")
    assert [r.verbs for r in combined.rules] == [("get", "delete")]  # as written in the role it selects
    view = sim.state.get("ClusterRole", "view")
    assert len(view.rules) >= 10  # the default aggregated roles are filled at start
    sim.env.run(until=30.0)
    assert [r.verbs for r in sim.state.get("ClusterRole", "combined").rules] == [("get",)]


def test_rbac_config_errors_name_the_field() -> None:
    import pytest

    from clustersim.config.errors import ConfigError

    bad = merge(BASE, {"cluster_role_bindings": [{"name": "x", "role_ref": {"kind": "Role", "name": "r"}}]})
    with pytest.raises(ConfigError, match="cluster_role_bindings.0.role_ref.kind"):
        validate_dict(bad, "t")
    bad = merge(BASE, {"roles": [{"name": "r", "rules": [{"verbs": ["get"], "non_resource_urls": ["/x"]}]}]})
    with pytest.raises(ConfigError, match="roles.0.rules.0.non_resource_urls"):
        validate_dict(bad, "t")
    bad = merge(BASE, {"roles": [{"name": "r", "rules": [{"verbs": ["get"], "resources": ["pods"]}]}]})
    with pytest.raises(ConfigError, match="api_groups"):
        validate_dict(bad, "t")

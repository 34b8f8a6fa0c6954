"""RBAC writes through the API server: ConfirmNoEscalation, escalate and bind, aggregation rules;
RBAC objects of a config take effect, and a binding to a role that does not exist grants nothing."""

from __future__ import annotations

import pytest

from clustersim.api.errors import Forbidden
from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import AggregationRule, ClusterRole, ClusterRoleBinding, Role, RoleBinding, RoleRef, Subject
from clustersim.apiserver import ClusterState
from clustersim.apiserver.admission import DefaultTolerationSeconds
from clustersim.auth.identity import user
from clustersim.auth.rbac.helpers import rule
from clustersim.auth.server import ApiServerAuth
from clustersim.env import ClusterEnv
from clustersim.sim import build
from tests.conftest import make_config

RB = "rbac.authorization.k8s.io"


def _server(*objs: object) -> ApiServerAuth:
    env = ClusterEnv(1)
    auth = ApiServerAuth(ClusterState(env, 0.05, DefaultTolerationSeconds(300, 300)))
    auth.bootstrap(list(objs))
    return auth


DELETER = ClusterRole(ObjectMeta("pod-deleter"), (rule("delete").groups("").resources("pods").build(),))
MANAGE_BINDINGS = ClusterRole(ObjectMeta("binding-manager"), (rule("create", "update").groups(RB).resources("rolebindings", "roles").build(),
                                                              rule("get", "list").groups("").resources("pods").build()))


def test_a_binding_is_refused_unless_its_rules_are_held_or_bind_is() -> None:
    auth = _server(MANAGE_BINDINGS, DELETER,
                   RoleBinding(ObjectMeta("alice-manages", "ns1"), RoleRef("ClusterRole", "binding-manager"), (Subject("User", "alice"),)))
    alice = auth.client(user("alice"))
    binding = RoleBinding(ObjectMeta("bob-deletes", "ns1"), RoleRef("ClusterRole", "pod-deleter"), (Subject("User", "bob"),))
    with pytest.raises(Forbidden) as e:
        alice.create(binding)  # alice may create bindings, but does not hold the role's rules
    assert e.value.message == ('rolebindings.rbac.authorization.k8s.io "bob-deletes" is forbidden: user "alice" '
                               '(groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
                               '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}')
    assert auth.filter.rows[-1][8] == 403 and auth.store.get("RoleBinding", "ns1/bob-deletes") is None
    reader = Role(ObjectMeta("pod-reader", "ns1"), (rule("get", "list").groups("").resources("pods").build(),))
    alice.create(reader)  # rules she holds: fine
    alice.create(RoleBinding(ObjectMeta("bob-reads", "ns1"), RoleRef("Role", "pod-reader"), (Subject("User", "bob"),)))
    with pytest.raises(Forbidden):
        alice.create(Role(ObjectMeta("deleter", "ns1"), (rule("delete").groups("").resources("pods").build(),)))


def test_bind_and_escalate_lift_the_check() -> None:
    powers = ClusterRole(ObjectMeta("powers"), (rule("bind").groups(RB).resources("clusterroles").names("pod-deleter").build(),
                                                rule("escalate").groups(RB).resources("roles").build()))
    other = ClusterRole(ObjectMeta("node-admin"), (rule("delete").groups("").resources("nodes").build(),))
    auth = _server(MANAGE_BINDINGS, DELETER, powers, other,
                   RoleBinding(ObjectMeta("carol-manages", "ns1"), RoleRef("ClusterRole", "binding-manager"), (Subject("User", "carol"),)),
                   RoleBinding(ObjectMeta("carol-powers", "ns1"), RoleRef("ClusterRole", "powers"), (Subject("User", "carol"),)))
    carol = auth.client(user("carol"))
    carol.create(RoleBinding(ObjectMeta("bob-deletes", "ns1"), RoleRef("ClusterRole", "pod-deleter"), (Subject("User", "bob"),)))
    with pytest.raises(Forbidden):  # bind names only pod-deleter
        carol.create(RoleBinding(ObjectMeta("bob-nodes", "ns1"), RoleRef("ClusterRole", "node-admin"), (Subject("User", "bob"),)))
    carol.create(Role(ObjectMeta("anything", "ns1"), (rule("*").groups("*").resources("*").build(),)))  # escalate on roles


def test_an_aggregation_rule_needs_cluster_admin() -> None:
    writer = ClusterRole(ObjectMeta("cr-writer"), (rule("create").groups(RB).resources("clusterroles").build(),))
    auth = _server(writer, ClusterRoleBinding(ObjectMeta("dave"), RoleRef("ClusterRole", "cr-writer"), (Subject("User", "dave"),)))
    agg = ClusterRole(ObjectMeta("sneaky"), (), AggregationRule(((("x", "y"),),)))
    with pytest.raises(Forbidden) as e:
        auth.client(user("dave")).create(agg)
    assert e.value.message.endswith("must have cluster-admin privileges to use an aggregationRule")
    auth.client(user("root", "system:masters")).create(agg)


def test_config_rbac_objects_take_effect_and_a_binding_to_a_missing_role_grants_nothing() -> None:
    cfg = make_config(duration_s=5.0, users=[{"name": "alice", "groups": ["devs"]}],
                      roles=[{"name": "reader", "namespace": "team", "rules": [{"verbs": ["get", "list"], "api_groups": [""], "resources": ["pods"]}]}],
                      role_bindings=[{"name": "devs-read", "namespace": "team", "role_ref": {"kind": "Role", "name": "reader"},
                                      "subjects": [{"kind": "Group", "name": "devs"}]},
                                     {"name": "ghost", "namespace": "team", "role_ref": {"kind": "ClusterRole", "name": "no-such-role"},
                                      "subjects": [{"kind": "User", "name": "alice"}]}])
    sim = build(cfg)
    sim.run()
    alice = sim.auth.client(user("alice", "devs"))
    assert sim.auth.filter.allowed(alice.credential, "list", "Pod", "team")
    assert not sim.auth.filter.allowed(alice.credential, "list", "Pod", "default")
    assert not sim.auth.filter.allowed(alice.credential, "delete", "Pod", "team", "x")
    assert sim.state.get("RoleBinding", "team/ghost") is not None and sim.state.get("Namespace", "team") is not None

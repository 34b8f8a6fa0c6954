"""Table-driven tests of the RBAC rules (evaluation, resolver, Covers, escalation) and the Node authorizer."""

from __future__ import annotations

import pytest

from clustersim.api.errors import Forbidden, forbidden_message
from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject
from clustersim.auth.attributes import Attributes
from clustersim.auth.authorizer import Decision
from clustersim.auth.bootstrappolicy import node_rules
from clustersim.auth.chain import build_authorizer
from clustersim.auth.node import GraphPod, NodeAuthorizer, PodGraph
from clustersim.auth.rbac.authorizer import RBACAuthorizer
from clustersim.auth.rbac.comparator import covers
from clustersim.auth.rbac.escalation import check_binding_write, check_role_write, compact_rules
from clustersim.auth.rbac.evaluation import rule_allows
from clustersim.auth.rbac.helpers import compact_string, rule
from clustersim.auth.rbac.policy import Policy
from clustersim.auth.rbac.resolver import RuleResolver
from clustersim.auth.user import UserInfo

ALICE = UserInfo("alice", ("devs", "system:authenticated"))
POD_READER = rule("get", "list").groups("").resources("pods").build()


def _req(verb: str, resource: str, sub: str = "", ns: str = "ns1", name: str = "", group: str = "", user: UserInfo = ALICE) -> Attributes:
    return Attributes(user, verb, ns, group, resource, sub, name)


@pytest.mark.parametrize(("r", "req", "allowed"), [
    (POD_READER, _req("get", "pods"), True),
    (POD_READER, _req("get", "pods", "log"), False),                               # a bare resource is not its subresources
    (rule("get").groups("").resources("pods/log").build(), _req("get", "pods", "log"), True),
    (rule("get").groups("").resources("*/scale").build(), _req("get", "deployments", "scale"), True),
    (rule("get").groups("").resources("*/scale").build(), _req("get", "deployments"), False),
    (rule("*").groups("*").resources("*").build(), _req("delete", "pods", "eviction", group="x"), True),
    (rule("get").groups("").resources("pods").names("a").build(), _req("get", "pods", name="a"), True),
    (rule("get").groups("").resources("pods").names("a").build(), _req("get", "pods", name="b"), False),
    (rule("get").groups("").resources("pods").build(), _req("GET", "pods"), False),  # case-sensitive
    (rule("get").groups("").resources("pods").build(), _req("get", "pods", group="apps"), False),
    (rule("get").urls("/apis/*").build(), Attributes(ALICE, "get", resource_request=False, path="/apis/v1"), True),
    (rule("get").urls("/apis/*").build(), Attributes(ALICE, "get", resource_request=False, path="/apis"), False),
])
def test_rule_allows(r: PolicyRule, req: Attributes, allowed: bool) -> None:
    assert rule_allows(req, r) is allowed


def _objects() -> list:
    return [
        Role(ObjectMeta("pod-reader", "ns1"), (POD_READER,)),
        ClusterRole(ObjectMeta("node-reader"), (rule("get").groups("").resources("nodes").build(),)),
        RoleBinding(ObjectMeta("devs-read", "ns1"), RoleRef("Role", "pod-reader"), (Subject("Group", "devs"),)),
        RoleBinding(ObjectMeta("nodes-in-ns1", "ns1"), RoleRef("ClusterRole", "node-reader"), (Subject("User", "alice"),)),
        ClusterRoleBinding(ObjectMeta("ghost"), RoleRef("ClusterRole", "does-not-exist"), (Subject("User", "alice"),)),
        RoleBinding(ObjectMeta("sa", "ns1"), RoleRef("Role", "pod-reader"), (Subject("ServiceAccount", "robot"),)),
    ]


@pytest.mark.parametrize(("req", "allowed"), [
    (_req("get", "pods"), True),
    (_req("get", "pods", ns="ns2"), False),                      # a RoleBinding grants only in its namespace
    (_req("get", "nodes", ns="ns1"), True),                      # a RoleBinding may grant a ClusterRole, in its namespace
    (_req("get", "nodes", ns=""), False),                        # ... not at the cluster scope
    (_req("get", "pods", user=UserInfo("system:serviceaccount:ns1:robot")), True),   # SA subject defaults to the binding's ns
    (_req("get", "pods", ns="ns2", user=UserInfo("system:serviceaccount:ns2:robot")), False),
])
def test_rbac_authorizer(req: Attributes, allowed: bool) -> None:
    assert (RBACAuthorizer(Policy.of(_objects())).authorize(req).decision is Decision.ALLOW) is allowed


def test_binding_to_a_missing_role_grants_nothing_and_names_it() -> None:
    r = RBACAuthorizer(Policy.of(_objects())).authorize(_req("delete", "pods"))
    assert r.decision is Decision.NO_OPINION
    assert r.reason == 'RBAC: clusterrole.rbac.authorization.k8s.io "does-not-exist" not found'
    allowed = RBACAuthorizer(Policy.of(_objects())).authorize(_req("get", "pods"))
    assert allowed.reason == 'RBAC: allowed by RoleBinding "devs-read/ns1" of Role "pod-reader" to Group "devs"'


def test_rules_for_is_cluster_plus_namespace() -> None:
    rules, errors = RuleResolver(Policy.of(_objects())).rules_for(ALICE, "ns1")
    assert set(rules) == {POD_READER, rule("get").groups("").resources("nodes").build()} and len(errors) == 1
    assert RuleResolver(Policy.of(_objects())).rules_for(ALICE, "")[0] == []


def test_privileged_group_and_union_order() -> None:
    chain = build_authorizer(Policy.of(_objects()))
    root = UserInfo("root", ("system:masters",))
    assert chain.authorize(_req("delete", "nodes", ns="", user=root)).decision is Decision.ALLOW
    denied = chain.authorize(_req("delete", "pods"))
    assert denied.decision is Decision.NO_OPINION and "not found" in denied.reason


NODE1 = UserInfo("system:node:node1", ("system:nodes", "system:authenticated"))
GRAPH = PodGraph([GraphPod("ns1", "p1", "node1", ("s1",), pvcs=("c1",)), GraphPod("ns1", "p2", "node2", ("s2",))])


@pytest.mark.parametrize(("req", "decision"), [
    (_req("get", "secrets", name="s1", user=NODE1), Decision.ALLOW),
    (_req("get", "secrets", name="s2", user=NODE1), Decision.NO_OPINION),
    (_req("update", "secrets", name="s1", user=NODE1), Decision.NO_OPINION),
    (_req("get", "persistentvolumeclaims", name="c1", user=NODE1), Decision.ALLOW),
    (_req("get", "pods", name="p1", user=NODE1), Decision.ALLOW),
    (_req("get", "pods", name="p2", user=NODE1), Decision.NO_OPINION),
    (_req("update", "pods", "status", name="p2", user=NODE1), Decision.ALLOW),       # NodeRestriction admission limits it
    (_req("update", "pods", name="p1", user=NODE1), Decision.NO_OPINION),
    (_req("update", "leases", ns="kube-node-lease", name="node1", group="coordination.k8s.io", user=NODE1), Decision.ALLOW),
    (_req("update", "leases", ns="kube-node-lease", name="node2", group="coordination.k8s.io", user=NODE1), Decision.NO_OPINION),
    (_req("get", "nodes", ns="", name="node1", user=NODE1), Decision.ALLOW),
    (_req("get", "nodes", ns="", name="node2", user=NODE1), Decision.NO_OPINION),
    (_req("get", "services", user=NODE1), Decision.ALLOW),                          # static node rules
    (_req("get", "pods", user=UserInfo("system:node:node1")), Decision.NO_OPINION),  # not in system:nodes: not a node
])
def test_node_authorizer(req: Attributes, decision: Decision) -> None:
    assert NodeAuthorizer(GRAPH, node_rules()).authorize(req).decision is decision


def test_node_pod_watch_needs_its_field_selector() -> None:
    authz = NodeAuthorizer(GRAPH, node_rules())
    plain = Attributes(NODE1, "watch", "", "", "pods")
    scoped = Attributes(NODE1, "watch", "", "", "pods", field_selector=(("spec.nodeName", "node1"),))
    other = Attributes(NODE1, "watch", "", "", "pods", field_selector=(("spec.nodeName", "node2"),))
    assert [authz.authorize(a).decision for a in (plain, scoped, other)] == [Decision.NO_OPINION, Decision.ALLOW, Decision.NO_OPINION]
    assert NodeAuthorizer(GRAPH, node_rules(), selectors=False).authorize(plain).decision is Decision.ALLOW


def test_covers_and_compact_rules() -> None:
    owner = [rule("get", "list").groups("").resources("pods").build()]
    ok, missing = covers(owner, [rule("get", "delete").groups("").resources("pods", "pods/log").build()])
    assert not ok
    assert sorted(compact_string(r) for r in compact_rules(missing)) == [
        '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}', '{APIGroups:[""], Resources:["pods/log"], Verbs:["delete" "get"]}']


def _escalation_policy() -> tuple[RBACAuthorizer, RuleResolver]:
    objs = _objects() + [ClusterRole(ObjectMeta("binder"), (rule("bind").groups("rbac.authorization.k8s.io").resources("clusterroles")
                                                            .names("node-reader").build(),)),
                         ClusterRoleBinding(ObjectMeta("carol-binds"), RoleRef("ClusterRole", "binder"), (Subject("User", "carol"),))]
    policy = Policy.of(objs)
    return RBACAuthorizer(policy), RuleResolver(policy)


def test_a_user_can_grant_only_what_it_holds() -> None:
    authz, resolver = _escalation_policy()
    check_role_write(authz, resolver, ALICE, "Role", "ns1", "mine", (POD_READER,), aggregated=False)  # held: fine
    with pytest.raises(Forbidden) as e:
        check_role_write(authz, resolver, ALICE, "Role", "ns1", "mine", (rule("delete").groups("").resources("pods").build(),), False)
    assert e.value.message.startswith('roles.rbac.authorization.k8s.io "mine" is forbidden: user "alice" '
                                      '(groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n'
                                      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}')
    with pytest.raises(Forbidden):  # held in ns1, not in ns2
        check_role_write(authz, resolver, ALICE, "Role", "ns2", "mine", (POD_READER,), aggregated=False)
    root = UserInfo("root", ("system:masters",))
    check_role_write(authz, resolver, root, "ClusterRole", "", "any", (rule("*").groups("*").resources("*").build(),), aggregated=True)


def test_binding_needs_the_roles_rules_or_bind() -> None:
    authz, resolver = _escalation_policy()
    ref = RoleRef("ClusterRole", "node-reader")
    with pytest.raises(Forbidden):
        check_binding_write(authz, resolver, UserInfo("dave"), "ClusterRoleBinding", "", "b", ref)
    check_binding_write(authz, resolver, UserInfo("carol"), "ClusterRoleBinding", "", "b", ref)  # bind on that role
    with pytest.raises(Forbidden) as e:  # a role that does not exist cannot be checked: refused
        check_binding_write(authz, resolver, ALICE, "RoleBinding", "ns1", "b", RoleRef("Role", "ghost"))
    assert 'role.rbac.authorization.k8s.io "ghost" not found' in e.value.message
    check_binding_write(authz, resolver, ALICE, "RoleBinding", "ns1", "b", RoleRef("Role", "pod-reader"))


def test_forbidden_message_is_upstreams() -> None:
    assert forbidden_message("bob", "create", "", "pods", "", "default", "") == (
        'pods is forbidden: User "bob" cannot create resource "pods" in API group "" in the namespace "default"')
    assert forbidden_message("bob", "update", "apps", "deployments", "scale", "", "web") == (
        'deployments.apps "web" is forbidden: User "bob" cannot update resource "deployments/scale" in API group "apps" at the cluster scope')
    assert forbidden_message("bob", "get", "", "", "", "", "", path="/metrics") == 'forbidden: User "bob" cannot get path "/metrics"'


def test_rule_builder_refuses_malformed_rules() -> None:
    with pytest.raises(ValueError):
        rule().groups("").resources("pods").build()
    with pytest.raises(ValueError):
        rule("get").resources("pods").build()
    with pytest.raises(ValueError):
        rule("list").groups("").resources("pods").names("a").build()
    with pytest.raises(ValueError):
        rule("get").groups("").urls("/x").build()
    assert rule("watch", "get", "get").groups("b", "a").resources("x").build().verbs == ("get", "watch")

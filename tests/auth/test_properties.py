"""Invariants of RBAC (hypothesis): more bindings never mean fewer permissions; an aggregated role
covers every role it selects; a rule set covers itself and what it allows."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clustersim.api.objects import ObjectMeta
from clustersim.api.rbac import AggregationRule, ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject
from clustersim.auth.attributes import Attributes
from clustersim.auth.authorizer import Decision
from clustersim.auth.chain import build_authorizer
from clustersim.auth.rbac.comparator import covers
from clustersim.auth.rbac.evaluation import rule_allows
from clustersim.auth.rbac.policy import Policy
from clustersim.auth.user import UserInfo
from clustersim.controllers.clusterrole_aggregation import aggregated_rules

VERBS = st.sampled_from(["get", "list", "create", "delete", "*"])
GROUPS = st.sampled_from(["", "apps", "*"])
RESOURCES = st.sampled_from(["pods", "pods/status", "deployments", "*", "*/scale", "nodes"])
NAMES = st.sampled_from(["a", "b"])
NAMESPACES = st.sampled_from(["", "ns1", "ns2"])
USERS = st.sampled_from(["alice", "bob", "system:serviceaccount:ns1:robot", "system:node:n1"])
GROUP_NAMES = st.sampled_from(["devs", "ops", "system:nodes", "system:masters"])


def _tuple(s: st.SearchStrategy[str], max_size: int = 3) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(s, min_size=1, max_size=max_size, unique=True).map(tuple)


resource_rules = st.builds(PolicyRule, _tuple(VERBS), _tuple(GROUPS), _tuple(RESOURCES),
                           st.one_of(st.just(()), _tuple(NAMES, 2)))
url_rules = st.builds(lambda v, u: PolicyRule(verbs=v, non_resource_urls=u), _tuple(VERBS), _tuple(st.sampled_from(["/api", "/api/*", "*"]), 2))
rules = st.lists(st.one_of(resource_rules, url_rules), max_size=4).map(tuple)
subjects = st.lists(st.one_of(st.builds(Subject, st.just("User"), USERS), st.builds(Subject, st.just("Group"), GROUP_NAMES),
                              st.builds(Subject, st.just("ServiceAccount"), st.just("robot"), st.sampled_from(["", "ns1"]))),
                    max_size=3).map(tuple)
role_names = st.sampled_from(["r1", "r2", "r3", "missing"])


@st.composite
def bindings(draw: st.DrawFn) -> RoleBinding | ClusterRoleBinding:
    name = draw(st.text("abcdef", min_size=1, max_size=6))
    ns = draw(NAMESPACES)
    if ns:
        ref = RoleRef(draw(st.sampled_from(["Role", "ClusterRole"])), draw(role_names))
        return RoleBinding(ObjectMeta(name, ns), ref, draw(subjects))
    return ClusterRoleBinding(ObjectMeta(name), RoleRef("ClusterRole", draw(role_names)), draw(subjects))


@st.composite
def policies(draw: st.DrawFn) -> list:
    objs: list = [ClusterRole(ObjectMeta(n), draw(rules)) for n in ("r1", "r2", "r3")]
    objs += [Role(ObjectMeta(n, ns), draw(rules)) for n in ("r1", "r2") for ns in ("ns1", "ns2")]
    objs += draw(st.lists(bindings(), max_size=5))
    return objs


@st.composite
def requests(draw: st.DrawFn) -> Attributes:
    user = UserInfo(draw(USERS), tuple(draw(st.lists(GROUP_NAMES, max_size=2, unique=True))))
    if draw(st.booleans()):
        res = draw(st.sampled_from(["pods", "deployments", "nodes"]))
        return Attributes(user, draw(st.sampled_from(["get", "list", "create", "delete"])), draw(NAMESPACES), draw(st.sampled_from(["", "apps"])),
                          res, draw(st.sampled_from(["", "status", "scale"])), draw(st.sampled_from(["", "a", "b", "n1"])))
    return Attributes(user, draw(st.sampled_from(["get", "post"])), resource_request=False, path=draw(st.sampled_from(["/api", "/api/v1", "/x"])))


@settings(max_examples=80, deadline=None)
@given(policies(), bindings(), st.lists(requests(), min_size=1, max_size=8))
def test_adding_a_binding_never_removes_a_permission(objs: list, extra: RoleBinding | ClusterRoleBinding, reqs: list[Attributes]) -> None:
    extra.meta.name, extra.meta.key = "added", f"{extra.meta.namespace}/added"  # a new binding, not a replacement of one
    before, after = build_authorizer(Policy.of(objs)), build_authorizer(Policy.of([*objs, extra]))
    for req in reqs:
        if before.authorize(req).decision is Decision.ALLOW:
            assert after.authorize(req).decision is Decision.ALLOW


@st.composite
def labelled_roles(draw: st.DrawFn) -> list[ClusterRole]:
    labels = st.dictionaries(st.sampled_from(["team", "tier"]), st.sampled_from(["a", "b"]), max_size=2)
    roles = [ClusterRole(ObjectMeta(f"c{i}", labels=draw(labels)), draw(rules)) for i in range(draw(st.integers(1, 5)))]
    selectors = draw(st.lists(st.dictionaries(st.sampled_from(["team", "tier"]), st.sampled_from(["a", "b"]), min_size=1, max_size=2),
                              min_size=1, max_size=2))
    agg = ClusterRole(ObjectMeta("aggregated", labels=draw(labels)), draw(rules),
                      AggregationRule(tuple(tuple(sorted(s.items())) for s in selectors)))
    return [*roles, agg]


@settings(max_examples=80, deadline=None)
@given(labelled_roles())
def test_an_aggregated_role_covers_each_role_it_selects(roles: list[ClusterRole]) -> None:
    target = roles[-1]
    assert target.aggregation_rule is not None
    new, _ = aggregated_rules(roles, target)
    selected = [r for r in roles[:-1] if target.aggregation_rule.selects(r.meta.labels)]
    for r in selected:
        assert covers(new, r.rules)[0], r.meta.name
    # and nothing else: every aggregated rule comes from a selected role
    assert all(any(x in r.rules for r in selected) for x in new)
    # a second sync changes nothing (no write)
    target.rules = new
    assert aggregated_rules(roles, target) == (new, False)


@settings(max_examples=80, deadline=None)
@given(rules, st.lists(requests(), min_size=1, max_size=6))
def test_rules_cover_themselves_and_a_covered_set_allows_no_less(rs: tuple[PolicyRule, ...], reqs: list[Attributes]) -> None:
    assert covers(rs, rs)[0]
    owner = (*rs, PolicyRule(("get",), ("",), ("pods",)))
    assert covers(owner, rs)[0]
    for req in reqs:
        if any(rule_allows(req, r) for r in rs):
            assert any(rule_allows(req, r) for r in owner)


class _Clock:
    now = 0.0


@settings(max_examples=80, deadline=None)
@given(policies(), st.lists(st.tuples(requests(), st.one_of(st.none(), bindings())), min_size=1, max_size=10))
def test_the_decision_cache_answers_as_the_authorizer(objs: list, steps: list) -> None:
    """Each check through the request filter's cache equals an uncached decision, while bindings come and go."""
    from clustersim.api.errors import Forbidden
    from clustersim.auth.attributes import register_resource
    from clustersim.auth.authn import Authenticator
    from clustersim.auth.filters import RequestFilter
    from clustersim.auth.identity import Identity

    for kind, res in (("Pods", "pods"), ("Deployments", "deployments"), ("Nodes", "nodes")):
        register_resource(f"Test{kind}", "", res)
    policy = Policy.of(objs)
    chain = build_authorizer(policy)
    filt = RequestFilter(_Clock(), chain, policy)
    authn = Authenticator(_Clock())
    creds: dict = {}
    for req, change in steps:
        if change is not None:
            policy.put(change)
        if not req.resource_request:
            continue
        user = req.user
        cred = creds.get(user) or creds.setdefault(user, authn.issue(Identity(user.name, user.groups)))
        kind = "Test" + {"pods": "Pods", "deployments": "Deployments", "nodes": "Nodes"}[req.resource]
        attrs = Attributes(cred.user, req.verb, req.namespace, "", req.resource, req.subresource, req.name)
        want = chain.authorize(attrs).decision is Decision.ALLOW
        for _ in range(2):  # the second answer comes from the cache
            try:
                filt.check(cred, req.verb, kind, req.namespace, req.name, req.subresource)
                got = True
            except Forbidden:
                got = False
            assert got is want

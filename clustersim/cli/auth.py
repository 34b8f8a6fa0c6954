"""``clustersim auth can-i`` and ``clustersim auth who-can``: ask the authorizer of a config's cluster.

The answers come from the config's RBAC objects and users, the default policy (aggregated, as the
running cluster holds it) and the config's authorization modes, through the simulator's own
authorizer. ``can-i`` prints ``yes`` or ``no`` and exits 0 or 1, as ``kubectl auth can-i``;
``--as`` impersonates a user (its groups from the config's ``users`` unless ``--as-group`` is given;
impersonation adds ``system:authenticated``, and a ServiceAccount user gets its groups). ``can-i --list``
prints what the user may do in the namespace (``SelfSubjectRulesReview``, ``auth/rules_review.py``) as
kubectl does (``pkg/cmd/auth/cani.go`` ``printStatus``: each rule broken down per group, resource and
name, rules differing only in verbs merged, sorted by the rule's string form, in four columns).
``who-can`` lists the subjects whose RoleBindings and ClusterRoleBindings allow the request, in the
tables of ``kubectl who-can`` (aquasecurity/kubectl-who-can); like it, it reads RBAC only (not the
Node authorizer, not ``system:masters``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from clustersim.cli.common import cli, fail

__all__ = ["auth_group"]

_CLUSTER_SCOPED = {"nodes", "namespaces", "persistentvolumes", "clusterroles", "clusterrolebindings", "storageclasses",
                   "csinodes", "csidrivers", "ingressclasses", "priorityclasses", "certificatesigningrequests",
                   "selfsubjectaccessreviews", "selfsubjectrulesreviews", "tokenreviews", "subjectaccessreviews"}


@cli.group("auth")
def auth_group() -> None:
    """Inspect authorization, as ``kubectl auth`` does, from a config's RBAC objects and the default policy."""


def _policy(config: Path) -> tuple[Any, Any, Any]:
    """(config, Policy, authorizer chain) of the cluster the config describes, with aggregated roles."""
    from clustersim.auth.bootstrappolicy import default_policy
    from clustersim.auth.chain import build_authorizer
    from clustersim.auth.materialize import objects_from_config
    from clustersim.auth.rbac.policy import Policy
    from clustersim.config.errors import ConfigError
    from clustersim.config.load import load_config
    from clustersim.controllers.clusterrole_aggregation import aggregate

    try:
        cfg = load_config(config)
    except ConfigError as e:
        fail(str(e))
    roles, bindings = default_policy()
    defaults: list[Any] = [*roles, *bindings]
    objs: dict[tuple[str, str], Any] = {(o.KIND, o.key): o for o in defaults}
    for o in objects_from_config(cfg):
        objs[(o.KIND, o.key)] = o  # a config object of a default name replaces it, as at start
    cluster_roles = [o for o in objs.values() if o.KIND == "ClusterRole"]
    aggregate(cluster_roles)
    policy = Policy.of(objs.values())
    return cfg, policy, build_authorizer(policy, None, cfg.auth.authorization_modes, cfg.auth.node_authorizer_selectors)


def _resource(spec: str, subresource: str) -> tuple[str, str, str]:
    """``pods``, ``pods/log``, ``deployments.apps``, ``deployments.apps/scale`` -> (group, resource, subresource)."""
    from clustersim.auth.attributes import RESOURCES

    name, _, sub = spec.partition("/")
    resource, _, group = name.partition(".")
    if not group:
        known = {res: grp for grp, res, _ in RESOURCES.values()}
        by_kind = {kind.lower(): (grp, res) for kind, (grp, res, _) in RESOURCES.items()}
        if resource in known:
            group = known[resource]
        elif resource in by_kind:
            group, resource = by_kind[resource]
        elif resource != "*":
            click.echo(f"Warning: the server doesn't have a resource type '{resource}'", err=True)
    return group, resource, sub or subresource


def _user(cfg: Any, name: str | None, groups: tuple[str, ...]) -> Any:
    from clustersim.auth.identity import ADMIN
    from clustersim.auth.user import ALL_AUTHENTICATED, UserInfo, service_account_groups, split_service_account_username

    if name is None:
        return UserInfo(ADMIN.name, (*ADMIN.groups, ALL_AUTHENTICATED))
    if not groups:
        configured = next((u for u in cfg.users if u.name == name), None)
        if configured is not None:
            groups = tuple(configured.groups)
        elif (sa := split_service_account_username(name)) is not None:
            groups = service_account_groups(sa[0])
    if name != "system:anonymous" and ALL_AUTHENTICATED not in groups:
        groups = (*groups, ALL_AUTHENTICATED)  # the impersonation filter adds it
    return UserInfo(name, groups)


def _attrs(user: Any, verb: str, spec: str, name: str, namespace: str, all_ns: bool, subresource: str) -> Any:
    from clustersim.auth.attributes import Attributes

    if spec.startswith("/"):
        return Attributes(user, verb, resource_request=False, path=spec)
    group, resource, sub = _resource(spec, subresource)
    ns = "" if all_ns or resource in _CLUSTER_SCOPED else namespace
    return Attributes(user, verb, ns, group, resource, sub, name)


@auth_group.command("can-i")
@click.argument("verb", required=False, default="")
@click.argument("resource", required=False, default="")
@click.argument("name", required=False, default="")
@click.option("--config", "config", required=True, type=click.Path(path_type=Path), help="The cluster's config.")
@click.option("--as", "as_user", default=None, help="Username to impersonate (default: the config's admin, in system:masters).")
@click.option("--as-group", "as_groups", multiple=True, help="Group to impersonate (repeatable).")
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("-A", "--all-namespaces", "all_ns", is_flag=True, help="In all namespaces.")
@click.option("--subresource", default="", help="A subresource (or RESOURCE/SUBRESOURCE).")
@click.option("--list", "list_", is_flag=True, help="List every action the user may take in the namespace.")
@click.option("--no-headers", is_flag=True, help="With --list: no header line.")
@click.option("-q", "--quiet", is_flag=True, help="No output: the exit status says it.")
def can_i(verb: str, resource: str, name: str, config: Path, as_user: str | None, as_groups: tuple[str, ...],
          namespace: str, all_ns: bool, subresource: str, list_: bool, no_headers: bool, quiet: bool) -> None:
    """Whether VERB on RESOURCE [NAME] is allowed: 'yes' (exit 0) or 'no' (exit 1); with --list, every allowed action."""
    from clustersim.auth.authorizer import Decision

    if list_ and (verb or all_ns):
        fail("auth can-i: --list takes no VERB or RESOURCE and one namespace (-n), not --all-namespaces")
    if not list_ and not (verb and resource):
        fail("auth can-i: give VERB and RESOURCE, or --list")
    cfg, _policy_index, authz = _policy(config)
    user = _user(cfg, as_user, as_groups)
    if list_:
        _print_rules(authz, user, namespace, not no_headers)
        return
    attrs = _attrs(user, verb, resource, name, namespace, all_ns, subresource)
    allowed = authz.authorize(attrs).decision is Decision.ALLOW
    if not quiet:
        click.echo("yes" if allowed else "no")
    raise SystemExit(0 if allowed else 1)


def _print_rules(authz: Any, user: Any, namespace: str, headers: bool) -> None:
    """``printStatus``: the review's rules broken down, compacted, sorted and printed in kubectl's columns."""
    from clustersim.auth.rules_review import rules_review

    review = rules_review(authz, user, namespace)
    if review.incomplete:
        click.echo(f"warning: the list may be incomplete: {review.evaluation_error}", err=True)
    rules = _compact([b for r in (*review.resource_rules, *review.non_resource_rules) for b in _breakdown(r)])
    rules.sort(key=_rule_string)
    rows = [(_resource_group(r.resources, r.api_groups), _go(r.non_resource_urls), _go(r.resource_names), _go(r.verbs)) for r in rules]
    header = ("Resources", "Non-Resource URLs", "Resource Names", "Verbs")
    click.echo(_table(rows, header, headers))


def _breakdown(rule: Any) -> list[Any]:
    """``BreakdownRule``: one rule per (group, resource[, name]) and per non-resource URL."""
    from clustersim.api.rbac import PolicyRule

    out = [PolicyRule(rule.verbs, (g,), (res,), (n,) if n else ()) for g in rule.api_groups for res in rule.resources
           for n in (rule.resource_names or ("",))]
    return out + [PolicyRule(rule.verbs, non_resource_urls=(u,)) for u in rule.non_resource_urls]


def _compact(rules: list[Any]) -> list[Any]:
    """``CompactRules``: rules on the same single group, resource and name merge their verbs (first seen order)."""
    from clustersim.api.rbac import PolicyRule

    merged: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    out: list[Any] = []
    for r in rules:
        if r.non_resource_urls or len(r.resource_names) > 1 or len(r.api_groups) != 1 or len(r.resources) != 1:
            out.append(r)
            continue
        verbs = merged.setdefault((r.api_groups[0], r.resources[0], r.resource_names), [])
        verbs.extend(v for v in r.verbs if v not in verbs)
    return out + [PolicyRule(tuple(v), (g,), (res,), names) for (g, res, names), v in merged.items()]


def _go(values: Sequence[str]) -> str:
    """Go's ``%v`` of a string slice."""
    return "[" + " ".join(values) + "]"


def _rule_string(r: Any) -> str:
    """The generated ``PolicyRule.String()`` kubectl sorts by (``SortableRuleSlice``)."""
    return (f"&PolicyRule{{Verbs:{_go(r.verbs)},APIGroups:{_go(r.api_groups)},Resources:{_go(r.resources)},"
            f"ResourceNames:{_go(r.resource_names)},NonResourceURLs:{_go(r.non_resource_urls)},}}")


def _resource_group(resources: Sequence[str], groups: Sequence[str]) -> str:
    """``describe.CombineResourceGroup``: ``resource.group[/subresource]`` of the first resource."""
    if not resources:
        return ""
    res, _, sub = resources[0].partition("/")
    if groups and groups[0]:
        res += "." + groups[0]
    return res + ("/" + sub if sub else "")


def _table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...], headers: bool = True) -> str:
    """Columns three spaces apart (kubectl's tab writer)."""
    lines = [header, *rows] if headers else list(rows)
    widths = [max(len(r[i]) for r in lines) for i in range(len(header))] if lines else []
    return "\n".join("   ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in lines)


@auth_group.command("who-can")
@click.argument("verb")
@click.argument("resource")
@click.argument("name", required=False, default="")
@click.option("--config", "config", required=True, type=click.Path(path_type=Path), help="The cluster's config.")
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("-A", "--all-namespaces", "all_ns", is_flag=True, help="RoleBindings of every namespace.")
@click.option("--subresource", default="", help="A subresource (or RESOURCE/SUBRESOURCE).")
def who_can(verb: str, resource: str, name: str, config: Path, namespace: str, all_ns: bool, subresource: str) -> None:
    """The subjects whose bindings allow VERB on RESOURCE [NAME]."""
    from clustersim.auth.rbac.evaluation import rules_allow
    from clustersim.auth.rbac.resolver import RoleNotFound, RuleResolver
    from clustersim.auth.user import UserInfo

    _cfg, policy, _authz = _policy(config)
    attrs = _attrs(UserInfo(""), verb, resource, name, namespace, all_ns, subresource)
    resolver = RuleResolver(policy)
    what = f"{verb} {resource}" + (f" named {name}" if name else "")

    def allowing(b: Any, ns: str) -> bool:
        try:
            return rules_allow(attrs, resolver.role_reference_rules(b.role_ref, ns))
        except RoleNotFound:
            return False

    namespaces = sorted(policy.role_bindings) if all_ns or not attrs.namespace else [attrs.namespace]
    rb_rows = [(b.name, ns, s.name, s.kind, s.namespace or (ns if s.kind == "ServiceAccount" else ""))
               for ns in namespaces if attrs.resource_request for b in policy.list_role_bindings(ns) if allowing(b, ns)
               for s in b.subjects]
    crb_rows = [(b.name, s.name, s.kind, s.namespace) for b in policy.list_cluster_role_bindings() if allowing(b, "") for s in b.subjects]
    out = []
    if rb_rows:
        out.append(_table(rb_rows, ("ROLEBINDING", "NAMESPACE", "SUBJECT", "TYPE", "SA-NAMESPACE")))
    else:
        out.append(f"No subjects found with permissions to {what} assigned through RoleBindings")
    out.append("")
    if crb_rows:
        out.append(_table(crb_rows, ("CLUSTERROLEBINDING", "SUBJECT", "TYPE", "SA-NAMESPACE")))
    else:
        out.append(f"No subjects found with permissions to {what} assigned through ClusterRoleBindings")
    click.echo("\n".join(out))

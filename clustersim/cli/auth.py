"""``clustersim auth can-i`` and ``clustersim auth who-can``: ask the authorizer of a config's cluster.

The answers come from the config's RBAC objects and users, the default policy (aggregated, as the
running cluster holds it) and the config's authorization modes, through the simulator's own
authorizer. ``can-i`` prints ``yes`` or ``no`` and exits 0 or 1, as ``kubectl auth can-i``;
``--as`` impersonates a user (its groups from the config's ``users`` unless ``--as-group`` is given;
impersonation adds ``system:authenticated``, and a ServiceAccount user gets its groups).
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
@click.argument("verb")
@click.argument("resource")
@click.argument("name", required=False, default="")
@click.option("--config", "config", required=True, type=click.Path(path_type=Path), help="The cluster's config.")
@click.option("--as", "as_user", default=None, help="Username to impersonate (default: the config's admin, in system:masters).")
@click.option("--as-group", "as_groups", multiple=True, help="Group to impersonate (repeatable).")
@click.option("-n", "--namespace", default="default", show_default=True)
@click.option("-A", "--all-namespaces", "all_ns", is_flag=True, help="In all namespaces.")
@click.option("--subresource", default="", help="A subresource (or RESOURCE/SUBRESOURCE).")
@click.option("-q", "--quiet", is_flag=True, help="No output: the exit status says it.")
def can_i(verb: str, resource: str, name: str, config: Path, as_user: str | None, as_groups: tuple[str, ...],
          namespace: str, all_ns: bool, subresource: str, quiet: bool) -> None:
    """Whether VERB on RESOURCE [NAME] is allowed: 'yes' (exit 0) or 'no' (exit 1)."""
    from clustersim.auth.authorizer import Decision

    cfg, _policy_index, authz = _policy(config)
    attrs = _attrs(_user(cfg, as_user, as_groups), verb, resource, name, namespace, all_ns, subresource)
    allowed = authz.authorize(attrs).decision is Decision.ALLOW
    if not quiet:
        click.echo("yes" if allowed else "no")
    raise SystemExit(0 if allowed else 1)


def _table(rows: Sequence[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return "\n".join("   ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows])


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

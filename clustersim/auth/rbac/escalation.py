"""Privilege escalation prevention for Role, ClusterRole and binding writes.

Upstream: ``pkg/registry/rbac/escalation_check.go`` (EscalationAllowed, RoleEscalationAuthorized,
BindingAuthorized), ``pkg/registry/rbac/validation/rule.go`` ConfirmNoEscalation and the
``policybased`` storages of roles, clusterroles and their bindings. A user may create or update a
role only with rules it already holds in that namespace (or with ``escalate`` on it), and a binding
only to a role whose rules it holds (or with ``bind`` on it); ``system:masters`` may always. Setting
an aggregationRule needs full authority (``*`` on ``*``).
"""

from __future__ import annotations

from collections.abc import Sequence

from clustersim.api.errors import Forbidden, qualified_resource
from clustersim.api.rbac import API_GROUP, PolicyRule, RoleRef
from clustersim.auth.attributes import Attributes
from clustersim.auth.authorizer import Authorizer, Decision
from clustersim.auth.rbac.comparator import covers
from clustersim.auth.rbac.helpers import compact_string, go_quote_list, rule
from clustersim.auth.rbac.resolver import RoleNotFound, RuleResolver
from clustersim.auth.user import SYSTEM_PRIVILEGED_GROUP, UserInfo

__all__ = ["FULL_AUTHORITY", "binding_authorized", "check_binding_write", "check_role_write", "compact_rules",
           "confirm_no_escalation", "escalation_allowed", "role_escalation_authorized"]

# clusterrole/policybased/storage.go fullAuthority
FULL_AUTHORITY = (rule("*").groups("*").resources("*").build(), rule("*").urls("*").build())


def escalation_allowed(user: UserInfo) -> bool:
    """``EscalationAllowed``: ``system:masters`` may grant anything."""
    return SYSTEM_PRIVILEGED_GROUP in user.groups


def role_escalation_authorized(authz: Authorizer, user: UserInfo, resource: str, namespace: str, name: str) -> bool:
    """``RoleEscalationAuthorized``: the user may ``escalate`` this role."""
    attrs = Attributes(user, "escalate", namespace, API_GROUP, resource, name=name)
    return authz.authorize(attrs).decision is Decision.ALLOW


def binding_authorized(authz: Authorizer, user: UserInfo, ref: RoleRef, binding_namespace: str) -> bool:
    """``BindingAuthorized``: the user may ``bind`` the referenced role in the binding's namespace."""
    if ref.kind not in ("Role", "ClusterRole"):
        return False
    resource = "roles" if ref.kind == "Role" else "clusterroles"
    attrs = Attributes(user, "bind", binding_namespace, ref.api_group, resource, name=ref.name)
    return authz.authorize(attrs).decision is Decision.ALLOW


def compact_rules(rules: Sequence[PolicyRule]) -> list[PolicyRule]:
    """``CompactRules``: simple rules (one group, one resource, at most one name) differing only by verbs merge."""
    out: list[PolicyRule] = []
    simple: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    for r in rules:
        if len(r.resource_names) > 1 or r.non_resource_urls or len(r.api_groups) != 1 or len(r.resources) != 1:
            out.append(r)
            continue
        verbs = simple.setdefault((r.api_groups[0], r.resources[0], r.resource_names), [])
        verbs += [v for v in r.verbs if v not in verbs]
    out += [PolicyRule(tuple(v), (g,), (res,), names) for (g, res, names), v in simple.items()]
    return out


def confirm_no_escalation(resolver: RuleResolver, user: UserInfo, namespace: str, rules: Sequence[PolicyRule]) -> str | None:
    """``ConfirmNoEscalation``: None when the user holds every rule in ``namespace``, else the refusal text."""
    owner, errors = resolver.rules_for(user, namespace)
    ok, missing = covers(owner, rules)
    if ok:
        return None
    lines = sorted({compact_string(r) for r in compact_rules(missing)})
    msg = (f'user "{user.name}" (groups={go_quote_list(user.groups)}) is attempting to grant RBAC permissions not currently held:\n'
           + "\n".join(lines))
    if errors:
        msg += "; resolution errors: [" + " ".join(str(e) for e in errors) + "]"
    return msg


def _forbidden(resource: str, name: str, why: str) -> Forbidden:
    return Forbidden(f'{qualified_resource(API_GROUP, resource)} "{name}" is forbidden: {why}')


def check_role_write(authz: Authorizer, resolver: RuleResolver, user: UserInfo, kind: str, namespace: str, name: str,
                     rules: Sequence[PolicyRule], aggregated: bool) -> None:
    """The ``policybased`` role storages: raise Forbidden unless the write grants nothing the user lacks."""
    resource = "roles" if kind == "Role" else "clusterroles"
    if escalation_allowed(user) or role_escalation_authorized(authz, user, resource, namespace, name):
        return
    why = confirm_no_escalation(resolver, user, namespace, rules)
    if why is not None:
        raise _forbidden(resource, name, why)
    if aggregated and confirm_no_escalation(resolver, user, namespace, FULL_AUTHORITY) is not None:
        raise _forbidden(resource, name, "must have cluster-admin privileges to use an aggregationRule")


def check_binding_write(authz: Authorizer, resolver: RuleResolver, user: UserInfo, kind: str, namespace: str, name: str,
                        ref: RoleRef) -> None:
    """The ``policybased`` binding storages: the user holds the role's rules, or may ``bind`` it."""
    resource = "rolebindings" if kind == "RoleBinding" else "clusterrolebindings"
    if escalation_allowed(user) or binding_authorized(authz, user, ref, namespace):
        return
    try:
        rules = resolver.role_reference_rules(ref, namespace)
    except RoleNotFound as e:
        raise _forbidden(resource, name, str(e)) from None
    why = confirm_no_escalation(resolver, user, namespace, rules)
    if why is not None:
        raise _forbidden(resource, name, why)

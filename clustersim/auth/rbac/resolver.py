"""The rule resolver: which rules apply to a user in a namespace
(``pkg/registry/rbac/validation/rule.go`` DefaultRuleResolver).

The rules of every ClusterRoleBinding whose subjects include the user apply everywhere; for a
request in a namespace, so do those of the RoleBindings of that namespace (a RoleBinding may grant
a ClusterRole, then only there). A binding to a role that does not exist grants nothing (the
resolver reports it as an error, which becomes part of a denial's reason).
"""

from __future__ import annotations

from collections.abc import Callable

from clustersim.api.rbac import GROUP_KIND, SERVICE_ACCOUNT_KIND, USER_KIND, PolicyRule, RoleRef, Subject
from clustersim.auth.rbac.policy import Binding, Policy
from clustersim.auth.user import UserInfo, matches_service_account

__all__ = ["RoleNotFound", "RuleResolver", "applies_to", "applies_to_user", "describe_source"]

Visitor = Callable[[str, PolicyRule | None, Exception | None], bool]


class RoleNotFound(LookupError):
    """``apierrors.NewNotFound`` for a roleRef: ``clusterrole.rbac.authorization.k8s.io "x" not found``."""


def applies_to_user(user: UserInfo, subject: Subject, namespace: str) -> bool:
    """``appliesToUser``: a ServiceAccount subject without a namespace takes the binding's."""
    kind = subject.kind
    if kind == USER_KIND:
        return user.name == subject.name
    if kind == GROUP_KIND:
        return subject.name in user.groups
    if kind == SERVICE_ACCOUNT_KIND:
        sa_ns = subject.namespace or namespace
        return bool(sa_ns) and matches_service_account(sa_ns, subject.name, user.name)
    return False


def applies_to(user: UserInfo, subjects: tuple[Subject, ...], namespace: str) -> tuple[int, bool]:
    """``appliesTo``: (index of the first subject that matches, True), or (0, False)."""
    for i, s in enumerate(subjects):
        if applies_to_user(user, s, namespace):
            return i, True
    return 0, False


def _describe_subject(s: Subject, binding_namespace: str) -> str:
    if s.kind == SERVICE_ACCOUNT_KIND:
        return f'{s.kind} "{s.name}/{s.namespace or binding_namespace}"'
    return f'{s.kind} "{s.name}"'


def describe_source(b: Binding, subject: Subject) -> str:
    """``clusterRoleBindingDescriber`` / ``roleBindingDescriber``."""
    ref = b.role_ref
    if b.namespace:
        return f'RoleBinding "{b.name}/{b.namespace}" of {ref.kind} "{ref.name}" to {_describe_subject(subject, b.namespace)}'
    return f'ClusterRoleBinding "{b.name}" of {ref.kind} "{ref.name}" to {_describe_subject(subject, "")}'


class RuleResolver:
    """``DefaultRuleResolver`` over a ``Policy``."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    def role_reference_rules(self, ref: RoleRef, namespace: str) -> tuple[PolicyRule, ...]:
        """``GetRoleReferenceRules``; RoleNotFound when the role does not exist."""
        if ref.kind == "Role":
            rules = self.policy.get_role(namespace, ref.name)
            if rules is None:
                raise RoleNotFound(f'role.rbac.authorization.k8s.io "{ref.name}" not found')
            return rules
        if ref.kind == "ClusterRole":
            rules = self.policy.get_cluster_role(ref.name)
            if rules is None:
                raise RoleNotFound(f'clusterrole.rbac.authorization.k8s.io "{ref.name}" not found')
            return rules
        raise RoleNotFound(f'unsupported role reference kind: "{ref.kind}"')

    def visit_rules_for(self, user: UserInfo, namespace: str, visitor: Visitor) -> None:
        """``VisitRulesFor``: call ``visitor(source, rule, error)`` until it returns False."""
        bindings = [(b, "") for b in self.policy.list_cluster_role_bindings()]
        if namespace:
            bindings += [(b, namespace) for b in self.policy.list_role_bindings(namespace)]
        for b, ns in bindings:
            i, ok = applies_to(user, b.subjects, ns)
            if not ok:
                continue
            try:
                rules = self.role_reference_rules(b.role_ref, ns)
            except RoleNotFound as e:
                if not visitor("", None, e):
                    return
                continue
            source = describe_source(b, b.subjects[i])
            for r in rules:
                if not visitor(source, r, None):
                    return

    def rules_for(self, user: UserInfo, namespace: str) -> tuple[list[PolicyRule], list[Exception]]:
        """``RulesFor``: every rule that applies, and the resolution errors met on the way."""
        rules: list[PolicyRule] = []
        errors: list[Exception] = []

        def visit(_source: str, r: PolicyRule | None, err: Exception | None) -> bool:
            if r is not None:
                rules.append(r)
            if err is not None:
                errors.append(err)
            return True

        self.visit_rules_for(user, namespace, visit)
        return rules, errors

"""The RBAC authorizer (``plugin/pkg/auth/authorizer/rbac/rbac.go``): visit the rules that apply to
the user until one allows the request; otherwise no opinion, with the resolution errors (bindings to
roles that do not exist) as the reason. It never denies outright, so later authorizers may allow.
"""

from __future__ import annotations

from clustersim.api.rbac import PolicyRule
from clustersim.auth.attributes import Attributes
from clustersim.auth.authorizer import Decision, Result
from clustersim.auth.rbac.evaluation import rule_allows, rule_matches_but_name
from clustersim.auth.rbac.policy import Policy
from clustersim.auth.rbac.resolver import RuleResolver

__all__ = ["RBACAuthorizer", "aggregate_message"]


def aggregate_message(errors: list[Exception]) -> str:
    """``utilerrors.NewAggregate(errs).Error()``: one message, or ``[a, b]`` without repeats."""
    seen: list[str] = []
    for e in errors:
        msg = str(e)
        if msg not in seen:
            seen.append(msg)
    return seen[0] if len(seen) == 1 else "[" + ", ".join(seen) + "]"


class RBACAuthorizer:
    """``RBACAuthorizer`` over a policy snapshot."""

    def __init__(self, policy: Policy) -> None:
        self.resolver = RuleResolver(policy)

    def authorize(self, attrs: Attributes) -> Result:
        """Allow when a rule that applies to the user covers the request."""
        allowed_by: list[str] = []
        errors: list[Exception] = []
        by_name = False

        def visit(source: str, rule: PolicyRule | None, err: Exception | None) -> bool:
            nonlocal by_name
            if rule is not None:
                if rule_allows(attrs, rule):
                    allowed_by.append(source)
                    by_name = bool(rule.resource_names)  # a rule for every name allows whatever the name
                    return False
                by_name = by_name or rule_matches_but_name(attrs, rule)
            if err is not None:
                errors.append(err)
            return True

        self.resolver.visit_rules_for(attrs.user, attrs.namespace, visit)
        if allowed_by:
            return Result(Decision.ALLOW, f"RBAC: allowed by {allowed_by[0]}", by_name)
        return Result(Decision.NO_OPINION, f"RBAC: {aggregate_message(errors)}" if errors else "", by_name)

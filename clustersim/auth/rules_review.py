"""What a user may do in a namespace: the API server's ``SelfSubjectRulesReview`` (``kubectl auth can-i --list``).

Each authorizer of the chain lists its rules for the user (``authorizer.RuleResolver.RulesFor``) and the
union concatenates them (``union.unionAuthzRulesHandler``). The privileged-group authorizer is not a
rule resolver (``pkg/kubeapiserver/authorizer/reload.go`` appends it to the authorizers only), so
``system:masters`` sees what its ``cluster-admin`` binding grants; RBAC gives the rules of the user's ClusterRoleBindings and of
the namespace's RoleBindings (a binding to a missing role makes the list incomplete, with the
resolver's error); the Node authorizer cannot enumerate a kubelet's rights ("node authorizer does
not support user rule resolution", the review is incomplete); ``AlwaysAllow`` gives everything,
``AlwaysDeny`` nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clustersim.api.rbac import PolicyRule
from clustersim.auth.authorizer import PrivilegedGroups, Union
from clustersim.auth.chain import AlwaysAllow
from clustersim.auth.node import NodeAuthorizer
from clustersim.auth.rbac.authorizer import RBACAuthorizer
from clustersim.auth.user import NODE_USER_PREFIX, NODES_GROUP, UserInfo

__all__ = ["RulesReview", "rules_review"]

_EVERYTHING = (PolicyRule(("*",), ("*",), ("*",)), PolicyRule(("*",), non_resource_urls=("*",)))


@dataclass(slots=True)
class RulesReview:
    """``SubjectRulesReviewStatus``: resource and non-resource rules, whether the list is complete, and why not."""

    resource_rules: list[PolicyRule] = field(default_factory=list)
    non_resource_rules: list[PolicyRule] = field(default_factory=list)
    incomplete: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def evaluation_error(self) -> str:
        """``utilerrors.NewAggregate``'s message: one error as is, several in brackets."""
        return self.errors[0] if len(self.errors) == 1 else "[" + ", ".join(self.errors) + "]" if self.errors else ""

    def add(self, rules: tuple[PolicyRule, ...] | list[PolicyRule]) -> None:
        for r in rules:
            (self.non_resource_rules if r.non_resource_urls else self.resource_rules).append(r)


def rules_review(chain: Union, user: UserInfo, namespace: str) -> RulesReview:
    """The rules each authorizer of ``chain`` lists for ``user`` in ``namespace``, concatenated."""
    review = RulesReview()
    for authz in chain.authorizers:
        if isinstance(authz, PrivilegedGroups):
            continue
        if isinstance(authz, NodeAuthorizer):
            if user.name.startswith(NODE_USER_PREFIX) and NODES_GROUP in user.groups:
                review.incomplete = True
                review.errors.append("node authorizer does not support user rule resolution")
        elif isinstance(authz, RBACAuthorizer):
            rules, errors = authz.resolver.rules_for(user, namespace)
            review.add(rules)
            if errors:
                review.incomplete = True
                review.errors.extend(str(e) for e in errors)
        elif isinstance(authz, AlwaysAllow):
            review.add(_EVERYTHING)
    return review

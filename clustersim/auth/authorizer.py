"""Authorizers and the chain the API server runs (``--authorization-mode=Node,RBAC``).

Each authorizer returns Allow, Deny or NoOpinion with a reason; the union tries them in order and
the first Allow or Deny wins; when all have no opinion the request is forbidden with their reasons
joined (``apiserver/pkg/authorization/union/union.go``). The API server puts the privileged-group
authorizer first: members of ``system:masters`` may do anything
(``pkg/kubeapiserver/authorizer/config.go``, ``authorizerfactory.NewPrivilegedGroups``).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable

from clustersim.auth.attributes import Attributes
from clustersim.auth.user import SYSTEM_PRIVILEGED_GROUP

__all__ = ["Authorizer", "Decision", "PrivilegedGroups", "Result", "Union"]


class Decision(enum.Enum):
    """``authorizer.Decision``."""

    DENY = 0
    ALLOW = 1
    NO_OPINION = 2


class Result(NamedTuple):
    """A decision and its reason; for the decision cache: whether it can change with the object's name,
    and whether it depends on other state than the policy (``volatile``: never cached)."""

    decision: Decision
    reason: str = ""
    name_dependent: bool = False
    volatile: bool = False


@runtime_checkable
class Authorizer(Protocol):
    """``authorizer.Authorizer``."""

    def authorize(self, attrs: Attributes) -> Result:
        """Allow, Deny or NoOpinion for the request."""
        ...


class PrivilegedGroups:
    """``authorizerfactory.NewPrivilegedGroups``: members of these groups are allowed everything."""

    def __init__(self, groups: Sequence[str] = (SYSTEM_PRIVILEGED_GROUP,)) -> None:
        self.groups = frozenset(groups)

    def authorize(self, attrs: Attributes) -> Result:
        """Allow a member of a privileged group; no opinion otherwise."""
        if self.groups.intersection(attrs.user.groups):
            return Result(Decision.ALLOW)
        return Result(Decision.NO_OPINION)


class Union:
    """``union.New``: the first Allow or Deny wins; otherwise NoOpinion with every reason, one per line."""

    def __init__(self, authorizers: Sequence[Authorizer]) -> None:
        self.authorizers = tuple(authorizers)

    def authorize(self, attrs: Attributes) -> Result:
        """Ask each authorizer in order."""
        reasons: list[str] = []
        by_name = volatile = False
        for a in self.authorizers:
            r = a.authorize(attrs)
            by_name, volatile = by_name or r.name_dependent, volatile or r.volatile
            if r.reason:
                reasons.append(r.reason)
            if r.decision is not Decision.NO_OPINION:
                return Result(r.decision, r.reason, by_name, volatile)
        return Result(Decision.NO_OPINION, "\n".join(reasons), by_name, volatile)

"""The API server's authorizer chain from ``--authorization-mode`` (``pkg/kubeapiserver/authorizer/config.go``).

The privileged-group authorizer (``system:masters``) always comes first; then the configured modes
in order. kubeadm's default is ``Node,RBAC``. ``AlwaysAllow`` and ``AlwaysDeny`` exist upstream for
testing and are offered for the same reason; Webhook and ABAC are not modelled.
"""

from __future__ import annotations

from collections.abc import Sequence

from clustersim.auth.attributes import Attributes
from clustersim.auth.authorizer import Authorizer, Decision, PrivilegedGroups, Result, Union
from clustersim.auth.bootstrappolicy import node_rules
from clustersim.auth.node import NodeAuthorizer, NodeGraph, PodGraph
from clustersim.auth.rbac.authorizer import RBACAuthorizer
from clustersim.auth.rbac.policy import Policy

__all__ = ["MODES", "AlwaysAllow", "AlwaysDeny", "build_authorizer"]

MODES = ("Node", "RBAC", "AlwaysAllow", "AlwaysDeny")


class AlwaysAllow:
    """``authorizerfactory.NewAlwaysAllowAuthorizer``."""

    def authorize(self, attrs: Attributes) -> Result:
        """Allow."""
        return Result(Decision.ALLOW)


class AlwaysDeny:
    """``authorizerfactory.NewAlwaysDenyAuthorizer``."""

    def authorize(self, attrs: Attributes) -> Result:
        """Deny (its reason is upstream's)."""
        return Result(Decision.NO_OPINION, "Everything is forbidden.")


def build_authorizer(policy: Policy, graph: NodeGraph | None = None, modes: Sequence[str] = ("Node", "RBAC"),
                     node_selectors: bool = True) -> Union:
    """The chain: privileged groups, then each mode in order."""
    chain: list[Authorizer] = [PrivilegedGroups()]
    for mode in modes:
        if mode == "Node":
            chain.append(NodeAuthorizer(graph if graph is not None else PodGraph(()), node_rules(), node_selectors))
        elif mode == "RBAC":
            chain.append(RBACAuthorizer(policy))
        elif mode == "AlwaysAllow":
            chain.append(AlwaysAllow())
        elif mode == "AlwaysDeny":
            chain.append(AlwaysDeny())
        else:
            raise ValueError(f"unknown authorization mode {mode!r} (known: {', '.join(MODES)})")
    return Union(chain)

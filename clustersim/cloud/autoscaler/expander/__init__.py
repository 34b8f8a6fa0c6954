"""Expanders: which node group a scale-up grows (cluster-autoscaler ``expander/``, one module per strategy,
behind one interface, chained as ``--expander=a,b``: each filters the options, then one is picked at random).

Each strategy is registered in ``EXPANDERS`` by its flag name and implements ``best_options``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from clustersim.api.objects import Node, Pod
from clustersim.util.registry import Registry

__all__ = ["EXPANDERS", "ExpanderContext", "Option", "Strategy", "best_option"]

EXPANDERS: Registry[Any] = Registry("expander")


@dataclass(slots=True)
class Option:
    """``expander.Option``: grow ``group`` by ``node_count`` nodes, which would run ``pods``."""

    group: str
    node_count: int
    pods: list[Pod] = field(default_factory=list)
    debug: str = ""


@dataclass(slots=True)
class ExpanderContext:
    """What strategies may read: templates by group, prices, priorities, the cluster size, an event sink."""

    templates: dict[str, Node]
    rng: np.random.Generator
    node_price: Callable[[str], float] = lambda _g: 0.0  # per hour
    pod_price: Callable[[Pod], float] = lambda _p: 0.0  # per hour
    priorities: dict[int, tuple[str, ...]] | None = None
    cluster_nodes: int = 0
    event: Callable[[str, str, str], None] = lambda _type, _reason, _msg: None


class Strategy(Protocol):
    """``expander.Filter``: the options it prefers (all of them when it cannot tell)."""

    def best_options(self, options: list[Option], ctx: ExpanderContext) -> list[Option]:
        """The preferred options."""
        ...


def best_option(names: tuple[str, ...], options: list[Option], ctx: ExpanderContext) -> Option | None:
    """The chain (expander/factory/chain.go): each strategy narrows the options, a random pick decides."""
    if not options:
        return None
    for name in names:
        options = EXPANDERS.get(name)().best_options(options, ctx)
        if len(options) == 1:
            return options[0]
    if not options:
        return None
    return options[int(ctx.rng.integers(len(options)))]


from clustersim.cloud.autoscaler.expander import leastnodes, mostpods, price, priority, random, waste  # noqa: E402,F401  (register)

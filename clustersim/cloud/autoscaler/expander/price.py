"""The price expander (expander/price): the options whose nodes cost least for the pods they would run.

score = suppressed unfitness x (node price x count + stabilization) / (pods' price + stabilization), where
the stabilization is the price of a 0.5 cpu / 500 MiB pod, unfitness compares the template's cpu with the
preferred node for the cluster size (SimplePreferredNodeProvider: 1, 2, 4, 8, 16 or 32 cores as the
cluster grows 3x), suppressed by tanh of the node count; GPU nodes get unfitness 1000. Lowest wins.
"""

from __future__ import annotations

import math

from clustersim.api.objects import ObjectMeta, Pod
from clustersim.api.types import Container, PodSpec, ResourceList
from clustersim.cloud.autoscaler.expander import EXPANDERS, ExpanderContext, Option
from clustersim.cloud.autoscaler.utils import node_has_gpu

MIB = 1 << 20
STABILIZATION_POD = Pod(ObjectMeta("stabilize", "default"), PodSpec((Container("c", "", ResourceList(500, 500 * MIB)),)))
GPU_UNFITNESS = 1000.0


def preferred_cpu_m(cluster_nodes: int) -> int:
    """SimplePreferredNodeProvider: the preferred node's cpu doubles each time the cluster grows 3x."""
    for limit, cores in ((2, 1), (6, 2), (20, 4), (60, 8), (200, 16)):
        if cluster_nodes <= limit:
            return cores * 1000
    return 32000


def price_score(option: Option, ctx: ExpanderContext) -> float | None:
    """The option's score (lower is better); None without a template."""
    node = ctx.templates.get(option.group)
    if node is None:
        return None
    nodes = ctx.node_price(option.group) * option.node_count
    pods = sum(ctx.pod_price(p) for p in option.pods)
    stab = ctx.pod_price(STABILIZATION_POD)
    sub = (nodes + stab) / (pods + stab) if pods + stab > 0 else math.inf
    preferred, cpu = preferred_cpu_m(ctx.cluster_nodes), node.capacity.cpu_m or 1
    unfit = max(preferred / cpu, cpu / preferred)
    suppressed = (unfit - 1.0) * (1.0 - math.tanh((option.node_count - 1) / 15.0)) + 1.0
    if node_has_gpu(node):
        suppressed = GPU_UNFITNESS
    return suppressed * sub


@EXPANDERS.register("price")
class Price:
    """Cheapest for the pods wins."""

    def best_options(self, options: list[Option], ctx: ExpanderContext) -> list[Option]:
        """The best-scoring option."""
        scored = [(s, o) for o in options if (s := price_score(o, ctx)) is not None]
        if not scored:
            return []
        low = min(s for s, _ in scored)
        return [o for s, o in scored if s == low]

"""--balance-similar-node-groups (cluster-autoscaler ``processors/nodegroupset``).

Two groups are similar when their templates have the same capacity (memory within
--memory-difference-ratio), allocatable within --max-allocatable-difference-ratio, the same taints, and
the same labels except the ones every group differs in (hostname, zone, region, the node pool name
labels of each provider). A scale-up of N nodes is spread over the similar groups that can take the
pods, each step to the smallest (``BalanceScaleUpBetweenGroups``), within each group's max size.
"""

from __future__ import annotations

from clustersim.api.objects import Node
from clustersim.config.cloud import AutoscalerConfig

__all__ = ["IGNORED_LABELS", "balance", "similar"]

# BasicIgnoredLabels plus the AWS, GCE and Azure providers' own, and clustersim's pool label
IGNORED_LABELS = frozenset({
    "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
    "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region", "beta.kubernetes.io/fluentd-ds-ready",
    "kops.k8s.io/instancegroup", "eks.amazonaws.com/nodegroup", "alpha.eksctl.io/nodegroup-name", "alpha.eksctl.io/instance-id",
    "k8s.amazonaws.com/eniConfig", "topology.k8s.aws/zone-id", "cloud.google.com/gke-nodepool", "agentpool",
    "kubernetes.azure.com/agentpool", "clustersim.io/node-pool",
})


def _close(a: int, b: int, ratio: float) -> bool:
    low = min(a, b)
    return abs(a - b) <= ratio * low if low > 0 else a == b


def similar(a: Node, b: Node, cfg: AutoscalerConfig) -> bool:
    """IsCloudProviderNodeInfoSimilar over two templates."""
    ca, cb = a.capacity, b.capacity
    if ca.cpu_m != cb.cpu_m or ca.scalar != cb.scalar or not _close(ca.memory or 0, cb.memory or 0, cfg.memory_difference_ratio):
        return False
    aa, ab = a.allocatable, b.allocatable
    r = cfg.max_allocatable_difference_ratio
    if not (_close(aa.cpu_m or 0, ab.cpu_m or 0, r) and _close(aa.memory or 0, ab.memory or 0, r)):
        return False
    if sorted((t.key, t.value, str(t.effect)) for t in a.taints) != sorted((t.key, t.value, str(t.effect)) for t in b.taints):
        return False
    la = {k: v for k, v in a.meta.labels.items() if k not in IGNORED_LABELS}
    lb = {k: v for k, v in b.meta.labels.items() if k not in IGNORED_LABELS}
    return la == lb


def balance(nodes: int, groups: list[tuple[str, int, int]]) -> dict[str, int]:
    """Spread ``nodes`` new nodes over ``(group, current target, max size)``, smallest first; returns the
    increase per group (groups at their max take none)."""
    sizes = {g: cur for g, cur, _ in groups}
    maxes = {g: hi for g, _, hi in groups}
    order = [g for g, _, _ in groups]
    for _ in range(nodes):
        open_ = [g for g in order if sizes[g] < maxes[g]]
        if not open_:
            break
        g = min(open_, key=lambda x: (sizes[x], order.index(x)))
        sizes[g] += 1
    return {g: sizes[g] - cur for g, cur, _ in groups if sizes[g] > cur}

"""PodTopologySpread (filter): pkg/scheduler/framework/plugins/podtopologyspread/{filtering,common}.go.

For each ``DoNotSchedule`` constraint, pods matching its selector (same namespace, not terminating) are
counted per topology domain, over the nodes that carry every constraint's topology key and pass the
pod's nodeSelector and required node affinity (nodeAffinityPolicy Honor). A node is rejected when
``count(its domain) + (1 if the pod matches the selector) - min count`` exceeds ``maxSkew``; the
minimum is 0 while there are fewer domains than ``minDomains``. A node without the topology key is
UnschedulableAndUnresolvable. Scoring (ScheduleAnyway and the system default constraints) is not
modelled yet (issue 3).

The verdict depends on other pods, so this filter is not per-node static: the scheduler does not reuse
results across pods while it is active.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod
from clustersim.api.types import TopologySpreadConstraint
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import SCHEDULER_PLUGINS, Code, CycleState

REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
REASON_NODE_LABEL_NOT_MATCH = "node(s) didn't match pod topology spread constraints (missing required label)"
_STATE_KEY = "PodTopologySpread"


def _hard(pod: Pod) -> tuple[TopologySpreadConstraint, ...]:
    return tuple(c for c in pod.spec.topology_spread_constraints if c.when_unsatisfiable == "DoNotSchedule")


def _node_passes_affinity(pod: Pod, labels: dict[str, str]) -> bool:
    if not all(labels.get(k) == v for k, v in pod.spec.node_selector):
        return False
    aff = pod.spec.affinity
    return aff is None or not aff.required or any(t.matches(labels) for t in aff.required)


@SCHEDULER_PLUGINS.register("PodTopologySpread")
@dataclass(frozen=True)
class PodTopologySpread:
    """Filter: hard topology spread constraints."""

    name: str = "PodTopologySpread"
    per_node_static = False  # the verdict depends on where other pods are

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreFilter Skip: no DoNotSchedule constraint."""
        return not _hard(pod)

    def _counts(self, state: CycleState, pod: Pod, nodes: NodeTable) -> list[tuple[dict[str, int], int]]:
        """PreFilter: per constraint, matching pods per domain and the minimum (computed once per cycle)."""
        cached = state.get(_STATE_KEY)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        constraints = _hard(pod)
        keys = [c.topology_key for c in constraints]
        per: list[dict[str, int]] = [{} for _ in constraints]
        for i in nodes.candidates():
            labels = nodes.labels[i]
            if not all(k in labels for k in keys) or not _node_passes_affinity(pod, labels):
                continue
            for c, counts in zip(constraints, per, strict=True):
                n = sum(1 for p in nodes.pods_on[i].values()
                        if p.meta.namespace == pod.meta.namespace and not p.terminating and c.label_selector.matches(p.meta.labels))
                domain = labels[c.topology_key]
                counts[domain] = counts.get(domain, 0) + n
        out = []
        for c, counts in zip(constraints, per, strict=True):
            low = min(counts.values()) if counts else 0
            if c.min_domains is not None and len(counts) < c.min_domains:
                low = 0
            out.append((counts, low))
        state[_STATE_KEY] = out
        return out

    def _verdict(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, str] | None:
        labels = nodes.labels[i]
        for c, (counts, low) in zip(_hard(pod), self._counts(state, pod, nodes), strict=True):
            domain = labels.get(c.topology_key)
            if domain is None:
                return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_NODE_LABEL_NOT_MATCH
            self_match = 1 if c.label_selector.matches(pod.meta.labels) else 0
            if counts.get(domain, 0) + self_match - low > c.max_skew:
                return Code.UNSCHEDULABLE, REASON_CONSTRAINTS_NOT_MATCH
        return None

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Nodes where every hard constraint's skew stays within maxSkew."""
        return np.fromiter((self._verdict(state, pod, nodes, int(i)) is None for i in idx), dtype=bool, count=len(idx))

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node (a fresh count: not for incremental reuse)."""
        return self._verdict(CycleState(), pod, nodes, i) is None

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Missing topology label, or skew too large."""
        verdict = self._verdict(state, pod, nodes, i)
        return (Code.SUCCESS, []) if verdict is None else (verdict[0], [verdict[1]])

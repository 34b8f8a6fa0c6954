"""NodeAffinity: pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go.

Filter: a node must carry every label of the pod's ``nodeSelector`` and match at least one of its
``requiredDuringSchedulingIgnoredDuringExecution`` node selector terms. Score: the sum of the weights
of the ``preferredDuringSchedulingIgnoredDuringExecution`` terms (plus the profile's
``addedAffinity`` preferred terms) that match, normalised with DefaultNormalizeScore.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.api.types import NodeSelectorRequirement, NodeSelectorTerm
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, Code, CycleState, default_normalize_score, reject_unknown_args

REASON_POD_AFFINITY_NOT_MATCH = "node(s) didn't match Pod's node affinity/selector"


@SCHEDULER_PLUGINS.register("NodeAffinity")
@dataclass(frozen=True)
class NodeAffinity:
    """Filter: nodeSelector labels."""

    added_preferred: tuple[tuple[int, NodeSelectorTerm], ...] = ()
    name: str = "NodeAffinity"

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> NodeAffinity:
        """``NodeAffinityArgs``: ``{addedAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [...]}}``."""
        reject_unknown_args(args, {"addedAffinity"})
        preferred = (args.get("addedAffinity") or {}).get("preferredDuringSchedulingIgnoredDuringExecution") or []
        return cls(added_preferred=tuple((int(p["weight"]), term_from_dict(p["preference"])) for p in preferred))

    def _matches(self, pod: Pod, labels: dict[str, str]) -> bool:
        if not all(labels.get(k) == v for k, v in pod.spec.node_selector):
            return False
        aff = pod.spec.affinity
        return aff is None or not aff.required or any(t.matches(labels) for t in aff.required)

    def filter(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Nodes whose labels include the selector."""
        labels = nodes.labels
        return np.fromiter((self._matches(pod, labels[i]) for i in idx), dtype=bool, count=len(idx))

    skip_reads = "spec"  # skip and skip_score read only the pod spec and the plugin args (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No selector and no required terms."""
        aff = pod.spec.affinity
        return not pod.spec.node_selector and (aff is None or not aff.required)

    def filter_one(self, pod: Pod, nodes: NodeTable, i: int) -> bool:
        """``filter`` for one node."""
        return self._matches(pod, nodes.labels[i])

    def reasons(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, list[str]]:
        """Selector mismatch."""
        return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, [REASON_POD_AFFINITY_NOT_MATCH]

    def _preferred(self, pod: Pod) -> tuple[tuple[int, NodeSelectorTerm], ...]:
        aff = pod.spec.affinity
        return (aff.preferred if aff is not None else ()) + self.added_preferred

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreScore Skip: no preferred terms."""
        return not self._preferred(pod)

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Sum of the weights of the matching preferred terms."""
        terms = self._preferred(pod)
        return np.fromiter((sum(w for w, t in terms if t.matches(nodes.labels[i])) for i in idx), dtype=np.int64, count=len(idx))

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """DefaultNormalizeScore(100, reverse=false)."""
        return default_normalize_score(MAX_NODE_SCORE, False, scores)


def term_from_dict(d: dict[str, Any]) -> NodeSelectorTerm:
    """A NodeSelectorTerm from ``{matchExpressions|match_expressions: [{key, operator, values}]}``."""
    exprs = d.get("matchExpressions", d.get("match_expressions", []))
    return NodeSelectorTerm(tuple(NodeSelectorRequirement(e["key"], e["operator"], tuple(str(v) for v in e.get("values", ())))
                                  for e in exprs))

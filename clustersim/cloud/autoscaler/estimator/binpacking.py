"""The binpacking estimator: cluster-autoscaler ``estimator/binpacking_estimator.go``.

First-fit decreasing over copies of a node group's template node: equivalence groups are ordered by the
DecreasingPodOrderer (the sum of each resource's request over the template's allocatable, largest
first); each pod goes to the first new node it fits, else to the node added last, else a new node is
added (unless the last one added is still empty, or the limiter refuses); a group whose pod fits
nowhere, even on a fresh node, stops there. The result is the number of new nodes that got pods and
the pods placed. Filters are the scheduler's, on the snapshot (existing nodes count for spreading).

Exact shortcut: for a group of identical pods whose filters look only at the node itself (no topology
spreading or inter-pod affinity), a new node that rejected a pod keeps rejecting the next ones (its
room only shrinks), so the first-fit search resumes where the last pod went.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from clustersim.api.objects import LABEL_HOSTNAME, Node, ObjectMeta, Pod
from clustersim.cloud.autoscaler.simulator.snapshot import ClusterSnapshot

__all__ = ["BinpackingEstimator", "Estimate", "PodGroup", "decreasing_order", "fresh_node"]


@dataclass(slots=True)
class PodGroup:
    """Pods of one equivalence group (same controller and spec)."""

    pods: list[Pod]

    @property
    def exemplar(self) -> Pod:
        """The group's first pod."""
        return self.pods[0]


@dataclass(slots=True)
class Estimate:
    """How many new nodes, and which pods they would run."""

    node_count: int
    pods: list[Pod] = field(default_factory=list)


def _pod_dependent(pod: Pod) -> bool:
    """Filters that look at other nodes' pods apply (spreading, inter-pod affinity)."""
    return bool(pod.spec.topology_spread_constraints) or pod.spec.pod_affinity is not None


def decreasing_order(groups: list[PodGroup], template: Node) -> list[PodGroup]:
    """DecreasingPodOrderer: groups by the sum over cpu and memory of request / template allocatable, largest first."""
    a = template.allocatable

    def score(g: PodGroup) -> float:
        r = g.exemplar.spec.requests
        s = r.cpu_m / a.cpu_m if a.cpu_m else 0.0
        return s + (r.memory / a.memory if a.memory else 0.0)
    return sorted(groups, key=score, reverse=True)


def fresh_node(template: Node, name: str) -> Node:
    """A template copy with its own name and hostname (FreshNodeInfoFromTemplateNodeInfo)."""
    labels = {**template.meta.labels, LABEL_HOSTNAME: name}
    node = Node(ObjectMeta(name, "", labels), template.capacity, template.allocatable, template.unschedulable, template.taints)
    node.provider_id = ""
    return node


class BinpackingEstimator:
    """Estimates the new nodes of one node group that pending pods need."""

    def __init__(self, snapshot: ClusterSnapshot, max_nodes: int = 0, prefix: str = "e") -> None:
        self.snapshot, self.max_nodes, self.prefix = snapshot, max_nodes, prefix

    def estimate(self, groups: list[PodGroup], template: Node) -> Estimate:
        """``Estimate`` in a forked snapshot (reverted before returning)."""
        snap = self.snapshot
        snap.fork()
        try:
            return self._run(decreasing_order(groups, template), template)
        finally:
            snap.revert()

    def _run(self, groups: list[PodGroup], template: Node) -> Estimate:
        snap = self.snapshot
        new: list[int] = []  # node indexes added, in order
        with_pods: set[int] = set()
        placed: list[Pod] = []
        for group in groups:
            pods = group.pods
            k = self._on_existing(pods, new, with_pods, placed)
            for pod in pods[k:]:
                last = new[-1] if new else None
                if last is not None and snap.fits(pod, last):
                    self._put(pod, last, with_pods, placed)
                    continue
                if last is not None and last not in with_pods:
                    break  # it did not fit an empty node: it fits no new node
                if self.max_nodes and len(new) >= self.max_nodes:
                    break
                i = snap.add_node(fresh_node(template, f"{self.prefix}-{len(new)}"))
                new.append(i)
                if not snap.fits(pod, i):
                    break
                self._put(pod, i, with_pods, placed)
        return Estimate(len(with_pods), placed)

    def _on_existing(self, pods: list[Pod], new: list[int], with_pods: set[int], placed: list[Pod]) -> int:
        """tryToScheduleOnExistingNodes over the nodes added so far; returns how many pods were placed."""
        if not new:
            return 0
        snap = self.snapshot
        static = not _pod_dependent(pods[0])
        start = 0
        for k, pod in enumerate(pods):
            idx = np.array(new[start:] if static else new, dtype=np.int64)
            i = snap.first_fit(pod, idx)
            if i is None:
                return k
            if static:
                start = new.index(i)
            self._put(pod, i, with_pods, placed)
        return len(pods)

    def _put(self, pod: Pod, i: int, with_pods: set[int], placed: list[Pod]) -> None:
        self.snapshot.place(pod, i)
        with_pods.add(i)
        placed.append(pod)


def replicate(pod: Pod, count: int) -> list[Pod]:
    """``count`` copies of a pending pod, each with its own uid (for estimating a group from one pod)."""
    out = []
    for k in range(count):
        meta = replace(pod.meta, uid=f"{pod.meta.uid}#{k}")
        out.append(Pod(meta, pod.spec, "", workload=pod.workload))
    return out

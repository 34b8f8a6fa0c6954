"""InterPodAffinity: pkg/scheduler/framework/plugins/interpodaffinity/{filtering,scoring,plugin}.go.

Filter, from per-topology-pair counts built in PreFilter:
- the incoming pod's required affinity terms: every term's topology key must be on the node, and some
  existing pod matching *all* terms must be in the node's domain; the first pod of a group that
  matches its own terms may go anywhere with the keys when no pod matches (UnschedulableAndUnresolvable);
- its required anti-affinity terms: no matching pod in the node's domain (Unschedulable);
- existing pods' required anti-affinity terms that match the incoming pod forbid their domains.
PreFilter returns Skip when none of these exist.

Score: per topology pair, + weight for each existing pod matching a preferred affinity term of the
incoming pod, - weight for anti-affinity; symmetric terms of existing pods (their preferred terms, and
their required affinity terms with ``hardPodAffinityWeight``) that match the incoming pod count too.
NormalizeScore maps [min, max] onto [0, 100]. Existing pods include terminating ones, as NodeInfo.Pods does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.api.types import PodAffinityTerm
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, Code, CycleState, PerNodeFilter, reject_unknown_args

REASON_AFFINITY = "node(s) didn't match pod affinity rules"
REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
_STATE_KEY = "InterPodAffinity"

Pair = tuple[str, str]


def _ns(term: PodAffinityTerm, owner_ns: str) -> tuple[str, ...]:
    return term.namespaces or (owner_ns,)


def _matches_all(terms: tuple[PodAffinityTerm, ...], owner_ns: str, pod: Pod) -> bool:
    return bool(terms) and all(t.matches(owner_ns, pod.meta.namespace, pod.meta.labels) for t in terms)


@SCHEDULER_PLUGINS.register("InterPodAffinity")
@dataclass(frozen=True)
class InterPodAffinity(PerNodeFilter):
    """Filter and score by inter-pod affinity and anti-affinity."""

    hard_pod_affinity_weight: int = 1
    ignore_preferred_terms_of_existing_pods: bool = False
    name: str = "InterPodAffinity"
    per_node_static = False

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> InterPodAffinity:
        """``InterPodAffinityArgs``: hardPodAffinityWeight in [0, 100], ignorePreferredTermsOfExistingPods."""
        reject_unknown_args(args, {"hardPodAffinityWeight", "ignorePreferredTermsOfExistingPods"})
        w = args.get("hardPodAffinityWeight", 1)
        if not isinstance(w, int) or not 0 <= w <= 100:
            raise ValueError(f"hardPodAffinityWeight: Invalid value: {w}: not in valid range [0, 100]")
        return cls(hard_pod_affinity_weight=w, ignore_preferred_terms_of_existing_pods=bool(args.get("ignorePreferredTermsOfExistingPods", False)))

    # ---- filter
    skip_reads = "cluster"  # skips read the spec and the assigned pods with affinity terms (see shape_cache)

    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """No required terms on the pod and no existing pod with required anti-affinity."""
        aff = pod.spec.pod_affinity
        if aff is not None and (aff.required or aff.anti_required):
            return False
        return not nodes.with_affinity or not any(p.spec.pod_affinity.anti_required for _, p in nodes.with_affinity.values())  # type: ignore[union-attr]

    def _prefilter(self, state: CycleState, pod: Pod, nodes: NodeTable) -> tuple[dict[Pair, int], dict[Pair, int], dict[Pair, int]]:
        cached = state.get(_STATE_KEY)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        ns = pod.meta.namespace
        existing_anti: dict[Pair, int] = {}
        for i, p in nodes.with_affinity.values():
            for t in p.spec.pod_affinity.anti_required:  # type: ignore[union-attr]
                v = nodes.labels[i].get(t.topology_key)
                if v is not None and t.matches(p.meta.namespace, ns, pod.meta.labels):
                    existing_anti[(t.topology_key, v)] = existing_anti.get((t.topology_key, v), 0) + 1
        affinity: dict[Pair, int] = {}
        anti: dict[Pair, int] = {}
        aff = pod.spec.pod_affinity
        if aff is not None and aff.required:
            first = aff.required[0]
            for i, p in nodes.pods_matching(_ns(first, ns), first.label_selector, terminating=True):
                if _matches_all(aff.required, ns, p):
                    for t in aff.required:
                        v = nodes.labels[i].get(t.topology_key)
                        if v is not None:
                            affinity[(t.topology_key, v)] = affinity.get((t.topology_key, v), 0) + 1
        if aff is not None:
            for t in aff.anti_required:
                for i, _ in nodes.pods_matching(_ns(t, ns), t.label_selector, terminating=True):
                    v = nodes.labels[i].get(t.topology_key)
                    if v is not None:
                        anti[(t.topology_key, v)] = anti.get((t.topology_key, v), 0) + 1
        out = (existing_anti, affinity, anti)
        state[_STATE_KEY] = out
        return out

    def verdict(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, str] | None:
        existing_anti, affinity, anti = self._prefilter(state, pod, nodes)
        labels = nodes.labels[i]
        aff = pod.spec.pod_affinity
        if aff is not None and aff.required:
            exist = True
            for t in aff.required:
                v = labels.get(t.topology_key)
                if v is None:
                    return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY
                if affinity.get((t.topology_key, v), 0) <= 0:
                    exist = False
            if not exist and not (not affinity and _matches_all(aff.required, pod.meta.namespace, pod)):
                return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_AFFINITY
        if aff is not None and anti:
            for t in aff.anti_required:
                v = labels.get(t.topology_key)
                if v is not None and anti.get((t.topology_key, v), 0) > 0:
                    return Code.UNSCHEDULABLE, REASON_ANTI_AFFINITY
        if existing_anti:
            for pair in labels.items():
                if existing_anti.get(pair, 0) > 0:
                    return Code.UNSCHEDULABLE, REASON_EXISTING_ANTI_AFFINITY
        return None

    # ---- score
    def _has_preferred(self, pod: Pod) -> bool:
        aff = pod.spec.pod_affinity
        return aff is not None and bool(aff.preferred or aff.anti_preferred)

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreScore Skip: nothing to score (no preferred terms, no existing pods with affinity)."""
        if self._has_preferred(pod):
            return False
        return self.ignore_preferred_terms_of_existing_pods or not nodes.with_affinity

    def topology_scores(self, pod: Pod, nodes: NodeTable) -> dict[str, dict[str, int]]:
        """PreScore: score per topology key and value."""
        ns = pod.meta.namespace
        out: dict[str, dict[str, int]] = {}

        def add(key: str, i: int, w: int) -> None:
            v = nodes.labels[i].get(key)
            if v is not None:
                d = out.setdefault(key, {})
                d[v] = d.get(v, 0) + w

        aff = pod.spec.pod_affinity
        if aff is not None:
            for sign, terms in ((1, aff.preferred), (-1, aff.anti_preferred)):
                for weight, t in terms:
                    for i, _ in nodes.pods_matching(_ns(t, ns), t.label_selector, terminating=True):
                        add(t.topology_key, i, sign * weight)
        if not (self.ignore_preferred_terms_of_existing_pods and not self._has_preferred(pod)):
            for i, p in nodes.with_affinity.values():
                pa = p.spec.pod_affinity
                assert pa is not None
                pns = p.meta.namespace
                if self.hard_pod_affinity_weight > 0:
                    for t in pa.required:
                        if t.matches(pns, ns, pod.meta.labels):
                            add(t.topology_key, i, self.hard_pod_affinity_weight)
                for sign, terms in ((1, pa.preferred), (-1, pa.anti_preferred)):
                    for weight, t in terms:
                        if t.matches(pns, ns, pod.meta.labels):
                            add(t.topology_key, i, sign * weight)
        return out

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Sum of the scores of the node's topology pairs."""
        total = np.zeros(len(idx), dtype=np.int64)
        for key, values in self.topology_scores(pod, nodes).items():
            ids, names = nodes.domains(key)
            table = np.array([values.get(n, 0) for n in names], dtype=np.int64)
            sub = ids[idx]
            total += np.where(sub >= 0, table[np.maximum(sub, 0)] if len(table) else 0, 0)
        return total

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """``int(100 * (s - min) / (max - min))``; all 0 when max == min."""
        scores = np.asarray(scores, dtype=np.int64)
        if len(scores) == 0:
            return scores
        lo, hi = int(scores.min()), int(scores.max())
        if hi == lo:
            return np.zeros_like(scores)
        return (MAX_NODE_SCORE * ((scores - lo) / (hi - lo))).astype(np.int64)

"""PodTopologySpread: pkg/scheduler/framework/plugins/podtopologyspread/{filtering,scoring,common,plugin}.go.

Filter (``DoNotSchedule`` constraints): pods matching the constraint's selector (same namespace, not
terminating) are counted per topology domain, over the nodes that carry every constraint's key and
pass the pod's nodeSelector and required node affinity (nodeAffinityPolicy Honor, nodeTaintsPolicy
Ignore). A node is rejected when ``count(domain) + self_match - min count > maxSkew``; the minimum is 0
while there are fewer domains than ``minDomains``. A node without a topology key is
UnschedulableAndUnresolvable.

Score (``ScheduleAnyway`` constraints; without any constraint of its own, the system defaults
``zone maxSkew 5`` and ``hostname maxSkew 3``, with the selector of the pod's owning ReplicaSet
or StatefulSet (``helper.DefaultSelector``)): per feasible node, the sum over constraints of
``count(domain) * log(domains + 2) + maxSkew - 1``, rounded; normalised as
``100 * (max + min - s) / max``. Counting goes through the cache's label index, so it costs the
number of matching pods, not nodes x pods.

Both depend on where other pods are, so this plugin is not per-node static: the scheduler does not
reuse results across pods while it is active.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from clustersim.api.objects import Pod
from clustersim.api.types import LabelSelector, TopologySpreadConstraint
from clustersim.scheduler.cache import NodeTable
from clustersim.scheduler.framework import MAX_NODE_SCORE, SCHEDULER_PLUGINS, Code, CycleState, PerNodeFilter, reject_unknown_args
from clustersim.util.fastpaths import enabled

REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
REASON_NODE_LABEL_NOT_MATCH = "node(s) didn't match pod topology spread constraints (missing required label)"
LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"
# pkg/scheduler/apis/config/v1/defaults.go: systemDefaultConstraints
SYSTEM_DEFAULT_CONSTRAINTS = ((LABEL_HOSTNAME, 3), (LABEL_ZONE, 5))
_STATE_KEY = "PodTopologySpread"


def _hard(pod: Pod) -> tuple[TopologySpreadConstraint, ...]:
    return tuple(c for c in pod.spec.topology_spread_constraints if c.when_unsatisfiable == "DoNotSchedule")


def _node_passes_affinity(pod: Pod, labels: dict[str, str]) -> bool:
    if not all(labels.get(k) == v for k, v in pod.spec.node_selector):
        return False
    aff = pod.spec.affinity
    return aff is None or not aff.required or any(t.matches(labels) for t in aff.required)


def default_selector(pod: Pod, nodes: NodeTable) -> LabelSelector | None:
    """``helper.DefaultSelector`` (pkg/scheduler/framework/plugins/helper/spread.go): the selectors of
    the Services in the pod's namespace that select it, merged, plus its controlling ReplicaSet's or
    StatefulSet's selector; None when that is empty (then no default constraint applies).

    A Service without a selector selects nothing (``GetPodServices``). ReplicationControllers are
    not modelled.
    """
    ns, labels = pod.meta.namespace, pod.meta.labels
    merged: dict[str, str] = {}
    for selector in nodes.service_selectors.get(ns, {}).values():
        if all(labels.get(k) == v for k, v in selector):
            merged.update(selector)
    owner = pod.meta.owner
    owned = nodes.owner_selectors.get((owner.kind, ns, owner.name)) if owner is not None else None
    if not merged:
        return owned
    extra = owned.match_labels if owned is not None else ()
    return LabelSelector(tuple(sorted(set(merged.items()) | set(extra))), owned.match_expressions if owned is not None else ())


@SCHEDULER_PLUGINS.register("PodTopologySpread")
@dataclass(frozen=True)
class PodTopologySpread(PerNodeFilter):
    """Filter: DoNotSchedule constraints. Score: ScheduleAnyway constraints, or the system defaults."""

    default_constraints: tuple[tuple[str, int], ...] = field(default=SYSTEM_DEFAULT_CONSTRAINTS)
    system_defaulted: bool = True
    name: str = "PodTopologySpread"
    # per-domain counts kept by the cache (fastpaths spread_domain_counts), else summed per cycle
    domain_counts: bool = field(default_factory=lambda: enabled("spread_domain_counts"), compare=False, repr=False)
    per_node_static = False  # the verdict depends on where other pods are

    @classmethod
    def from_args(cls, args: dict[str, Any]) -> PodTopologySpread:
        """``PodTopologySpreadArgs``: ``defaultingType`` System or List, ``defaultConstraints`` (ScheduleAnyway only here)."""
        reject_unknown_args(args, {"defaultingType", "defaultConstraints"})
        kind = args.get("defaultingType", "System")
        if kind not in ("System", "List"):
            raise ValueError(f"defaultingType: Unsupported value {kind!r}: supported values: List, System")
        given = args.get("defaultConstraints") or []
        if kind == "System":
            if given:
                raise ValueError("defaultConstraints: Invalid value: when .defaultingType is System, .defaultConstraints must be empty")
            return cls()
        out = []
        for i, c in enumerate(given):
            reject_unknown_args(c, {"maxSkew", "topologyKey", "whenUnsatisfiable"}, f"defaultConstraints[{i}].")
            if c.get("whenUnsatisfiable", "ScheduleAnyway") != "ScheduleAnyway":
                raise ValueError(f"defaultConstraints[{i}].whenUnsatisfiable: only ScheduleAnyway default constraints are supported")
            if int(c.get("maxSkew", 0)) < 1:
                raise ValueError(f"defaultConstraints[{i}].maxSkew: Invalid value: must be greater than zero")
            out.append((str(c["topologyKey"]), int(c["maxSkew"])))
        return cls(default_constraints=tuple(out), system_defaulted=False)

    skip_reads = "cluster"  # skips read the spec, the owner and its selector (see shape_cache)

    # ---- filter
    def skip(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreFilter Skip: no DoNotSchedule constraint."""
        return not _hard(pod)

    def _counts(self, state: CycleState, pod: Pod, nodes: NodeTable) -> list[tuple[dict[str, int], int]]:
        """PreFilter: per constraint, matching pods per domain and the minimum (computed once per cycle)."""
        cached = state.get(_STATE_KEY)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        constraints = _hard(pod)
        n_all = len(nodes.names)
        ok = np.zeros(n_all, dtype=bool)
        ok[nodes.candidates()] = True
        for c in constraints:
            ok &= nodes.domains(c.topology_key)[0] >= 0
        aff = pod.spec.affinity
        if pod.spec.node_selector or (aff is not None and aff.required):
            ok &= np.array([_node_passes_affinity(pod, nodes.labels[i]) for i in range(n_all)], dtype=bool)
        out = []
        for c in constraints:
            ids, values = nodes.domains(c.topology_key)
            per_node = nodes.selector_counts(pod.meta.namespace, c.label_selector)[:n_all]
            by_domain = np.bincount(ids[ok], weights=per_node[ok], minlength=len(values))
            counts = {values[d]: int(by_domain[d]) for d in np.unique(ids[ok])}  # every eligible domain, 0 pods or more
            low = min(counts.values()) if counts else 0
            if c.min_domains is not None and len(counts) < c.min_domains:
                low = 0
            out.append((counts, low))
        state[_STATE_KEY] = out
        return out

    def verdict(self, state: CycleState, pod: Pod, nodes: NodeTable, i: int) -> tuple[Code, str] | None:
        labels = nodes.labels[i]
        for c, (counts, low) in zip(_hard(pod), self._counts(state, pod, nodes), strict=True):
            domain = labels.get(c.topology_key)
            if domain is None:
                return Code.UNSCHEDULABLE_AND_UNRESOLVABLE, REASON_NODE_LABEL_NOT_MATCH
            self_match = 1 if c.label_selector.matches(pod.meta.labels) else 0
            if counts.get(domain, 0) + self_match - low > c.max_skew:
                return Code.UNSCHEDULABLE, REASON_CONSTRAINTS_NOT_MATCH
        return None

    # ---- score
    def soft_constraints(self, pod: Pod, nodes: NodeTable) -> tuple[tuple[tuple[str, int, LabelSelector], ...], bool]:
        """(key, maxSkew, selector) of the ScheduleAnyway constraints, and whether they are system defaults."""
        spec = pod.spec.topology_spread_constraints
        if spec:
            return tuple((c.topology_key, c.max_skew, c.label_selector) for c in spec if c.when_unsatisfiable == "ScheduleAnyway"), False
        sel = default_selector(pod, nodes)
        if sel is None or not self.default_constraints:
            return (), False
        return tuple((key, skew, sel) for key, skew in self.default_constraints), self.system_defaulted

    def skip_score(self, pod: Pod, nodes: NodeTable) -> bool:
        """PreScore Skip: no ScheduleAnyway constraint and no default one applies."""
        return not self.soft_constraints(pod, nodes)[0]

    def score(self, state: CycleState, pod: Pod, nodes: NodeTable, idx: np.ndarray) -> np.ndarray:
        """Raw scores over the feasible nodes ``idx``; ignored nodes (missing a key) get -1 for normalize.

        When every node carries a constraint's key (the usual case for hostname and zone), the masks
        for nodes without it are left out; the arithmetic is the same.
        """
        constraints, defaulted = self.soft_constraints(pod, nodes)
        require_all = not defaulted
        n_all = len(nodes.names)
        ignored = None
        if require_all:
            for key, _, _ in constraints:
                if not nodes.domains_complete(key):
                    miss = nodes.domains(key)[0][idx] < 0
                    ignored = miss if ignored is None else ignored | miss
        # nodes that count (nodeAffinityPolicy Honor): pass the pod's nodeSelector/required affinity
        aff = pod.spec.affinity
        keep = None  # nodes whose pods count
        if pod.spec.node_selector or (aff is not None and aff.required):
            keep = np.array([_node_passes_affinity(pod, nodes.labels[i]) for i in range(n_all)], dtype=bool)
        if require_all:
            for k2, _, _ in constraints:  # pods on nodes without every key do not count
                if not nodes.domains_complete(k2):
                    has_key = nodes.domains(k2)[0] >= 0
                    keep = has_key if keep is None else keep & has_key
        n_scored = len(idx) if ignored is None else len(idx) - int(np.count_nonzero(ignored))
        total: np.ndarray | None = None
        for key, max_skew, selector in constraints:
            ids, values = nodes.domains(key)
            complete = nodes.domains_complete(key)
            per_node = nodes.selector_counts(pod.meta.namespace, selector)[:n_all]
            if keep is not None:
                per_node = np.where(keep, per_node, 0)
            if key == LABEL_HOSTNAME and complete:  # one domain per node: no ids needed
                size = n_scored
                cnt = per_node[idx]
                sub = None
            elif key == LABEL_HOSTNAME:
                sub = ids[idx]
                size = n_scored
                cnt = per_node[idx]
            else:
                sub = ids[idx]
                scored_ids = sub if ignored is None else sub[~ignored]
                if not complete:
                    scored_ids = scored_ids[scored_ids >= 0]
                size = int(np.count_nonzero(np.bincount(scored_ids, minlength=len(values))))
                if complete and keep is None and self.domain_counts:  # per-domain counts kept by the cache
                    cnt = nodes.domain_counts(pod.meta.namespace, selector, key)[sub]
                elif complete:
                    cnt = np.bincount(ids, weights=per_node, minlength=len(values))[sub]
                elif not values:  # no node has the key: it adds nothing anywhere (scoring.go scores only nodes with the key)
                    cnt = np.zeros(len(idx))
                else:
                    by_domain = np.bincount(ids[ids >= 0], weights=per_node[ids >= 0], minlength=len(values))
                    cnt = np.where(sub >= 0, by_domain[np.maximum(sub, 0)], 0)
            weight = math.log(size + 2)  # topologyNormalizingWeight
            part = cnt * weight  # a fresh array: the operations below are in place (the same values, fewer arrays)
            part += max_skew - 1
            if not complete:
                assert sub is not None
                part = np.where(sub >= 0, part, 0.0)
            if total is None:
                total = part
            else:
                total += part
        if total is None:
            return np.zeros(len(idx), dtype=np.int64)
        total += 0.5
        out = np.floor(total, out=total).astype(np.int64)  # math.Round: half away from zero (scores are >= 0)
        if ignored is not None:
            out[ignored] = -1
        return out

    def normalize(self, state: CycleState, pod: Pod, scores: np.ndarray) -> np.ndarray:
        """``MaxNodeScore * (max + min - s) / max`` over the nodes that count; ignored nodes get 0."""
        scores = np.asarray(scores, dtype=np.int64)
        lo = int(scores.min()) if len(scores) else -1
        if lo >= 0:  # no ignored node (the usual case): no masks
            hi = int(scores.max())
            if hi == 0:
                return np.full(len(scores), MAX_NODE_SCORE, dtype=np.int64)
            out = (hi + lo) - scores  # a fresh array, then in place: integers, the same values
            out *= MAX_NODE_SCORE
            out //= hi
            return out
        valid = scores >= 0
        if not valid.any():
            return np.zeros_like(scores)
        lo, hi = int(scores[valid].min()), int(scores[valid].max())
        if hi == 0:
            return np.where(valid, MAX_NODE_SCORE, 0)
        return np.where(valid, MAX_NODE_SCORE * (hi + lo - scores) // hi, 0)

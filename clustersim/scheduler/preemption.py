"""DefaultPreemption's victim selection: pkg/scheduler/framework/preemption/preemption.go and
pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go.

For a pod that fits nowhere: nodes rejected as UnschedulableAndUnresolvable are not candidates. From a
random offset, up to ``max(nodes * minCandidateNodesPercentage / 100, minCandidateNodesAbsolute)``
nodes are dry-run: remove every pod of lower priority, check the pod fits, then reprieve pods in order
of importance (higher priority, then earlier start), PDB-violating ones first, keeping each one the
pod still fits beside. The node is picked by (in order) fewest PDB violations, lowest highest-victim
priority, lowest priority sum, fewest victims, latest start of the highest-priority victims.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from clustersim.api.objects import Pod, PodDisruptionBudget
from clustersim.scheduler.cache import NodeTable

__all__ = ["NOT_HELPFUL", "NO_VICTIMS", "Candidate", "dry_run", "filter_pods_with_pdb_violation", "num_candidates", "pick_one_node",
           "select_victims_on_node"]

MAX_INT32 = 2**31 - 1


@dataclass(slots=True)
class Candidate:
    """A node where preemption would make room, with its victims (most important first)."""

    node: int
    victims: list[Pod]
    pdb_violations: int


def num_candidates(num_nodes: int, pct: int, absolute: int) -> int:
    """``GetOffsetAndNumCandidates``'s count: a percentage of the nodes, at least the absolute number, at most all."""
    n = num_nodes * pct // 100
    return min(max(n, absolute), num_nodes)


def _importance(p: Pod) -> tuple[int, float]:
    """Sort key: MoreImportantPod = higher priority, then earlier start."""
    start = p.status.start_s if p.status.start_s is not None else p.meta.creation_s
    return (-p.spec.priority, start)


def filter_pods_with_pdb_violation(pods: list[Pod], pdbs: list[PodDisruptionBudget]) -> tuple[list[Pod], list[Pod]]:
    """Split into (violating, non-violating): evicting a pod violates a PDB whose allowance is used up."""
    allowed = [pdb.status.disruptions_allowed for pdb in pdbs]
    violating: list[Pod] = []
    ok: list[Pod] = []
    for p in pods:
        bad = False
        for k, pdb in enumerate(pdbs):
            if pdb.meta.namespace != p.meta.namespace:
                continue
            if not (pdb.selector.match_labels or pdb.selector.match_expressions) or not pdb.selector.matches(p.meta.labels):
                continue
            allowed[k] -= 1
            if allowed[k] < 0:
                bad = True
        (violating if bad else ok).append(p)
    return violating, ok


NO_VICTIMS = "No preemption victims found for incoming pod"
NOT_HELPFUL = "Preemption is not helpful for scheduling"


def select_victims_on_node(pod: Pod, nodes: NodeTable, i: int, why: Callable[[], list[str] | None],
                           pdbs: list[PodDisruptionBudget]) -> tuple[list[Pod], int] | list[str]:
    """Victims on node ``i`` and their PDB violations, or the reasons it cannot help.

    ``why()`` runs the profile's filters for ``pod`` on node ``i`` against the current cache (None when
    the pod fits, else the first failing filter's reasons); pods are taken out of the cache and put
    back, so the cache is unchanged on return.
    """
    prio = pod.spec.priority
    lower = [p for p in list(nodes.pods_on[i].values()) if p.spec.priority < prio]
    if not lower:
        return [NO_VICTIMS]

    def fits() -> bool:
        return why() is None

    name = nodes.names[i]
    removed: list[Pod] = []
    try:
        for p in lower:
            nodes.remove_pod(p)
            removed.append(p)
        reasons = why()
        if reasons is not None:
            return reasons
        lower.sort(key=_importance)
        violating, ok = filter_pods_with_pdb_violation(lower, pdbs)
        victims: list[Pod] = []
        n_violations = 0
        for group, counts in ((violating, True), (ok, False)):
            for p in group:
                nodes.add_pod(p, name)
                removed.remove(p)
                if not fits():
                    nodes.remove_pod(p)
                    removed.append(p)
                    victims.append(p)
                    n_violations += counts
        victims.sort(key=_importance)
        return victims, n_violations
    finally:
        for p in removed:
            nodes.add_pod(p, name)


def pick_one_node(cands: list[Candidate]) -> Candidate:
    """``pickOneNodeForPreemption``: the criteria in order; the first remaining on a full tie."""
    def highest(c: Candidate) -> int:
        return c.victims[0].spec.priority if c.victims else -MAX_INT32 - 1

    def prio_sum(c: Candidate) -> int:
        # upstream adds MaxInt32 + 1 to each priority so that negative priorities do not lower the sum
        return sum(p.spec.priority + MAX_INT32 + 1 for p in c.victims)

    def earliest_of_highest(c: Candidate) -> float:
        if not c.victims:
            return float("inf")
        top = c.victims[0].spec.priority
        return min(_importance(p)[1] for p in c.victims if p.spec.priority == top)

    pool = cands
    for key in (lambda c: c.pdb_violations, highest, prio_sum, lambda c: len(c.victims), lambda c: -earliest_of_highest(c)):
        best = min(key(c) for c in pool)
        pool = [c for c in pool if key(c) == best]
        if len(pool) == 1:
            break
    return pool[0]


def dry_run(pod: Pod, nodes: NodeTable, potential: np.ndarray, offset: int, want: int,
            why_on: Callable[[int], list[str] | None], pdbs: list[PodDisruptionBudget]) -> tuple[list[Candidate], Counter[str]]:
    """``DryRunPreemption``: candidates from ``potential`` node indexes starting at ``offset``, and the
    reasons of the nodes that cannot help."""
    out: list[Candidate] = []
    reasons: Counter[str] = Counter()
    n_ok = n_bad = 0
    for k in range(len(potential)):
        i = int(potential[(offset + k) % len(potential)])
        res = select_victims_on_node(pod, nodes, i, lambda i=i: why_on(i), pdbs)  # type: ignore[misc]
        if isinstance(res, list):
            reasons.update(res)
            continue
        victims, violations = res
        if not victims:
            reasons[NO_VICTIMS] += 1
            continue
        out.append(Candidate(i, victims, violations))
        if violations == 0:
            n_ok += 1
        else:
            n_bad += 1
        if n_ok > 0 and n_ok + n_bad >= want:
            break
    return out, reasons
